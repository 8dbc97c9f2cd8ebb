// A cost score for an allocation, in the manner of regalloc3's `CostModel`:
// each move the allocator inserted costs a register move, a store (spill) or
// a load (reload), and an operand left in memory where a register was allowed
// costs the difference between a memory operand and a register; every cost is
// multiplied by the frequency of the block it sits in. The defaults are LLVM's
// (RegAllocScore.cpp): load 4, store 1, move 0.2.
//
// Block frequencies default to regalloc2's own estimate: its spill weights
// give a use at loop depth d a bonus of 1000 * 4^min(d, 10) (ion/liveranges.rs
// `spill_weight_from_constraint`), with d the approximate loop depth of
// cfg.rs (`approx_loop_depth`: +1 at a block entered by a backedge, -1 once
// all the backedges of the innermost open loop have left). So a block at
// depth d weighs 4^min(d, 10) times a block outside loops.

import { CFGInfo } from '../analysis/cfg.js';
import { walkFunction } from '../emit/index.js';
import { type Allocation, allocIndex, allocIsReg, allocIsStack } from '../model/allocation.js';
import type { Function, MachineEnv, Output } from '../model/function.js';
import {
  ConstraintKind,
  operandConstraintKind,
  operandIsFixedNonAllocatable,
  operandIsUse,
} from '../model/operand.js';

/** The costs `score` weighs moves with. */
export interface CostModel {
  /** A load from memory into a register (a reload). Default 4. */
  loadCost: number;
  /** A store from a register into memory (a spill). Default 1. */
  storeCost: number;
  /** A move between registers. Default 0.2. */
  moveCost: number;
  /**
   * The frequency of each block; by default 4^min(depth, 10) from the loop
   * depth as regalloc2 estimates it.
   */
  blockFrequencies?: ArrayLike<number>;
  /** The env: its fixed-stack-slot registers are memory, not registers. */
  env?: MachineEnv;
}

/** Loads 4, stores 1, register moves 0.2. */
export const DEFAULT_COST_MODEL: Readonly<CostModel> = Object.freeze({ loadCost: 4, storeCost: 1, moveCost: 0.2 });

/** What an allocation costs, in total and by kind; counts are unweighted, costs weighted by frequency. */
export interface ScoreDetails {
  /** The weighted total. */
  total: number;
  /** Register → register moves. */
  regMoves: number;
  /** Register → memory moves (spills). */
  spills: number;
  /** Memory → register moves (reloads). */
  reloads: number;
  /** Memory → memory moves (a load and a store). */
  stackMoves: number;
  /** Operands given memory where a register was allowed (`any`, `reuse`). */
  memoryOperands: number;
  /** Weighted cost of the register moves. */
  regMoveCost: number;
  /** Weighted cost of the spills. */
  spillCost: number;
  /** Weighted cost of the reloads. */
  reloadCost: number;
  /** Weighted cost of the stack-to-stack moves. */
  stackMoveCost: number;
  /** Weighted cost of the memory operands. */
  memoryOperandCost: number;
}

/** Block frequencies as regalloc2 estimates them: 4^min(loop depth, 10). */
export function loopDepthFrequencies(func: Function): Float64Array {
  const depth = CFGInfo.compute(func).approxLoopDepth;
  const freq = new Float64Array(depth.length);
  for (let b = 0; b < depth.length; b++) freq[b] = 4 ** Math.min(depth[b]!, 10);
  return freq;
}

/** Is this allocation memory: a spill slot, or a register standing for a fixed stack slot (as the emission walker classes moves)? */
function memoryTest(env?: MachineEnv): (a: Allocation) => boolean {
  const fixedStack = new Set(env?.fixedStackSlots ?? []);
  if (fixedStack.size === 0) return allocIsStack;
  return (a) => allocIsStack(a) || (allocIsReg(a) && fixedStack.has(allocIndex(a)));
}

/** The cost score with its parts; see `score`. */
export function scoreDetails(func: Function, out: Output, model: Partial<CostModel> = {}): ScoreDetails {
  const m = { ...DEFAULT_COST_MODEL, ...model };
  const freq = m.blockFrequencies ?? loopDepthFrequencies(func);
  const isMemory = memoryTest(m.env);
  const d: ScoreDetails = {
    total: 0,
    regMoves: 0,
    spills: 0,
    reloads: 0,
    stackMoves: 0,
    memoryOperands: 0,
    regMoveCost: 0,
    spillCost: 0,
    reloadCost: 0,
    stackMoveCost: 0,
    memoryOperandCost: 0,
  };
  for (const ev of walkFunction(func, out, m.env ? { env: m.env } : {})) {
    if (ev.kind === 'blockStart') continue;
    const f = freq[ev.block] ?? 1;
    if (ev.kind === 'inst') {
      for (let k = 0; k < ev.operands.length; k++) {
        const op = ev.operands[k]!;
        const kind = operandConstraintKind(op);
        if (kind === ConstraintKind.FixedReg || kind === ConstraintKind.Stack || operandIsFixedNonAllocatable(op)) continue;
        if (!isMemory(ev.allocs[k]!)) continue;
        d.memoryOperands++;
        d.memoryOperandCost += (operandIsUse(op) ? m.loadCost - m.moveCost : m.storeCost - m.moveCost) * f;
      }
      continue;
    }
    switch (ev.moveKind) {
      case 'reg-reg':
        d.regMoves++;
        d.regMoveCost += m.moveCost * f;
        break;
      case 'reg-stack':
        d.spills++;
        d.spillCost += m.storeCost * f;
        break;
      case 'stack-reg':
        d.reloads++;
        d.reloadCost += m.loadCost * f;
        break;
      case 'stack-stack':
        d.stackMoves++;
        d.stackMoveCost += (m.loadCost + m.storeCost) * f;
        break;
    }
  }
  d.total = d.regMoveCost + d.spillCost + d.reloadCost + d.stackMoveCost + d.memoryOperandCost;
  return d;
}

/**
 * The cost of an allocation: its moves (register 0.2, store 1, load 4 by
 * default) and its memory operands, each times its block's frequency. Lower
 * is better; 0 means no move and every operand in a register.
 */
export function score(func: Function, out: Output, model: Partial<CostModel> = {}): number {
  return scoreDetails(func, out, model).total;
}

/** A score with at most two decimals, without trailing zeros: `10`, `0.6`, `129.8`. */
export function formatScore(x: number): string {
  return String(Math.round(x * 100) / 100);
}
