// Applying allocations and inserting moves (regalloc2's ion/moves.rs): every
// operand gets its range's allocation; moves connect a vreg's consecutive
// ranges, its locations across block edges (preferring register sources),
// block params, multi-fixed-register fixups and reused inputs; then the
// moves at each point are resolved as parallel moves and redundant ones are
// dropped.

import { allocReg, allocStack, allocToString } from '../model/allocation.js';
import type { Edit } from '../model/function.js';
import { ConstraintKind, operandConstraintKind, operandIsDef, operandReuseIndex, operandVReg } from '../model/operand.js';
import { PREG_INVALID, type RegClass } from '../model/regs.js';
import { MoveList, ParallelMoves, resolveScratch, type ScratchHooks } from '../moves/parallel_moves.js';
import { INVALID, LR_STARTS_AT_DEF } from './data.js';
import type { IonEnv } from './env.js';
import { RedundantMoveEliminator } from './redundant_moves.js';
import { regTraversal } from './reg_traversal.js';
import { allocateSpillslot, type SpillSlots } from './spill.js';

// Move priorities at one program point, in regalloc2's order.
const PRIO_IN_EDGE = 0;
const PRIO_REGULAR = 1;
const PRIO_MULTI_FIXED_INITIAL = 2;
const PRIO_MULTI_FIXED_SECONDARY = 3;
const PRIO_REUSED_INPUT = 4;
const PRIO_OUT_EDGE = 5;

/** Inserted moves as flat (pos, prio, from, to, vreg) records. */
class InsertedMoves {
  data: number[] = [];
  push(pos: number, prio: number, from: number, to: number, vreg: number): void {
    if (from === to) return;
    this.data.push(pos, prio, from, to, vreg);
  }
}

const SLOT_PLACEHOLDER = (1 << 24) - 1;

export interface MoveContext {
  slots: SpillSlots;
  numSpillslots: { n: number };
  debugLocations: [number, number, number, number][];
}

function allocForRange(e: IonEnv, slots: SpillSlots, lr: number): number {
  const b = e.ranges.bundle.data[lr]!;
  const a = e.bundles.allocation.data[b]!;
  if (a !== 0) return a;
  return slots.alloc[e.spillsets.slot.data[e.bundles.spillset.data[b]!]!]!;
}

function chooseMoveLocation(e: IonEnv, from: number, to: number): [number, number] {
  const f = e.f;
  const fromLast = f.blockInsns(from).end - 1;
  const toFirst = f.blockInsns(to).first;
  const fromOuts = f.blockSuccs(from).length + (f.isRet(fromLast) ? 1 : 0);
  const toIns = f.blockPreds(to).length + (f.entryBlock() === to ? 1 : 0);
  if (toIns > 1 && fromOuts <= 1) return [fromLast * 2, PRIO_OUT_EDGE];
  if (toIns <= 1) return [toFirst * 2, PRIO_IN_EDGE];
  throw new Error(`critical edge between blocks ${from} and ${to}`);
}

export function applyAllocationsAndInsertMoves(e: IonEnv, mc: MoveContext): InsertedMoves {
  const f = e.f;
  const R = e.ranges;
  const U = e.uses;
  const cfg = e.cfg;
  const nb = f.numBlocks();
  const moves = new InsertedMoves();
  const byStart = (a: number, b: number) => R.from.data[a]! - R.from.data[b]!;
  for (const list of e.vregRanges) {
    if (list.length < 2) continue;
    let sorted = true;
    for (let k = 1; k < list.length && sorted; k++) if (R.from.data[list[k - 1]!]! > R.from.data[list[k]!]!) sorted = false;
    if (!sorted) list.sort(byStart);
  }
  const interSources = new Map<number, number>();
  const interDests: [number, number, number][] = []; // [from, to, alloc]
  const bpSources = new Map<number, number>(); // key from_block * 2^21 + to_vreg
  const bpDests: [number, number, number, number][] = []; // [fromBlock, toBlock, toVreg, alloc]
  const labels = f.debugValueLabels();
  const reuseInsts: number[] = [];
  let bpInIdx = 0;
  let bpOutIdx = 0;
  const outs = e.blockparamOuts;
  const ins = e.blockparamIns;
  for (let vreg = 0; vreg < e.vregRanges.length; vreg++) {
    if (e.vregClass[vreg] === -1) continue;
    const vregFull = vreg * 4 + e.vregClass[vreg]!;
    interSources.clear();
    // The previous range, buffered so that ranges starting at one point see the right predecessor.
    let prev = -1;
    let prevInsIdx = bpInIdx;
    let buffered = -1;
    let bufferedInsIdx = bpInIdx;
    for (const lr of e.vregRanges[vreg]!) {
      const alloc = allocForRange(e, mc.slots, lr);
      const from = R.from.data[lr]!;
      const to = R.to.data[lr]!;
      if (e.annotations) {
        const bundle = R.bundle.data[lr];
        e.annotate(from, ` <<< start v${vreg} in ${allocToString(alloc)} (range${lr}) (bundle${bundle})`);
        e.annotate(to, `     end   v${vreg} in ${allocToString(alloc)} (range${lr}) (bundle${bundle}) >>>`);
      }
      // advance
      if (buffered !== -1 && R.from.data[buffered]! < from) {
        prev = buffered;
        prevInsIdx = bufferedInsIdx;
      }
      if (buffered === -1 || R.to.data[buffered]! < to) buffered = lr;
      if (prev !== -1) {
        const prevAlloc = allocForRange(e, mc.slots, prev);
        const pto = R.to.data[prev]!;
        if (pto >= from && (pto > from || !isStartOfBlock(e, from)) && !R.hasFlag(lr, LR_STARTS_AT_DEF)) {
          moves.push(from, PRIO_REGULAR, prevAlloc, alloc, vregFull);
        }
      }
      // Blocks this range covers to their end: sources of inter-block moves and block-param args.
      let block = cfg.insnBlock[from >>> 1]!;
      while (block < nb) {
        if (to < cfg.blockExit[block]! + 1) break;
        const cur = interSources.get(block);
        if (cur === undefined || cur >>> 28 !== 1) interSources.set(block, alloc);
        while (bpOutIdx < outs.length) {
          const [fv, fb, , tv] = outs[bpOutIdx]!;
          if (fv > vreg || (fv === vreg && fb > block)) break;
          if (fv === vreg && fb === block) {
            if (e.annotations) {
              e.annotate(cfg.blockExit[block]!, `blockparam-out: block${fb} to block${outs[bpOutIdx]![2]}: v${fv} to v${tv} in ${allocToString(alloc)}`);
            }
            const key = fb * 2097152 + tv;
            const c = bpSources.get(key);
            if (c === undefined || c >>> 28 !== 1) bpSources.set(key, alloc);
          }
          bpOutIdx++;
        }
        block++;
      }
      // Blocks whose start this range covers: destinations.
      block = cfg.insnBlock[from >>> 1]!;
      if (cfg.blockEntry[block]! < from) block++;
      while (block < nb) {
        if (cfg.blockEntry[block]! >= to) break;
        let idx = prevInsIdx;
        while (idx < ins.length) {
          const [tv, tb, fb] = ins[idx]!;
          if (tv > vreg || (tv === vreg && tb > block)) break;
          if (tv === vreg && tb === block) {
            bpDests.push([fb, tb, tv, alloc]);
            if (e.annotations) e.annotate(cfg.blockEntry[block]!, `blockparam-in: block${fb} to block${tb}:into v${tv} in ${allocToString(alloc)}`);
          }
          idx++;
        }
        bufferedInsIdx = idx;
        if (!e.liveins[block]!.get(vreg)) {
          block++;
          continue;
        }
        const preds = f.blockPreds(block);
        for (let k = 0; k < preds.length; k++) {
          const p = preds[k]!;
          const exit = cfg.blockExit[p]!;
          if (exit >= from && exit < to) continue;
          interDests.push([p, block, alloc]);
        }
        block++;
      }
      for (const u of R.uses[lr]!) {
        const pos = U.pos.data[u]!;
        const op = U.operand[u]!;
        e.setAlloc(pos >>> 1, U.slot.data[u]!, alloc);
        if (operandConstraintKind(op) === ConstraintKind.Reuse) reuseInsts.push(pos >>> 1);
      }
      if (labels.length > 0) {
        let lo = 0;
        let hi = labels.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (labels[mid]![0] >>> 2 < vreg) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < labels.length; i++) {
          const [lv, lf, lt, label] = labels[i]!;
          if (lv >>> 2 !== vreg) break;
          const lfrom = lf * 2;
          const lto = lt * 2;
          if (!(lto > from && lfrom < to)) continue;
          mc.debugLocations.push([label, Math.max(lfrom, from), Math.min(lto, to), alloc]);
        }
      }
    }
    if (interDests.length > 0) {
      e.stats.halfmoves_count += interDests.length * 2;
      interDests.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [from, to, alloc] of interDests) {
        const src = interSources.get(from)!;
        const [pos, prio] = chooseMoveLocation(e, from, to);
        moves.push(pos, prio, src, alloc, vregFull);
      }
      interDests.length = 0;
    }
    bpInIdx = prevInsIdx;
    // The buffered index becomes the next vreg's starting point only through prev.
    void bufferedInsIdx;
  }
  if (bpDests.length > 0) {
    e.stats.halfmoves_count += bpSources.size + bpDests.length;
    for (const [fb, tb, tv, alloc] of bpDests) {
      const src = bpSources.get(fb * 2097152 + tv)!;
      const [pos, prio] = chooseMoveLocation(e, fb, tb);
      moves.push(pos, prio, src, alloc, tv * 4 + e.vregClass[tv]!);
    }
  }
  // A secondary fixup whose source is its own slot (every fixed register of
  // the vreg lies outside a limit(n), so even the source use was rewritten)
  // must not change that slot until the other copies from it have read it:
  // they all run in parallel. regalloc2 updates it at once, and the other
  // copies then read the fixed register before it is written.
  const deferred: [number, number, number][] = [];
  for (const fx of e.multiFixedRegFixups) {
    const inst = fx.pos >>> 1;
    const fromAlloc = e.allocs[e.instAllocOffsets[inst]! + fx.fromSlot]!;
    const toAlloc = allocReg(fx.toPreg);
    moves.push(fx.pos, fx.level === 0 ? PRIO_MULTI_FIXED_INITIAL : PRIO_MULTI_FIXED_SECONDARY, fromAlloc, toAlloc, fx.vreg * 4 + e.vregClass[fx.vreg]!);
    if (fx.level === 1 && fx.fromSlot === fx.toSlot) deferred.push([inst, fx.toSlot, toAlloc]);
    else e.setAlloc(inst, fx.toSlot, toAlloc);
  }
  for (const [inst, slot, a] of deferred) e.setAlloc(inst, slot, a);
  e.multiFixedRegFixups.length = 0;
  for (const inst of reuseInsts) {
    const ops = f.instOperands(inst);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandConstraintKind(op) !== ConstraintKind.Reuse) continue;
      const input = operandReuseIndex(op);
      const base = e.instAllocOffsets[inst]!;
      const inAlloc = e.allocs[base + input]!;
      const outAlloc = e.allocs[base + k]!;
      if (inAlloc !== outAlloc) {
        if (e.annotations) e.annotate(inst * 2, ` reuse-input-copy: ${allocToString(inAlloc)} -> ${allocToString(outAlloc)}`);
        moves.push(inst * 2, PRIO_REUSED_INPUT, inAlloc, outAlloc, operandVReg(ops[input]!));
        e.setAlloc(inst, input, outAlloc);
      }
    }
  }
  mc.debugLocations.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
  void operandIsDef;
  return moves;
}

function isStartOfBlock(e: IonEnv, pos: number): boolean {
  const block = e.cfg.insnBlock[pos >>> 1]!;
  return pos === e.cfg.blockEntry[block];
}

/** Resolves the inserted moves at each (point, priority) into sorted edits. */
export function resolveInsertedMoves(e: IonEnv, inserted: InsertedMoves, mc: MoveContext): Edit[] {
  const f = e.f;
  const d = inserted.data;
  const n = d.length / 5;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => d[5 * a]! - d[5 * b]! || d[5 * a + 1]! - d[5 * b + 1]!);
  const redundant = new RedundantMoveEliminator();
  const extraSlots: number[][] = [[], [], []];
  const edits: [number, number, number, number][] = []; // [pos, prio, from, to]
  const par = new ParallelMoves();
  const seq = new MoveList();
  const out = new MoveList();
  const probe: number[] = [];
  let lastPos = 0;
  const scratchRegs = e.env.scratchByClass;
  const sideEffects = (from: number, to: number) => {
    if (e.cfg.insnBlock[from >>> 1] !== e.cfg.insnBlock[to >>> 1]) {
      redundant.clear();
      return;
    }
    const startInst = (from & 1) === 0 ? from >>> 1 : (from >>> 1) + 1;
    const endInst = (to & 1) === 0 ? to >>> 1 : (to >>> 1) + 1;
    for (let inst = startInst; inst < endInst; inst++) {
      const ops = f.instOperands(inst);
      const base = e.instAllocOffsets[inst]!;
      for (let k = 0; k < ops.length; k++) if (operandIsDef(ops[k]!)) redundant.clearAlloc(e.allocs[base + k]!);
      for (const p of f.instClobbers(inst).toArray()) redundant.clearAlloc(allocReg(p));
      for (const s of scratchRegs) if (s !== null) redundant.clearAlloc(allocReg(s));
    }
  };
  let i = 0;
  while (i < n) {
    const start = i;
    const pos = d[5 * order[i]!]!;
    const prio = d[5 * order[i]! + 1]!;
    while (i < n && d[5 * order[i]!]! === pos && d[5 * order[i]! + 1]! === prio) i++;
    sideEffects(lastPos, pos);
    lastPos = pos;
    for (let cls = 0 as RegClass; cls < 3; cls = (cls + 1) as RegClass) {
      par.clear();
      let any = false;
      for (let k = start; k < i; k++) {
        const m = 5 * order[k]!;
        if ((d[m + 4]! & 3) !== cls) continue;
        par.add(d[m + 2]!, d[m + 3]!, d[m + 4]!);
        any = true;
      }
      if (!any) continue;
      const needs = par.resolve(seq);
      let dedicated = scratchRegs[cls];
      const probeLen = regTraversal(e.env, cls, PREG_INVALID, PREG_INVALID, 0, -1, probe);
      let probeIdx = 0;
      let stackslotIdx = 0;
      const hooks: ScratchHooks = {
        findFreeReg: () => {
          if (dedicated !== null && dedicated !== undefined) {
            const r = dedicated;
            dedicated = null;
            return allocReg(r);
          }
          while (probeIdx < probeLen) {
            const p = probe[probeIdx++]!;
            if (e.pregAllocations[p]!.findOverlap(pos, pos + 1) >= 0) continue;
            const a = allocReg(p);
            let used = false;
            for (let k = start; k < i; k++) {
              const m = 5 * order[k]!;
              if ((d[m + 4]! & 3) !== cls) continue;
              if (d[m + 2] === a || d[m + 3] === a) {
                used = true;
                break;
              }
            }
            if (used) continue;
            return a;
          }
          return undefined;
        },
        getStackslot: () => allocStack(SLOT_PLACEHOLDER - stackslotIdx++),
        isStackAlloc: (a) => (a >>> 28 === 1 ? e.pregIsStack[a & 0xff] === 1 : a >>> 28 === 2),
        borrowedScratchReg: e.preferredVictim[cls]!,
      };
      resolveScratch(seq, needs, hooks, out);
      const extra = extraSlots[cls]!;
      for (let k = 0; k < stackslotIdx; k++) {
        if (k >= extra.length) extra.push(allocateSpillslot(e, f.spillslotSize(cls), mc.numSpillslots));
      }
      const rewrite = (a: number) => (a >>> 28 === 2 && (a & 0xfffffff) > SLOT_PLACEHOLDER - stackslotIdx && (a & 0xfffffff) <= SLOT_PLACEHOLDER ? extra[SLOT_PLACEHOLDER - (a & 0xfffffff)]! : a);
      const ob = out.buf;
      for (let k = 0; k < out.length; k += 3) {
        const src = rewrite(ob[k]!);
        const dst = rewrite(ob[k + 1]!);
        const elide = redundant.processMove(src, dst, ob[k + 2]!);
        if (!elide && src !== dst) edits.push([pos, prio, src, dst]);
      }
    }
  }
  // Stable sort by (point, priority).
  const idx = edits.map((_, k) => k);
  idx.sort((a, b) => edits[a]![0] - edits[b]![0] || edits[a]![1] - edits[b]![1] || a - b);
  e.stats.edits_count = edits.length;
  const result = idx.map((k) => ({ point: edits[k]![0], from: edits[k]![2], to: edits[k]![3] }));
  if (e.annotations) for (const ed of result) e.annotate(ed.point, `move ${allocToString(ed.from)} -> ${allocToString(ed.to)}`);
  return result;
}

export { INVALID };
