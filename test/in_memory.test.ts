// InMemoryFunction copies its block lists into arrays of one elements kind,
// whatever arrays its producer made: the allocators' reads of them stay
// monomorphic, and V8 does not throw away their optimized code halfway
// through a module when a function built another way comes along.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { type FunctionData, InMemoryFunction } from '../src/func/in_memory.js';
import { PRegSet, vreg } from '../src/model/regs.js';

setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- V8's own map test, compiled with natives syntax on
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: unknown, b: unknown) => boolean;

/** A two-block function; `holey` makes every list the way `new Array(n)` does, else as literals do. */
function twoBlocks(holey: boolean, labels: boolean): InMemoryFunction {
  const list = <T>(...xs: T[]): T[] => {
    if (!holey) {
      const literal: T[] = [];
      for (const x of xs) literal.push(x);
      return literal;
    }
    const a = new Array<T>(xs.length);
    for (let i = 0; i < xs.length; i++) a[i] = xs[i]!;
    return a;
  };
  const v0 = vreg(0, 0);
  const data: FunctionData = {
    entry: 0,
    numVregs: 1,
    blocks: list(
      { first: 0, end: 1, preds: list(), succs: list(1), params: list(), branchArgs: list(list(v0)) },
      { first: 1, end: 2, preds: list(0), succs: list(), params: list(v0), branchArgs: list() },
    ),
    insts: list(
      { op: 'branch', operands: list(), clobbers: new PRegSet() },
      { op: 'ret', operands: list(), clobbers: new PRegSet() },
    ),
    spillslotSize: [1, 1, 1],
    multiSpillslotNamedByLastSlot: false,
    allowMultipleVregDefs: false,
    debugValueLabels: labels ? list([v0, 0, 1, 7] as const) : list(),
  };
  return new InMemoryFunction(data);
}

test('block lists, branch args and debug labels have one map whatever arrays the producer made', () => {
  const packed = twoBlocks(false, true);
  for (const other of [twoBlocks(true, true), twoBlocks(false, false), twoBlocks(true, false)]) {
    for (let b = 0; b < 2; b++) {
      assert.ok(sameMap(packed.blockPreds(b), other.blockPreds(b)), `preds of block${b}`);
      assert.ok(sameMap(packed.blockSuccs(b), other.blockSuccs(b)), `succs of block${b}`);
      assert.ok(sameMap(packed.blockParams(b), other.blockParams(b)), `params of block${b}`);
    }
    assert.ok(sameMap(packed.branchBlockparams(0, 0, 0), other.branchBlockparams(0, 0, 0)), 'branch args');
    assert.ok(sameMap(packed.debugValueLabels(), other.debugValueLabels()), 'debug labels, empty or not');
  }
  // The producers' own lists do differ (the copies made before this test did not).
  assert.ok(!sameMap(packed.data.blocks[1]!.preds, twoBlocks(true, true).data.blocks[1]!.preds));
});

test('the copies hold what the producer gave', () => {
  const f = twoBlocks(true, true);
  assert.deepEqual([...f.blockPreds(1)], [0]);
  assert.deepEqual([...f.blockSuccs(0)], [1]);
  assert.deepEqual([...f.blockParams(1)], [vreg(0, 0)]);
  assert.deepEqual([...f.branchBlockparams(0, 0, 0)], [vreg(0, 0)]);
  assert.deepEqual(f.debugValueLabels().map((l) => [...l]), [[vreg(0, 0), 0, 1, 7]]);
  assert.equal(f.numInsts(), 2);
  assert.equal(f.numBlocks(), 2);
  assert.equal(f.numVregs(), 1);
});
