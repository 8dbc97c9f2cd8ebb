// Huge and degenerate inputs at full size, and at a tenth of it, to show how
// time and memory grow: `npx tsx bench/degenerate.ts [--check] [--scale F]`.
// Times are wall-clock with the process's CPU time beside them (on a shared
// machine the wall time is mostly waiting); heap growth is measured after a
// forced GC when run with --expose-gc. Compare the two rows of a shape.

import { allocate } from '../src/allocate.js';
import { validateFunction } from '../src/analysis/validate.js';
import { checkOutput } from '../src/checker/index.js';
import { degenerateCases } from '../src/fuzz/degenerate.js';
import { RegAllocError } from '../src/model/errors.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const scaleAt = args.indexOf('--scale');
const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 1;
const full = { insts: 1_000_000 * scale, blocks: 100_000 * scale, operands: 10_000 * scale };

function measure(run: () => unknown): { ms: number; cpu: number; mb: number; result: unknown } {
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let result: unknown;
  try {
    result = run();
  } catch (e) {
    if (!(e instanceof RegAllocError)) throw e;
    result = e;
  }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(cpu0);
  const mb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  return { ms, cpu: (c.user + c.system) / 1000, mb, result };
}

const fmt = (m: { ms: number; cpu: number; mb: number }) =>
  `${m.ms.toFixed(0).padStart(7)} ms (cpu ${m.cpu.toFixed(0)}) ${m.mb.toFixed(0).padStart(5)} MB`;

for (const divisor of [10, 1]) {
  const sizes = { insts: full.insts / divisor, blocks: full.blocks / divisor, operands: full.operands / divisor };
  for (const c of degenerateCases(sizes)) {
    const line = [c.name.padEnd(62)];
    const v = measure(() => validateFunction(c.func, c.env));
    line.push(`validate ${fmt(v)}`);
    for (const algorithm of ['ion', 'fastalloc'] as const) {
      const a = measure(() => allocate(c.func, c.env, { algorithm, validate: false }));
      if (a.result instanceof RegAllocError) {
        line.push(`${algorithm} ${a.result.kind}: ${a.result.message}`);
        continue;
      }
      line.push(`${algorithm} ${fmt(a)}`);
      if (check) {
        const k = measure(() => checkOutput(c.func, c.env, a.result as never));
        line.push(`check ${k.result instanceof Error ? k.result.message : fmt(k)}`);
      }
    }
    process.stdout.write(line.join(' | ') + '\n');
  }
}
