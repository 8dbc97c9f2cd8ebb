// Reader and writer for the corpus format `regalloc-func/1` (FORMAT.md): a
// function, its machine env and the reference allocators' results. A malformed
// file raises a `Format` RegAllocError naming the JSON path of the problem.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Allocation, ProgPoint } from '../model/allocation.js';
import { allocToString, pointToString } from '../model/allocation.js';
import { RegAllocError } from '../model/errors.js';
import {
  type DebugLocation,
  type Edit,
  instAllocs,
  type MachineEnv,
  type Output,
  STATS_FIELDS,
  type Stats,
} from '../model/function.js';
import { type Operand, operandToString } from '../model/operand.js';
import { type PReg, PRegSet, pregToString, REG_CLASS_SUFFIX, type VReg, vregToString } from '../model/regs.js';
import { type BlockData, InMemoryFunction, type InstData, type InstKind } from '../func/in_memory.js';
import { parseAllocation, parseOperand, parsePReg, parseProgPoint, parseVReg } from './atoms.js';

/** The format tag this module reads and writes (the files' `format` field). */
export const CORPUS_FORMAT = 'regalloc-func/1';

/** A reference allocator's result on one function (FORMAT.md's RESULT). */
export interface ResultRecord {
  /** Whether the allocator succeeded (FORMAT.md's `ok`). */
  ok: boolean;
  /** The allocator's error (regalloc2's Debug form, or `panic`) when `ok` is false. */
  error: string | null;
  /** The output; empty (no instructions) when `ok` is false. */
  output: Output;
  /** The stats object, or null for a failed allocation. */
  stats: Stats | null;
  /** The checker's verdict: `ok`, `n/a`, or its error text. */
  checker: string;
  /** Median wall time of one allocation call, in nanoseconds (`time_ns`); absent when not measured. */
  timeNs?: number;
}

/** One corpus file: a function, its machine env and the reference results on it. */
export interface CorpusFile {
  /** The function's name, e.g. `fuzz-ion-00042` (empty when the file has none). */
  name: string;
  /** Where the function came from, in words (empty when the file does not say). */
  origin: string;
  /** For files in `invalid/`: what is wrong. */
  defect?: string;
  /** The function. */
  func: InMemoryFunction;
  /** The machine env it is allocated under. */
  env: MachineEnv;
  /** regalloc2's results on the function, by allocator (each absent when the file has none). */
  reference: {
    /** Ion's result. */
    ion?: ResultRecord;
    /** Fastalloc's result. */
    fastalloc?: ResultRecord;
  };
}

// ---------------------------------------------------------------- reading

/** Reads a `.json` or gzip-compressed `.json.gz` corpus file. */
export function readCorpusFile(path: string): CorpusFile {
  let buf = readFileSync(path);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new RegAllocError('Format', `${path}: not valid gzip data (${(e as Error).message})`, {
        path: '$',
      });
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new RegAllocError('Format', `${path}: not valid JSON (${(e as Error).message})`, {
      path: '$',
    });
  }
  return parseCorpus(json);
}

function formatError(path: string, what: string): RegAllocError {
  return new RegAllocError('Format', `${path}: ${what}`, { path });
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x);
  return typeof x === 'object' ? 'an object' : `${typeof x} ${String(x)}`;
}

function obj(x: unknown, path: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    throw formatError(path, `expected an object, found ${describe(x)}`);
  }
  return x as Record<string, unknown>;
}
function arr(x: unknown, path: string): unknown[] {
  if (!Array.isArray(x)) throw formatError(path, `expected an array, found ${describe(x)}`);
  return x;
}
function str(x: unknown, path: string): string {
  if (typeof x !== 'string') throw formatError(path, `expected a string, found ${describe(x)}`);
  return x;
}
function bool(x: unknown, path: string): boolean {
  if (typeof x !== 'boolean') throw formatError(path, `expected a boolean, found ${describe(x)}`);
  return x;
}
function uint(x: unknown, path: string, max = 0x7fffffff): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max) {
    throw formatError(path, `expected an integer in 0..${max}, found ${describe(x)}`);
  }
  return x;
}
function field(o: Record<string, unknown>, key: string, path: string): unknown {
  if (!(key in o)) throw formatError(`${path}.${key}`, 'missing field');
  return o[key];
}

function pregAt(x: unknown, path: string): PReg {
  const p = parsePReg(str(x, path));
  if (p === undefined) throw formatError(path, `not a physical register: ${describe(x)}`);
  return p;
}
function vregAt(x: unknown, path: string): VReg {
  const s = str(x, path);
  const v = parseVReg(s);
  if (v === undefined) {
    if (/^v\d+[ifv]$/.test(s)) {
      throw new RegAllocError('VRegOutOfRange', `${path}: vreg ${s} cannot be represented`, { path });
    }
    throw formatError(path, `not a virtual register: ${describe(x)}`);
  }
  return v;
}
function allocAt(x: unknown, path: string): Allocation {
  const a = parseAllocation(str(x, path));
  if (a === undefined) throw formatError(path, `not an allocation: ${describe(x)}`);
  return a;
}
function pointAt(x: unknown, path: string): ProgPoint {
  const p = parseProgPoint(str(x, path));
  if (p === undefined) throw formatError(path, `not a program point: ${describe(x)}`);
  return p;
}

function operandAt(x: unknown, path: string, inst: number, operand: number): Operand {
  const s = str(x, path);
  const r = parseOperand(s);
  if (typeof r === 'number') return r;
  const place = { inst, operand, path };
  switch (r.problem) {
    case 'syntax':
      throw formatError(path, `not an operand: ${describe(s)}`);
    case 'vreg':
      throw new RegAllocError(
        'VRegOutOfRange',
        `inst ${inst} operand ${operand} (${s}): vreg index cannot be represented`,
        place,
      );
    case 'fixed-class':
      throw new RegAllocError(
        'InvalidFixedReg',
        `inst ${inst} operand ${operand} (${s}): fixed register ${pregToString(r.preg)} is not of the class of ${vregToString(r.vreg)}`,
        { ...place, vreg: r.vreg },
      );
    case 'reuse':
      throw new RegAllocError(
        'InvalidReuse',
        `inst ${inst} operand ${operand} (${s}): reuse index ${r.index} is out of range`,
        { ...place, vreg: r.vreg },
      );
    case 'limit':
      throw new RegAllocError(
        'InvalidLimit',
        `inst ${inst} operand ${operand} (${s}): limit(${r.n}) is not a power of two in 1..32768`,
        { ...place, vreg: r.vreg },
      );
  }
}

function pregsByClass(x: unknown, path: string): [PRegSet, PRegSet, PRegSet] {
  const o = obj(x, path);
  const sets: [PRegSet, PRegSet, PRegSet] = [new PRegSet(), new PRegSet(), new PRegSet()];
  REG_CLASS_SUFFIX.forEach((c, cls) => {
    const list = arr(field(o, c, path), `${path}.${c}`);
    list.forEach((r, i) => {
      const p = pregAt(r, `${path}.${c}[${i}]`);
      if (p >> 6 !== cls) throw formatError(`${path}.${c}[${i}]`, `register of another class`);
      sets[cls]!.add(p);
    });
  });
  return sets;
}

/** Parses a machine env from its corpus JSON form; `path` is the JSON path named in errors. */
export function parseEnv(x: unknown, path = '$.env'): MachineEnv {
  const o = obj(x, path);
  const preferred = pregsByClass(field(o, 'preferred', path), `${path}.preferred`);
  const nonPreferred = pregsByClass(field(o, 'non_preferred', path), `${path}.non_preferred`);
  const so = obj(field(o, 'scratch', path), `${path}.scratch`);
  const scratch = REG_CLASS_SUFFIX.map((c, cls) => {
    const v = field(so, c, `${path}.scratch`);
    if (v === null) return null;
    const p = pregAt(v, `${path}.scratch.${c}`);
    if (p >> 6 !== cls) throw formatError(`${path}.scratch.${c}`, 'register of another class');
    return p;
  }) as [PReg | null, PReg | null, PReg | null];
  const fixed = arr(field(o, 'fixed_stack_slots', path), `${path}.fixed_stack_slots`).map((r, i) =>
    pregAt(r, `${path}.fixed_stack_slots[${i}]`),
  );
  return {
    preferredRegsByClass: preferred,
    nonPreferredRegsByClass: nonPreferred,
    scratchByClass: scratch,
    fixedStackSlots: fixed,
  };
}

const INST_KINDS: readonly string[] = ['op', 'branch', 'ret'];

/** Parses a function (and its env) from the corpus JSON form. */
export function parseFunction(x: unknown): {
  /** The function. */
  func: InMemoryFunction;
  /** Its machine env. */
  env: MachineEnv;
} {
  const o = obj(x, '$');
  if ('format' in o && o.format !== CORPUS_FORMAT) {
    throw formatError('$.format', `expected "${CORPUS_FORMAT}", found ${describe(o.format)}`);
  }
  const env = parseEnv(field(o, 'env', '$'));
  const entry = uint(field(o, 'entry', '$'), '$.entry');
  const numVregs = uint(field(o, 'num_vregs', '$'), '$.num_vregs');
  const blocks: BlockData[] = arr(field(o, 'blocks', '$'), '$.blocks').map((bx, b) => {
    const p = `$.blocks[${b}]`;
    const bo = obj(bx, p);
    const range = arr(field(bo, 'insts', p), `${p}.insts`);
    if (range.length !== 2) throw formatError(`${p}.insts`, 'expected [first, end]');
    const blockList = (key: string) =>
      arr(field(bo, key, p), `${p}.${key}`).map((v, i) => uint(v, `${p}.${key}[${i}]`));
    return {
      first: uint(range[0], `${p}.insts[0]`),
      end: uint(range[1], `${p}.insts[1]`),
      preds: blockList('preds'),
      succs: blockList('succs'),
      params: arr(field(bo, 'params', p), `${p}.params`).map((v, i) => vregAt(v, `${p}.params[${i}]`)),
      branchArgs: arr(field(bo, 'branch_args', p), `${p}.branch_args`).map((l, k) =>
        arr(l, `${p}.branch_args[${k}]`).map((v, i) => vregAt(v, `${p}.branch_args[${k}][${i}]`)),
      ),
    };
  });
  const insts: InstData[] = arr(field(o, 'insts', '$'), '$.insts').map((ix, i) => {
    const p = `$.insts[${i}]`;
    const io = obj(ix, p);
    const op = str(field(io, 'op', p), `${p}.op`);
    if (!INST_KINDS.includes(op)) {
      throw formatError(`${p}.op`, `expected "op", "branch" or "ret", found ${describe(op)}`);
    }
    const operands = arr(field(io, 'operands', p), `${p}.operands`).map((s, k) =>
      operandAt(s, `${p}.operands[${k}]`, i, k),
    );
    const clobberList = arr(field(io, 'clobbers', p), `${p}.clobbers`).map((r, k) =>
      pregAt(r, `${p}.clobbers[${k}]`),
    );
    const clobbers = PRegSet.of(clobberList);
    const sorted = clobbers.toArray();
    const inOrder = sorted.length === clobberList.length && sorted.every((r, k) => r === clobberList[k]);
    return inOrder ? { op: op as InstKind, operands, clobbers } : { op: op as InstKind, operands, clobbers, clobberList };
  });
  const sso = obj(field(o, 'spillslot_size', '$'), '$.spillslot_size');
  const spillslotSize = REG_CLASS_SUFFIX.map((c) =>
    uint(field(sso, c, '$.spillslot_size'), `$.spillslot_size.${c}`, 1 << 16),
  ) as [number, number, number];
  const labels = arr(field(o, 'debug_value_labels', '$'), '$.debug_value_labels').map((lx, i) => {
    const p = `$.debug_value_labels[${i}]`;
    const l = arr(lx, p);
    if (l.length !== 4) throw formatError(p, 'expected [vreg, from, to, label]');
    return [vregAt(l[0], `${p}[0]`), uint(l[1], `${p}[1]`), uint(l[2], `${p}[2]`), uint(l[3], `${p}[3]`, 0xffffffff)] as const;
  });
  const func = new InMemoryFunction({
    entry,
    numVregs,
    blocks,
    insts,
    spillslotSize,
    multiSpillslotNamedByLastSlot: bool(
      field(o, 'multi_spillslot_named_by_last_slot', '$'),
      '$.multi_spillslot_named_by_last_slot',
    ),
    allowMultipleVregDefs: bool(field(o, 'allow_multiple_vreg_defs', '$'), '$.allow_multiple_vreg_defs'),
    debugValueLabels: labels,
  });
  return { func, env };
}

/** Parses a RESULT object. */
export function parseResult(x: unknown, path: string): ResultRecord {
  const o = obj(x, path);
  const ok = bool(field(o, 'ok', path), `${path}.ok`);
  const errorX = field(o, 'error', path);
  const error = errorX === null ? null : str(errorX, `${path}.error`);
  const allocs: Allocation[] = [];
  const instAllocOffsets: number[] = [];
  arr(field(o, 'allocs', path), `${path}.allocs`).forEach((lx, i) => {
    instAllocOffsets.push(allocs.length);
    arr(lx, `${path}.allocs[${i}]`).forEach((a, k) => allocs.push(allocAt(a, `${path}.allocs[${i}][${k}]`)));
  });
  const edits: Edit[] = arr(field(o, 'edits', path), `${path}.edits`).map((ex, i) => {
    const p = `${path}.edits[${i}]`;
    const e = arr(ex, p);
    if (e.length !== 3) throw formatError(p, 'expected [point, from, to]');
    return { point: pointAt(e[0], `${p}[0]`), from: allocAt(e[1], `${p}[1]`), to: allocAt(e[2], `${p}[2]`) };
  });
  const debugLocations: DebugLocation[] = arr(field(o, 'debug_locations', path), `${path}.debug_locations`).map(
    (dx, i) => {
      const p = `${path}.debug_locations[${i}]`;
      const d = arr(dx, p);
      if (d.length !== 4) throw formatError(p, 'expected [label, from, to, allocation]');
      return [uint(d[0], `${p}[0]`, 0xffffffff), pointAt(d[1], `${p}[1]`), pointAt(d[2], `${p}[2]`), allocAt(d[3], `${p}[3]`)] as const;
    },
  );
  const statsX = field(o, 'stats', path);
  let stats: Stats | null = null;
  if (statsX !== null) {
    const so = obj(statsX, `${path}.stats`);
    stats = {} as Stats;
    for (const f of STATS_FIELDS) stats[f] = uint(field(so, f, `${path}.stats`), `${path}.stats.${f}`, Number.MAX_SAFE_INTEGER);
  }
  const numSpillslots = uint(field(o, 'num_spillslots', path), `${path}.num_spillslots`);
  const rec: ResultRecord = {
    ok,
    error,
    output: {
      numSpillslots,
      edits,
      allocs: Int32Array.from(allocs),
      instAllocOffsets: Uint32Array.from(instAllocOffsets),
      debugLocations,
      stats: stats ?? ({} as Stats),
    },
    stats,
    checker: str(field(o, 'checker', path), `${path}.checker`),
  };
  if ('time_ns' in o) rec.timeNs = uint(o.time_ns, `${path}.time_ns`, Number.MAX_SAFE_INTEGER);
  return rec;
}

/** Parses a whole corpus file's JSON. */
export function parseCorpus(x: unknown): CorpusFile {
  const o = obj(x, '$');
  const { func, env } = parseFunction(o);
  const file: CorpusFile = {
    name: 'name' in o ? str(o.name, '$.name') : '',
    origin: 'origin' in o ? str(o.origin, '$.origin') : '',
    func,
    env,
    reference: {},
  };
  if ('defect' in o) file.defect = str(o.defect, '$.defect');
  if ('reference' in o) {
    const r = obj(o.reference, '$.reference');
    if ('ion' in r) file.reference.ion = parseResult(r.ion, '$.reference.ion');
    if ('fastalloc' in r) file.reference.fastalloc = parseResult(r.fastalloc, '$.reference.fastalloc');
  }
  return file;
}

// ---------------------------------------------------------------- writing

function classMap<T>(f: (cls: 0 | 1 | 2) => T): Record<string, T> {
  return { i: f(0), f: f(1), v: f(2) };
}

/** A machine env in its corpus JSON form (FORMAT.md's `env`). */
export function envToJson(env: MachineEnv): unknown {
  return {
    fixed_stack_slots: env.fixedStackSlots.map((x) => pregToString(x)),
    non_preferred: classMap((c) => env.nonPreferredRegsByClass[c].toArray().map((x) => pregToString(x))),
    preferred: classMap((c) => env.preferredRegsByClass[c].toArray().map((x) => pregToString(x))),
    scratch: classMap((c) => {
      const s = env.scratchByClass[c];
      return s === null ? null : pregToString(s);
    }),
  };
}

/** A function and its env in the corpus JSON form, with the `format` tag (no name, origin or reference). */
export function functionToJson(func: InMemoryFunction, env: MachineEnv): Record<string, unknown> {
  const d = func.data;
  return {
    allow_multiple_vreg_defs: d.allowMultipleVregDefs,
    blocks: d.blocks.map((b) => ({
      branch_args: b.branchArgs.map((l) => l.map(vregToString)),
      insts: [b.first, b.end],
      params: b.params.map(vregToString),
      preds: [...b.preds],
      succs: [...b.succs],
    })),
    debug_value_labels: d.debugValueLabels.map(([v, from, to, label]) => [vregToString(v), from, to, label]),
    entry: d.entry,
    env: envToJson(env),
    format: CORPUS_FORMAT,
    insts: d.insts.map((i) => ({
      clobbers: (i.clobberList ?? i.clobbers.toArray()).map((x) => pregToString(x)),
      op: i.op,
      operands: i.operands.map((x) => operandToString(x)),
    })),
    multi_spillslot_named_by_last_slot: d.multiSpillslotNamedByLastSlot,
    num_vregs: d.numVregs,
    spillslot_size: classMap((c) => d.spillslotSize[c]),
  };
}

/** The per-instruction allocation lists of an output. */
export function allocsByInst(out: Output): string[][] {
  const lists: string[][] = [];
  for (let i = 0; i < out.instAllocOffsets.length; i++) lists.push(instAllocs(out, i).map((x) => allocToString(x)));
  return lists;
}

/** A result record in its corpus JSON form (FORMAT.md's RESULT). */
export function resultToJson(r: ResultRecord): Record<string, unknown> {
  const out = r.output;
  const j: Record<string, unknown> = {
    allocs: allocsByInst(out),
    checker: r.checker,
    debug_locations: out.debugLocations.map(([label, from, to, a]) => [
      label,
      pointToString(from),
      pointToString(to),
      allocToString(a),
    ]),
    edits: out.edits.map((e) => [pointToString(e.point), allocToString(e.from), allocToString(e.to)]),
    error: r.error,
    num_spillslots: out.numSpillslots,
    ok: r.ok,
    stats: r.stats,
  };
  if (r.timeNs !== undefined) j.time_ns = r.timeNs;
  return j;
}

/** A successful allocation as a RESULT record. */
export function outputRecord(out: Output, checker: string, timeNs?: number): ResultRecord {
  const rec: ResultRecord = { ok: true, error: null, output: out, stats: out.stats, checker };
  if (timeNs !== undefined) rec.timeNs = timeNs;
  return rec;
}

/** A corpus file as JSON, equal to what it was read from. */
export function corpusToJson(file: CorpusFile): Record<string, unknown> {
  const j: Record<string, unknown> = functionToJson(file.func, file.env);
  if (file.defect !== undefined) j.defect = file.defect;
  j.name = file.name;
  j.origin = file.origin;
  const ref: Record<string, unknown> = {};
  if (file.reference.fastalloc) ref.fastalloc = resultToJson(file.reference.fastalloc);
  if (file.reference.ion) ref.ion = resultToJson(file.reference.ion);
  j.reference = ref;
  return j;
}
