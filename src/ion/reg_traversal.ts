// The order in which registers are probed for a bundle (regalloc2's
// reg_traversal.rs): the fixed register alone; else the hint, then preferred
// then non-preferred registers, each list rotated to start at an offset, all
// below the bundle's limit.

import type { MachineEnv } from '../model/function.js';
import { PREG_INVALID, type PRegSet, type RegClass } from '../model/regs.js';

/** Register lists of env sets, cached by set (and checked against its bits). */
const listCache = new WeakMap<PRegSet, { bits: Uint32Array; list: number[] }>();

function regList(set: PRegSet): number[] {
  const hit = listCache.get(set);
  if (hit !== undefined) {
    let same = true;
    for (let i = 0; i < 8; i++) if (hit.bits[i] !== set.bits[i]) same = false;
    if (same) return hit.list;
  }
  const list = set.toArray();
  listCache.set(set, { bits: set.bits.slice(), list });
  return list;
}

/** Writes the probe order into `out`; returns how many registers it wrote. */
export function regTraversal(
  env: MachineEnv,
  cls: RegClass,
  fixed: number,
  hint: number,
  offset: number,
  limit: number,
  out: number[],
): number {
  // `out` is reused: only its first n entries are meaningful.
  let n = 0;
  if (fixed !== PREG_INVALID) {
    out[n++] = fixed;
    return n;
  }
  const lim = limit < 0 ? 64 : limit;
  if (hint !== PREG_INVALID && (hint & 63) < lim) out[n++] = hint;
  const k = offset % 63;
  for (let which = 0; which < 2; which++) {
    const regs = regList(which === 0 ? env.preferredRegsByClass[cls]! : env.nonPreferredRegsByClass[cls]!);
    // Registers with hw_enc >= k first, then the rest.
    for (const pass of [0, 1]) {
      for (const r of regs) {
        const hw = r & 63;
        if ((pass === 0) !== hw >= k) continue;
        if ((hint !== PREG_INVALID && r === hint) || hw >= lim) continue;
        out[n++] = r;
      }
    }
  }
  return n;
}
