// Sums the cost score (src/score) of Ion's and Fastalloc's allocations over
// each corpus folder: ours, and regalloc2's stored references beside them.
// Usage: npx tsx scripts/score_corpus.ts [folder...]   (invalid/ has nothing to score)

import { validateFunction } from '../src/analysis/validate.js';
import { allocate } from '../src/allocate.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { score } from '../src/score/index.js';
import { corpusFiles } from '../test/support/corpus.js';

const folders = process.argv.length > 2 ? process.argv.slice(2) : ['fuzz', 'cranelift', 'fuzzgen', 'variants', 'wasm', 'wasm-large'];
const algorithms = ['ion', 'fastalloc'] as const;
console.log('folder      functions  Ion (ours)    Ion (regalloc2)  Fastalloc (ours)  Fastalloc (regalloc2)  failed');
for (const folder of folders) {
  const ours = { ion: 0, fastalloc: 0 };
  const reference = { ion: 0, fastalloc: 0 };
  let n = 0;
  const failed: string[] = [];
  for (const path of corpusFiles(folder)) {
    const c = readCorpusFile(path);
    validateFunction(c.func, c.env);
    n++;
    for (const algorithm of algorithms) {
      try {
        ours[algorithm] += score(c.func, allocate(c.func, c.env, { algorithm, validateSsa: false }), { env: c.env });
      } catch (e) {
        failed.push(`${c.name} ${algorithm}: ${(e as Error).message}`);
      }
      const ref = c.reference[algorithm];
      if (ref?.ok) reference[algorithm] += score(c.func, ref.output, { env: c.env });
    }
  }
  const f = (x: number) => x.toFixed(1).padStart(16);
  console.log(`${folder.padEnd(11)} ${String(n).padStart(9)} ${f(ours.ion)} ${f(reference.ion)} ${f(ours.fastalloc)} ${f(reference.fastalloc)}  ${failed.length}`);
  for (const l of failed) console.log(`  ${l}`);
}
