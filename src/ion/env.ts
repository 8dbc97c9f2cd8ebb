// The state shared by Ion's stages for one function.

import { CFGInfo } from '../analysis/cfg.js';
import type { Allocation } from '../model/allocation.js';
import { emptyStats, type Function, type MachineEnv, type Stats } from '../model/function.js';
import { Bundles, PrioQueue, SpillSets } from './bundles.js';
import { BitSet, LiveRanges, RangeMap, Uses } from './data.js';

/** A copy a vreg needs between fixed registers at one point (multi-fixed-reg fixup). */
export interface MultiFixedRegFixup {
  pos: number;
  fromSlot: number;
  toSlot: number;
  /** 0 initial, 1 secondary. */
  level: number;
  toPreg: number;
  vreg: number;
}

/** (from vreg, from block, to block, to vreg) of a branch arg feeding a block param. */
export type BlockparamOut = [fromVreg: number, fromBlock: number, toBlock: number, toVreg: number];
/** (to vreg, to block, from block) of a block param's incoming edge. */
export type BlockparamIn = [toVreg: number, toBlock: number, fromBlock: number];

export class IonEnv {
  readonly f: Function;
  readonly env: MachineEnv;
  readonly cfg: CFGInfo;
  readonly stats: Stats = emptyStats();

  liveins: BitSet[] = [];
  liveouts: BitSet[] = [];
  readonly ranges = new LiveRanges();
  readonly uses = new Uses();
  /** Per vreg: its live ranges, in order of position once liveness is built. */
  vregRanges: number[][];
  /** Per vreg: its class, or -1 when never seen. */
  vregClass: Int8Array;
  /** Per vreg: the block it is a param of, or -1. */
  vregBlockparam: Int32Array;
  /** Per physical register index: its allocated ranges (value: live range, -1 for fixed reservations). */
  readonly pregAllocations: RangeMap[] = [];
  readonly pregIsStack = new Uint8Array(256);
  readonly preferredVictim = new Int32Array(3);
  readonly multiFixedRegFixups: MultiFixedRegFixup[] = [];
  blockparamOuts: BlockparamOut[] = [];
  blockparamIns: BlockparamIn[] = [];
  readonly bundles = new Bundles();
  readonly spillsets = new SpillSets();
  readonly queue = new PrioQueue();
  readonly spilledBundles: number[] = [];
  /** Output allocations, by operand slot. */
  allocs: Allocation[] = [];
  instAllocOffsets: number[] = [];

  constructor(f: Function, env: MachineEnv, cfg: CFGInfo) {
    this.f = f;
    this.env = env;
    this.cfg = cfg;
    const nv = f.numVregs();
    this.vregRanges = Array.from({ length: nv }, () => []);
    this.vregClass = new Int8Array(nv).fill(-1);
    this.vregBlockparam = new Int32Array(nv).fill(-1);
    for (let i = 0; i < 256; i++) this.pregAllocations.push(new RangeMap());
    for (const p of env.fixedStackSlots) this.pregIsStack[p] = 1;
    for (let c = 0; c < 3; c++) {
      this.preferredVictim[c] =
        env.nonPreferredRegsByClass[c]!.maxPReg() ?? env.preferredRegsByClass[c]!.maxPReg() ?? 63;
    }
    let total = 0;
    for (let i = 0; i < f.numInsts(); i++) {
      this.instAllocOffsets.push(total);
      total += f.instOperands(i).length;
    }
    this.allocs = new Array<Allocation>(total).fill(0);
  }

  setAlloc(inst: number, slot: number, a: Allocation): void {
    this.allocs[this.instAllocOffsets[inst]! + slot] = a;
  }
}
