// Typed errors. regalloc2's `RegAllocError` variants, plus the ones for input
// that regalloc2 does not check (it panics or allocates wrongly instead).

import { type VReg, vregIndex, REG_CLASS_NAME, vregClass } from './regs.js';

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
  | 'Format';

/** Where an error lies in the function; every field is optional. */
export interface ErrorPlace {
  block?: number;
  /** The second block of a critical edge. */
  toBlock?: number;
  inst?: number;
  operand?: number;
  vreg?: VReg;
  /** A JSON path such as `$.insts[3].operands[1]`, for format errors. */
  path?: string;
}

export class RegAllocError extends Error {
  readonly kind: RegAllocErrorKind;
  readonly place: ErrorPlace;

  constructor(kind: RegAllocErrorKind, message: string, place: ErrorPlace = {}) {
    super(message);
    this.name = 'RegAllocError';
    this.kind = kind;
    this.place = place;
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
        return `SSA(${vregDebug(p.vreg!)}, Inst(${p.inst}))`;
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

export function vregDebug(v: VReg): string {
  return `VReg(vreg = ${vregIndex(v)}, class = ${REG_CLASS_NAME[vregClass(v)]})`;
}

export function isRegAllocError(e: unknown): e is RegAllocError {
  return e instanceof RegAllocError;
}
