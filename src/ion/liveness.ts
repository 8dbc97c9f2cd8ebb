// Liveness and live ranges (regalloc2's ion/liveranges.rs): block live-in
// and live-out sets to a fixpoint, then one backward pass per block building
// each vreg's live ranges with their uses (weighted by loop depth), fixed
// register reservations for clobbers, block-param edges, and the fix-up for a
// vreg used in several fixed registers at one instruction.

import { RegAllocError } from '../model/errors.js';
import {
  ConstraintKind,
  CONSTRAINT_ANY,
  makeOperand,
  type Operand,
  operandConstraintKind,
  operandFixedReg,
  operandIsDef,
  operandIsFixedNonAllocatable,
  operandIsUse,
  operandLimit,
  operandPos,
  operandReuseIndex,
  operandVReg,
} from '../model/operand.js';
import { allocReg } from '../model/allocation.js';
import { INVALID, LR_STARTS_AT_DEF, sortRecords, spillWeightFromConstraint, weightToBits } from './data.js';
import type { IonEnv } from './env.js';
import { withRoom } from '../util/int_buffers.js';
import { unionInto } from './live_sets.js';

const MAX_SLOT = 0xffff;

function slotIdx(i: number, inst: number): number {
  if (i > MAX_SLOT) throw new RegAllocError('TooManyOperands', `inst ${inst} has more than ${MAX_SLOT} operands`, { inst });
  return i;
}

function observeClass(e: IonEnv, v: number): void {
  e.vregClass[v >>> 2] = v & 3;
}

export function computeLiveness(e: IonEnv): void {
  const f = e.f;
  const nb = f.numBlocks();
  const nv = f.numVregs();
  // FIFO work queue seeded in postorder.
  const queue: number[] = [];
  let head = 0;
  const queued = new Uint8Array(nb);
  for (const b of e.cfg.postorder) {
    queue.push(b);
    queued[b] = 1;
  }
  const live = e.live;
  while (head < queue.length) {
    const block = queue[head++]!;
    queued[block] = 0;
    const { first, end } = f.blockInsns(block);
    const last = end - 1;
    e.stats.livein_iterations++;
    live.clear();
    live.addAll(e.liveouts[block]!);
    if (f.isBranch(last)) {
      const succs = f.blockSuccs(block);
      for (let s = 0; s < succs.length; s++) {
        const args = f.branchBlockparams(block, last, s);
        for (let k = 0; k < args.length; k++) {
          live.add(args[k]! >>> 2);
          observeClass(e, args[k]!);
        }
      }
    }
    for (let inst = last; inst >= first; inst--) {
      const ops = f.instOperands(inst);
      for (let pos = 1; pos >= 0; pos--) {
        for (let k = 0; k < ops.length; k++) {
          const op = ops[k]!;
          if (operandIsFixedNonAllocatable(op) || operandPos(op) !== pos) continue;
          const v = operandVReg(op);
          live.set(v >>> 2, operandIsUse(op));
          observeClass(e, v);
        }
      }
    }
    const params = f.blockParams(block);
    for (let k = 0; k < params.length; k++) {
      live.remove(params[k]! >>> 2);
      observeClass(e, params[k]!);
    }
    live.toSparse();
    const preds = f.blockPreds(block);
    for (let k = 0; k < preds.length; k++) {
      const p = preds[k]!;
      if (unionInto(e.liveouts[p]!, live.sparseKeys, live.sparseWords, live.sparseLength) && !queued[p]) {
        queued[p] = 1;
        queue.push(p);
      }
    }
    e.liveins[block]!.assign(live.sparseKeys, live.sparseWords, live.sparseLength);
  }
  live.clear();
  const entry = f.entryBlock();
  if (!e.liveins[entry]!.isEmpty()) {
    const first = e.liveins[entry]!.first();
    throw new RegAllocError('EntryLivein', `v${first} is live into the entry block ${entry}`, { block: entry, vreg: first * 4 + Math.max(0, e.vregClass[first]!) });
  }
}

/** Adds [from, to) to `vreg`'s ranges (built backwards), merging with the last when contiguous. */
export function addLiverangeToVreg(e: IonEnv, vreg: number, from: number, to: number): number {
  const list = e.vregRanges[vreg]!;
  const R = e.ranges;
  if (list.length > 0) {
    const lastIdx = list[list.length - 1]!;
    const lf = R.from.data[lastIdx]!;
    const lt = R.to.data[lastIdx]!;
    if (e.f.allowMultipleVregDefs()) {
      if (from >= lf && to <= lt) return lastIdx;
      if (to >= lf && to <= lt) to = lf;
    }
    if (to < lf) {
      const lr = R.add(from, to);
      R.vreg.data[lr] = vreg;
      list.push(lr);
      return lr;
    }
    R.from.data[lastIdx] = from;
    return lastIdx;
  }
  const lr = R.add(from, to);
  R.vreg.data[lr] = vreg;
  list.push(lr);
  return lr;
}

function insertUse(e: IonEnv, lr: number, operand: Operand, pos: number, slot: number): void {
  const block = e.cfg.insnBlock[pos >>> 1]!;
  const depth = e.cfg.approxLoopDepth[block]!;
  const kind = operandConstraintKind(operand);
  const ck = kind === ConstraintKind.Any ? 'any' : kind === ConstraintKind.Reg || kind === ConstraintKind.FixedReg ? 'reg' : 'other';
  const w = spillWeightFromConstraint(ck, depth, !operandIsUse(operand));
  const u = e.uses.add(operand, pos, slot, weightToBits(w));
  e.uses.next.data[u] = e.ranges.useHead.data[lr]!;
  e.ranges.useHead.data[lr] = u;
  e.ranges.setUsesWeight(lr, Math.fround(e.ranges.usesWeight(lr) + w));
}

function addLiverangeToPreg(e: IonEnv, from: number, to: number, preg: number): void {
  e.pregAllocations[preg]!.insert(from, to, INVALID);
}

export function buildLiveranges(e: IonEnv): void {
  const f = e.f;
  const cfg = e.cfg;
  const R = e.ranges;
  const nv = f.numVregs();
  const vregLr = (e.vregLrScratch = withRoom(e.vregLrScratch, nv));
  vregLr.fill(INVALID, 0, nv);
  // Operands rewritten to `any` at the current instruction, by operand index.
  const rewrites: (Operand | undefined)[] = [];
  const rewritten: number[] = [];
  const lateDefFixed: number[] = [];
  const live = e.live;
  for (let block = f.numBlocks() - 1; block >= 0; block--) {
    const { first, end } = f.blockInsns(block);
    const last = end - 1;
    e.stats.livein_blocks++;
    const liveout = e.liveouts[block]!;
    live.clear();
    live.addAll(liveout);
    if (f.isBranch(last)) {
      const succs = f.blockSuccs(block);
      for (let s = 0; s < succs.length; s++) {
        const succ = succs[s]!;
        const ins = f.blockParams(succ);
        const outs = f.branchBlockparams(block, last, s);
        const n = Math.min(ins.length, outs.length);
        for (let k = 0; k < n; k++) {
          const out = outs[k]! >>> 2;
          const bo = e.blockparamOuts;
          bo.push(out);
          bo.push(block);
          bo.push(succ);
          bo.push(ins[k]! >>> 2);
          live.set(out, true);
        }
      }
    }
    const blockFrom = cfg.blockEntry[block]!;
    const blockTo = cfg.blockExit[block]! + 1;
    // Every vreg live out of the block (after its branch args) spans the block.
    live.toSparse();
    const liveKeys = live.sparseKeys;
    const liveWords = live.sparseWords;
    for (let k = 0; k < live.sparseLength; k++) {
      let bits = liveWords[k]!;
      while (bits !== 0) {
        const v = liveKeys[k]! * 32 + 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        vregLr[v] = addLiverangeToVreg(e, v, blockFrom, blockTo);
      }
    }
    const params = f.blockParams(block);
    for (let k = 0; k < params.length; k++) {
      e.vregBlockparam[params[k]! >>> 2] = block;
      observeClass(e, params[k]!); // liveness skips unreachable blocks; their vregs need a class too
    }

    for (let inst = last; inst >= first; inst--) {
      const clobbers = f.instClobbers(inst);
      for (let p = clobbers.nextFrom(0); p >= 0; p = clobbers.nextFrom(p + 1)) addLiverangeToPreg(e, inst * 2 + 1, inst * 2 + 2, p);
      const ops = f.instOperands(inst);
      let reusedInput = -1;
      for (let k = 0; k < ops.length; k++) {
        if (operandConstraintKind(ops[k]!) === ConstraintKind.Reuse) {
          reusedInput = operandVReg(ops[operandReuseIndex(ops[k]!)]!);
          break;
        }
      }
      for (const k of rewritten) rewrites[k] = undefined;
      rewritten.length = 0;
      lateDefFixed.length = 0;
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandConstraintKind(op) === ConstraintKind.FixedReg && operandPos(op) === 1 && operandIsDef(op)) {
          lateDefFixed.push(operandFixedReg(op));
        }
      }
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandIsFixedNonAllocatable(op)) continue;
        if (operandConstraintKind(op) !== ConstraintKind.FixedReg) continue;
        if (!(operandPos(op) === 0 && operandIsUse(op) && live.get(operandVReg(op) >>> 2))) continue;
        const preg = operandFixedReg(op);
        if (lateDefFixed.includes(preg) || clobbers.contains(preg)) {
          // Downward-live fixed use whose register is also written here: the
          // value is copied into the register before the instruction.
          const pos = inst * 2;
          e.multiFixedRegFixups.push({ pos, fromSlot: slotIdx(k, inst), toSlot: slotIdx(k, inst), toPreg: preg, vreg: operandVReg(op) >>> 2, level: 0 });
          addLiverangeToPreg(e, pos, pos + 1, preg);
          rewrites[k] = makeOperand(operandVReg(op), CONSTRAINT_ANY, 1, 0);
          rewritten.push(k);
        }
      }
      for (let curPos = 1; curPos >= 0; curPos--) {
        for (let k = 0; k < ops.length; k++) {
          const operand = rewritten.length === 0 ? ops[k]! : (rewrites[k] ?? ops[k]!);
          const isDef = operandIsDef(operand);
          const late = operandPos(operand) === 1;
          let pos: number;
          if (isDef) pos = late ? inst * 2 + 1 : inst * 2;
          else if (late) pos = inst * 2 + 1;
          else if (reusedInput !== -1 && reusedInput !== operandVReg(operand)) pos = inst * 2 + 1;
          else pos = inst * 2;
          if ((pos & 1) !== curPos) continue;
          if (operandIsFixedNonAllocatable(operand)) {
            e.setAlloc(inst, k, allocReg(operandFixedReg(operand)));
            continue;
          }
          const v = operandVReg(operand) >>> 2;
          observeClass(e, operandVReg(operand)); // (for unreachable blocks, as above)
          if (isDef) {
            let lr = vregLr[v]!;
            if (!live.get(v)) {
              lr = addLiverangeToVreg(e, v, pos, (pos >>> 1) * 2 + 2);
              vregLr[v] = lr;
              live.set(v, true);
            }
            insertUse(e, lr, operand, pos, slotIdx(k, inst));
            if (R.from.data[lr] === cfg.blockEntry[block]) R.from.data[lr] = pos;
            R.setFlag(lr, LR_STARTS_AT_DEF);
            live.set(v, false);
            vregLr[v] = INVALID;
          } else {
            let lr = vregLr[v]!;
            if (!live.get(v)) {
              lr = addLiverangeToVreg(e, v, cfg.blockEntry[block]!, pos + 1);
              vregLr[v] = lr;
            }
            insertUse(e, lr, operand, pos, slotIdx(k, inst));
            live.set(v, true);
          }
        }
      }
    }
    for (let k = 0; k < params.length; k++) {
      const v = params[k]! >>> 2;
      if (live.get(v)) live.set(v, false);
      else addLiverangeToVreg(e, v, blockFrom, blockFrom + 1);
      const preds = f.blockPreds(block);
      for (let j = 0; j < preds.length; j++) {
        e.blockparamIns.push(v);
        e.blockparamIns.push(block);
        e.blockparamIns.push(preds[j]!);
      }
    }
  }
  // Ranges and uses were built backwards.
  // Most lists hold one range: a builtin reverse() call per vreg cost more than the swaps.
  const vregRanges = e.vregRanges;
  for (let v = 0; v < vregRanges.length; v++) {
    const list = vregRanges[v]!;
    for (let i = 0, j = list.length - 1; i < j; i++, j--) {
      const t = list[i]!;
      list[i] = list[j]!;
      list[j] = t;
    }
  }
  R.finishUseLists(e.uses.next);
  sortRecords(e.blockparamIns, 3);
  sortRecords(e.blockparamOuts, 4);
  e.stats.initial_liverange_count = R.length;
  e.stats.blockparam_ins_count = e.blockparamIns.length / 3;
  e.stats.blockparam_outs_count = e.blockparamOuts.length / 4;
}

/**
 * Where one vreg has several uses at one program point that cannot share a
 * location (several fixed registers, a fixed stack slot beside a register
 * use, or a fixed register outside a limit), all but one become `any` and
 * get a fixup copy; the register is reserved at that point.
 */
export function fixupMultiFixedVregs(e: IonEnv): void {
  const R = e.ranges;
  const U = e.uses;
  const extraClobbers: [number, number, number][] = [];
  for (let vreg = 0; vreg < e.vregRanges.length; vreg++) {
    for (const lr of e.vregRanges[vreg]!) {
      const uses = R.usePool.data;
      const end = R.useEnd.data[lr]!;
      let i = R.useStart.data[lr]!;
      while (i < end) {
        let j = i + 1;
        while (j < end && U.pos.data[uses[j]!] === U.pos.data[uses[i]!]) j++;
        if (j - i >= 2) fixupGroup(e, uses, i, j, extraClobbers);
        i = j;
      }
      for (const [preg, from, to] of extraClobbers) addLiverangeToPreg(e, from, to, preg);
      extraClobbers.length = 0;
    }
  }
}

function fixupGroup(e: IonEnv, uses: Int32Array, start: number, end: number, extraClobbers: [number, number, number][]): void {
  const U = e.uses;
  let requiresReg = false;
  let numFixedReg = 0;
  let numFixedStack = 0;
  let firstRegSlot = -1;
  let firstStackSlot = -1;
  let minLimit = Number.MAX_SAFE_INTEGER;
  let maxFixedReg = 0;
  for (let k = start; k < end; k++) {
    const u = uses[k]!;
    const op = U.operand.data[u]!;
    const slot = U.slot.data[u]!;
    switch (operandConstraintKind(op)) {
      case ConstraintKind.Any:
        if (firstRegSlot < 0) firstRegSlot = slot;
        if (firstStackSlot < 0) firstStackSlot = slot;
        break;
      case ConstraintKind.Reg:
      case ConstraintKind.Reuse:
        if (firstRegSlot < 0) firstRegSlot = slot;
        requiresReg = true;
        break;
      case ConstraintKind.Limit:
        if (firstRegSlot < 0) firstRegSlot = slot;
        minLimit = Math.min(minLimit, operandLimit(op));
        requiresReg = true;
        break;
      case ConstraintKind.FixedReg: {
        const preg = operandFixedReg(op);
        maxFixedReg = Math.max(maxFixedReg, preg & 63);
        if (e.pregIsStack[preg]) {
          numFixedStack++;
          if (firstStackSlot < 0) firstStackSlot = slot;
        } else {
          requiresReg = true;
          numFixedReg++;
          if (firstRegSlot < 0) firstRegSlot = slot;
        }
        break;
      }
      case ConstraintKind.Stack:
        throw new RegAllocError(
          'InvalidOperand',
          `v${operandVReg(op) >>> 2} has several uses at one point, one of them stack-constrained`,
          { vreg: operandVReg(op), inst: U.pos.data[u]! >>> 1 },
        );
    }
  }
  if (numFixedReg + numFixedStack <= 1 && !(requiresReg && numFixedStack !== 0) && maxFixedReg < minLimit) return;
  const sourceSlot = requiresReg ? firstRegSlot : firstStackSlot;
  let firstPreg = -1;
  for (let k = start; k < end; k++) {
    const u = uses[k]!;
    const op = U.operand.data[u]!;
    if (operandConstraintKind(op) !== ConstraintKind.FixedReg) continue;
    const preg = operandFixedReg(op);
    // The first fixed register keeps its constraint (decided only among
    // registers that can hold the value where a register is required).
    if (!(requiresReg && e.pregIsStack[preg])) {
      if (firstPreg < 0) firstPreg = preg;
      if (firstPreg === preg && (preg & 63) < minLimit) continue;
    }
    const pos = U.pos.data[u]!;
    // The copy goes before the instruction even for a use at its late point
    // (a late use, or an early use kept live by a reused input): a copy after
    // the instruction, as regalloc2 places it, comes too late. The register
    // is then reserved over the whole instruction.
    const movePos = pos & ~1;
    e.multiFixedRegFixups.push({ pos: movePos, fromSlot: sourceSlot, toSlot: U.slot.data[u]!, toPreg: preg, vreg: operandVReg(op) >>> 2, level: 1 });
    U.operand.data[u] = makeOperand(operandVReg(op), CONSTRAINT_ANY, operandIsUse(op) ? 1 : 0, operandPos(op));
    extraClobbers.push([preg, movePos, pos + 1]);
  }
}
