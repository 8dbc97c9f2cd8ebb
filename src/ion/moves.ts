// Applying allocations and inserting moves (regalloc2's ion/moves.rs): every
// operand gets its range's allocation; moves connect a vreg's consecutive
// ranges, its locations across block edges (preferring register sources),
// block params, multi-fixed-register fixups and reused inputs; then the
// moves at each point are resolved as parallel moves and redundant ones are
// dropped.

import { type Allocation, ALLOC_NONE, allocIsReg, allocIsStack, allocReg, allocStack, allocToString, pointBefore, pointInst, type ProgPoint } from '../model/allocation.js';
import { NO_ID, type RangeId, type VRegIndex } from './ids.js';

/** A block index (the model will name it). */
type Block = number;
import { allocPReg, allocSlot, pointInstCeil } from '../model/location.js';
import { ConstraintKind, operandConstraintKind, operandIsDef, operandReuseIndex, operandVReg } from '../model/operand.js';
import { NUM_REG_CLASSES, type PReg, PREG_INVALID, type RegClass, type VReg, vreg as makeVReg, vregClass, vregIndex } from '../model/regs.js';
import { resolveScratch, type ScratchHooks } from '../moves/parallel_moves.js';
import { countingSortBy, IntColumn, INVALID, LR_STARTS_AT_DEF } from './data.js';
import type { IonEnv } from './env.js';
import type { RedundantMoveEliminator } from './redundant_moves.js';
import { MAX_PROBES, regTraversal } from './reg_traversal.js';
import { allocateSpillslot, type SpillSlots } from './spill.js';
import { resultInt32s, withRoom } from '../util/int_buffers.js';
import { clearArray } from '../util/arrays.js';

// Move priorities at one program point, in regalloc2's order.
const PRIO_IN_EDGE = 0;
const PRIO_REGULAR = 1;
const PRIO_MULTI_FIXED_INITIAL = 2;
const PRIO_MULTI_FIXED_SECONDARY = 3;
const PRIO_REUSED_INPUT = 4;
const PRIO_OUT_EDGE = 5;
/** Sort key of a move: its point, then its priority (below 8). */
function moveKey(point: number, prio: number): number {
  return point * 8 + prio;
}
const moveKeyPoint = (key: number) => Math.floor(key / 8);
const moveKeyPrio = (key: number) => key % 8;

/** Inserted moves as flat (pos, prio, from, to, vreg) records. */
export class InsertedMoves {
  data = new Int32Array(320);
  length = 0;
  clear(): void {
    this.length = 0;
  }
  push(pos: ProgPoint, prio: number, from: Allocation, to: Allocation, vreg: VReg): void {
    if (from === to) return;
    const n = this.length;
    const d = (this.data = withRoom(this.data, n + 5));
    d[n] = pos;
    d[n + 1] = prio;
    d[n + 2] = from;
    d[n + 3] = to;
    d[n + 4] = vreg;
    this.length = n + 5;
  }
}

const SLOT_PLACEHOLDER = (1 << 24) - 1;

export interface MoveContext {
  slots: SpillSlots;
  numSpillslots: { n: number };
  debugLocations: [number, number, number, number][];
}

function allocForRange(ion: IonEnv, slots: SpillSlots, lr: RangeId): Allocation {
  const b = ion.ranges.bundle.data[lr]!;
  const a = ion.bundles.allocation.data[b]!;
  if (a !== 0) return a;
  return slots.alloc[ion.spillsets.slot.data[ion.bundles.spillset.data[b]!]!]!;
}

/**
 * Move insertion's state: the vreg walk's per-run state and buffers, kept on
 * the env and reused across runs (tiny functions would otherwise spend most
 * of their time allocating them).
 */
export class MoveScratch {
  /** Per block, for the current vreg: the source of its moves on the block's out-edges, valid when interStamp holds `stamp`. */
  interSrc = new Int32Array(16);
  interStamp = new Int32Array(16);
  /** The current vreg's stamp: `stampBase` + vreg index + 1. */
  stamp = 0;
  /** This run's stamp base; stamps grow across runs so old ones never match. */
  stampBase = 0;
  private nextStampBase = 0;
  /** The current vreg's inter-block destinations: keys pred * numBlocks + block, and allocations. */
  interKeys = new Float64Array(16);
  interAllocs = new Int32Array(16);
  interCount = 0;
  sortKeys = new Float64Array(16);
  /** Per block-param out-record: the source of its move, once set (bpSrcSet). */
  bpSrc = new Int32Array(16);
  bpSrcSet = new Int32Array(16);
  bpSourceCount = 0;
  /** Where the walk of the out-records stands (they are sorted by vreg, then block). */
  bpOutIdx = 0;
  /** Block-param destinations: (from block, to block, param vreg index, allocation) quads. */
  bpDests = new IntColumn();
  /** Block-param out-records grouped by param: group starts, and two orderings. */
  paramFirst = new Int32Array(16);
  outOrder = new Int32Array(16);
  outOrder2 = new Int32Array(16);
  edits = new IntColumn(3 * 64);

  /** Sizes and clears the walk's state for `ion`'s function. */
  startRun(ion: IonEnv): void {
    const numBlocks = ion.f.numBlocks();
    this.interSrc = withRoom(this.interSrc, numBlocks);
    this.interStamp = withRoom(this.interStamp, numBlocks);
    if (this.nextStampBase > STAMP_LIMIT) {
      this.interStamp.fill(0);
      this.nextStampBase = 0;
    }
    this.stampBase = this.nextStampBase;
    this.nextStampBase += ion.vregRanges.length + 1;
    this.interCount = 0;
    const numOuts = ion.blockparamOuts.length / 4;
    this.bpSrc = withRoom(this.bpSrc, numOuts);
    this.bpSrcSet = withRoom(this.bpSrcSet, numOuts);
    this.bpSrc.fill(ALLOC_NONE, 0, numOuts);
    this.bpSrcSet.fill(0, 0, numOuts);
    this.bpSourceCount = 0;
    this.bpOutIdx = 0;
    this.bpDests.clear();
  }

  /** Records a move into `alloc` on the edge `key` (pred * numBlocks + block). */
  addInterDest(key: number, alloc: Allocation): void {
    const n = this.interCount;
    if (n === this.interKeys.length) {
      this.interKeys = withRoom(this.interKeys, n + 1);
      this.interAllocs = withRoom(this.interAllocs, n + 1);
    }
    this.interAllocs[n] = alloc;
    this.interKeys[n] = key;
    this.interCount = n + 1;
  }
}

/** Stamps stay small integers (below 2^30) so V8 keeps them untagged. */
const STAMP_LIMIT = 0x3fffffff;

/**
 * Stable ascending order of `keys[0..n)` (non-negative integers below
 * `bound`): a numeric sort of key * n + index when that fits in 53 bits.
 */
export class StableKeySort {
  private packed = new Float64Array(16);
  private order = new Int32Array(16);

  sort(keys: Float64Array, n: number, bound: number): Int32Array {
    const order = (this.order = withRoom(this.order, n));
    this.packed = withRoom(this.packed, n);
    if (bound * n < 2 ** 53) {
      const packed = this.packed.subarray(0, n);
      for (let i = 0; i < n; i++) packed[i] = keys[i]! * n + i;
      packed.sort();
      for (let i = 0; i < n; i++) order[i] = packed[i]! % n;
    } else {
      const idx = Array.from({ length: n }, (_, i) => i);
      idx.sort((a, b) => keys[a]! - keys[b]! || a - b);
      for (let i = 0; i < n; i++) order[i] = idx[i]!;
    }
    return order;
  }
}

/**
 * Where the move for edge from -> to goes, as a `moveKey` (point and
 * priority): at the end of `from`, before its branch, when `to` has several
 * predecessors (then `from` has one successor, critical edges being split);
 * else at the start of `to`. Before the branch is right even though the
 * edge is taken after it: a branch that reads registers has several
 * successors, so its edges' moves go to the successors (regalloc2's
 * reasoning, and an input contract).
 */
function chooseMoveLocation(ion: IonEnv, from: Block, to: Block): number {
  const f = ion.f;
  const fromLast = f.blockInsns(from).end - 1;
  const toFirst = f.blockInsns(to).first;
  const fromOuts = f.blockSuccs(from).length + (f.isRet(fromLast) ? 1 : 0);
  const toIns = f.blockPreds(to).length + (f.entryBlock() === to ? 1 : 0);
  if (toIns > 1 && fromOuts <= 1) return moveKey(pointBefore(fromLast), PRIO_OUT_EDGE);
  if (toIns <= 1) return moveKey(pointBefore(toFirst), PRIO_IN_EDGE);
  throw new Error(`critical edge between blocks ${from} and ${to}`);
}

/**
 * Gives every operand its range's allocation and records the moves the
 * allocation needs (regalloc2's `apply_allocations_and_insert_moves`), job
 * by job: the vreg walk (allocations, moves within blocks, half-moves across
 * edges, block-param sources and destinations, debug locations), then the
 * block-param moves, the multi-fixed-register copies and the reused-input
 * copies. The moves are resolved into edits by `resolveInsertedMoves`.
 */
export function applyAllocationsAndInsertMoves(ion: IonEnv, moveContext: MoveContext): InsertedMoves {
  const moves = ion.insertedMoves;
  moves.clear();
  sortVregRanges(ion);
  const reuseInsts: number[] = [];
  walkVregRanges(ion, moveContext, moves, reuseInsts);
  insertBlockparamMoves(ion, moves);
  insertMultiFixedRegMoves(ion, moves);
  insertReusedInputMoves(ion, reuseInsts, moves);
  moveContext.debugLocations.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
  return moves;
}

/**
 * Sorts each vreg's ranges by start: splits appended their new ranges at the
 * end (regalloc2 also sorts once here, after all splits, rather than keep
 * the lists sorted while splitting).
 */
function sortVregRanges(ion: IonEnv): void {
  const ranges = ion.ranges;
  const byStart = (a: number, b: number) => ranges.from.data[a]! - ranges.from.data[b]!;
  const withRanges = ion.vregsWithRanges.data;
  for (let k = 0; k < ion.numVregsWithRanges; k++) {
    const list = ion.vregRanges[withRanges[k]!]!;
    if (list.length < 2) continue;
    let sorted = true;
    for (let k = 1; k < list.length && sorted; k++) if (ranges.from.data[list[k - 1]!]! > ranges.from.data[list[k]!]!) sorted = false;
    if (sorted) continue;
    if (list.length > 32) {
      list.sort(byStart);
      continue;
    }
    // Short lists, nearly in order after splits: insertion sort, no temporary.
    for (let k = 1; k < list.length; k++) {
      const x = list[k]!;
      let j = k - 1;
      while (j >= 0 && ranges.from.data[list[j]!]! > ranges.from.data[x]!) {
        list[j + 1] = list[j]!;
        j--;
      }
      list[j + 1] = x;
    }
  }
}

/**
 * Walks every vreg's ranges in order. For each range: its uses get its
 * allocation; a move joins it to the previous range within a block; the
 * blocks it covers to their end are the sources of the vreg's inter-block
 * moves and block-param args, the blocks whose start it covers the
 * destinations; labels overlapping it get a debug location.
 */
function walkVregRanges(ion: IonEnv, moveContext: MoveContext, moves: InsertedMoves, reuseInsts: number[]): void {
  const ranges = ion.ranges;
  const walk = ion.moveScratch;
  walk.startRun(ion);
  const labels = ion.f.debugValueLabels();
  // The walk of block-param in-records restarts, for each range, where the
  // previous range's walk started (several ranges may cover one block entry).
  let bpInIdx = 0;
  // Only vregs with ranges: for one without, the walk below does nothing.
  const withRanges = ion.vregsWithRanges.data;
  for (let k = 0; k < ion.numVregsWithRanges; k++) {
    const vregIdx = withRanges[k]! as VRegIndex;
    if (ion.vregClass[vregIdx] === -1) continue;
    const vreg = makeVReg(vregIdx, ion.vregClass[vregIdx]! as RegClass);
    walk.stamp = walk.stampBase + vregIdx + 1;
    const labelStart = firstLabelOf(labels, vregIdx);
    // As overlapping ranges may start at one point, the previous range is
    // buffered until a range starting later is seen (regalloc2's
    // PrevBuffer): the longest-lived of those that started together is the
    // most stable source for the next range's move.
    let prev = NO_ID as RangeId;
    let prevInsIdx = bpInIdx;
    let buffered = NO_ID as RangeId;
    let bufferedInsIdx = bpInIdx;
    const vregList = ion.vregRanges[vregIdx]!;
    for (let li = 0; li < vregList.length; li++) {
      const lr = vregList[li]!;
      const alloc = allocForRange(ion, moveContext.slots, lr);
      const from = ranges.from.data[lr]!;
      const to = ranges.to.data[lr]!;
      if (ion.annotations) {
        const bundle = ranges.bundle.data[lr];
        ion.annotate(from, ` <<< start v${vregIdx} in ${allocToString(alloc)} (range${lr}) (bundle${bundle})`);
        ion.annotate(to, `     end   v${vregIdx} in ${allocToString(alloc)} (range${lr}) (bundle${bundle}) >>>`);
      }
      if (buffered !== NO_ID && ranges.from.data[buffered]! < from) {
        prev = buffered;
        prevInsIdx = bufferedInsIdx;
      }
      if (buffered === NO_ID || ranges.to.data[buffered]! < to) buffered = lr;
      if (prev !== NO_ID) {
        // A range that continues the previous one within a block gets a
        // move at its start, unless it starts at a def (the def writes the
        // new location itself: a copy from the old range after the
        // instruction would be wrong), and never at a block start (the
        // edge moves handle that).
        const prevTo = ranges.to.data[prev]!;
        if (prevTo >= from && (prevTo > from || !isStartOfBlock(ion, from)) && !ranges.hasFlag(lr, LR_STARTS_AT_DEF)) {
          moves.push(from, PRIO_REGULAR, allocForRange(ion, moveContext.slots, prev), alloc, vreg);
        }
      }
      recordBlockExits(ion, walk, vregIdx, from, to, alloc);
      const stopped = recordBlockEntries(ion, walk, vregIdx, from, to, alloc, prevInsIdx);
      if (stopped >= 0) bufferedInsIdx = stopped;
      applyRangeAllocation(ion, lr, alloc, reuseInsts);
      addDebugLocations(labels, labelStart, vregIdx, from, to, alloc, moveContext.debugLocations);
    }
    if (walk.interCount > 0) insertInterBlockMoves(ion, walk, vreg);
    // The next vreg's walk of the in-records starts where this vreg's last
    // settled range started (the records are sorted by vreg).
    bpInIdx = prevInsIdx;
  }
}

/** The index of the first label of `vregIdx` (labels are sorted by vreg, as regalloc2 requires). */
function firstLabelOf(labels: readonly (readonly [number, number, number, number])[], vregIdx: VRegIndex): number {
  let lo = 0;
  let hi = labels.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vregIndex(labels[mid]![0]) < vregIdx) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The blocks a range covers to their end: the vreg's source for moves on
 * their out-edges, and the sources of the block-param args they pass. A
 * register source is preferred when two ranges cover one block end (as
 * regalloc2 does: a move from a register is cheaper).
 */
function recordBlockExits(ion: IonEnv, walk: MoveScratch, vregIdx: VRegIndex, from: ProgPoint, to: ProgPoint, alloc: Allocation): void {
  const cfg = ion.cfg;
  const numBlocks = ion.f.numBlocks();
  const outs = ion.blockparamOuts.data;
  const numOuts = ion.blockparamOuts.length / 4;
  const interSrc = walk.interSrc;
  const interStamp = walk.interStamp;
  const bpSrc = walk.bpSrc;
  const bpSrcSet = walk.bpSrcSet;
  const stamp = walk.stamp;
  let bpOutIdx = walk.bpOutIdx;
  for (let block = cfg.insnBlock[pointInst(from)]!; block < numBlocks; block++) {
    if (to < cfg.blockExit[block]! + 1) break;
    if (interStamp[block] !== stamp || !allocIsReg(interSrc[block]!)) {
      interStamp[block] = stamp;
      interSrc[block] = alloc;
    }
    while (bpOutIdx < numOuts) {
      const fromVreg = outs[4 * bpOutIdx]!;
      const fromBlock = outs[4 * bpOutIdx + 1]!;
      if (fromVreg > vregIdx || (fromVreg === vregIdx && fromBlock > block)) break;
      if (fromVreg === vregIdx && fromBlock === block) {
        if (ion.annotations) {
          const text = `blockparam-out: block${fromBlock} to block${outs[4 * bpOutIdx + 2]}: v${fromVreg} to v${outs[4 * bpOutIdx + 3]} in ${allocToString(alloc)}`;
          ion.annotate(cfg.blockExit[block]!, text);
        }
        if (!bpSrcSet[bpOutIdx]) {
          bpSrcSet[bpOutIdx] = 1;
          walk.bpSourceCount++;
          bpSrc[bpOutIdx] = alloc;
        } else if (!allocIsReg(bpSrc[bpOutIdx]!)) bpSrc[bpOutIdx] = alloc;
      }
      bpOutIdx++;
    }
  }
  walk.bpOutIdx = bpOutIdx;
}

/**
 * The blocks whose start a range covers: destinations of the block-param
 * moves into them and, where the vreg is live in, of its moves from every
 * predecessor whose end the range does not also cover. Returns where the
 * walk of the in-records stopped at the last such block, or -1 if none.
 */
function recordBlockEntries(
  ion: IonEnv,
  walk: MoveScratch,
  vregIdx: VRegIndex,
  from: ProgPoint,
  to: ProgPoint,
  alloc: Allocation,
  insIdx: number,
): number {
  const f = ion.f;
  const cfg = ion.cfg;
  const numBlocks = f.numBlocks();
  const ins = ion.blockparamIns.data;
  const numIns = ion.blockparamIns.length / 3;
  const bpDests = walk.bpDests;
  let stopped = -1;
  let block = cfg.insnBlock[pointInst(from)]!;
  if (cfg.blockEntry[block]! < from) block++;
  // Each block's scan starts at insIdx, as regalloc2's does, but the records
  // before (vreg, block) match no block of this range from there on: they are
  // passed once (a binary search to this vreg's first, then step by step), not
  // once per block. The matches and where each scan stops are unchanged; on a
  // 13,000-block function the rescans were a tenth of the run.
  let scanFrom = firstRecordAtLeast(ins, insIdx, numIns, vregIdx, block);
  for (; block < numBlocks; block++) {
    if (cfg.blockEntry[block]! >= to) break;
    scanFrom = skipRecordsBefore(ins, scanFrom, numIns, vregIdx, block);
    let idx = scanFrom;
    while (idx < numIns) {
      const toVreg = ins[3 * idx]!;
      const toBlock = ins[3 * idx + 1]!;
      const fromBlock = ins[3 * idx + 2]!;
      if (toVreg > vregIdx || (toVreg === vregIdx && toBlock > block)) break;
      if (toVreg === vregIdx && toBlock === block) {
        bpDests.push(fromBlock);
        bpDests.push(toBlock);
        bpDests.push(toVreg);
        bpDests.push(alloc);
        if (ion.annotations) {
          ion.annotate(cfg.blockEntry[block]!, `blockparam-in: block${fromBlock} to block${toBlock}:into v${toVreg} in ${allocToString(alloc)}`);
        }
      }
      idx++;
    }
    stopped = idx;
    if (!ion.liveins[block]!.get(vregIdx)) continue;
    const preds = f.blockPreds(block);
    for (let k = 0; k < preds.length; k++) {
      const pred = preds[k]!;
      const exit = cfg.blockExit[pred]!;
      if (exit >= from && exit < to) continue;
      walk.addInterDest(pred * numBlocks + block, alloc);
    }
  }
  return stopped;
}

/** From record `i` of the sorted (to vreg, to block, from block) records, steps past those of `vreg` into a block before `block`. */
function skipRecordsBefore(ins: Int32Array, i: number, numIns: number, vreg: number, block: number): number {
  while (i < numIns && ins[3 * i] === vreg && ins[3 * i + 1]! < block) i++;
  return i;
}

/** Runs `skipRecordsBefore`'s step `calls` times, for its type feedback (see `primeIonFeedback`). */
export function primeBlockparamScan(calls: number): void {
  const ins = Int32Array.of(0, 0, 1, 0, 1, 0, 0, 2, 1);
  for (let k = 0; k < calls; k++) skipRecordsBefore(ins, 0, 3, 0, 2);
}

/** The first of the sorted (to vreg, to block, from block) records in [lo, hi) at or after (vreg, block). */
function firstRecordAtLeast(ins: Int32Array, lo: number, hi: number, vreg: number, block: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = ins[3 * mid]!;
    if (v < vreg || (v === vreg && ins[3 * mid + 1]! < block)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The range's uses get its allocation; reused-input defs are noted for their copies. */
function applyRangeAllocation(ion: IonEnv, lr: RangeId, alloc: Allocation, reuseInsts: number[]): void {
  const ranges = ion.ranges;
  const uses = ion.uses;
  for (let k = ranges.useStart.data[lr]!, end = ranges.useEnd.data[lr]!; k < end; k++) {
    const use = ranges.useAt(k);
    const inst = pointInst(uses.pos.data[use]!);
    ion.setAlloc(inst, uses.slot.data[use]!, alloc);
    if (operandConstraintKind(uses.operand.data[use]!) === ConstraintKind.Reuse) reuseInsts.push(inst);
  }
}

/** Debug locations for this vreg's labels overlapping [from, to) (their start found once per vreg). */
function addDebugLocations(
  labels: readonly (readonly [number, number, number, number])[],
  labelStart: number,
  vregIdx: VRegIndex,
  from: ProgPoint,
  to: ProgPoint,
  alloc: Allocation,
  out: [number, number, number, number][],
): void {
  for (let i = labelStart; i < labels.length; i++) {
    const label = labels[i]!;
    if (vregIndex(label[0]) !== vregIdx) break;
    const labelFrom = pointBefore(label[1]);
    const labelTo = pointBefore(label[2]);
    if (!(labelTo > from && labelFrom < to)) continue;
    out.push([label[3], Math.max(labelFrom, from), Math.min(labelTo, to), alloc]);
  }
}

/** The vreg's moves across block edges, in (pred, block) order, each from its source at the pred's end. */
function insertInterBlockMoves(ion: IonEnv, walk: MoveScratch, vreg: VReg): void {
  const numBlocks = ion.f.numBlocks();
  const count = walk.interCount;
  const keys = walk.interKeys;
  // Each move counts as two half-moves in regalloc2's stats.
  ion.stats.halfmoves_count += 2 * count;
  const order = ion.keySort.sort(keys, count, numBlocks * numBlocks);
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const key = keys[i]!;
    const to = key % numBlocks;
    const from = (key - to) / numBlocks;
    const loc = chooseMoveLocation(ion, from, to);
    ion.insertedMoves.push(moveKeyPoint(loc), moveKeyPrio(loc), walk.interSrc[from]!, walk.interAllocs[i]!, vreg);
  }
  walk.interCount = 0;
}

/** Block-param moves: each destination (from block, param) finds the arg's source recorded at the block's end. */
function insertBlockparamMoves(ion: IonEnv, moves: InsertedMoves): void {
  const walk = ion.moveScratch;
  const bpDests = walk.bpDests;
  if (bpDests.length === 0) return;
  const f = ion.f;
  const numBlocks = f.numBlocks();
  const outs = ion.blockparamOuts.data;
  const numOuts = ion.blockparamOuts.length / 4;
  const bpSrc = walk.bpSrc;
  ion.stats.halfmoves_count += walk.bpSourceCount + bpDests.length / 4;
  // Each param's outgoing records, by param vreg (counting sort), to find
  // a destination's source by (from block, param).
  const nv = f.numVregs(); // not the reused buffer's capacity
  const first = (walk.paramFirst = withRoom(walk.paramFirst, nv + 1));
  first.fill(0, 0, nv + 1);
  for (let o = 0; o < numOuts; o++) first[outs[4 * o + 3]! + 1]!++;
  for (let v = 0; v < nv; v++) first[v + 1]! += first[v]!;
  // Out-records by (param, from block): counting sorts by block, then param.
  const ident = (walk.outOrder = withRoom(walk.outOrder, numOuts));
  for (let o = 0; o < numOuts; o++) ident[o] = o;
  const byBlock = (walk.outOrder2 = withRoom(walk.outOrder2, numOuts));
  countingSortBy(outs, 4, 1, numBlocks - 1, ident, byBlock, numOuts);
  const byParam = ident;
  countingSortBy(outs, 4, 3, nv - 1, byBlock, byParam, numOuts);
  const dests = bpDests.data;
  for (let k = 0; k < bpDests.length; k += 4) {
    const fromBlock = dests[k]!;
    const toBlock = dests[k + 1]!;
    const param = dests[k + 2]!;
    // The param's record from fromBlock: a binary search (a join may have many preds).
    let lo = first[param]!;
    let hi = first[param + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (outs[4 * byParam[mid]! + 1]! < fromBlock) lo = mid + 1;
      else hi = mid;
    }
    const src = lo < first[param + 1]! && outs[4 * byParam[lo]! + 1] === fromBlock ? bpSrc[byParam[lo]!]! : ALLOC_NONE;
    const loc = chooseMoveLocation(ion, fromBlock, toBlock);
    moves.push(moveKeyPoint(loc), moveKeyPrio(loc), src, dests[k + 3]!, makeVReg(param, ion.vregClass[param]! as RegClass));
  }
}

/**
 * The copies of a vreg used in several fixed registers at one point (found
 * by liveness): from the operand that kept its constraint to each other
 * fixed register, whose operand then gets that register.
 */
function insertMultiFixedRegMoves(ion: IonEnv, moves: InsertedMoves): void {
  // Deliberate difference from regalloc2 (DESIGN.md #2): a secondary fixup whose source is
  // its own slot (every fixed register of the vreg lies outside a limit(n),
  // so even the source use was rewritten) must not change that slot until
  // the other copies from it have read it: they all run in parallel.
  // regalloc2 updates it at once, and the other copies then read the fixed
  // register before it is written.
  const deferred: [number, number, Allocation][] = [];
  for (const fixup of ion.multiFixedRegFixups) {
    const inst = pointInst(fixup.pos);
    const fromAlloc = ion.allocs[ion.instAllocOffsets[inst]! + fixup.fromSlot]!;
    const toAlloc = allocReg(fixup.toPreg);
    const prio = fixup.level === 0 ? PRIO_MULTI_FIXED_INITIAL : PRIO_MULTI_FIXED_SECONDARY;
    moves.push(fixup.pos, prio, fromAlloc, toAlloc, makeVReg(fixup.vregIndex, ion.vregClass[fixup.vregIndex]! as RegClass));
    if (fixup.level === 1 && fixup.fromSlot === fixup.toSlot) deferred.push([inst, fixup.toSlot, toAlloc]);
    else ion.setAlloc(inst, fixup.toSlot, toAlloc);
  }
  for (const [inst, slot, alloc] of deferred) ion.setAlloc(inst, slot, alloc);
  clearArray(ion.multiFixedRegFixups);
}

/**
 * A def reusing an input needs the input in the def's location: a copy
 * before the instruction, and the input's operand then names the def's
 * location. (The def's allocation is valid only at the After point, but
 * liveness extends the other inputs to After, so the copy cannot clobber
 * them — regalloc2's reasoning.)
 */
function insertReusedInputMoves(ion: IonEnv, reuseInsts: readonly number[], moves: InsertedMoves): void {
  const f = ion.f;
  for (const inst of reuseInsts) {
    const ops = f.instOperands(inst);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandConstraintKind(op) !== ConstraintKind.Reuse) continue;
      const input = operandReuseIndex(op);
      const base = ion.instAllocOffsets[inst]!;
      const inAlloc = ion.allocs[base + input]!;
      const outAlloc = ion.allocs[base + k]!;
      if (inAlloc !== outAlloc) {
        if (ion.annotations) ion.annotate(pointBefore(inst), ` reuse-input-copy: ${allocToString(inAlloc)} -> ${allocToString(outAlloc)}`);
        moves.push(pointBefore(inst), PRIO_REUSED_INPUT, inAlloc, outAlloc, operandVReg(ops[input]!));
        ion.setAlloc(inst, input, outAlloc);
      }
    }
  }
}

/** True at a block's first point: a range starting there gets its value from the edge moves. */
function isStartOfBlock(ion: IonEnv, pos: ProgPoint): boolean {
  const block = ion.cfg.insnBlock[pointInst(pos)]!;
  return pos === ion.cfg.blockEntry[block];
}

/** The scratch hooks of one (point, class) group, reused for every group. */
export class GroupScratchHooks implements ScratchHooks {
  ion!: IonEnv;
  inserted!: InsertedMoves;
  order!: Int32Array;
  probe = new Int32Array(MAX_PROBES);
  probeLen = 0;
  probeIdx = 0;
  stackslotIdx = 0;
  dedicated: number | null = null;
  pos = 0;
  cls = 0;
  start = 0;
  end = 0;
  borrowedScratchReg = 0;

  findFreeReg(): number | undefined {
    if (this.dedicated !== null) {
      const r = this.dedicated;
      this.dedicated = null;
      return allocReg(r);
    }
    const d = this.inserted.data;
    const order = this.order;
    while (this.probeIdx < this.probeLen) {
      const p = this.probe[this.probeIdx++]!;
      if (this.ion.pregAllocations[p]!.overlaps(this.pos, this.pos + 1)) continue;
      const a = allocReg(p);
      let used = false;
      for (let k = this.start; k < this.end; k++) {
        const m = 5 * order[k]!;
        if (vregClass(d[m + 4]!) !== this.cls) continue;
        if (d[m + 2] === a || d[m + 3] === a) {
          used = true;
          break;
        }
      }
      if (!used) return a;
    }
    return undefined;
  }

  getStackslot(): number {
    return allocStack(SLOT_PLACEHOLDER - this.stackslotIdx++);
  }

  isStackAlloc(a: number): boolean {
    return allocIsReg(a) ? this.ion.pregIsStack[allocPReg(a)] === 1 : allocIsStack(a);
  }
}

/** Orders the inserted moves by (point, priority), stably. */
function sortInsertedMoves(d: Int32Array, n: number, sorter: StableKeySort, moveScratch: MoveScratch): Int32Array {
  const keys = (moveScratch.sortKeys = withRoom(moveScratch.sortKeys, n));
  let maxKey = 0;
  for (let i = 0; i < n; i++) {
    keys[i] = moveKey(d[5 * i]!, d[5 * i + 1]!);
    if (keys[i]! > maxKey) maxKey = keys[i]!;
  }
  return sorter.sort(keys, n, maxKey + 1);
}

/** Resolves the inserted moves at each (point, priority) into sorted, packed edits. */
export function resolveInsertedMoves(ion: IonEnv, inserted: InsertedMoves, moveContext: MoveContext): Int32Array {
  const f = ion.f;
  const d = inserted.data;
  const n = inserted.length / 5;
  const order = sortInsertedMoves(d, n, ion.keySort, ion.moveScratch);
  const redundant = ion.redundantMoves;
  redundant.clear();
  const extraSlots: number[][] = [[], [], []];
  // Groups come in (point, priority) order, so edits are born sorted.
  const edits = ion.moveScratch.edits;
  edits.clear();
  const par = ion.parallelMoves;
  const seq = ion.moveSeq;
  const out = ion.moveOut;
  const hooks = ion.groupHooks;
  hooks.ion = ion;
  hooks.inserted = inserted;
  hooks.order = order;
  let lastPos = 0;
  const scratchRegs = ion.scratchByClass;
  let i = 0;
  while (i < n) {
    const start = i;
    const pos = d[5 * order[i]!]!;
    const prio = d[5 * order[i]! + 1]!;
    while (i < n && d[5 * order[i]!]! === pos && d[5 * order[i]! + 1]! === prio) i++;
    applySideEffects(ion, redundant, lastPos, pos);
    lastPos = pos;
    for (let cls = 0 as RegClass; cls < NUM_REG_CLASSES; cls = (cls + 1) as RegClass) {
      par.clear();
      let any = false;
      for (let k = start; k < i; k++) {
        const m = 5 * order[k]!;
        if (vregClass(d[m + 4]!) !== cls) continue;
        par.add(d[m + 2]!, d[m + 3]!, d[m + 4]!);
        any = true;
      }
      if (!any) continue;
      const needs = par.resolve(seq);
      const dedicated = scratchRegs[cls]!;
      hooks.dedicated = dedicated >= 0 ? dedicated : null;
      hooks.probeLen = regTraversal(ion.env, cls, PREG_INVALID, PREG_INVALID, 0, -1, hooks.probe);
      hooks.probeIdx = 0;
      hooks.stackslotIdx = 0;
      hooks.pos = pos;
      hooks.cls = cls;
      hooks.start = start;
      hooks.end = i;
      hooks.borrowedScratchReg = ion.preferredVictim[cls]!;
      resolveScratch(seq, needs, hooks, out);
      const extra = extraSlots[cls]!;
      const used = hooks.stackslotIdx;
      for (let k = extra.length; k < used; k++) extra.push(allocateSpillslot(ion, f.spillslotSize(cls), moveContext.numSpillslots));
      const ob = out.buf;
      for (let k = 0; k < out.length; k += 3) {
        const src = used > 0 ? realSlot(ob[k]!, used, extra) : ob[k]!;
        const dst = used > 0 ? realSlot(ob[k + 1]!, used, extra) : ob[k + 1]!;
        const elide = redundant.processMove(src, dst, ob[k + 2]!);
        if (!elide && src !== dst) {
          edits.push(pos);
          edits.push(src);
          edits.push(dst);
        }
      }
    }
  }
  ion.stats.edits_count = edits.length / 3;
  const packed = resultInt32s(edits.length);
  for (let k = 0; k < packed.length; k++) packed[k] = edits.data[k]!;
  if (ion.annotations) for (let k = 0; k < packed.length; k += 3) ion.annotate(packed[k]!, `move ${allocToString(packed[k + 1]!)} -> ${allocToString(packed[k + 2]!)}`);
  return packed;
}

/** A placeholder slot (counting down from SLOT_PLACEHOLDER, `used` of them) as its real slot. */
function realSlot(a: number, used: number, extra: readonly number[]): number {
  if (!allocIsStack(a)) return a;
  const slot = allocSlot(a);
  return slot > SLOT_PLACEHOLDER - used && slot <= SLOT_PLACEHOLDER ? extra[SLOT_PLACEHOLDER - slot]! : a;
}

/**
 * What happens between two move points: in another block, every location
 * is forgotten; in the same block, instructions' defs, clobbers and the
 * scratch registers overwrite theirs.
 */
function applySideEffects(ion: IonEnv, redundant: RedundantMoveEliminator, from: ProgPoint, to: ProgPoint): void {
  if (ion.cfg.insnBlock[pointInst(from)] !== ion.cfg.insnBlock[pointInst(to)]) {
    redundant.clear();
    return;
  }
  const f = ion.f;
  const scratchRegs = ion.scratchByClass;
  const startInst = pointInstCeil(from);
  const endInst = pointInstCeil(to);
  for (let inst = startInst; inst < endInst; inst++) {
    const ops = f.instOperands(inst);
    const base = ion.instAllocOffsets[inst]!;
    for (let k = 0; k < ops.length; k++) if (operandIsDef(ops[k]!)) redundant.clearAlloc(ion.allocs[base + k]!);
    const clobbers = f.instClobbers(inst);
    for (let p = clobbers.nextFrom(0); p >= 0; p = clobbers.nextFrom(p + 1)) redundant.clearAlloc(allocReg(p));
    for (let cls = 0; cls < NUM_REG_CLASSES; cls++) {
      const scratchReg = scratchRegs[cls]!;
      if (scratchReg >= 0) redundant.clearAlloc(allocReg(scratchReg as PReg));
    }
  }
}

export { INVALID };
