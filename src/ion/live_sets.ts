// Sets of vregs for liveness, sized by what is live rather than by the
// function: each block's live-in and live-out set is sparse (its non-empty
// 32-bit words, sorted by word index, as regalloc2's IndexSet keeps only its
// non-empty chunks), and the one dense working set remembers which words it
// touched so that emptying it costs what was set, not the vreg count. A
// dense set per block costs blocks × vregs bits and as much time to clear and
// union; on a 13,000-block, 100,000-vreg function that dominated the run.

import { growableFields, IndexList, withRoom } from '../util/int_buffers.js';

/** A sparse set of vregs: its non-empty words, in ascending word order. */
export class SparseBitSet {
  /** Word indices (vreg >>> 5), ascending; the first `length` are valid. */
  keys = new Int32Array(4);
  /** The words themselves, parallel to `keys`; never 0. */
  words = new Int32Array(4);
  length = 0;

  constructor() {
    growableFields(this, ['keys', 'words']);
  }

  clear(): void {
    this.length = 0;
  }

  isEmpty(): boolean {
    return this.length === 0;
  }

  get(vreg: number): boolean {
    const key = vreg >>> 5;
    const keys = this.keys;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.length && keys[lo] === key && (this.words[lo]! & (1 << (vreg & 31))) !== 0;
  }

  /** The smallest member, or -1 when empty. */
  first(): number {
    if (this.length === 0) return -1;
    const w = this.words[0]!;
    return this.keys[0]! * 32 + 31 - Math.clz32(w & -w);
  }

  /** Replaces the contents with the first `n` words of (keys, words). */
  assign(keys: Int32Array, words: Int32Array, n: number): void {
    // Through withRoom every time (it returns the array when it fits): its
    // growth path is primed once per process, where a growth written here
    // would first run in mid-stream, inside optimized code that inlined it.
    const k = (this.keys = withRoom(this.keys, n));
    const w = (this.words = withRoom(this.words, n));
    // A loop, not set(subarray): making a subarray costs more than copying a few words.
    for (let i = 0; i < n; i++) {
      k[i] = keys[i]!;
      w[i] = words[i]!;
    }
    this.length = n;
  }
}

// Merge scratch for unionInto (one allocation runs at a time per thread).
let mergedKeys = new Int32Array(4);
let mergedWords = new Int32Array(4);

/** `target |= (keys, words)[0..n)`; true when target changed. */
export function unionInto(target: SparseBitSet, keys: Int32Array, words: Int32Array, n: number): boolean {
  const tKeys = target.keys;
  const tWords = target.words;
  const tn = target.length;
  const outKeys = (mergedKeys = withRoom(mergedKeys, tn + n));
  const outWords = (mergedWords = withRoom(mergedWords, tn + n));
  let i = 0;
  let j = 0;
  let m = 0;
  let changed = false;
  while (i < tn && j < n) {
    const a = tKeys[i]!;
    const b = keys[j]!;
    if (a < b) {
      outKeys[m] = a;
      outWords[m++] = tWords[i++]!;
    } else if (b < a) {
      outKeys[m] = b;
      outWords[m++] = words[j++]!;
      changed = true;
    } else {
      const w = tWords[i]! | words[j]!;
      if (w !== tWords[i]) changed = true;
      outKeys[m] = a;
      outWords[m++] = w;
      i++;
      j++;
    }
  }
  if (j < n) changed = true;
  if (!changed) return false;
  while (i < tn) {
    outKeys[m] = tKeys[i]!;
    outWords[m++] = tWords[i++]!;
  }
  while (j < n) {
    outKeys[m] = keys[j]!;
    outWords[m++] = words[j++]!;
  }
  target.assign(outKeys, outWords, m);
  return true;
}

/**
 * Sorts the touched words of a throwaway set, out of order, a few dozen
 * times, few and many: both sorts then have type feedback before
 * the first function with words touched out of order (in mid-module) would
 * otherwise throw away `computeLiveness`'s optimized code, which inlines it.
 */
export function primeTrackedBitSet(calls: number): void {
  const set = new TrackedBitSet();
  for (let k = 0; k < calls; k++) {
    // Three words, then (every fourth call) forty: both sorts.
    const words = k % 4 === 3 ? 40 : 3;
    set.reset(32 * words);
    for (let w = words - 1; w >= 0; w--) set.add(32 * w);
    set.toSparse();
  }
}

/**
 * A dense working set of vregs that records the words it touches: `clear`
 * and `toSparse` cost the touched words only.
 */
export class TrackedBitSet {
  words = new Int32Array(0);
  /** The words that may be non-zero. */
  private readonly touched = new IndexList();
  /** The set in sparse form after `toSparse`: its first `sparseLength` entries. */
  sparseKeys = new Int32Array(4);
  sparseWords = new Int32Array(4);
  sparseLength = 0;

  /** Sizes the set for `bits` vregs, empty. */
  reset(bits: number): void {
    const n = (bits + 31) >>> 5;
    if (this.words.length < n) {
      this.words = new Int32Array(n);
      this.touched.clear();
      this.touched.reserve(n);
    } else this.clear();
  }

  get(vreg: number): boolean {
    return (this.words[vreg >>> 5]! & (1 << (vreg & 31))) !== 0;
  }

  add(vreg: number): void {
    const w = vreg >>> 5;
    this.words[w]! |= 1 << (vreg & 31);
    this.touched.add(w);
  }

  remove(vreg: number): void {
    this.words[vreg >>> 5]! &= ~(1 << (vreg & 31));
  }

  set(vreg: number, value: boolean): void {
    if (value) this.add(vreg);
    else this.remove(vreg);
  }

  /** Empties the set. */
  clear(): void {
    const words = this.words;
    const touched = this.touched.items;
    for (let k = 0; k < this.touched.length; k++) words[touched[k]!] = 0;
    this.touched.clear();
  }

  /** Adds every member of `s`. */
  addAll(s: SparseBitSet): void {
    const keys = s.keys;
    const sw = s.words;
    const words = this.words;
    for (let k = 0; k < s.length; k++) {
      const w = keys[k]!;
      words[w]! |= sw[k]!;
      this.touched.add(w);
    }
  }

  /** Writes the set's non-empty words, ascending, to sparseKeys/sparseWords. */
  toSparse(): void {
    const count = this.touched.length;
    const touched = this.touched.items; // sorted in place: the list's order is free
    if (count > 32) touched.subarray(0, count).sort();
    else {
      // Few words (the common case): an insertion sort, no subarray object.
      for (let i = 1; i < count; i++) {
        const x = touched[i]!;
        let j = i - 1;
        while (j >= 0 && touched[j]! > x) {
          touched[j + 1] = touched[j]!;
          j--;
        }
        touched[j + 1] = x;
      }
    }
    const keys = (this.sparseKeys = withRoom(this.sparseKeys, count));
    const out = (this.sparseWords = withRoom(this.sparseWords, count));
    const words = this.words;
    let n = 0;
    for (let k = 0; k < count; k++) {
      const w = touched[k]!;
      if (words[w] === 0) continue;
      keys[n] = w;
      out[n++] = words[w]!;
    }
    this.sparseLength = n;
  }
}
