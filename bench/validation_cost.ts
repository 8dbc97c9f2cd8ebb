// What input validation costs next to allocation, on the corpus:
// `npx tsx bench/validation_cost.ts [--every N] [--folder F]...`. For each
// function (every Nth file), the median CPU time of a few runs of
// validateFunction and of each allocator with validation off; the report is
// the summed validation time over the summed allocation time, per folder.

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allocate } from '../src/allocate.js';
import { validateFunction } from '../src/analysis/validate.js';
import { readCorpusFile } from '../src/io/corpus.js';

const { values } = parseArgs({
  options: {
    every: { type: 'string', default: '1' },
    folder: { type: 'string', multiple: true },
    runs: { type: 'string', default: '5' },
  },
});
const corpus = resolve(process.env.REGALLOC_CORPUS ?? join(import.meta.dirname ?? '.', '..', '..', 'shared', 'corpus'));
const folders = values.folder ?? ['fuzz', 'cranelift', 'fuzzgen', 'wasm'];
const every = Number(values.every);
const runs = Number(values.runs);

/** Median CPU time (user + system) of `runs` calls, after one untimed: on a busy machine wall time is mostly waiting. */
function medianMs(run: () => unknown): number {
  run(); // warm
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const c0 = process.cpuUsage();
    run();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  return times.sort((a, b) => a - b)[runs >> 1]!;
}

for (const folder of folders) {
  const files = readdirSync(join(corpus, folder)).filter((f) => f.endsWith('.json.gz') || f.endsWith('.json')).sort();
  let validate = 0;
  let ion = 0;
  let fastalloc = 0;
  let n = 0;
  for (let i = 0; i < files.length; i += every) {
    const c = readCorpusFile(join(corpus, folder, files[i]!));
    validate += medianMs(() => validateFunction(c.func, c.env));
    ion += medianMs(() => allocate(c.func, c.env, { algorithm: 'ion', validate: false }));
    fastalloc += medianMs(() => allocate(c.func, c.env, { algorithm: 'fastalloc', validate: false }));
    n++;
  }
  const pct = (x: number) => `${((100 * validate) / x).toFixed(1)}%`;
  process.stdout.write(
    `${folder.padEnd(10)} ${String(n).padStart(5)} functions: validation ${validate.toFixed(0)} ms = ${pct(ion)} of Ion's ${ion.toFixed(0)} ms, ${pct(fastalloc)} of Fastalloc's ${fastalloc.toFixed(0)} ms\n`,
  );
}
