// The order in which registers are probed for a bundle (regalloc2's
// reg_traversal.rs): the fixed register alone; else the hint, then preferred
// then non-preferred registers, each list rotated to start at an offset, all
// below the bundle's limit.

import type { MachineEnv } from '../model/function.js';
import { PREG_NO_LIMIT, pregBelowLimit } from '../model/location.js';
import { NUM_REG_CLASSES, PREG_INVALID, PREG_MAX_HW_ENC, pregHwEnc, PRegSet, type RegClass } from '../model/regs.js';

/** A set's registers in ascending order, and the bits they were read from. */
class RegList {
  constructor(
    readonly bits: Uint32Array,
    readonly list: Int32Array,
  ) {}
}

/** Register lists of env sets, cached by set (and checked against its bits). */
const listCache = new WeakMap<PRegSet, RegList>();

// The lists are typed arrays and the cache entries class instances: an array
// or object literal is an allocation site, whose objects V8 may decide
// mid-stream to allocate in the old generation, throwing away the optimized
// code of every function that inlined the allocation (here `regTraversal`,
// `setEnv` and this one, when an env arrived that was not cached).
function regList(set: PRegSet): Int32Array {
  const hit = listCache.get(set);
  if (hit !== undefined) {
    let same = true;
    for (let i = 0; i < 8; i++) if (hit.bits[i] !== set.bits[i]) same = false;
    if (same) return hit.list;
  }
  const list = new Int32Array(set.size);
  let n = 0;
  for (let w = 0; w < 8; w++) {
    for (let b = set.bits[w]!; b !== 0; b &= b - 1) list[n++] = w * 32 + 31 - Math.clz32(b & -b);
  }
  listCache.set(set, new RegList(set.bits.slice(), list));
  return list;
}

/**
 * Looks up `calls` changed sets: `regList`'s path for a set it has not seen then
 * has type feedback, and the first env that arrives after V8 has optimized
 * the context's reset (in mid-module) does not throw that code away.
 */
export function primeRegList(calls: number): void {
  const set = new PRegSet();
  for (let k = 0; k < calls; k++) {
    set.bits[0] = k; // a set changed in place is looked up again
    regList(set);
  }
}

/**
 * The most registers one traversal can write: the hint, then the preferred
 * and the non-preferred list of one class (64 registers each at most).
 */
export const MAX_PROBES = 2 * (PREG_MAX_HW_ENC + 1) + 1;

/** Writes the probe order into `out` (of MAX_PROBES entries); returns how many registers it wrote. */
export function regTraversal(
  env: MachineEnv,
  cls: RegClass,
  fixed: number,
  hint: number,
  offset: number,
  limit: number,
  out: Int32Array,
): number {
  // `out` is reused: only its first n entries are meaningful.
  let n = 0;
  if (fixed !== PREG_INVALID) {
    out[n++] = fixed;
    return n;
  }
  const lim = limit < 0 ? PREG_NO_LIMIT : limit;
  if (hint !== PREG_INVALID && pregBelowLimit(hint, lim)) out[n++] = hint;
  const k = offset % PREG_MAX_HW_ENC;
  for (let which = 0; which < 2; which++) {
    const regs = regList(which === 0 ? env.preferredRegsByClass[cls]! : env.nonPreferredRegsByClass[cls]!);
    // Registers with hw_enc >= k first, then the rest.
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < regs.length; i++) {
        const r = regs[i]!;
        const hw = pregHwEnc(r);
        if ((pass === 0) !== hw >= k) continue;
        if ((hint !== PREG_INVALID && r === hint) || hw >= lim) continue;
        out[n++] = r;
      }
    }
  }
  return n;
}

/**
 * The same order as `regTraversal`, produced one register at a time (most
 * bundles succeed on the first probe). One instance is reused.
 */
export class RegTraversal {
  private fixed = PREG_INVALID;
  private hint = PREG_INVALID;
  private useHint = false;
  private lim = PREG_NO_LIMIT;
  private k = 0;
  private lists: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  /** The env's lists by class: preferred at 2 * class, non-preferred at 2 * class + 1 (see `setEnv`). */
  private envLists: Int32Array[] = [];
  /** Which list (0 preferred, 1 non-preferred), which pass (0: hw >= k, 1: the rest), index. */
  private which = 0;
  private pass = 0;
  private i = 0;

  /** Looks up the register lists of `env` once per run, not once per probed bundle. */
  setEnv(env: MachineEnv): void {
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      this.envLists[2 * c] = regList(env.preferredRegsByClass[c]!);
      this.envLists[2 * c + 1] = regList(env.nonPreferredRegsByClass[c]!);
    }
  }

  /** Starts the probe order of a bundle of class `cls` (under the env given to `setEnv`). */
  init(cls: RegClass, fixed: number, hint: number, offset: number, limit: number): this {
    this.fixed = fixed;
    this.hint = hint;
    this.useHint = hint !== PREG_INVALID && fixed === PREG_INVALID;
    this.lim = limit < 0 ? PREG_NO_LIMIT : limit;
    this.k = offset % PREG_MAX_HW_ENC;
    this.lists[0] = this.envLists[2 * cls]!;
    this.lists[1] = this.envLists[2 * cls + 1]!;
    this.which = 0;
    this.pass = 0;
    this.i = 0;
    return this;
  }

  /** The next register to probe, or -1. */
  next(): number {
    if (this.fixed !== PREG_INVALID) {
      const f = this.fixed;
      this.fixed = PREG_INVALID;
      this.useHint = false;
      this.which = 2;
      return f;
    }
    if (this.useHint) {
      this.useHint = false;
      if (pregBelowLimit(this.hint, this.lim)) return this.hint;
    }
    while (this.which < 2) {
      const list = this.lists[this.which]!;
      while (this.i < list.length) {
        const r = list[this.i++]!;
        const hw = pregHwEnc(r);
        if ((this.pass === 0) !== hw >= this.k) continue;
        if ((this.hint !== PREG_INVALID && r === this.hint) || hw >= this.lim) continue;
        return r;
      }
      this.i = 0;
      if (this.pass === 0) this.pass = 1;
      else {
        this.pass = 0;
        this.which++;
      }
    }
    return -1;
  }
}
