// Fastalloc, regalloc2's single-pass allocator: blocks and instructions are
// visited in reverse; each vreg lives in at most one register at a time and
// has one dedicated spill slot; at block boundaries every live vreg is in its
// spill slot. Registers are picked least-recently-used first. See
// regalloc2's doc/FASTALLOC.md for the design.
//
// Beyond regalloc2: `limit(n)` constraints are supported (regalloc2 panics).

import { CFGInfo } from '../analysis/cfg.js';
import { validateSsa } from '../analysis/ssa.js';
import { type Allocation, ALLOC_NONE, allocReg, allocStack } from '../model/allocation.js';
import { RegAllocError } from '../model/errors.js';
import {
  type Edit,
  emptyStats,
  type Function,
  type MachineEnv,
  type Output,
  type RegallocOptions,
} from '../model/function.js';
import {
  CONSTRAINT_REG,
  CONSTRAINT_STACK,
  ConstraintKind,
  constraintFixed,
  makeOperand,
  type Operand,
  operandClass,
  operandConstraintField,
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
import { type PReg, PRegSet, type RegClass, type VReg, VREG_MAX_INDEX } from '../model/regs.js';
import { MOVE_DATA_NONE, ParallelMoves, resolveScratch } from '../moves/parallel_moves.js';
import { Lru } from './lru.js';
import { VRegSet } from './vregset.js';

const VREG_INVALID = VREG_MAX_INDEX * 4;
const SLOT_INVALID = -1;
const PP_INVALID = 0xfffffffe;
const NO_REUSE = -1;
const EARLY = 0;
const LATE = 1;
// Exclusive operand positions: which phases an operand's register is taken in.
const EARLY_ONLY = 0;
const LATE_ONLY = 1;
const BOTH = 2;

function tooManyLiveRegs(inst: number, op?: Operand): RegAllocError {
  return new RegAllocError(
    'TooManyLiveRegs',
    `inst ${inst}: too many values need registers at once${op === undefined ? '' : ''}`,
    { inst },
  );
}

function exclusivePos(op: Operand): number {
  const use = operandIsUse(op);
  const late = operandPos(op) === LATE;
  if ((use && late) || (!use && !late)) return BOTH;
  if (operandConstraintKind(op) === ConstraintKind.Reuse) return BOTH;
  return late ? LATE_ONLY : EARLY_ONLY;
}

/** A `reg` or `limit(n)` operand: it needs some register. */
function needsAnyReg(op: Operand): boolean {
  const k = operandConstraintKind(op);
  return k === ConstraintKind.Reg || k === ConstraintKind.Limit;
}

class Fastalloc {
  private readonly f: Function;
  private readonly multiSlotLast: boolean;
  private readonly slotSize: [number, number, number];
  // Output.
  private readonly allocs: Allocation[];
  private readonly instAllocOffsets: number[];
  /** Edits in reverse program order: (point, from, to) triples. */
  private readonly edits: number[] = [];
  private numSpillslots = 0;
  // Per vreg.
  private readonly vregAllocs: Int32Array;
  private readonly vregSpillslots: Int32Array;
  private readonly rangeStart: Uint32Array;
  private readonly rangeEnd: Uint32Array;
  private readonly rangeAlloc: Int32Array;
  private readonly liveVregs: VRegSet;
  // Per physical register.
  private readonly vregInPreg = new Int32Array(256).fill(VREG_INVALID);
  private readonly lrus: [Lru, Lru, Lru];
  private readonly allocatable: PRegSet;
  private readonly fixedStackSlots: PRegSet;
  private readonly initAvailable: PRegSet;
  private readonly available: [PRegSet, PRegSet] = [new PRegSet(), new PRegSet()];
  private readonly initNumAvailable = new Int32Array(3);
  /** [exclusive pos * 3 + class] */
  private readonly numAvailable = new Int32Array(9);
  private readonly numAnyRegOps = new Int32Array(9);
  private readonly dedicatedScratch: Int32Array;
  private readonly scratch = new Int32Array(3);
  private readonly preferredVictim = new Int32Array(3);
  private readonly reusedInputToReuseOp: Int32Array;
  // Scratch buffers.
  private readonly par = [new ParallelMoves(), new ParallelMoves(), new ParallelMoves()];
  private readonly seq: number[] = [];
  private readonly resolved: number[] = [];
  private readonly tmpSet = new PRegSet();

  constructor(f: Function, env: MachineEnv) {
    this.f = f;
    this.multiSlotLast = f.multiSpillslotNamedByLastSlot();
    this.slotSize = [f.spillslotSize(0), f.spillslotSize(1), f.spillslotSize(2)];
    const nv = f.numVregs();
    const regs = [0, 1, 2].map((c) => env.preferredRegsByClass[c]!.clone().unionFrom(env.nonPreferredRegsByClass[c]!));
    this.allocatable = regs[0]!.clone().unionFrom(regs[1]!).unionFrom(regs[2]!);
    this.fixedStackSlots = PRegSet.of(env.fixedStackSlots);
    this.initAvailable = this.allocatable.clone().unionFrom(this.fixedStackSlots);
    for (let c = 0; c < 3; c++) {
      this.initNumAvailable[c] = regs[c]!.size;
      this.preferredVictim[c] = regs[c]!.maxPReg() ?? -1;
    }
    this.lrus = [new Lru(0, regs[0]!), new Lru(1, regs[1]!), new Lru(2, regs[2]!)];
    this.dedicatedScratch = Int32Array.from(env.scratchByClass, (s) => (s === null ? -1 : s));
    this.scratch.set(this.dedicatedScratch);
    let maxOps = 0;
    let total = 0;
    const ni = f.numInsts();
    this.instAllocOffsets = new Array<number>(ni);
    for (let i = 0; i < ni; i++) {
      const n = f.instOperands(i).length;
      this.instAllocOffsets[i] = total;
      total += n;
      if (n > maxOps) maxOps = n;
    }
    this.allocs = new Array<Allocation>(total).fill(ALLOC_NONE);
    this.reusedInputToReuseOp = new Int32Array(maxOps).fill(NO_REUSE);
    this.vregAllocs = new Int32Array(nv);
    this.vregSpillslots = new Int32Array(nv).fill(SLOT_INVALID);
    this.rangeStart = new Uint32Array(nv).fill(PP_INVALID);
    this.rangeEnd = new Uint32Array(nv).fill(PP_INVALID);
    this.rangeAlloc = new Int32Array(nv);
    this.liveVregs = new VRegSet(nv);
  }

  // ------------------------------------------------------------ state helpers

  private isStack(a: Allocation): boolean {
    const kind = a >>> 28;
    return kind === 2 || (kind === 1 && this.fixedStackSlots.contains(a & 0xff));
  }

  private allocStackSlot(cls: RegClass): number {
    const size = this.slotSize[cls];
    let offset = (this.numSpillslots + size - 1) & ~(size - 1);
    const slot = this.multiSlotLast ? offset + size - 1 : offset;
    offset += size;
    this.numSpillslots = offset;
    return slot;
  }

  private getSpillslot(v: VReg): number {
    const idx = v >>> 2;
    if (this.vregSpillslots[idx] === SLOT_INVALID) this.vregSpillslots[idx] = this.allocStackSlot((v & 3) as RegClass);
    return this.vregSpillslots[idx]!;
  }

  private pushEdit(inst: number, pos: number, from: Allocation, to: Allocation): void {
    this.edits.push(inst * 2 + pos, from, to);
  }

  private evictVregInPreg(inst: number, preg: PReg, pos: number): void {
    const evicted = this.vregInPreg[preg]!;
    const slot = this.getSpillslot(evicted);
    const a = allocStack(slot);
    this.vregAllocs[evicted >>> 2] = a;
    this.addMove(inst, a, allocReg(preg), (evicted & 3) as RegClass, pos);
  }

  private allocScratchReg(inst: number, cls: RegClass, pos: number): void {
    const avail = this.tmpSet;
    avail.bits.set(this.available[LATE].bits);
    avail.intersectFrom(this.available[EARLY]);
    const preg = this.lrus[cls].last(avail);
    if (preg < 0) throw tooManyLiveRegs(inst);
    if (this.vregInPreg[preg] !== VREG_INVALID) this.evictVregInPreg(inst, preg, pos);
    this.scratch[cls] = preg;
    this.available[EARLY].remove(preg);
    this.available[LATE].remove(preg);
  }

  private addMove(inst: number, from: Allocation, to: Allocation, cls: RegClass, pos: number): void {
    if (this.isStack(from) && this.isStack(to)) {
      if (this.scratch[cls] === -1) {
        this.allocScratchReg(inst, cls, pos);
        for (const x of [BOTH, EARLY_ONLY, LATE_ONLY]) {
          const k = x * 3 + cls;
          this.numAvailable[k] = Math.max(0, this.numAvailable[k]! - 1);
        }
      }
      const s = allocReg(this.scratch[cls]!);
      // Pushed in reverse: the list is reversed at the end.
      this.pushEdit(inst, pos, s, to);
      this.pushEdit(inst, pos, from, s);
    } else {
      this.pushEdit(inst, pos, from, to);
    }
  }

  private moveIfDefPredBranch(block: number, pred: number, v: VReg, slot: number): void {
    const f = this.f;
    const last = f.blockInsns(pred).end - 1;
    const ops = f.instOperands(last);
    let from: Allocation = ALLOC_NONE;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (!operandIsDef(op) || operandVReg(op) !== v) continue;
      if (f.blockPreds(block).length > 1) {
        throw new RegAllocError(
          'InvalidOperand',
          `block ${pred}: branch inst ${last} defines ${v >>> 2}, passed to block ${block}, which has several predecessors`,
          { block: pred, inst: last, operand: k, vreg: v },
        );
      }
      const kind = operandConstraintKind(op);
      if (kind === ConstraintKind.FixedReg) from = allocReg(operandFixedReg(op));
      else if (kind !== ConstraintKind.Any && kind !== ConstraintKind.Stack) {
        throw new RegAllocError(
          'InvalidOperand',
          `block ${pred}: branch inst ${last} operand ${k}: a def on a branch that is also a branch arg or live-in must be any, stack or fixed`,
          { block: pred, inst: last, operand: k, vreg: v },
        );
      }
      break;
    }
    if (from !== ALLOC_NONE) {
      this.addMove(f.blockInsns(block).first, from, allocStack(slot), (v & 3) as RegClass, 0);
    }
  }

  private resetAvailable(): void {
    this.available[EARLY].bits.set(this.initAvailable.bits);
    this.available[LATE].bits.set(this.initAvailable.bits);
    this.scratch.set(this.dedicatedScratch);
    for (let x = 0; x < 3; x++) this.numAvailable.set(this.initNumAvailable, x * 3);
  }

  // ------------------------------------------------------------ operands

  private reserveRegForOperand(inst: number, op: Operand, opIdx: number, preg: PReg, shared: boolean): void {
    // `shared`: an earlier use of the same vreg already reserved this register.
    const nonalloc = operandIsFixedNonAllocatable(op) || shared;
    const early = this.available[EARLY];
    const late = this.available[LATE];
    const pos = operandPos(op);
    const use = operandIsUse(op);
    if (pos === EARLY && use) {
      if (!nonalloc && !early.contains(preg)) throw tooManyLiveRegs(inst);
      early.remove(preg);
      if (this.reusedInputToReuseOp[opIdx] !== NO_REUSE) {
        if (!nonalloc && !late.contains(preg)) throw tooManyLiveRegs(inst);
        late.remove(preg);
      }
    } else if (pos === LATE && !use) {
      if (!nonalloc && !late.contains(preg)) throw tooManyLiveRegs(inst);
      late.remove(preg);
    } else {
      if (!nonalloc && (!early.contains(preg) || !late.contains(preg))) throw tooManyLiveRegs(inst);
      early.remove(preg);
      late.remove(preg);
    }
  }

  private allocdWithinConstraint(op: Operand, inst: number): boolean {
    const v = operandVReg(op);
    const alloc = this.vregAllocs[v >>> 2]!;
    const kind = operandConstraintKind(op);
    switch (kind) {
      case ConstraintKind.Any: {
        if (alloc >>> 28 === 1) {
          const preg = alloc & 0xff;
          const ex = exclusivePos(op) * 3 + operandClass(op);
          if (!this.isStack(alloc) && this.numAvailable[ex]! < this.numAnyRegOps[ex]!) return false;
          if (!this.available[operandPos(op)].contains(preg)) {
            return this.vregInPreg[preg] === v && (operandPos(op) !== LATE || !this.f.instClobbers(inst).contains(preg));
          }
          return true;
        }
        return alloc !== ALLOC_NONE;
      }
      case ConstraintKind.Reg:
      case ConstraintKind.Limit: {
        if (this.isStack(alloc)) return false;
        if (alloc >>> 28 !== 1) return false;
        const preg = alloc & 0xff;
        if (kind === ConstraintKind.Limit && (preg & 63) >= operandLimit(op)) return false;
        if (!this.available[operandPos(op)].contains(preg)) {
          return this.vregInPreg[preg] === v && (operandPos(op) !== LATE || !this.f.instClobbers(inst).contains(preg));
        }
        return true;
      }
      case ConstraintKind.FixedReg:
        return alloc === allocReg(operandFixedReg(op));
      case ConstraintKind.Stack:
        return this.isStack(alloc);
      default:
        throw new Error('unreachable: reuse constraints are rewritten before allocation');
    }
  }

  private freealloc(v: VReg): void {
    const idx = v >>> 2;
    const alloc = this.vregAllocs[idx]!;
    if (alloc >>> 28 === 1) this.vregInPreg[alloc & 0xff] = VREG_INVALID;
    this.vregAllocs[idx] = ALLOC_NONE;
    this.liveVregs.remove(idx);
  }

  private selectSuitableReg(inst: number, op: Operand): PReg {
    const pos = operandPos(op);
    const use = operandIsUse(op);
    const drawFrom = this.tmpSet;
    if ((pos === LATE && use) || (pos === EARLY && !use)) {
      drawFrom.bits.set(this.available[LATE].bits);
      drawFrom.intersectFrom(this.available[EARLY]);
    } else {
      drawFrom.bits.set(this.available[pos].bits);
    }
    const cls = operandClass(op);
    if (drawFrom.isEmptyClass(cls)) throw tooManyLiveRegs(inst);
    const preg =
      operandConstraintKind(op) === ConstraintKind.Limit
        ? this.lrus[cls].lastBelow(drawFrom, operandLimit(op))
        : this.lrus[cls].last(drawFrom);
    if (preg < 0) throw tooManyLiveRegs(inst);
    return preg;
  }

  private allocRegForOperand(inst: number, op: Operand): Allocation {
    const preg = this.selectSuitableReg(inst, op);
    if (this.vregInPreg[preg] !== VREG_INVALID) this.evictVregInPreg(inst, preg, LATE);
    this.lrus[operandClass(op)].poke(preg);
    const pos = operandPos(op);
    this.available[pos].remove(preg);
    const use = operandIsUse(op);
    if (pos === LATE && use) this.available[EARLY].remove(preg);
    else if (pos === EARLY && !use) this.available[LATE].remove(preg);
    else if (pos === LATE && !use && operandConstraintKind(op) === ConstraintKind.Reuse) this.available[EARLY].remove(preg);
    return allocReg(preg);
  }

  private allocOperand(inst: number, op: Operand, opIdx: number): Allocation {
    const v = operandVReg(op);
    let a: Allocation;
    switch (operandConstraintKind(op)) {
      case ConstraintKind.Any: {
        const ex = exclusivePos(op) * 3 + operandClass(op);
        if ((operandIsDef(op) && this.vregAllocs[v >>> 2] === ALLOC_NONE) || this.numAnyRegOps[ex]! >= this.numAvailable[ex]!) {
          a = allocStack(this.getSpillslot(v));
        } else {
          try {
            a = this.allocRegForOperand(inst, op);
          } catch (e) {
            if (!(e instanceof RegAllocError && e.kind === 'TooManyLiveRegs')) throw e;
            a = allocStack(this.getSpillslot(v));
          }
        }
        break;
      }
      case ConstraintKind.Reg:
      case ConstraintKind.Limit:
        a = this.allocRegForOperand(inst, op);
        this.numAnyRegOps[exclusivePos(op) * 3 + operandClass(op)]!--;
        break;
      case ConstraintKind.FixedReg:
        a = allocReg(operandFixedReg(op));
        break;
      case ConstraintKind.Stack:
        a = allocStack(this.getSpillslot(v));
        break;
      default:
        throw new Error('unreachable: reuse constraints are rewritten before allocation');
    }
    this.allocs[this.instAllocOffsets[inst]! + opIdx] = a;
    return a;
  }

  private processOperandAllocation(inst: number, op: Operand, opIdx: number): void {
    const slot = this.instAllocOffsets[inst]! + opIdx;
    if (operandIsFixedNonAllocatable(op)) {
      this.allocs[slot] = allocReg(operandFixedReg(op));
      return;
    }
    const v = operandVReg(op);
    const idx = v >>> 2;
    if (!this.allocdWithinConstraint(op, inst)) {
      const cur = this.vregAllocs[idx]!;
      const next = this.allocOperand(inst, op, opIdx);
      if (cur === ALLOC_NONE) {
        this.liveVregs.insert(v);
        this.rangeEnd[idx] = operandIsDef(op) || operandPos(op) === LATE ? (inst + 1) * 2 : inst * 2 + 1;
        this.rangeAlloc[idx] = next;
        this.vregAllocs[idx] = next;
        if (next >>> 28 === 1) this.vregInPreg[next & 0xff] = v;
      } else {
        if (operandIsDef(op)) this.addMove(inst, next, cur, operandClass(op), LATE);
        if (next >>> 28 === 1) this.vregInPreg[next & 0xff] = VREG_INVALID;
      }
    } else {
      const a = this.vregAllocs[idx]!;
      this.allocs[slot] = a;
      if (needsAnyReg(op)) this.numAnyRegOps[exclusivePos(op) * 3 + operandClass(op)]!--;
      if (a >>> 28 === 1) {
        const preg = a & 0xff;
        if (this.allocatable.contains(preg)) this.lrus[(preg >> 6) as RegClass].poke(preg);
        const pos = operandPos(op);
        this.available[pos].remove(preg);
        if (pos === LATE && operandIsUse(op)) this.available[EARLY].remove(preg);
        else if (pos === EARLY && operandIsDef(op)) this.available[LATE].remove(preg);
      }
    }
  }

  // ------------------------------------------------------------ instructions

  private processBranch(block: number, inst: number): void {
    const f = this.f;
    const ops = f.instOperands(inst);
    for (const p of this.par) p.clear();
    const succs = f.blockSuccs(block);
    for (let s = 0; s < succs.length; s++) {
      const succ = succs[s]!;
      const args = f.branchBlockparams(block, inst, s);
      const params = f.blockParams(succ);
      for (let k = 0; k < args.length; k++) {
        const v = args[k]!;
        let definedHere = false;
        for (let j = 0; j < ops.length; j++) {
          if (operandIsDef(ops[j]!) && operandVReg(ops[j]!) === v) {
            definedHere = true;
            break;
          }
        }
        if (definedHere) continue;
        const param = params[k]!;
        if (this.vregSpillslots[param >>> 2] === SLOT_INVALID) this.vregSpillslots[param >>> 2] = this.allocStackSlot((param & 3) as RegClass);
        if (this.vregSpillslots[v >>> 2] === SLOT_INVALID) this.vregSpillslots[v >>> 2] = this.allocStackSlot((v & 3) as RegClass);
        const spill = allocStack(this.vregSpillslots[v >>> 2]!);
        const cur = this.vregAllocs[v >>> 2]!;
        if (cur === ALLOC_NONE) {
          this.liveVregs.insert(v);
          this.rangeEnd[v >>> 2] = inst * 2;
        } else if (cur !== spill) {
          this.addMove(inst, spill, cur, (v & 3) as RegClass, 0);
        }
        this.vregAllocs[v >>> 2] = spill;
        this.par[v & 3]!.add(spill, allocStack(this.vregSpillslots[param >>> 2]!), v);
      }
    }
    const resolvedNeeds = this.par.map((p, cls) => {
      const seq: number[] = [];
      return { seq, needs: p.resolve(seq), cls };
    });
    const scratch = Int32Array.from(this.scratch);
    const availRegs = this.available[EARLY].clone().intersectFrom(this.available[LATE]);
    let numSlots = this.numSpillslots;
    for (const { seq, needs, cls } of resolvedNeeds) {
      const out = this.resolved;
      resolveScratch(
        seq,
        needs,
        {
          findFreeReg: () => {
            if (scratch[cls] !== -1) {
              const r = scratch[cls]!;
              scratch[cls] = -1;
              return allocReg(r);
            }
            const p = this.lrus[cls].last(availRegs);
            if (p < 0) return undefined;
            availRegs.remove(p);
            return allocReg(p);
          },
          getStackslot: () => {
            const size = this.slotSize[cls as RegClass];
            let offset = (numSlots + size - 1) & ~(size - 1);
            const slot = this.multiSlotLast ? offset + size - 1 : offset;
            offset += size;
            numSlots = offset;
            return allocStack(slot);
          },
          isStackAlloc: (a) => this.isStack(a),
          borrowedScratchReg: this.preferredVictim[cls]!,
        },
        out,
      );
      for (let i = out.length - 3; i >= 0; i -= 3) this.pushEdit(inst, 0, out[i]!, out[i + 1]!);
      this.numSpillslots = numSlots;
    }
  }

  private allocDefOp(opIdx: number, op: Operand, ops: ArrayLike<Operand>, block: number, inst: number): void {
    const f = this.f;
    const v = operandVReg(op);
    const idx = v >>> 2;
    if (operandConstraintKind(op) === ConstraintKind.Reuse) {
      // The def takes the reused input's constraint, early. An `any` input
      // becomes `reg`: a reused input must be in a register (regalloc2 would
      // panic if the def landed on the stack).
      const reused = ops[operandReuseIndex(op)]!;
      const field = operandConstraintKind(reused) === ConstraintKind.Any ? CONSTRAINT_REG : operandConstraintField(reused);
      this.processOperandAllocation(inst, makeOperand(v, field, 0, EARLY), opIdx);
    } else if (f.isBranch(inst)) {
      let paramSlot = SLOT_INVALID;
      const succs = f.blockSuccs(block);
      outer: for (let s = 0; s < succs.length; s++) {
        const args = f.branchBlockparams(block, inst, s);
        for (let k = 0; k < args.length; k++) {
          if (args[k] === v) {
            const kind = operandConstraintKind(op);
            if (kind === ConstraintKind.Any || kind === ConstraintKind.Stack) {
              paramSlot = this.getSpillslot(f.blockParams(succs[s]!)[k]!);
            }
            break outer;
          }
        }
      }
      if (paramSlot !== SLOT_INVALID) {
        const own = this.vregSpillslots[idx]!;
        this.vregSpillslots[idx] = paramSlot;
        this.processOperandAllocation(inst, makeOperand(v, CONSTRAINT_STACK, 0, operandPos(op)), opIdx);
        this.vregSpillslots[idx] = own;
      } else {
        this.processOperandAllocation(inst, op, opIdx);
      }
    } else {
      this.processOperandAllocation(inst, op, opIdx);
    }
    const slot = this.vregSpillslots[idx]!;
    if (slot !== SLOT_INVALID) {
      this.rangeAlloc[idx] = allocStack(slot);
      const cur = this.vregAllocs[idx]!;
      const next = allocStack(slot);
      // Spill from where the def wrote. regalloc2 spills from `cur`, the
      // location later uses expect, but when the def wrote elsewhere (a
      // `stack` def into its slot while later uses wanted a register), the
      // copy into `cur` was added just before and so runs just after this
      // one (edits are reversed at the end): the slot would receive `cur`'s
      // stale contents, overwriting the value the def just stored there.
      if (cur !== next) {
        const written = this.allocs[this.instAllocOffsets[inst]! + opIdx]!;
        if (written !== next) this.addMove(inst, written, next, operandClass(op), LATE);
      }
    }
    this.rangeStart[idx] = inst * 2 + 1;
    this.freealloc(v);
  }

  private allocUse(opIdx: number, op: Operand, inst: number): void {
    const reuseIdx = this.reusedInputToReuseOp[opIdx]!;
    if (reuseIdx !== NO_REUSE) {
      const a = this.allocs[this.instAllocOffsets[inst]! + reuseIdx]!;
      // The reusing def got a register; the input must be in the same one.
      const fixed = makeOperand(operandVReg(op), constraintFixed(a & 63), 1, operandPos(op));
      this.processOperandAllocation(inst, fixed, opIdx);
    } else {
      this.processOperandAllocation(inst, op, opIdx);
    }
  }

  private allocInst(block: number, inst: number): void {
    const f = this.f;
    this.resetAvailable();
    const ops = f.instOperands(inst);
    const clobbers = f.instClobbers(inst);
    let fixedClobbers = 0;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandConstraintKind(op) === ConstraintKind.Reuse) {
        const r = operandReuseIndex(op);
        this.reusedInputToReuseOp[r] = k;
        if (needsAnyReg(ops[r]!)) {
          this.numAnyRegOps[BOTH * 3 + operandClass(op)]!++;
          this.numAnyRegOps[EARLY_ONLY * 3 + operandClass(op)]!--;
        }
      } else if (needsAnyReg(op)) {
        this.numAnyRegOps[exclusivePos(op) * 3 + operandClass(op)]!++;
      }
    }
    const seen = new PRegSet();
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandConstraintKind(op) !== ConstraintKind.FixedReg) continue;
      const preg = operandFixedReg(op);
      const shared = seen.contains(preg) && operandIsUse(op) && this.fixedUseOf(ops, k, preg);
      this.reserveRegForOperand(inst, op, k, preg, shared);
      if (!seen.contains(preg)) {
        seen.add(preg);
        if (this.allocatable.contains(preg)) {
          this.lrus[(preg >> 6) as RegClass].poke(preg);
          this.numAvailable[exclusivePos(op) * 3 + operandClass(op)]!--;
          if (clobbers.contains(preg)) fixedClobbers++;
        }
      }
    }
    this.available[LATE].subtractFrom(clobbers);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandConstraintKind(op) !== ConstraintKind.FixedReg) continue;
      const preg = operandFixedReg(op);
      const held = this.vregInPreg[preg]!;
      if (held !== VREG_INVALID && held !== operandVReg(op)) {
        this.evictVregInPreg(inst, preg, LATE);
        this.vregInPreg[preg] = VREG_INVALID;
      }
    }
    for (const preg of clobbers) {
      if (this.vregInPreg[preg] !== VREG_INVALID) {
        this.evictVregInPreg(inst, preg, LATE);
        this.vregInPreg[preg] = VREG_INVALID;
      }
      if (this.allocatable.contains(preg)) {
        if (fixedClobbers === 0) {
          this.numAvailable[LATE_ONLY * 3 + (preg >> 6)]!--;
          this.numAvailable[BOTH * 3 + (preg >> 6)]!--;
        } else {
          fixedClobbers--;
        }
      }
    }
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandPos(op) !== LATE) continue;
      if (operandIsDef(op)) this.allocDefOp(k, op, ops, block, inst);
      else this.allocUse(k, op, inst);
    }
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandPos(op) !== EARLY) continue;
      if (operandIsUse(op)) this.allocUse(k, op, inst);
      else this.allocDefOp(k, op, ops, block, inst);
    }
    const base = this.instAllocOffsets[inst]!;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (!operandIsUse(op) || operandIsFixedNonAllocatable(op)) continue;
      const cur = this.vregAllocs[operandVReg(op) >>> 2]!;
      const next = this.allocs[base + k]!;
      if (cur !== next) this.addMove(inst, cur, next, operandClass(op), EARLY);
    }
    if (f.isBranch(inst)) this.processBranch(block, inst);
    this.reusedInputToReuseOp.fill(NO_REUSE);
  }

  /** True if an operand before `k` is a use of the same vreg fixed to `preg`. */
  private fixedUseOf(ops: ArrayLike<Operand>, k: number, preg: PReg): boolean {
    const v = operandVReg(ops[k]!);
    for (let j = 0; j < k; j++) {
      const o = ops[j]!;
      if (operandIsUse(o) && operandVReg(o) === v && operandConstraintKind(o) === ConstraintKind.FixedReg && operandFixedReg(o) === preg) {
        return true;
      }
    }
    return false;
  }

  private reloadAtBegin(block: number): void {
    const f = this.f;
    this.resetAvailable();
    const first = f.blockInsns(block).first;
    const params = f.blockParams(block);
    for (let k = 0; k < params.length; k++) {
      const v = params[k]!;
      const idx = v >>> 2;
      if (this.vregAllocs[idx] === ALLOC_NONE) continue;
      const prev = this.vregAllocs[idx]!;
      const slot = allocStack(this.getSpillslot(v));
      this.rangeAlloc[idx] = slot;
      this.rangeStart[idx] = first * 2;
      this.freealloc(v);
      if (slot === prev) continue;
      this.addMove(first, slot, prev, (v & 3) as RegClass, 0);
    }
    this.liveVregs.forEach((v) => {
      const idx = v >>> 2;
      const prev = this.vregAllocs[idx]!;
      const slot = allocStack(this.getSpillslot(v));
      this.vregAllocs[idx] = slot;
      if (prev >>> 28 === 1) this.vregInPreg[prev & 0xff] = VREG_INVALID;
      if (slot !== prev) this.addMove(first, slot, prev, (v & 3) as RegClass, 0);
    });
    this.scratch.set(this.dedicatedScratch);
    if (block === f.entryBlock() && !this.liveVregs.isEmpty()) {
      // A value used but defined on no path from the entry (regalloc2 would
      // reload it from a slot that was never written).
      const v = this.liveVregs.toArray()[0]!;
      throw new RegAllocError('EntryLivein', `v${v >>> 2} is live into the entry block ${block}`, { block, vreg: v });
    }
    const preds = f.blockPreds(block);
    for (let k = 0; k < params.length; k++) {
      const param = params[k]!;
      const pslot = this.vregSpillslots[param >>> 2]!;
      if (pslot === SLOT_INVALID) continue;
      for (let j = 0; j < preds.length; j++) {
        const pred = preds[j]!;
        const last = f.blockInsns(pred).end - 1;
        const succIdx = Array.prototype.indexOf.call(f.blockSuccs(pred), block);
        const arg = f.branchBlockparams(pred, last, succIdx)[k]!;
        this.moveIfDefPredBranch(block, pred, arg, pslot);
      }
    }
    this.liveVregs.forEach((v) => {
      for (let j = 0; j < preds.length; j++) this.moveIfDefPredBranch(block, preds[j]!, v, this.vregSpillslots[v >>> 2]!);
    });
  }

  run(): Output {
    const f = this.f;
    for (let b = f.numBlocks() - 1; b >= 0; b--) {
      const { first, end } = f.blockInsns(b);
      for (let i = end - 1; i >= first; i--) this.allocInst(b, i);
      this.reloadAtBegin(b);
    }
    const e = this.edits;
    const edits: Edit[] = new Array(e.length / 3);
    for (let i = e.length - 3, k = 0; i >= 0; i -= 3, k++) edits[k] = { point: e[i]!, from: e[i + 1]!, to: e[i + 2]! };
    const debugLocations: [number, number, number, Allocation][] = [];
    for (const [v, start, end, label] of f.debugValueLabels()) {
      const idx = v >>> 2;
      const ps = this.rangeStart[idx]!;
      const pe = this.rangeEnd[idx]!;
      if (ps >>> 1 <= start && end <= (pe >>> 1) + 1) debugLocations.push([label, ps, pe, this.rangeAlloc[idx]!]);
    }
    debugLocations.sort((a, b) => a[0] - b[0]);
    return {
      numSpillslots: this.numSpillslots,
      edits,
      allocs: this.allocs,
      instAllocOffsets: this.instAllocOffsets,
      debugLocations,
      stats: emptyStats(),
    };
  }
}

/** Allocates `func` with Fastalloc. Throws a `RegAllocError` when allocation is impossible. */
export function runFastalloc(func: Function, env: MachineEnv, options: RegallocOptions = {}): Output {
  if (options.validateSsa) validateSsa(func, CFGInfo.compute(func));
  return new Fastalloc(func, env).run();
}

export { MOVE_DATA_NONE };
