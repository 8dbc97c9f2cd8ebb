// The input-mutation fuzz loop: a valid function (generated, or read from
// files), one structural corruption, then each allocator through the public
// entry (validation on). Every case must end in a typed `RegAllocError` or in
// an allocation the checker proves; anything else is a failure: another
// exception, a checker error, a case slower than the time bound, or an input
// object changed by the call. Case `i` of a run with seed `s` uses seed
// `s + i`, so `--seed (s+i) --cases 1` reproduces it.

import { validateFunction } from '../analysis/validate.js';
import type { InMemoryFunction } from '../func/in_memory.js';
import { functionToJson, parseFunction } from '../io/corpus.js';
import { RegAllocError } from '../model/errors.js';
import type { Function, MachineEnv } from '../model/function.js';
import type { FuzzAlgorithm, FuzzHooks } from './driver.js';
import { caseSize, generateCase } from './driver.js';
import type { FuzzSize } from './func_gen.js';
import {
  JSON_MUTATIONS,
  type JsonMutation,
  MEMORY_MUTATIONS,
  type MemoryMutation,
  MUTATION_KINDS,
  type MutationKind,
  mutateJson,
  mutateMemory,
  PlainFunction,
  plainData,
  plainEnv,
  snapshot,
} from './mutate.js';
import { NoChoice, Rng } from './rng.js';
import { shrinkFunction } from './shrink.js';

/** Valid functions to corrupt: generated ones, or these (e.g. corpus files). */
export interface BaseSource {
  readonly count: number;
  load(index: number): { func: InMemoryFunction; env: MachineEnv };
  name(index: number): string;
}

export interface MutateConfig {
  algorithms: FuzzAlgorithm[];
  seed: number;
  cases?: number;
  seconds?: number;
  /** Size of generated base functions (ignored with `bases`). */
  size: FuzzSize | 'mixed';
  bases?: BaseSource;
  /** A case (one allocator) slower than this is a failure. */
  caseMs: number;
  /**
   * Run with validation off (default on), to measure what `validate: false`
   * promises: then a wrong allocation is counted (`wrong`), not a failure.
   */
  validate?: boolean;
  onProgress?: (s: MutateStats) => void;
}

export interface KindStats {
  /** Cases where the corruption applied. */
  cases: number;
  /** Allocator runs that ended in a typed error, by error kind. */
  rejected: Record<string, number>;
  /** Allocator runs that allocated, each proven by the checker. */
  allocated: number;
  /** With validation off: allocations the checker refuted. */
  wrong: number;
  failures: number;
}

export interface MutateStats {
  /** Case seeds tried (some corruptions do not apply to some functions). */
  cases: number;
  /** Cases whose corruption did not apply, or whose base function the generator skipped. */
  skipped: number;
  /** Allocator runs per allocator. */
  runs: Record<FuzzAlgorithm, number>;
  byKind: Record<MutationKind, KindStats>;
  failures: number;
  elapsedMs: number;
}

export interface MutateFailure {
  caseSeed: number;
  kind: MutationKind;
  algorithm: FuzzAlgorithm;
  /** What went wrong, in words. */
  error: string;
  /** Where the base function came from. */
  base: string;
  /** The corrupted input: corpus JSON (JSON-form corruptions), or an exact rendering of the in-memory objects. */
  input: { form: 'json'; json: Record<string, unknown> } | { form: 'memory'; snapshot: string };
  /** A smaller input that fails the same way, when one was found. */
  minimized?: Record<string, unknown>;
}

/** The outcome of one allocator on one input. */
type Outcome = { ok: true; rejected?: string; wrong?: boolean } | { ok: false; error: string; signature: string };

function describe(e: unknown): string {
  const err = e as Error;
  return `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`;
}

/** Runs one allocator on `func`/`env`: a typed error, or an allocation the checker proves. */
export function runCase(hooks: FuzzHooks, func: Function, env: MachineEnv, algorithm: FuzzAlgorithm, caseMs: number, validate = true): Outcome {
  const t0 = performance.now();
  let out;
  try {
    out = hooks.allocate(func, env, { algorithm, validate });
  } catch (e) {
    if (e instanceof RegAllocError) return { ok: true, rejected: e.kind };
    return { ok: false, error: `allocation threw ${describe(e)}`, signature: `throw:${(e as Error)?.name}` };
  }
  try {
    hooks.check(func, env, out);
  } catch (e) {
    const kind = (e as { errors?: { kind: string }[] }).errors?.[0]?.kind ?? (e as Error)?.name;
    // Without validation the checker may meet input it cannot judge: counted with the wrong ones.
    if (!validate) return { ok: true, wrong: true };
    return { ok: false, error: `wrong allocation: ${describe(e)}`, signature: `checker:${kind}` };
  }
  // The bound grows with the function (linear work on two million vregs is no hang).
  const size = (Number(func.numVregs()) || 0) + (Number(func.numInsts()) || 0);
  const bound = caseMs * Math.min(1000, 1 + size / 1e5);
  const ms = performance.now() - t0;
  if (ms > bound) return { ok: false, error: `took ${ms.toFixed(0)} ms, over the ${bound.toFixed(0)} ms bound`, signature: 'slow' };
  return { ok: true };
}

/** Parses a JSON-form input, then runs one allocator on it. */
function runJson(hooks: FuzzHooks, json: Record<string, unknown>, algorithm: FuzzAlgorithm, caseMs: number, validate = true): Outcome {
  let parsed;
  try {
    parsed = parseFunction(json);
  } catch (e) {
    if (e instanceof RegAllocError) return { ok: true, rejected: e.kind };
    return { ok: false, error: `reading threw ${describe(e)}`, signature: `read:${(e as Error)?.name}` };
  }
  return runCase(hooks, parsed.func, parsed.env, algorithm, caseMs, validate);
}

function emptyStats(): MutateStats {
  const byKind = {} as Record<MutationKind, KindStats>;
  for (const k of MUTATION_KINDS) byKind[k] = { cases: 0, rejected: {}, allocated: 0, wrong: 0, failures: 0 };
  return { cases: 0, skipped: 0, runs: { ion: 0, fastalloc: 0 }, byKind, failures: 0, elapsedMs: 0 };
}

/** The base function of case `caseSeed`: from the sources (16 consecutive seeds share one), or generated. */
function baseOf(cfg: MutateConfig, caseSeed: number, cache: { index: number; base: { func: InMemoryFunction; env: MachineEnv } | null }) {
  if (!cfg.bases) {
    const c = generateCase(caseSeed, caseSize(cfg.size, caseSeed));
    return c ? { ...c, name: `generated case ${caseSeed} (${caseSize(cfg.size, caseSeed)})` } : null;
  }
  const index = Math.floor(caseSeed / 16) % cfg.bases.count;
  if (cache.index !== index) {
    cache.index = index;
    try {
      cache.base = cfg.bases.load(index);
      validateFunction(cache.base.func, cache.base.env);
    } catch {
      cache.base = null; // an invalid or unreadable base is skipped
    }
  }
  return cache.base ? { ...cache.base, name: cfg.bases.name(index) } : null;
}

/** Runs mutated cases until the count or time budget is spent, or the first failure. */
export function runMutateFuzz(cfg: MutateConfig, hooks: FuzzHooks): { stats: MutateStats; failure?: MutateFailure } {
  const t0 = Date.now();
  const stats = emptyStats();
  const cache = { index: -1, base: null as { func: InMemoryFunction; env: MachineEnv } | null };
  let lastProgress = t0;
  for (let i = 0; ; i++) {
    if (cfg.cases !== undefined && i >= cfg.cases) break;
    if (cfg.seconds !== undefined && Date.now() - t0 >= cfg.seconds * 1000) break;
    const caseSeed = (cfg.seed + i) >>> 0;
    stats.cases++;
    const failure = runMutatedCase(cfg, hooks, caseSeed, stats, cache);
    if (failure) {
      stats.elapsedMs = Date.now() - t0;
      return { stats, failure };
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

function runMutatedCase(
  cfg: MutateConfig,
  hooks: FuzzHooks,
  caseSeed: number,
  stats: MutateStats,
  cache: { index: number; base: { func: InMemoryFunction; env: MachineEnv } | null },
): MutateFailure | undefined {
  const base = baseOf(cfg, caseSeed, cache);
  if (!base) {
    stats.skipped++;
    return undefined;
  }
  const rng = new Rng(caseSeed ^ 0x6d2b79f5);
  const kind = rng.choose(MUTATION_KINDS);
  const isJson = (JSON_MUTATIONS as readonly string[]).includes(kind);
  let applied = false;
  let json: Record<string, unknown> | undefined;
  let data: ReturnType<typeof plainData> | undefined;
  let env: ReturnType<typeof plainEnv> | undefined;
  try {
    if (isJson) {
      json = functionToJson(base.func, base.env);
      applied = mutateJson(rng, json, kind as JsonMutation);
    } else {
      data = plainData(base.func);
      env = plainEnv(base.env);
      applied = mutateMemory(rng, data, env, kind as MemoryMutation);
    }
  } catch (e) {
    if (!(e instanceof NoChoice)) throw e;
  }
  if (!applied) {
    stats.skipped++;
    return undefined;
  }
  const ks = stats.byKind[kind];
  ks.cases++;
  // JSON values render exactly through JSON.stringify (much faster than the general walk).
  const render = json ? () => JSON.stringify(json) : () => snapshot([data, env]);
  const before = render();
  for (const algorithm of cfg.algorithms) {
    stats.runs[algorithm]++;
    const validate = cfg.validate ?? true;
    let outcome: Outcome = json
      ? runJson(hooks, json, algorithm, cfg.caseMs, validate)
      : runCase(hooks, new PlainFunction(data!), env as unknown as MachineEnv, algorithm, cfg.caseMs, validate);
    if (outcome.ok && render() !== before) {
      outcome = { ok: false, error: 'the call changed its input', signature: 'changed-input' };
    }
    if (outcome.ok) {
      if (outcome.rejected) ks.rejected[outcome.rejected] = (ks.rejected[outcome.rejected] ?? 0) + 1;
      else if (outcome.wrong) ks.wrong++;
      else ks.allocated++;
      continue;
    }
    ks.failures++;
    stats.failures++;
    const failure: MutateFailure = {
      caseSeed,
      kind,
      algorithm,
      error: outcome.error,
      base: base.name,
      input: json ? { form: 'json', json } : { form: 'memory', snapshot: before },
    };
    const minimized = minimize(hooks, failure, outcome.signature, cfg.caseMs, json);
    if (minimized) failure.minimized = minimized;
    return failure;
  }
  return undefined;
}

/**
 * A smaller input failing the same way. When the corrupted input still reads
 * and validates, the function shrinker minimizes it; otherwise JSON entries
 * are deleted one at a time while the failure persists.
 */
function minimize(
  hooks: FuzzHooks,
  failure: MutateFailure,
  signature: string,
  caseMs: number,
  json: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!json || signature === 'slow') return undefined; // re-running slow cases thousands of times is no minimization
  const fails = (j: Record<string, unknown>) => {
    const o = runJson(hooks, j, failure.algorithm, caseMs * 4);
    return !o.ok && o.signature === signature;
  };
  let parsed;
  try {
    parsed = parseFunction(json);
    validateFunction(parsed.func, parsed.env);
  } catch {
    parsed = undefined;
  }
  if (parsed) {
    const shrunk = shrinkFunction(parsed.func, parsed.env, (f, env) => {
      validateFunction(f, env);
      const o = runCase(hooks, f, env, failure.algorithm, caseMs * 4);
      return !o.ok && o.signature === signature;
    }, 3000);
    return functionToJson(shrunk.func, parsed.env);
  }
  return shrinkJson(json, fails, 3000);
}

/** Greedy deletion of array elements and object keys (outside `env`) while `fails` holds. */
function shrinkJson(json: Record<string, unknown>, fails: (j: Record<string, unknown>) => boolean, maxTries: number): Record<string, unknown> {
  let best = structuredClone(json);
  let tries = 0;
  let progress = true;
  while (progress && tries < maxTries) {
    progress = false;
    const paths: (string | number)[][] = [];
    const walk = (x: unknown, path: (string | number)[]) => {
      if (Array.isArray(x)) x.forEach((v, k) => (paths.push([...path, k]), walk(v, [...path, k])));
      else if (x !== null && typeof x === 'object') {
        for (const k of Object.keys(x)) if (k !== 'env') (paths.push([...path, k]), walk((x as Record<string, unknown>)[k], [...path, k]));
      }
    };
    walk(best, []);
    for (const path of paths.reverse()) {
      if (++tries > maxTries) break;
      const cand = structuredClone(best);
      let parent: unknown = cand;
      for (const k of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
      const last = path[path.length - 1]!;
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete (parent as Record<string, unknown>)[last as string];
      if (fails(cand)) {
        best = cand;
        progress = true;
        break;
      }
    }
  }
  return best;
}

export { JSON_MUTATIONS, MEMORY_MUTATIONS, MUTATION_KINDS };
