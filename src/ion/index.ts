// Ion, regalloc2's backtracking allocator: liveness → live ranges → bundle
// merging → the allocation loop (evict or split) → spilled bundles' second
// chance and spill slots → allocations applied and moves inserted.

import { CFGInfo } from '../analysis/cfg.js';
import { validateSsa } from '../analysis/ssa.js';
import { type Function, type MachineEnv, type Output, outputWithPackedEdits, type RegallocOptions } from '../model/function.js';
import { IonEnv } from './env.js';
import { buildLiveranges, computeLiveness, fixupMultiFixedVregs } from './liveness.js';
import { mergeVregBundles, queueBundles } from './merge.js';
import { applyAllocationsAndInsertMoves, type MoveContext, resolveInsertedMoves } from './moves.js';
import { processBundles } from './process.js';
import { allocateSpillslots, SpillSlots, tryAllocatingRegsForSpilledBundles } from './spill.js';

/**
 * Reusable Ion state: allocating many functions through one context reuses
 * its buffers (range maps, bitsets, columns) instead of reallocating them.
 */
export class IonContext {
  private readonly e = new IonEnv();

  run(func: Function, env: MachineEnv, options: RegallocOptions = {}): Output {
    const cfg = CFGInfo.compute(func);
    if (options.validateSsa) validateSsa(func, cfg);
    const e = this.e;
    e.reset(func, env, cfg);
    e.annotations = options.annotate ? new Map() : null;
    computeLiveness(e);
    buildLiveranges(e);
    fixupMultiFixedVregs(e);
    mergeVregBundles(e);
    queueBundles(e);
    processBundles(e);
    tryAllocatingRegsForSpilledBundles(e);
    const mc: MoveContext = { slots: new SpillSlots(), numSpillslots: { n: 0 }, debugLocations: [] };
    allocateSpillslots(e, mc.slots, mc.numSpillslots);
    const inserted = applyAllocationsAndInsertMoves(e, mc);
    const edits = resolveInsertedMoves(e, inserted, mc);
    return outputWithPackedEdits(
      {
        numSpillslots: mc.numSpillslots.n,
        allocs: e.allocs,
        instAllocOffsets: e.instAllocOffsets,
        debugLocations: mc.debugLocations,
        stats: e.stats,
        ...(e.annotations ? { annotations: e.annotations } : {}),
      },
      edits,
    );
  }
}

const shared = new IonContext();

/** Allocates `func` with Ion. Throws a `RegAllocError` when allocation is impossible. */
export function runIon(func: Function, env: MachineEnv, options: RegallocOptions = {}, ctx: IonContext = shared): Output {
  return ctx.run(func, env, options);
}
