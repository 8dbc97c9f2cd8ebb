// The small helpers the allocators and the checker use on packed values, so
// that no module outside `model/` shifts or masks a program point, an
// allocation or a register index by hand: program-point steps, allocation
// decoding, and the one dense location index shared by Ion's redundant-move
// eliminator and the checker. Each is a one-line function meant to be
// inlined in hot loops; measure a change here with `npm run bench`.

import { type Allocation, ALLOC_NONE, allocIndex, allocIsReg, allocIsStack, allocReg, allocStack, pointBefore, type ProgPoint } from './allocation.js';
import { type PReg, PREG_MAX_HW_ENC, PREG_NUM_INDEX, pregHwEnc } from './regs.js';

// ------------------------------------------------------------ program points

/** True for an instruction's After point (regalloc2's `pos() == After`). */
export function pointIsAfter(p: ProgPoint): boolean {
  return (p & 1) === 1;
}
/** The point just after `p` (regalloc2's `ProgPoint::next`). */
export function pointNext(p: ProgPoint): ProgPoint {
  return (p + 1) as ProgPoint;
}
/** The point just before `p` (regalloc2's `ProgPoint::prev`). */
export function pointPrev(p: ProgPoint): ProgPoint {
  return (p - 1) as ProgPoint;
}
/** The Before point of `p`'s own instruction (`p` rounded down to an instruction start). */
export function pointInstStart(p: ProgPoint): ProgPoint {
  return (p & ~1) as ProgPoint;
}
/** The Before point of the instruction after `p`'s (the end of `p`'s instruction). */
export function pointNextInstStart(p: ProgPoint): ProgPoint {
  return ((p | 1) + 1) as ProgPoint;
}
/** The first instruction whose Before point is at or after `p`. */
export function pointInstCeil(p: ProgPoint): number {
  return (p + 1) >> 1;
}
/** The Before point of instruction `inst` + 1: where a range ending with `inst` stops. */
export function pointAfterInst(inst: number): ProgPoint {
  return pointBefore(inst + 1);
}

// ------------------------------------------------------------ allocations

/** The register of an allocation known to be a register (no check). */
export function allocPReg(a: Allocation): PReg {
  return allocIndex(a) as PReg;
}
/** The slot of an allocation known to be a spill slot (no check). */
export function allocSlot(a: Allocation): number {
  return allocIndex(a);
}

// ------------------------------------------------------------ registers

/** One past the largest hardware encoding: a `limit(n)` of "no limit". */
export const PREG_NO_LIMIT = PREG_MAX_HW_ENC + 1;

/** True when `p` is a register `limit(n)` allows (hardware encoding below n). */
export function pregBelowLimit(p: PReg, limit: number): boolean {
  return pregHwEnc(p) < limit;
}

// ------------------------------------------------------------ location index

/**
 * The dense index of an allocation, for tables indexed by location:
 * registers at their PReg index (0 .. PREG_NUM_INDEX - 1), `none` at
 * `LOCATION_NONE`, spill slot k at `LOCATION_FIRST_SLOT + k`.
 */
export const LOCATION_NONE = PREG_NUM_INDEX;
export const LOCATION_FIRST_SLOT = PREG_NUM_INDEX + 1;

export function locationIndex(a: Allocation): number {
  return allocIsReg(a) ? allocIndex(a) : allocIsStack(a) ? LOCATION_FIRST_SLOT + allocIndex(a) : LOCATION_NONE;
}
/** The allocation at location index `k` (the inverse of `locationIndex`). */
export function locationAlloc(k: number): Allocation {
  return k < LOCATION_NONE ? allocReg(k) : k === LOCATION_NONE ? ALLOC_NONE : allocStack(k - LOCATION_FIRST_SLOT);
}
/** The number of location indices for a function with `numSlots` spill slots. */
export function locationCount(numSlots: number): number {
  return LOCATION_FIRST_SLOT + numSlots;
}
