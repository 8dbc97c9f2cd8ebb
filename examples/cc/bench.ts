// Allocation quality measured by running: for each suite program, compiled with Ion and with
// Fastalloc, the moves the allocator added (register moves, spills, reloads; counted in the
// code, not executed), the code size, and the run time of the program on a larger workload
// (`SCALE`), median of several runs.
//
//   npm run example:bench                    # all programs, 5 runs each
//   npm run example:bench -- --runs 9 sort   # some programs, more runs

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkSource } from './check.js';
import { type Algorithm, compileProgram } from './compile.js';

/** Workload per program: SCALE (and for descent, DEPTH) chosen for runs of roughly 0.05-0.5 s. */
const WORKLOADS: Record<string, Record<string, bigint>> = {
  'ackermann.src': { SCALE: 7n },
  'args10.src': { SCALE: 20000n },
  'bits.src': { SCALE: 1000n },
  'collatz.src': { SCALE: 100n },
  'descent.src': { SCALE: 50n, DEPTH: 20000n },
  'divmod.src': { SCALE: 1000n },
  'factorial.src': { SCALE: 20000n },
  'fib.src': { N: 34n },
  'float_loops.src': { SCALE: 5000n },
  'gcd.src': { SCALE: 200n },
  'loops.src': { SCALE: 100n },
  'matmul.src': { SCALE: 16n },
  'mixed_calls.src': { SCALE: 20000n },
  'nbody.src': { SCALE: 200n },
  'sieve.src': { SCALE: 200n },
  'sort.src': { SCALE: 20n },
  'spill.src': { SCALE: 5000n },
};

interface Row {
  program: string;
  algorithm: Algorithm;
  moves: number;
  spills: number;
  reloads: number;
  codeBytes: number;
  medianMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '5' } } });
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    process.stderr.write(`the benchmark runs native code: x86-64 Linux only (this is ${process.platform}/${process.arch})\n`);
    process.exitCode = 2;
    return;
  }
  const runs = Number(values.runs);
  const dir = new URL('./programs/', import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.src') && (positionals.length === 0 || positionals.some((p) => f.startsWith(p))))
    .sort();
  const tmp = mkdtempSync(join(tmpdir(), 'cc-bench-'));
  const rows: Row[] = [];
  try {
    for (const file of files) {
      const defines = new Map(Object.entries(WORKLOADS[file] ?? {}));
      const prog = checkSource(readFileSync(new URL(file, dir), 'utf8'), file, defines);
      const outputs: string[] = [];
      for (const algorithm of ['ion', 'fastalloc'] as const) {
        const c = compileProgram(prog, { algorithm });
        const path = join(tmp, `${file}.${algorithm}`);
        writeFileSync(path, c.elf);
        chmodSync(path, 0o755);
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t0 = process.hrtime.bigint();
          const r = spawnSync(path, { encoding: 'latin1' });
          times.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (r.status === null) throw new Error(`${file} (${algorithm}) killed by ${r.signal}`);
          if (i === 0) outputs.push(r.stdout);
        }
        const sum = (k: 'moves' | 'spills' | 'reloads') => c.functions.reduce((s, f) => s + f[k], 0);
        rows.push({
          program: file.replace(/\.src$/, ''),
          algorithm,
          moves: sum('moves') + c.functions.reduce((s, f) => s + f.stackMoves, 0),
          spills: sum('spills'),
          reloads: sum('reloads'),
          codeBytes: c.codeBytes,
          medianMs: median(times),
        });
      }
      if (outputs[0] !== outputs[1]) throw new Error(`${file}: Ion and Fastalloc builds print different output`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const out: string[] = [
    `| program | moves ion / fa | spills ion / fa | reloads ion / fa | code bytes ion / fa | run ms ion / fa (median of ${runs}) | fa/ion time |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const ratios: number[] = [];
  for (let i = 0; i < rows.length; i += 2) {
    const ion = rows[i]!;
    const fa = rows[i + 1]!;
    const ratio = fa.medianMs / ion.medianMs;
    ratios.push(ratio);
    out.push(
      `| ${ion.program} | ${ion.moves} / ${fa.moves} | ${ion.spills} / ${fa.spills} | ${ion.reloads} / ${fa.reloads} | ` +
        `${ion.codeBytes} / ${fa.codeBytes} | ${ion.medianMs.toFixed(1)} / ${fa.medianMs.toFixed(1)} | ${ratio.toFixed(2)} |`,
    );
  }
  const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
  out.push('', `geometric mean of Fastalloc / Ion run time: ${geo.toFixed(2)} (moves, spills, reloads: static counts in the code)`);
  process.stdout.write(out.join('\n') + '\n');
}

main();
