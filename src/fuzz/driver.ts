// The fuzz loop: generate → validate → allocate → check, per algorithm. A
// failure is shrunk to a minimal function that fails the same way. Case `i`
// of a run with seed `s` uses seed `s + i`, so `--seed (s+i) --cases 1`
// reproduces it.

import { validateFunction } from '../analysis/validate.js';
import type { InMemoryFunction } from '../func/in_memory.js';
import type { Function, MachineEnv, Output, RegallocOptions } from '../model/function.js';
import { RegAllocError } from '../model/errors.js';
import { fuzzMachineEnv, type FuzzSize, generateFunction, randomOptions } from './func_gen.js';
import { Rng } from './rng.js';
import { shrinkFunction } from './shrink.js';

export type FuzzAlgorithm = 'ion' | 'fastalloc';

export interface FuzzHooks {
  allocate: (func: Function, env: MachineEnv, options: RegallocOptions) => Output;
  check: (func: Function, env: MachineEnv, out: Output) => void;
}

export interface FuzzConfig {
  algorithms: FuzzAlgorithm[];
  seed: number;
  /** Stop after this many cases… */
  cases?: number;
  /** …or after this many seconds. */
  seconds?: number;
  /** A fixed size, or `mixed` to cycle through all three. */
  size: FuzzSize | 'mixed';
  /** Called about once a second. */
  onProgress?: (s: FuzzStats) => void;
}

export interface FuzzStats {
  cases: number;
  skipped: number;
  allocations: number;
  failures: number;
  elapsedMs: number;
  insts: number;
  bySize: Record<FuzzSize, number>;
}

export interface FuzzFailure {
  caseSeed: number;
  size: FuzzSize;
  algorithm: FuzzAlgorithm;
  /** What went wrong: `kind: message`. */
  error: string;
  func: InMemoryFunction;
  minimized: InMemoryFunction;
  env: MachineEnv;
}

const SIZES: FuzzSize[] = ['small', 'medium', 'large'];

/** The size of case `i`: mixed runs are mostly small and medium, with some large. */
export function caseSize(size: FuzzSize | 'mixed', caseSeed: number): FuzzSize {
  if (size !== 'mixed') return size;
  const r = caseSeed % 20;
  return r === 0 ? 'large' : r < 10 ? 'small' : 'medium';
}

/** Generates case `caseSeed`, or null if the generator skipped it. */
export function generateCase(caseSeed: number, size: FuzzSize): { func: InMemoryFunction; env: MachineEnv } | null {
  const rng = new Rng(caseSeed);
  const o = randomOptions(rng, size);
  const func = generateFunction(rng, o);
  return func ? { func, env: fuzzMachineEnv(o.scratchRegs) } : null;
}

function describeError(e: unknown): string {
  if (e instanceof RegAllocError) return `${e.kind}: ${e.message}`;
  const err = e as Error;
  return `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`;
}

/** The failure kind used to decide that a shrunk function still fails "the same way". */
function failureKind(e: unknown): string {
  if (e instanceof RegAllocError) return `RegAllocError:${e.kind}`;
  const err = e as Error & { errors?: { kind: string }[] };
  if (err?.errors?.[0]?.kind) return `Checker:${err.errors[0].kind}`;
  return err?.name ?? 'Error';
}

/** Runs one algorithm on one function; returns the error thrown, if any. */
function tryOne(hooks: FuzzHooks, func: Function, env: MachineEnv, algorithm: FuzzAlgorithm): unknown {
  try {
    const out = hooks.allocate(func, env, { algorithm, validateSsa: false });
    hooks.check(func, env, out);
    return undefined;
  } catch (e) {
    return e ?? new Error('undefined thrown');
  }
}

/** Runs cases until the count or time budget is spent, or the first failure. */
export function runFuzz(cfg: FuzzConfig, hooks: FuzzHooks): { stats: FuzzStats; failure?: FuzzFailure } {
  const t0 = Date.now();
  const stats: FuzzStats = {
    cases: 0,
    skipped: 0,
    allocations: 0,
    failures: 0,
    elapsedMs: 0,
    insts: 0,
    bySize: { small: 0, medium: 0, large: 0 },
  };
  let lastProgress = t0;
  for (let i = 0; ; i++) {
    if (cfg.cases !== undefined && i >= cfg.cases) break;
    if (cfg.seconds !== undefined && Date.now() - t0 >= cfg.seconds * 1000) break;
    const caseSeed = (cfg.seed + i) >>> 0;
    const size = caseSize(cfg.size, caseSeed);
    const c = generateCase(caseSeed, size);
    stats.cases++;
    if (!c) {
      stats.skipped++;
      continue;
    }
    stats.bySize[size]++;
    stats.insts += c.func.numInsts();
    // The generator must only make valid input: an invalid case is a failure too.
    let err: unknown;
    let algorithm: FuzzAlgorithm = cfg.algorithms[0]!;
    try {
      validateFunction(c.func, c.env);
    } catch (e) {
      err = e;
    }
    for (const alg of cfg.algorithms) {
      if (err) break;
      algorithm = alg;
      stats.allocations++;
      err = tryOne(hooks, c.func, c.env, alg);
    }
    if (err) {
      stats.failures++;
      const kind = failureKind(err);
      const alg = algorithm;
      const shrunk = shrinkFunction(c.func, c.env, (f, env) => {
        validateFunction(f, env);
        const e = tryOne(hooks, f, env, alg);
        return e !== undefined && failureKind(e) === kind;
      });
      stats.elapsedMs = Date.now() - t0;
      return {
        stats,
        failure: { caseSeed, size, algorithm: alg, error: describeError(err), func: c.func, minimized: shrunk.func, env: c.env },
      };
    }
    if (cfg.onProgress && Date.now() - lastProgress >= 1000) {
      lastProgress = Date.now();
      stats.elapsedMs = lastProgress - t0;
      cfg.onProgress(stats);
    }
  }
  stats.elapsedMs = Date.now() - t0;
  return { stats };
}

export { SIZES };
