// Dominators on random CFGs against a naive reference: a block d dominates b
// iff b is unreachable from the entry once d is removed (d ≠ entry), or d = b.

import { computeDomtree, computePostorder, dominates } from '../analysis/cfg.js';
import type { Rng } from './rng.js';

export interface RandomCfg {
  numBlocks: number;
  succs: number[][];
  preds: number[][];
}

export function randomCfg(rng: Rng, maxBlocks: number): RandomCfg {
  const numBlocks = rng.int(1, maxBlocks);
  const succs: number[][] = Array.from({ length: numBlocks }, () => []);
  const preds: number[][] = Array.from({ length: numBlocks }, () => []);
  for (let b = 0; b < numBlocks; b++) {
    const n = rng.int(0, 3);
    for (let k = 0; k < n; k++) {
      const s = rng.int(0, numBlocks - 1);
      if (succs[b]!.includes(s)) continue;
      succs[b]!.push(s);
      preds[s]!.push(b);
    }
  }
  return { numBlocks, succs, preds };
}

function reachable(cfg: RandomCfg, removed: number): Uint8Array {
  const seen = new Uint8Array(cfg.numBlocks);
  if (removed === 0) return seen;
  const stack = [0];
  seen[0] = 1;
  while (stack.length) {
    const b = stack.pop()!;
    for (const s of cfg.succs[b]!) {
      if (s !== removed && !seen[s]) {
        seen[s] = 1;
        stack.push(s);
      }
    }
  }
  return seen;
}

/** Returns a description of the first disagreement, or null. */
export function checkDomtree(cfg: RandomCfg): string | null {
  const po = computePostorder(cfg.numBlocks, 0, (b) => cfg.succs[b]!);
  const idom = computeDomtree(cfg.numBlocks, (b) => cfg.preds[b]!, po, 0);
  const live = reachable(cfg, -1);
  for (let d = 0; d < cfg.numBlocks; d++) {
    const without = reachable(cfg, d);
    for (let b = 0; b < cfg.numBlocks; b++) {
      if (!live[b] || !live[d]) continue;
      const expected = d === b || d === 0 || !without[b];
      if (dominates(idom, d, b) !== expected) {
        return `block ${d} ${expected ? 'should' : 'should not'} dominate block ${b}`;
      }
    }
  }
  return null;
}
