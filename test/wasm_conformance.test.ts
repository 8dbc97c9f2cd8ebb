// Real programs (wasm/: SQLite, esbuild, swc as Cranelift hands them to
// regalloc2): a fixed sample of a quarter of the folder through both
// allocators, checker-clean and identical to regalloc2. The whole folder, and
// wasm-large/, run in scripts/conformance.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corpusFiles } from './support/corpus.js';
import { conformance } from './support/conformance.js';

const sample = corpusFiles('wasm').filter((_, i) => i % 4 === 0);

for (const algorithm of ['ion', 'fastalloc'] as const) {
  test(`wasm/ (every 4th function), ${algorithm}: checker-clean, identical to regalloc2`, () => {
    const r = conformance(sample, algorithm);
    assert.equal(r.functions, sample.length);
    assert.ok(r.comparable > sample.length * 0.9, `${r.comparable} comparable`);
    assert.deepEqual(r.differing, []);
    assert.equal(r.identical, r.comparable);
    assert.equal(r.statsSame, r.comparable);
  });
}
