// Applying allocations and inserting moves (regalloc2's ion/moves.rs): every
// operand gets its range's allocation; moves connect a vreg's consecutive
// ranges, its locations across block edges (preferring register sources),
// block params, multi-fixed-register fixups and reused inputs; then the
// moves at each point are resolved as parallel moves and redundant ones are
// dropped.

import { type Allocation, allocIsReg, allocIsStack, allocReg, allocStack, allocToString, pointBefore, pointInst, type ProgPoint } from '../model/allocation.js';
import { NO_ID, type RangeId, type VRegIndex } from './ids.js';

/** A block index (the model will name it). */
type Block = number;
import { allocPReg, allocSlot, pointInstCeil } from '../model/location.js';
import { ConstraintKind, operandConstraintKind, operandIsDef, operandReuseIndex, operandVReg } from '../model/operand.js';
import { NUM_REG_CLASSES, PREG_INVALID, type RegClass, type VReg, vreg as makeVReg, vregClass, vregIndex } from '../model/regs.js';
import { resolveScratch, type ScratchHooks } from '../moves/parallel_moves.js';
import { countingSortBy, IntColumn, INVALID, LR_STARTS_AT_DEF } from './data.js';
import type { IonEnv } from './env.js';
import type { RedundantMoveEliminator } from './redundant_moves.js';
import { regTraversal } from './reg_traversal.js';
import { allocateSpillslot, type SpillSlots } from './spill.js';
import { withRoom } from '../util/int_buffers.js';

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

/** Move insertion's buffers, kept on the env and reused across runs. */
export class MoveScratch {
  interSrc = new Int32Array(16);
  interStamp = new Int32Array(16);
  /** Added to vreg + 1 to stamp interStamp; grows across runs so old stamps never match. */
  stampBase = 0;
  interKeys = new Float64Array(16);
  interAllocs = new Int32Array(16);
  sortKeys = new Float64Array(16);
  bpSrc = new Int32Array(16);
  bpSrcSet = new Int32Array(16);
  bpDests = new IntColumn(64);
  /** Block-param out-records grouped by param: group starts, and two orderings. */
  paramFirst = new Int32Array(16);
  outOrder = new Int32Array(16);
  outOrder2 = new Int32Array(16);
  edits = new IntColumn(3 * 64);
}

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

/** Where the move for edge from -> to goes, as a `moveKey` (point and priority). */
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

export function applyAllocationsAndInsertMoves(ion: IonEnv, moveContext: MoveContext): InsertedMoves {
  const f = ion.f;
  const ranges = ion.ranges;
  const uses = ion.uses;
  const cfg = ion.cfg;
  const nb = f.numBlocks();
  const moves = ion.insertedMoves;
  moves.clear();
  const byStart = (a: number, b: number) => ranges.from.data[a]! - ranges.from.data[b]!;
  for (let v = 0; v < ion.vregRanges.length; v++) {
    const list = ion.vregRanges[v]!;
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
  // Buffers reused across runs (tiny functions would otherwise spend most
  // of their time allocating them).
  const moveScratch = ion.moveScratch;
  // Per block, for the current vreg: the source of its inter-block moves,
  // valid when interStamp holds this vreg's stamp (stamps grow across runs).
  const interSrc = (moveScratch.interSrc = withRoom(moveScratch.interSrc, nb));
  const interStamp = (moveScratch.interStamp = withRoom(moveScratch.interStamp, nb));
  if (moveScratch.stampBase > 0x3fffffff) {
    interStamp.fill(0);
    moveScratch.stampBase = 0;
  }
  const stampBase = moveScratch.stampBase;
  moveScratch.stampBase += ion.vregRanges.length + 1;
  // The current vreg's inter-block destinations: keys pred * nb + block
  // (one block entry may be covered by two ranges that start there) and allocations.
  let interKeys = moveScratch.interKeys;
  let interAllocs = moveScratch.interAllocs;
  let interCount = 0;
  const interSort = ion.keySort;
  // Per blockparam-out record: the source of its move (0 until set).
  // Flat records: outs (from vreg, from block, to block, to vreg), ins (to vreg, to block, from block).
  const outs = ion.blockparamOuts.data;
  const numOuts = ion.blockparamOuts.length / 4;
  const ins = ion.blockparamIns.data;
  const numIns = ion.blockparamIns.length / 3;
  const bpSrc = (moveScratch.bpSrc = withRoom(moveScratch.bpSrc, numOuts));
  const bpSrcSet = (moveScratch.bpSrcSet = withRoom(moveScratch.bpSrcSet, numOuts));
  bpSrc.fill(0, 0, numOuts);
  bpSrcSet.fill(0, 0, numOuts);
  let bpSourceCount = 0;
  const bpDests = moveScratch.bpDests; // (fromBlock, toBlock, toVreg, alloc) quads
  bpDests.clear();
  const labels = f.debugValueLabels();
  const reuseInsts: number[] = [];
  let bpInIdx = 0;
  let bpOutIdx = 0;
  for (let vregIdx = 0 as VRegIndex; vregIdx < ion.vregRanges.length; vregIdx++) {
    if (ion.vregClass[vregIdx] === -1) continue;
    const vreg = makeVReg(vregIdx, ion.vregClass[vregIdx]! as RegClass);
    const stamp = stampBase + vregIdx + 1;
    // The first label of this vreg: a binary search, as the labels are sorted by vreg.
    let labelStart = labels.length;
    if (labels.length > 0) {
      let lo = 0;
      let hi = labels.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (vregIndex(labels[mid]![0]) < vregIdx) lo = mid + 1;
        else hi = mid;
      }
      labelStart = lo;
    }
    // The previous range, buffered so that ranges starting at one point see the right predecessor.
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
      // advance
      if (buffered !== -1 && ranges.from.data[buffered]! < from) {
        prev = buffered;
        prevInsIdx = bufferedInsIdx;
      }
      if (buffered === -1 || ranges.to.data[buffered]! < to) buffered = lr;
      if (prev !== -1) {
        const prevAlloc = allocForRange(ion, moveContext.slots, prev);
        const pto = ranges.to.data[prev]!;
        if (pto >= from && (pto > from || !isStartOfBlock(ion, from)) && !ranges.hasFlag(lr, LR_STARTS_AT_DEF)) {
          moves.push(from, PRIO_REGULAR, prevAlloc, alloc, vreg);
        }
      }
      // Blocks this range covers to their end: sources of inter-block moves and block-param args.
      let block = cfg.insnBlock[pointInst(from)]!;
      while (block < nb) {
        if (to < cfg.blockExit[block]! + 1) break;
        if (interStamp[block] !== stamp || !allocIsReg(interSrc[block]!)) {
          interStamp[block] = stamp;
          interSrc[block] = alloc;
        }
        while (bpOutIdx < numOuts) {
          const fv = outs[4 * bpOutIdx]!;
          const fb = outs[4 * bpOutIdx + 1]!;
          const tv = outs[4 * bpOutIdx + 3]!;
          if (fv > vregIdx || (fv === vregIdx && fb > block)) break;
          if (fv === vregIdx && fb === block) {
            if (ion.annotations) {
              ion.annotate(cfg.blockExit[block]!, `blockparam-out: block${fb} to block${outs[4 * bpOutIdx + 2]}: v${fv} to v${tv} in ${allocToString(alloc)}`);
            }
            if (!bpSrcSet[bpOutIdx]) {
              bpSrcSet[bpOutIdx] = 1;
              bpSourceCount++;
              bpSrc[bpOutIdx] = alloc;
            } else if (!allocIsReg(bpSrc[bpOutIdx]!)) bpSrc[bpOutIdx] = alloc;
          }
          bpOutIdx++;
        }
        block++;
      }
      // Blocks whose start this range covers: destinations.
      block = cfg.insnBlock[pointInst(from)]!;
      if (cfg.blockEntry[block]! < from) block++;
      while (block < nb) {
        if (cfg.blockEntry[block]! >= to) break;
        let idx = prevInsIdx;
        while (idx < numIns) {
          const tv = ins[3 * idx]!;
          const tb = ins[3 * idx + 1]!;
          const fb = ins[3 * idx + 2]!;
          if (tv > vregIdx || (tv === vregIdx && tb > block)) break;
          if (tv === vregIdx && tb === block) {
            bpDests.push(fb);
            bpDests.push(tb);
            bpDests.push(tv);
            bpDests.push(alloc);
            if (ion.annotations) ion.annotate(cfg.blockEntry[block]!, `blockparam-in: block${fb} to block${tb}:into v${tv} in ${allocToString(alloc)}`);
          }
          idx++;
        }
        bufferedInsIdx = idx;
        if (!ion.liveins[block]!.get(vregIdx)) {
          block++;
          continue;
        }
        const preds = f.blockPreds(block);
        for (let k = 0; k < preds.length; k++) {
          const p = preds[k]!;
          const exit = cfg.blockExit[p]!;
          if (exit >= from && exit < to) continue;
          if (interCount === interKeys.length) {
            interKeys = moveScratch.interKeys = withRoom(interKeys, interCount + 1);
            interAllocs = moveScratch.interAllocs = withRoom(interAllocs, interCount + 1);
          }
          interAllocs[interCount] = alloc;
          interKeys[interCount++] = p * nb + block;
        }
        block++;
      }
      for (let k = ranges.useStart.data[lr]!, end = ranges.useEnd.data[lr]!; k < end; k++) {
        const u = ranges.useAt(k);
        const pos = uses.pos.data[u]!;
        const op = uses.operand.data[u]!;
        ion.setAlloc(pointInst(pos), uses.slot.data[u]!, alloc);
        if (operandConstraintKind(op) === ConstraintKind.Reuse) reuseInsts.push(pointInst(pos));
      }
      // This vreg's labels (their start is found once per vreg, above).
      for (let i = labelStart; i < labels.length; i++) {
        const lab = labels[i]!;
        if (vregIndex(lab[0]) !== vregIdx) break;
        const lfrom = pointBefore(lab[1]);
        const lto = pointBefore(lab[2]);
        if (!(lto > from && lfrom < to)) continue;
        moveContext.debugLocations.push([lab[3], Math.max(lfrom, from), Math.min(lto, to), alloc]);
      }
    }
    if (interCount > 0) {
      ion.stats.halfmoves_count += interCount * 2;
      const order = interSort.sort(interKeys, interCount, nb * nb);
      for (let k = 0; k < interCount; k++) {
        const i = order[k]!;
        const key = interKeys[i]!;
        const to = key % nb;
        const from = (key - to) / nb;
        const loc = chooseMoveLocation(ion, from, to);
        moves.push(moveKeyPoint(loc), moveKeyPrio(loc), interSrc[from]!, interAllocs[i]!, vreg);
      }
      interCount = 0;
    }
    bpInIdx = prevInsIdx;
    // The buffered index becomes the next vreg's starting point only through prev.
    void bufferedInsIdx;
  }
  if (bpDests.length > 0) {
    ion.stats.halfmoves_count += bpSourceCount + bpDests.length / 4;
    // Each param's outgoing records, by param vreg (counting sort), to find
    // a destination's source by (from block, param).
    const nv = f.numVregs(); // not the reused buffer's capacity
    const first = (moveScratch.paramFirst = withRoom(moveScratch.paramFirst, nv + 1));
    first.fill(0, 0, nv + 1);
    for (let o = 0; o < numOuts; o++) first[outs[4 * o + 3]! + 1]!++;
    for (let v = 0; v < nv; v++) first[v + 1]! += first[v]!;
    // Out-records by (param, from block): counting sorts by block, then param.
    const ident = (moveScratch.outOrder = withRoom(moveScratch.outOrder, numOuts));
    for (let o = 0; o < numOuts; o++) ident[o] = o;
    const byBlock = (moveScratch.outOrder2 = withRoom(moveScratch.outOrder2, numOuts));
    countingSortBy(outs, 4, 1, nb - 1, ident, byBlock, numOuts);
    const byParam = ident;
    countingSortBy(outs, 4, 3, nv - 1, byBlock, byParam, numOuts);
    const dests = bpDests.data;
    for (let k = 0; k < bpDests.length; k += 4) {
      const fb = dests[k]!;
      const tb = dests[k + 1]!;
      const tv = dests[k + 2]!;
      // The param's record from block fb: a binary search (a join may have many preds).
      let lo = first[tv]!;
      let hi = first[tv + 1]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (outs[4 * byParam[mid]! + 1]! < fb) lo = mid + 1;
        else hi = mid;
      }
      const src = lo < first[tv + 1]! && outs[4 * byParam[lo]! + 1] === fb ? bpSrc[byParam[lo]!]! : 0;
      const loc = chooseMoveLocation(ion, fb, tb);
      moves.push(moveKeyPoint(loc), moveKeyPrio(loc), src, dests[k + 3]!, makeVReg(tv, ion.vregClass[tv]! as RegClass));
    }
  }
  // A secondary fixup whose source is its own slot (every fixed register of
  // the vreg lies outside a limit(n), so even the source use was rewritten)
  // must not change that slot until the other copies from it have read it:
  // they all run in parallel. regalloc2 updates it at once, and the other
  // copies then read the fixed register before it is written.
  const deferred: [number, number, number][] = [];
  for (const fx of ion.multiFixedRegFixups) {
    const inst = pointInst(fx.pos);
    const fromAlloc = ion.allocs[ion.instAllocOffsets[inst]! + fx.fromSlot]!;
    const toAlloc = allocReg(fx.toPreg);
    moves.push(fx.pos, fx.level === 0 ? PRIO_MULTI_FIXED_INITIAL : PRIO_MULTI_FIXED_SECONDARY, fromAlloc, toAlloc, makeVReg(fx.vreg, ion.vregClass[fx.vreg]! as RegClass));
    if (fx.level === 1 && fx.fromSlot === fx.toSlot) deferred.push([inst, fx.toSlot, toAlloc]);
    else ion.setAlloc(inst, fx.toSlot, toAlloc);
  }
  for (const [inst, slot, a] of deferred) ion.setAlloc(inst, slot, a);
  ion.multiFixedRegFixups.length = 0;
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
  moveContext.debugLocations.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
  void operandIsDef;
  return moves;
}

function isStartOfBlock(ion: IonEnv, pos: ProgPoint): boolean {
  const block = ion.cfg.insnBlock[pointInst(pos)]!;
  return pos === ion.cfg.blockEntry[block];
}

/** The scratch hooks of one (point, class) group, reused for every group. */
export class GroupScratchHooks implements ScratchHooks {
  ion!: IonEnv;
  inserted!: InsertedMoves;
  order!: Int32Array;
  probe: number[] = [];
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
      if (this.ion.pregAllocations[p]!.findOverlap(this.pos, this.pos + 1) >= 0) continue;
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
  const scratchRegs = ion.env.scratchByClass;
  let i = 0;
  while (i < n) {
    const start = i;
    const pos = d[5 * order[i]!]!;
    const prio = d[5 * order[i]! + 1]!;
    while (i < n && d[5 * order[i]!]! === pos && d[5 * order[i]! + 1]! === prio) i++;
    applySideEffects(ion, redundant, lastPos, pos);
    lastPos = pos;
    for (let cls = 0 as RegClass; cls < 3; cls = (cls + 1) as RegClass) {
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
      hooks.dedicated = scratchRegs[cls] ?? null;
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
  const packed = edits.data.slice(0, edits.length);
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
  const scratchRegs = ion.env.scratchByClass;
  const startInst = pointInstCeil(from);
  const endInst = pointInstCeil(to);
  for (let inst = startInst; inst < endInst; inst++) {
    const ops = f.instOperands(inst);
    const base = ion.instAllocOffsets[inst]!;
    for (let k = 0; k < ops.length; k++) if (operandIsDef(ops[k]!)) redundant.clearAlloc(ion.allocs[base + k]!);
    const clobbers = f.instClobbers(inst);
    for (let p = clobbers.nextFrom(0); p >= 0; p = clobbers.nextFrom(p + 1)) redundant.clearAlloc(allocReg(p));
    for (let cls = 0; cls < NUM_REG_CLASSES; cls++) {
      const scratchReg = scratchRegs[cls];
      if (scratchReg !== null && scratchReg !== undefined) redundant.clearAlloc(allocReg(scratchReg));
    }
  }
}

export { INVALID };
