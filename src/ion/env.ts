// The state shared by Ion's stages for one function.

import { CFGInfo } from '../analysis/cfg.js';
import type { Allocation, ProgPoint } from '../model/allocation.js';
import { NUM_REG_CLASSES, type PReg, PREG_INVALID, PREG_NUM_INDEX } from '../model/regs.js';
import { emptyStats, type Function, type MachineEnv, type Stats } from '../model/function.js';
import { envFixedStackSlot, envFixedStackSlotCount, envScratch } from '../model/env_shape.js';
import { Bundles, PrioQueue, SpillSets } from './bundles.js';
import type { BundleId, RangeId, VRegIndex } from './ids.js';
import { IntColumn, LiveRanges, primeRangeMap, RangeMap, Uses } from './data.js';
import { primeTrackedBitSet, SparseBitSet, TrackedBitSet } from './live_sets.js';
import { GroupScratchHooks, InsertedMoves, MoveScratch, primeBlockparamScan, StableKeySort } from './moves.js';
import { primeSplitOutsideLoops, ProcessScratch } from './process.js';
import { RedundantMoveEliminator } from './redundant_moves.js';
import { primeRegList } from './reg_traversal.js';
import { MoveList, ParallelMoves } from '../moves/parallel_moves.js';
import { primeWithRoom, resultInt32s, resultUint32s, withRoom } from '../util/int_buffers.js';
import { clearArray } from '../util/arrays.js';

/**
 * Calls to make of a function whose rare paths are run ahead of time: enough
 * for V8 to give it a feedback vector (after about 940 bytes of its bytecode
 * have run) and for the calls after that to record their types.
 */
const PRIME_CALLS = 24;
let primed = false;

/**
 * Runs, once per process, the rarely taken paths of the small helpers that
 * Ion's hottest functions inline: a range map's chunk split, the sort of
 * live-set words touched out of order, a split moved out of a loop, a buffer
 * of each kind outgrowing its start size, a register set not seen before,
 * block-parameter records stepped over. V8 optimizes a function with the
 * types its code has seen so far; a path first taken later, typically by
 * the first large function of a module, made it throw that optimized code
 * away and compile the function again, on a core the allocator needed. This
 * costs well under a millisecond, in the first context made.
 */
function primeIonFeedback(): void {
  if (primed) return;
  primed = true;
  primeRangeMap();
  primeTrackedBitSet(PRIME_CALLS);
  primeSplitOutsideLoops(PRIME_CALLS);
  primeWithRoom(PRIME_CALLS);
  primeRegList(PRIME_CALLS);
  primeBlockparamScan(PRIME_CALLS);
}

/** A copy a vreg needs between fixed registers at one point (multi-fixed-reg fixup). */
export interface MultiFixedRegFixup {
  pos: ProgPoint;
  /** Operand slots (index in the instruction's operands) of the copy's source and destination. */
  fromSlot: number;
  toSlot: number;
  /** 0 initial, 1 secondary. */
  level: number;
  toPreg: PReg;
  /** The vreg's index. */
  vregIndex: VRegIndex;
}

export class IonEnv {
  f!: Function;
  env!: MachineEnv;
  cfg!: CFGInfo;
  stats: Stats = emptyStats();

  /** Per block: the vregs live in and live out (sparse). */
  liveins: SparseBitSet[] = [];
  liveouts: SparseBitSet[] = [];
  /** The working set of the liveness passes. */
  readonly live = new TrackedBitSet();
  readonly ranges = new LiveRanges();
  readonly uses = new Uses();
  /** Per vreg: its live ranges, in order of position once liveness is built. */
  vregRanges: RangeId[][] = [];
  /**
   * The vregs whose range list went from empty to non-empty this run, and the
   * registers whose map did: `reset` clears only these. A Cranelift function
   * numbers its vregs from about 200 and uses few, and the context has 256
   * register maps: clearing every list and map cost more than allocating a
   * small function.
   */
  readonly vregsWithRanges = new IntColumn();
  readonly pregsWithRanges = new IntColumn();
  /**
   * While live ranges are built (backwards): each register reservation as
   * (preg, from, to), added to the register maps afterwards in program order,
   * where each lands at its map's end instead of shifting the map's first chunk.
   */
  readonly pregReservations = new IntColumn();
  /**
   * Once liveness is built, the first `numVregsWithRanges` entries of
   * `vregsWithRanges` are those vregs in ascending order: the stages that
   * walk every vreg in order (as regalloc2 does) walk these instead, since
   * no vreg gains its first range later. Entries past them are re-listings
   * by later stages, for `reset` only.
   */
  numVregsWithRanges = 0;
  /** Per vreg: its class, or -1 when never seen. */
  vregClass = new Int32Array(0);
  /** Per vreg: the block it is a param of, or -1. */
  vregBlockparam = new Int32Array(0);
  /** Per physical register index: its allocated ranges (value: live range, -1 for fixed reservations). */
  readonly pregAllocations: RangeMap[] = [];
  readonly pregIsStack = new Uint8Array(PREG_NUM_INDEX);
  /** The env's dedicated scratch register of each class, or -1 (read from `scratchByClass` per run). */
  readonly scratchByClass = new Int32Array(NUM_REG_CLASSES);
  readonly preferredVictim = new Int32Array(3);
  readonly multiFixedRegFixups: MultiFixedRegFixup[] = [];
  /** Branch args feeding block params: (from vreg, from block, to block, to vreg) records, sorted. */
  readonly blockparamOuts = new IntColumn();
  /** Block params' incoming edges: (to vreg, to block, from block) records, sorted. */
  readonly blockparamIns = new IntColumn();
  readonly bundles = new Bundles();
  readonly spillsets = new SpillSets();
  readonly queue = new PrioQueue();
  readonly spilledBundles: BundleId[] = [];
  /** Debug annotations by program point, when asked for. */
  annotations: Map<number, string[]> | null = null;
  /** Output allocations, by operand slot. */
  allocs = new Int32Array(0);
  instAllocOffsets = new Uint32Array(0);

  // Scratch state of the stages, kept here so that a context reuses it
  // across runs (on small functions, allocating it dominated the time).
  /** Liveness: each vreg's current range. */
  vregLrScratch = new Int32Array(16);
  /**
   * `buildLiveranges`' operands rewritten at one instruction, by operand
   * index, and which are (room for more operands than instructions have, so
   * that they rarely grow: a field replaced mid-stream discards the code that
   * read it).
   */
  rewriteOps = new Uint32Array(256);
  rewriteMark = new Uint8Array(256);
  /** The allocation loop: conflict lists, register traversal. */
  readonly processScratch = new ProcessScratch();
  /** Move insertion: the inserted moves, their buffers and sorter. */
  readonly insertedMoves = new InsertedMoves();
  readonly moveScratch = new MoveScratch();
  readonly keySort = new StableKeySort();
  /** Move resolution: parallel moves, scratch hooks, redundant-move state. */
  readonly parallelMoves = new ParallelMoves();
  readonly moveSeq = new MoveList();
  readonly moveOut = new MoveList();
  readonly groupHooks = new GroupScratchHooks();
  readonly redundantMoves = new RedundantMoveEliminator();

  constructor() {
    primeIonFeedback();
    for (let i = 0; i < PREG_NUM_INDEX; i++) this.pregAllocations.push(new RangeMap());
  }

  /** Prepares for allocating `f`, reusing every buffer that fits. */
  reset(f: Function, env: MachineEnv, cfg: CFGInfo): void {
    this.f = f;
    this.env = env;
    this.cfg = cfg;
    this.stats = emptyStats();
    const nv = f.numVregs();
    const nb = f.numBlocks();
    while (this.liveins.length < nb) {
      this.liveins.push(new SparseBitSet());
      this.liveouts.push(new SparseBitSet());
    }
    for (let b = 0; b < nb; b++) {
      this.liveins[b]!.clear();
      this.liveouts[b]!.clear();
    }
    this.live.reset(nv);
    this.ranges.clear();
    this.uses.clear();
    const vr = this.vregRanges;
    // A fresh empty list is cheaper than truncating (which frees the storage anyway).
    const used = this.vregsWithRanges;
    for (let k = 0; k < used.length; k++) {
      const v = used.data[k]!;
      if (v < vr.length && vr[v]!.length !== 0) vr[v] = [];
    }
    used.clear();
    this.numVregsWithRanges = 0;
    while (vr.length < nv) vr.push([]);
    if (vr.length !== nv) vr.length = nv;
    this.vregClass = withRoom(this.vregClass, nv);
    this.vregBlockparam = withRoom(this.vregBlockparam, nv);
    this.vregClass.fill(-1, 0, nv);
    this.vregBlockparam.fill(-1, 0, nv);
    const usedPregs = this.pregsWithRanges;
    for (let k = 0; k < usedPregs.length; k++) this.pregAllocations[usedPregs.data[k]!]!.clear();
    usedPregs.clear();
    this.processScratch.traversal.setEnv(env);
    this.pregIsStack.fill(0);
    // The env's lists through env_shape's readers, which take arrays of any
    // kind (move resolution, which used to read the scratch list itself,
    // now reads `scratchByClass` here).
    const numStackSlots = envFixedStackSlotCount(env);
    for (let k = 0; k < numStackSlots; k++) this.pregIsStack[envFixedStackSlot(env, k)] = 1;
    for (let c = 0; c < NUM_REG_CLASSES; c++) this.scratchByClass[c] = envScratch(env, c);
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      this.preferredVictim[c] =
        env.nonPreferredRegsByClass[c]!.maxPReg() ?? env.preferredRegsByClass[c]!.maxPReg() ?? PREG_INVALID;
    }
    clearArray(this.multiFixedRegFixups);
    this.blockparamOuts.clear();
    this.blockparamIns.clear();
    this.bundles.clear();
    this.spillsets.clear();
    this.queue.clear();
    clearArray(this.spilledBundles);
    let total = 0;
    const ni = f.numInsts();
    const offsets = resultUint32s(ni);
    for (let i = 0; i < ni; i++) {
      offsets[i] = total;
      total += f.instOperands(i).length;
    }
    this.instAllocOffsets = offsets;
    this.allocs = resultInt32s(total);
  }

  annotate(point: number, text: string): void {
    const m = this.annotations;
    if (m === null) return;
    const list = m.get(point);
    if (list) list.push(text);
    else m.set(point, [text]);
  }

  setAlloc(inst: number, slot: number, a: Allocation): void {
    this.allocs[this.instAllocOffsets[inst]! + slot] = a;
  }
}
