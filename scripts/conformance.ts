// `npx tsx scripts/conformance.ts [--algorithm ion|fastalloc|both] [--no-check] [folder...]` (default: wasm-large):
// whole corpus folders through the allocators, every output proven by the
// checker and compared with regalloc2's; the slowest functions and the peak
// RSS are printed. Run before each stop: wasm-large/ is too slow for npm test.
// `--no-check` only compares with regalloc2's output (a quick run after a change).

import { parseArgs } from 'node:util';
import { corpusFiles } from '../test/support/corpus.js';
import { conformance } from '../test/support/conformance.js';

const { values, positionals } = parseArgs({ options: { algorithm: { type: 'string', default: 'both' }, 'no-check': { type: 'boolean', default: false } }, allowPositionals: true });
const algorithms = values.algorithm === 'both' ? (['ion', 'fastalloc'] as const) : ([values.algorithm as 'ion' | 'fastalloc'] as const);
const folders = positionals.length ? positionals : ['wasm-large'];
let bad = 0;
for (const folder of folders) {
  const files = corpusFiles(folder);
  for (const algorithm of algorithms) {
    const t0 = performance.now();
    const times: [string, number][] = [];
    const r = conformance(files, algorithm, (name, ms) => times.push([name, ms]), !values['no-check']);
    const slowest = times.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, ms]) => `${n} ${ms.toFixed(0)} ms`);
    const ok = r.identical === r.comparable && r.statsSame === r.comparable;
    if (!ok) bad++;
    process.stdout.write(
      `${folder} ${algorithm}: ${r.functions} functions, identical ${r.identical}/${r.comparable}, stats ${r.statsSame}/${r.comparable}, ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s (allocation + checker + parsing); slowest ${slowest.join(', ')}; ` +
        `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB${ok ? '' : `\n  differing: ${r.differing.join('\n  ')}`}\n`,
    );
  }
}
if (bad) process.exitCode = 1;
