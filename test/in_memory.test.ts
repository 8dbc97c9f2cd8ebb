// InMemoryFunction copies its block lists into arrays of one elements kind,
// whatever arrays its producer made: the allocators' reads of them stay
// monomorphic, and V8 does not throw away their optimized code halfway
// through a module when a function built another way comes along.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type FunctionData, InMemoryFunction } from '../src/func/in_memory.js';
import { type PReg, PRegSet, vreg } from '../src/model/regs.js';

setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- V8's own map test, compiled with natives syntax on
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: unknown, b: unknown) => boolean;

/** A two-block function; `holey` makes every list the way `new Array(n)` does, else as literals do. */
function twoBlocks(holey: boolean, labels: boolean): InMemoryFunction {
  return new InMemoryFunction(twoBlocksData(holey, labels));
}

function twoBlocksData(holey: boolean, labels: boolean): FunctionData {
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
  return data;
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
  assert.ok(!sameMap(twoBlocksData(false, true).blocks[1]!.preds, twoBlocksData(true, true).blocks[1]!.preds));
});

test('data: equal to what the function was made from, a copy, and the producer\'s objects are not kept', async () => {
  const base = twoBlocksData(true, true);
  // Clobbers written out of set order keep their order.
  const p = (i: number) => i as PReg;
  const made: FunctionData = { ...base, insts: [{ op: 'branch', operands: [], clobbers: PRegSet.of([p(3), p(1)]), clobberList: [p(3), p(1)] }, base.insts[1]!] };
  const f = new InMemoryFunction(made);
  assert.deepEqual(f.data, made);
  assert.equal(f.data, f.data); // built once
  assert.deepEqual(new InMemoryFunction(f.data).data, made);
  // Changing the copy changes nothing in the function.
  (f.data.blocks[1]!.preds as number[]).push(1);
  f.data.insts[0]!.clobbers.add(p(5));
  assert.deepEqual([...f.blockPreds(1)], [0]);
  assert.ok(!f.instClobbers(0).contains(p(5)));
  // No reference to the producer's data survives the constructor.
  let data: FunctionData | undefined = twoBlocksData(false, false);
  const watched = new WeakRef(data.insts[1]!);
  const kept = new InMemoryFunction(data);
  data = undefined;
  await new Promise((resolve) => setTimeout(resolve, 0)); // a WeakRef's target lives to the end of the job that made it
  gc();
  assert.equal(watched.deref(), undefined);
  assert.equal(kept.numInsts(), 2);
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
