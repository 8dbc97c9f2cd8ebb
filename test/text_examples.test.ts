import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allocate } from '../src/allocate.js';
import { validateFunction } from '../src/analysis/validate.js';
import { checkOutput } from '../src/checker/index.js';
import { functionToJson, readCorpusFile } from '../src/io/corpus.js';
import { printText } from '../src/io/text.js';
import { readInputFile } from '../src/io/files.js';
import { allocIsStack } from '../src/model/allocation.js';
import { corpusFiles } from './support/corpus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.ra'))
  .sort();

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('shipped examples', () => {
  it('are the five the README promises', () => {
    assert.deepEqual(examples, ['call.ra', 'loop.ra', 'move_cycle.ra', 'spill.ra', 'two_address.ra']);
  });
  for (const name of examples) {
    it(`${name} is valid and allocates checker-clean with Ion and Fastalloc`, () => {
      const f = readInputFile(join(root, 'examples', name));
      validateFunction(f.func, f.env);
      for (const algorithm of ['ion', 'fastalloc'] as const) {
        const out = allocate(f.func, f.env, { algorithm });
        checkOutput(f.func, f.env, out);
        if (name === 'spill.ra') assert.ok(out.numSpillslots > 0, `${algorithm} must spill`);
        if (name === 'move_cycle.ra' && algorithm === 'ion') {
          // rdi -> rsi and rsi -> rdi at one point: three moves through a free register.
          const at = out.edits.filter((e) => e.point === out.edits[0]!.point && !allocIsStack(e.from));
          assert.equal(at.length, 3);
        }
      }
    });
  }
});

describe('regalloc convert', () => {
  it('.ra → .json.gz → .ra gives the same text, and every command reads both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regalloc-text-'));
    const json = join(dir, 'loop.json.gz');
    const back = join(dir, 'loop.ra');
    assert.equal(cli('convert', 'examples/loop.ra', '-o', json).status, 0);
    assert.equal(cli('convert', json, '-o', back).status, 0);
    const again = readInputFile(back);
    const original = readInputFile(join(root, 'examples/loop.ra'));
    assert.equal(again.name, 'loop');
    assert.deepEqual(again.func.data, original.func.data);
    const { regNames: _names, ...unnamed } = original; // JSON keeps no register names
    assert.equal(readFileSync(back, 'utf8'), printText(unnamed));
    const r = cli('allocate', '--check', json, back);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^loop: ok .*\nloop: ok /);
  });

  it('names the file, line and column of a text error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regalloc-text-'));
    const bad = join(dir, 'bad.ra');
    writeFileSync(bad, 'preferred int p0i\n\nblock0:\n  ret use v0i fixed(rax)\n');
    const r = cli('validate', bad);
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`bad: error Format: ${bad.replace(/[.]/g, '\\.')}:4:21: unknown register 'rax'`));
    const c = cli('convert', bad, '-o', join(dir, 'x.json'));
    assert.equal(c.status, 2);
    assert.match(c.stderr, /bad\.ra:4:21: unknown register 'rax'/);
  });

  it("--machine names a JSON function's registers in the text, which reads back to the same function", () => {
    const dir = mkdtempSync(join(tmpdir(), 'regalloc-text-'));
    const source = corpusFiles('cranelift').find((p) => p.includes('x86_64'))!;
    const ra = join(dir, 'f.ra');
    assert.equal(cli('convert', '--machine', 'x86_64', source, '-o', ra).status, 0);
    const text = readFileSync(ra, 'utf8');
    assert.match(text, /^regs rax=p0i, rcx=p1i, /m);
    assert.doesNotMatch(text.slice(text.indexOf('block0'), text.indexOf('\nreference ')), /\bp\d+i\b/);
    assert.match(text, /^reference ion \{"allocs"/m);
    const back = readInputFile(ra);
    const original = readCorpusFile(source);
    assert.deepEqual(functionToJson(back.func, back.env), functionToJson(original.func, original.env));
  });

  it('wants exactly one input and an output with a known extension', () => {
    assert.match(cli('convert', 'examples/loop.ra').stderr, /no output file given/);
    assert.match(cli('convert', 'examples/loop.ra', '-o', 'x.txt').stderr, /must end in \.ra, \.json or \.json\.gz/);
    assert.match(cli('convert', 'examples/loop.ra', 'examples/call.ra', '-o', 'x.ra').stderr, /expected one input file, found 2/);
  });
});
