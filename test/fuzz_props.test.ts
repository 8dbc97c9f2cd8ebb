// Property tests: generated functions (the fuzzer's generator, every option
// and constraint kind) allocated by each allocator and proven by the checker.
// Bounded to a few seconds; the long runs use `regalloc fuzz`.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allocate } from '../src/allocate.js';
import { checkOutput } from '../src/checker/index.js';
import { generateCase } from '../src/fuzz/driver.js';
import type { FuzzSize } from '../src/fuzz/func_gen.js';
import { validateFunction } from '../src/analysis/validate.js';

const RUNS: Record<FuzzSize, number> = { small: 300, medium: 12, large: 2 };

describe('allocators on generated functions (fast-check)', () => {
  for (const algorithm of ['ion', 'fastalloc'] as const) {
    for (const size of ['small', 'medium', 'large'] as FuzzSize[]) {
      it(`${algorithm}, ${size}: every allocation passes the checker`, () => {
        let allocated = 0;
        fc.assert(
          fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
            const c = generateCase(seed, size);
            if (c === null) return; // the generator gave up on this seed, as regalloc2's does
            validateFunction(c.func, c.env);
            const out = allocate(c.func, c.env, { algorithm, validateSsa: false });
            checkOutput(c.func, c.env, out);
            // The packed and object forms of the edits agree.
            assert.equal(out.packedEdits!.length, out.edits.length * 3);
            allocated++;
          }),
          // A failing seed is reported as is: shrinking an integer seed means nothing.
          { numRuns: RUNS[size], endOnFailure: true },
        );
        assert.ok(allocated >= RUNS[size] * 0.5, `only ${allocated} of ${RUNS[size]} seeds gave a function`);
      });
    }
  }
});
