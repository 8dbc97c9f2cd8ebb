// The order in which registers are probed for a bundle (regalloc2's
// reg_traversal.rs): the fixed register alone; else the hint, then preferred
// then non-preferred registers, each list rotated to start at an offset, all
// below the bundle's limit.

import type { MachineEnv } from '../model/function.js';
import { PREG_INVALID, type RegClass } from '../model/regs.js';

/** Fills `out` with the probe order; returns its length. */
export function regTraversal(
  env: MachineEnv,
  cls: RegClass,
  fixed: number,
  hint: number,
  offset: number,
  limit: number,
  out: number[],
): number {
  out.length = 0;
  if (fixed !== PREG_INVALID) {
    out.push(fixed);
    return 1;
  }
  const lim = limit < 0 ? 64 : limit;
  if (hint !== PREG_INVALID && (hint & 63) < lim) out.push(hint);
  const k = offset % 63;
  for (const set of [env.preferredRegsByClass[cls]!, env.nonPreferredRegsByClass[cls]!]) {
    const regs = set.toArray();
    // Registers with hw_enc >= k first, then the rest.
    for (const pass of [0, 1]) {
      for (const r of regs) {
        const hw = r & 63;
        if ((pass === 0) !== hw >= k) continue;
        if ((hint !== PREG_INVALID && r === hint) || hw >= lim) continue;
        out.push(r);
      }
    }
  }
  return out.length;
}
