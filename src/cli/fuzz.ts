// `regalloc fuzz`: the fuzz loop with a progress line; failures are written
// (original and minimized) in the corpus format with the command to reproduce.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocate } from '../allocate.js';
import { checkOutput } from '../checker/index.js';
import { type FuzzAlgorithm, runFuzz } from '../fuzz/driver.js';
import type { FuzzSize } from '../fuzz/func_gen.js';
import { MUTATION_KINDS, type MutateStats, runMutateFuzz } from '../fuzz/mutate_driver.js';
import { corpusToJson, readCorpusFile } from '../io/corpus.js';
import { checkPathsExist } from './command.js';
import { expandPaths } from './files.js';
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
    mutate: {
      type: 'boolean',
      help: 'corrupt valid functions structurally: each case must get a typed error or a proven allocation',
    },
    from: { type: 'string', value: 'DIR', help: 'with --mutate: corrupt the functions of these files instead of generated ones' },
    'case-ms': { type: 'string', value: 'MS', help: 'with --mutate: a case slower than this fails (default 10000)' },
    'no-validate': {
      type: 'boolean',
      help: 'with --mutate: allocate with validation off, counting wrong allocations instead of failing on them',
    },
  },
  takesPaths: false,
  run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`takes no file arguments, got '${positionals[0]}'`);
    if (values.mutate) runMutateCommand(values);
    else {
      for (const flag of ['from', 'case-ms', 'no-validate']) if (values[flag] !== undefined) throw new UsageError(`--${flag} applies only with --mutate`);
      runFuzzCommand(values);
    }
  },
};

/** The options both fuzzers take, checked. */
function runOptions(v: OptionValues) {
  const alg = choiceOption(v, 'algorithm', ['ion', 'fastalloc', 'both'], 'both');
  const algorithms: FuzzAlgorithm[] = alg === 'both' ? ['ion', 'fastalloc'] : [alg];
  const size = choiceOption<FuzzSize | 'mixed'>(v, 'size', ['small', 'medium', 'large', 'mixed'], 'mixed');
  const seed = intOption(v, 'seed', 0, 0xffffffff) ?? (Date.now() * 7919) >>> 0;
  const cases = intOption(v, 'cases', 1);
  const seconds = numberOption(v, 'seconds');
  if (cases === undefined && seconds === undefined) throw new UsageError('give --cases N or --seconds S');
  const outDir = typeof v.out === 'string' ? v.out : 'fuzz-failures';
  return { algorithms, size, seed, cases, seconds, outDir };
}

function runFuzzCommand(v: OptionValues): void {
  const { algorithms, size, seed, cases, seconds, outDir } = runOptions(v);
  const json = v.json === true;
  const tty = process.stderr.isTTY;
  if (!json) process.stderr.write(`fuzzing ${algorithms.join('+')} from seed ${seed}, size ${size}\n`);
  const { stats, failure } = runFuzz(
    {
      algorithms,
      seed,
      cases,
      seconds,
      size,
      onProgress: (s) => {
        if (json) return; // --json: stdout carries one object, stderr stays quiet
        const line = `${s.cases} cases (${s.skipped} skipped), ${s.failures} failures, ${((s.cases * 1000) / Math.max(1, s.elapsedMs)).toFixed(0)} cases/s`;
        process.stderr.write(tty ? `\r${line}` : `${line}\n`);
      },
    },
    { allocate, check: checkOutput },
  );
  if (tty && !json) process.stderr.write('\n');
  const summary = `${stats.cases} cases (${stats.skipped} skipped; small ${stats.bySize.small}, medium ${stats.bySize.medium}, large ${stats.bySize.large}), ${stats.allocations} allocations, ${stats.insts} instructions, ${stats.failures} failures, ${(stats.elapsedMs / 1000).toFixed(1)} s`;
  const reproduceOf = (f: NonNullable<typeof failure>) => `regalloc fuzz --algorithm ${f.algorithm} --seed ${f.caseSeed} --cases 1 --size ${f.size}`;
  const base = failure ? join(outDir, `fuzz-${failure.algorithm}-${failure.caseSeed}`) : '';
  if (json) {
    const { cases: n, skipped, bySize, allocations, insts, failures, elapsedMs } = stats;
    const record = { seed, algorithms, size, cases: n, skipped, bySize, allocations, insts, failures, elapsedMs };
    const failed = failure && { algorithm: failure.algorithm, caseSeed: failure.caseSeed, error: failure.error, function: `${base}.json`, minimized: `${base}.min.json`, reproduce: reproduceOf(failure) };
    process.stdout.write(JSON.stringify(failed ? { ...record, failure: failed } : record) + '\n');
  } else process.stdout.write(summary + '\n');
  if (!failure) return;
  mkdirSync(outDir, { recursive: true });
  const write = (file: string, func: typeof failure.func, what: string) =>
    writeFileSync(
      file,
      JSON.stringify({ ...corpusToJson({ name: `fuzz-${failure.caseSeed}${what}`, origin: `regalloc fuzz --seed ${failure.caseSeed} --cases 1 --size ${failure.size}`, func, env: failure.env, reference: {} }) }) + '\n',
    );
  write(`${base}.json`, failure.func, '');
  write(`${base}.min.json`, failure.minimized, '-min');
  if (!json) {
    process.stdout.write(
      `FAILED (${failure.algorithm}): ${failure.error}\n` +
        `  function: ${base}.json (${failure.func.numInsts()} insts)\n` +
        `  minimized: ${base}.min.json (${failure.minimized.numInsts()} insts)\n` +
        `  reproduce: ${reproduceOf(failure)}\n` +
        `         or: regalloc allocate --algorithm ${failure.algorithm} --check ${base}.min.json\n`,
    );
  }
  process.exitCode = 1;
}

function runMutateCommand(v: OptionValues): void {
  const { algorithms, size, seed, cases, seconds, outDir } = runOptions(v);
  const caseMs = intOption(v, 'case-ms', 1) ?? 10000;
  let bases;
  let from = '';
  if (typeof v.from === 'string') {
    checkPathsExist([v.from]);
    const files = expandPaths([v.from]);
    if (files.length === 0) throw new UsageError(`--from ${v.from}: no input files there`);
    from = ` --from ${v.from}`;
    bases = { count: files.length, load: (i: number) => readCorpusFile(files[i]!), name: (i: number) => files[i]! };
  }
  const json = v.json === true;
  const tty = process.stderr.isTTY;
  if (!json) process.stderr.write(`mutation fuzzing ${algorithms.join('+')} from seed ${seed}, ${bases ? `functions of ${v.from}` : `size ${size}`}\n`);
  const { stats, failure } = runMutateFuzz(
    {
      algorithms,
      seed,
      cases,
      seconds,
      size,
      caseMs,
      validate: v['no-validate'] !== true,
      ...(bases ? { bases } : {}),
      onProgress: (s) => {
        if (json) return;
        const line = `${s.cases} cases (${s.skipped} skipped), ${s.failures} failures, ${((s.cases * 1000) / Math.max(1, s.elapsedMs)).toFixed(0)} cases/s`;
        process.stderr.write(tty ? `\r${line}` : `${line}\n`);
      },
    },
    { allocate, check: checkOutput },
  );
  if (tty && !json) process.stderr.write('\n');
  const base = failure ? join(outDir, `mutate-${failure.algorithm}-${failure.caseSeed}`) : '';
  const reproduce = failure ? `regalloc fuzz --mutate --algorithm ${failure.algorithm} --seed ${failure.caseSeed} --cases 1${from}${bases ? '' : ` --size ${size}`}` : '';
  if (json) {
    const record = { seed, algorithms, size: bases ? null : size, from: bases ? v.from : null, ...stats };
    const failed = failure && {
      algorithm: failure.algorithm,
      caseSeed: failure.caseSeed,
      corruption: failure.kind,
      error: failure.error,
      input: `${base}.json`,
      ...(failure.minimized ? { minimized: `${base}.min.json` } : {}),
      reproduce,
    };
    process.stdout.write(JSON.stringify(failed ? { ...record, failure: failed } : record) + '\n');
  } else process.stdout.write(mutateSummary(stats, algorithms));
  if (!failure) return;
  mkdirSync(outDir, { recursive: true });
  const header = { corruption: failure.kind, base: failure.base, error: failure.error, reproduce };
  const body = failure.input.form === 'json' ? failure.input.json : { in_memory: failure.input.snapshot };
  writeFileSync(`${base}.json`, JSON.stringify({ ...body, origin: JSON.stringify(header) }) + '\n');
  if (failure.minimized) writeFileSync(`${base}.min.json`, JSON.stringify({ ...failure.minimized, origin: JSON.stringify(header) }) + '\n');
  if (!json) {
    process.stdout.write(
      `FAILED (${failure.algorithm}, ${failure.kind}): ${failure.error}\n` +
        `  input: ${base}.json\n` +
        (failure.minimized ? `  minimized: ${base}.min.json\n` : '') +
        `  reproduce: ${reproduce}\n`,
    );
  }
  process.exitCode = 1;
}

/** The run's totals and a table of outcomes per corruption kind. */
export function mutateSummary(stats: MutateStats, algorithms: readonly FuzzAlgorithm[]): string {
  const runs = algorithms.map((a) => `${a} ${stats.runs[a]}`).join(', ');
  const lines = [
    `${stats.cases} cases (${stats.skipped} skipped), runs: ${runs}, ${stats.failures} failures, ${(stats.elapsedMs / 1000).toFixed(1)} s`,
    `${'corruption'.padEnd(20)} ${'cases'.padStart(8)} ${'proven'.padStart(8)} ${'wrong'.padStart(7)} ${'failed'.padStart(7)}  rejected with`,
  ];
  for (const k of MUTATION_KINDS) {
    const s = stats.byKind[k];
    if (s.cases === 0) continue;
    const rejected = Object.entries(s.rejected)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    lines.push(`${k.padEnd(20)} ${String(s.cases).padStart(8)} ${String(s.allocated).padStart(8)} ${String(s.wrong).padStart(7)} ${String(s.failures).padStart(7)}  ${rejected}`);
  }
  return lines.join('\n') + '\n';
}
