import { validateFunction } from './analysis/validate.js';
import { runFastalloc } from './fastalloc/index.js';
import { runIon } from './ion/index.js';
import { checkEnvShape } from './model/env_shape.js';
import type { Function, MachineEnv, Output, RegallocOptions } from './model/function.js';

/**
 * Allocates registers for `func` under `env`. Ion (the default) is the
 * backtracking allocator that gives the best code; Fastalloc is a single
 * fast pass. Throws a `RegAllocError` on bad input or when allocation is
 * impossible. With `validateSsa` (the default), the input is fully
 * validated first. The env's shape is always checked.
 *
 * ```ts
 * const out = allocate(func, x86_64SystemV.env, { algorithm: 'fastalloc' });
 * ```
 */
export function allocate(func: Function, env: MachineEnv, options: RegallocOptions = {}): Output {
  const algorithm = options.algorithm ?? 'ion';
  checkEnvShape(env); // a few checks, even without validation: a malformed env is a typed error, not a crash
  if (options.validateSsa ?? true) validateFunction(func, env);
  const inner = { ...options, validateSsa: false };
  return algorithm === 'fastalloc' ? runFastalloc(func, env, inner) : runIon(func, env, inner);
}
