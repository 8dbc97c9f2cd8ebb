// `npx tsx bench/callgrind.ts <file|dir>... [--algorithm ion|fastalloc|validate] [--warm N] [--measure N] [--top N]`:
// the instructions a stream's passes execute, counted by valgrind's callgrind
// and attributed to JavaScript functions (`validate`: `validateFunction` on
// each function instead of an allocator). Wall time on a shared machine moves
// by a third between identical runs; instruction counts do not, so a change
// too small to see in `bench --stream` shows here.
//
// The functions are loaded and allocated `--warm` times (default 5) untimed;
// then `--measure` passes (default 1) run with callgrind collecting. V8's
// compiled code has no symbols, so the child runs with `--perf-basic-prof`,
// which writes each code object's address range and name to
// /tmp/perf-<pid>.map, and each of callgrind's unnamed addresses is looked up
// there. A name's first character is V8's tier: `*` optimized (TurboFan), `^`
// baseline (Sparkplug), `~` interpreted. The child runs with
// `--single-threaded` (compiles on the main thread, counted) and a large young
// generation (`--max-semi-space-size=64`), so that a scavenge lands in the
// measured passes only when a pass allocates that much. Equal envs are
// shared, as a compiler passes one env to every function. Needs valgrind
// (`apt-get install valgrind`); uses the built bundle (`npm run build` first).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runInThisContext } from 'node:vm';
import { loadBundleStream } from './bundle_stream.js';

const { values, positionals } = parseArgs({
  options: {
    algorithm: { type: 'string', default: 'ion' },
    warm: { type: 'string', default: '5' },
    measure: { type: 'string', default: '1' },
    top: { type: 'string', default: '25' },
    child: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const what = values.algorithm === 'fastalloc' || values.algorithm === 'validate' ? values.algorithm : 'ion';
// The reference whose success selects the functions.
const algorithm = what === 'fastalloc' ? 'fastalloc' : 'ion';
const warm = Number(values.warm);
const measure = Number(values.measure);

if (values.child) {
  const { lib, fns } = await loadBundleStream(positionals, algorithm, true);
  const ctx = algorithm === 'fastalloc' ? new lib.FastallocContext() : new lib.IonContext();
  const pass =
    what === 'validate'
      ? () => {
          for (const c of fns) lib.validateFunction(c.func, c.env);
        }
      : () => {
          for (const c of fns) ctx.run(c.func, c.env);
        };
  for (let p = 0; p < warm; p++) pass();
  // Collection is switched on for the duration of a vm script's run (see the
  // parent's --toggle-collect), so only these passes are counted.
  (globalThis as { measuredPasses?: () => void }).measuredPasses = () => {
    for (let p = 0; p < measure; p++) pass();
  };
  runInThisContext('measuredPasses()');
} else {
  const which = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) {
    process.stderr.write('bench/callgrind.ts needs valgrind (apt-get install valgrind)\n');
    process.exit(2);
  }
  const out = join(tmpdir(), `regalloc-callgrind-${process.pid}.out`);
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      '--collect-atstart=no',
      '--toggle-collect=node::contextify::ContextifyScript::RunInContext*',
      process.execPath,
      '--perf-basic-prof',
      // V8 also writes a log of its own with this flag; not into the caller's directory.
      `--logfile=${out}.v8.log`,
      '--no-logfile-per-isolate',
      '--single-threaded',
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      '--algorithm',
      what,
      '--warm',
      String(warm),
      '--measure',
      String(measure),
      ...positionals,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (run.status !== 0 || !existsSync(out)) throw new Error(`callgrind run failed:\n${run.stderr.slice(-4000)}`);
  const text = readFileSync(out, 'utf8');
  const pid = /^pid: (\d+)/m.exec(text)?.[1];
  const mapFile = join('/tmp', `perf-${pid}.map`);
  // The perf map: "<start hex> <size hex> <name>" per code object, in order of
  // creation. Code space is reused once old code is collected, so several
  // entries can cover an address: the newest is the code that ran in the
  // measured passes (which come last).
  const codes: { start: number; end: number; name: string }[] = [];
  if (existsSync(mapFile)) {
    for (const line of readFileSync(mapFile, 'utf8').split('\n')) {
      const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
      if (m) codes.push({ start: parseInt(m[1]!, 16), end: parseInt(m[1]!, 16) + parseInt(m[2]!, 16), name: m[3]!.replace(/^JS:/, '') });
    }
  }
  const codeAt = (addr: number): string | undefined => {
    for (let k = codes.length - 1; k >= 0; k--) {
      const c = codes[k]!;
      if (c.start <= addr && addr < c.end) return c.name.replace(/ file:\/\/\S*\/dist\/bundle\//, ' ');
    }
    return undefined;
  };
  // callgrind_annotate lists each function's own instructions; V8's code
  // appears as "???:0x<address>", looked up in the perf map.
  const annotated = spawnSync('callgrind_annotate', ['--threshold=100', out], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (annotated.status !== 0) throw new Error(`callgrind_annotate failed:\n${annotated.stderr}`);
  const self = new Map<string, number>();
  let total = 0;
  for (const line of annotated.stdout.split('\n')) {
    const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!m) continue;
    const ir = Number(m[1]!.replace(/,/g, ''));
    if (m[2]!.startsWith('PROGRAM TOTALS')) {
      total = ir;
      continue;
    }
    const addr = /^\?\?\?:0x([0-9a-f]+)/.exec(m[2]!);
    const key = addr ? (codeAt(parseInt(addr[1]!, 16)) ?? 'unnamed code') : m[2]!.replace(/ \[.*\]$/, '').replace(/^\?\?\?:/, '');
    self.set(key, (self.get(key) ?? 0) + ir);
  }
  rmSync(out, { force: true });
  rmSync(`${out}.v8.log`, { force: true });
  rmSync(mapFile, { force: true });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  const m = (ir: number) => (ir / 1e6).toFixed(2).padStart(9);
  process.stdout.write(`${what}, ${measure} measured pass(es) after ${warm}: ${(total / 1e6 / measure).toFixed(1)}M instructions per pass\n`);
  for (const [name, ir] of top) process.stdout.write(`${m(ir / measure)}M  ${((100 * ir) / total).toFixed(1).padStart(5)}%  ${name}\n`);
}
