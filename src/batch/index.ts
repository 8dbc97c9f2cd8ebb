// `regalloc/batch`: many functions allocated across cores (Node only). A pool
// of worker threads, each with one allocator context for its whole life;
// functions travel packed into transferable buffers (./packed.ts), outputs
// come back the same way, in the order given, and an error belongs to its
// function, not to the batch.

import { availableParallelism } from 'node:os';
import { allocate } from '../allocate.js';
import { validateIndices, validateStructure } from '../analysis/validate.js';
import { RegAllocError } from '../model/errors.js';
import type { Algorithm, Function, MachineEnv, Output } from '../model/function.js';
import { packEnv, type PackedEnv, packFunctionChunk, type PackedOutputChunk, type PackingPlan, planPacking, unpackOutputChunk } from './packed.js';
import { chunkStarts, WorkerPool } from './pool.js';

/** Options of `allocateBatch` (and, all but `onProgress` and `inlineBelow`, of an `AllocationPool`). */
export interface BatchOptions {
  /** `ion` (default) or `fastalloc`. */
  algorithm?: Algorithm;
  /** Worker threads (default: the available parallelism). With 1 or fewer, or tiny batches, this thread does the work. */
  workers?: number;
  /** Validate each function first (default true, as `allocate`); a bad one gets its RegAllocError. */
  validate?: boolean;
  /**
   * Below this many instructions in all, the batch runs on this thread
   * (default 1,000,000). Threads started for one call each warm up their own
   * JIT: on a 2-core machine such a pool lost to this thread on 670,000
   * instructions of real programs, and won only once warm (see
   * `AllocationPool`, which keeps its threads for batch after batch).
   */
  inlineBelow?: number;
  /** Called as outputs arrive: how many of the functions are done. */
  onProgress?: (done: number, total: number) => void;
}

/** One function's result: its output, or the error that stopped it. */
export type BatchResult =
  | {
      /** The function was allocated. */
      ok: true;
      /** Its allocation. */
      output: Output;
    }
  | {
      /** The function was not allocated. */
      ok: false;
      /** Why: a RegAllocError for bad input, else the error the allocator threw. */
      error: Error;
    };

/** @internal Functions on their way to a worker: a chunk from `packFunctionChunk`. */
export interface BatchTask {
  funcs: Int32Array;
  /** Its instructions (plus a little per function): the cost that orders dispatch. */
  insts: number;
}
/** @internal The chunk's outputs and errors. */
export type BatchTaskResult = PackedOutputChunk;
/** @internal */
export interface BatchWorkerData {
  algorithm: Algorithm;
  validate: boolean;
  envs: PackedEnv[];
}

/** Below this many instructions in all, threads started for one call cost more than they save. */
const MIN_PARALLEL_INSTS = 1_000_000;
/** Instructions per message to a worker (a function larger than this goes alone). */
const CHUNK_INSTS = 2_000;

function workerScript(): URL {
  // Under a TypeScript loader (tests) this module is .ts, in dist/ .js.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker${ext}`, import.meta.url);
}

/**
 * A reusable pool of allocation workers for one env (or a few): starting
 * threads and warming their JIT costs tens of milliseconds, so a compiler
 * that allocates batch after batch keeps one pool. `close()` ends it.
 */
export class AllocationPool {
  private readonly pool: WorkerPool<BatchTask, BatchTaskResult>;
  private readonly envs: readonly MachineEnv[];

  constructor(envs: MachineEnv | readonly MachineEnv[], options: Omit<BatchOptions, 'onProgress' | 'inlineBelow'> = {}) {
    this.envs = Array.isArray(envs) ? (envs as readonly MachineEnv[]) : [envs as MachineEnv];
    const data: BatchWorkerData = {
      algorithm: options.algorithm ?? 'ion',
      validate: options.validate ?? true,
      envs: this.envs.map(packEnv),
    };
    const workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    this.pool = new WorkerPool({ script: workerScript(), workerData: data, workers });
  }

  /**
   * Allocates every function; `envIndex[i]` picks function i's env among the
   * pool's (default: the first). Results are in the order of `functions`.
   */
  async allocate(
    functions: readonly Function[],
    opts: { envIndex?: ArrayLike<number>; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<BatchResult[]> {
    // A function that cannot even be read for packing (a hand-written
    // `Function` returning something other than a list, say) gets its error
    // here and stays out of the chunks; the others go on.
    const plans: (PackingPlan | null)[] = [];
    const unreadable: (Error | undefined)[] = [];
    for (let i = 0; i < functions.length; i++) {
      try {
        plans.push(planPacking(functions[i]!));
      } catch (e) {
        plans.push(null);
        unreadable[i] = readError(functions[i]!, e);
      }
    }
    // Chunks of about CHUNK_INSTS instructions, each packed into one buffer.
    const weights = functions.map((f, i) => (plans[i] === null ? 0 : f.numInsts() + 8));
    const chunkStart = chunkStarts(functions.length, (i) => weights[i]!, CHUNK_INSTS);
    const tasks: BatchTask[] = [];
    for (let c = 0; c + 1 < chunkStart.length; c++) {
      const funcs: Function[] = [];
      const chunkPlans: PackingPlan[] = [];
      const envs: number[] = [];
      let insts = 0;
      for (let k = chunkStart[c]!; k < chunkStart[c + 1]!; k++) {
        const plan = plans[k];
        if (plan === null || plan === undefined) continue;
        funcs.push(functions[k]!);
        chunkPlans.push(plan);
        envs.push(opts.envIndex?.[k] ?? 0);
        insts += weights[k]!;
      }
      tasks.push({ funcs: packFunctionChunk(funcs, envs, chunkPlans), insts });
    }
    const total = functions.length;
    const chunks = await this.pool.run(tasks, {
      transfer: (t) => [t.funcs.buffer as ArrayBuffer],
      cost: (t) => t.insts,
      onResults: opts.onProgress && ((start, results) => opts.onProgress!(chunkStart[start + results.length]!, total)),
    });
    const results: BatchResult[] = [];
    for (let c = 0; c < chunks.length; c++) {
      const outputs = unpackOutputChunk(chunks[c]!);
      let j = 0;
      for (let k = chunkStart[c]!; k < chunkStart[c + 1]!; k++) {
        const bad = unreadable[k];
        const r = bad ?? outputs[j++]!;
        results.push(r instanceof Error ? { ok: false, error: r } : { ok: true, output: r });
      }
    }
    return results;
  }

  /** Terminates the pool's worker threads; resolves once they have stopped. The pool cannot allocate after. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * The error for a function that packing could not read: the structure or
 * index check's RegAllocError naming the place, or else one carrying what
 * packing met.
 */
function readError(f: Function, e: unknown): Error {
  try {
    validateStructure(f);
    validateIndices(f);
  } catch (typed) {
    if (typed instanceof RegAllocError) return typed;
  }
  const err = new RegAllocError('InvalidStructure', `the function could not be read (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`);
  err.cause = e;
  return err;
}

/**
 * Allocates `functions` under `env` on a pool of worker threads started for
 * this call and ended after it. Results come in the order of `functions`;
 * a function that fails gets `{ ok: false, error }` (a RegAllocError for bad
 * input) and the others are unaffected. Small batches (or `workers <= 1`) run
 * on this thread, where thread start-up would cost more than it saves.
 */
export async function allocateBatch(functions: readonly Function[], env: MachineEnv, options: BatchOptions = {}): Promise<BatchResult[]> {
  const algorithm = options.algorithm ?? 'ion';
  const validate = options.validate ?? true;
  const workers = Math.floor(options.workers ?? availableParallelism());
  let insts = 0;
  for (const f of functions) insts += f.numInsts();
  if (workers <= 1 || insts < (options.inlineBelow ?? MIN_PARALLEL_INSTS)) {
    const results: BatchResult[] = [];
    for (const f of functions) {
      try {
        results.push({ ok: true, output: allocate(f, env, { algorithm, validate }) });
      } catch (e) {
        results.push({ ok: false, error: e as Error });
      }
      options.onProgress?.(results.length, functions.length);
    }
    return results;
  }
  const pool = new AllocationPool(env, { algorithm, validate, workers });
  try {
    return await pool.allocate(functions, { onProgress: options.onProgress });
  } finally {
    await pool.close();
  }
}
