// Growable typed-array buffers. Hot paths keep their numbers in typed arrays
// that live across runs: clearing is a length reset, growth doubles.

/** The kinds of buffer `withRoom` grows (and `growableFields` marks). */
type GrowableArray = Int32Array | Uint32Array | Uint8Array | Float64Array;

/** `a` if it holds `need` entries, else a copy of it with at least twice the room. */
export function withRoom<A extends GrowableArray>(a: A, need: number): A {
  if (need <= a.length) return a;
  const grown = new (a.constructor as new (n: number) => A)(Math.max(need, a.length * 2));
  grown.set(a);
  return grown;
}

/**
 * Grows one buffer of each kind `withRoom` takes, a few dozen times: its
 * growth path then has type feedback for all four, and optimized code that
 * inlined it does not meet a new kind of array (and get thrown away) the
 * first time some buffer outgrows its start size in mid-module.
 */
export function primeWithRoom(calls: number): void {
  for (let k = 0; k < calls; k++) {
    withRoom(new Int32Array(1), 2);
    withRoom(new Uint32Array(1), 2);
    withRoom(new Uint8Array(1), 2);
    withRoom(new Float64Array(1), 2);
  }
}

/**
 * Small non-negative integers, each listed once however often it is added
 * (a mark per index), in the order first added: what a table that is
 * emptied by undoing only the entries it changed keeps.
 */
export class IndexList {
  /** The indices: the first `length` entries (a caller may reorder them). */
  items = new Int32Array(4);
  length = 0;
  private marks: Uint8Array;

  /** A list with room for indices below `room`. */
  constructor(room = 0) {
    this.marks = new Uint8Array(room);
  }

  /** Makes room for indices below `n`, keeping the list. */
  reserve(n: number): void {
    this.marks = withRoom(this.marks, n);
  }

  /** Lists `i` unless it is listed already (`i` below the reserved room). */
  add(i: number): void {
    if (this.marks[i] !== 0) return;
    this.marks[i] = 1;
    const n = this.length;
    this.items = withRoom(this.items, n + 1);
    this.items[n] = i;
    this.length = n + 1;
  }

  /** Empties the list (its cost is the length, not the room). */
  clear(): void {
    const items = this.items;
    const marks = this.marks;
    for (let k = 0; k < this.length; k++) marks[items[k]!] = 0;
    this.length = 0;
  }
}

/**
 * Writes each named typed-array field of `obj` twice more (an empty array of
 * its class, then itself). V8 treats a field written only once as a constant
 * of its object: code compiled on that assumption, and every function that
 * inlined it, is thrown away when the field is first replaced, which for a
 * buffer that grows happens in mid-stream. Called in the constructors of
 * classes whose buffers grow, so that their fields are variable before any
 * code is compiled. (Not `subarray`: a view of a small array moves its
 * contents out of the heap, into an ArrayBuffer of its own, which cost Ion
 * about 1% on a large function.)
 */
export function growableFields(obj: object, names: readonly string[]): void {
  const fields = obj as Record<string, GrowableArray>;
  for (const name of names) {
    const array = fields[name];
    if (array === undefined) throw new Error(`growableFields: no field ${name}`);
    fields[name] = new (array.constructor as new (length: number) => GrowableArray)(0);
    fields[name] = array;
  }
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
  constructor(capacity = 4) {
    super(new Int32Array(capacity));
  }
}

export class UintColumn extends Column<Uint32Array> {
  constructor(capacity = 4) {
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

/**
 * Zeroed result arrays of one type: the shared empty one, one of V8's
 * in-heap arrays, or a view carved from the current slab. The first slab is
 * made on first use, not at import.
 */
abstract class ResultArrays<A extends Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>> {
  private readonly empty: A;
  private slab: A;
  private used = 0;
  constructor() {
    this.empty = this.make(0);
    this.slab = this.empty;
  }
  // A method of each subclass, not a closure field: V8 then knows the one
  // target from the receiver, where a shared closure call site saw two and
  // threw away the code it had optimized for one.
  protected abstract make(n: number): A;
  take(n: number): A {
    if (n === 0) return this.empty;
    if (n <= IN_HEAP_ENTRIES || n > SLAB_BYTES >>> 4) return this.make(n);
    if (this.used + n > this.slab.length) {
      this.slab = this.make(SLAB_BYTES >>> 2);
      this.used = 0;
    }
    const view = this.slab.subarray(this.used, this.used + n) as A;
    this.used += n;
    return view;
  }
}

class Int32Results extends ResultArrays<Int32Array<ArrayBuffer>> {
  protected make(n: number): Int32Array<ArrayBuffer> {
    return new Int32Array(n);
  }
}

class Uint32Results extends ResultArrays<Uint32Array<ArrayBuffer>> {
  protected make(n: number): Uint32Array<ArrayBuffer> {
    return new Uint32Array(n);
  }
}

const int32Results = new Int32Results();
const uint32Results = new Uint32Results();

/** A zeroed Int32Array of `n` entries for a result (its own or a view of a shared slab). */
export function resultInt32s(n: number): Int32Array<ArrayBuffer> {
  return int32Results.take(n);
}

/** A zeroed Uint32Array of `n` entries for a result (its own or a view of a shared slab). */
export function resultUint32s(n: number): Uint32Array<ArrayBuffer> {
  return uint32Results.take(n);
}

/**
 * Int32 scratch tables kept across calls and lent to one caller at a time
 * (validation's per-block and per-vreg tables: fresh typed arrays per call,
 * each with its own ArrayBuffer, cost more than checking a small function).
 * `borrow(n)` returns `count` tables of at least `n` entries, holding
 * whatever the last borrower left; a borrower that comes while they are out
 * (a `Function` method calling back into validation) gets fresh ones.
 * `giveBack` with the same list returns them.
 */
export class ScratchTables {
  private kept: Int32Array[];
  private lent = false;
  constructor(private readonly count: number) {
    this.kept = [];
    for (let k = 0; k < count; k++) this.kept.push(new Int32Array(0));
  }
  borrow(n: number): readonly Int32Array[] {
    if (this.lent) {
      const fresh: Int32Array[] = [];
      for (let k = 0; k < this.count; k++) fresh.push(new Int32Array(n));
      return fresh;
    }
    if (this.kept[0]!.length < n) {
      const capacity = Math.max(n, this.kept[0]!.length * 2);
      for (let k = 0; k < this.count; k++) this.kept[k] = new Int32Array(capacity);
    }
    this.lent = true;
    return this.kept;
  }
  giveBack(tables: readonly Int32Array[]): void {
    if (tables === this.kept) this.lent = false;
  }
}
