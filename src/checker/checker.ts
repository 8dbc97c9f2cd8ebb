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
import { allocPReg, allocSlot, locationAlloc, locationCount, locationIndex, pregBelowLimit } from '../model/location.js';
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
/**
 * Allocation → vreg set, dense by location index (`locationIndex`: registers,
 * then `none`, then spill slots). Cloning is one array copy.
 */
class State {
  vals: (VSet | undefined)[];
  constructor(vals: (VSet | undefined)[]) {
    this.vals = vals;
  }
  static empty(numSlots: number): State {
    return new State(new Array<VSet | undefined>(locationCount(numSlots)).fill(undefined));
  }
  clone(): State {
    return new State(this.vals.slice());
  }
  get(a: Allocation): VSet | undefined {
    return this.vals[locationIndex(a)];
  }
  set(a: Allocation, v: VSet): void {
    this.vals[locationIndex(a)] = v;
  }
  delete(a: Allocation): void {
    this.vals[locationIndex(a)] = undefined;
  }
  forEach(fn: (v: VSet, a: Allocation) => void): void {
    const vals = this.vals;
    for (let k = 0; k < vals.length; k++) {
      const v = vals[k];
      if (v !== undefined) fn(v, locationAlloc(k));
    }
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

/** Meets `into` with `from` (keys intersected, values intersected); returns whether `into` changed. */
function meetInto(into: State, from: State): void {
  const a = into.vals;
  const b = from.vals;
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    if (v === undefined) continue;
    const w = b[k];
    a[k] = w === undefined ? undefined : intersect(v, w);
  }
}

function statesEqual(x: State, y: State): boolean {
  const a = x.vals;
  const b = y.vals;
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    const w = b[k];
    if (v === w) continue;
    if (v === undefined || w === undefined || !setsEqual(v, w)) return false;
  }
  return true;
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
  private readonly numSlots: number;
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
    this.numSlots = out.numSpillslots;
    this.items = [];
    this.reachable = new Uint8Array(nb);
    for (const b of computePostorder(nb, f.entryBlock(), (b) => f.blockSuccs(b))) this.reachable[b] = 1;
    this.checkShape();
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

  /** The parallel assignment of branch args to a successor's block params. */
  private edgeMove(state: State, block: number, succIdx: number): void {
    const f = this.f;
    const succ = f.blockSuccs(block)[succIdx]!;
    const last = f.blockInsns(block).end - 1;
    const args = f.branchBlockparams(block, last, succIdx);
    if (args.length === 0) return;
    const params = f.blockParams(succ);
    const additions = new Map<VReg, VReg[]>();
    const deletions = new Set<VReg>();
    for (let i = 0; i < args.length; i++) {
      deletions.add(params[i]!);
      const list = additions.get(args[i]!);
      if (list) list.push(params[i]!);
      else additions.set(args[i]!, [params[i]!]);
    }
    state.forEach((s, a) => {
      let touched = false;
      for (const v of s) {
        if (additions.has(v) || deletions.has(v)) {
          touched = true;
          break;
        }
      }
      if (!touched) return;
      const next: VReg[] = s.filter((v) => !deletions.has(v));
      for (const v of s) {
        const add = additions.get(v);
        if (add) for (const d of add) insertSorted(next, d);
      }
      state.set(a, next);
    });
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
        const state: State = this.bbIn[b]?.clone() ?? State.empty(this.numSlots);
        const where = indexState(state);
        for (const item of this.items[b]!) this.update(state, where, item);
        const succs = f.blockSuccs(b);
        for (let k = 0; k < succs.length; k++) {
          const s = succs[k]!;
          const next: State = state.clone();
          this.edgeMove(next, b, k);
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
          message: `${at}: the allocation holds {${val.map(vregToString).join(', ')}}, not ${vregToString(v)}`,
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
        if (state === null) state = State.empty(this.numSlots);
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
