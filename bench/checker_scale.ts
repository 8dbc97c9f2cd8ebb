// Checker time and peak memory on one large input, one process per run so the
// peak RSS is the run's own:
//   npx tsx bench/checker_scale.ts chain N ion|fastalloc
//   npx tsx bench/checker_scale.ts file PATH.json.gz ion|fastalloc
// Allocates untimed (validation off), then times checkOutput in CPU time.

import { allocate } from '../src/allocate.js';
import { checkerVerdict } from '../src/checker/index.js';
import { deepChain, envWith } from '../src/fuzz/degenerate.js';
import { readCorpusFile } from '../src/io/corpus.js';
import type { Function, MachineEnv } from '../src/model/function.js';

const [what, arg, algorithm] = process.argv.slice(2) as [string, string, 'ion' | 'fastalloc'];
let func: Function;
let env: MachineEnv;
if (what === 'chain') {
  func = deepChain(Number(arg));
  env = envWith(16);
} else {
  const file = readCorpusFile(arg);
  func = file.func;
  env = file.env;
}
const out = allocate(func, env, { algorithm, validate: false });
const rss0 = process.resourceUsage().maxRSS / 1024;
const cpu0 = process.cpuUsage();
const verdict = checkerVerdict(func, env, out);
const c = process.cpuUsage(cpu0);
const rss1 = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${what} ${arg} ${algorithm}: blocks ${func.numBlocks()} slots ${out.numSpillslots} | check cpu ${((c.user + c.system) / 1e6).toFixed(2)} s | ` +
    `peak RSS ${rss1.toFixed(0)} MB (${rss0.toFixed(0)} MB before the check) | ${verdict.slice(0, 120)}\n`,
);
