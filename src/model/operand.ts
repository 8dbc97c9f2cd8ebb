// Operands: one uint32 each. Bits 0..20 hold the vreg index, 21..22 the
// class, 23 the position (early/late), 24 the kind (def/use) and 25..31 the
// constraint, encoded as in regalloc2: 0 any, 1 reg, 2 stack,
// 0b1xxxxxx fixed(hw_enc), 0b01xxxxx reuse(k), 0b001xxxx limit(2^k).

import {
  type PReg,
  type RegClass,
  type RegNames,
  type VReg,
  VREG_MAX_INDEX,
  isValidPReg,
  isValidVReg,
  pregToString,
  vregToString,
} from './regs.js';
import { RegAllocError } from './errors.js';

/** One operand of an instruction, packed in a uint32 (see the layout above); branded like `PReg`. Make one with the `Operand.*` factories. */
export type Operand = number & {
  /** Compile-time brand only: never present at run time. */
  readonly __brand?: 'Operand';
};

/** 0 def, 1 use. */
export type OperandKind = 0 | 1;
/** Whether an operand writes or reads its vreg. */
export const OperandKind = {
  /** The instruction writes the vreg (defines it). */
  Def: 0,
  /** The instruction reads the vreg. */
  Use: 1,
} as const;
/** 0 early, 1 late. */
export type OperandPos = 0 | 1;
/**
 * When in the instruction an operand is live: an instruction has an early
 * point (inputs read) and a late point (outputs written).
 */
export const OperandPos = {
  /** At the instruction's start: where uses are normally read. */
  Early: 0,
  /** At the instruction's end: where defs are normally written. */
  Late: 1,
} as const;

/** Constraint kinds as returned by `operandConstraintKind`. */
export const enum ConstraintKind {
  /** A register or a spill slot. */
  Any = 0,
  /** Any register of the class. */
  Reg = 1,
  /** A spill slot. */
  Stack = 2,
  /** One given register. */
  FixedReg = 3,
  /** The register of another operand (a reuse def). */
  Reuse = 4,
  /** A register with hw_enc below a power of two. */
  Limit = 5,
}

/** A decoded constraint, for code off the hot path. */
export type OperandConstraint =
  | {
      /** A register or a spill slot. */
      kind: 'any';
    }
  | {
      /** Any register of the class. */
      kind: 'reg';
    }
  | {
      /** A spill slot. */
      kind: 'stack';
    }
  | {
      /** The register `preg`. */
      kind: 'fixed';
      /** The fixed register. */
      preg: PReg;
    }
  | {
      /** The register of operand `index` of the same instruction. */
      kind: 'reuse';
      /** The reused operand's index in the operand list. */
      index: number;
    }
  | {
      /** A register with hw_enc below `max`. */
      kind: 'limit';
      /** A power of two. */
      max: number;
    };

/** Raw 7-bit constraint field of `any` (for `makeOperand`; the `Operand.*` factories are the checked way). */
export const CONSTRAINT_ANY = 0;
/** Raw constraint field of `reg`. */
export const CONSTRAINT_REG = 1;
/** Raw constraint field of `stack`. */
export const CONSTRAINT_STACK = 2;
/** Raw constraint field of `fixed(hw_enc)` (unchecked). */
export function constraintFixed(hwEnc: number): number {
  return 0b1000000 | hwEnc;
}
/** Raw constraint field of `reuse(index)` (unchecked). */
export function constraintReuse(index: number): number {
  return 0b0100000 | index;
}
/** `max` must be a power of two in 1..32768 (unchecked: `Operand.limitUse` checks). */
export function constraintLimit(max: number): number {
  return 0b0010000 | (31 - Math.clz32(max));
}
/** The largest operand index a reuse constraint can name. */
export const MAX_REUSE_INDEX = 31;

/** Packs an operand from its fields, unchecked (internal hot paths; the `Operand.*` factories check). */
export function makeOperand(
  v: VReg,
  constraintField: number,
  kind: OperandKind,
  pos: OperandPos,
): Operand {
  const bits = (v >>> 2) | ((v & 3) << 21) | (pos << 23) | (kind << 24) | (constraintField << 25);
  return (bits >>> 0) as Operand;
}

/**
 * An operand from a decoded constraint, checked as the `Operand.*`
 * factories check (vreg, fixed register's class, reuse index, limit).
 */
export function operandFromConstraint(
  v: VReg,
  c: OperandConstraint,
  kind: OperandKind,
  pos: OperandPos,
): Operand {
  const what = 'operandFromConstraint';
  checkVReg(v, what);
  if ((kind !== 0 && kind !== 1) || (pos !== 0 && pos !== 1)) {
    throw new RangeError(`${what}: kind ${kind} / position ${pos} is not 0 or 1`);
  }
  let field: number;
  switch (c.kind) {
    case 'any':
      field = CONSTRAINT_ANY;
      break;
    case 'reg':
      field = CONSTRAINT_REG;
      break;
    case 'stack':
      field = CONSTRAINT_STACK;
      break;
    case 'fixed':
      field = checkedFixed(v, c.preg, what);
      break;
    case 'reuse':
      if (!Number.isInteger(c.index) || c.index < 0 || c.index > MAX_REUSE_INDEX) {
        throw new RangeError(`${what}: operand index ${c.index} is not an integer in 0..${MAX_REUSE_INDEX}`);
      }
      field = constraintReuse(c.index);
      break;
    case 'limit':
      field = checkedLimit(c.max, what);
      break;
    default:
      throw new RangeError(`${what}: unknown constraint ${JSON.stringify(c)}`);
  }
  return makeOperand(v, field, kind, pos);
}

/** The index of the operand's vreg. */
export function operandVRegIndex(op: Operand): number {
  return op & 0x1fffff;
}
/** The operand's register class. */
export function operandClass(op: Operand): RegClass {
  return ((op >>> 21) & 3) as RegClass;
}
/** The operand's vreg. */
export function operandVReg(op: Operand): VReg {
  return ((op & 0x1fffff) * 4 + ((op >>> 21) & 3)) as VReg;
}
/** Early (0) or late (1). */
export function operandPos(op: Operand): OperandPos {
  return ((op >>> 23) & 1) as OperandPos;
}
/** Def (0) or use (1). */
export function operandKind(op: Operand): OperandKind {
  return ((op >>> 24) & 1) as OperandKind;
}
/** True for a use. */
export function operandIsUse(op: Operand): boolean {
  return ((op >>> 24) & 1) === 1;
}
/** True for a def (temps included). */
export function operandIsDef(op: Operand): boolean {
  return ((op >>> 24) & 1) === 0;
}
/** The raw 7-bit constraint field. */
export function operandConstraintField(op: Operand): number {
  return op >>> 25;
}
/** The constraint's kind, without decoding its argument. */
export function operandConstraintKind(op: Operand): ConstraintKind {
  const f = op >>> 25;
  if (f & 0b1000000) return ConstraintKind.FixedReg;
  if (f & 0b0100000) return ConstraintKind.Reuse;
  if (f & 0b0010000) return ConstraintKind.Limit;
  return f as ConstraintKind; // 0 any, 1 reg, 2 stack
}
/** The fixed register of a fixed(preg) operand. */
export function operandFixedReg(op: Operand): PReg {
  return (((((op >>> 21) & 3) << 6) | ((op >>> 25) & 63)) >>> 0) as PReg;
}
/** The operand index of a reuse(k) operand. */
export function operandReuseIndex(op: Operand): number {
  return (op >>> 25) & 31;
}
/** The `n` of a limit(n) operand (registers with hw_enc < n). */
export function operandLimit(op: Operand): number {
  return 1 << ((op >>> 25) & 15);
}

/** The decoded constraint, e.g. `{ kind: 'fixed', preg }`. */
export function operandConstraint(op: Operand): OperandConstraint {
  switch (operandConstraintKind(op)) {
    case ConstraintKind.Any:
      return { kind: 'any' };
    case ConstraintKind.Reg:
      return { kind: 'reg' };
    case ConstraintKind.Stack:
      return { kind: 'stack' };
    case ConstraintKind.FixedReg:
      return { kind: 'fixed', preg: operandFixedReg(op) };
    case ConstraintKind.Reuse:
      return { kind: 'reuse', index: operandReuseIndex(op) };
    case ConstraintKind.Limit:
      return { kind: 'limit', max: operandLimit(op) };
  }
}

/** A use of `preg` with no vreg: the register is named but never allocated. */
export function fixedNonAllocatable(p: PReg): Operand {
  return makeOperand(
    (VREG_MAX_INDEX * 4 + ((p >> 6) & 3)) as VReg,
    constraintFixed(p & 63),
    OperandKind.Use,
    OperandPos.Early,
  );
}

/** True for an `Operand.fixedNonAllocatable` operand. */
export function operandIsFixedNonAllocatable(op: Operand): boolean {
  return (op & 0x1fffff) === VREG_MAX_INDEX && (op >>> 31) === 1;
}

/** The constraint's text form: `any`, `reg`, `stack`, `fixed(p0i)` (or `fixed(rax)` with names), `reuse(k)`, `limit(n)`. */
export function constraintToString(op: Operand, names?: RegNames): string {
  switch (operandConstraintKind(op)) {
    case ConstraintKind.Any:
      return 'any';
    case ConstraintKind.Reg:
      return 'reg';
    case ConstraintKind.Stack:
      return 'stack';
    case ConstraintKind.FixedReg:
      return `fixed(${pregToString(operandFixedReg(op), names)})`;
    case ConstraintKind.Reuse:
      return `reuse(${operandReuseIndex(op)})`;
    case ConstraintKind.Limit:
      return `limit(${operandLimit(op)})`;
  }
}

/**
 * The corpus text form, e.g. `v3i:use:early:reg` or `fixed-nonalloc:p31i`;
 * with register names, `v3i:use:early:fixed(rax)`.
 */
export function operandToString(op: Operand, names?: RegNames): string {
  if (operandIsFixedNonAllocatable(op)) {
    return `fixed-nonalloc:${pregToString(operandFixedReg(op), names)}`;
  }
  return `${vregToString(operandVReg(op))}:${operandIsUse(op) ? 'use' : 'def'}:${
    operandPos(op) === OperandPos.Late ? 'late' : 'early'
  }:${constraintToString(op, names)}`;
}

function checkVReg(v: VReg, what: string): void {
  if (!isValidVReg(v)) {
    throw new RangeError(`${what}: ${v} is not a vreg (make one with vreg(index, cls) or FunctionBuilder.vreg)`);
  }
}

function checkedFixed(v: VReg, p: PReg, what: string): number {
  checkVReg(v, what);
  if (!isValidPReg(p)) throw new RangeError(`${what}: ${p} is not a physical register (make one with preg(hwEnc, cls))`);
  if (p >> 6 !== (v & 3)) {
    throw new RegAllocError(
      'InvalidFixedReg',
      `${what}: fixed register ${pregToString(p)} is not of the class of ${vregToString(v)}`,
      { vreg: v, preg: p },
    );
  }
  return constraintFixed(p & 63);
}

function checked(v: VReg, what: string): VReg {
  checkVReg(v, what);
  return v;
}

/**
 * Operand factories, as regalloc2's `Operand::reg_use` etc. Every one checks
 * its arguments: a value that is not a vreg or register, a fixed register of
 * another class than the vreg, a reuse index or limit out of range throws
 * (`RangeError`, or `RegAllocError` `InvalidFixedReg` for a class mismatch).
 *
 * Positions: an instruction has an *early* point (where its inputs are read)
 * and a *late* point (where its outputs are written). An early use ends
 * there, so a late def may get the same register (`x = x + y` in place);
 * a late use stays live to the end of the instruction, so no def of it
 * can share its register; an early def is written before the inputs are
 * read, so no early use can share its register.
 */
export const Operand = {
  /** A use read at the instruction's start (early), in any register of the vreg's class. */
  regUse: (v: VReg): Operand => makeOperand(checked(v, 'Operand.regUse'), CONSTRAINT_REG, OperandKind.Use, OperandPos.Early),
  /**
   * A use that stays live to the instruction's end (late): its register is not
   * given to any of the instruction's defs. For inputs read after an output is
   * written (a multi-instruction sequence).
   */
  regUseAtEnd: (v: VReg): Operand =>
    makeOperand(checked(v, 'Operand.regUseAtEnd'), CONSTRAINT_REG, OperandKind.Use, OperandPos.Late),
  /** A def written at the instruction's end (late), in a register; it may share a register with an early use. */
  regDef: (v: VReg): Operand => makeOperand(checked(v, 'Operand.regDef'), CONSTRAINT_REG, OperandKind.Def, OperandPos.Late),
  /**
   * A def written at the instruction's start (early): its register differs
   * from every use's, for outputs written before all inputs are read.
   */
  regDefAtStart: (v: VReg): Operand =>
    makeOperand(checked(v, 'Operand.regDefAtStart'), CONSTRAINT_REG, OperandKind.Def, OperandPos.Early),
  /**
   * A scratch register for the instruction's own use: an early def of a vreg
   * used nowhere else, so it is live over the whole instruction and shares
   * a register with no use or def of it.
   */
  regTemp: (v: VReg): Operand => makeOperand(checked(v, 'Operand.regTemp'), CONSTRAINT_REG, OperandKind.Def, OperandPos.Early),
  /**
   * A late def that must get the same register as operand `idx` of the same
   * instruction (two-address forms such as x86's `add dst, src`). `idx` is
   * the index of that operand in the instruction's operand list (0..31), and
   * it must be an early use (`regUse`-like) of the same class; validation
   * checks that.
   *
   * ```ts
   * b.inst(blk, [Operand.regUse(a), Operand.regUse(c), Operand.regReuseDef(sum, 0)]); // sum in a's register
   * ```
   */
  regReuseDef: (v: VReg, idx: number): Operand => {
    checkVReg(v, 'Operand.regReuseDef');
    if (!Number.isInteger(idx) || idx < 0 || idx > MAX_REUSE_INDEX) {
      throw new RangeError(`Operand.regReuseDef: operand index ${idx} is not an integer in 0..${MAX_REUSE_INDEX}`);
    }
    return makeOperand(v, constraintReuse(idx), OperandKind.Def, OperandPos.Late);
  },
  /** An early use in the fixed register `p` (e.g. an argument register at a call); `p`'s class must be the vreg's. */
  regFixedUse: (v: VReg, p: PReg): Operand =>
    makeOperand(v, checkedFixed(v, p, 'Operand.regFixedUse'), OperandKind.Use, OperandPos.Early),
  /** A late def in the fixed register `p` (e.g. a call's result in rax). */
  regFixedDef: (v: VReg, p: PReg): Operand =>
    makeOperand(v, checkedFixed(v, p, 'Operand.regFixedDef'), OperandKind.Def, OperandPos.Late),
  /** A late use in the fixed register `p`: live to the instruction's end, not shared with a def. */
  regFixedUseAtEnd: (v: VReg, p: PReg): Operand =>
    makeOperand(v, checkedFixed(v, p, 'Operand.regFixedUseAtEnd'), OperandKind.Use, OperandPos.Late),
  /** An early def in the fixed register `p`: written before the inputs are read. */
  regFixedDefAtStart: (v: VReg, p: PReg): Operand =>
    makeOperand(v, checkedFixed(v, p, 'Operand.regFixedDefAtStart'), OperandKind.Def, OperandPos.Early),
  /** An early use the allocator may place in a register or a spill slot (the instruction can read memory). */
  anyUse: (v: VReg): Operand => makeOperand(checked(v, 'Operand.anyUse'), CONSTRAINT_ANY, OperandKind.Use, OperandPos.Early),
  /** A late def the allocator may place in a register or a spill slot. */
  anyDef: (v: VReg): Operand => makeOperand(checked(v, 'Operand.anyDef'), CONSTRAINT_ANY, OperandKind.Def, OperandPos.Late),
  /** An early use that must be in a spill slot. */
  stackUse: (v: VReg): Operand => makeOperand(checked(v, 'Operand.stackUse'), CONSTRAINT_STACK, OperandKind.Use, OperandPos.Early),
  /** A late def that must be in a spill slot. */
  stackDef: (v: VReg): Operand => makeOperand(checked(v, 'Operand.stackDef'), CONSTRAINT_STACK, OperandKind.Def, OperandPos.Late),
  /**
   * An early use in a register whose hw_enc is below `max` (a power of two,
   * 1..32768), for encodings that reach only the low registers.
   */
  limitUse: (v: VReg, max: number): Operand =>
    makeOperand(checked(v, 'Operand.limitUse'), checkedLimit(max, 'Operand.limitUse'), OperandKind.Use, OperandPos.Early),
  /** A late def in a register whose hw_enc is below `max` (a power of two, 1..32768). */
  limitDef: (v: VReg, max: number): Operand =>
    makeOperand(checked(v, 'Operand.limitDef'), checkedLimit(max, 'Operand.limitDef'), OperandKind.Def, OperandPos.Late),
  /**
   * An early use of the register `p` with no vreg: the register is named
   * (e.g. a stack pointer the instruction reads) but never allocated. `p`
   * is usually outside the allocatable sets.
   */
  fixedNonAllocatable: (p: PReg): Operand => {
    if (!isValidPReg(p)) throw new RangeError(`Operand.fixedNonAllocatable: ${p} is not a physical register`);
    return fixedNonAllocatable(p);
  },
} as const;

function checkedLimit(max: number, what: string): number {
  if (!Number.isInteger(max) || max < 1 || max > 1 << 15 || (max & (max - 1)) !== 0) {
    throw new RangeError(`${what}: limit ${max} is not a power of two in 1..32768`);
  }
  return constraintLimit(max);
}
