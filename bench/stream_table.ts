// `npx tsx bench/stream_table.ts [--passes N] [--folder F]... [--algorithm A]... [--out file.json] [--cli main.js]`:
// the table of issue 11, re-measured. Each folder and allocator is one
// `regalloc bench --stream` run in a fresh process (the built dist/, so run
// `npm run build` first; --cli names another build), plus `--first` on the 1,014-instruction function.
// A second run per folder and allocator, `--repeat 2`, times each function's
// second call in a row ("hot"): the function then comes from the cache, as in
// native's figures, so the gap between the two warm columns is the cost of
// reading each function cold. `--no-hot` leaves that run out (builds from
// before `--repeat` lack it).
// Prints a Markdown table (wall-clock and CPU ratios to the summed native
// time_ns; for pass 1, on Linux, also the main thread's own time and its wait
// for a core) and, with --out, writes the raw figures as JSON.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    passes: { type: 'string', default: '5' },
    folder: { type: 'string', multiple: true },
    algorithm: { type: 'string', multiple: true },
    out: { type: 'string' },
    cli: { type: 'string' },
    'no-hot': { type: 'boolean', default: false },
  },
});
const root = resolve(import.meta.dirname ?? '.', '..');
const corpus = resolve(process.env.REGALLOC_CORPUS ?? join(root, '..', 'shared', 'corpus'));
const folders = values.folder ?? ['cranelift', 'fuzz', 'fuzzgen', 'variants', 'wasm', 'wasm-large'];
const algorithms = values.algorithm ?? ['ion', 'fastalloc'];
const cli = values.cli ?? join(root, 'dist', 'cli', 'main.js');
const FIRST = 'fuzzgen/fuzzgen-aarch64-1141-000071.json.gz';

function run(args: string[]): Record<string, unknown>[] {
  const text = execFileSync(process.execPath, [cli, 'bench', '--json', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const x = (r: unknown) => (typeof r === 'number' ? `${r.toFixed(2)}×` : '–');
const rows: string[] = [];
const raw: Record<string, unknown>[] = [];
for (const folder of folders) {
  const cells: string[] = [folder];
  for (const algorithm of algorithms) {
    const lines = run(['--stream', '--algorithm', algorithm, '--passes', values.passes!, join(corpus, folder)]);
    raw.push(...lines);
    const s = lines.find((l) => l.kind === 'summary')!;
    const main = s.pass1MainRatio === null ? '' : `, main ${x(s.pass1MainRatio)} + waited ${x(s.pass1WaitRatio)}`;
    const hotLines = values['no-hot'] ? [] : run(['--stream', '--repeat', '2', '--algorithm', algorithm, '--passes', values.passes!, join(corpus, folder)]);
    raw.push(...hotLines);
    const hot = hotLines.find((l) => l.kind === 'summary') ?? { bestWarmRatio: null };
    cells.push(`${x(s.pass1Ratio)} (cpu ${x(s.pass1CpuRatio)}${main})`, `${x(s.bestWarmRatio)} (cpu ${x(s.bestWarmCpuRatio)})`, x(hot.bestWarmRatio), `${s.peakRssMb} MB`);
    process.stderr.write(`${folder} ${algorithm}: ${JSON.stringify(s)}\n${folder} ${algorithm} hot: ${JSON.stringify(hot)}\n`);
  }
  rows.push(`| ${cells.join(' | ')} |`);
}
const head = algorithms.flatMap((a) => [`${a} pass 1`, `${a} best of 3+`, `${a} hot best of 3+`, `${a} peak RSS`]);
process.stdout.write(`| folder | ${head.join(' | ')} |\n|${'---|'.repeat(head.length + 1)}\n${rows.join('\n')}\n\n`);
for (const algorithm of algorithms) {
  const [f] = run(['--first', '--algorithm', algorithm, join(corpus, FIRST)]);
  raw.push(f!);
  const ms = (ns: unknown) => ((ns as number) / 1e6).toFixed(1);
  process.stdout.write(
    `first call ${algorithm} (${f!.name}): ${ms(f!.firstNs)} ms (cpu ${ms(f!.firstCpuNs)}` +
      (f!.firstMainNs === null ? '' : `; main thread ran ${ms(f!.firstMainNs)}, waited ${ms(f!.firstWaitNs)}`) +
      `), second ${ms(f!.secondNs)} ms (cpu ${ms(f!.secondCpuNs)}), native ${ms(f!.nativeNs)} ms\n`,
  );
}
if (values.out) writeFileSync(values.out, JSON.stringify(raw, null, 1) + '\n');
