// Builds an `InMemoryFunction` in a few readable lines:
//
//   const b = new FunctionBuilder();
//   const entry = b.block(), exit = b.block();
//   const x = b.vreg(RegClass.Int), y = b.vreg(RegClass.Int);
//   b.blockParam(exit, y);
//   b.inst(entry, [Operand.regDef(x)]);
//   b.branch(entry, [{ block: exit, args: [x] }]);
//   b.ret(exit, [Operand.regFixedUse(y, preg(0, RegClass.Int))]);
//   const func = b.build();
//
// Instructions are numbered in block order, then in insertion order within a
// block; predecessor lists follow block order.

import type { Block, Inst } from '../model/function.js';
import type { Operand } from '../model/operand.js';
import { type PReg, PRegSet, type RegClass, type VReg, vreg } from '../model/regs.js';
import { type BlockData, InMemoryFunction, type InstData, type InstKind } from './in_memory.js';

/** A target of a branch: the successor and the values passed to its params. */
export interface BranchTarget {
  /** The successor block. */
  readonly block: Block;
  /** One value per param of `block`, in order (none when it has no params). */
  readonly args?: readonly VReg[];
}

interface PendingBlock {
  params: VReg[];
  insts: InstData[];
  succs: Block[];
  branchArgs: VReg[][];
}

/**
 * Builds an `InMemoryFunction` in a few readable lines. Make the blocks,
 * then fill them in block order: instructions are numbered in block order,
 * then insertion order, and `inst`/`branch`/`ret` return that final index.
 * Each block ends with one `branch` or `ret`.
 *
 * ```ts
 * const b = new FunctionBuilder();
 * const entry = b.block(), exit = b.block();
 * const x = b.vreg(RegClass.Int), y = b.vreg(RegClass.Int);
 * b.blockParam(exit, y);
 * b.inst(entry, [Operand.regDef(x)]);
 * b.branch(entry, [{ block: exit, args: [x] }]);
 * b.ret(exit, [Operand.regFixedUse(y, preg(0, RegClass.Int))]);
 * const func = b.build();
 * ```
 */
export class FunctionBuilder {
  private readonly blocks: PendingBlock[] = [];
  private nextVreg = 0;
  private entry = 0 as Block;
  private readonly labels: [VReg, Inst, Inst, number][] = [];
  /** The highest block with an instruction (-1: none yet). */
  private lastFilled = -1;
  private numInsts = 0;
  /** Spill-slot units per class `[int, float, vector]` (a machine description's `spillslotUnits`). */
  spillslotSize: [number, number, number] = [1, 1, 2];
  /** See `Function.multiSpillslotNamedByLastSlot`. */
  multiSpillslotNamedByLastSlot = false;
  /** See `Function.allowMultipleVregDefs`. */
  allowMultipleVregDefs = false;

  /** A new block; the first one is the entry unless `setEntry` says otherwise. */
  block(params: readonly VReg[] = []): Block {
    this.blocks.push({ params: [...params], insts: [], succs: [], branchArgs: [] });
    return (this.blocks.length - 1) as Block;
  }

  /** Makes `block` the entry block (default: the first block made). */
  setEntry(block: Block): this {
    this.entry = block;
    return this;
  }

  /** A fresh virtual register of class `cls`. */
  vreg(cls: RegClass): VReg {
    return vreg(this.nextVreg++, cls);
  }

  /** Adds `v` as the next param of `block`: each predecessor's branch passes one value for it. */
  blockParam(block: Block, v: VReg): this {
    this.at(block).params.push(v);
    return this;
  }

  /**
   * An ordinary instruction; returns its index in the built function.
   *
   * Instructions are numbered in block order, then insertion order, and the
   * index returned is final: so a block's instructions must be added before
   * any later block's (adding to block 0 after block 1 has instructions
   * throws a `RangeError`, since it would renumber those already returned).
   */
  inst(block: Block, operands: readonly Operand[], clobbers: Iterable<PReg> = []): Inst {
    return this.push(block, 'op', operands, clobbers);
  }

  /**
   * The block's terminating branch, passing `args` to each target's params;
   * returns its index (numbered as `inst` says).
   */
  branch(
    block: Block,
    targets: readonly BranchTarget[],
    operands: readonly Operand[] = [],
    clobbers: Iterable<PReg> = [],
  ): Inst {
    const b = this.at(block);
    this.checkOrder(block);
    for (const t of targets) {
      b.succs.push(t.block);
      b.branchArgs.push([...(t.args ?? [])]);
    }
    return this.push(block, 'branch', operands, clobbers);
  }

  /** The block's terminating return; returns its index (numbered as `inst` says). */
  ret(block: Block, operands: readonly Operand[] = [], clobbers: Iterable<PReg> = []): Inst {
    return this.push(block, 'ret', operands, clobbers);
  }

  /** Label `v` as `label` for debuggers over instructions `[from, to)`. */
  debugLabel(v: VReg, from: Inst, to: Inst, label: number): this {
    this.labels.push([v, from, to, label]);
    return this;
  }

  /** The function built so far (the builder can go on, and build again). */
  build(): InMemoryFunction {
    const preds: number[][] = this.blocks.map(() => []);
    this.blocks.forEach((b, i) => {
      for (const s of b.succs) preds[s]?.push(i);
    });
    const insts: InstData[] = [];
    const blocks: BlockData[] = this.blocks.map((b, i) => {
      const first = insts.length;
      for (const inst of b.insts) insts.push(inst); // not push(...): a block of a million instructions would overflow the stack
      return {
        first,
        end: insts.length,
        preds: preds[i]!,
        succs: b.succs,
        params: b.params,
        branchArgs: b.branchArgs,
      };
    });
    return new InMemoryFunction({
      entry: this.entry,
      numVregs: this.nextVreg,
      blocks,
      insts,
      spillslotSize: this.spillslotSize,
      multiSpillslotNamedByLastSlot: this.multiSpillslotNamedByLastSlot,
      allowMultipleVregDefs: this.allowMultipleVregDefs,
      debugValueLabels: this.labels,
    });
  }

  private at(block: Block): PendingBlock {
    const b = this.blocks[block];
    if (!b) throw new RangeError(`FunctionBuilder: block ${block} was never created`);
    return b;
  }

  /** Throws unless every block after `block` is still empty (indices already returned stay final). */
  private checkOrder(block: Block): void {
    if (block < this.lastFilled) {
      throw new RangeError(
        `FunctionBuilder: an instruction for block ${block} after block ${this.lastFilled} has some: ` +
          `instructions are numbered in block order, so fill blocks in order`,
      );
    }
  }

  private push(
    block: Block,
    op: InstKind,
    operands: readonly Operand[],
    clobbers: Iterable<PReg>,
  ): Inst {
    const b = this.at(block);
    this.checkOrder(block);
    b.insts.push({ op, operands: [...operands], clobbers: PRegSet.of(clobbers) });
    this.lastFilled = block;
    return this.numInsts++ as Inst;
  }
}
