// A `Function` held in memory: what the builder and the corpus reader produce.
// Operands live in one Uint32Array; each instruction's view is made once.

import type { Block, DebugLocation, Function, Inst, InstRange, OperandArray } from '../model/function.js';
import type { Operand } from '../model/operand.js';
import { type PReg, PRegSet, type RegClass, type VReg } from '../model/regs.js';

/** An ordinary instruction, a block's terminating branch, or a return. */
export type InstKind = 'op' | 'branch' | 'ret';

/** One instruction of a `FunctionData`. */
export interface InstData {
  /** What kind of instruction. */
  readonly op: InstKind;
  /** Its operands, in order. */
  readonly operands: readonly Operand[];
  /** The registers it clobbers. */
  readonly clobbers: PRegSet;
  /** The clobbers in the order they were written, when that differs from set order. */
  readonly clobberList?: readonly PReg[];
}

/** A block of a `FunctionData` (indices as plain numbers). */
export interface BlockData {
  /** The first instruction. */
  readonly first: number;
  /** One past the last instruction. */
  readonly end: number;
  /** Predecessor blocks. */
  readonly preds: readonly number[];
  /** Successor blocks, in the branch's target order. */
  readonly succs: readonly number[];
  /** The block's params. */
  readonly params: readonly VReg[];
  /** `branchArgs[k]`: the values passed to the params of `succs[k]`. */
  readonly branchArgs: readonly (readonly VReg[])[];
}

/** Everything an `InMemoryFunction` holds, as plain data (what the corpus reader and the builder make). */
export interface FunctionData {
  /** The entry block. */
  readonly entry: number;
  /** The number of vregs. */
  readonly numVregs: number;
  /** The blocks, in order. */
  readonly blocks: readonly BlockData[];
  /** The instructions, numbered in block order. */
  readonly insts: readonly InstData[];
  /** Spill slot size per class (int, float, vector). */
  readonly spillslotSize: readonly [number, number, number];
  /** See `Function.multiSpillslotNamedByLastSlot`. */
  readonly multiSpillslotNamedByLastSlot: boolean;
  /** See `Function.allowMultipleVregDefs`. */
  readonly allowMultipleVregDefs: boolean;
  /** `[vreg, from inst, to inst (exclusive), label]` entries. */
  readonly debugValueLabels: readonly (readonly [VReg, number, number, number])[];
}

const NO_ARGS: readonly VReg[] = Object.freeze([]);
/** `InstKind` by the code `instKind` keeps. */
const INST_KINDS: readonly InstKind[] = ['op', 'branch', 'ret'];

/** A `Function` held in memory: what `FunctionBuilder.build` and the corpus reader make. */
export class InMemoryFunction implements Function {
  private readonly instKind: Uint8Array;
  /** Each instruction's operands as a view into one Uint32Array, made once. */
  private readonly operands: OperandArray[];
  private readonly ranges: InstRange[];
  /**
   * Each instruction's clobbers, equal sets sharing one object (most
   * instructions have none, calls share a few), so the allocators' reads stay
   * in cache. Read-only: callers must not modify what instClobbers returns.
   */
  private readonly clobbers: PRegSet[];
  // The block lists and scalars copied out of `data`: producers make arrays of
  // different elements kinds (`[]`, `new Array(n)`, `map`) and objects of
  // different shapes, and the allocators' reads of them would see every kind.
  // Copies made here all have one.
  private readonly vregCount: number;
  private readonly preds: Block[][];
  private readonly succs: Block[][];
  private readonly params: VReg[][];
  private readonly branchArgs: VReg[][][];
  private readonly labels: (readonly [VReg, number, number, number])[];
  private readonly slotSizes: number[];
  private readonly entry: number;
  private readonly multiSlotLast: boolean;
  private readonly multipleDefs: boolean;
  /** Each instruction's clobbers in written order where given (`InstData.clobberList`); null when none is. */
  private readonly clobberLists: (readonly PReg[] | undefined)[] | null = null;
  /** `data`, once read. */
  private dataCache: FunctionData | undefined = undefined;

  /**
   * Copies what it needs out of `data` and keeps none of it: the producer's
   * objects (an object, an operand list and a clobber set per instruction)
   * are garbage once the function is made (see `data`).
   */
  constructor(data: FunctionData) {
    const n = data.insts.length;
    this.vregCount = data.numVregs;
    this.slotSizes = packedCopy(data.spillslotSize);
    this.entry = data.entry;
    this.multiSlotLast = data.multiSpillslotNamedByLastSlot;
    this.multipleDefs = data.allowMultipleVregDefs;
    const blocks = data.blocks;
    this.ranges = emptyObjectList();
    this.preds = emptyObjectList();
    this.succs = emptyObjectList();
    this.params = emptyObjectList();
    this.branchArgs = emptyObjectList();
    for (let k = 0; k < blocks.length; k++) {
      const b = blocks[k]!;
      this.ranges.push({ first: b.first as Inst, end: b.end as Inst });
      this.preds.push(packedCopy(b.preds as readonly Block[]));
      this.succs.push(packedCopy(b.succs as readonly Block[]));
      this.params.push(packedCopy(b.params));
      this.branchArgs.push(objectListCopy(b.branchArgs.map((l) => packedCopy(l))));
    }
    this.labels = objectListCopy(data.debugValueLabels);
    this.instKind = new Uint8Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const op = data.insts[i]!.op;
      this.instKind[i] = op === 'branch' ? 1 : op === 'ret' ? 2 : 0;
      total += data.insts[i]!.operands.length;
    }
    const pool = new Uint32Array(total);
    this.operands = emptyObjectList();
    let at = 0;
    for (let i = 0; i < n; i++) {
      const ops = data.insts[i]!.operands;
      pool.set(ops, at);
      const list = data.insts[i]!.clobberList;
      if (list !== undefined) {
        this.clobberLists ??= new Array<readonly PReg[] | undefined>(n).fill(undefined);
        this.clobberLists[i] = list.slice();
      }
      this.operands.push(pool.subarray(at, at + ops.length) as OperandArray);
      at += ops.length;
    }
    const distinct = new Map<string, PRegSet>();
    this.clobbers = emptyObjectList();
    for (let i = 0; i < n; i++) {
      const set = data.insts[i]!.clobbers;
      const key = set.bits.join(',');
      let shared = distinct.get(key);
      if (shared === undefined) distinct.set(key, (shared = set.clone()));
      this.clobbers.push(shared);
    }
  }

  /**
   * The function as plain data (a copy: changing it does not change the
   * function), built on first read and kept from then on. It equals the data
   * the function was made from, list for list. The allocators never read it,
   * so a function that is only allocated does not hold a second copy of
   * itself (keeping the producer's objects had been a quarter of the peak
   * memory of allocating all of wasm-large in one process).
   */
  get data(): FunctionData {
    return (this.dataCache ??= this.toData());
  }

  private toData(): FunctionData {
    const blocks: BlockData[] = [];
    for (let b = 0; b < this.ranges.length; b++) {
      blocks.push({
        first: this.ranges[b]!.first,
        end: this.ranges[b]!.end,
        preds: this.preds[b]!.slice(),
        succs: this.succs[b]!.slice(),
        params: this.params[b]!.slice(),
        branchArgs: this.branchArgs[b]!.map((l) => l.slice()),
      });
    }
    const insts: InstData[] = [];
    for (let i = 0; i < this.instKind.length; i++) {
      const op = INST_KINDS[this.instKind[i]!]!;
      const operands = Array.from(this.operands[i]!) as Operand[];
      const clobbers = this.clobbers[i]!.clone();
      const list = this.clobberLists?.[i];
      insts.push(list === undefined ? { op, operands, clobbers } : { op, operands, clobbers, clobberList: list.slice() });
    }
    return {
      entry: this.entry,
      numVregs: this.vregCount,
      blocks,
      insts,
      spillslotSize: [this.slotSizes[0]!, this.slotSizes[1]!, this.slotSizes[2]!],
      multiSpillslotNamedByLastSlot: this.multiSlotLast,
      allowMultipleVregDefs: this.multipleDefs,
      debugValueLabels: this.labels.slice(),
    };
  }

  numInsts(): number {
    return this.instKind.length;
  }
  numBlocks(): number {
    return this.ranges.length;
  }
  entryBlock(): Block {
    return this.entry as Block;
  }
  blockInsns(block: number): InstRange {
    return this.ranges[block]!;
  }
  blockSuccs(block: number): readonly Block[] {
    return this.succs[block]!;
  }
  blockPreds(block: number): readonly Block[] {
    return this.preds[block]!;
  }
  blockParams(block: number): readonly VReg[] {
    return this.params[block]!;
  }
  isRet(inst: number): boolean {
    return this.instKind[inst] === 2;
  }
  isBranch(inst: number): boolean {
    return this.instKind[inst] === 1;
  }
  branchBlockparams(block: number, _inst: number, succIdx: number): readonly VReg[] {
    return this.branchArgs[block]![succIdx] ?? NO_ARGS;
  }
  instOperands(inst: number): OperandArray {
    return this.operands[inst]!;
  }
  instClobbers(inst: number): PRegSet {
    return this.clobbers[inst]!;
  }
  numVregs(): number {
    return this.vregCount;
  }
  debugValueLabels(): readonly (readonly [VReg, number, number, number])[] {
    return this.labels;
  }
  spillslotSize(cls: RegClass): number {
    return this.slotSizes[cls]!;
  }
  multiSpillslotNamedByLastSlot(): boolean {
    return this.multiSlotLast;
  }
  allowMultipleVregDefs(): boolean {
    return this.multipleDefs;
  }
}

/** A copy of `list` in an array built by pushing, so that every copy has the same (packed) elements kind. */
function packedCopy<T>(list: readonly T[]): T[] {
  const copy: T[] = [];
  for (let i = 0; i < list.length; i++) copy.push(list[i]!);
  return copy;
}

/**
 * A copy of a list of objects whose elements kind is that of a non-empty
 * list even when it is empty (an empty `[]` has the kind of a list of small
 * integers), so that empty and non-empty lists look alike to the readers.
 */
function objectListCopy<T extends object>(list: readonly T[]): T[] {
  const copy = emptyObjectList<T>();
  for (let i = 0; i < list.length; i++) copy.push(list[i]!);
  return copy;
}

/** An empty array with the elements kind of a non-empty list of objects (see `objectListCopy`). */
function emptyObjectList<T extends object>(): T[] {
  const list: T[] = [EMPTY_SEED as T];
  list.length = 0;
  return list;
}
const EMPTY_SEED = {};

export type { DebugLocation };
