// The view's core: a pure function from (function, env, output) to a drawing
// model — rows (program points) down, locations (registers, then spill slots)
// across, each vreg's live ranges as bars in the location that holds it, the
// allocator's moves as arrows, operands and clobbers as marks. No DOM, no
// Node: the CLI's HTML page and the browser playground draw the same model.
//
// Where a vreg lives is derived, not taken from the allocator: a forward
// dataflow over the CFG of "location holds vreg" (operand allocations write,
// moves copy, clobbers erase, block-param edges rename; predecessors meet by
// intersection), cut to the points where the vreg is live.

import { type Allocation, allocIsReg, allocReg, allocStack, allocToString, pointAfter, pointBefore, pointToString } from '../model/allocation.js';
import { operandText } from '../io/text.js';
import { allocPReg, locationIndex } from '../model/location.js';
import { CFGInfo } from '../analysis/cfg.js';
import { type Edit, firstEditAtOrAfter, type Function, type MachineEnv, type Output } from '../model/function.js';
import {
  ConstraintKind,
  type Operand,
  operandConstraintKind,
  operandFixedReg,
  operandIsDef,
  operandIsFixedNonAllocatable,
  operandIsUse,
  operandPos,
  operandVReg,
} from '../model/operand.js';
import { type PReg, PRegSet, pregClass, pregToString, type RegClass, type RegNames, type VReg, vregToString } from '../model/regs.js';

/** Options of `buildView`. */
export interface ViewOptions {
  /** Register names (default `p3i`). */
  names?: RegNames;
  /** A title for the page, e.g. the function's name. */
  title?: string;
  /** Which allocator produced the output, shown in the page. */
  algorithm?: string;
}

/** A column's location: a register, a register that stands for a fixed stack slot, or a spill slot. */
export type ColumnKind = 'reg' | 'fixed-stack' | 'slot';

/** One location across the page. */
export interface ViewColumn {
  /** The location's name, as `allocToString` gives it under `ViewOptions.names` (`p3i`, `stack4`). */
  readonly name: string;
  /** Register, fixed stack slot or spill slot. */
  readonly kind: ColumnKind;
  /** The register's class (0, int, for spill slots). */
  readonly regClass: RegClass;
  /** The packed `Allocation` this column stands for. */
  readonly alloc: Allocation;
  /** An allocatable register of the env (others only appear when something names them). */
  readonly allocatable: boolean;
}

/** A row's line: a block header, an instruction or a move. */
export type RowKind = 'block' | 'inst' | 'move';

/** One line down the page: a block header, an instruction or one move. */
export interface ViewRow {
  /** Block header, instruction or move. */
  readonly kind: RowKind;
  /** The block the row belongs to. */
  readonly block: number;
  /** The instruction (inst rows; move rows: the instruction whose point it is at; block rows: the block's first). */
  readonly inst: number;
  /** Move rows: the index of its edit in the output's `edits`; -1 on other rows. */
  readonly move: number;
  /** The line's text for the left gutter. */
  readonly text: string;
}

/** One block of the function, with the rows it spans. */
export interface ViewBlock {
  /** The block's index. */
  readonly block: number;
  /** Row of the block's header; its instructions and moves follow up to `endRow` (exclusive). */
  readonly headerRow: number;
  /** The row after the block's last (exclusive end of its rows). */
  readonly endRow: number;
  /** Approximate loop nesting depth (0 outside loops), as the allocator estimates it. */
  readonly loopDepth: number;
  /** Predecessor blocks. */
  readonly preds: readonly number[];
  /** Successor blocks. */
  readonly succs: readonly number[];
  /** The block's parameters, by name (`v3i`). */
  readonly params: readonly string[];
}

/**
 * How a move crosses the register file: `reg-stack` is a spill, `stack-reg` a
 * reload; registers that stand for fixed stack slots count as stack.
 */
export type MoveKind = 'reg-reg' | 'reg-stack' | 'stack-reg' | 'stack-stack';

/** One move the allocator inserted (one edit), drawn as an arrow across its row. */
export interface ViewMove {
  /** The move's row. */
  readonly row: number;
  /** The source's column. */
  readonly fromColumn: number;
  /** The destination's column. */
  readonly toColumn: number;
  /** Register to register, spill, reload or stack to stack. */
  readonly kind: MoveKind;
  /** `5:before`. */
  readonly point: string;
  /** The live vregs the source held, by name. */
  readonly vregs: readonly string[];
}

/** A mark's symbol: a use or def (`fixed-` when constrained to a fixed register), a clobber, or a fixed non-allocatable operand. */
export type MarkKind = 'use' | 'def' | 'fixed-use' | 'fixed-def' | 'clobber' | 'nonalloc';

/** An operand (or clobber) at an instruction row in a location. */
export interface ViewMark {
  /** The instruction's row. */
  readonly row: number;
  /** The location's column. */
  readonly column: number;
  /** Which symbol. */
  readonly kind: MarkKind;
  /** Hover text: operand, constraint, vreg and where it was put. */
  readonly text: string;
}

/**
 * The drawing. Vertical positions are in half rows: row r spans [2r, 2r+2)
 * and its events (defs, last uses, moves) happen at 2r+1. A bar that is live
 * into a block starts at the top of the block's header; one live out of a
 * block ends at the bottom of its last row.
 */
export interface ViewModel {
  /** The page's title (`ViewOptions.title`, default `function`). */
  readonly title: string;
  /** The allocator's name (`ViewOptions.algorithm`; empty when not given). */
  readonly algorithm: string;
  /** The locations across: registers, then spill slots. */
  readonly columns: readonly ViewColumn[];
  /** The lines down: each block's header, then its instructions and moves in program order. */
  readonly rows: readonly ViewRow[];
  /** The blocks, by index. */
  readonly blocks: readonly ViewBlock[];
  /** Per instruction, its first row (the first move before it, or itself). */
  readonly instTopRow: readonly number[];
  /** Bars, four numbers each: column, vreg (packed), top and bottom in half rows. */
  readonly bars: readonly number[];
  /** The moves, as arrows. */
  readonly moves: readonly ViewMove[];
  /** The operands and clobbers, as marks. */
  readonly marks: readonly ViewMark[];
  /** Counts for the page's header. */
  readonly summary: ViewSummary;
}

/** What the drawing holds, counted. */
export interface ViewSummary {
  /** Instructions in the function. */
  readonly insts: number;
  /** Blocks in the function. */
  readonly blocks: number;
  /** Virtual registers in the function. */
  readonly vregs: number;
  /** Spill slots the allocation uses. */
  readonly spillSlots: number;
  /** Moves drawn, by kind. */
  readonly moves: Readonly<Record<MoveKind, number>>;
  /** Live-range bars drawn. */
  readonly bars: number;
}

/** Half-row coordinates: the top of row `r`, and its middle, where its events happen. */
function rowTop(r: number): number {
  return 2 * r;
}
function rowMiddle(r: number): number {
  return 2 * r + 1;
}

type VSet = readonly VReg[];
/** Location index → the vregs it holds; an absent location holds nothing known. Sparse: Fastalloc gives thousands of slots. */
type State = Map<number, VSet>;

function intersect(a: VSet, b: VSet): VSet {
  if (a === b) return a;
  const out = a.filter((v) => b.includes(v));
  return out.length === a.length ? a : out;
}

function sameSet(a: VSet | undefined, b: VSet | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!b.includes(a[i]!)) return false;
  return true;
}

/** Per block, the vregs live on entry and on exit (block params are defined at entry, branch args used at exit). */
function liveness(f: Function, cfg: CFGInfo): { liveIn: Set<VReg>[]; liveOut: Set<VReg>[] } {
  const nb = f.numBlocks();
  const gen: Set<VReg>[] = [];
  const kill: Set<VReg>[] = [];
  for (let b = 0; b < nb; b++) {
    const g = new Set<VReg>();
    const k = new Set<VReg>(Array.from(f.blockParams(b)));
    const { first, end } = f.blockInsns(b);
    for (let i = first; i < end; i++) {
      const ops = f.instOperands(i);
      for (let pos = 0; pos < 2; pos++) {
        for (let j = 0; j < ops.length; j++) {
          const op = ops[j]!;
          if (operandIsFixedNonAllocatable(op) || operandPos(op) !== pos || !operandIsUse(op)) continue;
          const v = operandVReg(op);
          if (!k.has(v)) g.add(v);
        }
        for (let j = 0; j < ops.length; j++) {
          const op = ops[j]!;
          if (operandIsFixedNonAllocatable(op) || operandPos(op) !== pos || !operandIsDef(op)) continue;
          k.add(operandVReg(op));
        }
      }
    }
    const succs = f.blockSuccs(b);
    for (let s = 0; s < succs.length; s++) {
      for (const v of Array.from(f.branchBlockparams(b, end - 1, s))) if (!k.has(v)) g.add(v);
    }
    gen.push(g);
    kill.push(k);
  }
  const liveIn = gen.map((g) => new Set(g));
  const liveOut = gen.map(() => new Set<VReg>());
  let changed = true;
  while (changed) {
    changed = false;
    for (const b of cfg.postorder) {
      const out = liveOut[b]!;
      for (const s of Array.from(f.blockSuccs(b))) for (const v of liveIn[s]!) out.add(v);
      const inn = liveIn[b]!;
      for (const v of out) {
        if (!kill[b]!.has(v) && !inn.has(v)) {
          inn.add(v);
          changed = true;
        }
      }
    }
  }
  return { liveIn, liveOut };
}

/** The allocations of `inst`'s operands. */
function allocsOf(out: Output, inst: number): Int32Array {
  const offs = out.instAllocOffsets;
  const end = inst + 1 < offs.length ? offs[inst + 1]! : out.allocs.length;
  return out.allocs.subarray(offs[inst]!, end);
}

function editsOf(out: Output): Edit[] {
  return out.edits;
}

/** Builds the drawing of `out`, an allocation of `f` under `env`. The function must be valid. */
export function buildView(f: Function, env: MachineEnv, out: Output, options: ViewOptions = {}): ViewModel {
  const names = options.names;
  const regName = (p: PReg): string => pregToString(p, names);
  const allocName = (a: Allocation): string => allocToString(a, names);
  const cfg = CFGInfo.compute(f);
  const nb = f.numBlocks();
  const ni = f.numInsts();
  const edits = editsOf(out);
  const { liveIn, liveOut } = liveness(f, cfg);
  const stackPregs = PRegSet.of(env.fixedStackSlots);

  // Rows, and the edits at each instruction's two points.
  const rows: ViewRow[] = [];
  const instTopRow: number[] = new Array<number>(ni).fill(0);
  const instRow: number[] = new Array<number>(ni).fill(0);
  const editRow: number[] = new Array<number>(edits.length).fill(0);
  const blockHeader: number[] = [];
  const blockEnd: number[] = [];
  let e = 0;
  const opText = (inst: number): string => {
    const ops = f.instOperands(inst);
    const allocs = allocsOf(out, inst);
    const parts: string[] = [];
    for (let j = 0; j < ops.length; j++) parts.push(`${operandShort(ops[j]!, regName)} → ${allocName(allocs[j] ?? 0)}`);
    return parts.join(', ');
  };
  for (let b = 0; b < nb; b++) {
    const { first, end } = f.blockInsns(b);
    blockHeader.push(rows.length);
    const params = Array.from(f.blockParams(b)).map(vregToString);
    rows.push({ kind: 'block', block: b, inst: first, move: -1, text: `block${b}${params.length ? `(${params.join(', ')})` : ''}` });
    for (let i = first; i < end; i++) {
      instTopRow[i] = rows.length;
      for (let pos = 0; pos < 2; pos++) {
        if (pos === 1) {
          instRow[i] = rows.length;
          const kind = f.isRet(i) ? 'ret' : f.isBranch(i) ? branchText(f, b, i) : 'op';
          const ops = opText(i);
          rows.push({ kind: 'inst', block: b, inst: i, move: -1, text: `${i}: ${kind}${ops ? ` ${ops}` : ''}` });
        }
        while (e < edits.length && edits[e]!.point <= (pos === 0 ? pointBefore(i) : pointAfter(i))) {
          const ed = edits[e]!;
          editRow[e] = rows.length;
          rows.push({
            kind: 'move',
            block: b,
            inst: i,
            move: e,
            text: `  move ${allocName(ed.from)} → ${allocName(ed.to)} (${pointToString(ed.point)})`,
          });
          e++;
        }
      }
    }
    blockEnd.push(rows.length);
  }

  // Columns: every allocatable register, then any other register something
  // names, then the spill slots.
  const allocatable = new PRegSet();
  for (let c = 0; c < 3; c++) {
    allocatable.unionFrom(env.preferredRegsByClass[c]!);
    allocatable.unionFrom(env.nonPreferredRegsByClass[c]!);
  }
  const namedRegs = allocatable.clone();
  for (const p of env.fixedStackSlots) namedRegs.add(p);
  for (let k = 0; k < out.allocs.length; k++) if (allocIsReg(out.allocs[k]!)) namedRegs.add(allocPReg(out.allocs[k]!));
  for (const ed of edits) {
    if (allocIsReg(ed.from)) namedRegs.add(allocPReg(ed.from));
    if (allocIsReg(ed.to)) namedRegs.add(allocPReg(ed.to));
  }
  for (let i = 0; i < ni; i++) namedRegs.unionFrom(f.instClobbers(i));
  const columns: ViewColumn[] = [];
  const columnOf = new Map<number, number>();
  for (const p of namedRegs.toArray()) {
    columnOf.set(p, columns.length);
    columns.push({
      name: regName(p),
      kind: stackPregs.contains(p) ? 'fixed-stack' : 'reg',
      regClass: pregClass(p),
      alloc: allocReg(p),
      allocatable: allocatable.contains(p),
    });
  }
  for (let s = 0; s < out.numSpillslots; s++) {
    columnOf.set(locationIndex(allocStack(s)), columns.length);
    columns.push({ name: allocName(allocStack(s)), kind: 'slot', regClass: 0, alloc: allocStack(s), allocatable: false });
  }
  const col = (a: Allocation): number => columnOf.get(locationIndex(a)) ?? -1;

  // Forward dataflow to block-entry states, kept to the vregs live there.
  const entry: (State | null)[] = new Array<State | null>(nb).fill(null);
  // In SSA a def's vreg is nowhere before its def (block entry states keep
  // only live-in vregs), so older copies are searched for only when the
  // function allows several defs of a vreg.
  const multipleDefs = f.allowMultipleVregDefs();
  /** Applies instruction `inst` to `state`; `touched` collects the keys it may change. */
  const step = (state: State, inst: number, touched?: number[]): void => {
    const ops = f.instOperands(inst);
    const allocs = allocsOf(out, inst);
    for (let j = 0; j < ops.length; j++) {
      const op = ops[j]!;
      if (operandIsFixedNonAllocatable(op) || !operandIsDef(op)) continue;
      const v = operandVReg(op);
      if (multipleDefs) {
        for (const [k, s] of state) {
          if (s.includes(v)) {
            state.set(k, s.filter((x) => x !== v));
            touched?.push(k);
          }
        }
      }
      const k = locationIndex(allocs[j] ?? 0);
      state.set(k, [v]);
      touched?.push(k);
    }
    f.instClobbers(inst).forEach((p) => {
      state.delete(locationIndex(allocReg(p)));
      touched?.push(locationIndex(allocReg(p)));
    });
  };
  const edgeState = (exit: State, b: number, succIdx: number): State => {
    const succ = f.blockSuccs(b)[succIdx]!;
    const args = Array.from(f.branchBlockparams(b, f.blockInsns(b).end - 1, succIdx));
    const params = Array.from(f.blockParams(succ));
    const live = liveIn[succ]!;
    const next: State = new Map();
    for (const [k, s] of exit) {
      const vals: VReg[] = [];
      for (const v of s) {
        if (live.has(v) && !params.includes(v)) vals.push(v);
        for (let a = 0; a < args.length; a++) if (args[a] === v && !vals.includes(params[a]!)) vals.push(params[a]!);
      }
      next.set(k, vals);
    }
    return next;
  };
  const runBlock = (b: number, state: State, visit?: (kind: 'edit' | 'inst', index: number) => void, touched?: number[]): void => {
    const { first, end } = f.blockInsns(b);
    let k = firstEditAtOrAfter(edits, pointBefore(first));
    for (let i = first; i < end; i++) {
      while (k < edits.length && edits[k]!.point <= pointBefore(i)) {
        const ed = edits[k]!;
        const held = state.get(locationIndex(ed.from));
        if (held === undefined) state.delete(locationIndex(ed.to));
        else state.set(locationIndex(ed.to), held);
        visit?.('edit', k);
        k++;
      }
      step(state, i, touched);
      visit?.('inst', i);
    }
    // Moves after the block's last instruction cannot exist (it is a branch).
  };
  {
    const order = Array.from(cfg.postorder).reverse();
    const pending = new Uint8Array(nb);
    for (const b of order) pending[b] = 1;
    let again = true;
    while (again) {
      again = false;
      for (const b of order) {
        if (!pending[b]) continue;
        pending[b] = 0;
        const state: State = new Map(entry[b] ?? []);
        runBlock(b, state);
        const succs = f.blockSuccs(b);
        for (let s = 0; s < succs.length; s++) {
          const succ = succs[s]!;
          const next = edgeState(state, b, s);
          const cur = entry[succ];
          if (cur) {
            for (const [k, vals] of next) {
              const old = cur.get(k);
              if (old === undefined) next.delete(k);
              else next.set(k, intersect(vals, old));
            }
          }
          let changed = !cur || cur.size !== next.size;
          if (cur && !changed) for (const [k, vals] of next) if (!sameSet(cur.get(k), vals)) changed = true;
          if (changed) {
            entry[succ] = next;
            pending[succ] = 1;
            again = true;
          }
        }
      }
    }
  }

  // Bars: walk each block again, opening a bar when a vreg enters a location
  // and closing it when it leaves, then cut each to where its vreg is live.
  const bars: number[] = [];
  const moves: ViewMove[] = [];
  const marks: ViewMark[] = [];
  const moveCount: Record<MoveKind, number> = { 'reg-reg': 0, 'reg-stack': 0, 'stack-reg': 0, 'stack-stack': 0 };
  for (let b = 0; b < nb; b++) {
    const { first, end } = f.blockInsns(b);
    const top = rowTop(blockHeader[b]!);
    const bottom = rowTop(blockEnd[b]!);
    // The last half-row at which each vreg is still needed in this block.
    const lastNeed = new Map<VReg, number>();
    for (const v of liveOut[b]!) lastNeed.set(v, bottom);
    for (let i = first; i < end; i++) {
      const ops = f.instOperands(i);
      for (let j = 0; j < ops.length; j++) {
        const op = ops[j]!;
        if (operandIsFixedNonAllocatable(op) || !operandIsUse(op)) continue;
        const v = operandVReg(op);
        if (lastNeed.get(v) !== bottom) lastNeed.set(v, rowMiddle(instRow[i]!));
      }
    }
    const succs = f.blockSuccs(b);
    for (let s = 0; s < succs.length; s++) {
      for (const v of Array.from(f.branchBlockparams(b, end - 1, s))) {
        if (lastNeed.get(v) !== bottom) lastNeed.set(v, rowMiddle(instRow[end - 1]!));
      }
    }
    if (entry[b] === null && b !== f.entryBlock()) continue; // unreachable: nothing lives there
    const state: State = new Map(entry[b] ?? []);
    // Block params are written by the edge moves: they start at the header's middle.
    const params = new Set(Array.from(f.blockParams(b)));
    /** Per location, the bars open in it: vreg → where the bar started. */
    const openAt = new Map<number, Map<VReg, number>>();
    const open = (k: number, s: VSet | undefined, y: number): void => {
      const m = new Map<VReg, number>();
      if (s) for (const v of s) m.set(v, y);
      openAt.set(k, m);
    };
    const close = (k: number, v: VReg, from: number, y: number): void => {
      const c = columnOf.get(k);
      if (c === undefined) return;
      const need = lastNeed.get(v);
      // A def nobody reads still shows as a stub to the bottom of its row.
      const endY = need === undefined ? (from % 2 === 1 ? from + 1 : from) : Math.min(y, need);
      if (endY > from) bars.push(c, v, from, endY);
    };
    for (const [k, s] of state) {
      const m = new Map<VReg, number>();
      for (const v of s) m.set(v, params.has(v) ? top + 1 : top);
      openAt.set(k, m);
    }
    const replace = (k: number, next: VSet | undefined, y: number): void => {
      const prev = openAt.get(k);
      if (prev) {
        for (const [v, from] of prev) {
          if (!next || !next.includes(v)) {
            close(k, v, from, y);
            prev.delete(v);
          }
        }
        if (next) for (const v of next) if (!prev.has(v)) prev.set(v, y);
      } else open(k, next, y);
    };
    const shadow: State = new Map(state);
    const touched: number[] = [];
    runBlock(b, state, (kind, index) => {
      if (kind === 'edit') {
        const ed = edits[index]!;
        const row = editRow[index]!;
        const y = rowMiddle(row);
        const to = locationIndex(ed.to);
        const held = shadow.get(locationIndex(ed.from));
        if (held === undefined) shadow.delete(to);
        else shadow.set(to, held);
        replace(to, held, y);
        const fromStack = !allocIsReg(ed.from) || stackPregs.contains(allocPReg(ed.from));
        const toStack = !allocIsReg(ed.to) || stackPregs.contains(allocPReg(ed.to));
        const kind: MoveKind = fromStack ? (toStack ? 'stack-stack' : 'stack-reg') : toStack ? 'reg-stack' : 'reg-reg';
        moveCount[kind]++;
        moves.push({
          row,
          fromColumn: col(ed.from),
          toColumn: col(ed.to),
          kind,
          point: pointToString(ed.point),
          vregs: (held ?? []).map(vregToString),
        });
        return;
      }
      const i = index;
      const row = instRow[i]!;
      const y = rowMiddle(row);
      const ops = f.instOperands(i);
      const allocs = allocsOf(out, i);
      for (let j = 0; j < ops.length; j++) {
        const op = ops[j]!;
        const a = allocs[j] ?? 0;
        const c = col(a);
        if (c < 0) continue;
        const fixed = operandConstraintKind(op) === ConstraintKind.FixedReg;
        const kind: MarkKind = operandIsFixedNonAllocatable(op)
          ? 'nonalloc'
          : operandIsUse(op)
            ? fixed
              ? 'fixed-use'
              : 'use'
            : fixed
              ? 'fixed-def'
              : 'def';
        marks.push({ row, column: c, kind, text: `${i}: operand ${j}: ${operandText(op, regName)}, in ${allocName(a)}` });
      }
      f.instClobbers(i).forEach((p) => {
        const c = columnOf.get(p);
        if (c !== undefined) marks.push({ row, column: c, kind: 'clobber', text: `${i}: clobbers ${regName(p)}` });
      });
      // Mirror the state change of `step` on the open bars.
      for (const k of touched) {
        const now = state.get(k);
        if (!sameSet(shadow.get(k), now)) {
          replace(k, now, y);
          if (now === undefined) shadow.delete(k);
          else shadow.set(k, now);
        }
      }
      touched.length = 0;
    }, touched);
    for (const [k, m] of openAt) for (const [v, from] of m) close(k, v, from, bottom);
  }

  const blocks: ViewBlock[] = [];
  for (let b = 0; b < nb; b++) {
    blocks.push({
      block: b,
      headerRow: blockHeader[b]!,
      endRow: blockEnd[b]!,
      loopDepth: cfg.approxLoopDepth[b]!,
      preds: Array.from(f.blockPreds(b)),
      succs: Array.from(f.blockSuccs(b)),
      params: Array.from(f.blockParams(b)).map(vregToString),
    });
  }
  return {
    title: options.title ?? 'function',
    algorithm: options.algorithm ?? '',
    columns,
    rows,
    blocks,
    instTopRow,
    bars,
    moves,
    marks,
    summary: {
      insts: ni,
      blocks: nb,
      vregs: f.numVregs(),
      spillSlots: out.numSpillslots,
      moves: moveCount,
      bars: bars.length / 4,
    },
  };
}

function branchText(f: Function, b: number, inst: number): string {
  const succs = f.blockSuccs(b);
  const targets: string[] = [];
  for (let s = 0; s < succs.length; s++) {
    const args = Array.from(f.branchBlockparams(b, inst, s)).map(vregToString);
    targets.push(`block${succs[s]}${args.length ? `(${args.join(', ')})` : ''}`);
  }
  return `branch -> ${targets.join(', ')}`;
}

/** `v3i:use` — the gutter's short form. */
function operandShort(op: Operand, regName: (p: PReg) => string): string {
  if (operandIsFixedNonAllocatable(op)) return `fixed-nonalloc:${regName(operandFixedReg(op))}`;
  return `${vregToString(operandVReg(op))}:${operandIsUse(op) ? 'use' : 'def'}`;
}
