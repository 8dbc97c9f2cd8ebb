// `regalloc view`: one self-contained page per function, register names from
// the file or a machine, usage errors for what it cannot draw.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allocate } from '../src/allocate.js';
import { checkOutput } from '../src/checker/index.js';
import { readInputFile } from '../src/io/files.js';
import { buildView } from '../src/view/model.js';
import { CORPUS_DIR } from './support/corpus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'regalloc-view-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The model JSON the page carries. */
function pageModel(html: string): { columns: { name: string }[]; moves: unknown[]; title: string; algorithm: string } {
  const m = /mountView\(document\.getElementById\("view"\), (\{.*\})\);\n/.exec(html);
  assert.ok(m, 'the page carries its model');
  return JSON.parse(m[1]!);
}

describe('regalloc view', () => {
  it('writes one self-contained page with the .ra file’s register names', () => {
    const out = join(dir, 'call.html');
    const r = cli('view', join(root, 'examples', 'call.ra'), '-o', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^call: wrote .*call\.html \(5 insts, \d+ bars, \d+ moves; checker ok\)\n$/);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\//, 'nothing fetched');
    const model = pageModel(html);
    assert.ok(model.columns.some((c) => c.name === 'rdi') && model.columns.some((c) => c.name === 'r12'));
    assert.match(model.algorithm, /^ion, checker ok/);
  });

  it('--machine names registers, --algorithm and --reference choose the output drawn', () => {
    const input = join(CORPUS_DIR, 'cranelift', 'x86_64__isa__x64__call-conv__f0-002865.json.gz');
    for (const args of [['--algorithm', 'fastalloc'], ['--reference']]) {
      const out = join(dir, 'cc.html');
      const r = cli('view', '--machine', 'x86_64', ...args, input, '-o', out);
      assert.equal(r.status, 0, r.stderr);
      const model = pageModel(readFileSync(out, 'utf8'));
      assert.ok(model.columns.some((c) => c.name === 'rax'), 'x86-64 names');
      assert.match(model.algorithm, args[0] === '--reference' ? /^regalloc2 ion/ : /^fastalloc/);
    }
    // Without -o the page is named after the function, in the current folder.
    const r = cli('view', join(root, 'examples', 'loop.ra'));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readdirSync(dir).includes('loop.html'));
  });

  it('one function only; an unknown machine is a usage error; an invalid function is a failure', () => {
    const two = cli('view', join(root, 'examples', 'loop.ra'), join(root, 'examples', 'call.ra'));
    assert.equal(two.status, 2);
    assert.match(two.stderr, /view draws one function; 2 files given/);
    const machine = cli('view', '--machine', 'pdp11', join(root, 'examples', 'loop.ra'));
    assert.equal(machine.status, 2);
    assert.match(machine.stderr, /--machine must be x86_64, aarch64 or riscv64, not 'pdp11'/);
    const invalid = readdirSync(join(CORPUS_DIR, 'invalid')).find((f) => f.includes('undefined') || f.includes('use'));
    const bad = cli('view', join(CORPUS_DIR, 'invalid', invalid ?? readdirSync(join(CORPUS_DIR, 'invalid'))[0]!), '-o', join(dir, 'bad.html'));
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /: error [A-Za-z]+: /);
  });

  it('every shipped example is drawn, and its bars hold what the checker proves', () => {
    for (const name of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ra'))) {
      const c = readInputFile(join(root, 'examples', name));
      for (const algorithm of ['ion', 'fastalloc'] as const) {
        const out = allocate(c.func, c.env, { algorithm });
        checkOutput(c.func, c.env, out);
        const model = buildView(c.func, c.env, out, { names: (p) => c.regNames?.get(p) ?? `p${p}` });
        assert.equal(model.moves.length, out.edits.length, name);
        assert.ok(model.bars.length > 0, name);
      }
    }
  });
});
