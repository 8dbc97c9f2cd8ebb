// Small machine envs for hand-built tests.

import type { MachineEnv } from '../../src/model/function.js';
import { type PReg, PRegSet, preg } from '../../src/model/regs.js';

/** `n` preferred registers p0..p(n-1) per class (and `nonPreferred` more after them). */
export function smallEnv(
  n = 4,
  opts: { nonPreferred?: number; scratch?: [PReg | null, PReg | null, PReg | null]; fixedStackSlots?: PReg[] } = {},
): MachineEnv {
  const np = opts.nonPreferred ?? 0;
  const range = (cls: 0 | 1 | 2, from: number, count: number) =>
    PRegSet.of(Array.from({ length: count }, (_, i) => preg(from + i, cls)));
  return {
    preferredRegsByClass: [range(0, 0, n), range(1, 0, n), range(2, 0, n)],
    nonPreferredRegsByClass: [range(0, n, np), range(1, n, np), range(2, n, np)],
    scratchByClass: opts.scratch ?? [null, null, null],
    fixedStackSlots: opts.fixedStackSlots ?? [],
  };
}
