// The classes of defective input that once got past validation (and then
// allocated wrongly or crashed), each as a small hand-built function: the
// typed error's variant and its place.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from '../src/allocate.js';
import { validateFunction } from '../src/analysis/validate.js';
import { checkOutput } from '../src/checker/index.js';
import { FunctionBuilder } from '../src/func/builder.js';
import { type FunctionData, InMemoryFunction } from '../src/func/in_memory.js';
import { RegAllocError, type RegAllocErrorKind } from '../src/model/errors.js';
import type { Function, MachineEnv } from '../src/model/function.js';
import { Operand } from '../src/model/operand.js';
import { preg, PRegSet, RegClass, vreg } from '../src/model/regs.js';
import { smallEnv } from './support/env.js';
import { twoBlocks } from './support/functions.js';

const I = RegClass.Int;
const V = RegClass.Vector;

type Place = { block?: number; toBlock?: number; inst?: number; operand?: number; vreg?: number };

/** Validation and both allocators (which validate by default) reject `f` with `kind` at `place`. */
function rejects(f: Function, env: MachineEnv, kind: RegAllocErrorKind, place: Place, mentions: string[] = []): void {
  const runs: [string, () => unknown][] = [
    ['validateFunction', () => validateFunction(f, env)],
    ['ion', () => allocate(f, env, { algorithm: 'ion' })],
    ['fastalloc', () => allocate(f, env, { algorithm: 'fastalloc' })],
  ];
  for (const [name, run] of runs) {
    let caught: unknown;
    try {
      run();
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof RegAllocError, `${name}: expected RegAllocError ${kind}, got ${String(caught)}`);
    assert.equal(caught.kind, kind, `${name}: ${caught.message}`);
    for (const [k, v] of Object.entries(place)) {
      // vreg and preg are given as values; the error holds them on `vreg`/`preg` (its place shows their text).
      const actual: unknown = k === 'vreg' || k === 'preg' ? caught[k] : (caught.place as Record<string, unknown>)[k];
      assert.equal(actual, v, `${name}: place.${k} in "${caught.message}"`);
    }
    for (const m of mentions) assert.ok(caught.message.includes(m), `"${caught.message}" should mention "${m}"`);
  }
}

/** Allocates with both allocators and proves each result with the checker. */
function allocatesRight(f: Function, env: MachineEnv): void {
  for (const algorithm of ['ion', 'fastalloc'] as const) checkOutput(f, env, allocate(f, env, { algorithm }));
}

/** `f` with some of its `Function` methods replaced (for values InMemoryFunction cannot hold). */
function overriding(f: Function, methods: Partial<Function>): Function {
  return Object.assign(Object.create(f) as Function, methods);
}

function withData(f: InMemoryFunction, change: (d: FunctionData) => Partial<FunctionData>): InMemoryFunction {
  return new InMemoryFunction({ ...f.data, ...change(f.data) });
}

describe('validation closes the classes that got through', () => {
  it('one instruction defining a vreg twice: SSA, even with allow_multiple_vreg_defs', () => {
    const b = new FunctionBuilder();
    b.allowMultipleVregDefs = true;
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regUse(v)].slice(0, 0).concat([Operand.regDef(v), Operand.anyDef(v)]));
    b.ret(b0, [Operand.regFixedUse(v, preg(0, I))]);
    rejects(b.build(), smallEnv(), 'SSA', { block: 0, inst: 0, vreg: v }, ['same instruction']);
  });

  it('one vreg index with two classes: VRegClassMismatch, in operands, params, branch args and debug labels', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regDef(v)]);
    b.ret(b0, [Operand.regUse(vreg(0, V))]);
    rejects(b.build(), smallEnv(), 'VRegClassMismatch', { block: 0, inst: 1, operand: 0, vreg: vreg(0, V) }, ['v0i', 'v0v']);

    const f = twoBlocks().build();
    const asParam = withData(f, (d) => ({ blocks: [d.blocks[0]!, { ...d.blocks[1]!, params: [vreg(1, V)] }] }));
    rejects(asParam, smallEnv(), 'VRegClassMismatch', { block: 1, inst: 2, operand: 0, vreg: vreg(1, I) }, ['block 1 param 0']);
    const asArg = withData(f, (d) => ({ blocks: [{ ...d.blocks[0]!, branchArgs: [[vreg(0, V)]] }, d.blocks[1]!] }));
    rejects(asArg, smallEnv(), 'VRegClassMismatch', { block: 0, inst: 1, vreg: vreg(0, V) });
    const asLabel = withData(f, () => ({ debugValueLabels: [[vreg(1, V), 2, 3, 7]] }));
    rejects(asLabel, smallEnv(), 'VRegClassMismatch', { block: 1, inst: 2, vreg: vreg(1, V) }, ['debug value label 0']);
  });

  it('a branch arg of another class than its param: VRegClassMismatch (Ion gave a vector param an integer value; mutation fuzzer case 20177794)', () => {
    // entry: v0i = def, v2v = def; jump exit(v0i); exit(v1v): ret v1v — each vreg keeps one class.
    const b = new FunctionBuilder();
    const entry = b.block();
    const exit = b.block();
    const v0 = b.vreg(I);
    const v1 = b.vreg(V);
    b.blockParam(exit, v1);
    b.inst(entry, [Operand.regDef(v0)]);
    b.branch(entry, [{ block: exit, args: [v0] }]);
    b.ret(exit, [Operand.regUse(v1)]);
    rejects(b.build(), smallEnv(), 'VRegClassMismatch', { block: 0, inst: 1, vreg: v0 }, ['v0i', 'v1v', "block 1's param 0"]);
  });

  it('a block that ends in a return but lists successors and branch args: BB', () => {
    const f = twoBlocks().build();
    // Block 1 returns, yet claims block 1 as its successor (and itself as a predecessor).
    const bad = withData(f, (d) => ({
      blocks: [d.blocks[0]!, { ...d.blocks[1]!, succs: [1], preds: [0, 1], branchArgs: [[vreg(1, I)]] }],
    }));
    rejects(bad, smallEnv(), 'BB', { block: 1, inst: 2 }, ['return']);
  });

  it('spill-slot sizes: 0 for a used class, negative, fractional, not a power of two, huge, NaN', () => {
    for (const size of [-1, 1.5, 3, 2 ** 30, NaN]) {
      rejects(withData(twoBlocks().build(), () => ({ spillslotSize: [size, 1, 2] })), smallEnv(), 'InvalidSpillslotSize', {}, ['Int']);
    }
    rejects(withData(twoBlocks().build(), () => ({ spillslotSize: [0, 1, 2] })), smallEnv(), 'InvalidSpillslotSize', {
      block: 0,
      inst: 0,
      operand: 0,
    });
    // 0 for a class no vreg uses is fine (Cranelift gives 0 for classes it never spills).
    allocatesRight(withData(twoBlocks().build(), () => ({ spillslotSize: [1, 0, 0] })), smallEnv());
  });

  it('edges listed twice on one side only: InvalidStructure', () => {
    const f = twoBlocks().build();
    const twice = withData(f, (d) => ({ blocks: [{ ...d.blocks[0]!, succs: [1, 1], branchArgs: [[0], [0]] }, d.blocks[1]!] }));
    rejects(twice, smallEnv(), 'InvalidStructure', { block: 0 }, ['2 times', '1 times']);
  });

  it('values that are not indices: successors, ranges, counts', () => {
    const f = twoBlocks().build();
    rejects(withData(f, (d) => ({ blocks: [{ ...d.blocks[0]!, succs: [0.5] }, d.blocks[1]!] })), smallEnv(), 'InvalidStructure', { block: 0 });
    rejects(withData(f, () => ({ numVregs: -1 })), smallEnv(), 'InvalidStructure', {});
    rejects(withData(f, () => ({ numVregs: 1.5 })), smallEnv(), 'InvalidStructure', {});
    rejects(withData(f, () => ({ entry: 2 })), smallEnv(), 'BB', { block: 2 });
    rejects(withData(f, () => ({ entry: NaN })), smallEnv(), 'BB', {});
  });

  it('operands that are not operands: negative, fractional, class 3, an unused constraint encoding', () => {
    const f = twoBlocks().build();
    for (const op of [-1, 0.5, 2 ** 32, (3 << 21) >>> 0, (3 << 25) >>> 0, (15 << 25) >>> 0]) {
      const bad = overriding(f, { instOperands: (i) => (i === 0 ? [op] : f.instOperands(i)) });
      rejects(bad, smallEnv(), 'InvalidOperand', { block: 0, inst: 0, operand: 0 });
    }
  });

  it('debug labels: a backwards range, a label that is no uint32, an entry of the wrong shape', () => {
    const f = twoBlocks().build();
    rejects(withData(f, () => ({ debugValueLabels: [[vreg(0, I), 2, 1, 7]] })), smallEnv(), 'InvalidDebugLabel', { inst: 2 });
    rejects(withData(f, () => ({ debugValueLabels: [[vreg(0, I), 0, 1, -7]] })), smallEnv(), 'InvalidDebugLabel', { inst: 0 });
    const shape = [[vreg(0, I), 0, 1]] as unknown as FunctionData['debugValueLabels'];
    rejects(withData(f, () => ({ debugValueLabels: shape })), smallEnv(), 'InvalidDebugLabel', {});
    // A range reaching past the last instruction is accepted, as regalloc2's fuzzer makes them.
    allocatesRight(withData(f, () => ({ debugValueLabels: [[vreg(0, I), 0, 99, 7]] })), smallEnv());
  });

  it('an env of the wrong shape: plain arrays, a bad scratch, a bad fixed stack slot', () => {
    const f = twoBlocks().build();
    const env = smallEnv();
    const arrays = { ...env, preferredRegsByClass: [[preg(0, I)], [], []] } as unknown as MachineEnv;
    rejects(f, arrays, 'InvalidEnv', {}, ['preferredRegsByClass[0]', 'PRegSet']);
    rejects(f, { ...env, scratchByClass: [500, null, null] } as unknown as MachineEnv, 'InvalidEnv', {}, ['scratchByClass[0]']);
    rejects(f, { ...env, scratchByClass: [null, null] } as unknown as MachineEnv, 'InvalidEnv', {}, ['scratchByClass']);
    rejects(f, { ...env, fixedStackSlots: [-3] } as unknown as MachineEnv, 'InvalidEnv', {}, ['fixedStackSlots[0]']);
    const classThree = new PRegSet([0, 0, 0, 0, 0, 0, 1, 0]);
    rejects(f, { ...env, nonPreferredRegsByClass: [classThree, new PRegSet(), new PRegSet()] }, 'InvalidEnv', {});
  });

  it('a clobbering branch into a join block: DisallowedBranchArg (its edge moves would be clobbered)', () => {
    const b = new FunctionBuilder();
    const [b0, b1, b2, join] = [b.block(), b.block(), b.block(), b.block()];
    const x = b.vreg(I);
    const p = b.vreg(I);
    b.blockParam(join, p);
    b.inst(b0, [Operand.regDef(x)]);
    b.branch(b0, [{ block: b1 }, { block: b2 }]);
    b.branch(b1, [{ block: join, args: [x] }], [], [preg(0, I), preg(1, I)]);
    b.branch(b2, [{ block: join, args: [x] }]);
    b.ret(join, [Operand.regFixedUse(p, preg(0, I))]);
    rejects(b.build(), smallEnv(), 'DisallowedBranchArg', { block: 1, inst: 2 }, ['clobbers']);
  });

  it('a reused input fixed to a register or limited: InvalidReuse (the def would have to land there too)', () => {
    for (const input of [(v: number) => Operand.regFixedUse(v, preg(2, I)), (v: number) => Operand.limitUse(v, 2)]) {
      const b = new FunctionBuilder();
      const b0 = b.block();
      const [x, y] = [b.vreg(I), b.vreg(I)];
      b.inst(b0, [Operand.regDef(x)]);
      b.inst(b0, [Operand.regReuseDef(y, 1), input(x)]);
      b.ret(b0, [Operand.regFixedUse(y, preg(0, I))]);
      rejects(b.build(), smallEnv(), 'InvalidReuse', { block: 0, inst: 1, operand: 0, vreg: y });
    }
  });

  it('a reused input that is a late use: InvalidReuse (Fastalloc gave the def another register; mutation fuzzer case 7350405)', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const [x, y] = [b.vreg(I), b.vreg(I)];
    b.inst(b0, [Operand.regDef(x)]);
    b.inst(b0, [Operand.regUseAtEnd(x), Operand.regReuseDef(y, 0)]);
    b.ret(b0, [Operand.regFixedUse(y, preg(0, I))]);
    rejects(b.build(), smallEnv(), 'InvalidReuse', { block: 0, inst: 1, operand: 1, vreg: y }, ['late use']);
  });

  it('a clobbered fixed stack slot: InvalidStructure', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const x = b.vreg(I);
    b.inst(b0, [Operand.regDef(x)], [preg(30, I)]);
    b.ret(b0, [Operand.regFixedUse(x, preg(0, I))]);
    rejects(b.build(), smallEnv(4, { fixedStackSlots: [preg(30, I)] }), 'InvalidStructure', { block: 0, inst: 0 }, ['p30i']);
  });

  it('a fixed constraint naming a fixed stack slot is valid input, allocated right', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const [x, y] = [b.vreg(I), b.vreg(I)];
    b.inst(b0, [Operand.regDef(x)]);
    b.inst(b0, [Operand.regFixedDef(y, preg(30, I)), Operand.regUse(x)]);
    b.inst(b0, [Operand.regFixedUse(y, preg(30, I)), Operand.regFixedUse(x, preg(31, I))]);
    b.ret(b0, [Operand.regFixedUse(y, preg(0, I)), Operand.anyUse(x)]);
    allocatesRight(b.build(), smallEnv(4, { fixedStackSlots: [preg(30, I), preg(31, I)] }));
  });

  it('a loop whose blocks are not in reverse postorder is valid input, allocated and proven', () => {
    // 0 -> 1 -> 3 -> 4 -> 5 -> 2 -> 3: the latch (2) comes before the header (3) in block order.
    // The checker once stepped through block 2 before reaching it and lost v0.
    const b = new FunctionBuilder();
    const blocks = [b.block(), b.block(), b.block(), b.block(), b.block(), b.block()];
    const v = b.vreg(I);
    b.inst(blocks[0]!, [Operand.anyDef(v)]);
    const next = [1, 3, 3, 4, 5, 2];
    blocks.forEach((blk, k) => {
      if (k === 3) b.inst(blk, [Operand.anyUse(v)]);
      b.branch(blk, [{ block: next[k]! }]);
    });
    allocatesRight(b.build(), smallEnv());
  });

  it('clobbers that are not a register set', () => {
    const f = twoBlocks().build();
    const bad = overriding(f, { instClobbers: (i) => (i === 0 ? ([preg(1, I)] as unknown as PRegSet) : f.instClobbers(i)) });
    rejects(bad, smallEnv(), 'InvalidStructure', { block: 0, inst: 0 });
  });
});
