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

// Output arrays. An allocator returns fresh typed arrays with each result
// (allocations, per-instruction offsets, edits), and a context runs once per
// function of a module. V8 keeps a typed array of at most 64 bytes in its
// heap (tens of nanoseconds), but gives a larger one, or an empty one, an
// ArrayBuffer of its own (about 0.3-0.5 us each: on a function of ten
// instructions, as much as allocating a few of its operands). So larger
// arrays are carved, zeroed, from shared slabs instead; a slab lives as long
// as any result that views it, at most SLAB_BYTES beyond the results' own size.

/** Typed arrays up to this many 32-bit entries stay in V8's heap. */
const IN_HEAP_ENTRIES = 16;
/** Bytes per slab; a request of more than a quarter slab gets its own buffer. */
const SLAB_BYTES = 1 << 16;

const EMPTY_INT32 = new Int32Array(0);
const EMPTY_UINT32 = new Uint32Array(0);
let int32Slab = new Int32Array(SLAB_BYTES >>> 2);
let int32Used = 0;
let uint32Slab = new Uint32Array(SLAB_BYTES >>> 2);
let uint32Used = 0;

/** A zeroed Int32Array of `n` entries for a result (its own or a view of a shared slab). */
export function resultInt32s(n: number): Int32Array<ArrayBuffer> {
  if (n === 0) return EMPTY_INT32;
  if (n <= IN_HEAP_ENTRIES || n > SLAB_BYTES >>> 4) return new Int32Array(n);
  if (int32Used + n > int32Slab.length) {
    int32Slab = new Int32Array(SLAB_BYTES >>> 2);
    int32Used = 0;
  }
  const view = int32Slab.subarray(int32Used, int32Used + n);
  int32Used += n;
  return view;
}

/** A zeroed Uint32Array of `n` entries for a result (its own or a view of a shared slab). */
export function resultUint32s(n: number): Uint32Array<ArrayBuffer> {
  if (n === 0) return EMPTY_UINT32;
  if (n <= IN_HEAP_ENTRIES || n > SLAB_BYTES >>> 4) return new Uint32Array(n);
  if (uint32Used + n > uint32Slab.length) {
    uint32Slab = new Uint32Array(SLAB_BYTES >>> 2);
    uint32Used = 0;
  }
  const view = uint32Slab.subarray(uint32Used, uint32Used + n);
  uint32Used += n;
  return view;
}
