// `npx tsx bench/batch.ts [--algorithm ion|fastalloc] [--workers N] [--passes N] [--mode single|pool] <dir>`:
// the throughput of regalloc/batch against one thread, on a folder loaded
// first (untimed). `--mode single` allocates every function once per pass on
// this thread (validation included, as allocate() does); `--mode pool`
// starts an AllocationPool (its start-up is part of pass 1) and sends the
// whole folder per pass. Each pass prints its wall time, throughput and the
// CPU time of all the process's threads (with a pool, its workers' too: near
// twice the wall time when both cores are kept busy). Run each mode in a
// fresh process and compare. It imports the built package (run `npm run
// build` first).

import { parseArgs } from 'node:util';
import { expandPaths } from '../src/cli/files.js';
// The built package (npm run build first): workers then run the shipped JavaScript.
import { allocate, type Function, type MachineEnv } from 'regalloc';
import { AllocationPool } from 'regalloc/batch';
import { readCorpusFile } from 'regalloc/io';

const { values, positionals } = parseArgs({
  options: {
    algorithm: { type: 'string', default: 'ion' },
    workers: { type: 'string', default: '2' },
    passes: { type: 'string', default: '4' },
    mode: { type: 'string', default: 'pool' },
  },
  allowPositionals: true,
});
const algorithm = values.algorithm === 'fastalloc' ? 'fastalloc' : 'ion';
const funcs: Function[] = [];
const envs: MachineEnv[] = [];
const envIndex: number[] = [];
const envKeys = new Map<string, number>();
let insts = 0;
for (const file of expandPaths(positionals)) {
  const c = readCorpusFile(file);
  if (!c.reference[algorithm]?.ok) continue;
  const key = JSON.stringify(c.env, (_, v) => (v instanceof Uint32Array ? Array.from(v) : v));
  let k = envKeys.get(key);
  if (k === undefined) {
    envKeys.set(key, (k = envs.length));
    envs.push(c.env);
  }
  funcs.push(c.func);
  envIndex.push(k);
  insts += c.func.numInsts();
}
const ms = (ns: number) => (ns / 1e6).toFixed(1);
process.stdout.write(`${positionals.join(' ')} (${algorithm}, ${values.mode}): ${funcs.length} functions, ${insts} insts, ${envs.length} envs\n`);
const t0 = process.hrtime.bigint();
const pool = values.mode === 'pool' ? new AllocationPool(envs, { algorithm, workers: Number(values.workers) }) : undefined;
for (let pass = 1; pass <= Number(values.passes); pass++) {
  const start = pass === 1 ? t0 : process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let failed = 0;
  if (pool) {
    const results = await pool.allocate(funcs, { envIndex });
    failed = results.filter((r) => !r.ok).length;
  } else {
    for (let i = 0; i < funcs.length; i++) {
      try {
        allocate(funcs[i]!, envs[envIndex[i]!]!, { algorithm });
      } catch {
        failed++;
      }
    }
  }
  const ns = Number(process.hrtime.bigint() - start);
  // CPU time of every thread of the process: the pool's workers included.
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`  pass ${pass}: ${ms(ns)} ms, ${((insts / ns) * 1e3).toFixed(3)} M insts/s, cpu ${ms((cpu.user + cpu.system) * 1e3)} ms${failed ? `, ${failed} failed` : ''}\n`);
}
await pool?.close();
