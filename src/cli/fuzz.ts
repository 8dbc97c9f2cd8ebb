// `regalloc fuzz`: the fuzz loop with a progress line; failures are written
// (original and minimized) in the corpus format with the command to reproduce.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocate } from '../allocate.js';
import { checkOutput } from '../checker/index.js';
import { type FuzzAlgorithm, runFuzz } from '../fuzz/driver.js';
import type { FuzzSize } from '../fuzz/func_gen.js';
import { corpusToJson } from '../io/corpus.js';

export interface FuzzCommandValues {
  algorithm?: string;
  cases?: string;
  seconds?: string;
  seed?: string;
  size?: string;
  out?: string;
}

export function runFuzzCommand(v: FuzzCommandValues): void {
  const alg = v.algorithm ?? 'both';
  const algorithms: FuzzAlgorithm[] =
    alg === 'both' ? ['ion', 'fastalloc'] : alg === 'ion' || alg === 'fastalloc' ? [alg] : [];
  if (algorithms.length === 0) throw new Error(`--algorithm must be ion, fastalloc or both, not '${alg}'`);
  const size = (v.size ?? 'mixed') as FuzzSize | 'mixed';
  if (!['small', 'medium', 'large', 'mixed'].includes(size)) throw new Error(`--size must be small, medium, large or mixed`);
  const seed = v.seed !== undefined ? Number(v.seed) : (Date.now() * 7919) >>> 0;
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a non-negative integer');
  const cases = v.cases !== undefined ? Number(v.cases) : undefined;
  const seconds = v.seconds !== undefined ? Number(v.seconds) : undefined;
  if (cases === undefined && seconds === undefined) throw new Error('give --cases N or --seconds S');
  const tty = process.stderr.isTTY;
  process.stderr.write(`fuzzing ${algorithms.join('+')} from seed ${seed}, size ${size}\n`);
  const { stats, failure } = runFuzz(
    {
      algorithms,
      seed,
      cases,
      seconds,
      size,
      onProgress: (s) => {
        const line = `${s.cases} cases (${s.skipped} skipped), ${s.failures} failures, ${((s.cases * 1000) / Math.max(1, s.elapsedMs)).toFixed(0)} cases/s`;
        process.stderr.write(tty ? `\r${line}` : `${line}\n`);
      },
    },
    { allocate, check: checkOutput },
  );
  if (tty) process.stderr.write('\n');
  const summary = `${stats.cases} cases (${stats.skipped} skipped; small ${stats.bySize.small}, medium ${stats.bySize.medium}, large ${stats.bySize.large}), ${stats.allocations} allocations, ${stats.insts} instructions, ${stats.failures} failures, ${(stats.elapsedMs / 1000).toFixed(1)} s`;
  process.stdout.write(summary + '\n');
  if (!failure) return;
  mkdirSync(v.out ?? 'fuzz-failures', { recursive: true });
  const base = join(v.out ?? 'fuzz-failures', `fuzz-${failure.algorithm}-${failure.caseSeed}`);
  const write = (file: string, func: typeof failure.func, what: string) =>
    writeFileSync(
      file,
      JSON.stringify({ ...corpusToJson({ name: `fuzz-${failure.caseSeed}${what}`, origin: `regalloc fuzz --seed ${failure.caseSeed} --cases 1 --size ${failure.size}`, func, env: failure.env, reference: {} }) }) + '\n',
    );
  write(`${base}.json`, failure.func, '');
  write(`${base}.min.json`, failure.minimized, '-min');
  process.stdout.write(
    `FAILED (${failure.algorithm}): ${failure.error}\n` +
      `  function: ${base}.json (${failure.func.numInsts()} insts)\n` +
      `  minimized: ${base}.min.json (${failure.minimized.numInsts()} insts)\n` +
      `  reproduce: regalloc fuzz --algorithm ${failure.algorithm} --seed ${failure.caseSeed} --cases 1 --size ${failure.size}\n` +
      `         or: regalloc allocate --algorithm ${failure.algorithm} --check ${base}.min.json\n`,
  );
  process.exitCode = 1;
}
