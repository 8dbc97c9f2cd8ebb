// Allocations, spill slots and program points, each one small integer.

import type { Inst } from './function.js';
import { type PReg, type RegNames, pregToString } from './regs.js';

/**
 * Where a value lives: `kind << 28 | index`; kind 0 none, 1 register (index =
 * PReg), 2 spill slot (index = slot). Kept below 2^30 so V8 stores it untagged.
 */
export type Allocation = number & {
  /** Compile-time brand only: never present at run time. */
  readonly __brand?: 'Allocation';
};
/** The kinds of allocation, as `allocKind` returns them. */
export const AllocationKind = {
  /** No allocation (an operand the allocator had nothing to place for). */
  None: 0,
  /** A physical register. */
  Reg: 1,
  /** A spill slot. */
  Stack: 2,
} as const;
/** 0 none, 1 register, 2 spill slot. */
export type AllocationKind = 0 | 1 | 2;

/** The `none` allocation. */
export const ALLOC_NONE = 0 as Allocation;
const KIND_SHIFT = 28;
const INDEX_MASK = (1 << KIND_SHIFT) - 1;
const REG_TAG = 1 << KIND_SHIFT;
const STACK_TAG = 2 << KIND_SHIFT;
/** The largest spill-slot index an allocation can hold. */
export const MAX_SPILL_SLOT = INDEX_MASK;

/** The allocation "in register `p`" (unchecked: internal hot paths use it). */
export function allocReg(p: PReg): Allocation {
  return (REG_TAG | p) as Allocation;
}
/** The allocation "in spill slot `slot`" (unchecked). */
export function allocStack(slot: number): Allocation {
  return (STACK_TAG | slot) as Allocation;
}
/** The allocation's kind: none, register or spill slot. */
export function allocKind(a: Allocation): AllocationKind {
  return (a >>> KIND_SHIFT) as AllocationKind;
}
/** True for the `none` allocation. */
export function allocIsNone(a: Allocation): boolean {
  return a === 0;
}
/** True for a register or a spill slot. */
export function allocIsSome(a: Allocation): boolean {
  return a !== 0;
}
/** True for a register allocation. */
export function allocIsReg(a: Allocation): boolean {
  return (a >>> KIND_SHIFT) === 1;
}
/** True for a spill-slot allocation. */
export function allocIsStack(a: Allocation): boolean {
  return (a >>> KIND_SHIFT) === 2;
}
/** The PReg of a register allocation, or the slot of a stack allocation. */
export function allocIndex(a: Allocation): number {
  return a & INDEX_MASK;
}
/** The PReg of a register allocation (undefined otherwise). */
export function allocAsReg(a: Allocation): PReg | undefined {
  return (a >>> KIND_SHIFT) === 1 ? ((a & INDEX_MASK) as PReg) : undefined;
}
/** The spill slot of a stack allocation (undefined otherwise). */
export function allocAsStack(a: Allocation): number | undefined {
  return (a >>> KIND_SHIFT) === 2 ? a & INDEX_MASK : undefined;
}
/**
 * Without `names`, the corpus text form: `p3i`, `stack4` or `none`. With a
 * register-name source (a `MachineDescription` or a function), the form for
 * people reading assembly: `rax`, `[slot 4]`, `none`.
 *
 * ```ts
 * allocToString(allocStack(4), x86_64SystemV); // '[slot 4]'
 * ```
 */
export function allocToString(a: Allocation, names?: RegNames): string {
  const named = typeof names === 'function' || (typeof names === 'object' && names !== null);
  switch (a >>> KIND_SHIFT) {
    case 1:
      return pregToString(a & INDEX_MASK, named ? names : undefined);
    case 2:
      return named ? `[slot ${a & INDEX_MASK}]` : `stack${a & INDEX_MASK}`;
    default:
      return 'none';
  }
}

/**
 * A program point: `inst * 2 + pos`, pos 0 = before, 1 = after. Points order
 * numerically, so comparisons are plain integer comparisons.
 */
export type ProgPoint = number & {
  /** Compile-time brand only: never present at run time. */
  readonly __brand?: 'ProgPoint';
};
/** 0 before, 1 after. */
export type InstPosition = 0 | 1;
/** The two points of an instruction. */
export const InstPosition = {
  /** Just before the instruction: moves here run before it. */
  Before: 0,
  /** Just after the instruction: moves here run after it. */
  After: 1,
} as const;

/** The point `pos` of instruction `inst`. */
export function progPoint(inst: Inst, pos: InstPosition): ProgPoint {
  return (inst * 2 + pos) as ProgPoint;
}
/** The point just before instruction `inst` (where its early operands are read). */
export function pointBefore(inst: Inst): ProgPoint {
  return (inst * 2) as ProgPoint;
}
/** The point just after instruction `inst` (where its late operands are written). */
export function pointAfter(inst: Inst): ProgPoint {
  return (inst * 2 + 1) as ProgPoint;
}
/** The instruction of a point. */
export function pointInst(p: ProgPoint): number {
  return p >> 1;
}
/** Whether a point is before (0) or after (1) its instruction. */
export function pointPos(p: ProgPoint): InstPosition {
  return (p & 1) as InstPosition;
}
/** The corpus text form: `17:before` / `17:after`. */
export function pointToString(p: ProgPoint): string {
  return `${p >> 1}:${p & 1 ? 'after' : 'before'}`;
}
