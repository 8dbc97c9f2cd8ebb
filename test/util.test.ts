import assert from 'node:assert/strict';
import { test } from 'node:test';
import { growableFields, IndexList, IntColumn, resultInt32s, resultUint32s, ScratchTables, UintColumn, withRoom } from '../src/util/int_buffers.js';

test('withRoom keeps a buffer that fits and grows one that does not, contents and type kept', () => {
  const a = Int32Array.from([1, -2, 3]);
  assert.equal(withRoom(a, 3), a);
  const b = withRoom(a, 4);
  assert.ok(b instanceof Int32Array && b.length >= 6);
  assert.deepEqual(Array.from(b.subarray(0, 3)), [1, -2, 3]);
  const u = withRoom(Uint32Array.from([0xffffffff]), 10);
  assert.ok(u instanceof Uint32Array && u.length >= 10 && u[0] === 0xffffffff);
});

test('columns push past their capacity, clear by length, and keep full 32-bit values', () => {
  const c = new IntColumn(2);
  for (let i = 0; i < 100; i++) assert.equal(c.push(-i), i);
  assert.equal(c.length, 100);
  assert.equal(c.data[99], -99);
  c.clear();
  assert.equal(c.length, 0);
  assert.equal(c.push(7), 0);
  const u = new UintColumn(1);
  u.push(0x80000001);
  u.push(3);
  assert.equal(u.data[0], 0x80000001);
  assert.equal(u.length, 2);
});

test('Ion record sort: lexicographic on every field, for random records with many ties', async () => {
  const { sortRecords } = await import('../src/ion/data.js');
  const { Rng } = await import('../src/fuzz/rng.js');
  const rng = new Rng(99);
  for (let round = 0; round < 200; round++) {
    const width = rng.int(3, 4);
    const n = rng.int(0, 300);
    const col = new IntColumn(4);
    const recs: number[][] = [];
    for (let i = 0; i < n; i++) {
      const r = Array.from({ length: width }, () => rng.int(0, round % 2 === 0 ? 3 : 500));
      recs.push(r);
      for (const v of r) col.push(v);
    }
    sortRecords(col, width);
    recs.sort((a, b) => { for (let f = 0; f < width; f++) if (a[f] !== b[f]) return a[f]! - b[f]!; return 0; });
    assert.deepEqual(Array.from(col.data.subarray(0, col.length)), recs.flat(), `round ${round}`);
  }
});

test('Ion record sort: a long run equal on the first two fields is ordered by the rest', async () => {
  const { sortRecords } = await import('../src/ion/data.js');
  const col = new IntColumn(4);
  const recs: number[][] = [];
  for (let i = 0; i < 200; i++) {
    const r = [5, 7, (i * 37) % 101, i % 3];
    recs.push(r);
    for (const v of r) col.push(v);
  }
  sortRecords(col, 4);
  recs.sort((a, b) => a[2]! - b[2]! || a[3]! - b[3]!);
  assert.deepEqual(Array.from(col.data.subarray(0, col.length)), recs.flat());
});

test('stable key sort: packed numeric path and comparator fallback agree, ties in input order', async () => {
  const { StableKeySort } = await import('../src/ion/moves.js');
  const { Rng } = await import('../src/fuzz/rng.js');
  const rng = new Rng(5);
  const sorter = new StableKeySort();
  for (let round = 0; round < 50; round++) {
    const n = rng.int(1, 400);
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = rng.int(0, 20) * 1e9;
    const want = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
    // A bound within 53 bits takes the packed path; a huge one the comparator fallback.
    assert.deepEqual(Array.from(sorter.sort(keys, n, 21e9).subarray(0, n)), want, `packed, round ${round}`);
    assert.deepEqual(Array.from(sorter.sort(keys, n, 2 ** 52).subarray(0, n)), want, `fallback, round ${round}`);
  }
});

test('result arrays are zeroed, of the asked length and type, and never share an entry', () => {
  // Sizes around the in-heap bound, slab-carved ones, and one larger than a slab share.
  const sizes = [0, 1, 16, 17, 100, 3000, 5000, 20000, 17, 250];
  for (const make of [resultInt32s, resultUint32s]) {
    const arrays = [];
    for (let round = 0; round < 40; round++) {
      for (const n of sizes) {
        const a = make(n);
        assert.equal(a.length, n);
        assert.ok(a.every((x) => x === 0), 'zeroed');
        a.fill(round + 1);
        arrays.push(a);
      }
    }
    // Every array still holds what was written to it: no two overlap.
    let k = 0;
    for (let round = 0; round < 40; round++) {
      for (const n of sizes) {
        const a = arrays[k++]!;
        assert.ok(a.every((x) => x === round + 1), `array ${k - 1} (length ${n}) overwritten`);
      }
    }
    assert.ok(make(0) instanceof (make === resultInt32s ? Int32Array : Uint32Array));
  }
});

test('scratch tables: kept across borrows, grown on demand, and fresh ones for a second borrower', () => {
  const pool = new ScratchTables(2);
  const first = pool.borrow(10);
  assert.equal(first.length, 2);
  assert.ok(first.every((t) => t.length >= 10));
  first[0]![3] = 7;
  const nested = pool.borrow(5); // while the first are out
  assert.notEqual(nested, first);
  assert.ok(nested.every((t) => t.length === 5 && t.every((x) => x === 0)));
  pool.giveBack(nested); // does not free the kept ones
  assert.notEqual(pool.borrow(1), first);
  pool.giveBack(first);
  const again = pool.borrow(4);
  assert.equal(again, first);
  assert.equal(again[0]![3], 7, 'contents are left for the borrower to fill');
  pool.giveBack(again);
  const grown = pool.borrow(100);
  assert.ok(grown[0]!.length >= 100 && grown[1]!.length >= 100);
  pool.giveBack(grown);
});

test('IndexList lists each index once, in first-added order, and clear empties it for reuse', () => {
  const list = new IndexList(4);
  const listed = () => Array.from(list.items.subarray(0, list.length));
  for (const i of [3, 1, 3, 0, 1]) list.add(i);
  assert.deepEqual(listed(), [3, 1, 0]);
  list.reserve(100); // room grows, the list stays
  list.add(99);
  list.add(3);
  assert.deepEqual(listed(), [3, 1, 0, 99]);
  for (let i = 0; i < 40; i++) list.add(50 + i); // past the items' start capacity
  assert.equal(list.length, 44);
  list.clear();
  assert.deepEqual(listed(), []);
  list.add(3); // unmarked by clear: listed again
  list.add(99);
  assert.deepEqual(listed(), [3, 99]);
});

test('growableFields: writes each named field and leaves it as it was; a name without a field throws', () => {
  class Holder {
    keys = new Int32Array([1, 2, 3]);
    words = new Float64Array(2);
  }
  const h = new Holder();
  const { keys, words } = h;
  growableFields(h, ['keys', 'words']);
  assert.equal(h.keys, keys);
  assert.equal(h.words, words);
  assert.deepEqual([...h.keys], [1, 2, 3]);
  assert.throws(() => growableFields(h, ['kyes']), /no field kyes/);
});
