// Spilling (regalloc2's spill.rs): spilled bundles get a second chance at a
// register; spill sets that still need the stack get spill slots, shared
// between spill sets whose ranges do not overlap (probing a few slots).

import { allocStack } from '../model/allocation.js';
import { PREG_INVALID, type RegClass } from '../model/regs.js';
import { INVALID, RangeMap } from './data.js';
import type { SpillSlotId } from './ids.js';
import type { IonEnv } from './env.js';
import { tryToAllocateBundleToReg } from './process.js';

/** Existing slots probed before a new one is made (regalloc2's bound: sharing is a saving, not a search). */
const MAX_ATTEMPTS = 10;

export function tryAllocatingRegsForSpilledBundles(ion: IonEnv): void {
  const bundles = ion.bundles;
  const ranges = ion.ranges;
  const spillsets = ion.spillsets;
  const scratch = ion.processScratch;
  for (let i = 0; i < ion.spilledBundles.length; i++) {
    const bundle = ion.spilledBundles[i]!;
    const bundleRanges = bundles.ranges[bundle]!;
    if (bundleRanges.length === 0) continue;
    const spillset = bundles.spillset.data[bundle]!;
    const cls = spillsets.cls.data[spillset]! as RegClass;
    const hint = spillsets.hint.data[spillset]!;
    // A spill bundle's ranges were appended unsorted (regalloc2 sorts here too).
    bundleRanges.sort((a, b) => ranges.from.data[a]! - ranges.from.data[b]!);
    let success = false;
    ion.stats.spill_bundle_reg_probes++;
    const limit = bundles.limit.data[bundle]!;
    const traversal = scratch.traversal.init(cls, PREG_INVALID, hint, bundle, limit === INVALID ? -1 : limit);
    for (let preg = traversal.next(); preg >= 0; preg = traversal.next()) {
      if (tryToAllocateBundleToReg(ion, bundle, preg, -1, scratch) === 0) {
        ion.stats.spill_bundle_reg_success++;
        success = true;
        break;
      }
    }
    if (!success) spillsets.required.data[spillset] = 1;
  }
}

/** Spill slots: their occupied bundleRanges, size, and final allocation. */
export class SpillSlots {
  ranges: RangeMap[] = [];
  size: number[] = [];
  alloc: number[] = [];
  byClass: SpillSlotId[][] = [[], [], []];
  probeStart = [0, 0, 0];
}

export function allocateSpillslots(ion: IonEnv, slots: SpillSlots, numSpillslots: { n: number }): void {
  const spillsets = ion.spillsets;
  for (let spillset = 0; spillset < spillsets.length; spillset++) {
    if (!spillsets.required.data[spillset]) continue;
    const cls = spillsets.cls.data[spillset]!;
    const list = slots.byClass[cls]!;
    let i = slots.probeStart[cls]!;
    const from = spillsets.rangeFrom.data[spillset]!;
    const to = spillsets.rangeTo.data[spillset]!;
    // The first of a few slots of the class, from where the last search
    // ended, that is free over the spill set's whole extent; else a new one.
    // (Both cases end in the same stores below, so neither is code that
    // optimized code meets for the first time.)
    let slot = -1 as SpillSlotId;
    for (let attempt = 0; attempt < Math.min(list.length, MAX_ATTEMPTS); attempt++) {
      const candidate = list[i]!;
      if (!slots.ranges[candidate]!.overlaps(from, to)) {
        slot = candidate;
        break;
      }
      i = i === list.length - 1 ? 0 : i + 1;
    }
    if (slot < 0) {
      slot = slots.ranges.length as SpillSlotId;
      slots.ranges.push(new RangeMap());
      slots.size.push(ion.f.spillslotSize(cls as RegClass));
      slots.alloc.push(0);
      list.push(slot);
      i = list.length - 1;
    }
    slots.probeStart[cls] = i;
    spillsets.slot.data[spillset] = slot;
    slots.ranges[slot]!.insert(from, to, spillset);
  }
  for (let i = 0; i < slots.ranges.length; i++) slots.alloc[i] = allocateSpillslot(ion, slots.size[i]!, numSpillslots);
}

export function allocateSpillslot(ion: IonEnv, size: number, numSpillslots: { n: number }): number {
  let offset = (numSpillslots.n + size - 1) & ~(size - 1);
  const slot = ion.f.multiSpillslotNamedByLastSlot() ? offset + size - 1 : offset;
  offset += size;
  numSpillslots.n = offset;
  return allocStack(slot);
}
