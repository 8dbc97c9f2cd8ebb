// Functions, machine envs and outputs in a compact form that crosses to a
// worker thread as transferable buffers: a function is one Int32Array of
// sections (counts, per-block lists in compressed rows, operands, shared
// clobber sets, labels), read on the other side by a `Function` over views of
// that buffer, with no per-instruction objects. Outputs travel back packed
// the same way; an error as its kind, message and place.

import type { Block, DebugLocation, Function, Inst, InstRange, MachineEnv, Output, Stats } from '../model/function.js';
import { emptyStats, outputWithPackedEdits, STATS_FIELDS } from '../model/function.js';
import type { Operand } from '../model/operand.js';
import { type PReg, PRegSet, type RegClass, type VReg } from '../model/regs.js';
import { type ErrorPlaceInput, RegAllocError, type RegAllocErrorKind } from '../model/errors.js';

const HEADER = 12;
const KIND_BRANCH = 1;
const KIND_RET = 2;

/** Writes `func` into one Int32Array (its buffer is transferable). */
export function packFunction(func: Function): Int32Array {
  const plan = planPacking(func);
  const d = new Int32Array(plan.size);
  writePacked(func, plan, d);
  return d;
}

/** What `writePacked` needs besides the function: its size, list totals and shared clobber sets. */
export interface PackingPlan {
  readonly size: number;
  /** The function's blocks and instructions, as checked when planning. */
  readonly nb: number;
  readonly ni: number;
  readonly succTotal: number;
  readonly operandTotal: number;
  /** The distinct clobber sets, and each instruction's index into them. */
  readonly sets: readonly PRegSet[];
  readonly instSet: Int32Array;
  readonly labels: readonly (readonly [VReg, number, number, number])[];
}

// Packing must never change a value (a worker would then validate and
// allocate something else than the caller gave): every number it stores is
// checked to fit its 32-bit field exactly, here, before any is written.

/** `n` when it is a count (a non-negative integer), else a throw. */
function count(n: number): number {
  if (Number.isInteger(n) && n >= 0 && n <= 0x7fffffff) return n;
  throw new RangeError(`${String(n)} is not a count`);
}
/** `v` when an Int32Array holds it exactly, else a throw. */
function signed(v: number): number {
  if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return v;
  throw new RangeError(`${String(v)} is not a 32-bit integer`);
}
/** `v` when a Uint32Array holds it exactly (operands, label numbers), else a throw. */
function unsigned(v: number): number {
  if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  throw new RangeError(`${String(v)} is not a 32-bit unsigned integer`);
}
/** `list` after checking each entry with `signed`. */
function signedList(list: ArrayLike<number>): ArrayLike<number> {
  for (let k = 0; k < list.length; k++) signed(list[k]!);
  return list;
}

/**
 * Measures `func` for packing (one pass over its lists) and dedupes its
 * clobber sets. It reads every list the packing reads, so a `Function` whose
 * methods return something unreadable fails here, before any buffer is made.
 */
export function planPacking(func: Function): PackingPlan {
  const nb = count(func.numBlocks());
  const ni = count(func.numInsts());
  signed(func.numVregs());
  signed(func.entryBlock());
  for (let c = 0; c < 3; c++) signed(func.spillslotSize(c as RegClass));
  let succTotal = 0;
  let predTotal = 0;
  let paramTotal = 0;
  let argTotal = 0;
  for (let b = 0; b < nb; b++) {
    const succs = signedList(func.blockSuccs(b));
    succTotal += succs.length;
    predTotal += signedList(func.blockPreds(b)).length;
    paramTotal += signedList(func.blockParams(b)).length;
    const r = func.blockInsns(b);
    signed(r.first);
    const last = signed(r.end) - 1;
    if (last >= 0 && func.isBranch(last)) for (let s = 0; s < succs.length; s++) argTotal += signedList(func.branchBlockparams(b, last, s)).length;
  }
  let operandTotal = 0;
  for (let i = 0; i < ni; i++) {
    const ops = func.instOperands(i);
    for (let k = 0; k < ops.length; k++) unsigned(ops[k]!);
    operandTotal += ops.length;
  }
  // Equal clobber sets are stored once. Most instructions share one set
  // object (the empty one, or a call's), so sets are looked up by object
  // first and by contents only for an object not seen yet.
  const byObject = new Map<PRegSet, number>();
  const byContents = new Map<string, number>();
  const sets: PRegSet[] = [];
  const instSet = new Int32Array(ni);
  for (let i = 0; i < ni; i++) {
    const c = func.instClobbers(i);
    let k = byObject.get(c);
    if (k === undefined) {
      if (!(c?.bits instanceof Uint32Array) || c.bits.length !== 8) throw new TypeError(`inst ${i}: its clobbers are not a PRegSet`);
      const key = c.bits.join(',');
      k = byContents.get(key);
      if (k === undefined) {
        byContents.set(key, (k = sets.length));
        sets.push(c);
      }
      byObject.set(c, k);
    }
    instSet[i] = k;
  }
  const labels = func.debugValueLabels();
  for (let k = 0; k < labels.length; k++) {
    const l = labels[k]!;
    signed(l[0]);
    signed(l[1]);
    signed(l[2]);
    unsigned(l[3]);
  }
  const size =
    HEADER + 2 * nb + 3 * (nb + 1) + succTotal + predTotal + paramTotal + (succTotal + 1) + argTotal + ni + (ni + 1) + operandTotal + ni + 8 * sets.length + 4 * labels.length;
  return { size, nb, ni, succTotal, operandTotal, sets, instSet, labels };
}

/** Writes `func` into `d`, which has exactly `plan.size` entries (positions in it are relative to its start). */
function writePacked(func: Function, plan: PackingPlan, d: Int32Array): void {
  const { nb, ni, succTotal, operandTotal, sets, instSet, labels } = plan;
  d[0] = ni;
  d[1] = nb;
  d[2] = func.numVregs();
  d[3] = func.entryBlock();
  d[4] = (func.multiSpillslotNamedByLastSlot() ? 1 : 0) | (func.allowMultipleVregDefs() ? 2 : 0);
  for (let c = 0; c < 3; c++) d[5 + c] = func.spillslotSize(c as RegClass);
  d[8] = sets.length;
  d[9] = labels.length;
  d[10] = succTotal;
  d[11] = operandTotal;
  let at = HEADER;
  for (let b = 0; b < nb; b++) {
    const r = func.blockInsns(b);
    d[at++] = r.first;
    d[at++] = r.end;
  }
  const rows = (list: (b: Block) => ArrayLike<number>) => {
    let start = at;
    at += nb + 1;
    for (let b = 0; b < nb; b++) {
      d[start + b] = at;
      const xs = list(b);
      for (let k = 0; k < xs.length; k++) d[at++] = xs[k]!;
    }
    d[start + nb] = at;
  };
  rows((b) => func.blockSuccs(b));
  rows((b) => func.blockPreds(b));
  rows((b) => func.blockParams(b));
  // Branch args: one row per (block, successor), in successor order.
  const argStart = at;
  at += succTotal + 1;
  let edge = 0;
  for (let b = 0; b < nb; b++) {
    const succs = func.blockSuccs(b);
    const last = func.blockInsns(b).end - 1;
    const isBranch = last >= 0 && func.isBranch(last);
    for (let s = 0; s < succs.length; s++) {
      d[argStart + edge++] = at;
      if (!isBranch) continue;
      const args = func.branchBlockparams(b, last, s);
      for (let k = 0; k < args.length; k++) d[at++] = args[k]!;
    }
  }
  d[argStart + edge] = at;
  for (let i = 0; i < ni; i++) d[at++] = func.isBranch(i) ? KIND_BRANCH : func.isRet(i) ? KIND_RET : 0;
  const opStart = at;
  at += ni + 1;
  for (let i = 0; i < ni; i++) {
    d[opStart + i] = at;
    const ops = func.instOperands(i);
    for (let k = 0; k < ops.length; k++) d[at++] = ops[k]! | 0;
  }
  d[opStart + ni] = at;
  d.set(instSet, at);
  at += ni;
  for (const s of sets) {
    d.set(s.bits, at);
    at += 8;
  }
  for (const l of labels) {
    d[at++] = l[0];
    d[at++] = l[1];
    d[at++] = l[2];
    d[at++] = l[3];
  }
}

/** A `Function` read from `packFunction`'s array: views made once, no per-call allocation. */
export class PackedFunction implements Function {
  private readonly header: Int32Array;
  private readonly ranges: InstRange[];
  private readonly succs: Int32Array[];
  private readonly preds: Int32Array[];
  private readonly params: Int32Array[];
  /** Branch args per block, per successor. */
  private readonly args: Int32Array[][];
  private readonly kinds: Int32Array;
  private readonly operands: Uint32Array[];
  private readonly clobbers: PRegSet[];
  private readonly labels: (readonly [VReg, Inst, Inst, number])[];

  constructor(d: Int32Array) {
    const ni = d[0]!;
    const nb = d[1]!;
    const numSets = d[8]!;
    const numLabels = d[9]!;
    const succTotal = d[10]!;
    this.header = d.subarray(0, HEADER);
    let at = HEADER;
    this.ranges = new Array<InstRange>(nb);
    for (let b = 0; b < nb; b++, at += 2) this.ranges[b] = { first: d[at]!, end: d[at + 1]! };
    const rows = (): Int32Array[] => {
      const out = new Array<Int32Array>(nb);
      for (let b = 0; b < nb; b++) out[b] = d.subarray(d[at + b]!, d[at + b + 1]!);
      at = d[at + nb]!;
      return out;
    };
    this.succs = rows();
    this.preds = rows();
    this.params = rows();
    const argStart = at;
    this.args = new Array<Int32Array[]>(nb);
    let edge = 0;
    for (let b = 0; b < nb; b++) {
      const n = this.succs[b]!.length;
      const list = new Array<Int32Array>(n);
      for (let s = 0; s < n; s++, edge++) list[s] = d.subarray(d[argStart + edge]!, d[argStart + edge + 1]!);
      this.args[b] = list;
    }
    at = d[argStart + succTotal]!;
    this.kinds = d.subarray(at, at + ni);
    at += ni;
    const words = new Uint32Array(d.buffer, d.byteOffset, d.length);
    this.operands = new Array<Uint32Array>(ni);
    for (let i = 0; i < ni; i++) this.operands[i] = words.subarray(d[at + i]!, d[at + i + 1]!);
    at = d[at + ni]!;
    const instSet = d.subarray(at, at + ni);
    at += ni;
    const sets = new Array<PRegSet>(numSets);
    for (let k = 0; k < numSets; k++, at += 8) sets[k] = new PRegSet(words.subarray(at, at + 8));
    this.clobbers = new Array<PRegSet>(ni);
    for (let i = 0; i < ni; i++) this.clobbers[i] = sets[instSet[i]!]!;
    this.labels = new Array(numLabels);
    for (let k = 0; k < numLabels; k++, at += 4) this.labels[k] = [d[at]! as VReg, d[at + 1]!, d[at + 2]!, d[at + 3]! >>> 0];
  }

  numInsts(): number {
    return this.header[0]!;
  }
  numBlocks(): number {
    return this.header[1]!;
  }
  entryBlock(): Block {
    return this.header[3]!;
  }
  blockInsns(block: Block): InstRange {
    return this.ranges[block]!;
  }
  blockSuccs(block: Block): Int32Array {
    return this.succs[block]!;
  }
  blockPreds(block: Block): Int32Array {
    return this.preds[block]!;
  }
  blockParams(block: Block): ArrayLike<VReg> {
    return this.params[block]! as ArrayLike<number> as ArrayLike<VReg>;
  }
  isRet(inst: Inst): boolean {
    return this.kinds[inst] === KIND_RET;
  }
  isBranch(inst: Inst): boolean {
    return this.kinds[inst] === KIND_BRANCH;
  }
  branchBlockparams(block: Block, _inst: Inst, succIdx: number): ArrayLike<VReg> {
    return this.args[block]![succIdx]! as ArrayLike<number> as ArrayLike<VReg>;
  }
  instOperands(inst: Inst): ArrayLike<Operand> {
    return this.operands[inst]! as ArrayLike<number> as ArrayLike<Operand>;
  }
  instClobbers(inst: Inst): PRegSet {
    return this.clobbers[inst]!;
  }
  numVregs(): number {
    return this.header[2]!;
  }
  debugValueLabels(): ReadonlyArray<readonly [VReg, Inst, Inst, number]> {
    return this.labels;
  }
  spillslotSize(cls: RegClass): number {
    return this.header[5 + cls]!;
  }
  multiSpillslotNamedByLastSlot(): boolean {
    return (this.header[4]! & 1) !== 0;
  }
  allowMultipleVregDefs(): boolean {
    return (this.header[4]! & 2) !== 0;
  }
}

/** A MachineEnv as plain data (PRegSet's methods do not survive a structured clone). */
export interface PackedEnv {
  preferred: number[][];
  nonPreferred: number[][];
  scratch: (number | null)[];
  fixedStackSlots: number[];
}

export function packEnv(env: MachineEnv): PackedEnv {
  return {
    preferred: env.preferredRegsByClass.map((s) => Array.from(s.bits)),
    nonPreferred: env.nonPreferredRegsByClass.map((s) => Array.from(s.bits)),
    scratch: [...env.scratchByClass],
    fixedStackSlots: [...env.fixedStackSlots],
  };
}

export function unpackEnv(p: PackedEnv): MachineEnv {
  const sets = (xs: number[][]) => [new PRegSet(xs[0]), new PRegSet(xs[1]), new PRegSet(xs[2])] as const;
  return {
    preferredRegsByClass: sets(p.preferred),
    nonPreferredRegsByClass: sets(p.nonPreferred),
    scratchByClass: [p.scratch[0] ?? null, p.scratch[1] ?? null, p.scratch[2] ?? null] as [PReg | null, PReg | null, PReg | null],
    fixedStackSlots: p.fixedStackSlots as PReg[],
  };
}

/** An error as plain data. */
export interface PackedError {
  name: string;
  message: string;
  kind?: RegAllocErrorKind;
  place?: ErrorPlaceInput;
}

export function packError(e: unknown): PackedError {
  if (e instanceof RegAllocError) {
    // The place as the thrower gave it: vreg and register as values, so the
    // error rebuilt on the other side renders and compares the same.
    const { vreg: _vregText, preg: _pregText, ...place } = e.place;
    return { name: e.name, message: e.message, kind: e.kind, place: { ...place, vreg: e.vreg, preg: e.preg } };
  }
  const err = e as Error;
  return { name: err?.name ?? 'Error', message: err?.message ?? String(e) };
}

/** A RegAllocError back as a RegAllocError; anything else as an Error of the same name. */
export function unpackError(p: PackedError): Error {
  if (p.kind !== undefined) return new RegAllocError(p.kind, p.message, p.place ?? {});
  const err = new Error(p.message);
  err.name = p.name;
  return err;
}

// A chunk: many functions in one buffer, and their outputs in one buffer
// back. One message and one transferred buffer each way per chunk, not per
// function: on small functions, a message and its per-function typed arrays
// cost more than allocating the function.

/** Functions packed into one Int32Array: [n, env × n, start × (n + 1), packed functions]. */
export function packFunctionChunk(
  funcs: readonly Function[],
  envs: ArrayLike<number>,
  plans: readonly PackingPlan[] = funcs.map((f) => planPacking(f)),
): Int32Array {
  const n = funcs.length;
  // Measured first (`plans`), then each written in place: no per-function array to copy.
  let size = 1 + n + n + 1;
  for (const p of plans) size += p.size;
  const d = new Int32Array(size);
  d[0] = n;
  let at = 1 + n + n + 1;
  for (let k = 0; k < n; k++) {
    d[1 + k] = envs[k]!;
    d[1 + n + k] = at;
    writePacked(funcs[k]!, plans[k]!, d.subarray(at, at + plans[k]!.size));
    at += plans[k]!.size;
  }
  d[1 + n + n] = at;
  return d;
}

/** The number of functions in a chunk. */
export function chunkLength(d: Int32Array): number {
  return d[0]!;
}

/** Function `k` of a chunk and the index of its env. */
export function chunkFunction(d: Int32Array, k: number): { func: PackedFunction; env: number } {
  const n = d[0]!;
  return { func: new PackedFunction(d.subarray(d[1 + n + k]!, d[1 + n + k + 1]!)), env: d[1 + k]! };
}

/** The outputs (or errors) of a chunk's functions, in order. */
export interface PackedOutputChunk {
  /** Per function: [ok 1 / failed 0, spill slots, #allocs, #offsets, #edit ints, #debug ints], then those arrays. */
  ints: Int32Array;
  /** Per function, its STATS_FIELDS (zeros for a failed one). */
  stats: Float64Array;
  /** The errors, by function index within the chunk. */
  errors: (PackedError | null)[];
}

const RECORD_HEADER = 6;

/** Collects a chunk's outputs into one growing buffer. */
export class OutputChunkWriter {
  private ints = new Int32Array(1024);
  private length = 0;
  private readonly stats: Float64Array;
  private readonly errors: (PackedError | null)[] = [];
  private count = 0;

  constructor(private readonly n: number) {
    this.stats = new Float64Array(n * STATS_FIELDS.length);
  }

  private room(extra: number): void {
    if (this.length + extra <= this.ints.length) return;
    const grown = new Int32Array(Math.max(this.length + extra, this.ints.length * 2));
    grown.set(this.ints.subarray(0, this.length));
    this.ints = grown;
  }

  addOutput(out: Output): void {
    const edits = out.packedEdits;
    const numEditInts = edits === undefined ? out.edits.length * 3 : edits.length;
    const numDebugInts = out.debugLocations.length * 4;
    this.room(RECORD_HEADER + out.allocs.length + out.instAllocOffsets.length + numEditInts + numDebugInts);
    const d = this.ints;
    let at = this.length;
    d[at++] = 1;
    d[at++] = out.numSpillslots;
    d[at++] = out.allocs.length;
    d[at++] = out.instAllocOffsets.length;
    d[at++] = numEditInts;
    d[at++] = numDebugInts;
    d.set(out.allocs, at);
    at += out.allocs.length;
    for (let k = 0; k < out.instAllocOffsets.length; k++) d[at++] = out.instAllocOffsets[k]! | 0;
    if (edits !== undefined) {
      d.set(edits, at);
      at += edits.length;
    } else {
      for (const e of out.edits) {
        d[at++] = e.point;
        d[at++] = e.from;
        d[at++] = e.to;
      }
    }
    for (const l of out.debugLocations) {
      d[at++] = l[0];
      d[at++] = l[1];
      d[at++] = l[2];
      d[at++] = l[3];
    }
    this.length = at;
    const base = this.count * STATS_FIELDS.length;
    for (let k = 0; k < STATS_FIELDS.length; k++) this.stats[base + k] = out.stats[STATS_FIELDS[k]!];
    this.errors.push(null);
    this.count++;
  }

  addError(e: unknown): void {
    this.room(RECORD_HEADER);
    this.ints.fill(0, this.length, this.length + RECORD_HEADER);
    this.length += RECORD_HEADER;
    this.errors.push(packError(e));
    this.count++;
  }

  /** The chunk's outputs; the buffers are the caller's to transfer. */
  finish(): PackedOutputChunk {
    if (this.count !== this.n) throw new Error(`an output chunk holds ${this.count} results, expected ${this.n}`);
    return { ints: this.ints.slice(0, this.length), stats: this.stats, errors: this.errors };
  }
}

/** The outputs of a chunk back as Outputs (views of its buffer) or Errors, in order. */
export function unpackOutputChunk(chunk: PackedOutputChunk): (Output | Error)[] {
  const d = chunk.ints;
  const words = new Uint32Array(d.buffer, d.byteOffset, d.length);
  const out: (Output | Error)[] = [];
  let at = 0;
  for (let k = 0; k < chunk.errors.length; k++) {
    const error = chunk.errors[k];
    if (error) {
      out.push(unpackError(error));
      at += RECORD_HEADER;
      continue;
    }
    const numSpillslots = d[at + 1]!;
    const numAllocs = d[at + 2]!;
    const numOffsets = d[at + 3]!;
    const numEdits = d[at + 4]!;
    const numDebug = d[at + 5]!;
    at += RECORD_HEADER;
    const allocs = d.subarray(at, (at += numAllocs));
    const instAllocOffsets = words.subarray(at, (at += numOffsets));
    const packedEdits = d.subarray(at, (at += numEdits));
    const debugLocations: DebugLocation[] = [];
    for (let j = 0; j < numDebug; j += 4, at += 4) debugLocations.push([d[at]!, d[at + 1]!, d[at + 2]!, d[at + 3]!]);
    const stats: Stats = emptyStats();
    const base = k * STATS_FIELDS.length;
    for (let f = 0; f < STATS_FIELDS.length; f++) stats[STATS_FIELDS[f]!] = chunk.stats[base + f]!;
    out.push(outputWithPackedEdits({ numSpillslots, allocs, instAllocOffsets, debugLocations, stats }, packedEdits));
  }
  return out;
}
