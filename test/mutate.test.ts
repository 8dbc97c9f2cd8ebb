// A short run of the input-mutation fuzzer: every corrupted input gets a typed
// error or a checker-proven allocation, the input objects are left as they
// were, and a planted bug is caught, minimized and reported.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allocate } from '../src/allocate.js';
import { checkOutput } from '../src/checker/index.js';
import { generateCase } from '../src/fuzz/driver.js';
import { MUTATION_KINDS, mutateMemory, PlainFunction, plainData, plainEnv, snapshot } from '../src/fuzz/mutate.js';
import { runMutateFuzz } from '../src/fuzz/mutate_driver.js';
import { Rng } from '../src/fuzz/rng.js';
import { ALLOC_NONE } from '../src/model/allocation.js';
import type { Output } from '../src/model/function.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('input-mutation fuzzer', () => {
  it('a short run on small generated functions: no failure, many corruption kinds applied, both outcomes seen', () => {
    const { stats, failure } = runMutateFuzz(
      { algorithms: ['ion', 'fastalloc'], seed: 4242, cases: 150, size: 'small', caseMs: 20000 },
      { allocate, check: checkOutput },
    );
    assert.equal(failure, undefined, failure && `${failure.kind} seed ${failure.caseSeed}: ${failure.error}`);
    const kinds = MUTATION_KINDS.filter((k) => stats.byKind[k].cases > 0);
    assert.ok(kinds.length >= 25, `only ${kinds.length} kinds applied`);
    const proven = kinds.reduce((n, k) => n + stats.byKind[k].allocated, 0);
    const rejected = kinds.reduce((n, k) => n + Object.values(stats.byKind[k].rejected).reduce((a, b) => a + b, 0), 0);
    assert.ok(proven > 20 && rejected > 50, `proven ${proven}, rejected ${rejected}`);
    assert.equal(stats.runs.ion, stats.runs.fastalloc);
  });

  it('a run stopped by a typed error leaves nothing behind for the next one (case 2023905 after 2023902)', () => {
    // 2023902's Fastalloc run stops with TooManyLiveRegs; the shared context then allocated 2023905 wrongly.
    const { failure } = runMutateFuzz(
      { algorithms: ['ion', 'fastalloc'], seed: 2023900, cases: 7, size: 'small', caseMs: 20000 },
      { allocate, check: checkOutput },
    );
    assert.equal(failure, undefined, failure && `${failure.kind} seed ${failure.caseSeed}: ${failure.error}`);
  });

  it('in-memory corruptions reach the library as they are (no packing on the way)', () => {
    const c = generateCase(7, 'small')!;
    const d = plainData(c.func);
    const env = plainEnv(c.env);
    const before = snapshot([d, env]);
    const rng = new Rng(1);
    for (let k = 0; k < 20; k++) mutateMemory(rng, d, env, 'mem-operand-raw');
    assert.notEqual(snapshot([d, env]), before);
    const f = new PlainFunction(d);
    assert.equal(f.instOperands(0), d.insts[0]!.operands);
  });

  it('a planted allocator bug is caught as a wrong allocation and minimized', () => {
    // An "allocator" that forgets the first operand's allocation of every multi-operand instruction.
    const buggy = (...args: Parameters<typeof allocate>): Output => {
      const out = allocate(...args);
      const allocs = out.allocs.slice();
      for (let i = 0; i < out.instAllocOffsets.length; i++) {
        const end = i + 1 < out.instAllocOffsets.length ? out.instAllocOffsets[i + 1]! : allocs.length;
        if (end - out.instAllocOffsets[i]! >= 2) allocs[out.instAllocOffsets[i]!] = ALLOC_NONE;
      }
      return { ...out, edits: out.edits, allocs };
    };
    const { failure } = runMutateFuzz(
      { algorithms: ['ion'], seed: 9, cases: 200, size: 'small', caseMs: 20000 },
      { allocate: buggy, check: checkOutput },
    );
    assert.ok(failure, 'the bug must be found');
    assert.match(failure.error, /wrong allocation: CheckerError/);
    if (failure.minimized && failure.input.form === 'json') {
      const size = (j: Record<string, unknown>) => (j.insts as unknown[]).length;
      assert.ok(size(failure.minimized) <= size(failure.input.json));
    }
  });

  it('regalloc fuzz --mutate prints the table per corruption kind; flags of --mutate alone are refused without it', () => {
    const out = mkdtempSync(join(tmpdir(), 'mutate-'));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'fuzz', ...args], { encoding: 'utf8' });
    const r = run('--mutate', '--cases', '40', '--seed', '11', '--size', 'small', '--out', out);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^40 cases \(\d+ skipped\), runs: ion \d+, fastalloc \d+, 0 failures/);
    assert.match(r.stdout, /corruption +cases +proven +wrong +failed +rejected with/);
    assert.equal(readdirSync(out).length, 0);
    const bad = run('--from', 'x', '--cases', '1');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--from applies only with --mutate/);
  });
});
