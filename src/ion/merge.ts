// Bundle merging (regalloc2's merge.rs): one bundle per vreg, then bundles
// joined across reused inputs and block-param edges when their ranges do not
// overlap and their requirements agree; then every bundle is queued.

import { ConstraintKind, operandConstraintKind, operandFixedReg, operandIsDef, operandLimit, operandReuseIndex, operandVReg } from '../model/operand.js';
import { pointInst } from '../model/allocation.js';
import { pointInstStart, pointIsAfter, pointNext, pointNextInstStart } from '../model/location.js';
import { PREG_INVALID, vregIndex } from '../model/regs.js';
import {
  BUNDLE_MAX_NORMAL_SPILL_WEIGHT,
  MINIMAL_BUNDLE_SPILL_WEIGHT,
  MINIMAL_FIXED_BUNDLE_SPILL_WEIGHT,
  MINIMAL_LIMITED_BUNDLE_SPILL_WEIGHT,
} from './bundles.js';
import { INVALID } from './data.js';
import type { IonEnv } from './env.js';
import { mergeBundleRequirements, REQ_CONFLICT } from './requirement.js';

function mergeBundleProperties(e: IonEnv, from: number, to: number): void {
  const B = e.bundles;
  if (B.fixed(from)) B.setFixed(to);
  if (B.fixedDef(from)) B.setFixedDef(to);
  if (B.stack(from)) B.setStack(to);
  const theirs = B.limit.data[from]!;
  if (theirs !== INVALID) {
    const ours = B.limit.data[to]!;
    B.limit.data[to] = ours === INVALID ? theirs : Math.min(ours, theirs);
  }
}

/** Moves `from`'s ranges into `to` if they can share an allocation; returns whether merged. */
export function mergeBundles(e: IonEnv, from: number, to: number): boolean {
  if (from === to) return true;
  const B = e.bundles;
  const S = e.spillsets;
  const R = e.ranges;
  if (S.cls.data[B.spillset.data[from]!] !== S.cls.data[B.spillset.data[to]!]) return false;
  if (B.allocation.data[from] !== 0 || B.allocation.data[to] !== 0) return false;
  const rf = B.ranges[from]!;
  const rt = B.ranges[to]!;
  // A fixed def makes the bundle start at the instruction's early point.
  const fromFixedDef = B.fixedDef(from);
  const toFixedDef = B.fixedDef(to);
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < rf.length && j < rt.length) {
    if (++count > 200) return false;
    const fromStart = R.from.data[rf[i]!]!;
    const toStart = R.from.data[rt[j]!]!;
    if ((fromFixedDef ? pointInstStart(fromStart) : fromStart) >= R.to.data[rt[j]!]!) j++;
    else if ((toFixedDef ? pointInstStart(toStart) : toStart) >= R.to.data[rf[i]!]!) i++;
    else return false;
  }
  if (B.stack(from) || B.fixed(from) || B.limit.data[from] !== INVALID || B.stack(to) || B.fixed(to) || B.limit.data[to] !== INVALID) {
    if (mergeBundleRequirements(e, from, to) === REQ_CONFLICT) return false;
  }
  if (rf.length === 0) return true;
  if (rt.length === 0) {
    for (const lr of rf) {
      R.bundle.data[lr] = to;
      if (e.annotations) e.annotate(R.from.data[lr]!, ` MERGE range${lr} v${R.vreg.data[lr]} from bundle${from} to bundle${to}`);
    }
    B.ranges[to] = rf;
    B.ranges[from] = rt;
    mergeBundleProperties(e, from, to);
    return true;
  }
  for (const lr of rf) {
    R.bundle.data[lr] = to;
    if (e.annotations) e.annotate(R.from.data[lr]!, ` MERGE range${lr} v${R.vreg.data[lr]} from bundle${from} to bundle${to}`);
  }
  if (rf.length === 1) {
    const lr = rf[0]!;
    const key = R.from.data[lr]!;
    let lo = 0;
    let hi = rt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (R.from.data[rt[mid]!]! < key) lo = mid + 1;
      else hi = mid;
    }
    rt.splice(lo, 0, lr);
  } else {
    // Both lists are sorted by start: merge from the back, in place.
    let a = rt.length - 1;
    let b = rf.length - 1;
    let w = rt.length + rf.length - 1;
    for (let k = 0; k < rf.length; k++) rt.push(0); // grow, staying a packed array
    while (b >= 0) {
      if (a >= 0 && R.from.data[rt[a]!]! > R.from.data[rf[b]!]!) rt[w--] = rt[a--]!;
      else rt[w--] = rf[b--]!;
    }
  }
  rf.length = 0;
  const sf = B.spillset.data[from]!;
  const st = B.spillset.data[to]!;
  if (sf !== st) {
    S.rangeFrom.data[st] = Math.min(S.rangeFrom.data[st]!, S.rangeFrom.data[sf]!);
    S.rangeTo.data[st] = Math.max(S.rangeTo.data[st]!, S.rangeTo.data[sf]!);
  }
  mergeBundleProperties(e, from, to);
  return true;
}

export function mergeVregBundles(e: IonEnv): void {
  const B = e.bundles;
  const R = e.ranges;
  const U = e.uses;
  const f = e.f;
  for (let vreg = 0; vreg < e.vregRanges.length; vreg++) {
    const list = e.vregRanges[vreg]!;
    if (list.length === 0) continue;
    const bundle = B.add();
    let from = R.from.data[list[0]!]!;
    let to = R.to.data[list[0]!]!;
    B.ranges[bundle] = list.slice();
    for (const lr of list) {
      from = Math.min(from, R.from.data[lr]!);
      to = Math.max(to, R.to.data[lr]!);
      R.bundle.data[lr] = bundle;
    }
    let fixed = false;
    let fixedDef = false;
    let stack = false;
    let limit = INVALID;
    outer: for (const lr of list) {
      for (let k = R.useStart.data[lr]!, end = R.useEnd.data[lr]!; k < end; k++) {
        const op = U.operand.data[R.useAt(k)]!;
        switch (operandConstraintKind(op)) {
          case ConstraintKind.FixedReg:
            fixed = true;
            if (operandIsDef(op)) fixedDef = true;
            break;
          case ConstraintKind.Stack:
            stack = true;
            break;
          case ConstraintKind.Limit: {
            const cur = operandLimit(op);
            limit = limit === INVALID ? cur : Math.min(limit, cur);
            break;
          }
          default:
            continue;
        }
        if (fixed && stack && fixedDef) break outer;
      }
    }
    if (fixed) B.setFixed(bundle);
    if (fixedDef) B.setFixedDef(bundle);
    if (stack) B.setStack(bundle);
    B.limit.data[bundle] = limit;
    B.spillset.data[bundle] = e.spillsets.add(e.vregClass[vreg]!, from, to, PREG_INVALID);
  }
  for (let inst = 0; inst < f.numInsts(); inst++) {
    const ops = f.instOperands(inst);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandConstraintKind(op) !== ConstraintKind.Reuse) continue;
      const src = vregIndex(operandVReg(op));
      const dst = vregIndex(operandVReg(ops[operandReuseIndex(op)]!));
      const srcBundle = R.bundle.data[e.vregRanges[src]![0]!]!;
      const dstBundle = R.bundle.data[e.vregRanges[dst]![0]!]!;
      mergeBundles(e, dstBundle, srcBundle);
    }
  }
  const bo = e.blockparamOuts;
  for (let k = 0; k < bo.length; k += 4) {
    const fromVreg = bo.data[k]!;
    const toVreg = bo.data[k + 3]!;
    const toBundle = R.bundle.data[e.vregRanges[toVreg]![0]!]!;
    const fromBundle = R.bundle.data[e.vregRanges[fromVreg]![0]!]!;
    mergeBundles(e, fromBundle, toBundle);
  }
  void operandFixedReg;
}

export function computeBundlePrio(e: IonEnv, bundle: number): number {
  let total = 0;
  const R = e.ranges;
  for (const lr of e.bundles.ranges[bundle]!) total += pointInst(R.to.data[lr]!) - pointInst(R.from.data[lr]!);
  return total;
}

export function computeBundleLimit(e: IonEnv, bundle: number): number {
  let limit = INVALID;
  const R = e.ranges;
  const U = e.uses;
  for (const lr of e.bundles.ranges[bundle]!) {
    for (let i = R.useStart.data[lr]!, end = R.useEnd.data[lr]!; i < end; i++) {
      const op = U.operand.data[R.useAt(i)]!;
      const k = operandConstraintKind(op);
      if (k === ConstraintKind.Limit) {
        const cur = operandLimit(op);
        limit = limit === INVALID ? cur : Math.min(limit, cur);
      } else if (k === ConstraintKind.FixedReg || k === ConstraintKind.Stack) {
        break;
      }
    }
  }
  return limit;
}

/**
 * Start of the smallest range holding a use at `pos` (its own instruction's
 * points): the late point only for a late def.
 */
export function minimalRangeStart(pos: number, isDef: boolean): number {
  return pointIsAfter(pos) && isDef ? pos : pointInstStart(pos);
}

/** End of that range: the late point for an early use, else the next instruction. */
export function minimalRangeEnd(pos: number, isDef: boolean): number {
  return !pointIsAfter(pos) && !isDef ? pointNext(pos) : pointNextInstStart(pos);
}

export function recomputeBundleProperties(e: IonEnv, bundle: number): void {
  const B = e.bundles;
  const R = e.ranges;
  const U = e.uses;
  const ranges = B.ranges[bundle]!;
  const first = ranges[0]!;
  B.prio.data[bundle] = computeBundlePrio(e, bundle);
  B.limit.data[bundle] = computeBundleLimit(e, bundle);
  let minimal: boolean;
  let fixed = false;
  let fixedDef = false;
  let stack = false;
  if (R.vreg.data[first] === INVALID) {
    minimal = true;
    fixed = true;
  } else if (ranges.length === 1) {
    const useCount = R.useCount(first);
    for (let i = R.useStart.data[first]!, end = R.useEnd.data[first]!; i < end; i++) {
      const op = U.operand.data[R.useAt(i)]!;
      const k = operandConstraintKind(op);
      if (k === ConstraintKind.FixedReg) {
        fixed = true;
        if (operandIsDef(op)) fixedDef = true;
      }
      if (k === ConstraintKind.Stack) stack = true;
      if (stack && fixed) break;
    }
    if (useCount === 0) minimal = true;
    else if (useCount === 1) {
      const u = R.useAt(R.useStart.data[first]!);
      const upos = U.pos.data[u]!;
      const udef = operandIsDef(U.operand.data[u]!);
      const mf = minimalRangeStart(upos, udef);
      const mt = minimalRangeEnd(upos, udef);
      minimal = R.from.data[first]! >= mf && R.to.data[first]! <= mt;
    } else minimal = false;
  } else {
    minimal = false;
  }
  let weight: number;
  if (minimal) {
    if (fixed) weight = MINIMAL_FIXED_BUNDLE_SPILL_WEIGHT;
    else if (B.limit.data[bundle] !== INVALID) weight = MINIMAL_LIMITED_BUNDLE_SPILL_WEIGHT - (B.limit.data[bundle]! % 256); // a u8 in regalloc2
    else weight = MINIMAL_BUNDLE_SPILL_WEIGHT;
  } else {
    let total = 0;
    for (const lr of ranges) total = Math.fround(total + R.usesWeight(lr));
    const prio = B.prio.data[bundle]!;
    weight = prio > 0 ? Math.min(BUNDLE_MAX_NORMAL_SPILL_WEIGHT, Math.floor(Math.min(f32ToU32(total), 0xffffffff) / prio)) : 0;
  }
  B.setProps(bundle, weight, minimal, fixed, fixedDef, stack);
}

/** Rust's saturating `f32 as u32`. */
function f32ToU32(x: number): number {
  if (!(x > 0)) return 0;
  if (x >= 4294967295) return 4294967295;
  return Math.trunc(x);
}

export function queueBundles(e: IonEnv): void {
  const B = e.bundles;
  for (let b = 0; b < B.length; b++) {
    if (B.ranges[b]!.length === 0) continue;
    recomputeBundleProperties(e, b);
    e.queue.insert(b, B.prio.data[b]!, PREG_INVALID);
  }
  e.stats.merged_bundle_count = e.queue.size;
}
