// The input to allocation (a `Function` and a `MachineEnv`), the options and
// the `Output`, with regalloc2's meaning.

import type { Allocation, ProgPoint } from './allocation.js';
import type { Operand } from './operand.js';
import type { PReg, PRegSet, RegClass, VReg } from './regs.js';

/** A block index (0-based, dense). Branded: a plain number or an `Inst` is not a `Block` to the compiler; no cost at run time. */
export type Block = number & {
  /** Compile-time brand only: never present at run time. */
  readonly __brand?: 'Block';
};
/** An instruction index (0-based, dense, in block order). Branded like `Block`. */
export type Inst = number & {
  /** Compile-time brand only: never present at run time. */
  readonly __brand?: 'Inst';
};

/** A typed-array view whose elements are `Operand`s (what `InMemoryFunction.instOperands` returns). */
export type OperandArray = Uint32Array & { readonly [index: number]: Operand };
/** A typed-array view whose elements are `Allocation`s (a slice of `Output.allocs`). */
export type AllocationArray = Int32Array & { readonly [index: number]: Allocation };

/** A half-open range of instructions `[first, end)`. */
export interface InstRange {
  /** The first instruction. */
  readonly first: Inst;
  /** One past the last instruction. */
  readonly end: Inst;
}

/**
 * The questions an allocator asks about the function being allocated: the
 * same as regalloc2's `Function` trait. Instructions are numbered densely in
 * block order; each block ends in exactly one branch or return.
 *
 * Answers are branded (`Block`, `Inst`, `VReg`, `Operand`); parameters take
 * any number so that loops over indices need no casts.
 */
export interface Function {
  /** How many instructions the function has. */
  numInsts(): number;
  /** How many blocks the function has. */
  numBlocks(): number;
  /** The entry block. */
  entryBlock(): Block;
  /** The block's instructions (a contiguous range, ending with its branch or return). */
  blockInsns(block: Block): InstRange;
  /** The block's successors, in the order of its branch's targets. */
  blockSuccs(block: Block): ArrayLike<Block>;
  /** The block's predecessors. */
  blockPreds(block: Block): ArrayLike<Block>;
  /** The block's parameters (the SSA phis: values its predecessors' branches pass in). */
  blockParams(block: Block): ArrayLike<VReg>;
  /** True when `inst` is a return. */
  isRet(inst: Inst): boolean;
  /** True when `inst` is a branch (the last instruction of a block that does not return). */
  isBranch(inst: Inst): boolean;
  /** Values passed by the branch `inst` of `block` to the params of successor `succIdx`. */
  branchBlockparams(block: Block, inst: Inst, succIdx: number): ArrayLike<VReg>;
  /** The instruction's operands, in order (a reuse constraint names an index in this list). */
  instOperands(inst: Inst): ArrayLike<Operand>;
  /** The registers the instruction clobbers (e.g. a call's caller-saved registers); none of its operands may live in one across it. */
  instClobbers(inst: Inst): PRegSet;
  /** How many vregs there are: every vreg index is below it. */
  numVregs(): number;
  /** `[vreg, from inst, to inst (exclusive), label]` entries. */
  debugValueLabels(): ReadonlyArray<readonly [VReg, Inst, Inst, number]>;
  /** Spill-slot units a value of class `cls` takes (see `frameLayout`). */
  spillslotSize(cls: RegClass): number;
  /** True when a multi-unit spill slot is named by its last unit rather than its first. */
  multiSpillslotNamedByLastSlot(): boolean;
  /** True when a vreg may be defined more than once (not SSA); regalloc2 allows it only with care. */
  allowMultipleVregDefs(): boolean;
}

/** The registers an allocator may use, per class (regalloc2's `MachineEnv`). */
export interface MachineEnv {
  /** Allocatable registers tried first (caller-saved, typically), per class. */
  readonly preferredRegsByClass: readonly [PRegSet, PRegSet, PRegSet];
  /** Allocatable registers tried after the preferred ones, per class. */
  readonly nonPreferredRegsByClass: readonly [PRegSet, PRegSet, PRegSet];
  /** A register per class reserved for move resolution, or null. */
  readonly scratchByClass: readonly [PReg | null, PReg | null, PReg | null];
  /** Registers that stand for fixed stack slots: allowed in fixed constraints, never allocated. */
  readonly fixedStackSlots: readonly PReg[];
}

/** A move inserted by the allocator at a program point. */
export interface Edit {
  /** Where the move runs (see `walkFunction` for the order of moves at one point). */
  readonly point: ProgPoint;
  /** The source. */
  readonly from: Allocation;
  /** The destination. */
  readonly to: Allocation;
}

/** The index of the first edit at or after `point` in `edits` (sorted by point), by binary search. */
export function firstEditAtOrAfter(edits: readonly Edit[], point: ProgPoint): number {
  let lo = 0;
  let hi = edits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edits[mid]!.point < point) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `[label, from, to, allocation]`: where a labelled value lives over a range. */
export type DebugLocation = readonly [number, ProgPoint, ProgPoint, Allocation];

/** regalloc2's `ion::Stats` counters (all zero for Fastalloc). */
export interface Stats {
  /** Blocks visited while computing live-ins (liveness). */
  livein_blocks: number;
  /** Iterations of the live-in fixpoint. */
  livein_iterations: number;
  /** Live ranges built by liveness. */
  initial_liverange_count: number;
  /** Bundles merged together (merging). */
  merged_bundle_count: number;
  /** Bundles taken from the allocation queue. */
  process_bundle_count: number;
  /** Probes of a fixed register for a bundle. */
  process_bundle_reg_probes_fixed: number;
  /** Successful fixed-register probes. */
  process_bundle_reg_success_fixed: number;
  /** Bundles probed with the bounding-range heuristic. */
  process_bundle_bounding_range_probe_start_any: number;
  /** Registers probed with the bounding-range heuristic. */
  process_bundle_bounding_range_probes_any: number;
  /** Successful bounding-range probes. */
  process_bundle_bounding_range_success_any: number;
  /** Bundles probed over all registers. */
  process_bundle_reg_probe_start_any: number;
  /** Registers probed over all registers. */
  process_bundle_reg_probes_any: number;
  /** Successful probes over all registers. */
  process_bundle_reg_success_any: number;
  /** Times bundles were evicted. */
  evict_bundle_event: number;
  /** Bundles evicted. */
  evict_bundle_count: number;
  /** Bundle splits. */
  splits: number;
  /** Splits around clobbers. */
  splits_clobbers: number;
  /** Splits of hot code. */
  splits_hot: number;
  /** Splits at a conflict. */
  splits_conflicts: number;
  /** Splits at a def. */
  splits_defs: number;
  /** Splits into single-use pieces. */
  splits_all: number;
  /** Live ranges after allocation. */
  final_liverange_count: number;
  /** Bundles after allocation. */
  final_bundle_count: number;
  /** Bundles spilled. */
  spill_bundle_count: number;
  /** Register probes for spilled bundles (second chance). */
  spill_bundle_reg_probes: number;
  /** Successful second-chance probes. */
  spill_bundle_reg_success: number;
  /** Block-parameter moves into blocks. */
  blockparam_ins_count: number;
  /** Block-parameter moves out of blocks. */
  blockparam_outs_count: number;
  /** Half-moves built by move insertion. */
  halfmoves_count: number;
  /** Edits (moves) in the output. */
  edits_count: number;
}

/** The `Stats` fields in regalloc2's order. */
export const STATS_FIELDS: readonly (keyof Stats)[] = [
  'livein_blocks',
  'livein_iterations',
  'initial_liverange_count',
  'merged_bundle_count',
  'process_bundle_count',
  'process_bundle_reg_probes_fixed',
  'process_bundle_reg_success_fixed',
  'process_bundle_bounding_range_probe_start_any',
  'process_bundle_bounding_range_probes_any',
  'process_bundle_bounding_range_success_any',
  'process_bundle_reg_probe_start_any',
  'process_bundle_reg_probes_any',
  'process_bundle_reg_success_any',
  'evict_bundle_event',
  'evict_bundle_count',
  'splits',
  'splits_clobbers',
  'splits_hot',
  'splits_conflicts',
  'splits_defs',
  'splits_all',
  'final_liverange_count',
  'final_bundle_count',
  'spill_bundle_count',
  'spill_bundle_reg_probes',
  'spill_bundle_reg_success',
  'blockparam_ins_count',
  'blockparam_outs_count',
  'halfmoves_count',
  'edits_count',
];

/** All-zero stats, built as a literal so that every Stats object shares one shape. */
export function emptyStats(): Stats {
  return {
    livein_blocks: 0,
    livein_iterations: 0,
    initial_liverange_count: 0,
    merged_bundle_count: 0,
    process_bundle_count: 0,
    process_bundle_reg_probes_fixed: 0,
    process_bundle_reg_success_fixed: 0,
    process_bundle_bounding_range_probe_start_any: 0,
    process_bundle_bounding_range_probes_any: 0,
    process_bundle_bounding_range_success_any: 0,
    process_bundle_reg_probe_start_any: 0,
    process_bundle_reg_probes_any: 0,
    process_bundle_reg_success_any: 0,
    evict_bundle_event: 0,
    evict_bundle_count: 0,
    splits: 0,
    splits_clobbers: 0,
    splits_hot: 0,
    splits_conflicts: 0,
    splits_defs: 0,
    splits_all: 0,
    final_liverange_count: 0,
    final_bundle_count: 0,
    spill_bundle_count: 0,
    spill_bundle_reg_probes: 0,
    spill_bundle_reg_success: 0,
    blockparam_ins_count: 0,
    blockparam_outs_count: 0,
    halfmoves_count: 0,
    edits_count: 0,
  };
}

/** The result of allocation (regalloc2's `Output`). */
export interface Output {
  /** How many spill-slot units the frame needs (see `frameLayout`). */
  numSpillslots: number;
  /**
   * Moves, sorted by program point. In the allocators' outputs these objects
   * are made on first access; a compiler on a hot path reads `packedEdits`.
   */
  edits: Edit[];
  /**
   * The same moves without objects: (point, from, to) triples, three entries
   * per move (allocators' outputs always have it; a hand-built or parsed
   * output may not).
   */
  packedEdits?: Int32Array;
  /** Allocation of every operand, instruction by instruction (packed, no objects). */
  allocs: Int32Array;
  /** Index into `allocs` of each instruction's first operand. */
  instAllocOffsets: Uint32Array;
  /** Where each labelled value lives over which range (`Function.debugValueLabels`), sorted by label. */
  debugLocations: DebugLocation[];
  /** regalloc2's counters (Ion). */
  stats: Stats;
  /** With `annotate` (Ion): what happened at each program point, for debugging. */
  annotations?: Map<ProgPoint, string[]>;
}

/**
 * The allocators' output: the `edits` objects are built from `packedEdits`
 * only when first read (on large functions, building them took about a
 * quarter of Fastalloc's time). `edits` is an accessor on the prototype: a spread copy
 * (`{ ...out }`) must name `edits` itself.
 */
class AllocatorOutput implements Output {
  private editObjects: Edit[] | undefined = undefined;
  constructor(
    public numSpillslots: number,
    public allocs: Int32Array,
    public instAllocOffsets: Uint32Array,
    public debugLocations: DebugLocation[],
    public stats: Stats,
    public packedEdits: Int32Array,
    public annotations?: Map<ProgPoint, string[]>,
  ) {}

  get edits(): Edit[] {
    if (this.editObjects === undefined) {
      const p = this.packedEdits;
      const edits = new Array<Edit>(p.length / 3);
      for (let i = 0, k = 0; i < p.length; i += 3, k++) edits[k] = { point: p[i]! as ProgPoint, from: p[i + 1]! as Allocation, to: p[i + 2]! as Allocation };
      this.editObjects = edits;
    }
    return this.editObjects;
  }
  set edits(v: Edit[]) {
    this.editObjects = v;
  }
}

/** An allocator's output, with edits given as packed (point, from, to) triples. */
export function outputWithPackedEdits(fields: Omit<Output, 'edits' | 'packedEdits'>, packedEdits: Int32Array): Output {
  return new AllocatorOutput(fields.numSpillslots, fields.allocs, fields.instAllocOffsets, fields.debugLocations, fields.stats, packedEdits, fields.annotations);
}

/** The allocations of instruction `inst`'s operands. */
export function instAllocs(out: Output, inst: Inst): Allocation[] {
  const start = out.instAllocOffsets[inst]!;
  const end =
    inst + 1 < out.instAllocOffsets.length ? out.instAllocOffsets[inst + 1]! : out.allocs.length;
  return Array.from(out.allocs.subarray(start, end)) as Allocation[];
}

/** `ion`: the backtracking allocator (best code); `fastalloc`: the single-pass one (fastest). */
export type Algorithm = 'ion' | 'fastalloc';

/** Options of `allocate`. */
export interface RegallocOptions {
  /** Which allocator runs: `ion` (default, best code) or `fastalloc` (fastest). */
  algorithm?: Algorithm;
  /**
   * Validate the input fully before allocating (default true). Off, valid
   * input allocates identically and a little faster: only block ranges,
   * edges, counts, operand encodings and vreg indices are checked (one linear
   * pass), so no allocator indexes past its tables. Invalid input may then
   * give a wrong allocation or a RegAllocError (`Internal` for a crash inside
   * an allocator), but never another exception or a change to the caller's data.
   */
  validate?: boolean;
  /** The former name of `validate` (it validates everything, not only SSA); still honoured when `validate` is absent. */
  validateSsa?: boolean;
  /** Record per-program-point annotations (Ion) for debugging. */
  annotate?: boolean;
}
