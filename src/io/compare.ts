// Compares an allocator's output with a reference result: identical, or the
// first place where they part.

import { allocToString, pointToString } from '../model/allocation.js';
import type { Output } from '../model/function.js';

export interface Comparison {
  identical: boolean;
  /** Empty when identical; otherwise the first difference, in words. */
  detail: string;
}

function editText(out: Output, i: number): string {
  const e = out.edits[i];
  return e ? `${pointToString(e.point)} ${allocToString(e.from)} → ${allocToString(e.to)}` : '(none)';
}

/** Compares allocs, edits and spill-slot count (and debug locations when asked). */
export function compareOutputs(ours: Output, ref: Output, debugLocations = false): Comparison {
  const n = Math.max(ours.instAllocOffsets.length, ref.instAllocOffsets.length);
  for (let i = 0; i < n; i++) {
    const a0 = ours.instAllocOffsets[i] ?? ours.allocs.length;
    const a1 = ours.instAllocOffsets[i + 1] ?? ours.allocs.length;
    const b0 = ref.instAllocOffsets[i] ?? ref.allocs.length;
    const b1 = ref.instAllocOffsets[i + 1] ?? ref.allocs.length;
    const len = Math.max(a1 - a0, b1 - b0);
    for (let k = 0; k < len; k++) {
      const a = a0 + k < a1 ? ours.allocs[a0 + k]! : -1;
      const b = b0 + k < b1 ? ref.allocs[b0 + k]! : -1;
      if (a !== b) {
        const s = (x: number) => (x < 0 ? '(missing)' : allocToString(x));
        return { identical: false, detail: `inst ${i} operand ${k}: ours ${s(a)}, reference ${s(b)}` };
      }
    }
  }
  const ne = Math.max(ours.edits.length, ref.edits.length);
  for (let i = 0; i < ne; i++) {
    const a = ours.edits[i];
    const b = ref.edits[i];
    if (!a || !b || a.point !== b.point || a.from !== b.from || a.to !== b.to) {
      return {
        identical: false,
        detail: `edit ${i}: ours ${editText(ours, i)}, reference ${editText(ref, i)} (${ours.edits.length} vs ${ref.edits.length} edits)`,
      };
    }
  }
  if (ours.numSpillslots !== ref.numSpillslots) {
    return { identical: false, detail: `num_spillslots: ours ${ours.numSpillslots}, reference ${ref.numSpillslots}` };
  }
  if (debugLocations) {
    const nd = Math.max(ours.debugLocations.length, ref.debugLocations.length);
    for (let i = 0; i < nd; i++) {
      const a = ours.debugLocations[i];
      const b = ref.debugLocations[i];
      if (!a || !b || a.some((x, k) => x !== b[k])) {
        return { identical: false, detail: `debug location ${i} differs (${ours.debugLocations.length} vs ${ref.debugLocations.length})` };
      }
    }
  }
  return { identical: true, detail: '' };
}
