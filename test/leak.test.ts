// Reused contexts keep their buffers, sized by the largest function seen:
// after the first passes over a set of functions, more passes must not grow
// the heap (the leak check over 20 passes, on a small sample).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FastallocContext } from '../src/fastalloc/index.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { IonContext } from '../src/ion/index.js';
import { corpusFiles } from './support/corpus.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('20 passes through one context: no heap growth after the first passes', () => {
  const fns = corpusFiles('fuzz')
    .filter((_, i) => i % 25 === 0)
    .map((f) => readCorpusFile(f))
    .filter((c) => c.func.numInsts() < 1500);
  const ion = new IonContext();
  const fast = new FastallocContext();
  const heap: number[] = [];
  for (let pass = 1; pass <= 20; pass++) {
    for (const c of fns) {
      ion.run(c.func, c.env);
      fast.run(c.func, c.env);
    }
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }
  const settled = heap[4]!;
  const last = heap[19]!;
  assert.ok(last < settled * 1.1 + 1e6, `heap grew from ${(settled / 1e6).toFixed(1)} MB (pass 5) to ${(last / 1e6).toFixed(1)} MB (pass 20)`);
});
