// The core runs in a browser: esbuild bundles the public entry points for the
// browser platform, and any Node module they reach fails the test. Node
// modules are allowed only in the CLI, the file helpers of src/io and the
// Node-only worker pool of src/batch.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Files that may import Node modules: the CLI, src/io's readers and writers
 * of files on disk, and the Node-only worker pool of `regalloc/batch` (its
 * own entry point; the core never imports it, which the bundle test proves).
 */
const NODE_ALLOWED = /^src\/(cli\/.*|batch\/.*|io\/corpus\.ts|io\/files?\.ts)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Bundles `entries` for the browser; returns the bundle and every Node import reached, by importer. */
async function browserBundle(entries: string[]): Promise<{ code: string; nodeImports: string[] }> {
  const nodeImports: string[] = [];
  const record: Plugin = {
    name: 'record-node-imports',
    setup(b) {
      b.onResolve({ filter: /^(node:|fs$|path$|zlib$|os$|url$|util$|child_process$)/ }, (args) => {
        nodeImports.push(`${relative(root, args.importer)} imports ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    stdin: {
      contents: entries.map((e, k) => `export * as m${k} from ${JSON.stringify(join(root, e))};`).join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    plugins: [record],
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, nodeImports };
}

describe('browser build', () => {
  it('the library and the view bundle for the browser without any Node module', async () => {
    const { code, nodeImports } = await browserBundle(['src/index.ts', 'src/view/index.ts']);
    assert.deepEqual(nodeImports, [], 'Node modules reached from the browser entry points');
    assert.ok(code.length > 10_000);
  });

  it('Node modules are imported only by the CLI, the batch entry and the file helpers of src/io', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      const rel = relative(root, file).split('\\').join('/');
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](node:[^'"]+)['"]/g)].map((m) => m[1]);
      if (imports.length > 0 && !NODE_ALLOWED.test(rel)) offenders.push(`${rel}: ${imports.join(', ')}`);
    }
    assert.deepEqual(offenders, []);
  });

  it('the browser bundle runs: it allocates, checks and draws a function', async () => {
    const { code } = await browserBundle(['src/index.ts', 'src/view/index.ts']);
    const dir = mkdtempSync(join(tmpdir(), 'regalloc-browser-'));
    try {
      const file = join(dir, 'bundle.mjs');
      writeFileSync(file, code);
      const mod = await import(pathToFileURL(file).href);
      const { FunctionBuilder, Operand, RegClass, PRegSet, preg, allocate, checkerVerdict } = mod.m0;
      const b = new FunctionBuilder();
      const entry = b.block();
      const [x, y] = [b.vreg(RegClass.Int), b.vreg(RegClass.Int)];
      b.inst(entry, [Operand.regDef(x)]);
      b.inst(entry, [Operand.regDef(y), Operand.regUse(x)], [preg(0, RegClass.Int)]);
      b.ret(entry, [Operand.regFixedUse(y, preg(0, RegClass.Int)), Operand.anyUse(x)]);
      const func = b.build();
      const set = (n: number) => PRegSet.of(Array.from({ length: n }, (_, k) => preg(k, RegClass.Int)));
      const env = { preferredRegsByClass: [set(2), set(0), set(0)], nonPreferredRegsByClass: [set(0), set(0), set(0)], scratchByClass: [null, null, null], fixedStackSlots: [] };
      const out = allocate(func, env);
      assert.equal(checkerVerdict(func, env, out), 'ok');
      const model = mod.m1.buildView(func, env, out);
      assert.equal(model.moves.length, out.edits.length);
      assert.match(mod.m1.renderViewHtml(model), /^<!doctype html>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
