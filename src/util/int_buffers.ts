// Growable typed-array buffers. Hot paths keep their numbers in typed arrays
// that live across runs: clearing is a length reset, growth doubles.

/** `a` if it holds `need` entries, else a copy of it with at least twice the room. */
export function withRoom<A extends Int32Array | Uint32Array | Uint8Array | Float64Array>(a: A, need: number): A {
  if (need <= a.length) return a;
  const grown = new (a.constructor as new (n: number) => A)(Math.max(need, a.length * 2));
  grown.set(a);
  return grown;
}

/** A growable column of 32-bit integers (signed or unsigned by `A`). */
class Column<A extends Int32Array | Uint32Array> {
  length = 0;
  constructor(public data: A) {}
  clear(): void {
    this.length = 0;
  }
  /** Appends `v`; returns its index. */
  push(v: number): number {
    if (this.length === this.data.length) this.data = withRoom(this.data, this.length + 1);
    this.data[this.length] = v;
    return this.length++;
  }
}

export class IntColumn extends Column<Int32Array> {
  constructor(capacity = 64) {
    super(new Int32Array(capacity));
  }
}

export class UintColumn extends Column<Uint32Array> {
  constructor(capacity = 64) {
    super(new Uint32Array(capacity));
  }
}
