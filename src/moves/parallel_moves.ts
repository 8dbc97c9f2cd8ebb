// Parallel move resolution, shared by Ion and Fastalloc (regalloc2's
// `moves.rs`): a set of moves that happen at once becomes a sequence of
// single moves, breaking cycles through a scratch location; then a second
// step picks the scratch (a free register, else a stack slot) and rewrites
// stack-to-stack moves through a register, borrowing one (saved to a slot
// and restored) when none is free.
//
// Move lists are `MoveList`s: flat (from, to, data) triples in a growable
// Int32Array; `data` is a vreg or MOVE_DATA_NONE. No per-move objects, and
// no plain arrays truncated with `length = 0` (V8 drops their backing store,
// so every reuse would allocate again).
//
// Use:
//   par.clear(); par.add(from, to, vreg); ...
//   const needsScratch = par.resolve(seq);          // seq: MoveList, reused
//   resolveScratch(seq, needsScratch, hooks, out);  // out: the final moves
// `out` never holds a stack-to-stack move (per `hooks.isStackAlloc`).

import { type Allocation, ALLOC_NONE, allocReg } from '../model/allocation.js';
import type { PReg } from '../model/regs.js';
import { growableFields, withRoom } from '../util/int_buffers.js';

export const MOVE_DATA_NONE = -1;

const TODO = 0;
const PENDING = 1;
const DONE = 2;

/** A reusable list of (from, to, data) move triples. */
export class MoveList {
  /** The triples; only the first `length` entries are meaningful. */
  buf = new Int32Array(48);
  /** Number of entries used: three per move. */
  length = 0;

  clear(): void {
    this.length = 0;
  }

  /** Number of moves. */
  get count(): number {
    return this.length / 3;
  }

  push(from: number, to: number, data: number): void {
    const n = this.length;
    const b = (this.buf = withRoom(this.buf, n + 3));
    b[n] = from;
    b[n + 1] = to;
    b[n + 2] = data;
    this.length = n + 3;
  }

  /** Copies `src`'s moves over this list's. */
  copyFrom(src: MoveList): void {
    const n = src.length;
    if (this.buf.length < n) this.buf = new Int32Array(src.buf.length);
    const a = this.buf;
    const b = src.buf;
    for (let i = 0; i < n; i++) a[i] = b[i]!; // no subarray view to allocate
    this.length = n;
  }

  /** The triples as a plain array (for tests and debugging). */
  toArray(): number[] {
    return Array.from(this.buf.subarray(0, this.length));
  }
}

export class ParallelMoves {
  /** (from, to, data) triples in insertion order. */
  private readonly moves = new MoveList();
  private order = new Int32Array(16);
  private tmp = new Int32Array(16);
  private readonly sorted = new MoveList();
  private mustComeBefore = new Int32Array(16);
  private state: Uint8Array = new Uint8Array(16);
  private stack = new Int32Array(16);

  constructor() {
    growableFields(this, ['order', 'tmp', 'mustComeBefore', 'state', 'stack']);
  }

  /** Stable sort of `order[0..n)` by (dst, src): runs of 16 by insertion, then merges. */
  private mergeSort(n: number): void {
    const m = this.moves.buf;
    let a = this.order;
    let b = this.tmp;
    for (let i = 0; i < n; i += 16) insertionSort(a, i, Math.min(n, i + 16), m);
    for (let width = 16; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(n, lo + width);
        const hi = Math.min(n, lo + 2 * width);
        let i = lo;
        let j = mid;
        let k = lo;
        while (i < mid && j < hi) {
          // Take from the right run only when strictly smaller: stable.
          if (lessMove(m, a[j]!, a[i]!)) b[k++] = a[j++]!;
          else b[k++] = a[i++]!;
        }
        while (i < mid) b[k++] = a[i++]!;
        while (j < hi) b[k++] = a[j++]!;
      }
      const t = a;
      a = b;
      b = t;
    }
    this.order = a;
    this.tmp = b;
  }

  clear(): void {
    this.moves.clear();
  }

  get length(): number {
    return this.moves.count;
  }

  add(from: Allocation, to: Allocation, data: number = MOVE_DATA_NONE): void {
    this.moves.push(from, to, data);
  }

  /**
   * Resolves the parallel moves into `out` (cleared first) as a sequence.
   * Returns true when the sequence needs a scratch location, which appears
   * as ALLOC_NONE (see `withScratch`).
   */
  resolve(out: MoveList): boolean {
    out.clear();
    const n0 = this.moves.count;
    if (n0 <= 1) {
      out.copyFrom(this.moves);
      return false;
    }
    const m = this.moves.buf;
    // Sort by (dst, src), stably; drop exact duplicates and self-moves.
    if (this.order.length < n0) {
      this.order = withRoom(this.order, n0);
      this.tmp = withRoom(this.tmp, n0);
    }
    const unsorted = this.order;
    for (let i = 0; i < n0; i++) unsorted[i] = i;
    if (n0 <= 16) insertionSort(unsorted, 0, n0, m);
    else this.mergeSort(n0);
    const order = this.order; // mergeSort may leave the result in the other buffer
    const sorted = this.sorted;
    sorted.clear();
    for (let k = 0; k < n0; k++) {
      const i = order[k]!;
      const from = m[3 * i]!;
      const to = m[3 * i + 1]!;
      const data = m[3 * i + 2]!;
      const len = sorted.length;
      const sb = sorted.buf;
      if (len > 0 && sb[len - 3] === from && sb[len - 2] === to && sb[len - 1] === data) continue;
      sorted.push(from, to, data);
    }
    // Self-moves go only after dedup, as regalloc2 does.
    const s = sorted.buf;
    let w = 0;
    for (let r = 0; r < sorted.length; r += 3) {
      if (s[r] === s[r + 1]) continue;
      s[w] = s[r]!;
      s[w + 1] = s[r + 1]!;
      s[w + 2] = s[r + 2]!;
      w += 3;
    }
    sorted.length = w;
    const n = w / 3;

    // For each move, the move that overwrites its source (must come after it).
    const before = (this.mustComeBefore = withRoom(this.mustComeBefore, n));
    let overlap = false;
    for (let i = 0; i < n; i++) {
      const j = findByDest(s, n, s[3 * i]!);
      before[i] = j;
      if (j >= 0) overlap = true;
    }
    if (!overlap) {
      out.copyFrom(sorted);
      return false;
    }

    const state = (this.state = withRoom(this.state, n));
    state.fill(TODO, 0, n);
    const stack = (this.stack = withRoom(this.stack, n));
    let sp = 0;
    let scratchUsed = false;
    let cursor = 0;
    for (;;) {
      while (cursor < n && state[cursor] !== TODO) cursor++;
      if (cursor >= n) break;
      stack[sp++] = cursor;
      state[cursor] = PENDING;
      while (sp > 0) {
        const top = stack[sp - 1]!;
        const next = before[top]!;
        if (next < 0 || state[next] === DONE) {
          pushMove(out, s, top);
          state[top] = DONE;
          sp--;
          while (sp > 0) {
            const t = stack[--sp]!;
            pushMove(out, s, t);
            state[t] = DONE;
          }
        } else if (state[next] === TODO) {
          stack[sp++] = next;
          state[next] = PENDING;
        } else {
          // A cycle: save `top`'s source in the scratch, finish the cycle,
          // then write `top`'s destination from the scratch.
          state[top] = DONE;
          sp--;
          scratchUsed = true;
          out.push(ALLOC_NONE, s[3 * top + 1]!, s[3 * top + 2]!);
          while (sp > 0) {
            const idx = stack[--sp]!;
            state[idx] = DONE;
            pushMove(out, s, idx);
            if (idx === next) break;
          }
          out.push(s[3 * top]!, ALLOC_NONE, MOVE_DATA_NONE);
        }
      }
    }
    reverseTriples(out.buf, out.length);
    return scratchUsed;
  }
}

/** Move `x` sorts before move `y`: by destination, then source. */
function lessMove(m: Int32Array, x: number, y: number): boolean {
  const xd = m[3 * x + 1]!;
  const yd = m[3 * y + 1]!;
  return xd < yd || (xd === yd && m[3 * x]! < m[3 * y]!);
}

/** Stable insertion sort of `order[lo..hi)` by (dst, src). */
function insertionSort(order: Int32Array, lo: number, hi: number, m: Int32Array): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = order[i]!;
    let j = i - 1;
    while (j >= lo && lessMove(m, x, order[j]!)) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = x;
  }
}

function pushMove(out: MoveList, s: Int32Array, i: number): void {
  out.push(s[3 * i]!, s[3 * i + 1]!, s[3 * i + 2]!);
}

/** Index of the move whose destination is `dst` (moves sorted by destination), or -1. */
function findByDest(s: Int32Array, n: number, dst: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const d = s[3 * mid + 1]!;
    if (d < dst) lo = mid + 1;
    else if (d > dst) hi = mid;
    else return mid;
  }
  return -1;
}

function reverseTriples(a: Int32Array, len: number): void {
  for (let i = 0, j = len - 3; i < j; i += 3, j -= 3) {
    for (let k = 0; k < 3; k++) {
      const t = a[i + k]!;
      a[i + k] = a[j + k]!;
      a[j + k] = t;
    }
  }
}

/** Replaces the scratch placeholder (ALLOC_NONE) in `moves` by `scratch`. */
export function withScratch(moves: MoveList, scratch: Allocation): void {
  const b = moves.buf;
  for (let i = 0; i < moves.length; i += 3) {
    if (b[i] === ALLOC_NONE) b[i] = scratch;
    if (b[i + 1] === ALLOC_NONE) b[i + 1] = scratch;
  }
}

/** What the scratch step needs from its allocator. */
export interface ScratchHooks {
  /** A register free at this point, or undefined. */
  findFreeReg(): Allocation | undefined;
  /** A fresh stack slot. */
  getStackslot(): Allocation;
  /** True for spill slots and registers standing for fixed stack slots. */
  isStackAlloc(a: Allocation): boolean;
  /** The register to borrow (save, use, restore) when none is free. */
  borrowedScratchReg: PReg;
}

/**
 * The second step: fills the scratch placeholder (a free register, else a
 * stack slot), then routes stack-to-stack moves through a register.
 * `moves` is the output of `resolve`; the result goes to `out`.
 */
export function resolveScratch(moves: MoveList, needsScratch: boolean, hooks: ScratchHooks, out: MoveList): void {
  out.clear();
  if (needsScratch) withScratch(moves, hooks.findFreeReg() ?? hooks.getStackslot());
  const mb = moves.buf;
  let stackToStack = false;
  for (let i = 0; i < moves.length; i += 3) {
    if (hooks.isStackAlloc(mb[i]!) && hooks.isStackAlloc(mb[i + 1]!)) {
      stackToStack = true;
      break;
    }
  }
  if (!stackToStack) {
    out.copyFrom(moves);
    return;
  }
  let scratchReg: Allocation;
  let saveSlot: Allocation | undefined;
  const free = hooks.findFreeReg();
  if (free !== undefined) scratchReg = free;
  else {
    scratchReg = allocReg(hooks.borrowedScratchReg);
    saveSlot = hooks.getStackslot();
  }
  let scratchDirty = false;
  let saveDirty = true;
  for (let i = 0; i < moves.length; i += 3) {
    const src = mb[i]!;
    const dst = mb[i + 1]!;
    const data = mb[i + 2]!;
    if (hooks.isStackAlloc(src) && hooks.isStackAlloc(dst)) {
      if (saveSlot !== undefined && saveDirty) {
        out.push(scratchReg, saveSlot, MOVE_DATA_NONE);
        saveDirty = false;
      }
      out.push(src, scratchReg, data);
      out.push(scratchReg, dst, data);
      scratchDirty = true;
    } else {
      if (src === scratchReg && scratchDirty) {
        // The borrowed register is read: restore its own value first.
        out.push(saveSlot!, scratchReg, MOVE_DATA_NONE);
        scratchDirty = false;
      }
      if (dst === scratchReg) {
        scratchDirty = false;
        saveDirty = true;
      }
      out.push(src, dst, data);
    }
  }
  if (saveSlot !== undefined && scratchDirty) out.push(saveSlot, scratchReg, MOVE_DATA_NONE);
}
