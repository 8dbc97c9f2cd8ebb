// Spilling (regalloc2's spill.rs): spilled bundles get a second chance at a
// register; spill sets that still need the stack get spill slots, shared
// between spill sets whose ranges do not overlap (probing a few slots).

import { allocStack } from '../model/allocation.js';
import { PREG_INVALID, type RegClass } from '../model/regs.js';
import { INVALID, RangeMap } from './data.js';
import type { IonEnv } from './env.js';
import { tryToAllocateBundleToReg } from './process.js';

const MAX_ATTEMPTS = 10;

export function tryAllocatingRegsForSpilledBundles(e: IonEnv): void {
  const B = e.bundles;
  const R = e.ranges;
  const S = e.spillsets;
  const s = e.processScratch;
  for (let i = 0; i < e.spilledBundles.length; i++) {
    const bundle = e.spilledBundles[i]!;
    const ranges = B.ranges[bundle]!;
    if (ranges.length === 0) continue;
    const ss = B.spillset.data[bundle]!;
    const cls = S.cls.data[ss]! as RegClass;
    const hint = S.hint.data[ss]!;
    ranges.sort((a, b) => R.from.data[a]! - R.from.data[b]!);
    let success = false;
    e.stats.spill_bundle_reg_probes++;
    const limit = B.limit.data[bundle]!;
    const it = s.traversal.init(e.env, cls, PREG_INVALID, hint, bundle, limit === INVALID ? -1 : limit);
    for (let preg = it.next(); preg >= 0; preg = it.next()) {
      if (tryToAllocateBundleToReg(e, bundle, preg, -1, s) === 0) {
        e.stats.spill_bundle_reg_success++;
        success = true;
        break;
      }
    }
    if (!success) S.required.data[ss] = 1;
  }
}

/** Spill slots: their occupied ranges, size, and final allocation. */
export class SpillSlots {
  ranges: RangeMap[] = [];
  size: number[] = [];
  alloc: number[] = [];
  byClass: number[][] = [[], [], []];
  probeStart = [0, 0, 0];
}

export function allocateSpillslots(e: IonEnv, slots: SpillSlots, numSpillslots: { n: number }): void {
  const S = e.spillsets;
  for (let ss = 0; ss < S.length; ss++) {
    if (!S.required.data[ss]) continue;
    const cls = S.cls.data[ss]!;
    const list = slots.byClass[cls]!;
    let i = slots.probeStart[cls]!;
    let success = false;
    const from = S.rangeFrom.data[ss]!;
    const to = S.rangeTo.data[ss]!;
    for (let attempt = 0; attempt < Math.min(list.length, MAX_ATTEMPTS); attempt++) {
      const slot = list[i]!;
      if (slots.ranges[slot]!.findOverlap(from, to) < 0) {
        S.slot.data[ss] = slot;
        slots.ranges[slot]!.insert(from, to, ss);
        success = true;
        slots.probeStart[cls] = i;
        break;
      }
      i = i === list.length - 1 ? 0 : i + 1;
    }
    if (!success) {
      const slot = slots.ranges.length;
      slots.ranges.push(new RangeMap());
      slots.size.push(e.f.spillslotSize(cls as RegClass));
      slots.alloc.push(0);
      list.push(slot);
      slots.probeStart[cls] = list.length - 1;
      S.slot.data[ss] = slot;
      slots.ranges[slot]!.insert(from, to, ss);
    }
  }
  for (let i = 0; i < slots.ranges.length; i++) slots.alloc[i] = allocateSpillslot(e, slots.size[i]!, numSpillslots);
}

export function allocateSpillslot(e: IonEnv, size: number, numSpillslots: { n: number }): number {
  let offset = (numSpillslots.n + size - 1) & ~(size - 1);
  const slot = e.f.multiSpillslotNamedByLastSlot() ? offset + size - 1 : offset;
  offset += size;
  numSpillslots.n = offset;
  return allocStack(slot);
}
