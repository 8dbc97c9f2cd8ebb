// `regalloc fuzz`: the fuzz loop with a progress line; failures are written
// (original and minimized) in the corpus format with the command to reproduce.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocate } from '../allocate.js';
import { checkOutput } from '../checker/index.js';
import { type FuzzAlgorithm, runFuzz } from '../fuzz/driver.js';
import type { FuzzSize } from '../fuzz/func_gen.js';
import { corpusToJson } from '../io/corpus.js';
import { choiceOption, type Command, intOption, numberOption, type OptionValues, UsageError } from './command.js';

export const fuzzCommand: Command = {
  name: 'fuzz',
  summary: 'generate, validate, allocate and check random functions',
  args: '',
  description:
    'Stops after --cases N or --seconds S. On a failure, writes the function and a minimized one to\n' +
    '--out DIR with the command that reproduces it, and exits with status 1.',
  options: {
    algorithm: { type: 'string', value: 'ion|fastalloc|both', help: 'the allocators to fuzz (default both)' },
    cases: { type: 'string', value: 'N', help: 'stop after N cases' },
    seconds: { type: 'string', value: 'S', help: 'stop after S seconds' },
    seed: { type: 'string', value: 'S', help: 'the first case seed (default: from the clock)' },
    size: { type: 'string', value: 'small|medium|large|mixed', help: 'function size (default mixed)' },
    out: { type: 'string', value: 'DIR', help: 'where failures are written (default fuzz-failures)' },
  },
  takesPaths: false,
  run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`takes no file arguments, got '${positionals[0]}'`);
    runFuzzCommand(values);
  },
};

function runFuzzCommand(v: OptionValues): void {
  const alg = choiceOption(v, 'algorithm', ['ion', 'fastalloc', 'both'], 'both');
  const algorithms: FuzzAlgorithm[] = alg === 'both' ? ['ion', 'fastalloc'] : [alg];
  const size = choiceOption<FuzzSize | 'mixed'>(v, 'size', ['small', 'medium', 'large', 'mixed'], 'mixed');
  const seed = intOption(v, 'seed', 0, 0xffffffff) ?? (Date.now() * 7919) >>> 0;
  const cases = intOption(v, 'cases', 1);
  const seconds = numberOption(v, 'seconds');
  if (cases === undefined && seconds === undefined) throw new UsageError('give --cases N or --seconds S');
  const outDir = typeof v.out === 'string' ? v.out : 'fuzz-failures';
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
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `fuzz-${failure.algorithm}-${failure.caseSeed}`);
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
