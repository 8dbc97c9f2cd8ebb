// The symbolic checker, with regalloc2's semantics: an abstract
// interpretation that tracks, for every register and spill slot, the set of
// vregs whose value it holds. Each use must find its vreg in its allocation;
// each constraint must hold. It shares only the data model with the
// allocators, so it can catch their bugs.
//
// State: a map from Allocation to an immutable sorted array of vregs (absent =
// unknown). "Top" (null) stands for a block not yet reached. Block entry
// states are computed to a fixpoint by meeting (intersecting) predecessors'
// exit states; then every instruction is checked against the state before
// and after it.
//
// Scaling: liveness pruning and a sparse state. Every block keeps its entry
// state, so the cost is the sum of the entry states' sizes. Without pruning
// a spill slot written in block k keeps its (dead) value in the entry state
// of every block after it, and a register's set keeps every name its value
// was passed under: a chain of n blocks with a slot each costs O(n²) (Fastalloc
// on a 10,000-block chain: 139 s; on wasm-large/swc-f00068, 3,989 blocks and
// 21,458 slots, regalloc2's own checker needed more than 24 GB). So:
//
// 1. The checker computes its own liveness (`liveness`, not the allocators'):
//    per block, the vregs live at the start of its body — used there before
//    any redefinition, or live out and not defined there. Every use operand is
//    a use, every def operand a def, a branch's args are used at the end of its
//    block, a block's params are defined at its start. That is an
//    over-approximation of "may be read before being redefined" on any input,
//    SSA or not (a vreg defined twice is killed twice; one never defined is
//    live up to the entry).
// 2. Each entry state keeps only live vregs (`prune`). Sound: what a use of v
//    checks is whether v is in its allocation's set, and whether v is in a
//    set at a point depends only on whether v (or, across an edge, the arg
//    passed to it) was in a set earlier, never on other vregs: a move copies
//    sets, a def removes its vreg everywhere and writes a singleton, a clobber
//    forgets a register, an edge renames args to params, a meet intersects.
//    So dropping a vreg that is dead at a block's entry (never read again on
//    any path before being redefined) changes no membership of a live vreg
//    anywhere after, the fixpoint included (the analysis is distributive, so
//    its fixpoint does not depend on the order of visits), and every use's
//    verdict is the same.
// 3. The state is sparse: registers (at most 257 locations with `none`) are a
//    dense array, spill slots a Map of the slots with a known value, and the
//    `where` index finds the holders of an edge's args, so cloning, meeting,
//    comparing and edge moves cost the entries present.
//
// What pruning changes is only how a failing use is described. The message
// lists the live vregs the allocation holds, not the dead ones it held. And a
// slot left holding no live vreg is dropped rather than kept as an empty set
// (or every later state would carry it again); a register keeps its empty
// set. So a use reading a register or slot that holds only dead values is
// IncorrectValuesInAllocation as before if it is a register, but
// UnknownValueInAllocation if it is a slot, or a register loaded from such a
// slot in the same block. Of random corruptions (an allocation changed or an
// edit dropped) of our outputs on the corpus, 3 of 3,773 on fuzz/ and 514 of
// 21,812 on cranelift/, fuzzgen/, variants/ and wasm/ changed their first
// error's kind this way (mostly Fastalloc's, which reloads values from slots
// at block entries); none changed its verdict.
//
// regalloc2's checker does not prune: it keeps, per block, a hash map from
// every allocation ever written on a path to it to a hash set of vregs, and
// uses no liveness so as to trust nothing an allocator computes. That costs
// blocks × allocations in time and memory (the 24 GB above); liveness
// computed here, from the function alone, trusts nothing of the allocators
// either.

import {
  type Allocation,
  allocIsReg,
  allocIsStack,
  allocReg,
  allocToString,
  ALLOC_NONE,
  pointBefore,
  pointToString,
} from '../model/allocation.js';
import { allocPReg, allocSlot, LOCATION_FIRST_SLOT, locationAlloc, locationIndex, pregBelowLimit } from '../model/location.js';
import { type Edit, firstEditAtOrAfter, type Function, type MachineEnv, type Output } from '../model/function.js';
import {
  ConstraintKind,
  type Operand,
  operandConstraintKind,
  operandFixedReg,
  operandIsDef,
  operandIsFixedNonAllocatable,
  operandIsUse,
  operandLimit,
  operandPos,
  operandReuseIndex,
  operandToString,
  operandVReg,
} from '../model/operand.js';
import { PRegSet, type VReg, vregToString } from '../model/regs.js';
import { computePostorder } from '../analysis/cfg.js';
import { outputShape } from './output_shape.js';

/** What the checker found wrong (regalloc2's checker error variants, plus a malformed output). */
export type CheckerErrorKind =
  | 'MissingAllocation'
  | 'UnknownValueInAllocation'
  | 'ConflictedValueInAllocation'
  | 'IncorrectValuesInAllocation'
  | 'ConstraintViolated'
  | 'AllocationIsNotReg'
  | 'AllocationIsNotFixedReg'
  | 'AllocationIsNotReuse'
  | 'AllocationIsNotStack'
  | 'AllocationOutsideLimit'
  | 'StackToStackMove'
  | 'MalformedOutput';

/** One fault the checker found. */
export interface CheckerErrorDetail {
  /** What is wrong. */
  kind: CheckerErrorKind;
  /** The fault for people, with its place. */
  message: string;
  /** The block. */
  block?: number;
  /** The instruction. */
  inst?: number;
  /** The operand's index in its instruction. */
  operand?: number;
  /** The vreg concerned (print it with `vregToString`). */
  vreg?: VReg;
  /** The allocation concerned (print it with `allocToString`). */
  alloc?: Allocation;
}

/** The checker's verdict on a wrong allocation: every fault found, the first one in the message. */
export class CheckerError extends Error {
  /** Every fault found. */
  readonly errors: CheckerErrorDetail[];
  constructor(errors: CheckerErrorDetail[]) {
    const first = errors[0]!;
    super(errors.length === 1 ? first.message : `${first.message} (and ${errors.length - 1} more)`);
    this.name = 'CheckerError';
    this.errors = errors;
  }
  /** The first fault's kind. */
  get kind(): CheckerErrorKind {
    return this.errors[0]!.kind;
  }
}

type VSet = readonly VReg[];
const EMPTY: VSet = Object.freeze([]);
/**
 * Allocation → vreg set, keyed by location index (`locationIndex`). Registers
 * and `none` (at most 257 locations) are a dense array; spill slots are a Map
 * holding only the slots with a known value, so cloning, meeting and comparing
 * cost the entries present, not the function's spill-slot count.
 */
class State {
  regs: (VSet | undefined)[];
  slots: Map<number, VSet>;
  constructor(regs: (VSet | undefined)[], slots: Map<number, VSet>) {
    this.regs = regs;
    this.slots = slots;
  }
  static empty(): State {
    return new State(new Array<VSet | undefined>(LOCATION_FIRST_SLOT).fill(undefined), new Map());
  }
  clone(): State {
    return new State(this.regs.slice(), new Map(this.slots));
  }
  get(a: Allocation): VSet | undefined {
    const k = locationIndex(a);
    return k < LOCATION_FIRST_SLOT ? this.regs[k] : this.slots.get(k);
  }
  set(a: Allocation, v: VSet): void {
    const k = locationIndex(a);
    if (k < LOCATION_FIRST_SLOT) this.regs[k] = v;
    else this.slots.set(k, v);
  }
  delete(a: Allocation): void {
    const k = locationIndex(a);
    if (k < LOCATION_FIRST_SLOT) this.regs[k] = undefined;
    else this.slots.delete(k);
  }
  forEach(fn: (v: VSet, a: Allocation) => void): void {
    const regs = this.regs;
    for (let k = 0; k < regs.length; k++) {
      const v = regs[k];
      if (v !== undefined) fn(v, locationAlloc(k));
    }
    for (const [k, v] of this.slots) fn(v, locationAlloc(k));
  }
}

function intersect(a: VSet, b: VSet): VSet {
  if (a === b) return a;
  const out: VReg[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.length === a.length ? a : out;
}

function setsEqual(a: VSet, b: VSet): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function insertSorted(s: VReg[], v: VReg): void {
  let i = s.length;
  while (i > 0 && s[i - 1]! > v) i--;
  if (s[i - 1] !== v) s.splice(i, 0, v);
}

/**
 * Meets `into` with `from` (keys intersected, values intersected). A slot whose
 * intersection is empty is dropped (see the top of the file); a register keeps
 * its empty set.
 */
function meetInto(into: State, from: State): void {
  const a = into.regs;
  const b = from.regs;
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    if (v === undefined) continue;
    const w = b[k];
    a[k] = w === undefined ? undefined : intersect(v, w);
  }
  const other = from.slots;
  for (const [k, v] of into.slots) {
    const w = other.get(k);
    const r = w === undefined ? EMPTY : intersect(v, w);
    if (r.length === 0) into.slots.delete(k);
    else if (r !== v) into.slots.set(k, r);
  }
}

function statesEqual(x: State, y: State): boolean {
  const a = x.regs;
  const b = y.regs;
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    const w = b[k];
    if (v === w) continue;
    if (v === undefined || w === undefined || !setsEqual(v, w)) return false;
  }
  if (x.slots.size !== y.slots.size) return false;
  for (const [k, v] of x.slots) {
    const w = y.slots.get(k);
    if (w === undefined || !setsEqual(v, w)) return false;
  }
  return true;
}

/** `set` without the vregs not in `live` (the same array when all are live). */
function liveOnly(set: VSet, live: Set<VReg>): VSet {
  let i = 0;
  while (i < set.length && live.has(set[i]!)) i++;
  if (i === set.length) return set;
  const out = set.slice(0, i);
  for (i++; i < set.length; i++) if (live.has(set[i]!)) out.push(set[i]!);
  return out.length === 0 ? EMPTY : out;
}

/** Drops from `state` every vreg not in `live`; a slot left with none is dropped, a register keeps an empty set. */
function prune(state: State, live: Set<VReg>): void {
  const regs = state.regs;
  for (let k = 0; k < regs.length; k++) {
    const v = regs[k];
    if (v !== undefined && v.length > 0) regs[k] = liveOnly(v, live);
  }
  for (const [k, v] of state.slots) {
    const r = liveOnly(v, live);
    if (r.length === 0) state.slots.delete(k);
    else if (r !== v) state.slots.set(k, r);
  }
}

function unindex(where: Map<VReg, Allocation[]>, a: Allocation, set: VSet): void {
  for (const v of set) {
    const list = where.get(v);
    if (list === undefined) continue;
    const i = list.indexOf(a);
    if (i >= 0) {
      list[i] = list[list.length - 1]!;
      list.pop();
    }
  }
}

function setValue(state: State, where: Map<VReg, Allocation[]>, a: Allocation, set: VSet): void {
  const cur = state.get(a);
  if (cur !== undefined) unindex(where, a, cur);
  state.set(a, set);
  for (const v of set) {
    const list = where.get(v);
    if (list === undefined) where.set(v, [a]);
    else list.push(a);
  }
}

/** The allocations holding each vreg in `state`. */
function indexState(state: State): Map<VReg, Allocation[]> {
  const where = new Map<VReg, Allocation[]>();
  state.forEach((set, a) => {
    for (const v of set) {
      const list = where.get(v);
      if (list === undefined) where.set(v, [a]);
      else list.push(a);
    }
  });
  return where;
}

const EMPTY_ALLOCS: readonly Allocation[] = [];

/** One step of a block's body: an instruction (≥ 0) or edit `e` (encoded -e-1). */
type Item = number;

class Checker {
  private readonly f: Function;
  private readonly out: Output;
  private readonly stackPregs: PRegSet;
  private readonly items: Item[][];
  private readonly bbIn: (State | null)[];
  private readonly errors: CheckerErrorDetail[] = [];
  private readonly singletons = new Map<VReg, VSet>();
  /** Per reachable block, the vregs live at the start of its body (see `liveness`); null for the others. */
  private live: (Set<VReg> | null)[] = [];
  /**
   * Blocks reachable from the entry. The others never run, so nothing in them
   * is checked and their states flow nowhere (regalloc2 checks them from an
   * unknown state and reports uses there; any allocation of dead code is right).
   */
  private readonly reachable: Uint8Array;

  constructor(f: Function, env: MachineEnv, out: Output) {
    this.f = f;
    this.out = out;
    this.stackPregs = PRegSet.of(env.fixedStackSlots);
    const nb = f.numBlocks();
    this.bbIn = new Array<State | null>(nb).fill(null);
    this.items = [];
    this.reachable = new Uint8Array(nb);
    const postorder = computePostorder(nb, f.entryBlock(), (b) => f.blockSuccs(b));
    for (const b of postorder) this.reachable[b] = 1;
    this.checkShape();
    if (this.errors.length === 0) this.liveness(postorder);
    const edits = out.edits;
    for (let b = 0; b < nb; b++) {
      const { first, end } = f.blockInsns(b);
      // Edits at or before the block's first point, up to (not after) its last instruction.
      let editIdx = firstEditAtOrAfter(edits, pointBefore(first));
      const list: Item[] = [];
      for (let i = first; i < end; i++) {
        while (editIdx < edits.length && edits[editIdx]!.point <= pointBefore(i)) list.push(-editIdx++ - 1);
        list.push(i);
      }
      this.items.push(list);
    }
  }

  private fail(d: CheckerErrorDetail): void {
    this.errors.push(d);
  }

  /** Output arrays that do not fit the function are reported before anything else. */
  private checkShape(): void {
    const { f, out } = this;
    const ni = f.numInsts();
    if (out.instAllocOffsets.length !== ni) {
      this.fail({
        kind: 'MalformedOutput',
        message: `the output has allocations for ${out.instAllocOffsets.length} instructions, the function has ${ni}`,
      });
    }
    const badSlot = (a: Allocation) => allocIsStack(a) && allocSlot(a) >= out.numSpillslots;
    const inst = out.allocs.findIndex(badSlot);
    const edit = out.edits.findIndex((e) => badSlot(e.from) || badSlot(e.to));
    if (inst >= 0 || edit >= 0) {
      const a = inst >= 0 ? out.allocs[inst]! : badSlot(out.edits[edit]!.from) ? out.edits[edit]!.from : out.edits[edit]!.to;
      this.fail({
        kind: 'MalformedOutput',
        alloc: a,
        message: `${allocToString(a)} ${inst >= 0 ? 'is allocated' : `is used by edit ${edit}`}, but the output has ${out.numSpillslots} spill slots`,
      });
    }
    for (let i = 1; i < out.edits.length; i++) {
      if (out.edits[i]!.point < out.edits[i - 1]!.point) {
        this.fail({
          kind: 'MalformedOutput',
          message: `edit ${i} at ${pointToString(out.edits[i]!.point)} comes after one at ${pointToString(out.edits[i - 1]!.point)}: edits must be sorted`,
        });
        break;
      }
    }
  }

  private allocsOf(inst: number): ArrayLike<Allocation> {
    const offs = this.out.instAllocOffsets;
    const start = offs[inst] ?? this.out.allocs.length;
    const end = inst + 1 < offs.length ? offs[inst + 1]! : this.out.allocs.length;
    return this.out.allocs.slice(start, end);
  }

  private singleton(v: VReg): VSet {
    let s = this.singletons.get(v);
    if (!s) {
      s = Object.freeze([v]);
      this.singletons.set(v, s);
    }
    return s;
  }

  private isStackLike(a: Allocation): boolean {
    return allocIsStack(a) || (allocIsReg(a) && this.stackPregs.contains(allocPReg(a)));
  }

  /**
   * Applies `item` to `state`. `where` indexes, for the block being stepped
   * through, the allocations holding each vreg, so that a def need not scan
   * every allocation to remove its vreg's stale copies.
   */
  private update(state: State, where: Map<VReg, Allocation[]>, item: Item): void {
    if (item < 0) {
      const edit = this.out.edits[-item - 1]!;
      const v = state.get(edit.from);
      // Moving an unknown value makes the destination unknown. (regalloc2
      // leaves the destination as it was, which lets a garbage store over a
      // live spill slot pass unnoticed.)
      if (v !== undefined) setValue(state, where, edit.to, v);
      else {
        const cur = state.get(edit.to);
        if (cur !== undefined) {
          unindex(where, edit.to, cur);
          state.delete(edit.to);
        }
      }
      return;
    }
    const ops = this.f.instOperands(item);
    const allocs = this.allocsOf(item);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (!operandIsDef(op)) continue;
      const v = operandVReg(op);
      const holders = where.get(v);
      if (holders !== undefined) {
        where.delete(v);
        for (const a of holders) {
          const cur = state.get(a);
          if (cur !== undefined) state.set(a, cur.filter((x) => x !== v));
        }
      }
      setValue(state, where, allocs[k] ?? ALLOC_NONE, this.singleton(v));
    }
    for (const p of this.f.instClobbers(item)) {
      const a = allocReg(p);
      const cur = state.get(a);
      if (cur !== undefined) {
        unindex(where, a, cur);
        state.delete(a);
      }
    }
  }

  /**
   * The parallel assignment of branch args to a successor's block params.
   * Only the allocations holding an arg or a param change; `where` (the index
   * of the state `next` was cloned from) finds them.
   */
  private edgeMove(next: State, where: Map<VReg, Allocation[]>, block: number, succIdx: number): void {
    const f = this.f;
    const succ = f.blockSuccs(block)[succIdx]!;
    const last = f.blockInsns(block).end - 1;
    const args = f.branchBlockparams(block, last, succIdx);
    if (args.length === 0) return;
    const params = f.blockParams(succ);
    const additions = new Map<VReg, VReg[]>();
    const deletions = new Set<VReg>();
    const touched = new Set<Allocation>();
    for (let i = 0; i < args.length; i++) {
      deletions.add(params[i]!);
      const list = additions.get(args[i]!);
      if (list) list.push(params[i]!);
      else additions.set(args[i]!, [params[i]!]);
      for (const a of where.get(args[i]!) ?? EMPTY_ALLOCS) touched.add(a);
      for (const a of where.get(params[i]!) ?? EMPTY_ALLOCS) touched.add(a);
    }
    for (const a of touched) {
      const s = next.get(a)!;
      const out: VReg[] = s.filter((v) => !deletions.has(v));
      for (const v of s) {
        const add = additions.get(v);
        if (add) for (const d of add) insertSorted(out, d);
      }
      next.set(a, out);
    }
  }

  /**
   * The checker's own liveness: per reachable block, the vregs live at the
   * start of its body, after its params are defined (a backward fixpoint in
   * postorder). Uses are every use operand; defs every def operand; a branch's
   * args are used at the end of its block; a block's params are defined at its
   * start. Sound without SSA: a vreg defined twice is simply killed twice.
   */
  private liveness(postorder: ArrayLike<number>): void {
    const f = this.f;
    const nb = f.numBlocks();
    const live: (Set<VReg> | null)[] = new Array<Set<VReg> | null>(nb).fill(null);
    const kills: (Set<VReg> | null)[] = new Array<Set<VReg> | null>(nb).fill(null);
    const params: (Set<VReg> | null)[] = new Array<Set<VReg> | null>(nb).fill(null);
    for (let i = 0; i < postorder.length; i++) {
      const b = postorder[i]!;
      const { first, end } = f.blockInsns(b);
      const gen = new Set<VReg>();
      const succs = f.blockSuccs(b);
      for (let k = 0; k < succs.length; k++) {
        const args = f.branchBlockparams(b, end - 1, k);
        for (let j = 0; j < args.length; j++) gen.add(args[j]!);
      }
      let kill: Set<VReg> | null = null;
      for (let inst = end - 1; inst >= first; inst--) {
        const ops = f.instOperands(inst);
        for (let k = 0; k < ops.length; k++) {
          const op = ops[k]!;
          if (!operandIsDef(op)) continue;
          const v = operandVReg(op);
          gen.delete(v);
          (kill ??= new Set()).add(v);
        }
        for (let k = 0; k < ops.length; k++) if (operandIsUse(ops[k]!)) gen.add(operandVReg(ops[k]!));
      }
      live[b] = gen;
      kills[b] = kill;
      const ps = f.blockParams(b);
      if (ps.length > 0) params[b] = new Set(Array.from(ps));
    }
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i < postorder.length; i++) {
        const b = postorder[i]!;
        const mine = live[b]!;
        const kill = kills[b];
        const succs = f.blockSuccs(b);
        for (let k = 0; k < succs.length; k++) {
          const s = succs[k]!;
          const ps = params[s];
          for (const v of live[s]!) {
            if (ps?.has(v) || kill?.has(v) || mine.has(v)) continue;
            mine.add(v);
            changed = true;
          }
        }
      }
    }
    this.live = live;
  }

  /** Block entry states to a fixpoint (regalloc2's worklist order). */
  private analyze(): void {
    const f = this.f;
    const nb = f.numBlocks();
    // Sweeps in block order (usually reverse postorder) until no block's
    // entry state changes: the same fixpoint as a worklist, in fewer visits.
    const pending = new Uint8Array(nb).fill(1);
    let any = true;
    while (any) {
      any = false;
      for (let b = 0; b < nb; b++) {
        if (!pending[b] || !this.reachable[b]) continue;
        // A block no predecessor has reached yet is Top: stepping through it
        // from an empty state would meet "nothing known" into its successors
        // (a loop whose blocks are not in reverse postorder lost its values).
        if (this.bbIn[b] === null && b !== f.entryBlock()) continue;
        pending[b] = 0;
        const state: State = this.bbIn[b]?.clone() ?? State.empty();
        const where = indexState(state);
        for (const item of this.items[b]!) this.update(state, where, item);
        const succs = f.blockSuccs(b);
        for (let k = 0; k < succs.length; k++) {
          const s = succs[k]!;
          const next: State = state.clone();
          this.edgeMove(next, where, b, k);
          prune(next, this.live[s]!);
          const cur = this.bbIn[s];
          if (cur !== null && cur !== undefined) meetInto(next, cur);
          if (cur === null || cur === undefined || !statesEqual(next, cur)) {
            this.bbIn[s] = next;
            pending[s] = 1;
            if (s <= b) any = true;
          }
        }
      }
    }
  }

  private checkOperand(
    block: number,
    inst: number,
    k: number,
    op: Operand,
    allocs: ArrayLike<Allocation>,
    state: State | null,
  ): void {
    const alloc = allocs[k] ?? ALLOC_NONE;
    const where = `inst ${inst} operand ${k} (${operandToString(op)})`;
    const base = { block, inst, operand: k, alloc };
    if (alloc === ALLOC_NONE) {
      this.fail({ ...base, kind: 'MissingAllocation', message: `${where}: no allocation` });
      return;
    }
    const at = `${where} in ${allocToString(alloc)}`;
    if (operandIsUse(op) && !operandIsFixedNonAllocatable(op)) {
      const v = operandVReg(op);
      const val = state?.get(alloc);
      if (val === undefined) {
        this.fail({ ...base, vreg: v, kind: 'UnknownValueInAllocation', message: `${at}: the allocation holds no known value` });
        return;
      }
      if (!val.includes(v)) {
        this.fail({
          ...base,
          vreg: v,
          kind: 'IncorrectValuesInAllocation',
          // `val` lists the live vregs only (dead ones were pruned at block entry).
          message:
            val.length === 0
              ? `${at}: the allocation holds no live value, not ${vregToString(v)}`
              : `${at}: the allocation holds {${val.map(vregToString).join(', ')}}, not ${vregToString(v)}`,
        });
        return;
      }
    }
    switch (operandConstraintKind(op)) {
      case ConstraintKind.Any:
        break;
      case ConstraintKind.Reg:
        if (!allocIsReg(alloc) || this.stackPregs.contains(allocPReg(alloc))) {
          this.fail({ ...base, kind: 'AllocationIsNotReg', message: `${at}: not a register` });
        }
        break;
      case ConstraintKind.Stack:
        if (!this.isStackLike(alloc)) {
          this.fail({ ...base, kind: 'AllocationIsNotStack', message: `${at}: not a stack slot` });
        }
        break;
      case ConstraintKind.FixedReg:
        if (alloc !== allocReg(operandFixedReg(op))) {
          this.fail({ ...base, kind: 'AllocationIsNotFixedReg', message: `${at}: not the fixed register` });
        }
        break;
      case ConstraintKind.Reuse: {
        const t = operandReuseIndex(op);
        if (!allocIsReg(alloc)) {
          this.fail({ ...base, kind: 'AllocationIsNotReg', message: `${at}: a reused input must be a register` });
        } else if (alloc !== allocs[t]) {
          this.fail({
            ...base,
            kind: 'AllocationIsNotReuse',
            message: `${at}: operand ${t} is in ${allocToString(allocs[t] ?? ALLOC_NONE)}`,
          });
        }
        break;
      }
      case ConstraintKind.Limit:
        if (allocIsReg(alloc) && !pregBelowLimit(allocPReg(alloc), operandLimit(op))) {
          this.fail({ ...base, kind: 'AllocationOutsideLimit', message: `${at}: outside limit(${operandLimit(op)})` });
        }
        break;
    }
  }

  private check(block: number, state: State | null, item: Item, after: boolean): void {
    if (item < 0) {
      if (after) return;
      const e: Edit = this.out.edits[-item - 1]!;
      if (this.isStackLike(e.from) && this.isStackLike(e.to)) {
        this.fail({
          kind: 'StackToStackMove',
          block,
          alloc: e.to,
          message: `edit at ${pointToString(e.point)}: stack-to-stack move ${allocToString(e.from)} → ${allocToString(e.to)}`,
        });
      }
      return;
    }
    const ops = this.f.instOperands(item);
    const allocs = this.allocsOf(item);
    // With a reused input, the late uses' values are not checked after the
    // instruction (the reusing def has overwritten the input by then), but
    // the late defs' constraints still are (regalloc2 skips both, so it never
    // notices a def that does not reuse its input).
    let usesToo = true;
    if (after) {
      for (let k = 0; k < ops.length; k++) if (operandConstraintKind(ops[k]!) === ConstraintKind.Reuse) usesToo = false;
    }
    const pos = after ? 1 : 0;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandPos(op) !== pos || (!usesToo && operandIsUse(op))) continue;
      this.checkOperand(block, item, k, op, allocs, state);
    }
  }

  run(): CheckerErrorDetail[] {
    if (this.errors.length > 0) return this.errors;
    this.analyze();
    const nb = this.f.numBlocks();
    for (let b = 0; b < nb; b++) {
      if (!this.reachable[b]) continue;
      const input = this.bbIn[b];
      let state: State | null = input ? input.clone() : null;
      const where = state ? indexState(state) : new Map<VReg, Allocation[]>();
      for (const item of this.items[b]!) {
        this.check(b, state, item, false);
        if (state === null) state = State.empty();
        this.update(state, where, item);
        this.check(b, state, item, true);
      }
    }
    return this.errors;
  }
}

/** Checks `out` against `func` and `env`; throws a `CheckerError` listing every violation. */
export function checkOutput(func: Function, env: MachineEnv, out: Output): void {
  const shaped = outputShape(func, out);
  if (Array.isArray(shaped)) throw new CheckerError(shaped);
  const errors = new Checker(func, env, shaped).run();
  if (errors.length > 0) throw new CheckerError(errors);
}

/** `ok`, or the first violation's message. */
export function checkerVerdict(func: Function, env: MachineEnv, out: Output): string {
  try {
    checkOutput(func, env, out);
    return 'ok';
  } catch (e) {
    if (e instanceof CheckerError) return `${e.kind}: ${e.message}`;
    throw e;
  }
}
