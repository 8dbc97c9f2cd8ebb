// Light CFG analyses shared by the allocators, validation and the checker:
// postorder, dominator tree (Cooper–Harvey–Kennedy), instruction → block map,
// block entry/exit points, approximate loop depth, and the critical-edge and
// branch-argument rules regalloc2 enforces while computing them.

import { RegAllocError } from '../model/errors.js';
import type { Block, Function } from '../model/function.js';

export const BLOCK_INVALID = 0xffffffff;

/**
 * Postorder of the blocks reachable from `entry`, by iterative DFS visiting
 * successors in order. Throws `BB(block)` for a successor out of range.
 */
export function computePostorder(
  numBlocks: number,
  entry: Block,
  succs: (b: Block) => ArrayLike<Block>,
): Uint32Array {
  if (entry >= numBlocks) throw new RegAllocError('BB', `entry block ${entry} does not exist`, { block: entry });
  const visited = new Uint8Array(numBlocks);
  const out = new Uint32Array(numBlocks);
  let n = 0;
  const stackBlock = new Uint32Array(numBlocks);
  const stackNext = new Uint32Array(numBlocks);
  let sp = 0;
  visited[entry] = 1;
  stackBlock[0] = entry;
  stackNext[0] = 0;
  sp = 1;
  while (sp > 0) {
    const b = stackBlock[sp - 1]!;
    const s = succs(b);
    const k = stackNext[sp - 1]!;
    if (k < s.length) {
      stackNext[sp - 1] = k + 1;
      const succ = s[k]!;
      if (!(succ < numBlocks)) {
        throw new RegAllocError('BB', `block ${b} has successor ${succ}, which does not exist`, { block: b });
      }
      if (!visited[succ]) {
        visited[succ] = 1;
        stackBlock[sp] = succ;
        stackNext[sp] = 0;
        sp++;
      }
    } else {
      out[n++] = b;
      sp--;
    }
  }
  // Usually every block is reachable; a subarray costs more than the search itself on small functions.
  return n === numBlocks ? out : out.slice(0, n);
}

/**
 * Immediate dominators (`BLOCK_INVALID` for the entry and for unreachable
 * blocks), iterating in reverse postorder to a fixpoint.
 */
export function computeDomtree(
  numBlocks: number,
  preds: (b: Block) => ArrayLike<Block>,
  postorder: Uint32Array,
  entry: Block,
): Uint32Array {
  const rpo = new Uint32Array(numBlocks).fill(BLOCK_INVALID);
  const n = postorder.length;
  for (let i = 0; i < n; i++) rpo[postorder[n - 1 - i]!] = i;
  const idom = new Uint32Array(numBlocks).fill(BLOCK_INVALID);
  idom[entry] = entry;
  const merge = (a: number, b: number): number => {
    while (a !== b) {
      if (a === BLOCK_INVALID || b === BLOCK_INVALID) return BLOCK_INVALID;
      const ra = rpo[a]!;
      const rb = rpo[b]!;
      if (ra > rb) a = idom[a]!;
      else if (rb > ra) b = idom[b]!;
    }
    return a;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const node = postorder[i]!;
      const r = rpo[node]!;
      const ps = preds(node);
      let parent = BLOCK_INVALID;
      for (let k = 0; k < ps.length; k++) {
        const pr = rpo[ps[k]!];
        if (pr === undefined || pr === BLOCK_INVALID) continue;
        if (pr < r) {
          parent = ps[k]!;
          break;
        }
      }
      if (parent !== BLOCK_INVALID) {
        for (let k = 0; k < ps.length; k++) {
          const p = ps[k]!;
          if (p === parent || idom[p] === undefined || idom[p] === BLOCK_INVALID) continue;
          parent = merge(parent, p);
        }
      }
      if (parent !== BLOCK_INVALID && parent !== idom[node]) {
        idom[node] = parent;
        changed = true;
      }
    }
  }
  idom[entry] = BLOCK_INVALID;
  return idom;
}

/** True when `a` dominates `b` (every block dominates itself). */
export function dominates(idom: Uint32Array, a: Block, b: Block): boolean {
  return dominatesWithin(idom, a, b, Infinity)!;
}

/**
 * Whether `a` dominates `b`, by walking up the tree from `b` at most `steps`
 * times: undefined when the walk stops before an answer. A block past the
 * tree dominates nothing and is dominated by nothing but itself.
 */
function dominatesWithin(idom: Uint32Array, a: Block, b: Block, steps: number): boolean | undefined {
  for (let step = 0; ; step++) {
    if (b === a) return true;
    if (b === undefined || b === BLOCK_INVALID) return false;
    if (step === steps) return undefined;
    b = idom[b]!;
  }
}

/** The control-flow facts the allocators need: postorder, dominator tree, loop depths, block entry/exit points. */
export class CFGInfo {
  /** Blocks reachable from the entry, in postorder. */
  readonly postorder: Uint32Array;
  /** Immediate dominator per block. */
  readonly domtree: Uint32Array;
  /** The block of each instruction. */
  readonly insnBlock: Uint32Array;
  /** Per block, the program point before its first instruction. */
  readonly blockEntry: Uint32Array;
  /** Per block, the program point after its last instruction. */
  readonly blockExit: Uint32Array;
  /** Per block, an approximate loop depth from backedges (exact for reducible CFGs in RPO). */
  readonly approxLoopDepth: Uint32Array;

  private constructor(f: Function) {
    const nb = f.numBlocks();
    const entry = f.entryBlock();
    this.postorder = computePostorder(nb, entry, (b) => f.blockSuccs(b));
    this.domtree = computeDomtree(nb, (b) => f.blockPreds(b), this.postorder, entry);
    this.insnBlock = new Uint32Array(f.numInsts()).fill(BLOCK_INVALID);
    this.blockEntry = new Uint32Array(nb);
    this.blockExit = new Uint32Array(nb);
    const backedgeIn = new Uint32Array(nb);
    const backedgeOut = new Uint32Array(nb);
    for (let b = 0; b < nb; b++) {
      const r = f.blockInsns(b);
      for (let i = r.first; i < r.end; i++) this.insnBlock[i] = b;
      this.blockEntry[b] = r.first * 2;
      this.blockExit[b] = (r.end - 1) * 2 + 1;
      // A block with several predecessors must be the only successor of each.
      const preds = f.blockPreds(b);
      if (preds.length + (b === entry ? 1 : 0) > 1) {
        for (let k = 0; k < preds.length; k++) {
          const p = preds[k]!;
          if (f.blockSuccs(p).length > 1) {
            throw new RegAllocError('CritEdge', `critical edge from block ${p} to block ${b}`, {
              block: p,
              toBlock: b,
            });
          }
        }
      }
      // A branch into a join block may carry no operands besides block params.
      const succs = f.blockSuccs(b);
      let joinSucc = false;
      for (let k = 0; k < succs.length; k++) {
        const s = succs[k]!;
        if (f.blockPreds(s).length + (s === entry ? 1 : 0) > 1) {
          joinSucc = true;
          break;
        }
      }
      if (joinSucc) {
        const last = r.end - 1;
        if (f.instOperands(last).length > 0) {
          throw new RegAllocError(
            'DisallowedBranchArg',
            `block ${b}: branch inst ${last} into a join block has operands besides block params`,
            { block: b, inst: last },
          );
        }
        // Clobbers too (regalloc2 does not check them, and allocates wrongly):
        // the edge moves into the join go before the branch, which then
        // clobbers the registers they filled.
        if (!f.instClobbers(last).isEmpty()) {
          throw new RegAllocError(
            'DisallowedBranchArg',
            `block ${b}: branch inst ${last} into a join block clobbers registers (the edge moves before it would be clobbered)`,
            { block: b, inst: last },
          );
        }
      }
      for (let k = 0; k < succs.length; k++) {
        if (succs[k]! <= b) {
          backedgeIn[succs[k]!]!++;
          backedgeOut[b]!++;
        }
      }
    }
    this.approxLoopDepth = new Uint32Array(nb);
    const stack: number[] = [];
    let depth = 0;
    for (let b = 0; b < nb; b++) {
      if (backedgeIn[b]! > 0) {
        depth++;
        stack.push(backedgeIn[b]!);
      }
      this.approxLoopDepth[b] = depth;
      while (stack.length > 0 && backedgeOut[b]! > 0) {
        backedgeOut[b]!--;
        stack[stack.length - 1]!--;
        if (stack[stack.length - 1] === 0) {
          depth--;
          stack.pop();
        }
      }
    }
  }

  /**
   * Computes the analyses; throws `CritEdge`, `DisallowedBranchArg` or `BB`
   * as regalloc2 does. Assumes block ranges are sane (see `validateStructure`).
   */
  static compute(f: Function): CFGInfo {
    return new CFGInfo(f);
  }

  /** Per reachable block, its interval in a preorder walk of the dominator tree (for dominance in O(1)). */
  private domEnter: Uint32Array | null = null;
  private domExit: Uint32Array | null = null;

  /**
   * True when `a` dominates `b`. Answered from dominator-tree intervals, not by
   * walking up the tree: a deep CFG (a chain of 100,000 blocks) would make
   * that walk quadratic over a function's uses.
   */
  dominates(a: Block, b: Block): boolean {
    if (a === b) return true;
    if (this.domEnter === null) {
      // A few steps up the tree first: most functions' trees are shallow,
      // and numbering them costs seven arrays (on a small function, more
      // than the rest of the SSA check).
      const near = dominatesWithin(this.domtree, a, b, SHALLOW_DOMINANCE_STEPS);
      if (near !== undefined) return near;
      this.numberDomtree();
    }
    const enter = this.domEnter!;
    const exit = this.domExit!;
    const ea = enter[a];
    const eb = enter[b];
    if (ea === undefined || eb === undefined || ea === UNNUMBERED || eb === UNNUMBERED) return false;
    return ea <= eb && exit[b]! <= exit[a]!;
  }

  /** Numbers the dominator tree by an iterative depth-first walk (children grouped by a counting sort). */
  private numberDomtree(): void {
    const idom = this.domtree;
    const nb = idom.length;
    const enter = new Uint32Array(nb).fill(UNNUMBERED);
    const exit = new Uint32Array(nb).fill(UNNUMBERED);
    const childStart = new Uint32Array(nb + 1);
    for (let b = 0; b < nb; b++) if (idom[b] !== BLOCK_INVALID) childStart[idom[b]! + 1]!++;
    for (let b = 0; b < nb; b++) childStart[b + 1]! += childStart[b]!;
    const children = new Uint32Array(childStart[nb]!);
    const fill = childStart.slice(0, nb);
    for (let b = 0; b < nb; b++) if (idom[b] !== BLOCK_INVALID) children[fill[idom[b]!]!++] = b;
    const root = this.postorder[this.postorder.length - 1];
    if (root !== undefined) {
      const stack = new Uint32Array(nb);
      const next = new Uint32Array(nb);
      let sp = 0;
      let clock = 0;
      stack[sp++] = root;
      next[root] = childStart[root]!;
      enter[root] = clock++;
      while (sp > 0) {
        const b = stack[sp - 1]!;
        if (next[b]! < childStart[b + 1]!) {
          const c = children[next[b]!++]!;
          enter[c] = clock++;
          next[c] = childStart[c]!;
          stack[sp++] = c;
        } else {
          exit[b] = clock++;
          sp--;
        }
      }
    }
    this.domEnter = enter;
    this.domExit = exit;
  }
}

const UNNUMBERED = 0xffffffff;
/** Steps up the dominator tree `dominates` takes before it numbers the tree instead. */
const SHALLOW_DOMINANCE_STEPS = 16;
