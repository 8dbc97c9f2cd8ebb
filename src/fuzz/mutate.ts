// Structural corruptions of valid functions, for the input-mutation fuzzer:
// each kind changes one thing a user could get wrong, in the corpus JSON form
// (what a file holds) or in the in-memory form (a caller's own `Function` and
// `MachineEnv` objects, which can hold values no file can: fractions, NaN,
// plain arrays where register sets belong, raw operand bits).

import type { InMemoryFunction } from '../func/in_memory.js';
import type { Block, Function, Inst, InstRange, MachineEnv } from '../model/function.js';
import type { Operand } from '../model/operand.js';
import { PRegSet, type RegClass, type VReg } from '../model/regs.js';
import type { Rng } from './rng.js';

/** Corruptions of the JSON form. */
export const JSON_MUTATIONS = [
  'operand-vreg',
  'operand-class',
  'operand-kind',
  'operand-pos',
  'operand-constraint',
  'operand-fixed-stack',
  'operand-add',
  'operand-remove',
  'operand-duplicate',
  'operand-swap',
  'clobber',
  'inst-op',
  'inst-insert',
  'inst-remove',
  'block-range',
  'edge-retarget',
  'succ-raw',
  'pred-raw',
  'ret-succs',
  'branch-args',
  'block-params',
  'num-vregs',
  'entry',
  'env',
  'spillslot-size',
  'debug-labels',
  'flags',
  'field-type',
  'field-missing',
] as const;

/** Corruptions of the in-memory form. */
export const MEMORY_MUTATIONS = [
  'mem-operand-raw',
  'mem-operand-bits',
  'mem-vreg-raw',
  'mem-index',
  'mem-clobbers',
  'mem-env-shape',
  'mem-spillslot-size',
] as const;

export type JsonMutation = (typeof JSON_MUTATIONS)[number];
export type MemoryMutation = (typeof MEMORY_MUTATIONS)[number];
export type MutationKind = JsonMutation | MemoryMutation;
export const MUTATION_KINDS: readonly MutationKind[] = [...JSON_MUTATIONS, ...MEMORY_MUTATIONS];

// ---------------------------------------------------------------- JSON form

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JObj = { [k: string]: Json };

interface JBlock extends JObj {
  insts: [number, number];
  preds: number[];
  succs: number[];
  params: string[];
  branch_args: string[][];
}
interface JInst extends JObj {
  op: string;
  operands: string[];
  clobbers: string[];
}
interface JFunc extends JObj {
  blocks: JBlock[];
  insts: JInst[];
  num_vregs: number;
  entry: number;
  env: JObj;
  spillslot_size: JObj;
  debug_value_labels: Json[][];
}

const CLASSES = ['i', 'f', 'v'] as const;

/** Values of every JSON type, odd ones included, for type corruptions. */
function oddValue(rng: Rng): Json {
  return rng.choose<Json>([null, true, false, -1, 0, 1.5, 2 ** 31, 1e300, '', 'x', 'v0i', 'p0i', [], [1], {}, { a: 1 }]);
}

function randomClass(rng: Rng): string {
  return rng.choose(CLASSES);
}

/** A vreg index: mostly in range, sometimes just past it or far out. */
function randomVregIndex(rng: Rng, numVregs: number): number {
  const r = rng.int(0, 19);
  if (r === 0) return numVregs;
  if (r === 1) return rng.choose([2 ** 21 - 1, 2 ** 21, 2 ** 31]);
  return rng.int(0, Math.max(0, numVregs - 1));
}

/** A register: one the env names, mostly, or any hw_enc of any class. */
function randomPreg(rng: Rng, f: JFunc, cls?: string): string {
  const env = f.env as Record<string, Record<string, Json> | Json[]>;
  const named: string[] = [];
  for (const key of ['preferred', 'non_preferred', 'scratch']) {
    const byClass = env[key];
    if (byClass && typeof byClass === 'object' && !Array.isArray(byClass)) {
      for (const c of CLASSES) {
        const v = byClass[c];
        if (typeof v === 'string') named.push(v);
        else if (Array.isArray(v)) for (const p of v) if (typeof p === 'string') named.push(p);
      }
    }
  }
  const slots = env.fixed_stack_slots;
  if (Array.isArray(slots)) for (const p of slots) if (typeof p === 'string') named.push(p);
  const ofClass = cls ? named.filter((p) => p.endsWith(cls)) : named;
  if (ofClass.length > 0 && rng.chance(0.8)) return rng.choose(ofClass);
  return `p${rng.int(0, rng.chance(0.1) ? 70 : 63)}${cls ?? randomClass(rng)}`;
}

function randomConstraint(rng: Rng, f: JFunc, cls: string, numOperands: number): string {
  switch (rng.int(0, 6)) {
    case 0:
      return 'any';
    case 1:
      return 'reg';
    case 2:
      return 'stack';
    case 3:
    case 4:
      return `fixed(${randomPreg(rng, f, rng.chance(0.9) ? cls : undefined)})`;
    case 5:
      return `reuse(${rng.int(0, numOperands + 1)})`;
    default:
      return `limit(${rng.choose([1, 2, 4, 8, 16, 32, 64, 3, 0, 128])})`;
  }
}

function randomOperand(rng: Rng, f: JFunc, numOperands: number): string {
  const cls = randomClass(rng);
  return `v${randomVregIndex(rng, f.num_vregs)}${cls}:${rng.choose(['use', 'def'])}:${rng.choose(['early', 'late'])}:${randomConstraint(rng, f, cls, numOperands)}`;
}

function operandParts(text: unknown): [string, string, string, string] | null {
  if (typeof text !== 'string' || text.startsWith('fixed-nonalloc')) return null;
  const parts = text.split(':');
  return parts.length === 4 ? (parts as [string, string, string, string]) : null;
}

/** An instruction with operands, or null. */
function instWithOperands(rng: Rng, f: JFunc): JInst | null {
  const withOps = f.insts.filter((i) => Array.isArray(i.operands) && i.operands.some((o) => operandParts(o) !== null));
  return withOps.length > 0 ? rng.choose(withOps) : null;
}

function pickOperand(rng: Rng, inst: JInst): number {
  const idx = inst.operands.map((o, k) => (operandParts(o) ? k : -1)).filter((k) => k >= 0);
  return rng.choose(idx);
}

function changeOperand(rng: Rng, f: JFunc, change: (parts: [string, string, string, string], inst: JInst) => void): boolean {
  const inst = instWithOperands(rng, f);
  if (!inst) return false;
  const k = pickOperand(rng, inst);
  const parts = operandParts(inst.operands[k]!)!;
  change(parts, inst);
  inst.operands[k] = parts.join(':');
  return true;
}

/** Makes room for an instruction inserted at index `at`: later indices move up by one. */
function shiftRanges(f: JFunc, at: number): void {
  for (const b of f.blocks) {
    if (b.insts[0] > at) b.insts[0]++;
    if (b.insts[1] > at) b.insts[1]++;
  }
}

function randomVreg(rng: Rng, f: JFunc, cls?: string): string {
  return `v${randomVregIndex(rng, f.num_vregs)}${cls ?? randomClass(rng)}`;
}

/** Every [container, key] in the tree under `x`. */
function allSlots(x: Json, out: [JObj | Json[], string | number][]): void {
  if (Array.isArray(x)) {
    x.forEach((v, i) => {
      out.push([x, i]);
      allSlots(v, out);
    });
  } else if (x !== null && typeof x === 'object') {
    for (const k of Object.keys(x)) {
      if (k === 'reference') continue;
      out.push([x, k]);
      allSlots(x[k]!, out);
    }
  }
}

function removeOne<T>(rng: Rng, list: T[]): boolean {
  if (list.length === 0) return false;
  list.splice(rng.int(0, list.length - 1), 1);
  return true;
}

/**
 * Applies corruption `kind` to `json` (a corpus function, changed in place).
 * Returns false when the kind does not apply to this function.
 */
export function mutateJson(rng: Rng, json: Record<string, unknown>, kind: JsonMutation): boolean {
  const f = json as JFunc;
  const nb = f.blocks.length;
  switch (kind) {
    case 'operand-vreg':
      return changeOperand(rng, f, (p) => {
        p[0] = `v${randomVregIndex(rng, f.num_vregs)}${p[0].slice(-1)}`;
      });
    case 'operand-class':
      return changeOperand(rng, f, (p) => {
        p[0] = p[0].slice(0, -1) + rng.choose(CLASSES.filter((c) => c !== p[0].slice(-1)));
      });
    case 'operand-kind':
      return changeOperand(rng, f, (p) => {
        p[1] = p[1] === 'use' ? 'def' : 'use';
      });
    case 'operand-pos':
      return changeOperand(rng, f, (p) => {
        p[2] = p[2] === 'early' ? 'late' : 'early';
      });
    case 'operand-constraint':
      return changeOperand(rng, f, (p, inst) => {
        p[3] = randomConstraint(rng, f, p[0].slice(-1), inst.operands.length);
      });
    case 'operand-fixed-stack':
      // A fixed constraint naming a register the env lists as a fixed stack slot.
      return changeOperand(rng, f, (p) => {
        const cls = p[0].slice(-1);
        const slots = (f.env.fixed_stack_slots as string[]).filter((s) => s.endsWith(cls));
        let slot: string;
        if (slots.length > 0) slot = rng.choose(slots);
        else {
          slot = `p${rng.int(40, 63)}${cls}`;
          (f.env.fixed_stack_slots as string[]).push(slot);
        }
        p[3] = `fixed(${slot})`;
      });
    case 'operand-add': {
      const inst = rng.choose(f.insts);
      inst.operands.splice(rng.int(0, inst.operands.length), 0, randomOperand(rng, f, inst.operands.length));
      return true;
    }
    case 'operand-remove': {
      const inst = instWithOperands(rng, f);
      return inst !== null && removeOne(rng, inst.operands);
    }
    case 'operand-duplicate': {
      const inst = instWithOperands(rng, f);
      if (!inst) return false;
      const k = pickOperand(rng, inst);
      inst.operands.splice(rng.int(0, inst.operands.length), 0, inst.operands[k]!);
      return true;
    }
    case 'operand-swap': {
      const inst = rng.choose(f.insts.filter((i) => i.operands.length >= 2));
      const a = rng.int(0, inst.operands.length - 1);
      const b = rng.int(0, inst.operands.length - 1);
      [inst.operands[a], inst.operands[b]] = [inst.operands[b]!, inst.operands[a]!];
      return a !== b;
    }
    case 'clobber': {
      const inst = rng.choose(f.insts);
      if (inst.clobbers.length > 0 && rng.bool()) return removeOne(rng, inst.clobbers);
      inst.clobbers.push(randomPreg(rng, f));
      return true;
    }
    case 'inst-op': {
      const inst = rng.choose(f.insts);
      inst.op = rng.choose(['op', 'branch', 'ret'].filter((o) => o !== inst.op));
      return true;
    }
    case 'inst-insert': {
      const b = rng.choose(f.blocks);
      const at = rng.int(b.insts[0], b.insts[1] - 1);
      const copy = rng.chance(0.5) ? f.insts[rng.int(0, f.insts.length - 1)]! : null;
      const inst: JInst = copy
        ? { op: 'op', operands: [...copy.operands], clobbers: [...copy.clobbers] }
        : { op: 'op', operands: Array.from({ length: rng.int(0, 3) }, (_, k) => randomOperand(rng, f, k)), clobbers: [] };
      shiftRanges(f, at);
      f.insts.splice(at, 0, inst);
      return true;
    }
    case 'inst-remove': {
      const candidates = f.blocks.filter((b) => b.insts[1] - b.insts[0] >= 2);
      if (candidates.length === 0) return false;
      const b = rng.choose(candidates);
      const at = rng.int(b.insts[0], b.insts[1] - 2);
      f.insts.splice(at, 1);
      for (const x of f.blocks) {
        if (x.insts[0] > at) x.insts[0]--;
        if (x.insts[1] > at) x.insts[1]--;
      }
      return true;
    }
    case 'block-range': {
      const b = rng.choose(f.blocks);
      const k = rng.int(0, 1);
      b.insts[k] = rng.chance(0.8) ? b.insts[k] + rng.choose([-1, 1]) : rng.int(0, f.insts.length + 1);
      return true;
    }
    case 'edge-retarget': {
      // Consistent on both sides: the branch goes elsewhere, with args for the new target's params.
      const from = rng.choose(f.blocks.map((_, i) => i).filter((i) => f.blocks[i]!.succs.length > 0));
      const src = f.blocks[from]!;
      const k = rng.int(0, src.succs.length - 1);
      const old = src.succs[k]!;
      const to = rng.int(0, nb - 1);
      src.succs[k] = to;
      const oldPreds = f.blocks[old]!.preds;
      oldPreds.splice(oldPreds.indexOf(from), 1);
      f.blocks[to]!.preds.push(from);
      src.branch_args[k] = f.blocks[to]!.params.map((p) => (rng.chance(0.7) ? randomVreg(rng, f, p.slice(-1)) : p));
      return true;
    }
    case 'succ-raw': {
      const b = rng.choose(f.blocks);
      if (b.succs.length > 0 && rng.bool()) b.succs[rng.int(0, b.succs.length - 1)] = rng.int(0, nb);
      else if (b.succs.length > 0 && rng.bool()) removeOne(rng, b.succs);
      else b.succs.push(rng.int(0, nb));
      return true;
    }
    case 'pred-raw': {
      const b = rng.choose(f.blocks);
      if (b.preds.length > 0 && rng.bool()) b.preds[rng.int(0, b.preds.length - 1)] = rng.int(0, nb);
      else if (b.preds.length > 0 && rng.bool()) removeOne(rng, b.preds);
      else b.preds.push(rng.int(0, nb));
      return true;
    }
    case 'ret-succs': {
      // A returning block that claims a successor (and, consistently, is its predecessor), with args.
      const rets = f.blocks.map((_, i) => i).filter((i) => f.insts[f.blocks[i]!.insts[1] - 1]?.op === 'ret');
      if (rets.length === 0) return false;
      const from = rng.choose(rets);
      const to = rng.int(0, nb - 1);
      f.blocks[from]!.succs.push(to);
      f.blocks[from]!.branch_args.push(f.blocks[to]!.params.map((p) => randomVreg(rng, f, p.slice(-1))));
      if (rng.chance(0.8)) f.blocks[to]!.preds.push(from);
      return true;
    }
    case 'branch-args': {
      const b = rng.choose(f.blocks);
      if (b.branch_args.length === 0 || rng.chance(0.2)) {
        b.branch_args.push([randomVreg(rng, f)]);
        return true;
      }
      const args = rng.choose(b.branch_args);
      const r = rng.int(0, 2);
      if (r === 0 && args.length > 0) args.splice(rng.int(0, args.length - 1), 1);
      else if (r === 1 && args.length > 0) args[rng.int(0, args.length - 1)] = randomVreg(rng, f);
      else args.push(randomVreg(rng, f));
      return true;
    }
    case 'block-params': {
      const b = rng.choose(f.blocks);
      const r = rng.int(0, 2);
      if (r === 0 && b.params.length > 0) b.params.splice(rng.int(0, b.params.length - 1), 1);
      else if (r === 1 && b.params.length > 0) b.params[rng.int(0, b.params.length - 1)] = randomVreg(rng, f);
      else b.params.push(randomVreg(rng, f));
      return true;
    }
    case 'num-vregs':
      // The largest valid count is rare: it is valid, and costs a second of linear work.
      f.num_vregs = rng.chance(0.02)
        ? 2 ** 21 - 1
        : rng.choose([f.num_vregs - 1, f.num_vregs + 1, 0, Math.floor(f.num_vregs / 2), 2 ** 21, 2 ** 32]);
      return true;
    case 'entry':
      f.entry = rng.choose([rng.int(0, nb - 1), nb, nb + 5]);
      return true;
    case 'env':
      return mutateEnvJson(rng, f);
    case 'spillslot-size':
      f.spillslot_size[rng.choose(CLASSES)] = rng.choose<Json>([0, -1, 1.5, 3, 2 ** 16, 2 ** 17, 2 ** 40, 1, 2, 4, 8, 'x', null]);
      return true;
    case 'debug-labels': {
      const labels = f.debug_value_labels;
      if (labels.length === 0 || rng.chance(0.3)) {
        const from = rng.int(0, f.insts.length + 2);
        labels.push([randomVreg(rng, f), from, from + rng.int(-2, 5), rng.int(0, 100)]);
        return true;
      }
      const l = rng.choose(labels);
      const k = rng.int(0, 3);
      l[k] = k === 0 ? randomVreg(rng, f) : rng.choose<Json>([-1, 0, 1.5, rng.int(0, f.insts.length + 3), 2 ** 32, 2 ** 31]);
      return true;
    }
    case 'flags': {
      const key = rng.choose(['allow_multiple_vreg_defs', 'multi_spillslot_named_by_last_slot']);
      f[key] = !f[key];
      return true;
    }
    case 'field-type': {
      const slots: [JObj | Json[], string | number][] = [];
      allSlots(f, slots);
      const [container, key] = rng.choose(slots);
      const old = (container as Record<string | number, Json>)[key]!;
      let v = oddValue(rng);
      for (let tries = 0; typeof v === typeof old && Array.isArray(v) === Array.isArray(old) && tries < 5; tries++) v = oddValue(rng);
      (container as Record<string | number, Json>)[key] = v;
      return true;
    }
    case 'field-missing': {
      const slots: [JObj | Json[], string | number][] = [];
      allSlots(f, slots);
      const [container, key] = rng.choose(slots);
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      return true;
    }
  }
}

function mutateEnvJson(rng: Rng, f: JFunc): boolean {
  const env = f.env as { preferred: Record<string, string[]>; non_preferred: Record<string, string[]>; scratch: Record<string, string | null>; fixed_stack_slots: string[] };
  const cls = rng.choose(CLASSES);
  const pref = env.preferred[cls]!;
  const nonPref = env.non_preferred[cls]!;
  switch (rng.int(0, 7)) {
    case 0: // move a register between the lists
      if (pref.length === 0) return false;
      nonPref.push(pref.splice(rng.int(0, pref.length - 1), 1)[0]!);
      return true;
    case 1: // drop a register (perhaps one an operand is fixed to)
      return removeOne(rng, rng.bool() ? pref : nonPref);
    case 2: // the same register twice, or in both lists
      if (pref.length === 0) return false;
      (rng.bool() ? pref : nonPref).push(rng.choose(pref));
      return true;
    case 3: // a scratch register: a fresh one, an allocatable one, one of another class
      env.scratch[cls] = rng.choose([`p${rng.int(32, 63)}${cls}`, pref[0] ?? null, `p${rng.int(0, 63)}${rng.choose(CLASSES)}`]);
      return true;
    case 4: // a fixed stack slot: fresh, or colliding with an allocatable register
      env.fixed_stack_slots.push(rng.bool() && pref.length > 0 ? rng.choose(pref) : `p${rng.int(32, 63)}${cls}`);
      return true;
    case 5: // a class left with one register, or none
      env.preferred[cls] = pref.slice(0, rng.int(0, 1));
      env.non_preferred[cls] = [];
      return true;
    case 6: // a register of another class listed under this one
      pref.push(`p${rng.int(0, 63)}${rng.choose(CLASSES.filter((c) => c !== cls))}`);
      return true;
    default: // an out-of-range register
      pref.push(`p${rng.choose([64, 99, 255])}${cls}`);
      return true;
  }
}

// ---------------------------------------------------------------- in-memory form

/** A function as plain, mutable data: what a caller's own `Function` implementation might hold. */
export interface PlainData {
  entry: number;
  numVregs: number;
  blocks: { first: number; end: number; preds: number[]; succs: number[]; params: number[]; branchArgs: number[][] }[];
  insts: { op: 'op' | 'branch' | 'ret'; operands: number[]; clobbers: PRegSet }[];
  spillslotSize: number[];
  multiSpillslotNamedByLastSlot: boolean;
  allowMultipleVregDefs: boolean;
  debugValueLabels: [number, number, number, number][];
}

/** A mutable env: a caller's own `MachineEnv` object. */
export interface PlainEnv {
  preferredRegsByClass: unknown[];
  nonPreferredRegsByClass: unknown[];
  scratchByClass: unknown[];
  fixedStackSlots: unknown[];
}

export function plainData(f: InMemoryFunction): PlainData {
  const d = f.data;
  return {
    entry: d.entry,
    numVregs: d.numVregs,
    blocks: d.blocks.map((b) => ({
      first: b.first,
      end: b.end,
      preds: [...b.preds],
      succs: [...b.succs],
      params: [...b.params],
      branchArgs: b.branchArgs.map((a) => [...a]),
    })),
    insts: d.insts.map((i) => ({ op: i.op, operands: [...i.operands], clobbers: i.clobbers.clone() })),
    spillslotSize: [...d.spillslotSize],
    multiSpillslotNamedByLastSlot: d.multiSpillslotNamedByLastSlot,
    allowMultipleVregDefs: d.allowMultipleVregDefs,
    debugValueLabels: d.debugValueLabels.map((l) => [...l] as [number, number, number, number]),
  };
}

export function plainEnv(env: MachineEnv): PlainEnv {
  return {
    preferredRegsByClass: env.preferredRegsByClass.map((s) => s.clone()),
    nonPreferredRegsByClass: env.nonPreferredRegsByClass.map((s) => s.clone()),
    scratchByClass: [...env.scratchByClass],
    fixedStackSlots: [...env.fixedStackSlots],
  };
}

const NO_VREGS: readonly VReg[] = Object.freeze([]);

/**
 * The `Function` interface read straight from plain data, as a caller's own
 * implementation would: no copying, no packing, so every odd value reaches
 * the library as it is.
 */
export class PlainFunction implements Function {
  constructor(readonly data: PlainData) {}
  numInsts(): number {
    return this.data.insts.length;
  }
  numBlocks(): number {
    return this.data.blocks.length;
  }
  entryBlock(): Block {
    return this.data.entry;
  }
  blockInsns(block: Block): InstRange {
    return this.data.blocks[block]!;
  }
  blockSuccs(block: Block): ArrayLike<Block> {
    return this.data.blocks[block]!.succs;
  }
  blockPreds(block: Block): ArrayLike<Block> {
    return this.data.blocks[block]!.preds;
  }
  blockParams(block: Block): ArrayLike<VReg> {
    return this.data.blocks[block]!.params;
  }
  isRet(inst: Inst): boolean {
    return this.data.insts[inst]!.op === 'ret';
  }
  isBranch(inst: Inst): boolean {
    return this.data.insts[inst]!.op === 'branch';
  }
  branchBlockparams(block: Block, _inst: Inst, succIdx: number): ArrayLike<VReg> {
    return this.data.blocks[block]!.branchArgs[succIdx] ?? NO_VREGS;
  }
  instOperands(inst: Inst): ArrayLike<Operand> {
    return this.data.insts[inst]!.operands;
  }
  instClobbers(inst: Inst): PRegSet {
    return this.data.insts[inst]!.clobbers;
  }
  numVregs(): number {
    return this.data.numVregs;
  }
  debugValueLabels(): ReadonlyArray<readonly [VReg, Inst, Inst, number]> {
    return this.data.debugValueLabels;
  }
  spillslotSize(cls: RegClass): number {
    return this.data.spillslotSize[cls]!;
  }
  multiSpillslotNamedByLastSlot(): boolean {
    return this.data.multiSpillslotNamedByLastSlot;
  }
  allowMultipleVregDefs(): boolean {
    return this.data.allowMultipleVregDefs;
  }
}

function oddNumber(rng: Rng): number {
  return rng.choose([-1, 0.5, 1.5, NaN, Infinity, 2 ** 31, 2 ** 32, 2 ** 53, -0]);
}

/** Applies corruption `kind` to the plain function and env (changed in place); false when it does not apply. */
export function mutateMemory(rng: Rng, d: PlainData, env: PlainEnv, kind: MemoryMutation): boolean {
  switch (kind) {
    case 'mem-operand-raw': {
      const inst = rng.choose(d.insts);
      if (inst.operands.length === 0) inst.operands.push(rng.u32());
      else inst.operands[rng.int(0, inst.operands.length - 1)] = rng.chance(0.5) ? rng.u32() : oddNumber(rng);
      return true;
    }
    case 'mem-operand-bits': {
      const withOps = d.insts.filter((i) => i.operands.length > 0);
      if (withOps.length === 0) return false;
      const inst = rng.choose(withOps);
      const k = rng.int(0, inst.operands.length - 1);
      inst.operands[k] = (inst.operands[k]! ^ (1 << rng.int(0, 31))) >>> 0;
      return true;
    }
    case 'mem-vreg-raw': {
      const b = rng.choose(d.blocks);
      const v = rng.chance(0.5) ? oddNumber(rng) : rng.int(0, d.numVregs * 4 + 3);
      if (b.branchArgs.length > 0 && rng.bool()) {
        const args = rng.choose(b.branchArgs);
        if (args.length > 0) args[rng.int(0, args.length - 1)] = v;
        else args.push(v);
      } else if (b.params.length > 0) b.params[rng.int(0, b.params.length - 1)] = v;
      else b.params.push(v);
      return true;
    }
    case 'mem-index': {
      const b = rng.choose(d.blocks);
      const v = oddNumber(rng);
      switch (rng.int(0, 5)) {
        case 0:
          b.first = v;
          break;
        case 1:
          b.end = v;
          break;
        case 2:
          if (b.succs.length === 0) return false;
          b.succs[rng.int(0, b.succs.length - 1)] = v;
          break;
        case 3:
          if (b.preds.length === 0) return false;
          b.preds[rng.int(0, b.preds.length - 1)] = v;
          break;
        case 4:
          d.entry = v;
          break;
        default:
          d.numVregs = v;
      }
      return true;
    }
    case 'mem-clobbers': {
      const inst = rng.choose(d.insts);
      if (rng.chance(0.3)) {
        (inst as { clobbers: unknown }).clobbers = inst.clobbers.toArray();
      } else {
        const bits = new Uint32Array(8);
        bits[rng.int(0, 7)] = rng.u32();
        inst.clobbers = new PRegSet(bits);
      }
      return true;
    }
    case 'mem-env-shape': {
      const c = rng.int(0, 2);
      switch (rng.int(0, 5)) {
        case 0: // a plain array where a register set belongs
          env.preferredRegsByClass[c] = (env.preferredRegsByClass[c] as PRegSet).toArray();
          break;
        case 1:
          env.nonPreferredRegsByClass = env.nonPreferredRegsByClass.slice(0, 2);
          break;
        case 2:
          env.scratchByClass[c] = rng.choose([undefined, -1, 0.5, 300, `p0i`]);
          break;
        case 3:
          env.fixedStackSlots.push(oddNumber(rng));
          break;
        case 4: // a register set holding class-3 registers
          env.preferredRegsByClass[c] = new PRegSet([0, 0, 0, 0, 0, 0, rng.u32() | 1, 0]);
          break;
        default:
          (env as Partial<PlainEnv>).fixedStackSlots = undefined;
      }
      return true;
    }
    case 'mem-spillslot-size':
      d.spillslotSize[rng.int(0, 2)] = oddNumber(rng);
      return true;
  }
}

/**
 * A deep, exact rendering of a value (typed arrays, register sets, NaN, -0,
 * undefined and key order included), to prove a call left its input alone.
 */
export function snapshot(x: unknown): string {
  const parts: string[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      parts.push(typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : typeof v === 'string' ? JSON.stringify(v) : String(v));
      return;
    }
    if (seen.has(v)) {
      parts.push('<cycle>');
      return;
    }
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      parts.push(`${v.constructor.name}[${Array.from(v as unknown as ArrayLike<number>).join(',')}]`);
    } else if (Array.isArray(v)) {
      parts.push('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) parts.push(',');
        walk(v[i]);
      }
      parts.push(']');
    } else {
      parts.push(`${v.constructor?.name ?? ''}{`);
      for (const k of Object.keys(v)) {
        parts.push(JSON.stringify(k), ':');
        walk((v as Record<string, unknown>)[k]);
        parts.push(',');
      }
      parts.push('}');
    }
    seen.delete(v);
  };
  walk(x);
  return parts.join('');
}
