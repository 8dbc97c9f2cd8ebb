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
  pregToString,
  preg,
  vregToString,
} from './regs.js';

export type Operand = number;

export type OperandKind = 0 | 1;
export const OperandKind = { Def: 0, Use: 1 } as const;
export type OperandPos = 0 | 1;
export const OperandPos = { Early: 0, Late: 1 } as const;

/** Constraint kinds as returned by `operandConstraintKind`. */
export const enum ConstraintKind {
  Any = 0,
  Reg = 1,
  Stack = 2,
  FixedReg = 3,
  Reuse = 4,
  Limit = 5,
}

/** A decoded constraint, for code off the hot path. */
export type OperandConstraint =
  | { kind: 'any' }
  | { kind: 'reg' }
  | { kind: 'stack' }
  | { kind: 'fixed'; preg: PReg }
  | { kind: 'reuse'; index: number }
  | { kind: 'limit'; max: number };

/** Raw 7-bit constraint fields. */
export const CONSTRAINT_ANY = 0;
export const CONSTRAINT_REG = 1;
export const CONSTRAINT_STACK = 2;
export function constraintFixed(hwEnc: number): number {
  return 0b1000000 | hwEnc;
}
export function constraintReuse(index: number): number {
  return 0b0100000 | index;
}
/** `max` must be a power of two in 1..64. */
export function constraintLimit(max: number): number {
  return 0b0010000 | (31 - Math.clz32(max));
}
export const MAX_REUSE_INDEX = 31;

export function makeOperand(
  v: VReg,
  constraintField: number,
  kind: OperandKind,
  pos: OperandPos,
): Operand {
  return (
    ((v >>> 2) |
      ((v & 3) << 21) |
      (pos << 23) |
      (kind << 24) |
      (constraintField << 25)) >>>
    0
  );
}

export function operandFromConstraint(
  v: VReg,
  c: OperandConstraint,
  kind: OperandKind,
  pos: OperandPos,
): Operand {
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
      field = constraintFixed(c.preg & 63);
      break;
    case 'reuse':
      field = constraintReuse(c.index);
      break;
    case 'limit':
      field = constraintLimit(c.max);
      break;
  }
  return makeOperand(v, field, kind, pos);
}

export function operandVRegIndex(op: Operand): number {
  return op & 0x1fffff;
}
export function operandClass(op: Operand): RegClass {
  return ((op >>> 21) & 3) as RegClass;
}
export function operandVReg(op: Operand): VReg {
  return (op & 0x1fffff) * 4 + ((op >>> 21) & 3);
}
export function operandPos(op: Operand): OperandPos {
  return ((op >>> 23) & 1) as OperandPos;
}
export function operandKind(op: Operand): OperandKind {
  return ((op >>> 24) & 1) as OperandKind;
}
export function operandIsUse(op: Operand): boolean {
  return ((op >>> 24) & 1) === 1;
}
export function operandIsDef(op: Operand): boolean {
  return ((op >>> 24) & 1) === 0;
}
/** The raw 7-bit constraint field. */
export function operandConstraintField(op: Operand): number {
  return op >>> 25;
}
export function operandConstraintKind(op: Operand): ConstraintKind {
  const f = op >>> 25;
  if (f & 0b1000000) return ConstraintKind.FixedReg;
  if (f & 0b0100000) return ConstraintKind.Reuse;
  if (f & 0b0010000) return ConstraintKind.Limit;
  return f as ConstraintKind; // 0 any, 1 reg, 2 stack
}
/** The fixed register of a fixed(preg) operand. */
export function operandFixedReg(op: Operand): PReg {
  return ((((op >>> 21) & 3) << 6) | ((op >>> 25) & 63)) >>> 0;
}
/** The operand index of a reuse(k) operand. */
export function operandReuseIndex(op: Operand): number {
  return (op >>> 25) & 31;
}
/** The `n` of a limit(n) operand (registers with hw_enc < n). */
export function operandLimit(op: Operand): number {
  return 1 << ((op >>> 25) & 15);
}

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
    VREG_MAX_INDEX * 4 + ((p >> 6) & 3),
    constraintFixed(p & 63),
    OperandKind.Use,
    OperandPos.Early,
  );
}

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

// Convenience constructors mirroring regalloc2's `Operand::reg_use` etc.
export const Operand = {
  regUse: (v: VReg) => makeOperand(v, CONSTRAINT_REG, OperandKind.Use, OperandPos.Early),
  regUseAtEnd: (v: VReg) => makeOperand(v, CONSTRAINT_REG, OperandKind.Use, OperandPos.Late),
  regDef: (v: VReg) => makeOperand(v, CONSTRAINT_REG, OperandKind.Def, OperandPos.Late),
  regDefAtStart: (v: VReg) => makeOperand(v, CONSTRAINT_REG, OperandKind.Def, OperandPos.Early),
  regTemp: (v: VReg) => makeOperand(v, CONSTRAINT_REG, OperandKind.Def, OperandPos.Early),
  regReuseDef: (v: VReg, idx: number) =>
    makeOperand(v, constraintReuse(idx), OperandKind.Def, OperandPos.Late),
  regFixedUse: (v: VReg, p: PReg) =>
    makeOperand(v, constraintFixed(p & 63), OperandKind.Use, OperandPos.Early),
  regFixedDef: (v: VReg, p: PReg) =>
    makeOperand(v, constraintFixed(p & 63), OperandKind.Def, OperandPos.Late),
  regFixedUseAtEnd: (v: VReg, p: PReg) =>
    makeOperand(v, constraintFixed(p & 63), OperandKind.Use, OperandPos.Late),
  regFixedDefAtStart: (v: VReg, p: PReg) =>
    makeOperand(v, constraintFixed(p & 63), OperandKind.Def, OperandPos.Early),
  anyUse: (v: VReg) => makeOperand(v, CONSTRAINT_ANY, OperandKind.Use, OperandPos.Early),
  anyDef: (v: VReg) => makeOperand(v, CONSTRAINT_ANY, OperandKind.Def, OperandPos.Late),
  stackUse: (v: VReg) => makeOperand(v, CONSTRAINT_STACK, OperandKind.Use, OperandPos.Early),
  stackDef: (v: VReg) => makeOperand(v, CONSTRAINT_STACK, OperandKind.Def, OperandPos.Late),
  limitUse: (v: VReg, max: number) =>
    makeOperand(v, constraintLimit(max), OperandKind.Use, OperandPos.Early),
  limitDef: (v: VReg, max: number) =>
    makeOperand(v, constraintLimit(max), OperandKind.Def, OperandPos.Late),
  fixedNonAllocatable,
} as const;

// Silence "unused" for preg re-export convenience in callers building fixed regs.
export { preg };
