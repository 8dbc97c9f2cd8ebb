// The README cannot drift from the code: every ```ts snippet runs, and the
// library example runs for each ready-made machine against golden text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The package's entry points (`regalloc`, `regalloc/io`, ...) mapped to their sources. */
function entryPoints(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { types: string }> };
  const map = new Map<string, string>();
  for (const [sub, target] of Object.entries(pkg.exports)) {
    // `types` names the declaration file, which tsc writes beside its source's place: dist/X.d.ts ← src/X.ts.
    const src = target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    map.set(sub === '.' ? 'regalloc' : `regalloc/${sub.slice(2)}`, join(root, src));
  }
  return map;
}

function snippets(): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Runs a snippet as a module importing the sources; returns its stdout. */
function run(code: string): string {
  const entries = entryPoints();
  const source = code.replace(/from '(regalloc(?:\/[a-z]+)?)'/g, (all, name: string) => {
    const path = entries.get(name);
    assert.ok(path, `unknown entry point ${name}`);
    return `from ${JSON.stringify(path)}`;
  });
  const dir = mkdtempSync(join(tmpdir(), 'regalloc-readme-'));
  try {
    const file = join(dir, 'snippet.ts');
    writeFileSync(file, source);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `snippet failed:\n${r.stderr}\n--- source ---\n${code}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const example = snippets().find((s) => s.includes('walkFunction(func, out)'));

test('README: every ts snippet runs', () => {
  const all = snippets();
  assert.ok(all.length >= 1);
  for (const code of all) run(code);
});

for (const [machine, golden] of [
  ['x86_64SystemV', 'readme-x86_64.txt'],
  ['aarch64Aapcs64', 'readme-aarch64.txt'],
  ['riscv64Lp64d', 'readme-riscv64.txt'],
] as const) {
  test(`README example on ${machine}: the emitted stream matches the golden text`, () => {
    assert.ok(example, 'the README has the library example');
    const out = run(example.replaceAll('x86_64SystemV', machine));
    const expected = readFileSync(join(root, 'test', 'golden', golden), 'utf8');
    assert.equal(out, expected);
    if (machine === 'x86_64SystemV') {
      // The README shows this very output.
      assert.ok(readme.includes('```\n' + expected + '```'), 'README shows the x86-64 output');
    }
  });
}
