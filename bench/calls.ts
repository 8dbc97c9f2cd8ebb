// `npx tsx bench/calls.ts [--algorithm ion|fastalloc] [--calls N] [--check] [--warmup] <file|dir>...`:
// each function allocated N times in a row (default 3) in this process, one
// line per function with every call's time, the last call's ratio to native
// `time_ns` and the peak RSS so far. The scale check of issue 11: on
// wasm-large/ the third call should stay within 1.5x native, flat with size.
// --check also runs our checker on the last output and times it. --warmup
// first allocates every function once, untimed, so that the JIT has settled
// before the first function is timed (otherwise the first few functions'
// third calls still run partly unoptimized code).

import { parseArgs } from 'node:util';
import { checkOutput } from '../src/checker/index.js';
import { expandPaths } from '../src/cli/files.js';
import { FastallocContext } from '../src/fastalloc/index.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { IonContext } from '../src/ion/index.js';

const { values, positionals } = parseArgs({
  options: {
    algorithm: { type: 'string', default: 'ion' },
    calls: { type: 'string', default: '3' },
    check: { type: 'boolean', default: false },
    warmup: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const algorithm = values.algorithm === 'fastalloc' ? 'fastalloc' : 'ion';
const ctx = algorithm === 'fastalloc' ? new FastallocContext() : new IonContext();
const calls = Math.max(1, Number(values.calls));
const ms = (ns: number) => (ns / 1e6).toFixed(1);
const ratios: number[] = [];
const cpuRatios: number[] = [];
let worst = { ratio: 0, name: '' };
let worstCpu = { ratio: 0, name: '' };
if (values.warmup) {
  for (const file of expandPaths(positionals)) {
    const c = readCorpusFile(file);
    if (c.reference[algorithm]?.ok) ctx.run(c.func, c.env);
  }
}
for (const file of expandPaths(positionals)) {
  const c = readCorpusFile(file);
  const ref = c.reference[algorithm];
  if (!ref?.ok || ref.timeNs === undefined) continue;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let out;
  for (let i = 0; i < calls; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    out = ctx.run(c.func, c.env);
    times.push(Number(process.hrtime.bigint() - t0));
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) * 1000);
  }
  let checkText = '';
  if (values.check) {
    const t0 = process.hrtime.bigint();
    checkOutput(c.func, c.env, out!);
    checkText = `, checker ${ms(Number(process.hrtime.bigint() - t0))} ms`;
  }
  const ratio = times[times.length - 1]! / ref.timeNs;
  const cpuRatio = cpuTimes[cpuTimes.length - 1]! / ref.timeNs;
  ratios.push(ratio);
  cpuRatios.push(cpuRatio);
  if (ratio > worst.ratio) worst = { ratio, name: c.name };
  if (cpuRatio > worstCpu.ratio) worstCpu = { ratio: cpuRatio, name: c.name };
  const rss = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `${c.name}: ${c.func.numInsts()} insts, ${c.func.numBlocks()} blocks, ${c.func.numVregs()} vregs; ` +
      `calls ${times.map(ms).join(' ')} ms (cpu ${cpuTimes.map(ms).join(' ')}); native ${ms(ref.timeNs)} ms; last ${ratio.toFixed(2)}x (cpu ${cpuRatio.toFixed(2)}x)${checkText}; peak RSS ${rss} MB\n`,
  );
}
const geomean = (xs: number[]) => Math.exp(xs.reduce((a, r) => a + Math.log(r), 0) / Math.max(1, xs.length));
process.stdout.write(
  `${ratios.length} functions, last-call geomean ${geomean(ratios).toFixed(2)}x (cpu ${geomean(cpuRatios).toFixed(2)}x), ` +
    `worst ${worst.ratio.toFixed(2)}x (${worst.name}), cpu worst ${worstCpu.ratio.toFixed(2)}x (${worstCpu.name}); peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`,
);
