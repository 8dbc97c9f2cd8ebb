// The checker's CPU time on normal functions: allocates every function of the
// given corpus folders with both allocators (untimed), then times checkOutput
// over all of them, several passes, and prints the best pass. With --verdicts
// FILE it also writes every verdict (one line per function and allocator), to
// compare two versions of the checker.
//   npx tsx bench/checker_corpus.ts [--passes N] [--verdicts FILE] DIR...

import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocate } from '../src/allocate.js';
import { checkerVerdict } from '../src/checker/index.js';
import { readCorpusFile } from '../src/io/corpus.js';
import type { Function, MachineEnv, Output } from '../src/model/function.js';

const args = process.argv.slice(2);
let passes = 5;
let verdictFile: string | undefined;
const dirs: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--passes') passes = Number(args[++i]);
  else if (args[i] === '--verdicts') verdictFile = args[++i];
  else dirs.push(args[i]!);
}
const cases: { name: string; func: Function; env: MachineEnv; out: Output }[] = [];
for (const dir of dirs) {
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json.gz')) continue;
    const file = readCorpusFile(join(dir, name));
    for (const algorithm of ['ion', 'fastalloc'] as const) {
      try {
        cases.push({ name: `${name} ${algorithm}`, func: file.func, env: file.env, out: allocate(file.func, file.env, { algorithm }) });
      } catch {
        // an input the allocator rejects has nothing to check
      }
    }
  }
}
const verdicts = cases.map((c) => `${c.name}: ${checkerVerdict(c.func, c.env, c.out)}`);
if (verdictFile) writeFileSync(verdictFile, verdicts.join('\n') + '\n');
let best = Infinity;
for (let p = 0; p < passes; p++) {
  const cpu0 = process.cpuUsage();
  for (const c of cases) checkerVerdict(c.func, c.env, c.out);
  const c = process.cpuUsage(cpu0);
  best = Math.min(best, (c.user + c.system) / 1000);
}
const bad = verdicts.filter((v) => !v.endsWith(': ok')).length;
process.stdout.write(`${cases.length} outputs (${bad} not ok): best of ${passes} passes ${best.toFixed(0)} ms CPU\n`);
