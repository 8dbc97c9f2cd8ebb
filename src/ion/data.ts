// Ion's state, struct-of-arrays: live ranges, uses, bundles, spill sets and
// per-register allocation maps, in growable typed arrays indexed by number.
// Spill weights are f32 values handled bit-exactly, as regalloc2 does.

import type { ProgPoint } from '../model/allocation.js';
import type { Operand } from '../model/operand.js';
import { IntColumn, UintColumn, withRoom } from '../util/int_buffers.js';
import type { BundleId, RangeId, UseId, VRegIndex } from './ids.js';

export { IntColumn, UintColumn };

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The f32 bit pattern of `x` (after rounding to f32). */
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}
export function f32FromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

/** A use's weight packed to 16 bits (the top of the f32, bfloat16-like). */
export function weightToBits(w: number): number {
  return (f32Bits(w) >>> 15) & 0xffff;
}
export function weightFromBits(bits: number): number {
  return f32FromBits(bits << 15);
}

/** Rust's saturating `f32 as u32`: NaN and negatives give 0, large values u32::MAX. */
export function f32ToU32(x: number): number {
  if (!(x > 0)) return 0;
  if (x >= U32_MAX) return U32_MAX;
  return Math.trunc(x);
}
const U32_MAX = 4294967295;

/**
 * regalloc2's loop hotness, 1000 multiplied by 4 once per loop level (up to
 * ten) in f32: every product is exact, so these are its values. A table rather
 * than the loop: the loop's multiply first ran on the first function with a
 * loop, which threw away the optimized code of every caller that inlined it.
 */
const LOOP_HOTNESS: readonly number[] = [1000, 4000, 16000, 64000, 256000, 1024000, 4096000, 16384000, 65536000, 262144000, 1048576000];

/** regalloc2's `spill_weight_from_constraint`, in f32. */
export function spillWeightFromConstraint(kind: 'any' | 'reg' | 'other', loopDepth: number, isDef: boolean): number {
  const hot = LOOP_HOTNESS[Math.min(10, loopDepth)]!;
  const def = isDef ? 2000 : 0;
  const c = kind === 'any' ? 1000 : kind === 'reg' ? 2000 : 0;
  return Math.fround(Math.fround(hot + def) + c);
}

export const INVALID = -1;

/** Live-range flag: the range begins at its vreg's def. */
export const LR_STARTS_AT_DEF = 1 << 29;
const WEIGHT_MASK = 0x1fffffff;

/**
 * Live ranges, uses and their containers. Every range has `from`, `to`
 * (program points, half-open), its vreg, its bundle, a packed word of
 * spill weight (f32 bits >> 2) and flags, and its uses: a contiguous run
 * [useStart, useEnd) of use ids in `usePool`, in position order. Splitting a
 * range only splits its run; no per-range arrays exist.
 */
export class LiveRanges {
  from = new IntColumn();
  to = new IntColumn();
  /** The range's vreg index (a `VRegIndex`, not a packed VReg; NO_ID for some split-off ranges). */
  vregIndex = new IntColumn();
  bundle = new IntColumn();
  weightFlags = new IntColumn();
  useStart = new IntColumn();
  useEnd = new IntColumn();
  readonly usePool = new IntColumn(256);
  /** While liveness runs: each range's uses as a list through `Uses.next`, newest first. */
  useHead = new IntColumn();

  get length(): number {
    return this.from.length;
  }

  clear(): void {
    this.from.clear();
    this.to.clear();
    this.vregIndex.clear();
    this.bundle.clear();
    this.weightFlags.clear();
    this.useStart.clear();
    this.useEnd.clear();
    this.usePool.clear();
    this.useHead.clear();
  }

  add(from: ProgPoint, to: ProgPoint): RangeId {
    const i = this.from.push(from) as RangeId;
    this.to.push(to);
    this.vregIndex.push(INVALID);
    this.bundle.push(INVALID);
    this.weightFlags.push(0);
    this.useStart.push(0);
    this.useEnd.push(0);
    this.useHead.push(INVALID);
    return i;
  }

  /** The bundle of range `lr`. */
  bundleOf(lr: RangeId): BundleId {
    return this.bundle.data[lr]! as BundleId;
  }
  /** The vreg index of range `lr` (NO_ID for a range split off with no vreg). */
  vregOf(lr: RangeId): VRegIndex {
    return this.vregIndex.data[lr]! as VRegIndex;
  }
  /** Number of uses of range `lr`. */
  useCount(lr: number): number {
    return this.useEnd.data[lr]! - this.useStart.data[lr]!;
  }
  /** The use id at index `k` of the pool. */
  useAt(k: number): UseId {
    return this.usePool.data[k]! as UseId;
  }
  /** Gives range `lr` the pool run [start, end). */
  setUses(lr: number, start: number, end: number): void {
    this.useStart.data[lr] = start;
    this.useEnd.data[lr] = end;
  }
  /** Gives range `lr` a fresh run holding `ids`. */
  appendUses(lr: RangeId, ids: readonly UseId[]): void {
    const start = this.usePool.length;
    for (let k = 0; k < ids.length; k++) this.usePool.push(ids[k]!);
    this.setUses(lr, start, this.usePool.length);
  }
  /** Lays out every range's building list (newest first, i.e. in position order) as its pool run. */
  finishUseLists(next: IntColumn): void {
    const n = this.length;
    for (let lr = 0; lr < n; lr++) {
      const start = this.usePool.length;
      for (let u = this.useHead.data[lr]!; u !== INVALID; u = next.data[u]!) this.usePool.push(u);
      this.setUses(lr, start, this.usePool.length);
    }
  }

  usesWeight(lr: number): number {
    return f32FromBits((this.weightFlags.data[lr]! & WEIGHT_MASK) << 2);
  }
  setUsesWeight(lr: number, w: number): void {
    const bits = (f32Bits(w) >>> 2) & WEIGHT_MASK;
    this.weightFlags.data[lr] = (this.weightFlags.data[lr]! & ~WEIGHT_MASK) | bits;
  }
  hasFlag(lr: number, flag: number): boolean {
    return (this.weightFlags.data[lr]! & flag) !== 0;
  }
  setFlag(lr: number, flag: number): void {
    this.weightFlags.data[lr]! |= flag;
  }
}

/** Uses: operand, program point, operand slot and 16-bit weight, by use id. */
export class Uses {
  /** Packed operands (uint32: the top bit is used, so not a plain array of small ints). */
  operand = new UintColumn();
  pos = new IntColumn();
  slot = new IntColumn();
  weight = new IntColumn();
  /** While liveness runs: the next (older) use of the same range. */
  next = new IntColumn();

  clear(): void {
    this.operand.clear();
    this.pos.clear();
    this.slot.clear();
    this.weight.clear();
    this.next.clear();
  }

  add(operand: Operand, pos: ProgPoint, slot: number, weight: number): UseId {
    this.operand.push(operand);
    this.pos.push(pos);
    this.slot.push(slot);
    this.next.push(INVALID);
    return this.weight.push(weight) as UseId;
  }
}

/** Entries one chunk of a `RangeMap` holds; a full chunk splits in two. */
const RANGE_CHUNK = 256;

/** A sorted run of a `RangeMap`'s entries, in parallel typed arrays. */
export class RangeChunk {
  from: Int32Array;
  to: Int32Array;
  value: Int32Array;
  size = 0;
  /** Starts small (most registers hold few ranges) and doubles up to RANGE_CHUNK. */
  constructor(capacity = 2) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
    this.value = new Int32Array(capacity);
  }
  grow(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.from = grow(this.from);
    this.to = grow(this.to);
    this.value = grow(this.value);
  }
}

const EMPTY_CHUNK = new RangeChunk(0);

/** A position in a `RangeMap`: entry `index` of chunk number `chunkIndex`. */
export class RangeCursor {
  chunk: RangeChunk = EMPTY_CHUNK;
  chunkIndex = 0;
  index = 0;
}

/**
 * An ordered map over non-overlapping half-open ranges [from, to) of program
 * points, with regalloc2's LiveRangeKey semantics (overlapping keys compare
 * equal). regalloc2 keeps these in a BTreeMap; this is its two-level cousin:
 * sorted chunks of at most RANGE_CHUNK entries, found by binary search over
 * the chunks' last entries, then within the chunk. Inserts and removals move
 * at most one chunk's tail, so a register holding a million ranges costs
 * O(log n) per operation, not the O(n) of one flat sorted array (which made a
 * long straight-line function quadratic). Walk it with a `RangeCursor`:
 * `seek`, then `valid` / `next`. No chunk is empty unless the map is.
 */
export class RangeMap {
  /** The entries a chunk holds before it splits (small only in `primeRangeMap`). */
  private readonly chunkLimit: number;
  /**
   * The chunks: the first `numChunks` hold the entries, in order; any after
   * them are empty spares kept from earlier runs (so emptying the map is
   * three stores, and a split reuses a chunk rather than allocating one).
   */
  // Made by `Array.of`, not a literal: a literal is an allocation site, whose
  // arrays V8 may decide mid-stream to allocate in the old generation (range
  // maps live long), throwing away the optimized code of every function that
  // inlined the constructor (allocateSpillslots, which makes a map per slot).
  chunks: RangeChunk[] = Array.of(new RangeChunk());
  numChunks = 1;
  /** The number of entries. */
  size = 0;

  constructor(chunkLimit = RANGE_CHUNK) {
    this.chunkLimit = chunkLimit;
  }

  clear(): void {
    this.numChunks = 1;
    this.chunks[0]!.size = 0;
    this.size = 0;
  }

  /** The number of the first chunk whose last entry ends after `point` (the last chunk when none does). */
  chunkAfter(point: number): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = this.numChunks - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = chunks[mid]!;
      if (c.to[c.size - 1]! <= point) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Places `cur` at the first entry with `to > point`, the first that can overlap a range starting at `point` (or past the end). */
  seek(point: number, cur: RangeCursor): void {
    const chunkIndex = this.chunkAfter(point);
    const chunk = this.chunks[chunkIndex]!;
    cur.chunk = chunk;
    cur.chunkIndex = chunkIndex;
    cur.index = lowerBoundIn(chunk, point);
  }

  /** Whether `cur` is at an entry (not past the end). */
  valid(cur: RangeCursor): boolean {
    return cur.index < cur.chunk.size;
  }

  /** Moves `cur` to the next entry (or past the end). */
  next(cur: RangeCursor): void {
    if (++cur.index >= cur.chunk.size && cur.chunkIndex + 1 < this.numChunks) {
      cur.chunk = this.chunks[++cur.chunkIndex]!;
      cur.index = 0;
    }
  }

  /** Whether an entry overlaps [from, to). */
  overlaps(from: number, to: number): boolean {
    const chunk = this.chunks[this.chunkAfter(from)]!;
    const i = lowerBoundIn(chunk, from);
    return i < chunk.size && chunk.from[i]! < to;
  }

  /** Inserts [from, to) → value; returns false (and inserts nothing) when it overlaps an entry. */
  insert(from: number, to: number, value: number): boolean {
    // After every entry (the map is empty, or ranges come in program
    // order): no search, and the shared tail below moves nothing. A full
    // last chunk takes the general path and splits, as for any insert, so
    // chunks keep room for later entries in between.
    let chunk = this.chunks[this.numChunks - 1]!;
    let i = chunk.size;
    if (!(i < this.chunkLimit && (i === 0 || chunk.to[i - 1]! <= from))) {
      const chunkIndex = this.chunkAfter(from);
      chunk = this.chunks[chunkIndex]!;
      i = lowerBoundIn(chunk, from);
      if (i < chunk.size && chunk.from[i]! < to) return false;
      const limit = this.chunkLimit;
      if (chunk.size === limit) {
        // Split the full chunk in halves; the new entry goes into the one it sorts into.
        const upper = this.spareChunkAt(chunkIndex + 1);
        const half = Math.floor(limit / 2);
        upper.from.set(chunk.from.subarray(half));
        upper.to.set(chunk.to.subarray(half));
        upper.value.set(chunk.value.subarray(half));
        upper.size = limit - half;
        chunk.size = half;
        if (i > half) {
          chunk = upper;
          i -= half;
        }
      }
    }
    const n = chunk.size;
    if (n === chunk.from.length) chunk.grow();
    if (i < n) {
      chunk.from.copyWithin(i + 1, i, n);
      chunk.to.copyWithin(i + 1, i, n);
      chunk.value.copyWithin(i + 1, i, n);
    }
    chunk.from[i] = from;
    chunk.to[i] = to;
    chunk.value[i] = value;
    chunk.size = n + 1;
    this.size++;
    return true;
  }

  /** An empty chunk of full capacity, moved in as chunk number `at` (those from `at` on move up one). */
  private spareChunkAt(at: number): RangeChunk {
    const chunks = this.chunks;
    if (chunks.length === this.numChunks) chunks.push(new RangeChunk(this.chunkLimit));
    // Every chunk of a map that has split has full capacity: the first one
    // reached it before it split, and spares are made full.
    const spare = chunks[this.numChunks]!;
    for (let j = this.numChunks; j > at; j--) chunks[j] = chunks[j - 1]!;
    chunks[at] = spare;
    this.numChunks++;
    return spare;
  }

  /** Removes the entry overlapping [from, to); returns whether one was found. */
  remove(from: number, to: number): boolean {
    const chunkIndex = this.chunkAfter(from);
    const chunk = this.chunks[chunkIndex]!;
    const i = lowerBoundIn(chunk, from);
    if (i >= chunk.size || chunk.from[i]! >= to) return false;
    const n = chunk.size;
    if (i + 1 < n) {
      chunk.from.copyWithin(i, i + 1, n);
      chunk.to.copyWithin(i, i + 1, n);
      chunk.value.copyWithin(i, i + 1, n);
    }
    chunk.size = n - 1;
    this.size--;
    // Keep every chunk in use non-empty (the binary search reads each one's
    // last entry): an emptied one becomes the first spare.
    if (chunk.size === 0 && this.numChunks > 1) {
      const chunks = this.chunks;
      const last = --this.numChunks;
      for (let j = chunkIndex; j < last; j++) chunks[j] = chunks[j + 1]!;
      chunks[last] = chunk;
    }
    return true;
  }
}

/**
 * Runs every path of `RangeMap` once on a throwaway map: a chunk splits, a
 * walk crosses chunks, an emptied chunk becomes a spare. Without this, the
 * first register to hold more than 256 ranges (in mid-module) reached code
 * that had never run, and V8 threw away the optimized code of the
 * allocator's hottest functions, which had inlined it.
 */
export function primeRangeMap(): void {
  // Chunks of 4 entries: 32 inserts at the end split 15 times, after V8
  // has given the methods their feedback vectors (a few calls in).
  const map = new RangeMap(4);
  const cur = new RangeCursor();
  for (let k = 0; k < 32; k++) map.insert(4 * k, 4 * k + 2, k);
  map.insert(2, 3, 0); // between two entries
  map.insert(4, 5, 0); // overlaps one: refused
  for (map.seek(0, cur); map.valid(cur); map.next(cur));
  map.overlaps(4 * 32, 4 * 32 + 1);
  // Emptied chunks, the first in use each time, become spares.
  for (let k = 0; k < 32; k++) map.remove(4 * k, 4 * k + 1);
  map.clear();
}

/** Index in `chunk` of the first entry with `to > point` (its size when none). */
export function lowerBoundIn(chunk: RangeChunk, point: number): number {
  const to = chunk.to;
  let lo = 0;
  let hi = chunk.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (to[mid]! <= point) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A dense bitset over vreg indices, with union-and-report-change. */
export class BitSet {
  /** The set's words: a view of `store` sized for the current function. */
  words: Uint32Array;
  private store: Uint32Array;
  constructor(bits: number) {
    this.store = new Uint32Array((bits + 31) >>> 5);
    this.words = this.store;
  }
  /** Empties the set and sizes it for `bits` bits, reusing its storage when it fits. */
  reset(bits: number): void {
    const n = (bits + 31) >>> 5;
    if (this.store.length < n) this.store = new Uint32Array(n);
    if (this.words.length !== n) this.words = this.store.subarray(0, n);
    this.words.fill(0);
  }
  get(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  set(i: number, v: boolean): void {
    if (v) this.words[i >>> 5]! |= 1 << (i & 31);
    else this.words[i >>> 5]! &= ~(1 << (i & 31));
  }
  copyFrom(o: BitSet): void {
    this.words.set(o.words);
  }
  /** this |= o; true when this changed. */
  unionWith(o: BitSet): boolean {
    let changed = false;
    const a = this.words;
    const b = o.words;
    for (let i = 0; i < a.length; i++) {
      const x = (a[i]! | b[i]!) >>> 0;
      if (x !== a[i]) {
        a[i] = x;
        changed = true;
      }
    }
    return changed;
  }
  isEmpty(): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== 0) return false;
    return true;
  }
  /** Set bits in ascending order. */
  forEach(fn: (i: number) => void): void {
    const w = this.words;
    for (let k = 0; k < w.length; k++) {
      let b = w[k]!;
      while (b !== 0) {
        const bit = 31 - Math.clz32(b & -b);
        b &= b - 1;
        fn(k * 32 + bit);
      }
    }
  }
}

/** Lexicographic comparison of records `a` and `b` (width ints each) of `d`, from field `from`. */
function compareRecords(d: Int32Array, width: number, a: number, b: number, from: number): number {
  for (let f = from; f < width; f++) {
    const x = d[a * width + f]!;
    const y = d[b * width + f]!;
    if (x !== y) return x - y;
  }
  return 0;
}

// Sorting scratch, reused by every call (one thread runs one call at a time).
let countStarts = new Int32Array(4);
let recordOrder = new Int32Array(4);
let recordOrder2 = new Int32Array(4);
let recordCopy = new Int32Array(4);

/** Stable counting sort of the `n` record indices `from` by field `f` (values 0..max) into `to`. */
export function countingSortBy(d: Int32Array, width: number, f: number, max: number, from: Int32Array, to: Int32Array, n = from.length): void {
  const start = (countStarts = withRoom(countStarts, max + 2));
  start.fill(0, 0, max + 2);
  for (let i = 0; i < n; i++) start[d[from[i]! * width + f]! + 1]!++;
  for (let v = 0; v <= max; v++) start[v + 1]! += start[v]!;
  for (let i = 0; i < n; i++) {
    const r = from[i]!;
    to[start[d[r * width + f]!]!++] = r;
  }
}

/**
 * Sorts the fixed-width records of `col` (non-negative ints) lexicographically
 * by all fields: two stable counting sorts (field 1, then field 0), then the
 * runs equal on both, which are short, by the remaining fields.
 */
export function sortRecords(col: IntColumn, width: number): void {
  const d = col.data;
  const n = col.length / width;
  if (n < 2) return;
  let max0 = 0;
  let max1 = 0;
  for (let i = 0; i < n; i++) {
    if (d[i * width]! > max0) max0 = d[i * width]!;
    if (d[i * width + 1]! > max1) max1 = d[i * width + 1]!;
  }
  const identity = (recordOrder = withRoom(recordOrder, n));
  for (let i = 0; i < n; i++) identity[i] = i;
  const byField1 = (recordOrder2 = withRoom(recordOrder2, n));
  countingSortBy(d, width, 1, max1, identity, byField1, n);
  const order = identity; // reused as the output of the second pass
  countingSortBy(d, width, 0, max0, byField1, order, n);
  if (width > 2) {
    let s = 0;
    while (s < n) {
      let t = s + 1;
      while (t < n && d[order[t]! * width] === d[order[s]! * width] && d[order[t]! * width + 1] === d[order[s]! * width + 1]) t++;
      if (t - s > 64) {
        const run = Array.from(order.subarray(s, t));
        run.sort((a, b) => compareRecords(d, width, a, b, 2) || a - b);
        order.set(run, s);
      } else {
        for (let i = s + 1; i < t; i++) {
          const x = order[i]!;
          let j = i - 1;
          while (j >= s && compareRecords(d, width, order[j]!, x, 2) > 0) {
            order[j + 1] = order[j]!;
            j--;
          }
          order[j + 1] = x;
        }
      }
      s = t;
    }
  }
  const sorted = (recordCopy = withRoom(recordCopy, n * width));
  for (let k = 0; k < n; k++) for (let f = 0; f < width; f++) sorted[k * width + f] = d[order[k]! * width + f]!;
  for (let i = 0; i < n * width; i++) d[i] = sorted[i]!; // the used part only, not the capacity
}
