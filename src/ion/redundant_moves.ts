// Redundant move elimination (regalloc2's redundant_moves.rs): tracks which
// locations hold copies of which, within a block, to drop moves that would
// copy a value onto itself.

const NONE = 0;
const COPY = 1;
const ORIG = 2;

interface MoveState {
  kind: number;
  /** For COPY: the source allocation. */
  alloc: number;
  /** The vreg, or -1. */
  vreg: number;
}

export class RedundantMoveEliminator {
  private allocs = new Map<number, MoveState>();
  private reverse = new Map<number, number[]>();

  clear(): void {
    this.allocs.clear();
    this.reverse.clear();
  }

  clearAlloc(a: number): void {
    const copies = this.reverse.get(a);
    if (copies) {
      for (const c of copies) this.allocs.delete(c);
      copies.length = 0;
    }
    this.allocs.delete(a);
  }

  /** Records the move; returns true when it can be elided. */
  processMove(from: number, to: number, toVreg: number): boolean {
    const fromState = this.allocs.get(from);
    const toState = this.allocs.get(to);
    if (from === to && toVreg !== -1) {
      this.clearAlloc(to);
      this.allocs.set(to, { kind: ORIG, alloc: 0, vreg: toVreg });
      return true;
    }
    const srcVreg = fromState && fromState.kind !== NONE ? fromState.vreg : -1;
    const dstVreg = toVreg !== -1 ? toVreg : srcVreg;
    const elide =
      (toState !== undefined && toState.kind === COPY && toState.alloc === from) ||
      (fromState !== undefined && fromState.kind === COPY && fromState.alloc === to);
    if (!elide) this.clearAlloc(to);
    if (from >>> 28 === 1 || to >>> 28 === 1) {
      this.allocs.set(to, { kind: COPY, alloc: from, vreg: dstVreg });
      const list = this.reverse.get(from);
      if (list) list.push(to);
      else this.reverse.set(from, [to]);
    }
    return elide;
  }
}
