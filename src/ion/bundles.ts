// Bundles (groups of live ranges allocated together), spill sets (the
// bundles of one original vreg group, sharing a spill slot) and the
// allocation queue.

import type { ProgPoint } from '../model/allocation.js';
import type { PReg, RegClass } from '../model/regs.js';
import { IntColumn, INVALID } from './data.js';
import type { BundleId, RangeId, SpillSetId } from './ids.js';
import { withRoom } from '../util/int_buffers.js';
import { clearArray } from '../util/arrays.js';

export const BUNDLE_MAX_SPILL_WEIGHT = (1 << 28) - 1;
export const MINIMAL_FIXED_BUNDLE_SPILL_WEIGHT = BUNDLE_MAX_SPILL_WEIGHT;
export const MINIMAL_LIMITED_BUNDLE_SPILL_WEIGHT = BUNDLE_MAX_SPILL_WEIGHT - 1;
export const MINIMAL_BUNDLE_SPILL_WEIGHT = MINIMAL_LIMITED_BUNDLE_SPILL_WEIGHT - 256;
export const BUNDLE_MAX_NORMAL_SPILL_WEIGHT = MINIMAL_BUNDLE_SPILL_WEIGHT - 1;
export const MAX_SPLITS_PER_SPILLSET = 2;

const MINIMAL = 1 << 31;
const FIXED = 1 << 30;
const FIXED_DEF = 1 << 29;
const STACK = 1 << 28;

export class Bundles {
  /** Live-range ids, sorted by start. */
  ranges: RangeId[][] = [];
  spillset = new IntColumn();
  allocation = new IntColumn();
  prio = new IntColumn();
  /** Spill weight (28 bits) and the minimal/fixed/fixed-def/stack flags. */
  props = new IntColumn();
  /** limit(n) of the bundle, or -1. */
  limit = new IntColumn();

  get length(): number {
    return this.ranges.length;
  }

  clear(): void {
    clearArray(this.ranges);
    this.spillset.clear();
    this.allocation.clear();
    this.prio.clear();
    this.props.clear();
    this.limit.clear();
  }

  add(): BundleId {
    this.ranges.push([]);
    this.spillset.push(INVALID);
    this.allocation.push(0);
    this.prio.push(0);
    this.props.push(0);
    return this.limit.push(INVALID) as BundleId;
  }

  setProps(b: number, weight: number, minimal: boolean, fixed: boolean, fixedDef: boolean, stack: boolean): void {
    this.props.data[b] = weight | (minimal ? MINIMAL : 0) | (fixed ? FIXED : 0) | (fixedDef ? FIXED_DEF : 0) | (stack ? STACK : 0);
  }
  minimal(b: number): boolean {
    return (this.props.data[b]! & MINIMAL) !== 0;
  }
  fixed(b: number): boolean {
    return (this.props.data[b]! & FIXED) !== 0;
  }
  fixedDef(b: number): boolean {
    return (this.props.data[b]! & FIXED_DEF) !== 0;
  }
  stack(b: number): boolean {
    return (this.props.data[b]! & STACK) !== 0;
  }
  setFixed(b: number): void {
    this.props.data[b]! |= FIXED;
  }
  setFixedDef(b: number): void {
    this.props.data[b]! |= FIXED_DEF;
  }
  setStack(b: number): void {
    this.props.data[b]! |= STACK;
  }
  spillWeight(b: number): number {
    return this.props.data[b]! & BUNDLE_MAX_SPILL_WEIGHT;
  }
}

export class SpillSets {
  slot = new IntColumn();
  hint = new IntColumn();
  cls = new IntColumn();
  spillBundle = new IntColumn();
  required = new IntColumn();
  splits = new IntColumn();
  rangeFrom = new IntColumn();
  rangeTo = new IntColumn();

  get length(): number {
    return this.slot.length;
  }

  clear(): void {
    for (const c of [this.slot, this.hint, this.cls, this.spillBundle, this.required, this.splits, this.rangeFrom, this.rangeTo]) c.clear();
  }

  add(cls: RegClass, from: ProgPoint, to: ProgPoint, hint: PReg): SpillSetId {
    this.slot.push(INVALID);
    this.hint.push(hint);
    this.cls.push(cls);
    this.spillBundle.push(INVALID);
    this.required.push(0);
    this.splits.push(0);
    this.rangeFrom.push(from);
    return this.rangeTo.push(to) as SpillSetId;
  }
}

/**
 * A max-heap of (prio, bundle, hint), ordered lexicographically like
 * regalloc2's `BinaryHeap<PrioQueueEntry>`.
 */
export class PrioQueue {
  // Parallel typed arrays: no objects per entry, no array reallocation as
  // the queue shrinks and grows.
  private prio = new Uint32Array(4);
  private bundle = new Int32Array(4);
  private hint = new Int32Array(4);
  private n = 0;

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
  }

  private less(i: number, j: number): boolean {
    const p = this.prio;
    if (p[i] !== p[j]) return p[i]! < p[j]!;
    const b = this.bundle;
    if (b[i] !== b[j]) return b[i]! < b[j]!;
    return this.hint[i]! < this.hint[j]!;
  }

  private swap(i: number, j: number): void {
    const p = this.prio;
    const b = this.bundle;
    const h = this.hint;
    let t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
    t = b[i]!;
    b[i] = b[j]!;
    b[j] = t;
    t = h[i]!;
    h[i] = h[j]!;
    h[j] = t;
  }

  insert(bundle: number, prio: number, hint: number): void {
    if (this.n === this.prio.length) {
      this.prio = withRoom(this.prio, this.n + 1);
      this.bundle = withRoom(this.bundle, this.n + 1);
      this.hint = withRoom(this.hint, this.n + 1);
    }
    let i = this.n++;
    this.prio[i] = prio;
    this.bundle[i] = bundle;
    this.hint[i] = hint;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(parent, i)) break;
      this.swap(parent, i);
      i = parent;
    }
  }

  /** Pops the greatest entry into `out` ([bundle, hint]); false when empty. */
  pop(out: [number, number]): boolean {
    const n = this.n;
    if (n === 0) return false;
    out[0] = this.bundle[0]!;
    out[1] = this.hint[0]!;
    const last = n - 1;
    this.prio[0] = this.prio[last]!;
    this.bundle[0] = this.bundle[last]!;
    this.hint[0] = this.hint[last]!;
    this.n = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.less(m, l)) m = l;
      if (r < last && this.less(m, r)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return true;
  }
}
