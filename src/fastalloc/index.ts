// Fastalloc, regalloc2's single-pass allocator: blocks and instructions are
// visited in reverse; each vreg lives in at most one register at a time and
// has one dedicated spill slot; at block boundaries every live vreg is in its
// spill slot. Registers are picked least-recently-used first. See
// regalloc2's doc/FASTALLOC.md for the design.
//
// Deliberate differences from regalloc2 (doc/DESIGN.md, "Where we differ"):
// `limit(n)` constraints are supported (regalloc2 panics); a reused `any`
// input becomes `reg`; a def into its own slot is not overwritten by a
// stale copy; a value live into the entry block is an error.

import { CFGInfo } from '../analysis/cfg.js';
import { FunctionBuilder } from '../func/builder.js';
import { validateSsa } from '../analysis/ssa.js';
import * as allocation from '../model/allocation.js';
import type { Allocation, InstPosition } from '../model/allocation.js';
import { RegAllocError } from '../model/errors.js';
import { envFixedStackSlot, envFixedStackSlotCount, envScratch } from '../model/env_shape.js';
import { emptyStats, type Function, type MachineEnv, type Output, outputWithPackedEdits, type RegallocOptions } from '../model/function.js';
import * as location from '../model/location.js';
import * as operand from '../model/operand.js';
import { ConstraintKind, type Operand } from '../model/operand.js';
import * as regs from '../model/regs.js';
import { type PReg, PRegSet, type RegClass, type VReg } from '../model/regs.js';
import { MOVE_DATA_NONE, MoveList, ParallelMoves, resolveScratch, type ScratchHooks } from '../moves/parallel_moves.js';
import { growableFields, IndexList, resultInt32s, resultUint32s, withRoom } from '../util/int_buffers.js';
import { Lru } from './lru.js';
import { VRegSet } from './vregset.js';

// The model's helpers and constants, bound once as this module's own
// constants. Optimized code reads an imported binding from its module cell
// at every use, checks that it is initialized and, before inlining an
// imported function, that it is still the same function; an imported number
// is not known to be a small integer. A module's own `const` is folded to
// its value with none of that. Read through the imports, the helpers cost
// the per-operand path about 8% CPU time per pass on fuzzgen/.
const { ALLOC_NONE, allocIsReg, allocIsStack, allocReg, allocStack, pointAfter, pointBefore, pointInst, progPoint } = allocation;
const { allocPReg, pointAfterInst, pregBelowLimit } = location;
const {
  CONSTRAINT_ANY,
  CONSTRAINT_REG,
  CONSTRAINT_STACK,
  constraintFixed,
  makeOperand,
  OperandKind,
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
} = operand;
const { NUM_REG_CLASSES, pregClass, PREG_NUM_INDEX, pregHwEnc, VREG_INVALID, vregClass, vregIndex } = regs;

const SLOT_INVALID = -1;
const PP_INVALID = 0xfffffffe;
const NO_REUSE = -1;
const EARLY = 0;
const LATE = 1;
/**
 * The index of a third available set that no one reads: a register taken at
 * one position only is removed "also" from this one. Choosing a set by
 * position, rather than branching to a second removal, leaves no call that
 * runs only for rare operand kinds (V8 throws away optimized code that
 * reaches a call it has never seen run).
 */
const NOWHERE = 2;
// Exclusive operand positions: which phases an operand's register is taken in.
const EARLY_ONLY = 0;
const LATE_ONLY = 1;
const BOTH = 2;
// The env key (see `sameEnv`): per class, the preferred then non-preferred
// register sets' words; then each class's scratch register.
const PREGSET_WORDS = 8;
const ENV_KEY_CLASS = 2 * PREGSET_WORDS;
const ENV_KEY_SCRATCH = NUM_REG_CLASSES * ENV_KEY_CLASS;

function tooManyLiveRegs(inst: number): RegAllocError {
  return new RegAllocError('TooManyLiveRegs', `inst ${inst}: too many values need registers at once`, { inst });
}

function exclusivePos(op: Operand): number {
  // An early def or a late use holds its register in both phases, as does a
  // late reuse def; an early use only early, a late def only late.
  const late = operandPos(op) === LATE;
  if (operandIsUse(op)) return late ? BOTH : EARLY_ONLY;
  if (!late) return BOTH;
  return operandConstraintKind(op) === ConstraintKind.Reuse ? BOTH : LATE_ONLY;
}

/** A `reg` or `limit(n)` operand: it needs some register. */
function needsAnyReg(op: Operand): boolean {
  const k = operandConstraintKind(op);
  return k === ConstraintKind.Reg || k === ConstraintKind.Limit;
}

/**
 * The allocator's state. One instance is reused across functions (see
 * `FastallocContext`): buffers grow to the largest function seen and are
 * reset, not reallocated; env-derived tables are recomputed only when the
 * env changes.
 */
class Fastalloc {
  private f!: Function;
  multiSlotLast = false;
  readonly slotSize: [number, number, number] = [1, 1, 1];
  // Output.
  private allocs = new Int32Array(0);
  private instAllocOffsets = new Uint32Array(0);
  /** Edits in reverse program order: (point, from, to) triples. */
  private edits = new Int32Array(3 * 1024);
  private editsLen = 0;
  private numSpillslots = 0;
  // Per vreg.
  private vregAllocs = new Int32Array(0);
  private vregSpillslots = new Int32Array(0);
  private rangeStart = new Uint32Array(0);
  private rangeEnd = new Uint32Array(0);
  private rangeAlloc = new Int32Array(0);
  /**
   * The vregs whose entries above may differ from their initial values
   * (every write to those tables is preceded by adding the vreg here): the
   * next reset restores those only. (Cranelift numbers its vregs from about
   * 200 and uses a few of them: filling every table up to the vreg count
   * cost more than the rest of the reset.)
   */
  private readonly touched = new IndexList();
  private readonly liveVregs = new VRegSet(0);
  // Per physical register.
  private readonly vregInPreg = new Int32Array(PREG_NUM_INDEX).fill(VREG_INVALID);
  /** The registers given a vreg this run: the next reset clears only those. */
  private readonly pregsHeld = new IndexList(PREG_NUM_INDEX);
  readonly lrus: [Lru, Lru, Lru] = [new Lru(0, new PRegSet()), new Lru(1, new PRegSet()), new Lru(2, new PRegSet())];
  private readonly lruRegs: [PRegSet, PRegSet, PRegSet] = [new PRegSet(), new PRegSet(), new PRegSet()];
  private readonly allocatable = new PRegSet();
  private readonly fixedStackSlots = new PRegSet();
  private readonly initAvailable = new PRegSet();
  private readonly available: [PRegSet, PRegSet, PRegSet] = [new PRegSet(), new PRegSet(), new PRegSet()];
  private readonly initNumAvailable = new Int32Array(3);
  /** [exclusive pos * 3 + class] */
  private readonly numAvailable = new Int32Array(9);
  private readonly numAnyRegOps = new Int32Array(9);
  private readonly dedicatedScratch = new Int32Array(3);
  private readonly scratch = new Int32Array(3);
  private readonly preferredVictim = new Int32Array(3);
  private reusedInputToReuseOp = new Int32Array(16).fill(NO_REUSE);
  private env: MachineEnv | undefined;
  // Scratch buffers.
  private readonly par = [new ParallelMoves(), new ParallelMoves(), new ParallelMoves()];
  private readonly resolved = new MoveList();
  private readonly seqs = [new MoveList(), new MoveList(), new MoveList()];
  private readonly needs = new Uint8Array(3);
  private readonly branchHooks: BranchScratchHooks = new BranchScratchHooks(this);
  private readonly tmpSet = new PRegSet();
  private readonly seen = new PRegSet();

  /** The env's contents when the tables below were computed. */
  private readonly envKey = new Int32Array(ENV_KEY_SCRATCH + NUM_REG_CLASSES);
  private envFixed = new Int32Array(0);
  private readonly lruInit: [Lru, Lru, Lru] = [new Lru(0, new PRegSet()), new Lru(1, new PRegSet()), new Lru(2, new PRegSet())];

  constructor() {
    growableFields(this, ['reusedInputToReuseOp']);
  }

  /** True when `env` has the contents the tables were last computed for. */
  private sameEnv(env: MachineEnv): boolean {
    const key = this.envKey;
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      const a = env.preferredRegsByClass[c]!.bits;
      const b = env.nonPreferredRegsByClass[c]!.bits;
      for (let w = 0; w < 8; w++) {
        if (key[ENV_KEY_CLASS * c + w] !== (a[w]! | 0) || key[ENV_KEY_CLASS * c + PREGSET_WORDS + w] !== (b[w]! | 0)) return false;
      }
      if (key[ENV_KEY_SCRATCH + c] !== envScratch(env, c)) return false;
    }
    const known = this.envFixed;
    const n = envFixedStackSlotCount(env);
    if (n !== known.length) return false;
    for (let i = 0; i < n; i++) if (envFixedStackSlot(env, i) !== known[i]) return false;
    return true;
  }

  private setEnv(env: MachineEnv): void {
    // Compared by contents even when it is the env of the last run: the
    // caller may have changed its register sets in place since.
    if (this.env !== undefined && this.sameEnv(env)) {
      this.env = env;
      return;
    }
    this.env = env;
    this.allocatable.clear();
    const key = this.envKey;
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      const dedicated = envScratch(env, c);
      const pref = env.preferredRegsByClass[c]!;
      const nonPref = env.nonPreferredRegsByClass[c]!;
      for (let w = 0; w < 8; w++) {
        key[ENV_KEY_CLASS * c + w] = pref.bits[w]!;
        key[ENV_KEY_CLASS * c + PREGSET_WORDS + w] = nonPref.bits[w]!;
      }
      key[ENV_KEY_SCRATCH + c] = dedicated;
      const regs = this.lruRegs[c]!.copyFrom(pref).unionFrom(nonPref);
      this.allocatable.unionFrom(regs);
      this.initNumAvailable[c] = regs.size;
      this.preferredVictim[c] = regs.maxPReg() ?? -1;
      this.dedicatedScratch[c] = dedicated;
      this.lruInit[c]!.reset(regs);
      this.lrus[c]!.dirty = true; // the start order changed
    }
    this.envFixed = new Int32Array(envFixedStackSlotCount(env));
    this.fixedStackSlots.clear();
    for (let i = 0; i < this.envFixed.length; i++) {
      const p = envFixedStackSlot(env, i);
      this.envFixed[i] = p;
      this.fixedStackSlots.add(p);
    }
    this.initAvailable.copyFrom(this.allocatable).unionFrom(this.fixedStackSlots);
  }

  /** Prepares for allocating `f` under `env`. */
  reset(f: Function, env: MachineEnv): void {
    this.f = f;
    this.setEnv(env);
    this.multiSlotLast = f.multiSpillslotNamedByLastSlot();
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      this.slotSize[c] = f.spillslotSize(c as RegClass);
      // Most functions use one class or two: an LRU no run reordered is
      // still the start order.
      if (this.lrus[c]!.dirty) this.lrus[c]!.copyFrom(this.lruInit[c]!);
    }
    this.scratch[0] = this.dedicatedScratch[0]!;
    this.scratch[1] = this.dedicatedScratch[1]!;
    this.scratch[2] = this.dedicatedScratch[2]!;
    // Only registers the last run gave a vreg can hold one still.
    const held = this.pregsHeld.items;
    for (let k = 0; k < this.pregsHeld.length; k++) this.vregInPreg[held[k]!] = VREG_INVALID;
    this.pregsHeld.clear();
    this.editsLen = 0;
    this.numSpillslots = 0;
    for (let k = 0; k < 9; k++) this.numAnyRegOps[k] = 0;
    let maxOps = 0;
    let total = 0;
    const ni = f.numInsts();
    const offsets = resultUint32s(ni);
    for (let i = 0; i < ni; i++) {
      const n = f.instOperands(i).length;
      offsets[i] = total;
      total += n;
      if (n > maxOps) maxOps = n;
    }
    this.instAllocOffsets = offsets;
    this.allocs = resultInt32s(total); // all ALLOC_NONE (0)
    if (this.reusedInputToReuseOp.length < maxOps) this.reusedInputToReuseOp = new Int32Array(maxOps * 2).fill(NO_REUSE);
    // The last run's vregs back to their initial values (after a run that
    // threw too).
    const touched = this.touched.items;
    for (let k = 0; k < this.touched.length; k++) {
      const idx = touched[k]!;
      this.vregAllocs[idx] = ALLOC_NONE;
      this.vregSpillslots[idx] = SLOT_INVALID;
      this.rangeStart[idx] = PP_INVALID;
      this.rangeEnd[idx] = PP_INVALID;
      this.rangeAlloc[idx] = 0;
    }
    this.touched.clear();
    const nv = f.numVregs();
    if (this.vregAllocs.length < nv) {
      const cap = Math.max(nv, this.vregAllocs.length * 2);
      this.vregAllocs = new Int32Array(cap); // ALLOC_NONE
      this.vregSpillslots = new Int32Array(cap).fill(SLOT_INVALID);
      this.rangeStart = new Uint32Array(cap).fill(PP_INVALID);
      this.rangeEnd = new Uint32Array(cap).fill(PP_INVALID);
      this.rangeAlloc = new Int32Array(cap);
      this.touched.reserve(cap);
    }
    this.liveVregs.reset(nv);
  }

  // ------------------------------------------------------------ state helpers

  isStack(a: Allocation): boolean {
    return allocIsStack(a) || (allocIsReg(a) && this.fixedStackSlots.contains(allocPReg(a)));
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
    const idx = vregIndex(v);
    if (this.vregSpillslots[idx] === SLOT_INVALID) {
      this.touched.add(idx);
      this.vregSpillslots[idx] = this.allocStackSlot(vregClass(v));
    }
    return this.vregSpillslots[idx]!;
  }

  private pushEdit(inst: number, pos: number, from: Allocation, to: Allocation): void {
    const n = this.editsLen;
    const edits = (this.edits = withRoom(this.edits, n + 3));
    edits[n] = progPoint(inst, pos as InstPosition);
    edits[n + 1] = from;
    edits[n + 2] = to;
    this.editsLen = n + 3;
  }

  private evictVregInPreg(inst: number, preg: PReg, pos: number): void {
    const evicted = this.vregInPreg[preg]!;
    const slot = this.getSpillslot(evicted);
    const a = allocStack(slot);
    this.touched.add(vregIndex(evicted));
    this.vregAllocs[vregIndex(evicted)] = a;
    this.addMove(inst, a, allocReg(preg), vregClass(evicted), pos);
  }

  private allocScratchReg(inst: number, cls: RegClass, pos: number): void {
    const avail = this.tmpSet.copyFrom(this.available[LATE]).intersectFrom(this.available[EARLY]);
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
          `block ${pred}: branch inst ${last} defines ${vregIndex(v)}, passed to block ${block}, which has several predecessors`,
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
      this.addMove(f.blockInsns(block).first, from, allocStack(slot), vregClass(v), 0);
    }
  }

  private resetAvailable(): void {
    const init0 = this.initAvailable.bits;
    const early = this.available[EARLY].bits;
    const late = this.available[LATE].bits;
    // Unrolled: this runs before every instruction.
    early[0] = late[0] = init0[0]!;
    early[1] = late[1] = init0[1]!;
    early[2] = late[2] = init0[2]!;
    early[3] = late[3] = init0[3]!;
    early[4] = late[4] = init0[4]!;
    early[5] = late[5] = init0[5]!;
    early[6] = late[6] = init0[6]!;
    early[7] = late[7] = init0[7]!;
    const scratch = this.scratch;
    const dedicated = this.dedicatedScratch;
    scratch[0] = dedicated[0]!;
    scratch[1] = dedicated[1]!;
    scratch[2] = dedicated[2]!;
    const numAvailable = this.numAvailable;
    const init = this.initNumAvailable;
    numAvailable[0] = numAvailable[3] = numAvailable[6] = init[0]!;
    numAvailable[1] = numAvailable[4] = numAvailable[7] = init[1]!;
    numAvailable[2] = numAvailable[5] = numAvailable[8] = init[2]!;
  }

  // ------------------------------------------------------------ operands

  private reserveRegForOperand(inst: number, op: Operand, opIdx: number, preg: PReg, shared: boolean): void {
    // `shared`: an earlier use of the same vreg already reserved this register.
    const nonalloc = operandIsFixedNonAllocatable(op) || shared;
    const pos = operandPos(op);
    const use = operandIsUse(op);
    // An early use holds the register early (and late too when a reuse def
    // takes its register), a late def late, the others (early defs, late
    // uses) at both.
    const early = !(pos === LATE && !use);
    const late = !(pos === EARLY && use) || this.reusedInputToReuseOp[opIdx] !== NO_REUSE;
    const inEarly = this.available[EARLY].contains(preg);
    const inLate = this.available[LATE].contains(preg);
    if (!nonalloc && ((early && !inEarly) || (late && !inLate))) throw tooManyLiveRegs(inst);
    this.available[early ? EARLY : NOWHERE].remove(preg);
    this.available[late ? LATE : NOWHERE].remove(preg);
  }

  private allocdWithinConstraint(op: Operand, inst: number): boolean {
    const v = operandVReg(op);
    const alloc = this.vregAllocs[vregIndex(v)]!;
    const kind = operandConstraintKind(op);
    switch (kind) {
      case ConstraintKind.Any: {
        if (allocIsReg(alloc)) {
          const preg = allocPReg(alloc);
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
        if (!allocIsReg(alloc)) return false;
        const preg = allocPReg(alloc);
        if (kind === ConstraintKind.Limit && !pregBelowLimit(preg, operandLimit(op))) return false;
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
    const idx = vregIndex(v);
    const alloc = this.vregAllocs[idx]!;
    if (allocIsReg(alloc)) this.vregInPreg[allocPReg(alloc)] = VREG_INVALID;
    this.vregAllocs[idx] = ALLOC_NONE;
    this.liveVregs.remove(idx);
  }

  /** The register for `op` (the least recently used of those it may take), or -1 when none is free. */
  private selectSuitableReg(op: Operand): PReg {
    const pos = operandPos(op);
    const use = operandIsUse(op);
    const drawFrom = this.tmpSet;
    const cls = operandClass(op);
    // Only the class's two words: the LRU looks at nothing else.
    const draw = drawFrom.bits;
    const word = 2 * cls;
    if ((pos === LATE && use) || (pos === EARLY && !use)) {
      const late = this.available[LATE].bits;
      const early = this.available[EARLY].bits;
      draw[word] = late[word]! & early[word]!;
      draw[word + 1] = late[word + 1]! & early[word + 1]!;
    } else {
      const avail = this.available[pos].bits;
      draw[word] = avail[word]!;
      draw[word + 1] = avail[word + 1]!;
    }
    if (draw[word] === 0 && draw[word + 1] === 0) return -1;
    return operandConstraintKind(op) === ConstraintKind.Limit
      ? this.lrus[cls].lastBelow(drawFrom, operandLimit(op))
      : this.lrus[cls].last(drawFrom);
  }

  /**
   * Gives `op` a register; ALLOC_NONE when none is free. (A return value, not
   * an exception: an `any` operand then goes to the stack, and on some
   * functions that happens at many instructions.)
   */
  private allocRegForOperand(inst: number, op: Operand): Allocation {
    const preg = this.selectSuitableReg(op);
    if (preg < 0) return ALLOC_NONE;
    if (this.vregInPreg[preg] !== VREG_INVALID) this.evictVregInPreg(inst, preg, LATE);
    this.lrus[operandClass(op)].poke(preg);
    const pos = operandPos(op);
    const use = operandIsUse(op);
    const reuse = operandConstraintKind(op) === ConstraintKind.Reuse;
    // Taken at its position, and also early for a late use or reuse def,
    // late for an early def.
    this.available[pos].remove(preg);
    this.available[pos === LATE ? (use || reuse ? EARLY : NOWHERE) : use ? NOWHERE : LATE].remove(preg);
    return allocReg(preg);
  }

  private allocOperand(inst: number, op: Operand, opIdx: number): Allocation {
    const v = operandVReg(op);
    let a: Allocation;
    switch (operandConstraintKind(op)) {
      case ConstraintKind.Any: {
        const ex = exclusivePos(op) * 3 + operandClass(op);
        const def = operandIsDef(op);
        const unallocated = this.vregAllocs[vregIndex(v)] === ALLOC_NONE;
        a = ALLOC_NONE;
        if (!(def && unallocated) && this.numAnyRegOps[ex]! < this.numAvailable[ex]!) {
          try {
            a = this.allocRegForOperand(inst, op);
          } catch (e) {
            // No scratch register for the eviction's stack-to-stack move
            // (the chosen register being one of the env's fixed stack slots).
            if (!(e instanceof RegAllocError && e.kind === 'TooManyLiveRegs')) throw e;
          }
        }
        // One place for both ways to the stack, so that the one a stream
        // meets first gives V8 the feedback for the other (see
        // primeFastallocFeedback).
        if (a === ALLOC_NONE) a = allocStack(this.getSpillslot(v));
        break;
      }
      case ConstraintKind.Reg:
      case ConstraintKind.Limit:
        a = this.allocRegForOperand(inst, op);
        if (a === ALLOC_NONE) throw tooManyLiveRegs(inst);
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
    const idx = vregIndex(v);
    if (!this.allocdWithinConstraint(op, inst)) {
      const cur = this.vregAllocs[idx]!;
      const next = this.allocOperand(inst, op, opIdx);
      if (cur === ALLOC_NONE) {
        this.touched.add(idx);
        this.liveVregs.insert(v);
        this.rangeEnd[idx] = operandIsDef(op) || operandPos(op) === LATE ? pointAfterInst(inst) : pointAfter(inst);
        this.rangeAlloc[idx] = next;
        this.vregAllocs[idx] = next;
        if (allocIsReg(next)) {
          const preg = allocPReg(next);
          this.pregsHeld.add(preg);
          this.vregInPreg[preg] = v;
        }
      } else {
        if (operandIsDef(op)) this.addMove(inst, next, cur, operandClass(op), LATE);
        if (allocIsReg(next)) this.vregInPreg[allocPReg(next)] = VREG_INVALID;
      }
    } else {
      const a = this.vregAllocs[idx]!;
      this.allocs[slot] = a;
      if (needsAnyReg(op)) this.numAnyRegOps[exclusivePos(op) * 3 + operandClass(op)]!--;
      if (allocIsReg(a)) {
        const preg = allocPReg(a);
        if (this.allocatable.contains(preg)) this.lrus[pregClass(preg)].poke(preg);
        const pos = operandPos(op);
        const use = operandIsUse(op);
        // Taken at its position, and also early for a late use, late for an early def.
        this.available[pos].remove(preg);
        this.available[pos === LATE ? (use ? EARLY : NOWHERE) : use ? NOWHERE : LATE].remove(preg);
      }
    }
  }

  // ------------------------------------------------------------ instructions

  private processBranch(block: number, inst: number): void {
    const f = this.f;
    const ops = f.instOperands(inst);
    this.par[0]!.clear();
    this.par[1]!.clear();
    this.par[2]!.clear();
    let anyDef = false;
    for (let j = 0; j < ops.length; j++) if (operandIsDef(ops[j]!)) anyDef = true;
    const succs = f.blockSuccs(block);
    for (let s = 0; s < succs.length; s++) {
      const succ = succs[s]!;
      const args = f.branchBlockparams(block, inst, s);
      const params = f.blockParams(succ);
      for (let k = 0; k < args.length; k++) {
        const v = args[k]!;
        let definedHere = false;
        if (anyDef) for (let j = 0; j < ops.length; j++) {
          if (operandIsDef(ops[j]!) && operandVReg(ops[j]!) === v) {
            definedHere = true;
            break;
          }
        }
        if (definedHere) continue;
        const param = params[k]!;
        const paramSlot = this.getSpillslot(param);
        const spill = allocStack(this.getSpillslot(v));
        this.touched.add(vregIndex(v));
        const cur = this.vregAllocs[vregIndex(v)]!;
        if (cur === ALLOC_NONE) {
          this.liveVregs.insert(v);
          this.rangeEnd[vregIndex(v)] = pointBefore(inst);
        } else if (cur !== spill) {
          this.addMove(inst, spill, cur, vregClass(v), 0);
        }
        this.vregAllocs[vregIndex(v)] = spill;
        this.par[vregClass(v)]!.add(spill, allocStack(paramSlot), v);
      }
    }
    if (this.par[0]!.length + this.par[1]!.length + this.par[2]!.length === 0) return;
    // All classes are resolved before any scratch is handed out, as in regalloc2.
    for (let cls = 0; cls < NUM_REG_CLASSES; cls++) this.needs[cls] = this.par[cls]!.resolve(this.seqs[cls]!) ? 1 : 0;
    const hooks = this.branchHooks;
    hooks.scratch.set(this.scratch);
    hooks.avail.copyFrom(this.available[EARLY]).intersectFrom(this.available[LATE]);
    hooks.numSlots = this.numSpillslots;
    const out = this.resolved;
    for (let cls = 0; cls < NUM_REG_CLASSES; cls++) {
      hooks.cls = cls as RegClass;
      hooks.borrowedScratchReg = this.preferredVictim[cls]!;
      resolveScratch(this.seqs[cls]!, this.needs[cls] === 1, hooks, out);
      const resolved = out.buf;
      for (let i = out.length - 3; i >= 0; i -= 3) this.pushEdit(inst, 0, resolved[i]!, resolved[i + 1]!);
      this.numSpillslots = hooks.numSlots;
    }
  }

  private allocDefOp(opIdx: number, op: Operand, ops: ArrayLike<Operand>, block: number, inst: number): void {
    const f = this.f;
    const v = operandVReg(op);
    const idx = vregIndex(v);
    this.touched.add(idx);
    if (operandConstraintKind(op) === ConstraintKind.Reuse) {
      // The def takes the reused input's constraint, early. An `any` input
      // becomes `reg`: a reused input must be in a register (regalloc2 would
      // panic if the def landed on the stack).
      const reused = ops[operandReuseIndex(op)]!;
      const field = operandConstraintKind(reused) === ConstraintKind.Any ? CONSTRAINT_REG : operandConstraintField(reused);
      this.processOperandAllocation(inst, makeOperand(v, field, OperandKind.Def, EARLY), opIdx);
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
        this.processOperandAllocation(inst, makeOperand(v, CONSTRAINT_STACK, OperandKind.Def, operandPos(op)), opIdx);
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
      // Deliberate difference from regalloc2 (DESIGN.md #1): regalloc2
      // always copies `cur` (where later uses expect the value)
      // into the slot. That copy is emitted after the def's own move into
      // `cur` and so runs before it (edits are reversed at the end): the
      // slot receives `cur`'s stale contents. When `cur` is a register that
      // is harmless, since the slot is then never read before a later write
      // (a read would have made `cur` the slot). But when the def wrote the
      // slot itself (a `stack` def, or an `any` def with no register left),
      // the stale copy overwrites the def's value, which the move into `cur`
      // then reads: skip the copy, the slot already holds the value.
      if (cur !== next && this.allocs[this.instAllocOffsets[inst]! + opIdx] !== next) {
        this.addMove(inst, cur, next, operandClass(op), LATE);
      }
    }
    this.rangeStart[idx] = pointAfter(inst);
    this.freealloc(v);
  }

  private allocUse(opIdx: number, op: Operand, inst: number): void {
    const reuseIdx = this.reusedInputToReuseOp[opIdx]!;
    if (reuseIdx !== NO_REUSE) {
      const a = this.allocs[this.instAllocOffsets[inst]! + reuseIdx]!;
      // The reusing def got a register; the input must be in the same one.
      const fixed = makeOperand(operandVReg(op), constraintFixed(pregHwEnc(allocPReg(a))), OperandKind.Use, operandPos(op));
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
    let anyFixed = false;
    let anyReuse = false;
    let anyLimit = false;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      const kind = operandConstraintKind(op);
      if (kind === ConstraintKind.Limit) anyLimit = true;
      if (kind === ConstraintKind.FixedReg) anyFixed = true;
      else if (kind === ConstraintKind.Reuse) {
        anyReuse = true;
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
    // The rarer steps (fixed registers, clobbers) are methods of their own:
    // V8 optimizes a function after a number of calls that grows with its
    // size, so this hot one reaches optimized code sooner without them.
    const fixedClobbers = anyFixed ? this.reserveFixedRegs(inst, ops, clobbers) : 0;
    const cb = clobbers.bits;
    const anyClobber = (cb[0]! | cb[1]! | cb[2]! | cb[3]! | cb[4]! | cb[5]! | cb[6]! | cb[7]!) !== 0;
    if (anyClobber) this.available[LATE].subtractFrom(clobbers);
    if (anyFixed) this.evictFromFixedRegs(inst, ops);
    if (anyClobber) this.evictFromClobbers(inst, clobbers, fixedClobbers);
    // Late operands, then early ones, each in operand order (regalloc2's
    // order). With a `limit(n)` operand (our extension: regalloc2's Fastalloc
    // panics on it), the limited operands of each position go first: the
    // others could otherwise take every register below n first (each
    // duplicate `reg` use of a vreg takes a register of its own), leaving
    // none for them (fuzz case 67898581: eight reg uses took p0-p7 before a
    // limit(8) use). Instructions without one keep regalloc2's order exactly.
    for (let pass = anyLimit ? 0 : 1; pass < 2; pass++) {
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandPos(op) !== LATE || (anyLimit && (operandConstraintKind(op) === ConstraintKind.Limit) !== (pass === 0))) continue;
        if (operandIsDef(op)) this.allocDefOp(k, op, ops, block, inst);
        else this.allocUse(k, op, inst);
      }
    }
    for (let pass = anyLimit ? 0 : 1; pass < 2; pass++) {
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandPos(op) !== EARLY || (anyLimit && (operandConstraintKind(op) === ConstraintKind.Limit) !== (pass === 0))) continue;
        if (operandIsUse(op)) this.allocUse(k, op, inst);
        else this.allocDefOp(k, op, ops, block, inst);
      }
    }
    const base = this.instAllocOffsets[inst]!;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (!operandIsUse(op) || operandIsFixedNonAllocatable(op)) continue;
      const cur = this.vregAllocs[vregIndex(operandVReg(op))]!;
      const next = this.allocs[base + k]!;
      if (cur !== next) this.addMove(inst, cur, next, operandClass(op), EARLY);
    }
    if (f.isBranch(inst)) this.processBranch(block, inst);
    if (anyReuse) {
      const rr = this.reusedInputToReuseOp;
      for (let k = 0; k < ops.length; k++) rr[k] = NO_REUSE;
    }
  }

  /**
   * Reserves the registers of the instruction's fixed-register operands;
   * returns how many of them are also clobbered (each such clobber was
   * already counted out of the available registers).
   */
  private reserveFixedRegs(inst: number, ops: ArrayLike<Operand>, clobbers: PRegSet): number {
    let fixedClobbers = 0;
    const seen = this.seen.clear();
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandConstraintKind(op) !== ConstraintKind.FixedReg) continue;
      const preg = operandFixedReg(op);
      const shared = seen.contains(preg) && operandIsUse(op) && this.fixedUseOf(ops, k, preg);
      this.reserveRegForOperand(inst, op, k, preg, shared);
      if (!seen.contains(preg)) {
        seen.add(preg);
        if (this.allocatable.contains(preg)) {
          this.lrus[pregClass(preg)].poke(preg);
          this.numAvailable[exclusivePos(op) * 3 + operandClass(op)]!--;
          if (clobbers.contains(preg)) fixedClobbers++;
        }
      }
    }
    return fixedClobbers;
  }

  /** Evicts other vregs from the registers the instruction's fixed-register operands name. */
  private evictFromFixedRegs(inst: number, ops: ArrayLike<Operand>): void {
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
  }

  /** Evicts the vregs in clobbered registers and counts the clobbers out of the available registers. */
  private evictFromClobbers(inst: number, clobbers: PRegSet, fixedClobbers: number): void {
    const bits = clobbers.bits;
    for (let w = 0; w < 8; w++) {
      for (let b = bits[w]!; b !== 0; b &= b - 1) {
        const preg = w * 32 + 31 - Math.clz32(b & -b);
        if (this.vregInPreg[preg] !== VREG_INVALID) {
          this.evictVregInPreg(inst, preg, LATE);
          this.vregInPreg[preg] = VREG_INVALID;
        }
        if (this.allocatable.contains(preg)) {
          if (fixedClobbers === 0) {
            this.numAvailable[LATE_ONLY * 3 + pregClass(preg)]!--;
            this.numAvailable[BOTH * 3 + pregClass(preg)]!--;
          } else {
            fixedClobbers--;
          }
        }
      }
    }
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
      const idx = vregIndex(v);
      if (this.vregAllocs[idx] === ALLOC_NONE) continue;
      const prev = this.vregAllocs[idx]!;
      const slot = allocStack(this.getSpillslot(v));
      this.rangeAlloc[idx] = slot;
      this.rangeStart[idx] = pointBefore(first);
      this.freealloc(v);
      if (slot === prev) continue;
      this.addMove(first, slot, prev, vregClass(v), 0);
    }
    const live = this.liveVregs;
    for (let i = live.first(); i !== live.end(); i = live.after(i)) {
      const v = live.at(i);
      const prev = this.vregAllocs[i]!;
      const slot = allocStack(this.getSpillslot(v));
      this.vregAllocs[i] = slot;
      if (allocIsReg(prev)) this.vregInPreg[allocPReg(prev)] = VREG_INVALID;
      if (slot !== prev) this.addMove(first, slot, prev, vregClass(v), 0);
    }
    this.scratch.set(this.dedicatedScratch);
    if (block === f.entryBlock() && !this.liveVregs.isEmpty()) {
      // A value used but defined on no path from the entry (regalloc2 would
      // reload it from a slot that was never written).
      const v = this.liveVregs.toArray()[0]!;
      throw new RegAllocError('EntryLivein', `v${vregIndex(v)} is live into the entry block ${block}`, { block, vreg: v });
    }
    const preds = f.blockPreds(block);
    // Only a branch that defines values can need a move here; most define none.
    let anyDef = false;
    for (let j = 0; j < preds.length && !anyDef; j++) {
      const ops = f.instOperands(f.blockInsns(preds[j]!).end - 1);
      for (let k = 0; k < ops.length; k++) {
        if (operandIsDef(ops[k]!)) {
          anyDef = true;
          break;
        }
      }
    }
    if (!anyDef) return;
    for (let k = 0; k < params.length; k++) {
      const param = params[k]!;
      const pslot = this.vregSpillslots[vregIndex(param)]!;
      if (pslot === SLOT_INVALID) continue;
      for (let j = 0; j < preds.length; j++) {
        const pred = preds[j]!;
        const last = f.blockInsns(pred).end - 1;
        const succIdx = Array.prototype.indexOf.call(f.blockSuccs(pred), block);
        const arg = f.branchBlockparams(pred, last, succIdx)[k]!;
        this.moveIfDefPredBranch(block, pred, arg, pslot);
      }
    }
    for (let i = live.first(); i !== live.end(); i = live.after(i)) {
      const v = live.at(i);
      for (let j = 0; j < preds.length; j++) this.moveIfDefPredBranch(block, preds[j]!, v, this.vregSpillslots[i]!);
    }
  }

  run(): Output {
    const f = this.f;
    for (let b = f.numBlocks() - 1; b >= 0; b--) {
      const { first, end } = f.blockInsns(b);
      for (let i = end - 1; i >= first; i--) this.allocInst(b, i);
      this.reloadAtBegin(b);
    }
    return outputWithPackedEdits(
      {
        numSpillslots: this.numSpillslots,
        allocs: this.allocs,
        instAllocOffsets: this.instAllocOffsets,
        debugLocations: this.buildDebugLocations(),
        stats: emptyStats(),
      },
      this.packEdits(),
    );
  }

  /** The edits in program order (they were recorded in reverse), packed. */
  private packEdits(): Int32Array {
    const edits = this.edits;
    const n = this.editsLen;
    const packed = resultInt32s(n);
    for (let i = n - 3, k = 0; i >= 0; i -= 3, k += 3) {
      packed[k] = edits[i]!;
      packed[k + 1] = edits[i + 1]!;
      packed[k + 2] = edits[i + 2]!;
    }
    return packed;
  }

  private buildDebugLocations(): [number, number, number, Allocation][] {
    const debugLocations: [number, number, number, Allocation][] = [];
    const labels = this.f.debugValueLabels();
    // `Reflect.get`, not `.length`: empty label lists (small-integer arrays)
    // and full ones (object arrays) alternating between functions kept the
    // optimized caller in a deoptimization loop on that one property load.
    const n = Reflect.get(labels, 'length') as number;
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      const idx = vregIndex(label[0]);
      const rangeStart = this.rangeStart[idx]!;
      const rangeEnd = this.rangeEnd[idx]!;
      // regalloc2's invalid point decodes to instruction 2^31 - 1 (a u32
      // shifted): an unset start passes no label, an unset end any label.
      const startOk = rangeStart !== PP_INVALID && pointInst(rangeStart) <= label[1];
      if (startOk && (rangeEnd === PP_INVALID || label[2] <= pointInst(rangeEnd) + 1)) debugLocations.push([label[3], rangeStart, rangeEnd, this.rangeAlloc[idx]!]);
    }
    if (debugLocations.length > 1) debugLocations.sort((a, b) => a[0] - b[0]);
    return debugLocations;
  }
}

/**
 * Scratch hooks for the branch-arg moves: the class's dedicated scratch, else
 * the least recently used register free at the branch; fresh slots counted
 * from `numSlots`. One object reused for every branch.
 */
class BranchScratchHooks implements ScratchHooks {
  readonly scratch = new Int32Array(3);
  readonly avail = new PRegSet();
  numSlots = 0;
  cls: RegClass = 0;
  borrowedScratchReg: PReg = 0;
  private readonly fa: Fastalloc;
  constructor(fa: Fastalloc) {
    this.fa = fa;
  }

  findFreeReg(): Allocation | undefined {
    const cls = this.cls;
    if (this.scratch[cls] !== -1) {
      const r = this.scratch[cls]!;
      this.scratch[cls] = -1;
      return allocReg(r);
    }
    const p = this.fa.lrus[cls].last(this.avail);
    if (p < 0) return undefined;
    this.avail.remove(p);
    return allocReg(p);
  }
  getStackslot(): Allocation {
    const size = this.fa.slotSize[this.cls];
    let offset = (this.numSlots + size - 1) & ~(size - 1);
    const slot = this.fa.multiSlotLast ? offset + size - 1 : offset;
    offset += size;
    this.numSlots = offset;
    return allocStack(slot);
  }
  isStackAlloc(a: Allocation): boolean {
    return this.fa.isStack(a);
  }
}

/** Fastalloc runs in this process so far, counted up to the one that primes. */
let processRuns = 0;
/**
 * The run that primes, and how often it runs the throwaway function: V8
 * keeps feedback for a function only once it has run for a while, so the
 * prime comes after a few runs of the caller's and repeats itself.
 */
const PRIME_AT = 8;
const PRIME_RUNS = 8;

/**
 * Allocates a throwaway six-instruction function whose operands take paths
 * that a stream of small functions may first meet after V8 has optimized
 * the allocator: an `any` def nothing reads (it goes to a stack slot); one
 * vreg as two late `any` uses and as two late `reg` uses of an instruction
 * (the second of each finds its register taken and asks whether the
 * instruction clobbers it); more operands than the reuse table first holds.
 * Met first in mid-stream, each threw away optimized code that had never
 * seen them (cranelift's first pass; DESIGN.md section 3). Done once per
 * process, at the run numbered PRIME_AT: the first runs are the caller's
 * alone, and importing the package computes nothing.
 */
function primeFastallocFeedback(): void {
  const { func, env } = primeInput();
  const fa = new Fastalloc();
  for (let k = 0; k < PRIME_RUNS; k++) {
    fa.reset(func, env);
    fa.run();
  }
}

/** The throwaway function `primeFastallocFeedback` allocates, and its env (exported for a test). */
export function primeInput(): { func: Function; env: MachineEnv } {
  const b = new FunctionBuilder();
  const block = b.block();
  const v = b.vreg(regs.RegClass.Int);
  const unread = b.vreg(regs.RegClass.Int);
  const lateAnyUse = makeOperand(v, CONSTRAINT_ANY, OperandKind.Use, LATE);
  const lateRegUse = makeOperand(v, CONSTRAINT_REG, OperandKind.Use, LATE);
  b.inst(block, [operand.Operand.regDef(v)]);
  b.inst(block, [lateRegUse, lateRegUse]);
  b.inst(block, [lateAnyUse, lateAnyUse]);
  b.inst(block, [makeOperand(unread, CONSTRAINT_ANY, OperandKind.Def, LATE)]);
  // More operands than the reuse table's first size: it grows.
  b.inst(block, Array.from({ length: 17 }, () => operand.Operand.anyUse(v)));
  b.ret(block);
  const none = new PRegSet();
  const int = PRegSet.of([regs.preg(0, regs.RegClass.Int), regs.preg(1, regs.RegClass.Int)]);
  return {
    func: b.build(),
    env: { preferredRegsByClass: [int, none, none], nonPreferredRegsByClass: [none, none, none], scratchByClass: [null, null, null], fixedStackSlots: [] },
  };
}

/**
 * Reusable Fastalloc state: allocating many functions through one context
 * reuses its buffers instead of allocating new ones for each function.
 */
export class FastallocContext {
  private readonly state = new Fastalloc();

  /** Allocates `func` with Fastalloc, reusing this context's buffers. */
  run(func: Function, env: MachineEnv, options: RegallocOptions = {}): Output {
    if (processRuns < PRIME_AT && ++processRuns === PRIME_AT) primeFastallocFeedback();
    if (options.validateSsa) validateSsa(func, CFGInfo.compute(func));
    this.state.reset(func, env);
    return this.state.run();
  }
}

const shared = new FastallocContext();

/** Allocates `func` with Fastalloc. Throws a `RegAllocError` when allocation is impossible. */
export function runFastalloc(func: Function, env: MachineEnv, options: RegallocOptions = {}, ctx: FastallocContext = shared): Output {
  return ctx.run(func, env, options);
}

export { MOVE_DATA_NONE };
