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
  operandVRegIndex,
} from '../model/operand.js';
import { allocReg, pointAfter, pointBefore, pointInst, pointPos, type ProgPoint } from '../model/allocation.js';
import type { Block, Inst } from '../model/function.js';
import { PREG_NO_LIMIT, pointInstStart, pointNext, pointNextInstStart, pregBelowLimit } from '../model/location.js';
import { type PReg, type RegClass, type VReg, pregHwEnc, vreg, vregClass, vregIndex } from '../model/regs.js';
import { INVALID, LR_STARTS_AT_DEF, sortRecords, spillWeightFromConstraint, weightToBits } from './data.js';
import type { IonEnv } from './env.js';
import type { RangeId, VRegIndex } from './ids.js';
import { type IntColumn, withRoom } from '../util/int_buffers.js';
import { unionInto } from './live_sets.js';
import { clearArray } from '../util/arrays.js';

const MAX_SLOT = 0xffff;

/** The operand's index as a use's slot; a slot is 16 bits (regalloc2's `Use::slot` is a u16). */
function operandSlot(operandIndex: number, inst: Inst): number {
  if (operandIndex > MAX_SLOT) throw new RegAllocError('TooManyOperands', `inst ${inst} has more than ${MAX_SLOT} operands`, { inst });
  return operandIndex;
}

/** Records `v`'s class: Ion learns each vreg's class from its mentions, as regalloc2 does while scanning. */
function observeClass(ion: IonEnv, v: VReg): void {
  ion.vregClass[vregIndex(v)] = vregClass(v);
}

/**
 * Computes every block's live-in and live-out vreg sets: a backward dataflow
 * to a fixpoint, each block's live-in unioned into its predecessors'
 * live-outs, which requeues a predecessor whose set grew.
 */
export function computeLiveness(ion: IonEnv): void {
  const func = ion.f;
  const numBlocks = func.numBlocks();
  // FIFO work queue seeded in postorder, so a block is usually seen after its successors.
  const queue: Block[] = [];
  let head = 0;
  const queued = new Uint8Array(numBlocks);
  for (const block of ion.cfg.postorder) {
    queue.push(block);
    queued[block] = 1;
  }
  const live = ion.live;
  while (head < queue.length) {
    const block = queue[head++]!;
    queued[block] = 0;
    const { first, end } = func.blockInsns(block);
    const last: Inst = end - 1;
    ion.stats.livein_iterations++;
    live.clear();
    live.addAll(ion.liveouts[block]!);
    // Branch args are read by the branch: live at the block's end even when no successor needs them.
    if (func.isBranch(last)) {
      const succs = func.blockSuccs(block);
      for (let succIndex = 0; succIndex < succs.length; succIndex++) {
        const args = func.branchBlockparams(block, last, succIndex);
        for (let k = 0; k < args.length; k++) {
          live.add(vregIndex(args[k]!));
          observeClass(ion, args[k]!);
        }
      }
    }
    // Late operands before early ones: a late def kills, then an early use of the same vreg revives it.
    for (let inst = last; inst >= first; inst--) {
      const ops = func.instOperands(inst);
      for (let pos = 1; pos >= 0; pos--) {
        for (let k = 0; k < ops.length; k++) {
          const op = ops[k]!;
          if (operandIsFixedNonAllocatable(op) || operandPos(op) !== pos) continue;
          const v = operandVReg(op);
          live.set(vregIndex(v), operandIsUse(op));
          observeClass(ion, v);
        }
      }
    }
    // Block params are defined at the block's entry.
    const params = func.blockParams(block);
    for (let k = 0; k < params.length; k++) {
      live.remove(vregIndex(params[k]!));
      observeClass(ion, params[k]!);
    }
    live.toSparse();
    const preds = func.blockPreds(block);
    for (let k = 0; k < preds.length; k++) {
      const pred = preds[k]!;
      if (unionInto(ion.liveouts[pred]!, live.sparseKeys, live.sparseWords, live.sparseLength) && !queued[pred]) {
        queued[pred] = 1;
        queue.push(pred);
      }
    }
    ion.liveins[block]!.assign(live.sparseKeys, live.sparseWords, live.sparseLength);
  }
  live.clear();
  // A vreg live into the entry block is used without a def on some path.
  const entry = func.entryBlock();
  if (!ion.liveins[entry]!.isEmpty()) {
    const first = ion.liveins[entry]!.first();
    const cls = Math.max(0, ion.vregClass[first]!) as RegClass;
    throw new RegAllocError('EntryLivein', `v${first} is live into the entry block ${entry}`, { block: entry, vreg: vreg(first, cls) });
  }
}

/**
 * Adds [from, to) to `vregIdx`'s ranges and returns the range holding it.
 * Instructions are scanned bottom-up, so a new range always lies before the
 * vreg's existing ones: it only has to be compared with the last range added
 * (the list is reversed at the end), merged into it when they touch.
 */
export function addLiverangeToVreg(ion: IonEnv, vregIdx: VRegIndex, from: ProgPoint, to: ProgPoint): RangeId {
  const list = ion.vregRanges[vregIdx]!;
  const ranges = ion.ranges;
  if (list.length > 0) {
    const lastRange = list[list.length - 1]!;
    const lastFrom = ranges.from.data[lastRange]!;
    const lastTo = ranges.to.data[lastRange]!;
    if (ion.f.allowMultipleVregDefs()) {
      // Several defs of one vreg (pinned registers): a range inside the last is that range; one
      // ending inside it is cut to touch it, so the two merge below.
      if (from >= lastFrom && to <= lastTo) return lastRange;
      if (to >= lastFrom && to <= lastTo) to = lastFrom as ProgPoint;
    }
    if (to < lastFrom) {
      const range = ranges.add(from, to);
      ranges.vregIndex.data[range] = vregIdx;
      list.push(range);
      return range;
    }
    ranges.from.data[lastRange] = from;
    return lastRange;
  }
  const range = ranges.add(from, to);
  ranges.vregIndex.data[range] = vregIdx;
  ion.vregsWithRanges.push(vregIdx);
  // Most vregs have one range: a list made for one (pushing onto an empty
  // array reserves seventeen slots, most of a large function's garbage).
  ion.vregRanges[vregIdx] = [range];
  return range;
}

/** Adds a use of `operand` at `pos` to `range`, weighted by its constraint and loop depth. */
function insertUse(ion: IonEnv, range: RangeId, operand: Operand, pos: ProgPoint, slot: number): void {
  const block = ion.cfg.insnBlock[pointInst(pos)]!;
  const depth = ion.cfg.approxLoopDepth[block]!;
  const kind = operandConstraintKind(operand);
  const weightClass = kind === ConstraintKind.Any ? 'any' : kind === ConstraintKind.Reg || kind === ConstraintKind.FixedReg ? 'reg' : 'other';
  const weight = spillWeightFromConstraint(weightClass, depth, !operandIsUse(operand));
  const use = ion.uses.add(operand, pos, slot, weightToBits(weight));
  // Uses are pushed at the list's head, bottom-up: the list comes out in program order.
  ion.uses.next.data[use] = ion.ranges.useHead.data[range]!;
  ion.ranges.useHead.data[range] = use;
  // The sum is kept in f32, as regalloc2's SpillWeight adds f32s.
  ion.ranges.setUsesWeight(range, Math.fround(ion.ranges.usesWeight(range) + weight));
}

/** Reserves `preg` over [from, to): no bundle may take it there. */
function addLiverangeToPreg(ion: IonEnv, from: ProgPoint, to: ProgPoint, preg: PReg): void {
  const map = ion.pregAllocations[preg]!;
  if (map.size === 0) ion.pregsWithRanges.push(preg);
  map.insert(from, to, INVALID);
}

/** Records a reservation of `preg` over [from, to) for `buildLiveranges` to add at its end. */
function reservePreg(reservations: IntColumn, preg: PReg, from: ProgPoint, to: ProgPoint): void {
  reservations.push(preg);
  reservations.push(from);
  reservations.push(to);
}

/**
 * Builds each vreg's live ranges and uses, one backward pass per block
 * (liveness is already known, so each block is local work); reserves
 * clobbered registers; records block-param edges.
 */
export function buildLiveranges(ion: IonEnv): void {
  const func = ion.f;
  const cfg = ion.cfg;
  const ranges = ion.ranges;
  const numVregs = func.numVregs();
  // Each vreg's current range while it is live (stale entries are ignored: `live` is the truth).
  const vregRange = (ion.vregLrScratch = withRoom(ion.vregLrScratch, numVregs));
  vregRange.fill(INVALID, 0, numVregs);
  // Operands rewritten to `any` at the current instruction: `rewrites[k]` is
  // operand k's replacement where `rewriteMark[k]` is 1 (typed arrays: an
  // operand is a u32, and a JS array of them changed elements kind mid-stream,
  // discarding this function's optimized code).
  let rewrites = ion.rewriteOps;
  let rewriteMark = ion.rewriteMark;
  const rewritten: number[] = [];
  const lateDefFixed: PReg[] = [];
  const live = ion.live;
  const reservations = ion.pregReservations;
  reservations.clear();
  for (let block: Block = func.numBlocks() - 1; block >= 0; block--) {
    const { first, end } = func.blockInsns(block);
    const last: Inst = end - 1;
    ion.stats.livein_blocks++;
    const liveout = ion.liveouts[block]!;
    live.clear();
    live.addAll(liveout);
    if (func.isBranch(last)) {
      const succs = func.blockSuccs(block);
      for (let succIndex = 0; succIndex < succs.length; succIndex++) {
        const succ = succs[succIndex]!;
        const succParams = func.blockParams(succ);
        const args = func.branchBlockparams(block, last, succIndex);
        const count = Math.min(succParams.length, args.length);
        for (let k = 0; k < count; k++) {
          const arg = vregIndex(args[k]!);
          const outs = ion.blockparamOuts;
          outs.push(arg);
          outs.push(block);
          outs.push(succ);
          outs.push(vregIndex(succParams[k]!));
          live.set(arg, true);
        }
      }
    }
    const blockFrom = cfg.blockEntry[block]! as ProgPoint;
    const blockTo = pointNextInstStart(cfg.blockExit[block]! as ProgPoint);
    // Every vreg live out of the block (after its branch args) spans the block;
    // defs found below trim the start of their range.
    live.toSparse();
    const liveKeys = live.sparseKeys;
    const liveWords = live.sparseWords;
    for (let k = 0; k < live.sparseLength; k++) {
      let bits = liveWords[k]!;
      while (bits !== 0) {
        const v = (liveKeys[k]! * 32 + 31 - Math.clz32(bits & -bits)) as VRegIndex;
        bits &= bits - 1;
        vregRange[v] = addLiverangeToVreg(ion, v, blockFrom, blockTo);
      }
    }
    const params = func.blockParams(block);
    for (let k = 0; k < params.length; k++) {
      ion.vregBlockparam[vregIndex(params[k]!)] = block;
      observeClass(ion, params[k]!); // liveness skips unreachable blocks; their vregs need a class too
    }

    for (let inst: Inst = last; inst >= first; inst--) {
      // A clobber is a def that is never read: the register is taken at the
      // After point only, so the instruction can still read an input in it.
      const clobbers = func.instClobbers(inst);
      const clobberFrom = pointAfter(inst);
      const clobberTo = pointNextInstStart(clobberFrom);
      for (let preg = clobbers.nextFrom(0); preg >= 0; preg = clobbers.nextFrom(preg + 1)) reservePreg(reservations, preg as PReg, clobberFrom, clobberTo);
      const ops = func.instOperands(inst);
      // The vreg (not the operand index) a reuse-constrained def reuses, if any.
      let reusedInput = -1;
      for (let k = 0; k < ops.length; k++) {
        if (operandConstraintKind(ops[k]!) === ConstraintKind.Reuse) {
          reusedInput = operandVReg(ops[operandReuseIndex(ops[k]!)]!);
          break;
        }
      }
      for (let j = 0; j < rewritten.length; j++) rewriteMark[rewritten[j]!] = 0;
      clearArray(rewritten);
      clearArray(lateDefFixed);
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandConstraintKind(op) === ConstraintKind.FixedReg && operandPos(op) === 1 && operandIsDef(op)) {
          lateDefFixed.push(operandFixedReg(op));
        }
      }
      // An early fixed use whose register is also a late fixed def or a
      // clobber here, of a vreg live below the instruction: the vreg cannot
      // stay in that register. The use becomes `any` (a late one, so the value
      // survives the instruction) and a fixup copies it into the register,
      // which is reserved at the Before point for the copy.
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandIsFixedNonAllocatable(op)) continue;
        if (operandConstraintKind(op) !== ConstraintKind.FixedReg) continue;
        if (!(operandPos(op) === 0 && operandIsUse(op) && live.get(operandVRegIndex(op)))) continue;
        const preg = operandFixedReg(op);
        if (lateDefFixed.includes(preg) || clobbers.contains(preg)) {
          const pos = pointBefore(inst);
          const slot = operandSlot(k, inst);
          ion.multiFixedRegFixups.push({ pos, fromSlot: slot, toSlot: slot, toPreg: preg, vregIndex: operandVRegIndex(op) as VRegIndex, level: 0 });
          reservePreg(reservations, preg, pos, pointAfter(inst));
          if (rewrites.length < ops.length) {
            rewrites = ion.rewriteOps = withRoom(rewrites, ops.length);
            rewriteMark = ion.rewriteMark = withRoom(rewriteMark, ops.length);
          }
          rewrites[k] = makeOperand(operandVReg(op), CONSTRAINT_ANY, 1, 0);
          rewriteMark[k] = 1;
          rewritten.push(k);
        }
      }
      // Operands at the After point first, then the Before point, as the scan goes backwards.
      for (let curPos = 1; curPos >= 0; curPos--) {
        for (let k = 0; k < ops.length; k++) {
          const operand = rewritten.length === 0 || rewriteMark[k] === 0 ? ops[k]! : (rewrites[k]! as Operand);
          const isDef = operandIsDef(operand);
          const late = operandPos(operand) === 1;
          let pos: ProgPoint;
          if (isDef) pos = late ? pointAfter(inst) : pointBefore(inst);
          else if (late) pos = pointAfter(inst);
          // Beside a reuse def, the other inputs are used at the After point, so they
          // interfere with the def and never get the register it writes (the reused input's).
          else if (reusedInput !== -1 && reusedInput !== operandVReg(operand)) pos = pointAfter(inst);
          else pos = pointBefore(inst);
          if (pointPos(pos) !== curPos) continue;
          if (operandIsFixedNonAllocatable(operand)) {
            // Not allocated: its register is its allocation, set now and never looked at again.
            ion.setAlloc(inst, k, allocReg(operandFixedReg(operand)));
            continue;
          }
          const v = operandVRegIndex(operand) as VRegIndex;
          observeClass(ion, operandVReg(operand)); // (for unreachable blocks, as above)
          if (isDef) {
            let range = vregRange[v]! as RangeId;
            if (!live.get(v)) {
              // A dead def still gets a range, up to the next instruction's Before
              // point, so an early def (a temporary) holds its register over the whole instruction.
              range = addLiverangeToVreg(ion, v, pos, pointNextInstStart(pos));
              vregRange[v] = range;
              live.set(v, true);
            }
            insertUse(ion, range, operand, pos, operandSlot(k, inst));
            // A range that reached the block's start was live-in only by assumption: the def starts it.
            if (ranges.from.data[range] === cfg.blockEntry[block]) ranges.from.data[range] = pos;
            ranges.setFlag(range, LR_STARTS_AT_DEF);
            live.set(v, false);
            vregRange[v] = INVALID;
          } else {
            let range = vregRange[v]! as RangeId;
            if (!live.get(v)) {
              range = addLiverangeToVreg(ion, v, blockFrom, pointNext(pos));
              vregRange[v] = range;
            }
            insertUse(ion, range, operand, pos, operandSlot(k, inst));
            live.set(v, true);
          }
        }
      }
    }
    // Block params are defined at the block's entry; a dead one still gets a one-point range.
    for (let k = 0; k < params.length; k++) {
      const v = vregIndex(params[k]!) as VRegIndex;
      if (live.get(v)) live.set(v, false);
      else addLiverangeToVreg(ion, v, blockFrom, pointNext(blockFrom));
      const preds = func.blockPreds(block);
      for (let j = 0; j < preds.length; j++) {
        ion.blockparamIns.push(v);
        ion.blockparamIns.push(block);
        ion.blockparamIns.push(preds[j]!);
      }
    }
  }
  // The reservations in program order. Those of one register never partly
  // overlap (each covers one instruction's Before or After half), so the
  // maps hold what inserting them during the backward walk gave.
  const reserved = reservations.data;
  for (let k = reservations.length - 3; k >= 0; k -= 3) addLiverangeToPreg(ion, reserved[k + 1]! as ProgPoint, reserved[k + 2]! as ProgPoint, reserved[k]! as PReg);
  // Ranges and uses were built backwards.
  // Most lists hold one range: a builtin reverse() call per vreg cost more than the swaps.
  const vregRanges = ion.vregRanges;
  const withRanges = ion.vregsWithRanges;
  withRanges.data.subarray(0, withRanges.length).sort();
  ion.numVregsWithRanges = withRanges.length;
  for (let k = 0; k < withRanges.length; k++) {
    const list = vregRanges[withRanges.data[k]!]!;
    for (let i = 0, j = list.length - 1; i < j; i++, j--) {
      const swap = list[i]!;
      list[i] = list[j]!;
      list[j] = swap;
    }
  }
  ranges.finishUseLists(ion.uses.next);
  sortRecords(ion.blockparamIns, 3);
  sortRecords(ion.blockparamOuts, 4);
  ion.stats.initial_liverange_count = ranges.length;
  ion.stats.blockparam_ins_count = ion.blockparamIns.length / 3;
  ion.stats.blockparam_outs_count = ion.blockparamOuts.length / 4;
}

/**
 * Where one vreg has several uses at one program point that cannot share a
 * location (several fixed registers, a fixed stack slot beside a register
 * use, or a fixed register outside a limit), all but one become `any` and
 * get a fixup copy; the register is reserved at that point. Done here, before
 * bundles exist, because splitting a bundle between uses at one point would
 * break the rule that a bundle's ranges are disjoint.
 */
export function fixupMultiFixedVregs(ion: IonEnv): void {
  const ranges = ion.ranges;
  const uses = ion.uses;
  // (register, from, to) reservations, added once the range's uses are all
  // seen: flat triples of small integers (a list of tuples changed kind when
  // its first tuple came, discarding the optimized code mid-stream).
  const extraClobbers: number[] = [];
  const withRanges = ion.vregsWithRanges.data;
  for (let k = 0; k < ion.numVregsWithRanges; k++) {
    for (const range of ion.vregRanges[withRanges[k]!]!) {
      const rangeUses = ranges.usePool.data;
      const end = ranges.useEnd.data[range]!;
      let groupStart = ranges.useStart.data[range]!;
      while (groupStart < end) {
        let groupEnd = groupStart + 1;
        while (groupEnd < end && uses.pos.data[rangeUses[groupEnd]!] === uses.pos.data[rangeUses[groupStart]!]) groupEnd++;
        if (groupEnd - groupStart >= 2) fixupGroup(ion, rangeUses, groupStart, groupEnd, extraClobbers);
        groupStart = groupEnd;
      }
      for (let j = 0; j < extraClobbers.length; j += 3) {
        addLiverangeToPreg(ion, extraClobbers[j + 1]! as ProgPoint, extraClobbers[j + 2]! as ProgPoint, extraClobbers[j]! as PReg);
      }
      clearArray(extraClobbers);
    }
  }
}

/** The multi-fixed-reg fixup of the uses `rangeUses[start..end)`, all at one point. */
function fixupGroup(ion: IonEnv, rangeUses: Int32Array, start: number, end: number, extraClobbers: number[]): void {
  const uses = ion.uses;
  let requiresReg = false;
  let numFixedReg = 0;
  let numFixedStack = 0;
  let firstRegSlot = -1;
  let firstStackSlot = -1;
  // No limit: a small integer above every register number (a larger one is a
  // heap number, which `pregBelowLimit`'s optimized code took as a new type).
  let minLimit: number = PREG_NO_LIMIT;
  let maxFixedReg = 0;
  for (let k = start; k < end; k++) {
    const use = rangeUses[k]!;
    const op = uses.operand.data[use]! as Operand;
    const slot = uses.slot.data[use]!;
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
        maxFixedReg = Math.max(maxFixedReg, pregHwEnc(preg));
        if (ion.pregIsStack[preg]) {
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
        // regalloc2 does not support this either.
        throw new RegAllocError(
          'InvalidOperand',
          `v${operandVRegIndex(op)} has several uses at one point, one of them stack-constrained`,
          { vreg: operandVReg(op), inst: pointInst(uses.pos.data[use]! as ProgPoint) },
        );
    }
  }
  // No conflict: at most one fixed location, no stack slot beside a register, no fixed register outside a limit.
  if (numFixedReg + numFixedStack <= 1 && !(requiresReg && numFixedStack !== 0) && maxFixedReg < minLimit) return;
  // The copies read the value where the kept constraint puts it: a register if one is required, else the stack.
  const sourceSlot = requiresReg ? firstRegSlot : firstStackSlot;
  let firstPreg = -1;
  for (let k = start; k < end; k++) {
    const use = rangeUses[k]!;
    const op = uses.operand.data[use]! as Operand;
    if (operandConstraintKind(op) !== ConstraintKind.FixedReg) continue;
    const preg = operandFixedReg(op);
    // The first fixed register keeps its constraint (decided only among
    // registers that can hold the value where a register is required).
    if (!(requiresReg && ion.pregIsStack[preg])) {
      if (firstPreg < 0) firstPreg = preg;
      if (firstPreg === preg && pregBelowLimit(preg, minLimit)) continue;
    }
    const pos = uses.pos.data[use]! as ProgPoint;
    // The copy goes before the instruction even for a use at its late point
    // (a late use, or an early use kept live by a reused input): a copy after
    // the instruction, as regalloc2 places it, comes too late. The register
    // is then reserved over the whole instruction.
    const movePos = pointInstStart(pos);
    ion.multiFixedRegFixups.push({ pos: movePos, fromSlot: sourceSlot, toSlot: uses.slot.data[use]!, toPreg: preg, vregIndex: operandVRegIndex(op) as VRegIndex, level: 1 });
    uses.operand.data[use] = makeOperand(operandVReg(op), CONSTRAINT_ANY, operandIsUse(op) ? 1 : 0, operandPos(op));
    extraClobbers.push(preg, movePos, pointNext(pos));
  }
}
