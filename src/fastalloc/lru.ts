// A per-class LRU of physical registers: a circular doubly-linked list over
// hw_enc (0..63) in two byte arrays. The head is the most recently used; the
// oldest is the head's predecessor.

import * as regs from '../model/regs.js';
import { type PReg, PRegSet, type RegClass } from '../model/regs.js';

// A module constant, not the imported binding (see index.ts).
const { PREG_MAX_HW_ENC, pregHwEnc } = regs;

const NIL = 0xff;

export class Lru {
  readonly prev = new Uint8Array(PREG_MAX_HW_ENC + 1).fill(NIL);
  readonly next = new Uint8Array(PREG_MAX_HW_ENC + 1).fill(NIL);
  head = NIL;
  /** Whether the order changed since the last `copyFrom` (a context restores only changed LRUs). */
  dirty = true;
  readonly cls: RegClass;

  /** The registers of `regs` (all of class `cls`), oldest last in ascending order. */
  constructor(cls: RegClass, regs: PRegSet) {
    this.cls = cls;
    this.reset(regs);
  }

  reset(regs: PRegSet): void {
    this.prev.fill(NIL);
    this.next.fill(NIL);
    // The class's registers in ascending order, as a ring.
    const bits = regs.bits;
    let first = NIL;
    let last = NIL;
    for (let w = 2 * this.cls; w < 2 * this.cls + 2; w++) {
      let b = bits[w]!;
      while (b !== 0) {
        const hw = ((w & 1) << 5) | (31 - Math.clz32(b & -b));
        b &= b - 1;
        if (first === NIL) first = hw;
        else {
          this.next[last] = hw;
          this.prev[hw] = last;
        }
        last = hw;
      }
    }
    if (first !== NIL) {
      this.next[last] = first;
      this.prev[first] = last;
    }
    this.head = first;
  }

  /** Makes this LRU a copy of `o` (same class). */
  copyFrom(o: Lru): void {
    this.prev.set(o.prev);
    this.next.set(o.next);
    this.head = o.head;
    this.dirty = false;
  }

  isEmpty(): boolean {
    return this.head === NIL;
  }

  /** Marks `preg` as the most recently used. */
  poke(preg: PReg): void {
    const hw = pregHwEnc(preg);
    const oldHead = this.head;
    if (hw === oldHead) return;
    this.dirty = true;
    if (this.prev[oldHead] !== hw) {
      this.remove(hw);
      this.insertBefore(hw, this.head);
    }
    this.head = hw;
  }

  /** The least recently used register. */
  oldest(): PReg {
    return (this.cls << 6) | this.prev[this.head]!;
  }

  /** The least recently used register in `from`, or -1. */
  last(from: PRegSet): PReg {
    if (this.head === NIL) return -1;
    const base = this.cls << 6;
    const start = this.prev[this.head]!;
    let hw = start;
    do {
      if (from.contains(base | hw)) return base | hw;
      hw = this.prev[hw]!;
    } while (hw !== start);
    return -1;
  }

  /** The least recently used register in `from` with hw_enc below `limit`, or -1. */
  lastBelow(from: PRegSet, limit: number): PReg {
    if (this.head === NIL) return -1;
    const base = this.cls << 6;
    const start = this.prev[this.head]!;
    let hw = start;
    do {
      if (hw < limit && from.contains(base | hw)) return base | hw;
      hw = this.prev[hw]!;
    } while (hw !== start);
    return -1;
  }

  /** Registers from most to least recently used. */
  toArray(): PReg[] {
    const out: PReg[] = [];
    if (this.head === NIL) return out;
    let hw = this.head;
    do {
      out.push((this.cls << 6) | hw);
      hw = this.next[hw]!;
    } while (hw !== this.head);
    return out;
  }

  private remove(hw: number): void {
    const p = this.prev[hw]!;
    const n = this.next[hw]!;
    this.next[p] = n;
    this.prev[n] = p;
    this.prev[hw] = NIL;
    this.next[hw] = NIL;
    if (hw === this.head) this.head = hw === n ? NIL : n;
  }

  private insertBefore(i: number, j: number): void {
    const p = this.prev[j]!;
    this.next[p] = i;
    this.prev[j] = i;
    this.next[i] = j;
    this.prev[i] = p;
  }
}
