import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkMoveCase, randomMoveCase } from '../src/fuzz/moves_fuzz.js';
import { Rng } from '../src/fuzz/rng.js';
import { ALLOC_NONE, allocReg, allocStack } from '../src/model/allocation.js';
import { preg } from '../src/model/regs.js';
import { MoveList, ParallelMoves, resolveScratch } from '../src/moves/parallel_moves.js';

const r = (n: number) => allocReg(preg(n, 0));
const s = (n: number) => allocStack(n);

function triples(list: MoveList): [number, number][] {
  const a = list.toArray();
  const out: [number, number][] = [];
  for (let i = 0; i < a.length; i += 3) out.push([a[i]!, a[i + 1]!]);
  return out;
}

describe('parallel moves', () => {
  it('orders a chain so nothing is overwritten before it is read', () => {
    const p = new ParallelMoves();
    p.add(r(1), r(2));
    p.add(r(0), r(1));
    const out = new MoveList();
    assert.equal(p.resolve(out), false);
    assert.deepEqual(triples(out), [[r(1), r(2)], [r(0), r(1)]]);
  });

  it('breaks a swap through the scratch placeholder', () => {
    const p = new ParallelMoves();
    p.add(r(0), r(1));
    p.add(r(1), r(0));
    const out = new MoveList();
    assert.equal(p.resolve(out), true);
    assert.deepEqual(triples(out), [[r(0), ALLOC_NONE], [r(1), r(0)], [ALLOC_NONE, r(1)]]);
  });

  it('uses a free register for the scratch, else a stack slot', () => {
    const mk = () => {
      const p = new ParallelMoves();
      p.add(r(0), r(1));
      p.add(r(1), r(0));
      const seq = new MoveList();
      return { seq, needs: p.resolve(seq) };
    };
    const a = mk();
    const out = new MoveList();
    resolveScratch(a.seq, a.needs, { findFreeReg: () => r(9), getStackslot: () => s(7), isStackAlloc: (x) => x >>> 28 === 2, borrowedScratchReg: preg(0, 0) }, out);
    assert.deepEqual(triples(out), [[r(0), r(9)], [r(1), r(0)], [r(9), r(1)]]);
    const b = mk();
    resolveScratch(b.seq, b.needs, { findFreeReg: () => undefined, getStackslot: () => s(7), isStackAlloc: (x) => x >>> 28 === 2, borrowedScratchReg: preg(0, 0) }, out);
    assert.deepEqual(triples(out), [[r(0), s(7)], [r(1), r(0)], [s(7), r(1)]]);
  });

  it('routes stack-to-stack moves through a register, borrowing one with a save when none is free', () => {
    const p = new ParallelMoves();
    p.add(s(0), s(1));
    p.add(r(3), r(4));
    const seq = new MoveList();
    const needs = p.resolve(seq);
    const out = new MoveList();
    resolveScratch(seq, needs, { findFreeReg: () => undefined, getStackslot: () => s(9), isStackAlloc: (x) => x >>> 28 === 2, borrowedScratchReg: preg(5, 0) }, out);
    assert.deepEqual(triples(out), [[r(3), r(4)], [r(5), s(9)], [s(0), r(5)], [r(5), s(1)], [s(9), r(5)]]);
  });

  it('drops self-moves and duplicates', () => {
    const p = new ParallelMoves();
    p.add(r(1), r(1));
    p.add(r(2), r(3));
    p.add(r(2), r(3));
    const out = new MoveList();
    p.resolve(out);
    assert.deepEqual(triples(out), [[r(2), r(3)]]);
  });

  it('large sets come out in stable (dst, src) order, duplicates dropped, as regalloc2 sorts them', () => {
    // Sources and destinations disjoint: no move blocks another, so the
    // result is exactly the sorted, deduplicated list.
    const rng = new Rng(7);
    for (let round = 0; round < 300; round++) {
      const n = rng.int(2, 120);
      const p = new ParallelMoves();
      const added: [number, number, number][] = [];
      for (let i = 0; i < n; i++) {
        const dst = rng.bool() ? s(rng.int(0, 40)) : r(rng.int(0, 20));
        const src = rng.bool() ? s(rng.int(100, 140)) : r(rng.int(40, 60));
        const data = rng.int(0, 2);
        const dup = added.length > 0 && rng.int(0, 4) === 0 ? added[rng.int(0, added.length - 1)]! : undefined;
        const m: [number, number, number] = dup ?? [src, dst, data];
        added.push(m);
        p.add(m[0], m[1], m[2]);
      }
      const want = added
        .map((m, i) => [...m, i] as const)
        .sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[3] - b[3])
        .filter((m, i, all) => i === 0 || m[0] !== all[i - 1]![0] || m[1] !== all[i - 1]![1] || m[2] !== all[i - 1]![2])
        .flatMap((m) => [m[0], m[1], m[2]]);
      const out = new MoveList();
      assert.equal(p.resolve(out), false);
      assert.deepEqual(out.toArray(), n === 1 ? added.flat() : want, `round ${round}`);
    }
  });

  it('fuzz: the sequence has exactly the effect of the parallel assignment', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        assert.equal(checkMoveCase(randomMoveCase(new Rng(seed))), null);
      }),
      { numRuns: 20000 },
    );
  });
});
