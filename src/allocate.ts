// The library's entry point: run the chosen allocator on a function.

import type { Function, MachineEnv, Output, RegallocOptions } from './model/function.js';

/**
 * Allocate registers for `func` under `env`. Ion (the default) gives the best
 * code; Fastalloc is a single fast pass. Throws a `RegAllocError` on bad input.
 */
export function allocate(func: Function, env: MachineEnv, options: RegallocOptions = {}): Output {
  const algorithm = options.algorithm ?? 'ion';
  throw new Error(`allocate: the ${algorithm} allocator is not available in this build`);
}
