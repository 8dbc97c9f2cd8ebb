// Bundle merging (regalloc2's merge.rs): one bundle per vreg, then bundles
// joined across reused inputs and block-param edges when their ranges do not
// overlap and their requirements agree; then every bundle is queued.

import { ConstraintKind, operandConstraintKind, operandIsDef, operandLimit, operandReuseIndex, operandVReg } from '../model/operand.js';
import { pointInst, type ProgPoint } from '../model/allocation.js';
import type { BundleId } from './ids.js';
import { pointInstStart, pointIsAfter, pointNext, pointNextInstStart } from '../model/location.js';
import { PREG_INVALID, type RegClass, vregIndex } from '../model/regs.js';
import {
  BUNDLE_MAX_NORMAL_SPILL_WEIGHT,
  MINIMAL_BUNDLE_SPILL_WEIGHT,
  MINIMAL_FIXED_BUNDLE_SPILL_WEIGHT,
  MINIMAL_LIMITED_BUNDLE_SPILL_WEIGHT,
} from './bundles.js';
import { f32ToU32, INVALID } from './data.js';
import type { IonEnv } from './env.js';
import { mergeBundleRequirements, REQ_CONFLICT } from './requirement.js';
import { clearArray } from '../util/arrays.js';

function mergeBundleProperties(ion: IonEnv, from: BundleId, to: BundleId): void {
  const bundles = ion.bundles;
  if (bundles.fixed(from)) bundles.setFixed(to);
  if (bundles.fixedDef(from)) bundles.setFixedDef(to);
  if (bundles.stack(from)) bundles.setStack(to);
  const theirs = bundles.limit.data[from]!;
  if (theirs !== INVALID) {
    const ours = bundles.limit.data[to]!;
    bundles.limit.data[to] = ours === INVALID ? theirs : Math.min(ours, theirs);
  }
}

/** regalloc2 gives up a merge after this many steps of its overlap sweep, to bound the cost. */
const MERGE_STEP_LIMIT = 200;

/**
 * The first index in `[lo, hi)` of `list` whose range ends after `point`, or
 * `hi`. A bundle's ranges are disjoint and sorted, so their ends rise: a
 * galloping search from `lo`, since the answer is usually near.
 */
function firstEndingAfter(list: readonly number[], ends: Int32Array, lo: number, hi: number, point: number): number {
  let bound = lo;
  let step = 1;
  while (bound < hi && ends[list[bound]!]! <= point) {
    lo = bound + 1;
    bound += step;
    step *= 2;
  }
  for (hi = Math.min(bound, hi); lo < hi; ) {
    const mid = (lo + hi) >>> 1;
    if (ends[list[mid]!]! <= point) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Moves `from`'s bundleRanges into `to` if they can share an allocation; returns whether merged. */
export function mergeBundles(ion: IonEnv, from: BundleId, to: BundleId): boolean {
  if (from === to) return true;
  const bundles = ion.bundles;
  const spillsets = ion.spillsets;
  const ranges = ion.ranges;
  if (spillsets.cls.data[bundles.spillset.data[from]!] !== spillsets.cls.data[bundles.spillset.data[to]!]) return false;
  // A bundle already in a register (a pinned vreg) keeps it alone.
  if (bundles.allocation.data[from] !== 0 || bundles.allocation.data[to] !== 0) return false;
  const fromRanges = bundles.ranges[from]!;
  const toRanges = bundles.ranges[to]!;
  // A bundle with a fixed def counts from its instruction's Before point:
  // merged with an early use of that instruction, it would make a minimal
  // bundle that cannot be split (only an early use beside a late def can
  // meet this way) — regalloc2's rule.
  const fromFixedDef = bundles.fixedDef(from);
  const toFixedDef = bundles.fixedDef(to);
  // A sweep over both lists in start order. regalloc2 moves past one range a
  // step and gives up after 200 steps; a run of steps on one side is taken
  // here as one search (the ends in each list rise), counted as the steps it
  // stands for, so the answer is the same with far fewer range reads when a
  // small bundle meets a long one.
  const starts = ranges.from.data;
  const ends = ranges.to.data;
  const numFrom = fromRanges.length;
  const numTo = toRanges.length;
  if (numFrom !== 0 && numTo !== 0) {
    let i = 0;
    let j = 0;
    let count = 0;
    let fromStart = starts[fromRanges[0]!]!;
    let fromEnd = ends[fromRanges[0]!]!;
    let toStart = starts[toRanges[0]!]!;
    let toEnd = ends[toRanges[0]!]!;
    for (;;) {
      // The side whose current range ends first is stepped past (to's when
      // both could be), or the two overlap.
      const fromAt = fromFixedDef ? pointInstStart(fromStart) : fromStart;
      const stepTo = fromAt >= toEnd;
      const toAt = toFixedDef ? pointInstStart(toStart) : toStart;
      if (!stepTo && toAt < fromEnd) return false; // the two overlap
      const list = stepTo ? toRanges : fromRanges;
      const at = stepTo ? j : i;
      const length = stepTo ? numTo : numFrom;
      const next = firstEndingAfter(list, ends, at + 1, Math.min(length, at + MERGE_STEP_LIMIT + 1 - count), stepTo ? fromAt : toAt);
      count += next - at;
      if (count > MERGE_STEP_LIMIT) return false;
      if (next === length) break;
      if (stepTo) {
        j = next;
        toStart = starts[toRanges[j]!]!;
        toEnd = ends[toRanges[j]!]!;
      } else {
        i = next;
        fromStart = starts[fromRanges[i]!]!;
        fromEnd = ends[fromRanges[i]!]!;
      }
    }
  }
  // Only constrained bundles can disagree on where they must live.
  if (bundles.stack(from) || bundles.fixed(from) || bundles.limit.data[from] !== INVALID || bundles.stack(to) || bundles.fixed(to) || bundles.limit.data[to] !== INVALID) {
    if (mergeBundleRequirements(ion, from, to) === REQ_CONFLICT) return false;
  }
  if (fromRanges.length === 0) return true;
  if (toRanges.length === 0) {
    for (const lr of fromRanges) {
      ranges.bundle.data[lr] = to;
      if (ion.annotations) ion.annotate(ranges.from.data[lr]!, ` MERGE range${lr} v${ranges.vregIndex.data[lr]} from bundle${from} to bundle${to}`);
    }
    bundles.ranges[to] = fromRanges;
    bundles.ranges[from] = toRanges;
    mergeBundleProperties(ion, from, to);
    return true;
  }
  for (const lr of fromRanges) {
    ranges.bundle.data[lr] = to;
    if (ion.annotations) ion.annotate(ranges.from.data[lr]!, ` MERGE range${lr} v${ranges.vregIndex.data[lr]} from bundle${from} to bundle${to}`);
  }
  if (fromRanges.length === 1) {
    const lr = fromRanges[0]!;
    const key = ranges.from.data[lr]!;
    let lo = 0;
    let hi = toRanges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranges.from.data[toRanges[mid]!]! < key) lo = mid + 1;
      else hi = mid;
    }
    toRanges.splice(lo, 0, lr);
    clearArray(fromRanges);
  } else {
    // Both lists are sorted by start: merge from the back, in place, into the
    // longer one's array. A long list absorbing short ones then grows with
    // spare room kept; copying it into the short one's array, merge after
    // merge, made most of a large function's garbage.
    let into = toRanges;
    let other = fromRanges;
    if (fromRanges.length > toRanges.length) {
      into = fromRanges;
      other = toRanges;
      bundles.ranges[to] = fromRanges;
      bundles.ranges[from] = toRanges;
    }
    let a = into.length - 1;
    let b = other.length - 1;
    let w = into.length + other.length - 1;
    // Equal starts (never met in practice: the ranges are disjoint) keep `to`'s first either way.
    const tieGoesLater = into === fromRanges ? 1 : 0;
    for (let k = 0; k < other.length; k++) into.push(other[0]!); // grow, staying a packed array
    while (b >= 0) {
      if (a >= 0 && ranges.from.data[into[a]!]! + tieGoesLater > ranges.from.data[other[b]!]!) into[w--] = into[a--]!;
      else into[w--] = other[b--]!;
    }
    clearArray(other);
  }
  const fromSpillset = bundles.spillset.data[from]!;
  const toSpillset = bundles.spillset.data[to]!;
  if (fromSpillset !== toSpillset) {
    spillsets.rangeFrom.data[toSpillset] = Math.min(spillsets.rangeFrom.data[toSpillset]!, spillsets.rangeFrom.data[fromSpillset]!);
    spillsets.rangeTo.data[toSpillset] = Math.max(spillsets.rangeTo.data[toSpillset]!, spillsets.rangeTo.data[fromSpillset]!);
  }
  mergeBundleProperties(ion, from, to);
  return true;
}

/**
 * One bundle per vreg (with its constraint flags and a spill set), then
 * merges: a reusing def with its reused input (sharing a location saves the
 * copy), and each block param with its args (sharing saves the edge move).
 * Both in regalloc2's order, which the allocation depends on.
 */
export function mergeVregBundles(ion: IonEnv): void {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const uses = ion.uses;
  const f = ion.f;
  const withRanges = ion.vregsWithRanges.data;
  for (let k = 0; k < ion.numVregsWithRanges; k++) {
    const vreg = withRanges[k]!;
    const list = ion.vregRanges[vreg]!;
    if (list.length === 0) continue;
    const bundle = bundles.add();
    let from = ranges.from.data[list[0]!]!;
    let to = ranges.to.data[list[0]!]!;
    bundles.ranges[bundle] = list.slice();
    for (const lr of list) {
      from = Math.min(from, ranges.from.data[lr]!);
      to = Math.max(to, ranges.to.data[lr]!);
      ranges.bundle.data[lr] = bundle;
    }
    let fixed = false;
    let fixedDef = false;
    let stack = false;
    let limit = INVALID;
    outer: for (const lr of list) {
      for (let k = ranges.useStart.data[lr]!, end = ranges.useEnd.data[lr]!; k < end; k++) {
        const op = uses.operand.data[ranges.useAt(k)]!;
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
    if (fixed) bundles.setFixed(bundle);
    if (fixedDef) bundles.setFixedDef(bundle);
    if (stack) bundles.setStack(bundle);
    bundles.limit.data[bundle] = limit;
    bundles.spillset.data[bundle] = ion.spillsets.add(ion.vregClass[vreg]! as RegClass, from, to, PREG_INVALID);
  }
  for (let inst = 0; inst < f.numInsts(); inst++) {
    const ops = f.instOperands(inst);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandConstraintKind(op) !== ConstraintKind.Reuse) continue;
      const src = vregIndex(operandVReg(op));
      const dst = vregIndex(operandVReg(ops[operandReuseIndex(op)]!));
      const srcBundle = ranges.bundleOf(ion.vregRanges[src]![0]!);
      const dstBundle = ranges.bundleOf(ion.vregRanges[dst]![0]!);
      mergeBundles(ion, dstBundle, srcBundle);
    }
  }
  const outs = ion.blockparamOuts;
  for (let k = 0; k < outs.length; k += 4) {
    const fromVreg = outs.data[k]!;
    const toVreg = outs.data[k + 3]!;
    const toBundle = ranges.bundleOf(ion.vregRanges[toVreg]![0]!);
    const fromBundle = ranges.bundleOf(ion.vregRanges[fromVreg]![0]!);
    mergeBundles(ion, fromBundle, toBundle);
  }
}

/** A bundle's priority: the number of instructions its ranges cover (longer bundles are allocated first). */
export function computeBundlePrio(ion: IonEnv, bundle: BundleId): number {
  let total = 0;
  const ranges = ion.ranges;
  for (const lr of ion.bundles.ranges[bundle]!) total += pointInst(ranges.to.data[lr]!) - pointInst(ranges.from.data[lr]!);
  return total;
}

/**
 * The smallest `limit(n)` among the bundle's uses. As in regalloc2, a fixed
 * or stack use ends the scan of its range's uses (the next range is still
 * scanned).
 */
export function computeBundleLimit(ion: IonEnv, bundle: BundleId): number {
  let limit = INVALID;
  const ranges = ion.ranges;
  const uses = ion.uses;
  for (const lr of ion.bundles.ranges[bundle]!) {
    for (let i = ranges.useStart.data[lr]!, end = ranges.useEnd.data[lr]!; i < end; i++) {
      const op = uses.operand.data[ranges.useAt(i)]!;
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
export function minimalRangeStart(pos: ProgPoint, isDef: boolean): ProgPoint {
  return pointIsAfter(pos) && isDef ? pos : pointInstStart(pos);
}

/** End of that range: the late point for an early use, else the next instruction. */
export function minimalRangeEnd(pos: ProgPoint, isDef: boolean): ProgPoint {
  return !pointIsAfter(pos) && !isDef ? pointNext(pos) : pointNextInstStart(pos);
}

export function recomputeBundleProperties(ion: IonEnv, bundle: BundleId): void {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const uses = ion.uses;
  const bundleRanges = bundles.ranges[bundle]!;
  const first = bundleRanges[0]!;
  bundles.prio.data[bundle] = computeBundlePrio(ion, bundle);
  bundles.limit.data[bundle] = computeBundleLimit(ion, bundle);
  let minimal: boolean;
  let fixed = false;
  let fixedDef = false;
  let stack = false;
  // A bundle is minimal when it is one range holding at most one use, within
  // that use's minimal range ("within", not "equal": a shorter range, e.g. a
  // dead def, is minimal too; regalloc2 avoids livelock on them this way).
  // A first range without a vreg makes the bundle minimal and fixed, as in regalloc2.
  if (ranges.vregIndex.data[first] === INVALID) {
    minimal = true;
    fixed = true;
  } else if (bundleRanges.length === 1) {
    const useCount = ranges.useCount(first);
    for (let i = ranges.useStart.data[first]!, end = ranges.useEnd.data[first]!; i < end; i++) {
      const op = uses.operand.data[ranges.useAt(i)]!;
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
      const u = ranges.useAt(ranges.useStart.data[first]!);
      const upos = uses.pos.data[u]!;
      const udef = operandIsDef(uses.operand.data[u]!);
      const mf = minimalRangeStart(upos, udef);
      const mt = minimalRangeEnd(upos, udef);
      minimal = ranges.from.data[first]! >= mf && ranges.to.data[first]! <= mt;
    } else minimal = false;
  } else {
    minimal = false;
  }
  let weight: number;
  if (minimal) {
    if (fixed) weight = MINIMAL_FIXED_BUNDLE_SPILL_WEIGHT;
    else if (bundles.limit.data[bundle] !== INVALID) weight = MINIMAL_LIMITED_BUNDLE_SPILL_WEIGHT - (bundles.limit.data[bundle]! % 256); // a u8 in regalloc2
    else weight = MINIMAL_BUNDLE_SPILL_WEIGHT;
  } else {
    let total = 0;
    for (const lr of bundleRanges) total = Math.fround(total + ranges.usesWeight(lr));
    const prio = bundles.prio.data[bundle]!;
    // Normal bundles: total use weight per instruction covered, below every minimal weight.
    weight = prio > 0 ? Math.min(BUNDLE_MAX_NORMAL_SPILL_WEIGHT, Math.floor(f32ToU32(total) / prio)) : 0;
  }
  bundles.setProps(bundle, weight, minimal, fixed, fixedDef, stack);
}


/** Computes every bundle's properties and queues it, with no hint. */
export function queueBundles(ion: IonEnv): void {
  const bundles = ion.bundles;
  for (let b = 0 as BundleId; b < bundles.length; b++) {
    if (bundles.ranges[b]!.length === 0) continue;
    recomputeBundleProperties(ion, b);
    ion.queue.insert(b, bundles.prio.data[b]!, PREG_INVALID);
  }
  ion.stats.merged_bundle_count = ion.queue.size;
}
