// Typed errors. regalloc2's `RegAllocError` variants, plus the ones for input
// that regalloc2 does not check (it panics or allocates wrongly instead).

import { nameRegisters, type PReg, type RegNames, type VReg, vregIndex, REG_CLASS_NAME, vregClass, vregToString, pregToString } from './regs.js';

/**
 * What is wrong: regalloc2's variants (`CritEdge`, `SSA`, `BB`, `Branch`,
 * `EntryLivein`, `DisallowedBranchArg`, `TooManyLiveRegs`, `TooManyOperands`)
 * and ours for what regalloc2 does not check.
 */
export type RegAllocErrorKind =
  // regalloc2's variants
  | 'CritEdge'
  | 'SSA'
  | 'BB'
  | 'Branch'
  | 'EntryLivein'
  | 'DisallowedBranchArg'
  | 'TooManyLiveRegs'
  | 'TooManyOperands'
  // ours
  | 'VRegOutOfRange'
  | 'InvalidReuse'
  | 'InvalidFixedReg'
  | 'InvalidLimit'
  | 'ClobberDefConflict'
  | 'InvalidOperand'
  | 'InvalidEnv'
  | 'InvalidStructure'
  | 'VRegClassMismatch'
  | 'InvalidSpillslotSize'
  | 'InvalidDebugLabel'
  | 'TooManyInsts'
  | 'TooManySpillslots'
  /** An allocator's internal invariant failed on input validation accepted: a bug in this library. */
  | 'Internal'
  | 'Format'
  /** An allocator output that cannot be emitted (e.g. a move after a block's terminator). */
  | 'InvalidOutput';

/**
 * Where an error lies in the function, in the terms a person reads (block,
 * instruction and operand indices; vreg and register as text, never packed
 * numbers). Every field is optional.
 */
export interface ErrorPlace {
  /** The block. */
  block?: number;
  /** The second block of a critical edge. */
  toBlock?: number;
  /** The instruction. */
  inst?: number;
  /** The operand's index in its instruction's operand list. */
  operand?: number;
  /** The vreg, as text: `v3i`. */
  vreg?: string;
  /** The physical register, as text: `p0i`. */
  preg?: string;
  /** A JSON path such as `$.insts[3].operands[1]`, for format errors. */
  path?: string;
}

/** The place as an error's thrower gives it: vreg and register as values. */
export interface ErrorPlaceInput extends Omit<ErrorPlace, 'vreg' | 'preg'> {
  /** The vreg, as a value. */
  vreg?: VReg;
  /** The register, as a value. */
  preg?: PReg;
}

/**
 * A typed error: bad input (or an impossible allocation) with the place it
 * lies. `kind` is regalloc2's variant where it has one; `place` reads as
 * text (`place.vreg === 'v3i'`), the values are on `vreg` / `preg`.
 */
export class RegAllocError extends Error {
  /** What is wrong. */
  readonly kind: RegAllocErrorKind;
  /** Where, as text and indices (no packed numbers). */
  readonly place: ErrorPlace;
  /** The vreg the error is about, as a value (the place holds its text form). */
  readonly vreg: VReg | undefined;
  /** The physical register the error is about, as a value. */
  readonly preg: PReg | undefined;

  constructor(kind: RegAllocErrorKind, message: string, place: ErrorPlaceInput = {}) {
    super(message);
    this.name = 'RegAllocError';
    this.kind = kind;
    const { vreg, preg, ...rest } = place;
    const readable: ErrorPlace = rest;
    if (vreg !== undefined) readable.vreg = vregToString(vreg);
    if (preg !== undefined) readable.preg = pregToString(preg);
    this.place = readable;
    this.vreg = vreg;
    this.preg = preg;
  }

  /**
   * One line for people: `SSA at block 2, inst 7, operand 1, v3i: <message>`,
   * registers in the place named by `names` when given.
   */
  describe(names?: RegNames): string {
    const p = this.place;
    const parts: string[] = [];
    if (p.path !== undefined) parts.push(p.path);
    if (p.block !== undefined) parts.push(`block ${p.block}`);
    if (p.toBlock !== undefined) parts.push(`to block ${p.toBlock}`);
    if (p.inst !== undefined) parts.push(`inst ${p.inst}`);
    if (p.operand !== undefined) parts.push(`operand ${p.operand}`);
    if (p.vreg !== undefined) parts.push(p.vreg);
    if (this.preg !== undefined) parts.push(pregToString(this.preg, names));
    const message = names ? nameRegisters(this.message, names) : this.message;
    return `${this.kind}${parts.length ? ` at ${parts.join(', ')}` : ''}: ${message}`;
  }

  /**
   * regalloc2's Debug rendering of the error for its own variants, e.g.
   * `SSA(VReg(vreg = 3, class = Int), Inst(7))`, so it compares with the
   * corpus's reference errors; ours render as `Kind(message)`.
   */
  toRegalloc2String(): string {
    const p = this.place;
    switch (this.kind) {
      case 'CritEdge':
        return `CritEdge(Block(${p.block}), Block(${p.toBlock}))`;
      case 'SSA':
        return `SSA(${vregDebug(this.vreg!)}, Inst(${p.inst}))`;
      case 'BB':
        return `BB(Block(${p.block}))`;
      case 'Branch':
        return `Branch(Inst(${p.inst}))`;
      case 'DisallowedBranchArg':
        return `DisallowedBranchArg(Inst(${p.inst}))`;
      case 'EntryLivein':
      case 'TooManyLiveRegs':
      case 'TooManyOperands':
        return this.kind;
      default:
        return `${this.kind}(${this.message})`;
    }
  }
}

/** regalloc2's Debug form of a vreg: `VReg(vreg = 3, class = Int)`. */
export function vregDebug(v: VReg): string {
  return `VReg(vreg = ${vregIndex(v)}, class = ${REG_CLASS_NAME[vregClass(v)]})`;
}

/** True when `e` is a `RegAllocError`. */
export function isRegAllocError(e: unknown): e is RegAllocError {
  return e instanceof RegAllocError;
}
