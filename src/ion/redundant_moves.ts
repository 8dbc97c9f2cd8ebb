// Redundant move elimination (regalloc2's redundant_moves.rs): tracks which
// locations hold copies of which, within a block, to drop moves that would
// copy a value onto itself.
//
// State lives in typed arrays indexed directly by location (registers, then
// spill slots); clearing is a generation bump, since it happens at every
// block boundary and must cost nothing.

import { allocIsReg } from '../model/allocation.js';
import { locationIndex } from '../model/location.js';
import { growableFields, withRoom } from '../util/int_buffers.js';

const NONE = 0;
const COPY = 1;
const ORIG = 2;


export class RedundantMoveEliminator {
  /** A location's state is valid only when its stamp equals `gen`. */
  private stamp = new Int32Array(512);
  private kind = new Uint8Array(512);
  /** For COPY: the source allocation. */
  private src = new Int32Array(512);
  /** The vreg, or -1. */
  private vreg = new Int32Array(512);
  /** Reverse map: locations copied from this one, as a linked list of nodes. */
  private head = new Int32Array(512);
  private headStamp = new Int32Array(512);
  private nodeTo = new Int32Array(256);
  private nodeNext = new Int32Array(256);
  private nodes = 0;
  private gen = 1;

  constructor() {
    growableFields(this, ['stamp', 'kind', 'src', 'vreg', 'head', 'headStamp', 'nodeTo', 'nodeNext']);
  }

  clear(): void {
    this.gen++;
    this.nodes = 0;
  }

  /** Room for location `i` in every per-location array (they grow together). */
  private ensure(i: number): void {
    if (i < this.stamp.length) return;
    this.stamp = withRoom(this.stamp, i + 1);
    this.kind = withRoom(this.kind, i + 1);
    this.src = withRoom(this.src, i + 1);
    this.vreg = withRoom(this.vreg, i + 1);
    this.head = withRoom(this.head, i + 1);
    this.headStamp = withRoom(this.headStamp, i + 1);
  }

  private kindAt(i: number): number {
    return i < this.stamp.length && this.stamp[i] === this.gen ? this.kind[i]! : NONE;
  }

  private set(i: number, kind: number, src: number, vreg: number): void {
    this.ensure(i);
    this.stamp[i] = this.gen;
    this.kind[i] = kind;
    this.src[i] = src;
    this.vreg[i] = vreg;
  }

  clearAlloc(a: number): void {
    const i = locationIndex(a);
    if (i >= this.stamp.length) return;
    if (this.headStamp[i] === this.gen) {
      for (let n = this.head[i]!; n >= 0; n = this.nodeNext[n]!) {
        const c = this.nodeTo[n]!;
        if (this.stamp[c] === this.gen) this.kind[c] = NONE;
      }
      this.head[i] = -1;
    }
    if (this.stamp[i] === this.gen) this.kind[i] = NONE;
  }

  private addReverse(fromIdx: number, toIdx: number): void {
    this.ensure(fromIdx);
    const n = this.nodes++;
    this.nodeTo = withRoom(this.nodeTo, n + 1);
    this.nodeNext = withRoom(this.nodeNext, n + 1);
    this.nodeTo[n] = toIdx;
    if (this.headStamp[fromIdx] !== this.gen) {
      this.headStamp[fromIdx] = this.gen;
      this.head[fromIdx] = -1;
    }
    this.nodeNext[n] = this.head[fromIdx]!;
    this.head[fromIdx] = n;
  }

  /** Records the move; returns true when it can be elided. */
  processMove(from: number, to: number, toVreg: number): boolean {
    const fi = locationIndex(from);
    const ti = locationIndex(to);
    if (from === to && toVreg !== -1) {
      this.clearAlloc(to);
      this.set(ti, ORIG, 0, toVreg);
      return true;
    }
    const fromKind = this.kindAt(fi);
    const toKind = this.kindAt(ti);
    const srcVreg = fromKind !== NONE ? this.vreg[fi]! : -1;
    const dstVreg = toVreg !== -1 ? toVreg : srcVreg;
    const elide = (toKind === COPY && this.src[ti] === from) || (fromKind === COPY && this.src[fi] === to);
    if (!elide) this.clearAlloc(to);
    // Copies are tracked only when a register is involved, as in regalloc2
    // (a stack-to-stack copy is never elided).
    if (allocIsReg(from) || allocIsReg(to)) {
      this.set(ti, COPY, from, dstVreg);
      this.addReverse(fi, ti);
    }
    return elide;
  }
}
