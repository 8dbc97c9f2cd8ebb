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

/** A `Function` held in memory: what `FunctionBuilder.build` and the corpus reader make. */
export class InMemoryFunction implements Function {
  /** The data the function was made from. */
  readonly data: FunctionData;
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

  constructor(data: FunctionData) {
    this.data = data;
    const n = data.insts.length;
    this.instKind = new Uint8Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const op = data.insts[i]!.op;
      this.instKind[i] = op === 'branch' ? 1 : op === 'ret' ? 2 : 0;
      total += data.insts[i]!.operands.length;
    }
    const pool = new Uint32Array(total);
    this.operands = new Array<OperandArray>(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const ops = data.insts[i]!.operands;
      pool.set(ops, at);
      this.operands[i] = pool.subarray(at, at + ops.length) as OperandArray;
      at += ops.length;
    }
    this.ranges = data.blocks.map((b) => ({ first: b.first as Inst, end: b.end as Inst }));
    const distinct = new Map<string, PRegSet>();
    this.clobbers = new Array<PRegSet>(n);
    for (let i = 0; i < n; i++) {
      const set = data.insts[i]!.clobbers;
      const key = set.bits.join(',');
      let shared = distinct.get(key);
      if (shared === undefined) distinct.set(key, (shared = set.clone()));
      this.clobbers[i] = shared;
    }
  }

  numInsts(): number {
    return this.data.insts.length;
  }
  numBlocks(): number {
    return this.data.blocks.length;
  }
  entryBlock(): Block {
    return this.data.entry as Block;
  }
  blockInsns(block: number): InstRange {
    return this.ranges[block]!;
  }
  blockSuccs(block: number): readonly Block[] {
    return this.data.blocks[block]!.succs as readonly Block[];
  }
  blockPreds(block: number): readonly Block[] {
    return this.data.blocks[block]!.preds as readonly Block[];
  }
  blockParams(block: number): readonly VReg[] {
    return this.data.blocks[block]!.params;
  }
  isRet(inst: number): boolean {
    return this.instKind[inst] === 2;
  }
  isBranch(inst: number): boolean {
    return this.instKind[inst] === 1;
  }
  branchBlockparams(block: number, _inst: number, succIdx: number): readonly VReg[] {
    return this.data.blocks[block]!.branchArgs[succIdx] ?? NO_ARGS;
  }
  instOperands(inst: number): OperandArray {
    return this.operands[inst]!;
  }
  instClobbers(inst: number): PRegSet {
    return this.clobbers[inst]!;
  }
  numVregs(): number {
    return this.data.numVregs;
  }
  debugValueLabels(): readonly (readonly [VReg, number, number, number])[] {
    return this.data.debugValueLabels;
  }
  spillslotSize(cls: RegClass): number {
    return this.data.spillslotSize[cls];
  }
  multiSpillslotNamedByLastSlot(): boolean {
    return this.data.multiSpillslotNamedByLastSlot;
  }
  allowMultipleVregDefs(): boolean {
    return this.data.allowMultipleVregDefs;
  }
}

export type { DebugLocation };
