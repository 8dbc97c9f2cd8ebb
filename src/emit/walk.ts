// The emission walker: a block's instructions and the allocator's moves in the
// order a backend emits them, plus what a prologue and a frame need from the
// allocation (the registers it writes, the spill-slot offsets).
//
// The order is regalloc2's `Output::block_insts_and_edits` (which Cranelift's
// `VCode::emit` loop walks): at each instruction, the edits at its Before
// point, then the instruction, then the edits at its After point (which
// regalloc2 lists before the next instruction's Before edits).

import {
  type Allocation,
  allocIsReg,
  allocIsStack,
  allocIndex,
  allocToString,
  pointAfter,
  pointBefore,
  pointToString,
  type ProgPoint,
} from '../model/allocation.js';
import { RegAllocError } from '../model/errors.js';
import type { AllocationArray, Block, Function, Inst, MachineEnv, Output } from '../model/function.js';
import { type Operand, OperandKind, operandClass, operandKind } from '../model/operand.js';
import { PRegSet, type RegClass, pregClass } from '../model/regs.js';

/** The start of a block, before its first instruction and first move. */
export interface BlockStartEvent {
  /** The event's tag. */
  readonly kind: 'blockStart';
  /** The block that starts (bind its label here). */
  readonly block: Block;
}

/** An instruction of the input function with the allocation of each of its operands. */
export interface InstEvent {
  /** The event's tag. */
  readonly kind: 'inst';
  /** The instruction's block. */
  readonly block: Block;
  /** The instruction. */
  readonly inst: Inst;
  /** The instruction's operands, as the function gives them. */
  readonly operands: ArrayLike<Operand>;
  /** `allocs[k]` is where `operands[k]` lives (a view into `out.allocs`: read it, do not keep it across runs). */
  readonly allocs: ArrayLike<Allocation>;
}

/**
 * How a move crosses the register file: `reg-stack` is a spill (store),
 * `stack-reg` a reload (load). Registers that stand for fixed stack slots
 * (`MachineEnv.fixedStackSlots`) count as stack when the walk is given the env.
 */
export type MoveKind = 'reg-reg' | 'reg-stack' | 'stack-reg' | 'stack-stack';

/** A move the allocator inserted (one `Edit`), at its place in the stream. */
export interface MoveEvent {
  /** The event's tag. */
  readonly kind: 'move';
  /** The block the move is emitted in. */
  readonly block: Block;
  /** The program point of the edit: Before(i) moves run just before instruction i, After(i) just after it. */
  readonly point: ProgPoint;
  /** The edit's index in `out.edits` (and triple index in `out.packedEdits`). */
  readonly edit: number;
  /** The source: a register or a spill slot. */
  readonly from: Allocation;
  /** The destination. */
  readonly to: Allocation;
  /** The class of the moved value (see `walkFunction` for how a stack-to-stack move gets one). */
  readonly regClass: RegClass;
  /** Register to register, spill (reg-stack), reload (stack-reg) or stack to stack. */
  readonly moveKind: MoveKind;
}

/** What the walk yields: a block start, an instruction or a move. */
export type EmitEvent = BlockStartEvent | InstEvent | MoveEvent;

/** Options of the walk. */
export interface WalkOptions {
  /**
   * The env the function was allocated with: when given, registers in its
   * `fixedStackSlots` are classed as stack in `moveKind`.
   */
  readonly env?: MachineEnv;
}

/**
 * The whole function in emission order: for each block in block order, a
 * `blockStart` event, then its instructions and moves as `walkBlock` yields them.
 *
 * Edit order contract (regalloc2's, and Cranelift's `VCode::emit`): the
 * moves at one program point must be emitted in array order, because the
 * allocator's parallel-move resolution has already sequentialised them
 * (a cycle `a→b, b→a` becomes `a→scratch, b→a, scratch→b`, whose order
 * matters). Moves at Before(i) come before instruction i, moves at After(i)
 * after it. regalloc2 never puts a move After a block's last instruction
 * (a branch or return: it would never run), and this walker throws a
 * `RegAllocError` (`InvalidOutput`) if an output does.
 *
 * A move's class is the class of whichever side is a register. A
 * stack-to-stack move (Fastalloc can make them; Cranelift's emitter does
 * not accept them, as Ion never makes them) takes the class of its slot,
 * learnt from the operands allocated to that slot and from the other moves
 * into or out of it; a slot no operand or register move touches defaults to Int.
 *
 * ```ts
 * for (const ev of walkFunction(func, out)) if (ev.kind === 'move') emitMove(ev.from, ev.to, ev.regClass);
 * ```
 */
export function* walkFunction(func: Function, out: Output, options: WalkOptions = {}): Generator<EmitEvent> {
  const walker = new Walker(func, out, options);
  for (let b = 0; b < func.numBlocks(); b++) yield* walker.block(b as Block);
}

/**
 * One block in emission order: `blockStart`, then for each instruction the
 * moves at its Before point, the instruction, and the moves at its After
 * point (see `walkFunction` for the order contract). For many blocks, prefer
 * `walkFunction`, which learns stack-slot classes once.
 */
export function* walkBlock(func: Function, out: Output, block: Block, options: WalkOptions = {}): Generator<EmitEvent> {
  yield* new Walker(func, out, options).block(block);
}

/** The edits as packed (point, from, to) triples, whichever form the output holds. */
function packedEditsOf(out: Output): Int32Array {
  if (out.packedEdits !== undefined) return out.packedEdits;
  const edits = out.edits;
  const packed = new Int32Array(edits.length * 3);
  for (let i = 0; i < edits.length; i++) {
    packed[3 * i] = edits[i]!.point;
    packed[3 * i + 1] = edits[i]!.from;
    packed[3 * i + 2] = edits[i]!.to;
  }
  return packed;
}

class Walker {
  private readonly edits: Int32Array;
  private readonly fixedStack: PRegSet;
  private slotClasses: Int8Array | undefined;

  constructor(
    private readonly func: Function,
    private readonly out: Output,
    options: WalkOptions,
  ) {
    this.edits = packedEditsOf(out);
    this.fixedStack = PRegSet.of(options.env?.fixedStackSlots ?? []);
  }

  *block(block: Block): Generator<EmitEvent> {
    const func = this.func;
    const out = this.out;
    const edits = this.edits;
    const numEdits = edits.length / 3;
    const range = func.blockInsns(block);
    yield { kind: 'blockStart', block };
    let e = this.firstEditAtOrAfter(pointBefore(range.first));
    for (let inst = range.first; inst < range.end; inst++) {
      while (e < numEdits && edits[3 * e]! <= pointBefore(inst)) yield this.move(block, e++);
      const start = out.instAllocOffsets[inst]!;
      const end = inst + 1 < out.instAllocOffsets.length ? out.instAllocOffsets[inst + 1]! : out.allocs.length;
      yield { kind: 'inst', block, inst, operands: func.instOperands(inst), allocs: out.allocs.subarray(start, end) as AllocationArray };
      if (inst + 1 < range.end) {
        while (e < numEdits && edits[3 * e]! === pointAfter(inst)) yield this.move(block, e++);
      }
    }
    if (range.end > range.first && e < numEdits && edits[3 * e]! === pointAfter(range.end - 1)) {
      throw new RegAllocError(
        'InvalidOutput',
        `edit ${e} is a move at ${pointToString(edits[3 * e]!)}, after block ${block}'s last instruction, where it would never run`,
        { block, inst: range.end - 1 },
      );
    }
  }

  /** Index of the first edit at a point `>= point` (edits are sorted by point). */
  private firstEditAtOrAfter(point: ProgPoint): number {
    const edits = this.edits;
    let lo = 0;
    let hi = edits.length / 3;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edits[3 * mid]! < point) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private move(block: Block, e: number): MoveEvent {
    const point = this.edits[3 * e]! as ProgPoint;
    const from = this.edits[3 * e + 1]! as Allocation;
    const to = this.edits[3 * e + 2]! as Allocation;
    const fromStack = this.isStack(from);
    const toStack = this.isStack(to);
    let regClass: RegClass;
    if (allocIsReg(from)) regClass = pregClass(allocIndex(from));
    else if (allocIsReg(to)) regClass = pregClass(allocIndex(to));
    else regClass = this.slotClass(allocIndex(from), allocIndex(to));
    const moveKind: MoveKind = fromStack
      ? toStack
        ? 'stack-stack'
        : 'stack-reg'
      : toStack
        ? 'reg-stack'
        : 'reg-reg';
    return { kind: 'move', block, point, edit: e, from, to, regClass, moveKind };
  }

  private isStack(a: Allocation): boolean {
    return allocIsStack(a) || (allocIsReg(a) && this.fixedStack.contains(allocIndex(a)));
  }

  /** The class of a stack-to-stack move between two slots. */
  private slotClass(fromSlot: number, toSlot: number): RegClass {
    const classes = (this.slotClasses ??= learnSlotClasses(this.func, this.out, this.edits));
    const c = classes[fromSlot] ?? -1;
    const d = classes[toSlot] ?? -1;
    return (c >= 0 ? c : d >= 0 ? d : 0) as RegClass;
  }
}

/**
 * The class of each spill slot (-1 unknown): from the operands allocated to
 * it, then from moves with a register side, then along stack-to-stack moves.
 */
function learnSlotClasses(func: Function, out: Output, edits: Int32Array): Int8Array {
  const classes = new Int8Array(Math.max(out.numSpillslots, 0)).fill(-1);
  const set = (slot: number, cls: number): boolean => {
    if (slot >= classes.length || classes[slot] !== -1) return false;
    classes[slot] = cls;
    return true;
  };
  for (let inst = 0; inst < func.numInsts(); inst++) {
    const operands = func.instOperands(inst);
    const start = out.instAllocOffsets[inst]!;
    for (let k = 0; k < operands.length; k++) {
      const a = out.allocs[start + k]!;
      if (allocIsStack(a)) set(allocIndex(a), operandClass(operands[k]!));
    }
  }
  for (let i = 0; i < edits.length; i += 3) {
    const from = edits[i + 1]!;
    const to = edits[i + 2]!;
    if (allocIsReg(from) && allocIsStack(to)) set(allocIndex(to), pregClass(allocIndex(from)));
    if (allocIsStack(from) && allocIsReg(to)) set(allocIndex(from), pregClass(allocIndex(to)));
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < edits.length; i += 3) {
      const from = edits[i + 1]!;
      const to = edits[i + 2]!;
      if (!allocIsStack(from) || !allocIsStack(to)) continue;
      const f = allocIndex(from);
      const t = allocIndex(to);
      if (classes[f]! >= 0) changed = set(t, classes[f]!) || changed;
      if (classes[t]! >= 0) changed = set(f, classes[t]!) || changed;
    }
  }
  return classes;
}

/** Options of `writtenRegs`. */
export interface WrittenRegsOptions {
  /**
   * Whether instruction `inst`'s clobbers count (default: all do). Cranelift
   * leaves out calls to functions of the same ABI (`is_included_in_clobbers`):
   * whatever such a call clobbers, the caller may clobber too without saving it.
   */
  readonly includeClobbers?: (inst: Inst) => boolean;
}

/**
 * The registers the allocated function writes: the allocations of every def
 * (temps included), the destination of every move, and every instruction's
 * clobbers. This is Cranelift's `compute_clobbers` (in `VCode`); a prologue
 * saves `writtenRegs(func, out).intersectFrom(machine.calleeSaved)`.
 */
export function writtenRegs(func: Function, out: Output, options: WrittenRegsOptions = {}): PRegSet {
  const written = new PRegSet();
  const include = options.includeClobbers;
  for (let inst = 0; inst < func.numInsts(); inst++) {
    const operands = func.instOperands(inst);
    const start = out.instAllocOffsets[inst]!;
    for (let k = 0; k < operands.length; k++) {
      const a = out.allocs[start + k]!;
      if (operandKind(operands[k]!) === OperandKind.Def && allocIsReg(a)) written.add(allocIndex(a));
    }
    if (include === undefined || include(inst as Inst)) written.unionFrom(func.instClobbers(inst));
  }
  const edits = packedEditsOf(out);
  for (let i = 0; i < edits.length; i += 3) {
    const to = edits[i + 2]!;
    if (allocIsReg(to)) written.add(allocIndex(to));
  }
  return written;
}

/** Options of `frameLayout`. */
export interface FrameLayoutOptions {
  /** Bytes per spill-slot unit (default 8: Cranelift's word size on 64-bit targets). */
  readonly slotBytes?: number;
  /** Alignment of the whole spill area in bytes (default 16), a power of two. */
  readonly align?: number;
  /** Offset of the spill area from the frame's base (default 0), e.g. past the explicit stack slots. */
  readonly base?: number;
}

/** Where each spill slot lives in the frame. */
export interface FrameLayout {
  /** Bytes per slot unit. */
  readonly slotBytes: number;
  /** Size of the spill area in bytes, rounded up to the alignment. */
  readonly size: number;
  /** `offsets[s]`: the byte offset of spill slot `s` from the frame base. */
  readonly offsets: Int32Array;
  /**
   * The byte offset of the first (lowest) unit of the value in stack
   * allocation `a`. Give the value's class when the function names
   * multi-unit values by their last unit (`multiSpillslotNamedByLastSlot`).
   */
  offsetOf(a: Allocation, cls?: RegClass): number;
}

/**
 * The spill area of the frame: regalloc2's spill slots are indices in units,
 * a value of class `cls` taking `func.spillslotSize(cls)` consecutive units
 * (aligned to that size by the allocator), named by its first unit, or its
 * last when `func.multiSpillslotNamedByLastSlot()`. As in Cranelift's ABI
 * code (`get_spillslot_offset`), slot `s` is at `base + s * slotBytes` and
 * the area is `numSpillslots * slotBytes` bytes (here rounded up to `align`).
 *
 * ```ts
 * const frame = frameLayout(func, out, { slotBytes: 8 }); // frame.offsetOf(allocStack(3)) === 24
 * ```
 */
export function frameLayout(func: Function, out: Output, options: FrameLayoutOptions = {}): FrameLayout {
  const slotBytes = options.slotBytes ?? 8;
  const align = options.align ?? 16;
  const base = options.base ?? 0;
  if (!Number.isInteger(slotBytes) || slotBytes <= 0) throw new RangeError(`frameLayout: slotBytes must be a positive integer, got ${slotBytes}`);
  if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0) throw new RangeError(`frameLayout: align must be a power of two, got ${align}`);
  if (!Number.isInteger(base) || base < 0) throw new RangeError(`frameLayout: base must be a non-negative integer, got ${base}`);
  const count = out.numSpillslots;
  const offsets = new Int32Array(count);
  for (let s = 0; s < count; s++) offsets[s] = base + s * slotBytes;
  const size = (count * slotBytes + align - 1) & ~(align - 1);
  const lastNamed = func.multiSpillslotNamedByLastSlot();
  return {
    slotBytes,
    size,
    offsets,
    offsetOf(a: Allocation, cls?: RegClass): number {
      if (!allocIsStack(a)) throw new RangeError(`frameLayout.offsetOf: ${allocToString(a)} is not a stack allocation`);
      let slot = allocIndex(a);
      if (lastNamed && cls !== undefined) slot -= func.spillslotSize(cls) - 1;
      if (slot < 0 || slot >= count) throw new RangeError(`frameLayout.offsetOf: ${allocToString(a)} is outside the ${count} spill slots`);
      return offsets[slot]!;
    },
  };
}
