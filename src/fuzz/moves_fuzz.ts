// The parallel-move fuzzer (regalloc2's `fuzzing/moves.rs`): random parallel
// move sets over registers p0–p29 (p21–p29 standing for stack) and slots
// 0–31, resolved with 0–2 free registers; simulating the sequence must give
// every destination its source's value and leave other locations untouched,
// except free registers and fresh slots.

import { type Allocation, allocIsStack, allocReg, allocStack, allocIndex, allocIsReg } from '../model/allocation.js';
import { preg } from '../model/regs.js';
import { MoveList, ParallelMoves, resolveScratch } from '../moves/parallel_moves.js';
import type { Rng } from './rng.js';

// p21–p29 stand for stack slots; p30–p31 are the free registers.
const isStackAlloc = (a: Allocation) => (allocIsReg(a) ? allocIndex(a) > 20 && allocIndex(a) < 30 : allocIsStack(a));

export interface MoveCase {
  moves: [Allocation, Allocation][];
  available: Allocation[];
}

export function randomMoveCase(rng: Rng): MoveCase {
  const moves: [Allocation, Allocation][] = [];
  const written = new Set<Allocation>();
  const pick = () => (rng.bool() ? allocReg(preg(rng.int(0, 29), 0)) : allocStack(rng.int(0, 31)));
  while (rng.bool() || rng.bool()) {
    const src = pick();
    const dst = pick();
    if (written.has(dst)) break;
    written.add(dst);
    moves.push([src, dst]);
  }
  const available: Allocation[] = [];
  const k = rng.int(0, 2);
  for (let i = 0; i < k; i++) available.push(allocReg(preg(30 + i, 0)));
  return { moves, available };
}

/** Resolves and simulates the case; returns a description of the first wrong location, or null. */
export function checkMoveCase(t: MoveCase): string | null {
  const par = new ParallelMoves();
  for (const [s, d] of t.moves) par.add(s, d);
  const seq = new MoveList();
  const needs = par.resolve(seq);
  const avail = t.available.slice();
  let nextSlot = 32;
  const res = new MoveList();
  resolveScratch(seq, needs, {
    findFreeReg: () => avail.pop(),
    getStackslot: () => allocStack(nextSlot++),
    isStackAlloc,
    borrowedScratchReg: preg(0, 0),
  }, res);
  const out = res.toArray();
  const expected = new Map<Allocation, Allocation>();
  for (const [s, d] of t.moves) expected.set(d, s);
  const loc = new Map<Allocation, Allocation>();
  for (let i = 0; i < out.length; i += 3) {
    if (isStackAlloc(out[i]!) && isStackAlloc(out[i + 1]!)) return `stack-to-stack move in the result`;
    loc.set(out[i + 1]!, loc.get(out[i]!) ?? out[i]!);
  }
  for (const [reg, data] of loc) {
    const want = expected.get(reg);
    if (want !== undefined) {
      if (want !== data) return `location ${reg} holds ${data}, expected ${want}`;
    } else if (data !== reg && !t.available.includes(reg) && !(allocIsStack(reg) && allocIndex(reg) >= 32)) {
      return `location ${reg} was clobbered`;
    }
  }
  return null;
}
