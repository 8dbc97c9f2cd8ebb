// Conformance over a list of corpus files: every output proven by the
// checker, identical to regalloc2's where regalloc2's is correct (and, for
// Ion, the same stats). Shared by the tests (sampled folders) and
// scripts/conformance.ts (whole folders, wasm-large/).

import { allocate } from '../../src/allocate.js';
import { checkOutput } from '../../src/checker/index.js';
import { compareOutputs } from '../../src/io/compare.js';
import { readCorpusFile } from '../../src/io/corpus.js';

export interface ConformanceResult {
  functions: number;
  comparable: number;
  identical: number;
  statsSame: number;
  differing: string[];
}

/** With `check` false the outputs are only compared with regalloc2's (identical output is as proven as regalloc2's own): a quick run. */
export function conformance(files: readonly string[], algorithm: 'ion' | 'fastalloc', onFile?: (name: string, ms: number) => void, check = true): ConformanceResult {
  const r: ConformanceResult = { functions: 0, comparable: 0, identical: 0, statsSame: 0, differing: [] };
  for (const path of files) {
    const c = readCorpusFile(path);
    const t0 = performance.now();
    const out = allocate(c.func, c.env, { algorithm, validateSsa: false });
    if (check) checkOutput(c.func, c.env, out);
    onFile?.(c.name, performance.now() - t0);
    r.functions++;
    const ref = c.reference[algorithm];
    if (!ref?.ok || ref.checker !== 'ok') continue;
    r.comparable++;
    const cmp = compareOutputs(out, ref.output, true);
    if (cmp.identical) r.identical++;
    else r.differing.push(`${c.name}: ${cmp.detail}`);
    const stats = out.stats as unknown as Record<string, number>;
    if (algorithm === 'fastalloc' || (ref.stats && Object.entries(ref.stats).every(([k, v]) => stats[k] === v))) r.statsSame++;
  }
  return r;
}
