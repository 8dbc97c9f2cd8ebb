// The main allocation loop (regalloc2's process.rs): bundles are taken from
// the priority queue; each is tried against registers in traversal order
// over the per-register range maps; on conflicts the cheapest choice wins
// among evicting lighter bundles and splitting this one (where the
// requirement conflict or the first interference suggests).

import { allocIsReg, allocReg, pointInst } from '../model/allocation.js';
import { allocPReg, pointInstStart, pointIsAfter, pointNext, pointNextInstStart, pointPrev, pregBelowLimit } from '../model/location.js';
import { RegAllocError } from '../model/errors.js';
import { ConstraintKind, operandConstraintKind, operandIsDef } from '../model/operand.js';
import { PREG_INVALID, type RegClass } from '../model/regs.js';
import { MAX_SPLITS_PER_SPILLSET } from './bundles.js';
import { IntColumn, INVALID, LR_STARTS_AT_DEF, spillWeightFromConstraint, weightFromBits } from './data.js';
import type { IonEnv } from './env.js';
import { minimalRangeEnd, minimalRangeStart, recomputeBundleProperties } from './merge.js';
import { RegTraversal } from './reg_traversal.js';
import { withRoom } from '../util/int_buffers.js';
import {
  computeRequirement,
  CONFLICT_OTHER,
  REQ_ANY,
  REQ_FIXED_REG,
  REQ_FIXED_STACK,
  REQ_LIMIT,
  REQ_REGISTER,
  REQ_STACK,
  reqKind,
  reqPayload,
  type RequirementResult,
} from './requirement.js';

/** Bundle field of a range dropped by splitIntoMinimalBundles, until its vreg's list is filtered. */
const REMOVED_RANGE = -2;

const RESULT_ALLOCATED = 0;
const RESULT_CONFLICT = 1;
const RESULT_CONFLICT_WITH_FIXED = 2;
const RESULT_CONFLICT_HIGH_COST = 3;

/** Scratch state for the allocation loop, reused across bundles. */
export class ProcessScratch {
  /** Bundles in conflict with the last probe, each once. */
  conflicts = new IntColumn(16);
  /** conflictStamp[bundle] === stamp: already in `conflicts` (no Set to clear). */
  conflictStamp = new Int32Array(64);
  stamp = 0;
  lowestEvictSet = new IntColumn(16);
  probe: number[] = [];
  traversal = new RegTraversal();
  req: RequirementResult = { ok: true, req: 0, conflictKind: 0, conflictPoint: 0 };
  /** Set by tryToAllocate: the first conflict point or the fixed conflict's cost. */
  point = 0;
  cost = 0;
}

/** Rust's `f32 as u32` for the non-negative weights used here. */
function toInt(x: number): number {
  return x >= 4294967295 ? 4294967295 : Math.trunc(x);
}

function moveCostAt(e: IonEnv, point: number): number {
  const depth = e.cfg.approxLoopDepth[e.cfg.insnBlock[pointInst(point)]!]!;
  return toInt(spillWeightFromConstraint('reg', depth, true));
}

/** Tries `bundle` in `preg`; on success records the allocation in the register's map. */
export function tryToAllocateBundleToReg(e: IonEnv, bundle: number, preg: number, maxCost: number, s: ProcessScratch): number {
  const B = e.bundles;
  const R = e.ranges;
  const map = e.pregAllocations[preg]!;
  s.conflicts.clear();
  const stamps = (s.conflictStamp = withRoom(s.conflictStamp, B.length));
  const stamp = ++s.stamp;
  let maxConflictWeight = 0;
  let firstConflict = -1;
  const ranges = B.ranges[bundle]!;
  let idx = map.lowerBound(R.from.data[ranges[0]!]!);
  outer: for (const lr of ranges) {
    const from = R.from.data[lr]!;
    const to = R.to.data[lr]!;
    for (;;) {
      // Skip register entries entirely before this range: a few by
      // stepping, more by binary search (never a long linear scan).
      let steps = 0;
      while (idx < map.size && map.to[idx]! <= from) {
        if (++steps > 8) {
          idx = map.lowerBound(from);
          break;
        }
        idx++;
      }
      if (idx >= map.size) break outer;
      if (map.from[idx]! >= to) break;
      const pFrom = map.from[idx]!;
      const plr = map.value[idx]!;
      idx++;
      if (plr !== INVALID) {
        const cb = R.bundle.data[plr]!;
        if (stamps[cb] !== stamp) {
          stamps[cb] = stamp;
          s.conflicts.push(cb);
          maxConflictWeight = Math.max(maxConflictWeight, B.spillWeight(cb));
          if (maxCost >= 0 && maxConflictWeight > maxCost) return RESULT_CONFLICT_HIGH_COST;
        }
        if (firstConflict < 0) firstConflict = Math.max(pFrom, from);
      } else {
        s.cost = maxConflictWeight;
        s.point = pFrom;
        return RESULT_CONFLICT_WITH_FIXED;
      }
    }
  }
  if (s.conflicts.length > 0) {
    s.point = firstConflict;
    return RESULT_CONFLICT;
  }
  B.allocation.data[bundle] = allocReg(preg);
  for (const lr of ranges) map.insert(R.from.data[lr]!, R.to.data[lr]!, lr);
  return RESULT_ALLOCATED;
}

export function evictBundle(e: IonEnv, bundle: number): void {
  const B = e.bundles;
  const R = e.ranges;
  const a = B.allocation.data[bundle]!;
  if (!allocIsReg(a)) return;
  const map = e.pregAllocations[allocPReg(a)]!;
  B.allocation.data[bundle] = 0;
  for (const lr of B.ranges[bundle]!) map.remove(R.from.data[lr]!, R.to.data[lr]!);
  e.queue.insert(bundle, B.prio.data[bundle]!, PREG_INVALID);
}

function recomputeRangeProperties(e: IonEnv, lr: number): void {
  const R = e.ranges;
  const U = e.uses;
  let w = 0;
  const start = R.useStart.data[lr]!;
  const end = R.useEnd.data[lr]!;
  for (let k = start; k < end; k++) w = Math.fround(w + weightFromBits(U.weight.data[R.useAt(k)]!));
  R.setUsesWeight(lr, w);
  if (end > start && operandIsDef(U.operand.data[R.useAt(start)]!)) R.setFlag(lr, LR_STARTS_AT_DEF);
}

function getOrCreateSpillBundle(e: IonEnv, bundle: number, create: boolean): number {
  const B = e.bundles;
  const S = e.spillsets;
  const ss = B.spillset.data[bundle]!;
  const idx = S.spillBundle.data[ss]!;
  if (idx !== INVALID) return idx;
  if (!create) return INVALID;
  const nb = B.add();
  S.spillBundle.data[ss] = nb;
  B.spillset.data[nb] = ss;
  e.spilledBundles.push(nb);
  return nb;
}

/** Adds a live range to `vreg`'s list (kept unsorted until moves sort them). */
function pushVregRange(e: IonEnv, vreg: number, lr: number): void {
  if (vreg !== INVALID) e.vregRanges[vreg]!.push(lr);
}

export function splitAndRequeueBundle(e: IonEnv, bundle: number, splitAt: number, hint: number, trim: boolean): void {
  const B = e.bundles;
  const R = e.ranges;
  const U = e.uses;
  const S = e.spillsets;
  e.stats.splits++;
  const ss = B.spillset.data[bundle]!;
  if (S.splits.data[ss]! >= MAX_SPLITS_PER_SPILLSET) {
    splitIntoMinimalBundles(e, bundle, hint);
    return;
  }
  S.splits.data[ss]!++;
  let ranges = B.ranges[bundle]!;
  const bundleStart = R.from.data[ranges[0]!]!;
  const bundleEnd = R.to.data[ranges[ranges.length - 1]!]!;
  if (pointInst(pointPrev(bundleEnd)) === pointInst(bundleStart)) {
    splitIntoMinimalBundles(e, bundle, hint);
    return;
  }
  if (splitAt === bundleStart) {
    let firstUse = -1;
    for (const lr of ranges) {
      if (R.useCount(lr) > 0) {
        firstUse = U.pos.data[R.useAt(R.useStart.data[lr]!)]!;
        break;
      }
    }
    if (firstUse >= 0) splitAt = pointInst(firstUse) === pointInst(bundleStart) ? pointNextInstStart(firstUse) : pointInstStart(firstUse);
    else splitAt = pointNextInstStart(R.from.data[ranges[0]!]!);
  } else {
    if (pointIsAfter(splitAt)) splitAt = pointNext(splitAt);
    if (splitAt >= bundleEnd) splitAt = pointPrev(pointPrev(splitAt));
  }
  let lastOld = 0;
  let firstNew = 0;
  for (let i = 0; i < ranges.length; i++) {
    const lr = ranges[i]!;
    if (splitAt > R.from.data[lr]!) {
      lastOld = i;
      firstNew = i;
    }
    if (splitAt < R.to.data[lr]!) {
      firstNew = i;
      if (B.fixed(bundle)) {
        for (let k = R.useStart.data[lr]!, end = R.useEnd.data[lr]!; k < end; k++) {
          const u = R.useAt(k);
          const pos = U.pos.data[u]!;
          if (pos < splitAt) continue;
          if (operandConstraintKind(U.operand.data[u]!) === ConstraintKind.FixedReg) {
            splitAt = pointInstStart(pos);
            if (splitAt > R.from.data[lr]!) lastOld = i;
            trim = false;
            break;
          }
        }
      }
      break;
    }
  }
  const newList = ranges.slice(firstNew);
  ranges.length = lastOld + 1;
  if (splitAt > R.from.data[newList[0]!]!) {
    const orig = newList[0]!;
    const nlr = R.add(splitAt, R.to.data[orig]!);
    R.vreg.data[nlr] = R.vreg.data[orig]!;
    // The run of uses splits in two at the first use at or after splitAt.
    const start = R.useStart.data[orig]!;
    const end = R.useEnd.data[orig]!;
    let mid = end;
    for (let k = start; k < end; k++) {
      if (U.pos.data[R.useAt(k)]! >= splitAt) {
        mid = k;
        break;
      }
    }
    R.setUses(nlr, mid, end);
    R.setUses(orig, start, mid);
    recomputeRangeProperties(e, orig);
    recomputeRangeProperties(e, nlr);
    newList[0] = nlr;
    R.to.data[orig] = splitAt;
    pushVregRange(e, R.vreg.data[nlr]!, nlr);
  }
  const newBundle = B.add();
  B.spillset.data[newBundle] = ss;
  for (const lr of newList) R.bundle.data[lr] = newBundle;
  B.ranges[newBundle] = newList;
  ranges = B.ranges[bundle]!;
  if (trim) {
    while (ranges.length > 0) {
      const lr = ranges[ranges.length - 1]!;
      const end = R.to.data[lr]!;
      const vreg = R.vreg.data[lr]!;
      if (R.useCount(lr) === 0) {
        const spill = getOrCreateSpillBundle(e, bundle, true);
        B.ranges[spill]!.push(lr);
        ranges.pop();
        R.bundle.data[lr] = spill;
        continue;
      }
      const lastUse = U.pos.data[R.useAt(R.useEnd.data[lr]! - 1)]!;
      const split = pointNextInstStart(lastUse);
      if (split < end) {
        const spill = getOrCreateSpillBundle(e, bundle, true);
        R.to.data[lr] = split;
        const empty = R.add(split, end);
        B.ranges[spill]!.push(empty);
        R.bundle.data[empty] = spill;
        pushVregRange(e, vreg, empty);
        // The range's vreg is carried by the vreg list only (regalloc2 leaves it unset).
      }
      break;
    }
    const nl = B.ranges[newBundle]!;
    while (nl.length > 0) {
      const lr = nl[0]!;
      if (R.hasFlag(lr, LR_STARTS_AT_DEF)) break;
      const start = R.from.data[lr]!;
      const vreg = R.vreg.data[lr]!;
      if (R.useCount(lr) === 0) {
        const spill = getOrCreateSpillBundle(e, newBundle, true);
        B.ranges[spill]!.push(lr);
        nl.shift();
        R.bundle.data[lr] = spill;
        continue;
      }
      const firstUse = U.pos.data[R.useAt(R.useStart.data[lr]!)]!;
      const split = pointInstStart(firstUse);
      if (split > start) {
        const spill = getOrCreateSpillBundle(e, newBundle, true);
        R.from.data[lr] = split;
        const empty = R.add(start, split);
        B.ranges[spill]!.push(empty);
        R.bundle.data[empty] = spill;
        pushVregRange(e, vreg, empty);
      }
      break;
    }
  }
  if (B.ranges[bundle]!.length > 0) {
    recomputeBundleProperties(e, bundle);
    e.queue.insert(bundle, B.prio.data[bundle]!, hint);
  }
  if (B.ranges[newBundle]!.length > 0) {
    recomputeBundleProperties(e, newBundle);
    e.queue.insert(newBundle, B.prio.data[newBundle]!, hint);
  }
}

export function splitIntoMinimalBundles(e: IonEnv, bundle: number, hint: number): void {
  const B = e.bundles;
  const R = e.ranges;
  const U = e.uses;
  // Removed ranges are marked by their bundle field, then dropped from their vregs' lists.
  const removedVregs: number[] = [];
  const newBundles: number[] = [];
  const ss = B.spillset.data[bundle]!;
  const spill = getOrCreateSpillBundle(e, bundle, true);
  const spillUses: number[] = [];
  const list = B.ranges[bundle]!;
  B.ranges[bundle] = [];
  for (const lr of list) {
    const vreg = R.vreg.data[lr]!;
    R.bundle.data[lr] = REMOVED_RANGE;
    if (vreg !== INVALID && removedVregs[removedVregs.length - 1] !== vreg) removedVregs.push(vreg);
    let spillFrom = R.from.data[lr]!;
    const spillTo = R.to.data[lr]!;
    let spillStartsDef = false;
    const usesEnd = R.useEnd.data[lr]!;
    for (let k = R.useStart.data[lr]!; k < usesEnd; k++) {
      const u = R.useAt(k);
      const op = U.operand.data[u]!;
      const isDef = operandIsDef(op);
      if (operandConstraintKind(op) === ConstraintKind.Any) {
        spillUses.push(u);
        spillStartsDef = spillStartsDef || isDef;
        continue;
      }
      const pos = U.pos.data[u]!;
      if (isDef) spillFrom = pointNextInstStart(pos);
      const nlr = R.add(minimalRangeStart(pos, isDef), minimalRangeEnd(pos, isDef));
      pushVregRange(e, vreg, nlr);
      R.setUses(nlr, k, k + 1); // its one use, in place in the pool
      R.vreg.data[nlr] = vreg;
      const nb = B.add();
      R.bundle.data[nlr] = nb;
      B.spillset.data[nb] = ss;
      B.ranges[nb]!.push(nlr);
      newBundles.push(nb);
      if (isDef) R.setFlag(nlr, LR_STARTS_AT_DEF);
    }
    if (spillFrom < spillTo) {
      const slr = R.add(spillFrom, spillTo);
      R.vreg.data[slr] = vreg;
      R.bundle.data[slr] = spill;
      R.appendUses(slr, spillUses);
      spillUses.length = 0;
      pushVregRange(e, vreg, slr);
      if (spillStartsDef) R.setFlag(slr, LR_STARTS_AT_DEF);
      B.ranges[spill]!.push(slr);
    }
  }
  // Filtering is idempotent, so a vreg listed twice costs time, not correctness.
  for (const v of removedVregs) {
    const ranges = e.vregRanges[v]!;
    let w = 0;
    for (let k = 0; k < ranges.length; k++) if (R.bundle.data[ranges[k]!] !== REMOVED_RANGE) ranges[w++] = ranges[k]!;
    ranges.length = w;
  }
  for (const nb of newBundles) {
    if (B.ranges[nb]!.length > 0) {
      recomputeBundleProperties(e, nb);
      e.queue.insert(nb, B.prio.data[nb]!, hint);
    }
  }
}

export function processBundle(e: IonEnv, bundle: number, hintIn: number, s: ProcessScratch): void {
  const B = e.bundles;
  const R = e.ranges;
  const S = e.spillsets;
  const cfg = e.cfg;
  const ss = B.spillset.data[bundle]!;
  const cls = S.cls.data[ss]! as RegClass;
  let hint = hintIn !== PREG_INVALID ? hintIn : S.hint.data[ss]!;
  if (e.pregIsStack[hint]) hint = PREG_INVALID;
  const rq = computeRequirement(e, bundle, s.req);
  if (!rq.ok) {
    splitAndRequeueBundle(e, bundle, rq.conflictPoint, hint, rq.conflictKind === CONFLICT_OTHER);
    return;
  }
  const req = rq.req;
  const kind = reqKind(req);
  if (kind === REQ_ANY) {
    const spill = getOrCreateSpillBundle(e, bundle, false);
    if (spill !== INVALID) {
      const list = B.ranges[bundle]!;
      B.ranges[bundle] = [];
      for (const lr of list) R.bundle.data[lr] = spill;
      B.ranges[spill]!.push(...list);
      return;
    }
  }
  let attempts = 0;
  const evictSet = s.lowestEvictSet;
  for (;;) {
    attempts++;
    let fixed = PREG_INVALID;
    if (kind === REQ_FIXED_REG || kind === REQ_FIXED_STACK) fixed = reqPayload(req);
    else if (kind === REQ_STACK) {
      S.required.data[ss] = 1;
      return;
    } else if (kind === REQ_ANY) {
      e.spilledBundles.push(bundle);
      break;
    }
    let evictCost = -1;
    evictSet.clear();
    let splitCost = -1;
    let splitPoint = 0;
    let splitReg = PREG_INVALID;
    const scanOffset = pointInst(R.from.data[B.ranges[bundle]![0]!]!) + bundle;
    e.stats.process_bundle_reg_probe_start_any++;
    const limit = B.limit.data[bundle]!;
    const it = s.traversal.init(e.env, cls, fixed, hint, scanOffset, limit === INVALID ? -1 : limit);
    let allocated = false;
    for (let preg = it.next(); preg >= 0; preg = it.next()) {
      e.stats.process_bundle_reg_probes_any++;
      const scanLimit = evictCost >= 0 && splitCost >= 0 ? Math.max(evictCost, splitCost) : -1;
      const r = tryToAllocateBundleToReg(e, bundle, preg, scanLimit, s);
      if (r === RESULT_ALLOCATED) {
        e.stats.process_bundle_reg_success_any++;
        S.hint.data[ss] = preg;
        allocated = true;
        break;
      } else if (r === RESULT_CONFLICT) {
        let conflictCost = 0;
        const conflicts = s.conflicts;
        for (let k = 0; k < conflicts.length; k++) conflictCost = Math.max(conflictCost, B.spillWeight(conflicts.data[k]!));
        if (evictCost < 0 || conflictCost < evictCost) {
          evictCost = conflictCost;
          evictSet.clear();
          for (let k = 0; k < conflicts.length; k++) evictSet.push(conflicts.data[k]!);
        }
        const total = conflictCost + moveCostAt(e, s.point);
        if (splitCost < 0 || total < splitCost) {
          splitCost = total;
          splitPoint = s.point;
          splitReg = preg;
        }
      } else if (r === RESULT_CONFLICT_WITH_FIXED) {
        const total = s.cost + moveCostAt(e, s.point);
        if (splitCost < 0 || total < splitCost) {
          splitCost = total;
          splitPoint = s.point;
          splitReg = preg;
        }
      }
    }
    if (allocated) break;
    const ourWeight = B.spillWeight(bundle);
    if (B.minimal(bundle) && (attempts >= 2 || evictCost < 0 || evictCost >= ourWeight)) {
      if (kind === REQ_REGISTER || kind === REQ_LIMIT) {
        const first = B.ranges[bundle]![0]!;
        const rf = R.from.data[first]!;
        const rt = R.to.data[first]!;
        let minAssigned = 0;
        let fixedAssigned = 0;
        let total = 0;
        for (const set of [e.env.preferredRegsByClass[cls]!, e.env.nonPreferredRegsByClass[cls]!]) {
          for (const p of set.toArray()) {
            const map = e.pregAllocations[p]!;
            for (let i = map.lowerBound(rf - 1); i < map.size; i++) {
              if (map.to[i]! <= rf) continue;
              if (map.from[i]! >= rt) break;
              const lr = map.value[i]!;
              if (lr !== INVALID) {
                if (B.minimal(R.bundle.data[lr]!)) minAssigned++;
              } else fixedAssigned++;
            }
            if (kind === REQ_LIMIT && !pregBelowLimit(p, reqPayload(req))) continue;
            total++;
          }
        }
        if (minAssigned + fixedAssigned >= total) {
          throw new RegAllocError('TooManyLiveRegs', `too many values need a register at ${pointInst(rf)}`, { inst: pointInst(rf) });
        }
      }
      throw new RegAllocError('TooManyLiveRegs', `could not allocate a minimal bundle at inst ${pointInst(R.from.data[B.ranges[bundle]![0]!]!)}`, {
        inst: pointInst(R.from.data[B.ranges[bundle]![0]!]!),
      });
    }
    if (!B.minimal(bundle) && (attempts >= 2 || evictCost < 0 || ourWeight <= evictCost)) {
      const bundleStart = R.from.data[B.ranges[bundle]![0]!]!;
      let splitAt = Math.max(splitPoint, bundleStart);
      const startBlock = cfg.insnBlock[pointInst(bundleStart)]!;
      const splitBlock = cfg.insnBlock[pointInst(splitAt)]!;
      const startDepth = cfg.approxLoopDepth[startBlock]!;
      if (cfg.approxLoopDepth[splitBlock]! > startDepth) {
        for (let b = startBlock + 1; b <= splitBlock; b++) {
          if (cfg.approxLoopDepth[b]! > startDepth) {
            splitAt = cfg.blockEntry[b]!;
            break;
          }
        }
      }
      splitAndRequeueBundle(e, bundle, splitAt, splitReg, true);
      break;
    } else {
      e.stats.evict_bundle_event++;
      for (let k = 0; k < evictSet.length; k++) {
        evictBundle(e, evictSet.data[k]!);
        e.stats.evict_bundle_count++;
      }
    }
  }
}

export function processBundles(e: IonEnv): void {
  const s = e.processScratch;
  const next: [number, number] = [0, 0];
  while (e.queue.pop(next)) {
    e.stats.process_bundle_count++;
    processBundle(e, next[0], next[1], s);
  }
  e.stats.final_liverange_count = e.ranges.length;
  e.stats.final_bundle_count = e.bundles.length;
  e.stats.spill_bundle_count = e.spilledBundles.length;
  void REQ_STACK;
}
