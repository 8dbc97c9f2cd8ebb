// The set of live vregs: an intrusive doubly-linked list over vreg indices in
// typed arrays, iterated most recently inserted first.

import * as regs from '../model/regs.js';
import type { VReg } from '../model/regs.js';

// A module constant, not the imported binding (see index.ts).
const { vregIndex } = regs;

export class VRegSet {
  private next: Int32Array;
  private prev: Int32Array;
  private vregs: Int32Array;
  private head: number;

  constructor(numVregs: number) {
    this.next = new Int32Array(numVregs + 1);
    this.prev = new Int32Array(numVregs + 1);
    this.vregs = new Int32Array(numVregs + 1).fill(-1);
    this.head = numVregs;
    this.next[numVregs] = numVregs;
    this.prev[numVregs] = numVregs;
  }

  /**
   * Empties the set for vreg indices below `numVregs`, reusing its arrays
   * when large enough. Only the members left in the set are cleared: every
   * other entry already says "absent".
   */
  reset(numVregs: number): void {
    for (let i = this.next[this.head]!; i !== this.head; i = this.next[i]!) this.vregs[i] = -1;
    if (this.next.length < numVregs + 1) {
      const cap = Math.max(numVregs + 1, this.next.length * 2);
      this.next = new Int32Array(cap);
      this.prev = new Int32Array(cap);
      this.vregs = new Int32Array(cap).fill(-1);
    }
    this.head = numVregs;
    this.next[numVregs] = numVregs;
    this.prev[numVregs] = numVregs;
  }

  insert(v: VReg): void {
    const idx = vregIndex(v);
    const first = this.next[this.head]!;
    this.next[idx] = first;
    this.prev[idx] = this.head;
    this.vregs[idx] = v;
    this.next[this.head] = idx;
    this.prev[first] = idx;
  }

  remove(index: number): void {
    const p = this.prev[index]!;
    const n = this.next[index]!;
    this.next[p] = n;
    this.prev[n] = p;
    this.vregs[index] = -1;
  }

  has(index: number): boolean {
    return this.vregs[index] !== -1;
  }

  isEmpty(): boolean {
    return this.next[this.head] === this.head;
  }

  /** The vregs, most recently inserted first. */
  toArray(): VReg[] {
    const out: VReg[] = [];
    for (let i = this.next[this.head]!; i !== this.head; i = this.next[i]!) out.push(this.vregs[i]!);
    return out;
  }

  /**
   * Allocation-free iteration, most recently inserted first:
   * `for (let i = s.first(); i !== s.end(); i = s.after(i)) s.at(i)`.
   * The set must not change meanwhile.
   */
  first(): number {
    return this.next[this.head]!;
  }
  end(): number {
    return this.head;
  }
  after(i: number): number {
    return this.next[i]!;
  }
  at(i: number): VReg {
    return this.vregs[i]!;
  }

  /** Calls `fn` for each vreg, most recently inserted first; `fn` must not change the set. */
  forEach(fn: (v: VReg) => void): void {
    for (let i = this.next[this.head]!; i !== this.head; i = this.next[i]!) fn(this.vregs[i]!);
  }
}
