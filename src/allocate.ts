import { validateFunction } from './analysis/validate.js';
import { runFastalloc } from './fastalloc/index.js';
import type { Function, MachineEnv, Output, RegallocOptions } from './model/function.js';

/**
 * Allocates registers for `func` under `env`. Fastalloc is a single fast
 * pass; Ion (the default, once available) gives the best code. Throws a
 * `RegAllocError` on bad input or when allocation is impossible. With
 * `validateSsa` (the default), the input is fully validated first.
 */
export function allocate(func: Function, env: MachineEnv, options: RegallocOptions = {}): Output {
  const algorithm = options.algorithm ?? 'ion';
  if (options.validateSsa ?? true) validateFunction(func, env);
  switch (algorithm) {
    case 'fastalloc':
      return runFastalloc(func, env, { ...options, validateSsa: false });
    case 'ion':
      throw new Error('allocate: the ion allocator is not available in this build yet');
  }
}
