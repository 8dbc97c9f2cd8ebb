// What a bundle needs (any location, a register, a fixed register, a
// register below a limit, the stack, a fixed stack slot), and where two of
// its uses conflict (regalloc2's requirement.rs).

import { ConstraintKind, operandConstraintKind, operandFixedReg, operandLimit, type Operand } from '../model/operand.js';
import { pregBelowLimit } from '../model/location.js';
import type { IonEnv } from './env.js';
import type { BundleId } from './ids.js';

// A requirement is packed as kind << 16 | payload (preg or limit).
export const REQ_ANY = 0;
export const REQ_REGISTER = 1;
export const REQ_FIXED_REG = 2;
export const REQ_LIMIT = 3;
export const REQ_STACK = 4;
export const REQ_FIXED_STACK = 5;
export const REQ_CONFLICT = -1;

export const reqKind = (r: number) => r >> 16;
export const reqPayload = (r: number) => r & 0xffff;
const req = (kind: number, payload = 0) => (kind << 16) | payload;

export function reqIsStack(r: number): boolean {
  const k = reqKind(r);
  return k === REQ_STACK || k === REQ_FIXED_STACK;
}
export function reqIsReg(r: number): boolean {
  const k = reqKind(r);
  return k === REQ_REGISTER || k === REQ_FIXED_REG || k === REQ_LIMIT;
}

/** The meet of two requirements, or REQ_CONFLICT. */
export function mergeReq(a: number, b: number): number {
  const ka = reqKind(a);
  const kb = reqKind(b);
  if (kb === REQ_ANY) return a;
  if (ka === REQ_ANY) return b;
  if (ka === REQ_REGISTER && kb === REQ_REGISTER) return a;
  if (ka === REQ_STACK && kb === REQ_STACK) return a;
  if (ka === REQ_LIMIT && kb === REQ_LIMIT) return req(REQ_LIMIT, Math.min(reqPayload(a), reqPayload(b)));
  if (ka === REQ_FIXED_REG && kb === REQ_FIXED_REG && a === b) return a;
  if (ka === REQ_FIXED_STACK && kb === REQ_FIXED_STACK && a === b) return a;
  if (ka === REQ_LIMIT && kb === REQ_REGISTER) return a;
  if (ka === REQ_REGISTER && kb === REQ_LIMIT) return b;
  if (ka === REQ_LIMIT && kb === REQ_FIXED_REG && pregBelowLimit(reqPayload(b), reqPayload(a))) return b;
  if (ka === REQ_FIXED_REG && kb === REQ_LIMIT && pregBelowLimit(reqPayload(a), reqPayload(b))) return a;
  if (ka === REQ_REGISTER && kb === REQ_FIXED_REG) return b;
  if (ka === REQ_FIXED_REG && kb === REQ_REGISTER) return a;
  if (ka === REQ_STACK && kb === REQ_FIXED_STACK) return b;
  if (ka === REQ_FIXED_STACK && kb === REQ_STACK) return a;
  return REQ_CONFLICT;
}

export function requirementFromOperand(ion: IonEnv, op: Operand): number {
  switch (operandConstraintKind(op)) {
    case ConstraintKind.FixedReg: {
      const p = operandFixedReg(op);
      return req(ion.pregIsStack[p] ? REQ_FIXED_STACK : REQ_FIXED_REG, p);
    }
    case ConstraintKind.Reg:
    case ConstraintKind.Reuse:
      return req(REQ_REGISTER);
    case ConstraintKind.Limit:
      return req(REQ_LIMIT, operandLimit(op));
    case ConstraintKind.Stack:
      return req(REQ_STACK);
    default:
      return req(REQ_ANY);
  }
}

/** Where a requirement conflict lies: kind 0 stack-to-reg, 1 reg-to-stack, 2 other. */
export const CONFLICT_STACK_TO_REG = 0;
export const CONFLICT_REG_TO_STACK = 1;
export const CONFLICT_OTHER = 2;

export interface RequirementResult {
  ok: boolean;
  req: number;
  conflictKind: number;
  conflictPoint: number;
}

/** Meets the requirements of every use in `bundle`; on conflict, says where and what kind. */
export function computeRequirement(ion: IonEnv, bundle: BundleId, out: RequirementResult): RequirementResult {
  let r = req(REQ_ANY);
  let lastPos = 0;
  const ranges = ion.ranges;
  const uses = ion.uses;
  for (const lr of ion.bundles.ranges[bundle]!) {
    for (let k = ranges.useStart.data[lr]!, end = ranges.useEnd.data[lr]!; k < end; k++) {
      const u = ranges.useAt(k);
      const ur = requirementFromOperand(ion, uses.operand.data[u]!);
      const m = mergeReq(r, ur);
      const pos = uses.pos.data[u]!;
      if (m === REQ_CONFLICT) {
        out.ok = false;
        out.req = r;
        // Where to split (regalloc2's RequirementConflictAt): from stack to
        // register, late, at the register use (the stretch between stays
        // with the cheaper stack side); from register to stack, early, just
        // after the last register use; otherwise at the conflicting use, and
        // the split also trims the ends so the middle belongs to neither
        // side (say, two different fixed registers).
        if (reqIsStack(r) && reqIsReg(ur)) {
          out.conflictKind = CONFLICT_STACK_TO_REG;
          out.conflictPoint = pos;
        } else if (reqIsReg(r) && reqIsStack(ur)) {
          out.conflictKind = CONFLICT_REG_TO_STACK;
          out.conflictPoint = lastPos;
        } else {
          out.conflictKind = CONFLICT_OTHER;
          out.conflictPoint = pos;
        }
        return out;
      }
      r = m;
      lastPos = pos;
    }
  }
  out.ok = true;
  out.req = r;
  return out;
}

/** The meet of two bundles' requirements, or REQ_CONFLICT. */
export function mergeBundleRequirements(ion: IonEnv, a: BundleId, b: BundleId): number {
  const tmp: RequirementResult = { ok: true, req: 0, conflictKind: 0, conflictPoint: 0 };
  if (!computeRequirement(ion, a, tmp).ok) return REQ_CONFLICT;
  const ra = tmp.req;
  if (!computeRequirement(ion, b, tmp).ok) return REQ_CONFLICT;
  return mergeReq(ra, tmp.req);
}
