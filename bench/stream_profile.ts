// `node --import tsx bench/stream_profile.ts <dir> [--algorithm A] [--passes N] [--out F]` (or run
// the built copy): a CPU profile of stream passes only (loading excluded), as
// `regalloc bench --stream` runs them: every function once per pass through
// one context. Summarize with `npx tsx bench/profile_top.ts F`.

import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { expandPaths } from '../src/cli/files.js';
import { FastallocContext } from '../src/fastalloc/index.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { IonContext } from '../src/ion/index.js';

const { values, positionals } = parseArgs({
  options: {
    algorithm: { type: 'string', default: 'ion' },
    passes: { type: 'string', default: '1' },
    out: { type: 'string', default: 'stream.cpuprofile' },
  },
  allowPositionals: true,
});
const algorithm = values.algorithm === 'fastalloc' ? 'fastalloc' : 'ion';
const fns = expandPaths(positionals)
  .map((f) => readCorpusFile(f))
  .filter((c) => c.reference[algorithm]?.ok);
const ctx = algorithm === 'fastalloc' ? new FastallocContext() : new IonContext();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
for (let pass = 1; pass <= Number(values.passes); pass++) {
  const t0 = process.hrtime.bigint();
  for (const c of fns) ctx.run(c.func, c.env);
  process.stdout.write(`pass ${pass}: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms\n`);
}
const { profile } = await session.post('Profiler.stop');
writeFileSync(values.out!, JSON.stringify(profile));
