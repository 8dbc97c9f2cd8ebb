// Huge and degenerate functions, each scaled by `n`: a long straight line, a
// deep chain of blocks, a wide fan-out and fan-in, one instruction with many
// operands, one value live across every block, an env with one register per
// class, and an empty function. Used by the degenerate-input test (small n)
// and by bench/degenerate.ts (the full sizes, timed).

import { FunctionBuilder } from '../func/builder.js';
import { InMemoryFunction, type InstData } from '../func/in_memory.js';
import type { MachineEnv } from '../model/function.js';
import { Operand } from '../model/operand.js';
import { preg, PRegSet, RegClass, type VReg, vreg } from '../model/regs.js';

const I = RegClass.Int;

export interface DegenerateCase {
  name: string;
  func: InMemoryFunction;
  env: MachineEnv;
}

/** `regs` preferred registers per class. */
export function envWith(regs: number): MachineEnv {
  const set = (cls: RegClass) => PRegSet.of(Array.from({ length: regs }, (_, i) => preg(i, cls)));
  return {
    preferredRegsByClass: [set(0), set(1), set(2)],
    nonPreferredRegsByClass: [new PRegSet(), new PRegSet(), new PRegSet()],
    scratchByClass: [null, null, null],
    fixedStackSlots: [],
  };
}

/**
 * One block of `n` instructions, each defining a value from the one before.
 * (Built as data: the builder spreads a block's instructions into one call,
 * which overflows the stack at a million.)
 */
export function straightLine(n: number): InMemoryFunction {
  const insts: InstData[] = [];
  const none = new PRegSet();
  insts.push({ op: 'op', operands: [Operand.regDef(vreg(0, I))], clobbers: none });
  for (let i = 1; i < n - 1; i++) {
    insts.push({ op: 'op', operands: [Operand.regDef(vreg(i, I)), Operand.regUse(vreg(i - 1, I))], clobbers: none });
  }
  insts.push({ op: 'ret', operands: [Operand.regFixedUse(vreg(n - 2, I), preg(0, I))], clobbers: none });
  return new InMemoryFunction({
    entry: 0,
    numVregs: n - 1,
    blocks: [{ first: 0, end: n, preds: [], succs: [], params: [], branchArgs: [] }],
    insts,
    spillslotSize: [1, 1, 2],
    multiSpillslotNamedByLastSlot: false,
    allowMultipleVregDefs: false,
    debugValueLabels: [],
  });
}

/**
 * `n` blocks in a chain, each passing a value on as a block param, and one
 * value `live` defined in the entry and used in the last block (so it is live
 * across every block); with `useEverywhere`, every block uses it too.
 */
export function deepChain(n: number, useEverywhere = false): InMemoryFunction {
  const b = new FunctionBuilder();
  const blocks = Array.from({ length: n }, () => b.block());
  const live = b.vreg(I);
  let carried = b.vreg(I);
  b.inst(blocks[0]!, [Operand.regDef(live), Operand.regDef(carried)]);
  for (let k = 0; k < n; k++) {
    const blk = blocks[k]!;
    if (k > 0) {
      const param = b.vreg(I);
      b.blockParam(blk, param);
      const next = b.vreg(I);
      b.inst(blk, useEverywhere ? [Operand.regDef(next), Operand.regUse(param), Operand.anyUse(live)] : [Operand.regDef(next), Operand.regUse(param)]);
      carried = next;
    }
    if (k + 1 < n) b.branch(blk, [{ block: blocks[k + 1]!, args: [carried] }]);
    else b.ret(blk, [Operand.regFixedUse(live, preg(0, I)), Operand.regFixedUse(carried, preg(1, I))]);
  }
  return b.build();
}

/** The entry branches to `n` blocks, each defines a value and jumps to one join block. */
export function wide(n: number): InMemoryFunction {
  const b = new FunctionBuilder();
  const entry = b.block();
  const arms = Array.from({ length: n }, () => b.block());
  const join = b.block();
  const result = b.vreg(I);
  b.blockParam(join, result);
  const x = b.vreg(I);
  b.inst(entry, [Operand.regDef(x)]);
  b.branch(entry, arms.map((block) => ({ block })), [Operand.regUse(x)]);
  for (const arm of arms) {
    const v = b.vreg(I);
    b.inst(arm, [Operand.regDef(v)]);
    b.branch(arm, [{ block: join, args: [v] }]);
  }
  b.ret(join, [Operand.regFixedUse(result, preg(0, I)), Operand.anyUse(x)]);
  return b.build();
}

/** `n` values defined one by one, then all used by one instruction (`any`: they may stay on the stack). */
export function manyOperands(n: number): InMemoryFunction {
  const b = new FunctionBuilder();
  const b0 = b.block();
  const vs: VReg[] = [];
  for (let i = 0; i < n; i++) {
    const v = b.vreg(I);
    vs.push(v);
    b.inst(b0, [Operand.regDef(v)]);
  }
  b.inst(b0, vs.map((v) => Operand.anyUse(v)));
  b.ret(b0);
  return b.build();
}

/** A function with no blocks at all. */
export function emptyFunction(): InMemoryFunction {
  return new InMemoryFunction({
    entry: 0,
    numVregs: 0,
    blocks: [],
    insts: [],
    spillslotSize: [1, 1, 2],
    multiSpillslotNamedByLastSlot: false,
    allowMultipleVregDefs: false,
    debugValueLabels: [],
  });
}

/** Every degenerate shape at scale `n` (instructions, blocks or operands). */
export function degenerateCases(sizes: { insts: number; blocks: number; operands: number }): DegenerateCase[] {
  const env = envWith(16);
  return [
    { name: `straight line of ${sizes.insts} instructions`, func: straightLine(sizes.insts), env },
    { name: `chain of ${sizes.blocks} blocks, a value live across all`, func: deepChain(sizes.blocks), env },
    { name: `chain of ${sizes.blocks} blocks, a value used in every one`, func: deepChain(sizes.blocks, true), env },
    { name: `fan-out and fan-in of ${sizes.blocks} blocks`, func: wide(sizes.blocks), env },
    { name: `one instruction with ${sizes.operands} operands`, func: manyOperands(sizes.operands), env },
    { name: `straight line of ${sizes.insts / 10} instructions, one register per class`, func: straightLine(sizes.insts / 10), env: envWith(1) },
    { name: 'an empty function', func: emptyFunction(), env },
  ];
}
