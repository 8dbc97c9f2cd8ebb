import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allocate } from '../src/allocate.js';
import { checkOutput } from '../src/checker/index.js';
import { readInputFile } from '../src/io/files.js';
import { showAllocation } from '../src/io/text_show.js';
import { corpusFiles } from './support/corpus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SPILL_GOLDEN = readGolden();
function readGolden(): string {
  return [
    '; function "spill", allocated by Ion',
    'block0:',
    '  0  op v0i[rax] = def reg',
    '  1  op v1i[rdx] = def reg',
    '  2  op v2i[rcx] = def reg',
    '     spill      rcx -> stack0',
    '  3  op v3i[rcx] = def reg',
    '     spill      rcx -> stack1',
    '  4  op v4i[rcx] = def reg',
    '  5  op v5i[rax] = def reuse(1), use v0i[rax] reg, use v1i[rdx] reg',
    '     reload     stack0 -> rdx',
    '  6  op v6i[rax] = def reuse(1), use v5i[rax] reg, use v2i[rdx] reg',
    '     reload     stack1 -> rdx',
    '  7  op v7i[rax] = def reuse(1), use v6i[rax] reg, use v3i[rdx] reg',
    '  8  op v8i[rax] = def reuse(1), use v7i[rax] reg, use v4i[rcx] reg',
    '  9  ret use v8i[rax] fixed(rax)',
    '',
    'summary (Ion):',
    '  moves reg↔reg              0',
    '  spills reg→stack           2',
    '  reloads stack→reg          2',
    '  stack↔stack moves          0',
    '  spill slots                2',
    '  memory operands            0',
    '  cost score                10',
    '',
  ].join('\n');
}

describe('regalloc show', () => {
  it('prints examples/spill.ra with Ion as the golden text (plain when piped)', () => {
    const r = cli('show', 'examples/spill.ra');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, SPILL_GOLDEN);
  });

  it('shows every move of the output, in emission order, beside checker-clean allocations', () => {
    for (const name of ['loop.ra', 'call.ra', 'two_address.ra', 'move_cycle.ra', 'spill.ra']) {
      const f = readInputFile(join(root, 'examples', name));
      for (const algorithm of ['ion', 'fastalloc'] as const) {
        const out = allocate(f.func, f.env, { algorithm });
        checkOutput(f.func, f.env, out);
        const text = showAllocation(f.func, f.env, out, { regNames: f.regNames });
        const moveLines = text.split('\n').filter((l) => /^ +(move|spill|reload|stack move) +\S+ -> \S+$/.test(l));
        assert.equal(moveLines.length, out.edits.length, `${name} ${algorithm}`);
        const instLines = text.split('\n').filter((l) => /^ +\d+  /.test(l));
        assert.equal(instLines.length, f.func.numInsts());
      }
    }
  });

  it("the README's first command shows what it says", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const at = readme.indexOf('npx regalloc show examples/loop.ra\n```');
    assert.ok(at > 0, 'README has the first command');
    const m = /```text\n([\s\S]*?)```/.exec(readme.slice(at))!;
    assert.equal(cli('show', 'examples/loop.ra').stdout, m[1]);
  });

  it('--json gives one object per function with the text and the summary figures', () => {
    const r = cli('show', '--json', 'examples/spill.ra', 'examples/loop.ra');
    assert.equal(r.status, 0, r.stderr);
    const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(objs.map((o) => [o.name, o.ok, o.spillSlots, o.score.total, o.score.spills]), [['spill', true, 2, 10, 2], ['loop', true, 0, 0, 0]]);
    assert.equal(objs[0].text, SPILL_GOLDEN);
  });

  it('colours with --color, and names a JSON file\'s registers after --machine', () => {
    const coloured = cli('show', '--color', 'examples/loop.ra');
    assert.match(coloured.stdout, /\x1b\[36mrdi\x1b\[0m/);
    const file = corpusFiles('cranelift').find((p) => p.includes('x86_64'))!;
    const named = cli('show', '--machine', 'x86_64', file);
    assert.equal(named.status, 0, named.stderr);
    assert.doesNotMatch(named.stdout, /\x1b/);
    assert.match(named.stdout, /\[(rax|rcx|rdx|rbx|rsi|rdi|r\d+|xmm\d+)\]/);
    assert.doesNotMatch(named.stdout, /\[p\d+[ifv]\]/);
  });
});
