import { CFGInfo } from './analysis/cfg.js';
import { validateFunction, validateIndices, validateStructure } from './analysis/validate.js';
import { FastallocContext, runFastalloc } from './fastalloc/index.js';
import { IonEnv } from './ion/env.js';
import { runIonPasses } from './ion/index.js';
import { checkEnvShape } from './model/env_shape.js';
import { RegAllocError } from './model/errors.js';
import type { Function, MachineEnv, Output, RegallocOptions } from './model/function.js';

/** regalloc2 numbers spill slots with 24 bits. */
const MAX_SPILLSLOTS = 1 << 24;

/**
 * The contexts whose buffers successive calls reuse. A run that stops midway
 * (a RegAllocError such as TooManyLiveRegs, or a crash) can leave per-
 * instruction state behind that the next run would trust (Fastalloc then
 * allocated the next function wrongly), so its context is replaced.
 */
let ionEnv = new IonEnv();
let fastallocContext = new FastallocContext();

/** The options `allocate` passes on to an allocator, made once rather than per call. */
const NO_OPTIONS: RegallocOptions = Object.freeze({ validate: false, validateSsa: false });
const ANNOTATE: RegallocOptions = Object.freeze({ validate: false, validateSsa: false, annotate: true });

/**
 * Allocates registers for `func` under `env`. Ion (the default) is the
 * backtracking allocator that gives the best code; Fastalloc is a single
 * fast pass. Throws a `RegAllocError` on bad input or when allocation is
 * impossible, and nothing else: a failure inside an allocator (a bug here)
 * is an `Internal` error. With `validate` (the default), the input is fully
 * validated first; see `RegallocOptions.validate` for what skipping it means.
 * The env's shape is always checked.
 *
 * ```ts
 * const out = allocate(func, x86_64SystemV.env, { algorithm: 'fastalloc' });
 * ```
 */
export function allocate(func: Function, env: MachineEnv, options: RegallocOptions = {}): Output {
  const algorithm = options.algorithm ?? 'ion';
  checkEnvShape(env); // a few checks, even without validation: a malformed env is a typed error, not a crash
  // Without validation, the block ranges, edges, counts and every index are
  // still checked (linear, cheap next to allocating): a block range far past
  // the function, or a vreg past num_vregs, sent Fastalloc into a loop that
  // did not end.
  // Validation computes the CFG analyses; Ion reuses them.
  let cfg: CFGInfo | null = null;
  if (options.validate ?? options.validateSsa ?? true) cfg = validateFunction(func, env);
  else {
    validateStructure(func);
    validateIndices(func);
  }
  // The allocators read only `annotate` (and their own SSA flag, off here).
  const inner = options.annotate ? ANNOTATE : NO_OPTIONS;
  let out: Output;
  try {
    out = algorithm === 'fastalloc' ? runFastalloc(func, env, inner, fastallocContext) : runIonPasses(ionEnv, func, env, inner, cfg ?? CFGInfo.compute(func));
  } catch (e) {
    if (algorithm === 'fastalloc') fastallocContext = new FastallocContext();
    else ionEnv = new IonEnv();
    if (e instanceof RegAllocError) throw e;
    const err = new RegAllocError(
      'Internal',
      `${algorithm} failed inside (${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)}); ` +
        (options.validate === false || options.validateSsa === false
          ? 'validation was off: check the input with validateFunction'
          : 'the input was valid, so this is a bug in the allocator'),
    );
    (err as { cause?: unknown }).cause = e;
    throw err;
  }
  if (out.numSpillslots > MAX_SPILLSLOTS) {
    throw new RegAllocError('TooManySpillslots', `${out.numSpillslots} spill slots exceed regalloc2's limit of ${MAX_SPILLSLOTS}`);
  }
  return out;
}
