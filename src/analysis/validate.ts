// Input validation: everything an allocator relies on, checked up front so
// that bad input gets a typed error naming its place instead of a crash or a
// silently wrong allocation. Order: env, block structure, operands, CFG rules
// (critical edges, branch args), then SSA — the last two as regalloc2 does.

import { RegAllocError } from '../model/errors.js';
import type { Function, MachineEnv } from '../model/function.js';
import {
  ConstraintKind,
  type Operand,
  operandClass,
  operandConstraintKind,
  operandFixedReg,
  operandIsDef,
  operandIsFixedNonAllocatable,
  operandIsUse,
  operandLimit,
  operandPos,
  OperandPos,
  operandReuseIndex,
  operandToString,
  operandVReg,
  operandVRegIndex,
  constraintToString,
} from '../model/operand.js';
import {
  NUM_REG_CLASSES,
  PRegSet,
  pregToString,
  REG_CLASS_NAME,
  type RegClass,
  type VReg,
  vreg,
  VREG_MAX_INDEX,
  vregClass,
  vregIndex,
  vregToString,
} from '../model/regs.js';
import { CFGInfo } from './cfg.js';
import { validateSsa } from './ssa.js';
import { ScratchTables } from '../util/int_buffers.js';
import { describeValue } from '../util/describe.js';

/** regalloc2 numbers operands with 16 bits. */
export const MAX_OPERANDS_PER_INST = 0xffff;

/** Registers the allocator may hand out, per class. */
function allocatable(env: MachineEnv): PRegSet {
  const s = new PRegSet();
  for (let c = 0; c < NUM_REG_CLASSES; c++) {
    s.unionFrom(env.preferredRegsByClass[c]!).unionFrom(env.nonPreferredRegsByClass[c]!);
  }
  return s;
}

function envError(message: string): RegAllocError {
  return new RegAllocError('InvalidEnv', `env: ${message}`);
}

/** True for a register set this library can read: eight 32-bit words, nothing in the unused class 3. */
function isRegSet(x: unknown): x is PRegSet {
  const bits = (x as PRegSet | null)?.bits;
  return bits instanceof Uint32Array && bits.length === 8 && bits[6] === 0 && bits[7] === 0 && typeof (x as PRegSet).clone === 'function';
}

function isPReg(p: unknown): p is number {
  return Number.isInteger(p) && (p as number) >= 0 && (p as number) < NUM_REG_CLASSES << 6;
}

/** What operand validation derives from a valid env. */
class EnvFacts {
  /** The allocatable registers. */
  readonly alloc: PRegSet;
  /** The registers a fixed-register operand may name: allocatable ones and fixed stack slots. */
  readonly fixedOk: PRegSet;
  /** Per class: whether any register is allocatable. */
  readonly hasClass: boolean[] = [false, false, false];
  /** Lowest allocatable hw_enc per class, for limit(n) (64: none). */
  readonly lowest: number[] = [64, 64, 64];

  /** The facts of `env`, whose allocatable registers `alloc` are (as `checkEnv` returns them). */
  constructor(env: MachineEnv, alloc: PRegSet) {
    this.alloc = alloc;
    this.fixedOk = this.alloc.clone();
    for (const p of env.fixedStackSlots) this.fixedOk.add(p);
    // Class c's registers are words 2c (hw_enc 0-31) and 2c + 1 (32-63).
    const bits = this.alloc.bits;
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      const lo = bits[2 * c]!;
      const hi = bits[2 * c + 1]!;
      this.hasClass[c] = (lo | hi) !== 0;
      if (lo !== 0) this.lowest[c] = 31 - Math.clz32(lo & -lo);
      else if (hi !== 0) this.lowest[c] = 32 + 31 - Math.clz32(hi & -hi);
    }
  }
}

/**
 * An env `validateEnv` passed, and everything its verdict read: the
 * identities of its lists, sets and their words, and every value in them. A
 * compiler hands the same env to every function, and validating it again
 * (about a microsecond) was a fifth of Fastalloc's time on a small function.
 * Unchanged, it needs no second look; changed in any way (a set's bits
 * written, a list replaced or pushed to), it is validated again.
 */
class ValidEnv {
  env: MachineEnv | null = null;
  /** The lists and sets read, in reading order (identities). */
  private readonly objects: unknown[] = [];
  /** The six sets' words. */
  private readonly words = new Uint32Array(2 * NUM_REG_CLASSES * 8);
  /** The two register lists' lengths and entries (null as -1). */
  private readonly entries: number[] = [];
  /** The facts of the recorded env. */
  facts: EnvFacts | null = null;

  /**
   * True when `env` is the recorded env and holds what it held then. The
   * comparison stops at the first difference, so it reads only objects that
   * are the ones validated (no read can throw, however `env` was changed).
   */
  holds(env: MachineEnv): boolean {
    if (env !== this.env) return false;
    const objects = this.objects;
    let o = 0;
    let w = 0;
    for (let field = 0; field < 2; field++) {
      const sets = field === 0 ? env.preferredRegsByClass : env.nonPreferredRegsByClass;
      if (sets !== objects[o++] || sets.length !== NUM_REG_CLASSES) return false;
      for (let c = 0; c < NUM_REG_CLASSES; c++) {
        const set = sets[c]!;
        if (set !== objects[o++] || set.clone !== objects[o++] || set.bits !== objects[o++]) return false;
        for (let k = 0; k < 8; k++) if (set.bits[k] !== this.words[w++]) return false;
      }
    }
    const entries = this.entries;
    let e = 0;
    for (let field = 0; field < 2; field++) {
      const list: readonly (number | null)[] = field === 0 ? env.scratchByClass : env.fixedStackSlots;
      if (list !== objects[o++] || list.length !== entries[e++]) return false;
      for (let k = 0; k < list.length; k++) if ((list[k] ?? -1) !== entries[e++]) return false;
    }
    return true;
  }

  /** Remembers `env`, just validated. */
  record(env: MachineEnv, facts: EnvFacts): void {
    this.env = env;
    const objects = this.objects;
    const entries = this.entries;
    objects.length = 0;
    entries.length = 0;
    let w = 0;
    for (const sets of [env.preferredRegsByClass, env.nonPreferredRegsByClass]) {
      objects.push(sets);
      for (const set of sets) {
        objects.push(set, set.clone, set.bits);
        for (let k = 0; k < 8; k++) this.words[w++] = set.bits[k]!;
      }
    }
    for (const list of [env.scratchByClass, env.fixedStackSlots] as (readonly (number | null)[])[]) {
      objects.push(list);
      entries.push(list.length);
      for (const p of list) entries.push(p ?? -1);
    }
    this.facts = facts;
  }
}

/** Envs validated and unchanged since, up to four (a compiler targeting a few machines), replaced in turn. */
const validEnvs: ValidEnv[] = [new ValidEnv(), new ValidEnv(), new ValidEnv(), new ValidEnv()];
let nextValidEnv = 0;
/**
 * Envs validated once and not recorded: recording costs more than it saves
 * for an env passed only once (a caller that makes one per function), so an
 * env is recorded the second time it is validated.
 */
const seenBefore = new WeakSet<MachineEnv>();

/** The entry recording `env`, if one does (whether or not `env` has changed since). */
function entryOf(env: MachineEnv): ValidEnv | undefined {
  for (let k = 0; k < validEnvs.length; k++) if (validEnvs[k]!.env === env) return validEnvs[k];
  return undefined;
}

/** Validates `env` (see `validateEnv`) and returns what operand checks need of it. */
function validEnvFacts(env: MachineEnv): EnvFacts {
  let entry = entryOf(env);
  if (entry !== undefined && entry.holds(env)) return entry.facts!;
  const facts = new EnvFacts(env, checkEnv(env));
  if (!seenBefore.has(env)) {
    seenBefore.add(env);
    return facts;
  }
  // Seen before: record it, in its own entry if it has one (it changed), else the next in turn.
  if (entry === undefined) {
    entry = validEnvs[nextValidEnv]!;
    nextValidEnv = (nextValidEnv + 1) % validEnvs.length;
  }
  entry.record(env, facts);
  return facts;
}

/** The env's shape (register sets where sets belong, registers in range), then its consistency. */
export function validateEnv(env: MachineEnv): void {
  validEnvFacts(env);
}

/** Throws the env's first problem; returns its allocatable registers. */
function checkEnv(env: MachineEnv): PRegSet {
  if (env === null || typeof env !== 'object') throw envError(`expected a MachineEnv object, got ${describe(env)}`);
  for (let field = 0; field < 2; field++) {
    const name = field === 0 ? 'preferredRegsByClass' : 'nonPreferredRegsByClass';
    const sets = (field === 0 ? env.preferredRegsByClass : env.nonPreferredRegsByClass) as unknown;
    if (!Array.isArray(sets) || sets.length !== NUM_REG_CLASSES) {
      throw envError(`${name} must be an array of ${NUM_REG_CLASSES} PRegSets (int, float, vector), got ${describe(sets)}`);
    }
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      if (!isRegSet(sets[c])) throw envError(`${name}[${c}] must be a PRegSet (e.g. PRegSet.of([...])), got ${describe(sets[c])}`);
    }
  }
  const scratch = env.scratchByClass as unknown;
  if (!Array.isArray(scratch) || scratch.length !== NUM_REG_CLASSES) {
    throw envError(`scratchByClass must be an array of ${NUM_REG_CLASSES} registers or nulls, got ${describe(scratch)}`);
  }
  for (let c = 0; c < NUM_REG_CLASSES; c++) {
    const p: unknown = scratch[c];
    if (p !== null && !isPReg(p)) throw envError(`scratchByClass[${c}] must be a PReg or null, got ${describe(p)}`);
  }
  const slots = env.fixedStackSlots as unknown;
  if (!Array.isArray(slots)) throw envError(`fixedStackSlots must be an array of PRegs, got ${describe(slots)}`);
  for (let k = 0; k < slots.length; k++) {
    const p: unknown = slots[k];
    if (!isPReg(p)) throw envError(`fixedStackSlots[${k}] must be a PReg, got ${describe(p)}`);
  }
  // A class's registers are the set's words 2c and 2c + 1 (64 per class).
  for (let c = 0; c < NUM_REG_CLASSES; c++) {
    const preferred = env.preferredRegsByClass[c]!;
    const other = env.nonPreferredRegsByClass[c]!;
    for (const set of [preferred, other]) {
      for (let w = 0; w < 8; w++) {
        if (w >> 1 !== c && set.bits[w] !== 0) {
          const p = set.nextFrom(32 * w);
          throw envError(`${pregToString(p)} is listed under another class`);
        }
      }
    }
    for (let w = 0; w < 8; w++) {
      if ((preferred.bits[w]! & other.bits[w]!) !== 0) {
        throw envError(`${preferred.clone().intersectFrom(other)} are both preferred and non-preferred`);
      }
    }
  }
  const alloc = allocatable(env);
  for (let c = 0; c < NUM_REG_CLASSES; c++) {
    const s = env.scratchByClass[c]!;
    if (s === null) continue;
    if (s >> 6 !== c) throw envError(`scratch ${pregToString(s)} is of another class`);
    if (alloc.contains(s)) throw envError(`scratch register ${pregToString(s)} is also allocatable`);
    if (env.fixedStackSlots.includes(s)) throw envError(`scratch register ${pregToString(s)} is also a fixed stack slot`);
  }
  for (let k = 0; k < env.fixedStackSlots.length; k++) {
    const p = env.fixedStackSlots[k]!;
    if (alloc.contains(p)) throw envError(`fixed stack slot ${pregToString(p)} is also allocatable`);
  }
  return alloc;
}

/** A short description of a bad value for a message. */
function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === 'object') return `an object (${(x as object).constructor?.name ?? 'no prototype'})`;
  return `${typeof x} ${String(x)}`;
}

function structureError(message: string, place: { block?: number; inst?: number } = {}): RegAllocError {
  return new RegAllocError('InvalidStructure', message, place);
}

/**
 * `list` when it is an array or a typed array (what a `Function` method
 * returns as a list), else an InvalidStructure error naming the method and
 * where: a `Function` written by hand that returns `undefined` there must not
 * surface as a TypeError.
 */
function checkedList<T>(list: ArrayLike<T>, method: string, block: number, inst = -1): ArrayLike<T> {
  // Operand lists are usually Uint32Arrays, tested first: `ArrayBuffer.isView`
  // is a call optimized code does not inline, made once per instruction.
  if (Array.isArray(list) || list instanceof Uint32Array || (ArrayBuffer.isView(list) && !(list instanceof DataView))) return list;
  const place = inst >= 0 ? { block, inst } : { block };
  throw structureError(`${inst >= 0 ? `block ${block} inst ${inst}` : `block ${block}`}: ${method} returned ${describeValue(list)}, not an array`, place);
}

/**
 * The most instructions a function may have: program points (two per
 * instruction) must fit the allocators' 32-bit signed position columns.
 * (regalloc2's own limit is 2^31 instructions, from its 32-bit `ProgPoint`.)
 */
export const MAX_INSTS = 1 << 30;

/**
 * The largest spill-slot size per class, in slots. regalloc2 sets none (it
 * indexes at most 2^24 slots in all); real targets use 1 to 8, and sizes
 * beyond this only multiply the spill area and the checker's work.
 */
export const MAX_SPILLSLOT_SIZE = 1 << 8;

function isIndex(x: unknown, below: number): x is number {
  return Number.isInteger(x) && (x as number) >= 0 && (x as number) < below;
}

/** Block ranges, edges and counts: what must hold before any analysis runs. */
export function validateStructure(f: Function): void {
  const nb = f.numBlocks();
  const ni = f.numInsts();
  const nv = f.numVregs();
  if (!Number.isInteger(nb) || nb < 1) throw structureError(`the function has no blocks (numBlocks() is ${nb})`);
  if (!Number.isInteger(ni) || ni < 0) throw structureError(`numInsts() is ${ni}, not a count`);
  if (ni > MAX_INSTS) {
    throw new RegAllocError('TooManyInsts', `${ni} instructions exceed the limit of ${MAX_INSTS} (program points must fit 32 bits)`);
  }
  if (!Number.isInteger(nv) || nv < 0) throw structureError(`numVregs() is ${nv}, not a count`);
  if (nv > VREG_MAX_INDEX) {
    throw structureError(`num_vregs ${nv} exceeds the limit ${VREG_MAX_INDEX} (vreg indices have 21 bits, the top one reserved)`);
  }
  const entry = f.entryBlock();
  if (!isIndex(entry, nb)) throw new RegAllocError('BB', `entry block ${entry} does not exist`, { block: entry });
  for (let c = 0; c < NUM_REG_CLASSES; c++) {
    const size = f.spillslotSize(c as RegClass);
    // 0 is allowed for a class no vreg uses (Cranelift gives 0 for classes it never spills); see validateOperands.
    if (!Number.isInteger(size) || size < 0 || size > MAX_SPILLSLOT_SIZE || (size & (size - 1)) !== 0) {
      throw new RegAllocError(
        'InvalidSpillslotSize',
        `the spill-slot size of class ${REG_CLASS_NAME[c]} is ${size}: it must be a power of two from 1 to ${MAX_SPILLSLOT_SIZE}`,
      );
    }
  }
  let expect = 0;
  for (let b = 0; b < nb; b++) {
    const r = f.blockInsns(b);
    if (r === null || typeof r !== 'object' || !Number.isInteger(r.first) || !Number.isInteger(r.end)) {
      throw structureError(`block ${b}: its instruction range is not a pair of integers`, { block: b });
    }
    if (r.first !== expect) {
      throw structureError(`block ${b} starts at inst ${r.first}, expected ${expect} (blocks must be consecutive)`, {
        block: b,
      });
    }
    if (r.end <= r.first) throw new RegAllocError('BB', `block ${b} has no instructions`, { block: b });
    if (r.end > ni) throw structureError(`block ${b} ends at inst ${r.end}, past the function's ${ni} instructions`, { block: b });
    expect = r.end;
  }
  if (expect !== ni) throw structureError(`blocks cover ${expect} instructions, the function has ${ni}`);
  // Every edge must be listed once as a successor and once as a predecessor
  // (as multisets), and a block ending in a return has no successors.
  let numSuccEdges = 0;
  let numPredEdges = 0;
  let returnWithSuccs = -1;
  for (let b = 0; b < nb; b++) {
    const succs = checkedList(f.blockSuccs(b), 'blockSuccs', b);
    const preds = checkedList(f.blockPreds(b), 'blockPreds', b);
    for (let k = 0; k < succs.length; k++) {
      if (!isIndex(succs[k], nb)) throw structureError(`block ${b}: successor ${String(succs[k])} does not exist`, { block: b });
    }
    for (let k = 0; k < preds.length; k++) {
      if (!isIndex(preds[k], nb)) throw structureError(`block ${b}: predecessor ${String(preds[k])} does not exist`, { block: b });
    }
    numSuccEdges += succs.length;
    numPredEdges += preds.length;
    if (returnWithSuccs === -1 && succs.length > 0 && f.isRet(f.blockInsns(b).end - 1)) returnWithSuccs = b;
  }
  const tables = edgeTables.borrow(Math.max(nb + 1, numSuccEdges));
  try {
    if (numSuccEdges !== numPredEdges || !edgesAgree(f, nb, tables[0]!, tables[1]!, tables[2]!)) throw edgeMismatch(f, nb);
  } finally {
    edgeTables.giveBack(tables);
  }
  if (returnWithSuccs !== -1) {
    const b = returnWithSuccs;
    const last = f.blockInsns(b).end - 1;
    throw new RegAllocError('BB', `block ${b} ends in a return (inst ${last}) but lists ${f.blockSuccs(b).length} successors`, {
      block: b,
      inst: last,
    });
  }
}

/** Per-block offsets, edge sources and counts for `edgesAgree`. */
const edgeTables = new ScratchTables(3);

/**
 * Whether each block's predecessor list holds, as a multiset, exactly the
 * blocks that list it as a successor (the lists' total lengths being equal
 * and every index valid). Linear: the successor lists are bucketed by target
 * (`start` the offsets, `sources` the buckets), then each bucket is counted
 * up in `count` and the predecessor list counted down, which never goes below
 * zero and so leaves `count` all zeros for the next block.
 */
function edgesAgree(f: Function, nb: number, start: Int32Array, sources: Int32Array, count: Int32Array): boolean {
  start.fill(0, 0, nb + 1);
  for (let b = 0; b < nb; b++) {
    const succs = f.blockSuccs(b);
    for (let k = 0; k < succs.length; k++) start[succs[k]! + 1]++;
  }
  for (let s = 0; s < nb; s++) {
    if (start[s + 1] !== f.blockPreds(s).length) return false;
    start[s + 1] += start[s]!;
  }
  count.fill(0, 0, nb);
  for (let b = 0; b < nb; b++) {
    const succs = f.blockSuccs(b);
    for (let k = 0; k < succs.length; k++) {
      const s = succs[k]!;
      sources[start[s]! + count[s]!++] = b;
    }
  }
  count.fill(0, 0, nb);
  for (let s = 0; s < nb; s++) {
    for (let k = start[s]!; k < start[s + 1]!; k++) count[sources[k]!]++;
    const preds = f.blockPreds(s);
    for (let k = 0; k < preds.length; k++) if (--count[preds[k]!]! < 0) return false;
  }
  return true;
}

/** The error for successor and predecessor lists that disagree: the first differing edge, in sorted order. */
function edgeMismatch(f: Function, nb: number): RegAllocError {
  const key = (from: number, to: number) => from * nb + to;
  const bySuccs: number[] = [];
  const byPreds: number[] = [];
  for (let b = 0; b < nb; b++) {
    const succs = f.blockSuccs(b);
    for (let k = 0; k < succs.length; k++) bySuccs.push(key(b, succs[k]!));
    const preds = f.blockPreds(b);
    for (let k = 0; k < preds.length; k++) byPreds.push(key(preds[k]!, b));
  }
  bySuccs.sort((x, y) => x - y);
  byPreds.sort((x, y) => x - y);
  for (let k = 0; k < Math.max(bySuccs.length, byPreds.length); k++) {
    const s = bySuccs[k] ?? Infinity;
    const p = byPreds[k] ?? Infinity;
    if (s === p) continue;
    const edge = Math.min(s, p);
    const from = Math.floor(edge / nb);
    const to = edge - from * nb;
    return structureError(
      s < p
        ? `block ${from} lists ${to} as a successor ${countOf(f.blockSuccs(from), to)} times, but ${to} lists ${from} as a predecessor ${countOf(f.blockPreds(to), from)} times`
        : `block ${to} lists ${from} as a predecessor ${countOf(f.blockPreds(to), from)} times, but ${from} lists ${to} as a successor ${countOf(f.blockSuccs(from), to)} times`,
      { block: s < p ? from : to },
    );
  }
  return structureError('the successor and predecessor lists changed while being read');
}

function countOf(list: ArrayLike<number>, x: number): number {
  let n = 0;
  for (let k = 0; k < list.length; k++) if (list[k] === x) n++;
  return n;
}

type Place = { block?: number; inst?: number; operand?: number };

const CLASS_UNSEEN = -1;
/** A debug label's block: the one holding its first instruction, looked up only for an error. */
const LABEL_BLOCK = -2;

/** Where a vreg is mentioned; messages are rendered only for an error. */
const enum At {
  Param,
  Operand,
  BranchArg,
  DebugLabel,
}

/** VRegMentions' per-vreg tables: class, and where first seen (kind, block, inst, index). */
const mentionTables = new ScratchTables(5);

/**
 * Checks every vreg mention: an integer, a real class, an index below
 * num_vregs, and one class per index throughout the function. The first
 * mention of each index is kept as numbers, for the message of a mismatch.
 * The tables are borrowed (see `ScratchTables`) and indexed only below
 * num_vregs; call `release` when done.
 */
class VRegMentions {
  private readonly numVregs: number;
  private readonly tables: readonly Int32Array[];
  private readonly classOf: Int32Array;
  private readonly seenAt: Int32Array;
  private readonly seenBlock: Int32Array;
  private readonly seenInst: Int32Array;
  private readonly seenIndex: Int32Array;

  constructor(private readonly f: Function) {
    const nv = f.numVregs();
    this.numVregs = Number.isInteger(nv) && nv >= 0 ? nv : 0;
    this.tables = mentionTables.borrow(this.numVregs);
    [this.classOf, this.seenAt, this.seenBlock, this.seenInst, this.seenIndex] = this.tables as [
      Int32Array,
      Int32Array,
      Int32Array,
      Int32Array,
      Int32Array,
    ];
    // Only the class needs clearing: the others are written before being read.
    this.classOf.fill(CLASS_UNSEEN, 0, this.numVregs);
  }

  /** Gives the tables back. */
  release(): void {
    mentionTables.giveBack(this.tables);
  }

  /** Operand `index` of `inst` in `block` (its encoding checked already): the common case, a vreg seen before with this class, is decided here. */
  checkOperand(op: Operand, block: number, inst: number, index: number): void {
    if (operandIsFixedNonAllocatable(op)) return;
    const idx = operandVRegIndex(op);
    if (idx < this.numVregs && this.classOf[idx] === operandClass(op)) return;
    this.check(operandVReg(op), At.Operand, block, inst, index);
  }

  /** `v` mentioned at `at` in `block` (`inst`, and `index`: the param, operand, arg or label number). */
  check(v: VReg, at: At, block: number, inst: number, index: number): void {
    const f = this.f;
    if (!Number.isInteger(v) || v < 0 || v > VREG_MAX_INDEX * 4 + 3 || (v & 3) === 3) {
      throw new RegAllocError('InvalidOperand', `${this.where(at, block, inst, index)}: ${String(v)} is not a vreg (index * 4 + class 0..2)`, this.place(at, block, inst, index));
    }
    const idx = vregIndex(v);
    if (idx >= this.numVregs) {
      throw new RegAllocError(
        'VRegOutOfRange',
        `${this.where(at, block, inst, index)}: ${vregToString(v)} is not below num_vregs (${f.numVregs()})`,
        { ...this.place(at, block, inst, index), vreg: v },
      );
    }
    const c = this.classOf[idx]!;
    if (c === CLASS_UNSEEN) {
      this.classOf[idx] = vregClass(v);
      this.seenAt[idx] = at;
      this.seenBlock[idx] = block;
      this.seenInst[idx] = inst;
      this.seenIndex[idx] = index;
    } else if (c !== vregClass(v)) {
      const first = this.where(this.seenAt[idx] as At, this.seenBlock[idx]!, this.seenInst[idx]!, this.seenIndex[idx]!);
      throw new RegAllocError(
        'VRegClassMismatch',
        `${this.where(at, block, inst, index)}: ${vregToString(v)} has class ${REG_CLASS_NAME[vregClass(v)]}, but vreg ${idx} is ${vregToString(vreg(idx, c as RegClass))} at ${first}`,
        { ...this.place(at, block, inst, index), vreg: v },
      );
    }
  }

  private where(at: At, block: number, inst: number, index: number): string {
    const f = this.f;
    switch (at) {
      case At.Param:
        return `block ${block} param ${index}`;
      case At.Operand:
        return `block ${block} inst ${inst} operand ${index} (${operandToString(f.instOperands(inst)[index]!)})`;
      case At.BranchArg:
        return `block ${block} branch inst ${inst}, arg ${index}`;
      case At.DebugLabel:
        return `debug value label ${index}`;
    }
  }

  private place(at: At, block: number, inst: number, index: number): Place {
    if (block === LABEL_BLOCK) block = blockOfInst(this.f, inst); // found only for an error
    if (block < 0) return {};
    if (at === At.Param) return { block };
    if (at === At.Operand) return { block, inst, operand: index };
    return { block, inst };
  }
}

/** The constraint fields that mean nothing (3..15: between `stack` and `limit`). */
function constraintFieldValid(op: Operand): boolean {
  const field = op >>> 25;
  return field <= 2 || field >= 0b0010000;
}

/**
 * Two operands fixed to the same register at overlapping points of one
 * instruction hold different values there, unless both are uses of the same
 * vreg at the same point. An early use occupies the early point, a late def
 * the late point, an early def or a late use both (so, as in regalloc2's
 * generator, one register cannot serve both an early and a late use).
 */
function checkFixedOverlaps(block: number, inst: number, ops: ArrayLike<Operand>): void {
  for (let k = 0; k < ops.length; k++) {
    const a = ops[k]!;
    if (operandConstraintKind(a) !== ConstraintKind.FixedReg) continue;
    for (let j = k + 1; j < ops.length; j++) {
      const b = ops[j]!;
      if (operandConstraintKind(b) !== ConstraintKind.FixedReg || operandFixedReg(a) !== operandFixedReg(b)) continue;
      if (operandIsFixedNonAllocatable(a) || operandIsFixedNonAllocatable(b)) continue;
      if (operandIsUse(a) && operandIsUse(b) && operandVReg(a) === operandVReg(b) && operandPos(a) === operandPos(b)) continue;
      const span = (op: Operand) => {
        const early = operandPos(op) === 0;
        if (operandIsUse(op)) return early ? 1 : 3;
        return early ? 3 : 2;
      };
      if ((span(a) & span(b)) !== 0) {
        throw new RegAllocError(
          'InvalidFixedReg',
          `block ${block} inst ${inst}: operands ${k} (${operandToString(a)}) and ${j} (${operandToString(b)}) need ${pregToString(operandFixedReg(a))} at the same point`,
          { block, inst, operand: j, vreg: operandVReg(b) },
        );
      }
    }
  }
}

/**
 * A `stack` use must be the only use of its vreg at its program point (as
 * regalloc2 requires: it cannot copy a value into a stack location beside
 * another use). Early uses count at the late point when the instruction
 * reuses an input of another vreg, as in live-range construction.
 */
function checkStackUses(block: number, inst: number, ops: ArrayLike<Operand>): void {
  let reused = -1;
  for (let k = 0; k < ops.length; k++) {
    if (operandConstraintKind(ops[k]!) === ConstraintKind.Reuse) {
      const t = ops[operandReuseIndex(ops[k]!)];
      if (t !== undefined) reused = operandVReg(t);
      break;
    }
  }
  const point = (op: Operand) => (operandPos(op) === 1 || (reused !== -1 && operandVReg(op) !== reused) ? 1 : 0);
  for (let k = 0; k < ops.length; k++) {
    const a = ops[k]!;
    if (!operandIsUse(a) || operandIsFixedNonAllocatable(a) || operandConstraintKind(a) !== ConstraintKind.Stack) continue;
    for (let j = 0; j < ops.length; j++) {
      const b = ops[j]!;
      if (j === k || !operandIsUse(b) || operandIsFixedNonAllocatable(b)) continue;
      if (operandVReg(b) === operandVReg(a) && point(b) === point(a)) {
        throw new RegAllocError(
          'InvalidOperand',
          `block ${block} inst ${inst}: operand ${k} (${operandToString(a)}) is a stack use, but operand ${j} uses the same vreg at the same point`,
          { block, inst, operand: k, vreg: operandVReg(a) },
        );
      }
    }
  }
}

/**
 * Operands, clobbers, block params and branch args of every instruction.
 * Returns (does not throw) the first constraint the env cannot satisfy: that
 * is reported after the SSA rules, as regalloc2 would meet it later too.
 */
/** An instruction's operand count within regalloc2's limit, and each operand a valid encoding. */
function checkOperandEncodings(b: number, i: number, ops: ArrayLike<Operand>): void {
  if (ops.length > MAX_OPERANDS_PER_INST) {
    throw new RegAllocError('TooManyOperands', `inst ${i} (block ${b}) has ${ops.length} operands, more than regalloc2's ${MAX_OPERANDS_PER_INST}`, {
      block: b,
      inst: i,
    });
  }
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    if (!Number.isInteger(op) || op < 0 || op > 0xffffffff || ((op >>> 21) & 3) === 3 || !constraintFieldValid(op)) {
      throw new RegAllocError(
        'InvalidOperand',
        `block ${b} inst ${i} operand ${k}: ${String(op)} is not an operand (a uint32 with a class 0..2 and a known constraint)`,
        { block: b, inst: i, operand: k },
      );
    }
  }
}

/**
 * The indices only: every operand is an operand, every vreg named by an
 * operand, block param or branch arg is below num_vregs with one class
 * throughout, and no instruction has more operands than regalloc2 allows.
 * Linear and cheap; `allocate()` runs it (after `validateStructure`) even
 * with validation off, so no allocator indexes past its tables.
 */
export function validateIndices(f: Function): void {
  const vregs = new VRegMentions(f);
  try {
    checkIndices(f, vregs);
  } finally {
    vregs.release();
  }
}

function checkIndices(f: Function, vregs: VRegMentions): void {
  const nb = f.numBlocks();
  for (let b = 0; b < nb; b++) {
    const params = checkedList(f.blockParams(b), 'blockParams', b);
    for (let k = 0; k < params.length; k++) vregs.check(params[k]!, At.Param, b, -1, k);
    const r = f.blockInsns(b);
    for (let i = r.first; i < r.end; i++) {
      const ops = checkedList(f.instOperands(i), 'instOperands', b, i);
      checkOperandEncodings(b, i, ops);
      for (let k = 0; k < ops.length; k++) vregs.checkOperand(ops[k]!, b, i, k);
    }
    const last = r.end - 1;
    const succs = f.blockSuccs(b);
    for (let k = 0; k < succs.length; k++) {
      const args = checkedList(f.branchBlockparams(b, last, k), 'branchBlockparams', b, last);
      for (let a = 0; a < args.length; a++) vregs.check(args[a]!, At.BranchArg, b, last, a);
    }
  }
}

/** Operand checks of `f` under `env` (which must be valid); the first unsatisfiable constraint is returned, not thrown. */
export function validateOperands(f: Function, env: MachineEnv, facts: EnvFacts = validEnvFacts(env)): RegAllocError | null {
  const vregs = new VRegMentions(f);
  try {
    return checkOperands(f, env, facts, vregs);
  } finally {
    vregs.release();
  }
}

function checkOperands(f: Function, env: MachineEnv, facts: EnvFacts, vregs: VRegMentions): RegAllocError | null {
  const satisfiable = new Satisfiable(f, facts);
  let unsatisfiable: RegAllocError | null = null;
  const fixedOk = facts.fixedOk;
  const nb = f.numBlocks();
  for (let b = 0; b < nb; b++) {
    const params = checkedList(f.blockParams(b), 'blockParams', b);
    for (let k = 0; k < params.length; k++) vregs.check(params[k]!, At.Param, b, -1, k);
    const r = f.blockInsns(b);
    for (let i = r.first; i < r.end; i++) {
      const ops = checkedList(f.instOperands(i), 'instOperands', b, i);
      checkOperandEncodings(b, i, ops);
      const clobbers = f.instClobbers(i);
      if (!isRegSet(clobbers)) {
        throw new RegAllocError('InvalidStructure', `block ${b} inst ${i}: its clobbers are not a PRegSet`, { block: b, inst: i });
      }
      for (let k = 0; k < env.fixedStackSlots.length; k++) {
        if (clobbers.contains(env.fixedStackSlots[k]!)) {
          throw new RegAllocError(
            'InvalidStructure',
            `block ${b} inst ${i}: clobbers ${pregToString(env.fixedStackSlots[k]!)}, a fixed stack slot (only registers are clobbered)`,
            { block: b, inst: i },
          );
        }
      }
      checkFixedOverlaps(b, i, ops);
      checkStackUses(b, i, ops);
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandIsFixedNonAllocatable(op)) {
          if (operandIsDef(op)) {
            throw new RegAllocError('InvalidOperand', `${operandWhere(b, i, k, op)}: a fixed non-allocatable operand must be a use`, { block: b, inst: i, operand: k });
          }
          continue;
        }
        const v = operandVReg(op);
        vregs.check(v, At.Operand, b, i, k);
        if (unsatisfiable === null) unsatisfiable = satisfiable.check(b, i, k, op);
        const kind = operandConstraintKind(op);
        if (kind !== ConstraintKind.Reuse && kind !== ConstraintKind.FixedReg) continue;
        switch (kind) {
          case ConstraintKind.Reuse: {
            const t = operandReuseIndex(op);
            const target = ops[t];
            const why =
              !operandIsDef(op)
                ? 'only a def may reuse an input'
                : target === undefined
                  ? `operand ${t} does not exist (the instruction has ${ops.length})`
                  : !operandIsUse(target) || operandIsFixedNonAllocatable(target)
                    ? `operand ${t} is not a use`
                    : operandPos(target) !== OperandPos.Early
                      ? `operand ${t} is a late use, but a reused input must be an early use (the def takes over its register when the instruction starts writing)`
                    : operandClass(target) !== operandClass(op)
                      ? `operand ${t} is of another class`
                      : operandConstraintKind(target) === ConstraintKind.Reuse
                        ? `operand ${t} is itself a reuse`
                        : operandConstraintKind(target) === ConstraintKind.Stack
                          ? `operand ${t} must be on the stack, but a reused input is in a register`
                          : operandConstraintKind(target) === ConstraintKind.FixedReg &&
                              env.fixedStackSlots.includes(operandFixedReg(target))
                            ? `operand ${t} is fixed to ${pregToString(operandFixedReg(target))}, a fixed stack slot, but a reused input is in a register`
                            : operandConstraintKind(target) === ConstraintKind.Limit ||
                                operandConstraintKind(target) === ConstraintKind.FixedReg
                              ? `operand ${t} is ${constraintToString(target)}, which a reused input cannot be (the def's register would have to meet it: unsupported, as in regalloc2)`
                              : undefined;
            if (why !== undefined) {
              throw new RegAllocError('InvalidReuse', `${operandWhere(b, i, k, op)}: reuse(${t}): ${why}`, { block: b, inst: i, operand: k, vreg: v });
            }
            break;
          }
          case ConstraintKind.FixedReg: {
            const p = operandFixedReg(op);
            if (!fixedOk.contains(p)) {
              throw new RegAllocError(
                'InvalidFixedReg',
                `${operandWhere(b, i, k, op)}: ${pregToString(p)} is neither allocatable nor a fixed stack slot in the env`,
                { block: b, inst: i, operand: k, vreg: v },
              );
            }
            if (clobbers.contains(p) && (operandIsDef(op) || operandPos(op) === 1)) {
              throw new RegAllocError(
                'ClobberDefConflict',
                `${operandWhere(b, i, k, op)}: ${pregToString(p)} is also clobbered by the instruction`,
                { block: b, inst: i, operand: k, vreg: v },
              );
            }
            break;
          }
          default:
            break;
        }
      }
    }
    const last = r.end - 1;
    const succs = f.blockSuccs(b);
    for (let k = 0; k < succs.length; k++) {
      const args = checkedList(f.branchBlockparams(b, last, k), 'branchBlockparams', b, last);
      for (let a = 0; a < args.length; a++) {
        vregs.check(args[a]!, At.BranchArg, b, last, a);
      }
    }
  }
  const labels = f.debugValueLabels();
  if (!Array.isArray(labels)) throw new RegAllocError('InvalidDebugLabel', 'debugValueLabels returned something other than an array');
  const ni = f.numInsts();
  for (let k = 0; k < labels.length; k++) {
    const entry = labels[k];
    const where = `debug value label ${k}`;
    if (!Array.isArray(entry) || entry.length !== 4) {
      throw new RegAllocError('InvalidDebugLabel', `${where}: not a [vreg, from, to, label] entry`);
    }
    const [v, from, to, label] = entry;
    // Ranges may reach past the last instruction (regalloc2's fuzzer makes such labels), not run backwards.
    if (!isIndex(from, 2 ** 32) || !isIndex(to, 2 ** 32) || from > to) {
      throw new RegAllocError('InvalidDebugLabel', `${where}: [${from}, ${to}) is not a range of instruction indices`, {
        vreg: v,
        ...(isIndex(from, ni) ? { inst: from } : {}),
      });
    }
    if (!isIndex(label, 2 ** 32)) throw new RegAllocError('InvalidDebugLabel', `${where}: label ${label} is not a uint32`, { vreg: v, inst: from });
    vregs.check(v, At.DebugLabel, from < ni ? LABEL_BLOCK : -1, from, k);
  }
  return unsatisfiable;
}

function opPlace(block: number, inst: number, operand: number, op: Operand) {
  return { block, inst, operand, vreg: operandVReg(op) };
}

function operandWhere(block: number, inst: number, k: number, op: Operand): string {
  return `block ${block} inst ${inst} operand ${k} (${operandToString(op)})`;
}

/** The block holding `inst` (binary search over the consecutive block ranges). */
function blockOfInst(f: Function, inst: number): number {
  let lo = 0;
  let hi = f.numBlocks() - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (f.blockInsns(mid).first <= inst) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Constraints the env cannot satisfy: a `reg` (or reuse) operand of a class
 * with no allocatable register, a `limit(n)` with no allocatable register
 * below n, a vreg of a class whose spill slots have size 0.
 */
class Satisfiable {
  private readonly hasClass: readonly boolean[];
  /** Lowest allocatable hw_enc per class, for limit(n). */
  private readonly lowest: readonly number[];
  private readonly zeroSize: boolean[];
  constructor(f: Function, facts: EnvFacts) {
    this.hasClass = facts.hasClass;
    this.lowest = facts.lowest;
    this.zeroSize = [f.spillslotSize(0 as RegClass) === 0, f.spillslotSize(1 as RegClass) === 0, f.spillslotSize(2 as RegClass) === 0];
  }

  /** The error for operand `k` of `inst`, or null. */
  check(block: number, inst: number, k: number, op: Operand): RegAllocError | null {
    const kind = operandConstraintKind(op);
    const c = operandClass(op);
    if (this.zeroSize[c]) {
      return new RegAllocError('InvalidSpillslotSize', `${operandWhere(block, inst, k, op)}: the spill-slot size of its class is 0`, opPlace(block, inst, k, op));
    }
    if ((kind === ConstraintKind.Reg || kind === ConstraintKind.Reuse) && !this.hasClass[c]) {
      return new RegAllocError('InvalidOperand', `${operandWhere(block, inst, k, op)}: the env has no register of its class`, opPlace(block, inst, k, op));
    }
    if (kind === ConstraintKind.Limit && !(this.lowest[c]! < operandLimit(op))) {
      return new RegAllocError(
        'InvalidLimit',
        `${operandWhere(block, inst, k, op)}: no allocatable register of its class has hw_enc below ${operandLimit(op)}`,
        opPlace(block, inst, k, op),
      );
    }
    return null;
  }
}

/**
 * Validates `f` under `env`, throwing the first problem as a typed
 * `RegAllocError`. Returns the CFG analyses for reuse by the caller.
 */
export function validateFunction(f: Function, env: MachineEnv): CFGInfo {
  const facts = validEnvFacts(env);
  validateStructure(f);
  const unsatisfiable = validateOperands(f, env, facts);
  const cfg = CFGInfo.compute(f);
  validateSsa(f, cfg);
  if (unsatisfiable) throw unsatisfiable;
  return cfg;
}
