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
  private readonly ion = new IonEnv();

  /** Allocates `func` with Ion, reusing this context's buffers. */
  run(func: Function, env: MachineEnv, options: RegallocOptions = {}): Output {
    const cfg = CFGInfo.compute(func);
    if (options.validateSsa) validateSsa(func, cfg);
    return runIonPasses(this.ion, func, env, options, cfg);
  }
}

/**
 * Ion's passes over `func`, whose CFG analyses `cfg` are, through the
 * buffers of `ion`. Not part of the package's API: `allocate` calls it with
 * the analyses its validation computed, rather than computing them twice.
 */
export function runIonPasses(ion: IonEnv, func: Function, env: MachineEnv, options: RegallocOptions, cfg: CFGInfo): Output {
  ion.reset(func, env, cfg);
  ion.annotations = options.annotate ? new Map() : null;
  computeLiveness(ion);
  buildLiveranges(ion);
  fixupMultiFixedVregs(ion);
  mergeVregBundles(ion);
  queueBundles(ion);
  processBundles(ion);
  tryAllocatingRegsForSpilledBundles(ion);
  const moveContext: MoveContext = { slots: new SpillSlots(), numSpillslots: { n: 0 }, debugLocations: [] };
  allocateSpillslots(ion, moveContext.slots, moveContext.numSpillslots);
  const inserted = applyAllocationsAndInsertMoves(ion, moveContext);
  const edits = resolveInsertedMoves(ion, inserted, moveContext);
  return outputWithPackedEdits(
    {
      numSpillslots: moveContext.numSpillslots.n,
      allocs: ion.allocs,
      instAllocOffsets: ion.instAllocOffsets,
      debugLocations: moveContext.debugLocations,
      stats: ion.stats,
      ...(ion.annotations ? { annotations: ion.annotations } : {}),
    },
    edits,
  );
}

const shared = new IonContext();

/** Allocates `func` with Ion. Throws a `RegAllocError` when allocation is impossible. */
export function runIon(func: Function, env: MachineEnv, options: RegallocOptions = {}, ctx: IonContext = shared): Output {
  return ctx.run(func, env, options);
}
