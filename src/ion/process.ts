// The main allocation loop (regalloc2's process.rs): bundles are taken from
// the priority queue; each is tried against registers in traversal order
// over the per-register range maps; on conflicts the cheapest choice wins
// among evicting lighter bundles and splitting this one (where the
// requirement conflict or the first interference suggests).

import { allocIsReg, allocReg, pointInst, type ProgPoint } from '../model/allocation.js';
import { allocPReg, pointInstStart, pointIsAfter, pointNext, pointNextInstStart, pointPrev, pregBelowLimit } from '../model/location.js';
import { RegAllocError } from '../model/errors.js';
import { ConstraintKind, operandConstraintKind, operandIsDef } from '../model/operand.js';
import { type PReg, PREG_INVALID, type RegClass } from '../model/regs.js';
import { type BundleId, NO_ID, type RangeId, type UseId, type VRegIndex } from './ids.js';
import { MAX_SPLITS_PER_SPILLSET } from './bundles.js';
import { f32ToU32, IntColumn, INVALID, LR_STARTS_AT_DEF, lowerBoundIn, RangeCursor, spillWeightFromConstraint, weightFromBits } from './data.js';
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
import { clearArray } from '../util/arrays.js';

/** Bundle field of a range dropped by splitIntoMinimalBundles, until its vreg's list is filtered. */
const REMOVED_RANGE = -2;

// What tryToAllocateBundleToReg found (regalloc2's AllocRegResult).
export const RESULT_ALLOCATED = 0;
const RESULT_CONFLICT = 1;
const RESULT_CONFLICT_WITH_FIXED = 2;
const RESULT_CONFLICT_HIGH_COST = 3;
type AllocationResult = 0 | 1 | 2 | 3;

/** Scratch state for the allocation loop, reused across bundles. */
export class ProcessScratch {
  /** Bundles in conflict with the last probe, each once. */
  conflicts = new IntColumn();
  /** conflictStamp[bundle] === stamp: already in `conflicts` (no Set to clear). */
  conflictStamp = new Int32Array(4);
  stamp = 0;
  lowestEvictSet = new IntColumn();
  traversal = new RegTraversal();
  /** Walks a register's allocation map. */
  cursor = new RangeCursor();
  req: RequirementResult = { ok: true, req: 0, conflictKind: 0, conflictPoint: 0 };
  /** Set by tryToAllocate: the first conflict point or the fixed conflict's cost. */
  point = 0;
  cost = 0;
}


function moveCostAt(ion: IonEnv, point: ProgPoint): number {
  const depth = ion.cfg.approxLoopDepth[ion.cfg.insnBlock[pointInst(point)]!]!;
  return f32ToU32(spillWeightFromConstraint('reg', depth, true));
}

/** Tries `bundle` in `preg`; on success records the allocation in the register's map. */
export function tryToAllocateBundleToReg(ion: IonEnv, bundle: BundleId, preg: PReg, maxCost: number, scratch: ProcessScratch): AllocationResult {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const map = ion.pregAllocations[preg]!;
  scratch.conflicts.clear();
  const stamps = (scratch.conflictStamp = withRoom(scratch.conflictStamp, bundles.length));
  const stamp = ++scratch.stamp;
  let maxConflictWeight = 0;
  let firstConflict = -1;
  const bundleRanges = bundles.ranges[bundle]!;
  const rangeFrom = ranges.from.data;
  const rangeTo = ranges.to.data;
  const rangeBundle = ranges.bundle.data;
  // The register map's cursor, held in locals (chunk number, its arrays and
  // size, entry index) so the probe loop reads no object fields.
  //
  // Every (re)positioning goes through the one `seek` block at the top of
  // the loop, the first one included: the rare cases (stepping into the
  // next chunk, re-seeking after many skips) only set two locals and go
  // round. V8's optimized code therefore meets no code it has not run
  // before when a register first holds more than one chunk, which used to
  // throw this function's optimized code away in mid-module.
  const chunks = map.chunks;
  const lastChunk = map.numChunks - 1;
  let seek = true;
  let seekPoint = rangeFrom[bundleRanges[0]!]!;
  let chunkIndex = 0;
  let chunkFrom = chunks[0]!.from;
  let chunkTo = chunks[0]!.to;
  let chunkValue = chunks[0]!.value;
  let chunkSize = 0;
  let index = 0;
  /** The end of the last entry looked at: where the next chunk's entries begin to end. */
  let lastTo = 0;
  outer: for (let k = 0; k < bundleRanges.length; k++) {
    const lr = bundleRanges[k]!;
    const from = rangeFrom[lr]!;
    const to = rangeTo[lr]!;
    let steps = 0;
    for (;;) {
      if (seek) {
        seek = false;
        steps = 0;
        chunkIndex = map.chunkAfter(seekPoint);
        const chunk = chunks[chunkIndex]!;
        chunkFrom = chunk.from;
        chunkTo = chunk.to;
        chunkValue = chunk.value;
        chunkSize = chunk.size;
        index = lowerBoundIn(chunk, seekPoint);
      }
      if (index >= chunkSize) {
        // Past this chunk's last entry (whose end is lastTo): the next
        // chunk's entries all end after it, so seeking there lands on its first.
        if (chunkIndex < lastChunk) {
          seekPoint = lastTo;
          seek = true;
          continue;
        }
        break outer;
      }
      const entryTo = chunkTo[index]!;
      lastTo = entryTo;
      if (entryTo <= from) {
        // Entirely before this range: a few such entries are stepped over,
        // more trigger a binary search (never a long linear scan; regalloc2
        // likewise re-seeks its BTree after 16 skips).
        index++;
        if (++steps > 8) {
          seekPoint = from;
          seek = true;
        }
        continue;
      }
      const pregRangeFrom = chunkFrom[index]!;
      if (pregRangeFrom >= to) break;
      steps = 0;
      const pregRange = chunkValue[index++]! as RangeId;
      if (pregRange !== INVALID) {
        const conflictBundle = rangeBundle[pregRange]!;
        if (stamps[conflictBundle] !== stamp) {
          stamps[conflictBundle] = stamp;
          scratch.conflicts.push(conflictBundle);
          maxConflictWeight = Math.max(maxConflictWeight, bundles.spillWeight(conflictBundle as BundleId));
          // Already dearer than the best evict or split found: this
          // register cannot win, stop probing it (regalloc2's ConflictHighCost).
          if (maxCost >= 0 && maxConflictWeight > maxCost) return RESULT_CONFLICT_HIGH_COST;
        }
        // The first point both occupy: where a split would free this register.
        if (firstConflict < 0) firstConflict = Math.max(pregRangeFrom, from);
      } else {
        // A fixed reservation (a clobber or fixed use) cannot be evicted:
        // report it at once, with the cost of what conflicted before it.
        scratch.cost = maxConflictWeight;
        scratch.point = pregRangeFrom;
        return RESULT_CONFLICT_WITH_FIXED;
      }
    }
  }
  if (scratch.conflicts.length > 0) {
    scratch.point = firstConflict;
    return RESULT_CONFLICT;
  }
  bundles.allocation.data[bundle] = allocReg(preg);
  if (map.size === 0) ion.pregsWithRanges.push(preg);
  for (let k = 0; k < bundleRanges.length; k++) {
    const lr = bundleRanges[k]!;
    map.insert(rangeFrom[lr]!, rangeTo[lr]!, lr);
  }
  return RESULT_ALLOCATED;
}

/** Takes `bundle` out of its register and queues it again, without a hint. */
export function evictBundle(ion: IonEnv, bundle: BundleId): void {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const a = bundles.allocation.data[bundle]!;
  if (!allocIsReg(a)) return;
  const map = ion.pregAllocations[allocPReg(a)]!;
  bundles.allocation.data[bundle] = 0;
  for (const lr of bundles.ranges[bundle]!) map.remove(ranges.from.data[lr]!, ranges.to.data[lr]!);
  ion.queue.insert(bundle, bundles.prio.data[bundle]!, PREG_INVALID);
}

function recomputeRangeProperties(ion: IonEnv, lr: RangeId): void {
  const ranges = ion.ranges;
  const uses = ion.uses;
  let w = 0;
  const start = ranges.useStart.data[lr]!;
  const end = ranges.useEnd.data[lr]!;
  for (let k = start; k < end; k++) w = Math.fround(w + weightFromBits(uses.weight.data[ranges.useAt(k)]!));
  ranges.setUsesWeight(lr, w);
  if (end > start && operandIsDef(uses.operand.data[ranges.useAt(start)]!)) ranges.setFlag(lr, LR_STARTS_AT_DEF);
}

function getOrCreateSpillBundle(ion: IonEnv, bundle: BundleId, create: boolean): BundleId {
  const bundles = ion.bundles;
  const spillsets = ion.spillsets;
  const spillset = bundles.spillset.data[bundle]!;
  const existing = spillsets.spillBundle.data[spillset]! as BundleId;
  if (existing !== NO_ID) return existing;
  if (!create) return NO_ID as BundleId;
  const spillBundle = bundles.add();
  spillsets.spillBundle.data[spillset] = spillBundle;
  bundles.spillset.data[spillBundle] = spillset;
  ion.spilledBundles.push(spillBundle);
  return spillBundle;
}

/** Adds a live range to its vreg's list (kept unsorted until moves sort them). */
function pushVregRange(ion: IonEnv, vregIdx: VRegIndex, lr: RangeId): void {
  if (vregIdx === NO_ID) return;
  const list = ion.vregRanges[vregIdx]!;
  if (list.length !== 0) list.push(lr);
  else {
    ion.vregsWithRanges.push(vregIdx);
    ion.vregRanges[vregIdx] = [lr]; // sized for one, as in addLiverangeToVreg
  }
}

/**
 * Splits `bundle` at `splitAt` (adjusted to an instruction boundary) into
 * two bundles of the same spill set, trims their new ends into the spill
 * bundle when `trim`, and queues both with `hint` (regalloc2's
 * `split_and_requeue_bundle`).
 */
export function splitAndRequeueBundle(ion: IonEnv, bundle: BundleId, splitAt: ProgPoint, hint: PReg, trim: boolean): void {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const uses = ion.uses;
  const spillsets = ion.spillsets;
  ion.stats.splits++;
  const spillset = bundles.spillset.data[bundle]!;
  // regalloc2 bounds the splits of one spill set; past the bound, minimal
  // bundles (which never split again) guarantee the loop ends.
  if (spillsets.splits.data[spillset]! >= MAX_SPLITS_PER_SPILLSET) {
    splitIntoMinimalBundles(ion, bundle, hint);
    return;
  }
  spillsets.splits.data[spillset]!++;
  let bundleRanges = bundles.ranges[bundle]!;
  const bundleStart = ranges.from.data[bundleRanges[0]!]!;
  const bundleEnd = ranges.to.data[bundleRanges[bundleRanges.length - 1]!]!;
  // A bundle within one instruction cannot be split by this logic: no move
  // can go between an instruction's uses and its defs. Minimal bundles instead.
  if (pointInst(pointPrev(bundleEnd)) === pointInst(bundleStart)) {
    splitIntoMinimalBundles(ion, bundle, hint);
    return;
  }
  if (splitAt === bundleStart) {
    // A split at the start peels off the first use: cut just after its
    // instruction, or just before it when it comes later than the start
    // (no use: just after the first instruction).
    let firstUse = -1;
    for (const lr of bundleRanges) {
      if (ranges.useCount(lr) > 0) {
        firstUse = uses.pos.data[ranges.useAt(ranges.useStart.data[lr]!)]!;
        break;
      }
    }
    if (firstUse >= 0) splitAt = pointInst(firstUse) === pointInst(bundleStart) ? pointNextInstStart(firstUse) : pointInstStart(firstUse);
    else splitAt = pointNextInstStart(ranges.from.data[bundleRanges[0]!]!);
  } else {
    // Never split in the middle of an instruction (a move cannot go between
    // its uses and defs): round up to the next instruction, or back one
    // instruction when that passes the bundle's end.
    if (pointIsAfter(splitAt)) splitAt = pointNext(splitAt);
    if (splitAt >= bundleEnd) splitAt = pointPrev(pointPrev(splitAt));
  }
  let lastOld = 0;
  let firstNew = 0;
  for (let i = 0; i < bundleRanges.length; i++) {
    const lr = bundleRanges[i]!;
    if (splitAt > ranges.from.data[lr]!) {
      lastOld = i;
      firstNew = i;
    }
    if (splitAt < ranges.to.data[lr]!) {
      firstNew = i;
      // With a fixed-register use in the bundle, regalloc2 moves the split
      // to just before the first instruction with a fixed use at or after
      // it, and keeps the ends untrimmed.
      if (bundles.fixed(bundle)) {
        for (let k = ranges.useStart.data[lr]!, end = ranges.useEnd.data[lr]!; k < end; k++) {
          const u = ranges.useAt(k);
          const pos = uses.pos.data[u]!;
          if (pos < splitAt) continue;
          if (operandConstraintKind(uses.operand.data[u]!) === ConstraintKind.FixedReg) {
            splitAt = pointInstStart(pos);
            if (splitAt > ranges.from.data[lr]!) lastOld = i;
            trim = false;
            break;
          }
        }
      }
      break;
    }
  }
  const newList = bundleRanges.slice(firstNew);
  bundleRanges.length = lastOld + 1;
  if (splitAt > ranges.from.data[newList[0]!]!) {
    const orig = newList[0]!;
    const newRange = ranges.add(splitAt, ranges.to.data[orig]!);
    ranges.vregIndex.data[newRange] = ranges.vregIndex.data[orig]!;
    // The run of uses splits in two at the first use at or after splitAt.
    const start = ranges.useStart.data[orig]!;
    const end = ranges.useEnd.data[orig]!;
    let mid = end;
    for (let k = start; k < end; k++) {
      if (uses.pos.data[ranges.useAt(k)]! >= splitAt) {
        mid = k;
        break;
      }
    }
    ranges.setUses(newRange, mid, end);
    ranges.setUses(orig, start, mid);
    recomputeRangeProperties(ion, orig);
    recomputeRangeProperties(ion, newRange);
    newList[0] = newRange;
    ranges.to.data[orig] = splitAt;
    pushVregRange(ion, ranges.vregOf(newRange), newRange);
  }
  const newBundle = bundles.add();
  bundles.spillset.data[newBundle] = spillset;
  for (const lr of newList) ranges.bundle.data[lr] = newBundle;
  bundles.ranges[newBundle] = newList;
  bundleRanges = bundles.ranges[bundle]!;
  if (trim) {
    trimIntoSpillBundle(ion, bundle, TRIM_END);
    trimIntoSpillBundle(ion, newBundle, TRIM_START);
  }
  if (bundles.ranges[bundle]!.length > 0) {
    recomputeBundleProperties(ion, bundle);
    ion.queue.insert(bundle, bundles.prio.data[bundle]!, hint);
  }
  if (bundles.ranges[newBundle]!.length > 0) {
    recomputeBundleProperties(ion, newBundle);
    ion.queue.insert(newBundle, bundles.prio.data[newBundle]!, hint);
  }
}

const TRIM_END = false;
const TRIM_START = true;

/**
 * regalloc2's trim of a split's two new ends (`trim_ends_into_spill_bundle`):
 * the stretch of `bundle` beyond its last use (at its end) or before its
 * first use (at its start) goes to the spill bundle, so the register is held
 * only where a use needs it. Whole ranges without uses move; the range with
 * the use is cut at the instruction boundary next to it. At the start, a
 * range that begins at its vreg's def is kept (the def is an implicit first
 * use, even without a def Use).
 */
function trimIntoSpillBundle(ion: IonEnv, bundle: BundleId, atStart: boolean): void {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const uses = ion.uses;
  const list = bundles.ranges[bundle]!;
  while (list.length > 0) {
    const lr = atStart ? list[0]! : list[list.length - 1]!;
    if (atStart && ranges.hasFlag(lr, LR_STARTS_AT_DEF)) break;
    const from = ranges.from.data[lr]!;
    const to = ranges.to.data[lr]!;
    if (ranges.useCount(lr) === 0) {
      const spill = getOrCreateSpillBundle(ion, bundle, true);
      bundles.ranges[spill]!.push(lr);
      if (atStart) list.shift();
      else list.pop();
      ranges.bundle.data[lr] = spill;
      continue;
    }
    // Cut before the first use's instruction, or after the last use's.
    const split = atStart
      ? pointInstStart(uses.pos.data[ranges.useAt(ranges.useStart.data[lr]!)]!)
      : pointNextInstStart(uses.pos.data[ranges.useAt(ranges.useEnd.data[lr]! - 1)]!);
    if (atStart ? split > from : split < to) {
      const spill = getOrCreateSpillBundle(ion, bundle, true);
      if (atStart) ranges.from.data[lr] = split;
      else ranges.to.data[lr] = split;
      const empty = atStart ? ranges.add(from, split) : ranges.add(split, to);
      bundles.ranges[spill]!.push(empty);
      ranges.bundle.data[empty] = spill;
      // The empty range's vreg is carried by the vreg list only (regalloc2 leaves it unset).
      pushVregRange(ion, ranges.vregOf(lr), empty);
    }
    break;
  }
}

/**
 * The last resort: one minimal bundle per use that needs a register or a
 * fixed location, everything else (the stretches between, and `any` uses)
 * in the spill bundle (regalloc2's `split_into_minimal_bundles`).
 */
export function splitIntoMinimalBundles(ion: IonEnv, bundle: BundleId, hint: PReg): void {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const uses = ion.uses;
  // Removed ranges are marked by their bundle field, then dropped from their vregs' lists.
  const removedVregs: number[] = [];
  const newBundles: BundleId[] = [];
  const spillset = bundles.spillset.data[bundle]!;
  const spill = getOrCreateSpillBundle(ion, bundle, true);
  const spillUses: UseId[] = [];
  const list = bundles.ranges[bundle]!;
  bundles.ranges[bundle] = [];
  for (const lr of list) {
    const vreg = ranges.vregOf(lr);
    ranges.bundle.data[lr] = REMOVED_RANGE;
    if (vreg !== INVALID && removedVregs[removedVregs.length - 1] !== vreg) removedVregs.push(vreg);
    let spillFrom = ranges.from.data[lr]!;
    const spillTo = ranges.to.data[lr]!;
    let spillStartsDef = false;
    const usesEnd = ranges.useEnd.data[lr]!;
    for (let k = ranges.useStart.data[lr]!; k < usesEnd; k++) {
      const u = ranges.useAt(k);
      const op = uses.operand.data[u]!;
      const isDef = operandIsDef(op);
      // An `any` use stays in the spill range (regalloc2: a minimal bundle for
      // it would only add conflicts with bundles that need a register).
      if (operandConstraintKind(op) === ConstraintKind.Any) {
        spillUses.push(u);
        spillStartsDef = spillStartsDef || isDef;
        continue;
      }
      const pos = uses.pos.data[u]!;
      // A def's value exists only after it: the spill range starts at the next instruction.
      if (isDef) spillFrom = pointNextInstStart(pos);
      const newRange = ranges.add(minimalRangeStart(pos, isDef), minimalRangeEnd(pos, isDef));
      pushVregRange(ion, vreg, newRange);
      ranges.setUses(newRange, k, k + 1); // its one use, in place in the pool
      ranges.vregIndex.data[newRange] = vreg;
      const minimalBundle = bundles.add();
      ranges.bundle.data[newRange] = minimalBundle;
      bundles.spillset.data[minimalBundle] = spillset;
      bundles.ranges[minimalBundle]!.push(newRange);
      newBundles.push(minimalBundle);
      if (isDef) ranges.setFlag(newRange, LR_STARTS_AT_DEF);
    }
    if (spillFrom < spillTo) {
      const spillRange = ranges.add(spillFrom, spillTo);
      ranges.vregIndex.data[spillRange] = vreg;
      ranges.bundle.data[spillRange] = spill;
      ranges.appendUses(spillRange, spillUses);
      clearArray(spillUses);
      pushVregRange(ion, vreg, spillRange);
      if (spillStartsDef) ranges.setFlag(spillRange, LR_STARTS_AT_DEF);
      bundles.ranges[spill]!.push(spillRange);
    }
  }
  // Filtering is idempotent, so a vreg listed twice costs time, not correctness.
  for (const v of removedVregs) {
    const bundleRanges = ion.vregRanges[v]!;
    let w = 0;
    for (let k = 0; k < bundleRanges.length; k++) if (ranges.bundle.data[bundleRanges[k]!] !== REMOVED_RANGE) bundleRanges[w++] = bundleRanges[k]!;
    bundleRanges.length = w;
  }
  for (const minimalBundle of newBundles) {
    if (bundles.ranges[minimalBundle]!.length > 0) {
      recomputeBundleProperties(ion, minimalBundle);
      ion.queue.insert(minimalBundle, bundles.prio.data[minimalBundle]!, hint);
    }
  }
}

/** Allocates, evicts for, splits or spills one bundle from the queue (regalloc2's `process_bundle`). */
export function processBundle(ion: IonEnv, bundle: BundleId, hintIn: PReg, scratch: ProcessScratch): void {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const spillsets = ion.spillsets;
  const cfg = ion.cfg;
  const spillset = bundles.spillset.data[bundle]!;
  const cls = spillsets.cls.data[spillset]! as RegClass;
  // The queue's hint, else the spill set's (the register its last bundle got).
  // A fixed stack slot is no register to aim for.
  let hint = hintIn !== PREG_INVALID ? hintIn : spillsets.hint.data[spillset]!;
  if (ion.pregIsStack[hint]) hint = PREG_INVALID;
  const requirement = computeRequirement(ion, bundle, scratch.req);
  if (!requirement.ok) {
    // Uses that no single location satisfies: split at once where the
    // conflict lies, trimming the ends only for a conflict between registers.
    splitAndRequeueBundle(ion, bundle, requirement.conflictPoint, hint, requirement.conflictKind === CONFLICT_OTHER);
    return;
  }
  const req = requirement.req;
  const kind = reqKind(req);
  if (kind === REQ_ANY) {
    // No use needs a register: if the spill set already has a spill bundle,
    // the ranges join it rather than take a register.
    const spill = getOrCreateSpillBundle(ion, bundle, false);
    if (spill !== INVALID) {
      const list = bundles.ranges[bundle]!;
      bundles.ranges[bundle] = [];
      for (const lr of list) ranges.bundle.data[lr] = spill;
      bundles.ranges[spill]!.push(...list);
      return;
    }
  }
  let attempts = 0;
  const evictSet = scratch.lowestEvictSet;
  for (;;) {
    attempts++;
    let fixed = PREG_INVALID;
    if (kind === REQ_FIXED_REG || kind === REQ_FIXED_STACK) fixed = reqPayload(req);
    else if (kind === REQ_STACK) {
      spillsets.required.data[spillset] = 1;
      return;
    } else if (kind === REQ_ANY) {
      ion.spilledBundles.push(bundle);
      break;
    }
    let evictCost = -1;
    evictSet.clear();
    let splitCost = -1;
    let splitPoint = 0;
    let splitReg = PREG_INVALID;
    // Start the register scan at an offset that depends on both the code
    // position and the bundle (regalloc2's heuristic): bundles spread over
    // the registers instead of all contending for the first ones.
    const scanOffset = pointInst(ranges.from.data[bundles.ranges[bundle]![0]!]!) + bundle;
    ion.stats.process_bundle_reg_probe_start_any++;
    const limit = bundles.limit.data[bundle]!;
    const traversal = scratch.traversal.init(cls, fixed, hint, scanOffset, limit === INVALID ? -1 : limit);
    let allocated = false;
    for (let preg = traversal.next(); preg >= 0; preg = traversal.next()) {
      ion.stats.process_bundle_reg_probes_any++;
      // Once both an evict and a split option are known, a register whose
      // conflicts cost more than both cannot be chosen: its probe may stop early.
      const scanLimit = evictCost >= 0 && splitCost >= 0 ? Math.max(evictCost, splitCost) : -1;
      const r = tryToAllocateBundleToReg(ion, bundle, preg, scanLimit, scratch);
      if (r === RESULT_ALLOCATED) {
        ion.stats.process_bundle_reg_success_any++;
        spillsets.hint.data[spillset] = preg;
        allocated = true;
        break;
      } else if (r === RESULT_CONFLICT) {
        let conflictCost = 0;
        const conflicts = scratch.conflicts;
        for (let k = 0; k < conflicts.length; k++) conflictCost = Math.max(conflictCost, bundles.spillWeight(conflicts.data[k]!));
        if (evictCost < 0 || conflictCost < evictCost) {
          evictCost = conflictCost;
          evictSet.clear();
          for (let k = 0; k < conflicts.length; k++) evictSet.push(conflicts.data[k]!);
        }
        // Splitting here costs the conflicts left in this register plus a
        // move at the split point (dearer in loops).
        const total = conflictCost + moveCostAt(ion, scratch.point);
        if (splitCost < 0 || total < splitCost) {
          splitCost = total;
          splitPoint = scratch.point;
          splitReg = preg;
        }
      } else if (r === RESULT_CONFLICT_WITH_FIXED) {
        const total = scratch.cost + moveCostAt(ion, scratch.point);
        if (splitCost < 0 || total < splitCost) {
          splitCost = total;
          splitPoint = scratch.point;
          splitReg = preg;
        }
      }
    }
    if (allocated) break;
    const ourWeight = bundles.spillWeight(bundle);
    // A minimal bundle cannot be split; if it cannot evict either, the
    // instruction needs more registers than exist. regalloc2 tells this
    // TooManyLiveRegs apart from an internal failure by counting the
    // registers held by minimal or fixed ranges at the bundle's start.
    if (bundles.minimal(bundle) && (attempts >= 2 || evictCost < 0 || evictCost >= ourWeight)) {
      if (kind === REQ_REGISTER || kind === REQ_LIMIT) {
        const first = bundles.ranges[bundle]![0]!;
        const rf = ranges.from.data[first]!;
        const rt = ranges.to.data[first]!;
        let minAssigned = 0;
        let fixedAssigned = 0;
        let total = 0;
        for (const set of [ion.env.preferredRegsByClass[cls]!, ion.env.nonPreferredRegsByClass[cls]!]) {
          for (const p of set.toArray()) {
            const map = ion.pregAllocations[p]!;
            const cur = scratch.cursor;
            for (map.seek(rf - 1, cur); map.valid(cur); map.next(cur)) {
              if (cur.chunk.to[cur.index]! <= rf) continue;
              if (cur.chunk.from[cur.index]! >= rt) break;
              const lr = cur.chunk.value[cur.index]!;
              if (lr !== INVALID) {
                if (bundles.minimal(ranges.bundle.data[lr]!)) minAssigned++;
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
      throw new RegAllocError('TooManyLiveRegs', `could not allocate a minimal bundle at inst ${pointInst(ranges.from.data[bundles.ranges[bundle]![0]!]!)}`, {
        inst: pointInst(ranges.from.data[bundles.ranges[bundle]![0]!]!),
      });
    }
    // Split when our weight is at most the cheapest eviction's, on a second
    // attempt, or when only fixed reservations conflict; else evict and
    // retry. The "equal" is regalloc2's rule against an endless loop: two
    // bundles of equal weight would otherwise evict each other forever (the
    // first one in keeps the register, the other splits).
    if (!bundles.minimal(bundle) && (attempts >= 2 || evictCost < 0 || ourWeight <= evictCost)) {
      const bundleStart = ranges.from.data[bundles.ranges[bundle]![0]!]!;
      let splitAt = Math.max(splitPoint, bundleStart);
      const startBlock = cfg.insnBlock[pointInst(bundleStart)]!;
      const splitBlock = cfg.insnBlock[pointInst(splitAt)]!;
      splitAt = splitOutsideLoops(cfg.approxLoopDepth, cfg.blockEntry, startBlock, splitBlock, splitAt);
      splitAndRequeueBundle(ion, bundle, splitAt, splitReg, true);
      break;
    } else {
      ion.stats.evict_bundle_event++;
      for (let k = 0; k < evictSet.length; k++) {
        evictBundle(ion, evictSet.data[k]! as BundleId);
        ion.stats.evict_bundle_count++;
      }
    }
  }
}

/**
 * Where to split a bundle that starts in `startBlock` at `splitAt` (in
 * `splitBlock`): a split point inside a deeper loop than the bundle's start
 * moves back to the first loop header on the way, so that the move the split
 * needs runs once on loop entry, not on every iteration.
 */
function splitOutsideLoops(depth: Uint32Array, blockEntry: Uint32Array, startBlock: number, splitBlock: number, splitAt: number): number {
  const startDepth = depth[startBlock]!;
  if (depth[splitBlock]! > startDepth) {
    for (let b = startBlock + 1; b <= splitBlock; b++) {
      if (depth[b]! > startDepth) return blockEntry[b]!;
    }
  }
  return splitAt;
}

/** Runs `splitOutsideLoops`'s rarely taken branch, so that it has type feedback (see `primeIonFeedback`). */
export function primeSplitOutsideLoops(calls: number): void {
  const depth = Uint32Array.of(0, 0, 1);
  const entry = Uint32Array.of(0, 2, 4);
  for (let k = 0; k < calls; k++) {
    splitOutsideLoops(depth, entry, 0, 2, 5);
    splitOutsideLoops(depth, entry, 0, 1, 3);
  }
}

/** The allocation loop: bundles in priority order until the queue is empty. */
export function processBundles(ion: IonEnv): void {
  const scratch = ion.processScratch;
  const next: [number, number] = [0, 0];
  while (ion.queue.pop(next)) {
    ion.stats.process_bundle_count++;
    processBundle(ion, next[0] as BundleId, next[1], scratch);
  }
  ion.stats.final_liverange_count = ion.ranges.length;
  ion.stats.final_bundle_count = ion.bundles.length;
  ion.stats.spill_bundle_count = ion.spilledBundles.length;
}
