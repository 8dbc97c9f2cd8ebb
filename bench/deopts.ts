// `npx tsx bench/deopts.ts <dir>... [--algorithm ion|fastalloc] [--passes N]`:
// what V8's optimizing compiler does during a stream's first passes (as
// `regalloc bench --stream` runs them: every function once per pass through
// one context), on the built bundle (`npm run build` first). The passes run
// in a child process with TurboFan on the main thread
// (`--no-concurrent-recompilation`), so that the figures are deterministic
// and each compile's time is exact. Prints, per pass:
// - the compiles (how many, their total time, the costliest functions);
// - every deoptimization: the function whose optimized code was thrown away,
//   V8's reason and the bundle's source line where it happened.
// A deopt means the function gets compiled again, on a core the allocator
// needed; "Insufficient type feedback" ones mark code that ran for the first
// time after the function was optimized (doc/PERFORMANCE.md, "Where a cold
// pass goes"). A "code dependencies" deopt is code thrown away because an
// assumption V8 compiled in stopped holding: most often an object's field it
// had taken for a constant was written again (run the stream with
// `node --trace-generalization --trace-deopt` to see which; a flag this script
// cannot add, since with TurboFan on the main thread it crashes V8 11.3; and
// see `growableFields`), but also a garbage collection's decision to allocate
// an allocation site's objects in the old generation, which varies from run
// to run.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBundleStream } from './bundle_stream.js';

const bundle = new URL('../dist/bundle/', import.meta.url);
const { values, positionals } = parseArgs({
  options: {
    algorithm: { type: 'string', default: 'ion' },
    passes: { type: 'string', default: '1' },
    child: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const algorithm = values.algorithm === 'fastalloc' ? 'fastalloc' : 'ion';
const passes = Number(values.passes);

if (values.child) {
  // The child: load untimed, then mark each pass in the trace.
  const { lib, fns } = await loadBundleStream(positionals, algorithm, false);
  const ctx = algorithm === 'fastalloc' ? new lib.FastallocContext() : new lib.IonContext();
  for (let pass = 1; pass <= passes; pass++) {
    process.stdout.write(`@@pass-start ${pass}\n`);
    for (const c of fns) ctx.run(c.func, c.env);
    process.stdout.write(`@@pass-end ${pass}\n`);
  }
} else {
  const flags = ['--no-concurrent-recompilation', '--trace-opt', '--trace-deopt-verbose'];
  const child = spawnSync(process.execPath, [...flags, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--algorithm', algorithm, '--passes', String(passes), ...positionals], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (child.status !== 0) throw new Error(`the child process failed:\n${child.stderr}`);
  const sources = new Map<string, string[]>();
  const sourceLine = (file: string, line: number): string => {
    let lines = sources.get(file);
    if (lines === undefined) sources.set(file, (lines = readFileSync(new URL(file, bundle), 'utf8').split('\n')));
    return (lines[line - 1] ?? '').trim().slice(0, 80);
  };
  let pass = 0;
  let compiles = new Map<string, { n: number; ms: number }>();
  let deopts: string[] = [];
  let pending: { fn: string; reason: string } | undefined;
  const out: string[] = [];
  for (const line of child.stdout.split('\n')) {
    const mark = /^@@pass-(start|end) (\d+)/.exec(line);
    if (mark) {
      if (mark[1] === 'start') {
        pass = Number(mark[2]);
        compiles = new Map();
        deopts = [];
        continue;
      }
      const list = [...compiles].sort((a, b) => b[1].ms - a[1].ms);
      const n = list.reduce((a, [, c]) => a + c.n, 0);
      const ms = list.reduce((a, [, c]) => a + c.ms, 0);
      out.push(`pass ${pass}: ${n} compiles, ${ms.toFixed(1)} ms; ${deopts.length} deopts`);
      out.push(`  costliest: ${list.slice(0, 8).map(([f, c]) => `${f} ${c.ms.toFixed(1)} ms${c.n > 1 ? ` (${c.n}x)` : ''}`).join(', ')}`);
      for (const d of deopts) out.push(`  deopt ${d}`);
      pass = 0;
      continue;
    }
    if (pass === 0) continue;
    const done = /completed compiling .*<JSFunction (\S+) .*took [\d.]+, ([\d.]+), [\d.]+ ms/.exec(line);
    if (done) {
      const c = compiles.get(done[1]!) ?? { n: 0, ms: 0 };
      c.n++;
      c.ms += Number(done[2]);
      compiles.set(done[1]!, c);
      continue;
    }
    const dependent = /^\[marking dependent code .*<SharedFunctionInfo (\S+)>\).*reason: code dependencies/.exec(line);
    if (dependent) {
      deopts.push(`${dependent[1]}: code dependencies (an assumption compiled in no longer holds)`);
      continue;
    }
    const bail = /^\[bailout \(kind: [^,]+, reason: ([^)]*)\): begin\. deoptimizing 0x[0-9a-f]+ <JSFunction (\S+)/.exec(line);
    if (bail) {
      pending = { fn: bail[2]!, reason: bail[1]! };
      continue;
    }
    const at = /;;; deoptimize at <([^>]*)>/.exec(line);
    if (at && pending) {
      const where = /dist\/bundle\/([^:]+):(\d+):(\d+)$/.exec(at[1]!.split(' inlined at ')[0]!);
      const text = where ? ` | ${sourceLine(where[1]!, Number(where[2]))}` : '';
      deopts.push(`${pending.fn}: ${pending.reason} at ${where ? `${where[1]}:${where[2]}` : at[1]}${text}`);
      pending = undefined;
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}
