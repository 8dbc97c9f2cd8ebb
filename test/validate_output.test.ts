// Nothing reaches a user as a raw crash: the checker reports a malformed
// Output as `MalformedOutput`, and the allocators throw only RegAllocError.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from '../src/allocate.js';
import { CheckerError, checkOutput } from '../src/checker/index.js';
import { FunctionBuilder } from '../src/func/builder.js';
import { allocReg, allocStack } from '../src/model/allocation.js';
import { RegAllocError } from '../src/model/errors.js';
import type { Function, Output } from '../src/model/function.js';
import { Operand } from '../src/model/operand.js';
import { preg, RegClass } from '../src/model/regs.js';
import { smallEnv } from './support/env.js';

const I = RegClass.Int;

/** Four values live at once in two registers: Ion spills, so there are edits and slots. */
function spilling(): { func: Function; out: Output } {
  const b = new FunctionBuilder();
  const b0 = b.block();
  const vs = [b.vreg(I), b.vreg(I), b.vreg(I), b.vreg(I)];
  for (const v of vs) b.inst(b0, [Operand.regDef(v)]);
  for (const v of vs) b.inst(b0, [Operand.regUse(v)]);
  b.ret(b0, [Operand.regFixedUse(vs[0]!, preg(0, I))]);
  const func = b.build();
  const out = allocate(func, smallEnv(2));
  assert.ok(out.edits.length > 0 && out.numSpillslots > 0, 'the example must spill');
  return { func, out };
}

function malformed(func: Function, out: unknown, mentions: string): void {
  let caught: unknown;
  try {
    checkOutput(func, smallEnv(2), out as Output);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof CheckerError, `expected a CheckerError, got ${String(caught)}`);
  assert.equal(caught.kind, 'MalformedOutput', caught.message);
  assert.ok(caught.message.includes(mentions), `"${caught.message}" should mention "${mentions}"`);
}

describe('the checker reports a malformed output', () => {
  it('accepts the allocator’s own output, and a spread copy that kept packedEdits', () => {
    const { func, out } = spilling();
    checkOutput(func, smallEnv(2), out);
    // `{ ...out }` drops the `edits` accessor; the copy still has packedEdits, which the checker reads.
    const copy = { ...out } as Output;
    assert.equal(Object.getOwnPropertyDescriptor(copy, 'edits'), undefined);
    checkOutput(func, smallEnv(2), copy);
  });

  it('a copy with neither edits nor packedEdits', () => {
    const { func, out } = spilling();
    const { packedEdits: _dropped, ...rest } = { ...out };
    malformed(func, rest, 'no edits');
  });

  it('missing, short and long allocs; missing or wrong instAllocOffsets', () => {
    const { func, out } = spilling();
    malformed(func, { ...out, edits: out.edits, allocs: undefined }, 'allocs is missing');
    malformed(func, { ...out, edits: out.edits, allocs: out.allocs.subarray(1) }, 'allocs has');
    malformed(func, { ...out, edits: out.edits, allocs: Int32Array.from([...out.allocs, 0]) }, 'allocs has');
    malformed(func, { ...out, edits: out.edits, instAllocOffsets: undefined }, 'instAllocOffsets is missing');
    malformed(func, { ...out, edits: out.edits, instAllocOffsets: out.instAllocOffsets.subarray(1) }, 'allocations for');
    const shifted = Uint32Array.from(out.instAllocOffsets, (o, i) => (i === 3 ? o + 1 : o));
    malformed(func, { ...out, edits: out.edits, instAllocOffsets: shifted }, 'instAllocOffsets[3]');
  });

  it('allocation values that mean nothing: bad kind, bad register, slot past numSpillslots, fractions', () => {
    const { func, out } = spilling();
    for (const [bad, says] of [
      [3 << 28, 'unknown kind'],
      [allocReg(200), 'names no register'],
      [allocStack(out.numSpillslots), 'spill slots'],
      [0.5, 'not an allocation'],
    ] as const) {
      const allocs = Array.from(out.allocs);
      allocs[0] = bad;
      malformed(func, { ...out, edits: out.edits, allocs }, says);
    }
  });

  it('unsorted edits, edits outside the function, moves from nowhere, a bad numSpillslots, no object at all', () => {
    const { func, out } = spilling();
    const edits = [...out.edits];
    malformed(func, { ...out, edits: [...edits].reverse() }, 'sorted');
    malformed(func, { ...out, edits: [{ ...edits[0]!, point: 999 }] }, 'not a program point');
    malformed(func, { ...out, edits: [{ ...edits[0]!, from: 0 }] }, 'none is no place');
    malformed(func, { ...out, edits: [null] }, 'not a { point, from, to }');
    malformed(func, { ...out, edits, numSpillslots: -1 }, 'numSpillslots');
    malformed(func, null, 'null');
  });
});

describe('the allocators throw only RegAllocError', () => {
  it('a crash inside an allocator is an Internal error, with the cause kept', () => {
    const { func } = spilling();
    // A Function whose clobber query fails, as a caller's own implementation might.
    const broken = Object.assign(Object.create(func) as Function, {
      instClobbers: () => {
        throw new TypeError('clobbers unavailable');
      },
    });
    for (const algorithm of ['ion', 'fastalloc'] as const) {
      let caught: unknown;
      try {
        allocate(broken, smallEnv(2), { algorithm, validate: false });
      } catch (e) {
        caught = e;
      }
      assert.ok(caught instanceof RegAllocError, `${algorithm}: ${String(caught)}`);
      assert.equal(caught.kind, 'Internal');
      assert.ok(caught.message.includes('clobbers unavailable') && caught.message.includes('validation was off'), caught.message);
      assert.ok((caught as { cause?: unknown }).cause instanceof TypeError);
    }
  });

  it('with validation off, invalid input gives a RegAllocError or an output, never another exception', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    b.vreg(I);
    b.ret(b0, [Operand.regUse(4000 * 4)]); // a vreg past num_vregs, defined nowhere
    const func = b.build();
    for (const algorithm of ['ion', 'fastalloc'] as const) {
      try {
        allocate(func, smallEnv(2), { algorithm, validate: false });
      } catch (e) {
        assert.ok(e instanceof RegAllocError, `${algorithm}: ${String(e)}`);
      }
    }
  });

  it('with validation off, block ranges, edges and indices are still checked (out-of-range ones sent Fastalloc into an endless loop)', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regDef(v)]);
    b.ret(b0, [Operand.regUse(v), Operand.regUse(4000 * 4)]); // a vreg past num_vregs
    const pastVregs = b.build();
    const { func } = spilling();
    // A block whose range reaches far past the function's instructions.
    const pastInsts = Object.assign(Object.create(func) as Function, {
      blockInsns: (blk: number) => (blk === func.numBlocks() - 1 ? { first: func.blockInsns(blk).first, end: 2 ** 30 } : func.blockInsns(blk)),
    });
    for (const algorithm of ['ion', 'fastalloc'] as const) {
      assert.throws(
        () => allocate(pastVregs, smallEnv(2), { algorithm, validate: false }),
        (e) => e instanceof RegAllocError && e.kind === 'VRegOutOfRange' && e.place.block === 0 && e.place.inst === 1 && e.place.operand === 1,
      );
      assert.throws(
        () => allocate(pastInsts, smallEnv(2), { algorithm, validate: false }),
        (e) => e instanceof RegAllocError && e.kind === 'InvalidStructure' && e.place.block === func.numBlocks() - 1,
      );
    }
  });

  it('validateSsa, the former name of validate, still switches validation', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.ret(b0, [Operand.regUse(v)]);
    const func = b.build();
    assert.throws(() => allocate(func, smallEnv(2)), (e) => e instanceof RegAllocError && e.kind === 'SSA');
    assert.throws(() => allocate(func, smallEnv(2), { validateSsa: true }), (e) => e instanceof RegAllocError && e.kind === 'SSA');
    // Off under either name: no SSA error (the allocator meets the live-in use itself).
    for (const options of [{ validate: false }, { validateSsa: false }]) {
      assert.throws(() => allocate(func, smallEnv(2), options), (e) => e instanceof RegAllocError && e.kind !== 'SSA');
    }
  });
});
