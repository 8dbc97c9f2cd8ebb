// `npm run bench [-- --algorithm ion|fastalloc|both] [--folder F]... [--min-ms N] [--warmup-ms N] [--json]`:
// allocates every corpus function repeatedly in one process and compares our
// median time with the corpus's native regalloc2 `time_ns` (itself a median).
// Each function is first allocated untimed for --warmup-ms (at least twice),
// so the figures are the steady state a long-running compiler sees, not the
// JIT's first encounters with a new function's shapes. The bench does not
// read `edits`, so the Edit objects (made on first read) are not built: a
// compiler on a hot path reads `packedEdits` instead. With BENCH_TRACE=1,
// the single times of functions above 8x native go to stderr.

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allocate } from '../src/allocate.js';
import { readCorpusFile } from '../src/io/corpus.js';

const { values } = parseArgs({
  options: {
    algorithm: { type: 'string', default: 'both' },
    folder: { type: 'string', multiple: true },
    'min-ms': { type: 'string', default: '20' },
    'warmup-ms': { type: 'string', default: '5' },
    'max-iterations': { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
const corpus = resolve(process.env.REGALLOC_CORPUS ?? join(import.meta.dirname ?? '.', '..', '..', 'shared', 'corpus'));
const folders = values.folder ?? ['fuzz', 'fuzzgen', 'cranelift', 'variants'];
const algorithms = values.algorithm === 'both' ? (['ion', 'fastalloc'] as const) : ([values.algorithm] as ('ion' | 'fastalloc')[]);
const minNs = Number(values['min-ms']) * 1e6;
const warmupNs = Number(values['warmup-ms']) * 1e6;
const maxIter = Number(values['max-iterations']);

interface Row {
  folder: string;
  name: string;
  algorithm: string;
  insts: number;
  oursNs: number;
  nativeNs: number;
  ratio: number;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / Math.max(1, xs.length));

const rows: Row[] = [];
let errors = 0;
for (const folder of folders) {
  const files = readdirSync(join(corpus, folder)).filter((f) => f.endsWith('.json.gz') || f.endsWith('.json')).sort();
  // One function in memory at a time: a whole folder of parsed functions
  // would make every garbage collection (and so the allocators) slower.
  const load = (f: string) => readCorpusFile(join(corpus, folder, f));
  // Warm up: one untimed allocation of every function, so the JIT has
  // compiled the allocators before anything is measured.
  for (const f of files) {
    const c = load(f);
    for (const algorithm of algorithms) {
      try {
        allocate(c.func, c.env, { algorithm, validateSsa: false });
      } catch {
        // reported below
      }
    }
  }
  for (const f of files) {
    const c = load(f);
    for (const algorithm of algorithms) {
      const ref = c.reference[algorithm];
      if (!ref?.ok || ref.timeNs === undefined) continue;
      const times: number[] = [];
      let spent = 0;
      try {
        for (let runs = 0, warm = 0; runs < 2 || (warm < warmupNs && runs < maxIter); runs++) {
          const t0 = process.hrtime.bigint();
          allocate(c.func, c.env, { algorithm, validateSsa: false });
          warm += Number(process.hrtime.bigint() - t0);
        }
        while ((spent < minNs || times.length < 3) && times.length < maxIter) {
          const t0 = process.hrtime.bigint();
          allocate(c.func, c.env, { algorithm, validateSsa: false });
          const dt = Number(process.hrtime.bigint() - t0);
          times.push(dt);
          spent += dt;
        }
      } catch (e) {
        errors++;
        if (!values.quiet) process.stderr.write(`${c.name} ${algorithm}: ${(e as Error).message}\n`);
        continue;
      }
      const oursNs = median(times);
      if (process.env.BENCH_TRACE && oursNs / ref.timeNs > 8) {
        process.stderr.write(`${c.name} ${algorithm} ${times.map((t) => (t / 1e3).toFixed(0)).join(' ')}\n`);
      }
      const row = { folder, name: c.name, algorithm, insts: c.func.numInsts(), oursNs, nativeNs: ref.timeNs, ratio: oursNs / ref.timeNs };
      rows.push(row);
      if (values.json) process.stdout.write(JSON.stringify(row) + '\n');
      else if (!values.quiet) {
        process.stdout.write(
          `${folder}/${c.name} ${algorithm}: ${row.insts} insts, ours ${oursNs} ns, native ${ref.timeNs} ns, ratio ${row.ratio.toFixed(2)}, ${((row.insts / oursNs) * 1e3).toFixed(3)} M insts/s\n`,
        );
      }
    }
  }
}

process.stdout.write('\nsummary (geometric-mean ratio ours/native; M insts/s ours vs native; worst ratio)\n');
for (const algorithm of algorithms) {
  for (const folder of folders) {
    const rs = rows.filter((r) => r.folder === folder && r.algorithm === algorithm);
    if (rs.length === 0) continue;
    const insts = rs.reduce((a, r) => a + r.insts, 0);
    const ours = rs.reduce((a, r) => a + r.oursNs, 0);
    const native = rs.reduce((a, r) => a + r.nativeNs, 0);
    const worst = rs.reduce((a, r) => (r.ratio > a.ratio ? r : a));
    const big = rs.filter((r) => r.insts >= 4000);
    process.stdout.write(
      `${algorithm.padEnd(9)} ${folder.padEnd(10)} n=${String(rs.length).padStart(4)}  geomean ${geomean(rs.map((r) => r.ratio)).toFixed(2)}  ` +
        `ours ${((insts / ours) * 1e3).toFixed(3)} M/s  native ${((insts / native) * 1e3).toFixed(3)} M/s  worst ${worst.ratio.toFixed(2)} (${worst.name})` +
        (big.length ? `  ≥4k insts: geomean ${geomean(big.map((r) => r.ratio)).toFixed(2)} (n=${big.length})` : '') +
        '\n',
    );
  }
}
if (errors) process.stdout.write(`${errors} allocations failed\n`);
if (errors) process.exitCode = 1;
