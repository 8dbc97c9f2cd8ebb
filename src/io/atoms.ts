// The text atoms of the corpus format (FORMAT.md): registers, vregs,
// allocations, program points and operands. Parsers return `undefined` on a
// malformed atom so that the caller can name the JSON path.

import {
  type Allocation,
  allocReg,
  allocStack,
  ALLOC_NONE,
  MAX_SPILL_SLOT,
  type ProgPoint,
} from '../model/allocation.js';
import {
  CONSTRAINT_ANY,
  CONSTRAINT_REG,
  CONSTRAINT_STACK,
  constraintFixed,
  constraintLimit,
  constraintReuse,
  fixedNonAllocatable,
  makeOperand,
  MAX_REUSE_INDEX,
  type Operand,
  type OperandKind,
  type OperandPos,
} from '../model/operand.js';
import { type PReg, preg, type RegClass, type VReg, vreg, VREG_MAX_INDEX } from '../model/regs.js';

export function parseClass(s: string): RegClass | undefined {
  return s === 'i' ? 0 : s === 'f' ? 1 : s === 'v' ? 2 : undefined;
}

const PREG_RE = /^p(\d{1,2})([ifv])$/;
export function parsePReg(s: string): PReg | undefined {
  const m = PREG_RE.exec(s);
  if (!m) return undefined;
  const hw = Number(m[1]);
  if (hw > 63) return undefined;
  return preg(hw, parseClass(m[2]!)!);
}

const VREG_RE = /^v(\d{1,9})([ifv])$/;
/** A vreg; indices that cannot be represented (≥ 2^21 - 1) are rejected. */
export function parseVReg(s: string): VReg | undefined {
  const m = VREG_RE.exec(s);
  if (!m) return undefined;
  const idx = Number(m[1]);
  if (idx >= VREG_MAX_INDEX) return undefined;
  return vreg(idx, parseClass(m[2]!)!);
}

const STACK_RE = /^stack(\d{1,9})$/;
export function parseAllocation(s: string): Allocation | undefined {
  if (s === 'none') return ALLOC_NONE;
  const m = STACK_RE.exec(s);
  if (m) {
    const slot = Number(m[1]);
    return slot <= MAX_SPILL_SLOT ? allocStack(slot) : undefined;
  }
  const p = parsePReg(s);
  return p === undefined ? undefined : allocReg(p);
}

const POINT_RE = /^(\d{1,9}):(before|after)$/;
export function parseProgPoint(s: string): ProgPoint | undefined {
  const m = POINT_RE.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * 2 + (m[2] === 'after' ? 1 : 0);
}

/** Why an operand atom was rejected. */
export type OperandProblem =
  | { problem: 'syntax' }
  | { problem: 'vreg' }
  | { problem: 'fixed-class'; vreg: VReg; preg: PReg }
  | { problem: 'reuse'; vreg: VReg; index: number }
  | { problem: 'limit'; vreg: VReg; n: number };

const CONSTRAINT_RE = /^(any|reg|stack|fixed\((p\d{1,2}[ifv])\)|reuse\((\d{1,9})\)|limit\((\d{1,9})\))$/;

export function parseOperand(s: string): Operand | OperandProblem {
  if (s.startsWith('fixed-nonalloc:')) {
    const p = parsePReg(s.slice('fixed-nonalloc:'.length));
    return p === undefined ? { problem: 'syntax' } : fixedNonAllocatable(p);
  }
  const parts = s.split(':');
  if (parts.length !== 4) return { problem: 'syntax' };
  const [vs, ks, ps, cs] = parts as [string, string, string, string];
  if (!VREG_RE.test(vs)) return { problem: 'syntax' };
  const v = parseVReg(vs);
  if (v === undefined) return { problem: 'vreg' };
  let kind: OperandKind;
  if (ks === 'use') kind = 1;
  else if (ks === 'def') kind = 0;
  else return { problem: 'syntax' };
  let pos: OperandPos;
  if (ps === 'early') pos = 0;
  else if (ps === 'late') pos = 1;
  else return { problem: 'syntax' };
  const m = CONSTRAINT_RE.exec(cs);
  if (!m) return { problem: 'syntax' };
  let field: number;
  if (cs === 'any') field = CONSTRAINT_ANY;
  else if (cs === 'reg') field = CONSTRAINT_REG;
  else if (cs === 'stack') field = CONSTRAINT_STACK;
  else if (m[2] !== undefined) {
    const p = parsePReg(m[2]);
    if (p === undefined) return { problem: 'syntax' };
    if (p >> 6 !== (v & 3)) return { problem: 'fixed-class', vreg: v, preg: p };
    field = constraintFixed(p & 63);
  } else if (m[3] !== undefined) {
    const k = Number(m[3]);
    if (k > MAX_REUSE_INDEX) return { problem: 'reuse', vreg: v, index: k };
    field = constraintReuse(k);
  } else {
    const n = Number(m[4]);
    if (n < 1 || n > 1 << 15 || (n & (n - 1)) !== 0) return { problem: 'limit', vreg: v, n };
    field = constraintLimit(n);
  }
  return makeOperand(v, field, kind, pos);
}
