// `node scripts/bundle.mjs` (part of `npm run build`, after tsc): bundles the
// package's entry points into dist/bundle/ so that `import('regalloc')` loads
// a few files instead of fifty (startup went from about 50 to about 20 ms).
// Every "exports" target names `./dist/bundle/<path>.js`, bundled from tsc's
// `dist/<path>.js`; the entries share chunks, so a class (RegAllocError, say)
// is one class across `regalloc`, `regalloc/io` and the rest. Worker scripts
// are entries too: they are loaded by URL beside the module that starts them.

import { build } from 'esbuild';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constBindings } from './const_bindings.mjs';

const WORKERS = ['dist/batch/worker.js'];

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const entries = [];
for (const [name, e] of Object.entries(pkg.exports)) {
  const m = /^\.\/dist\/bundle\/(.*\.js)$/.exec(e.import);
  if (m) entries.push(`dist/${m[1]}`);
  else {
    // Not fatal (the build still works), but such an entry has its own copies of the classes.
    console.warn(`scripts/bundle.mjs: export '${name}' (${e.import}) is not under ./dist/bundle/: ` + 'point it there so that it shares classes with the other entries');
  }
}
// Chunk names change with their content: stale ones would pile up and ship.
rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: [...entries, ...WORKERS],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/bundle',
  outbase: 'dist',
  logLevel: 'warning',
});

// esbuild writes top-level const as var; V8 folds only const (see const_bindings.mjs).
for (const entry of readdirSync('dist/bundle', { recursive: true })) {
  const file = join('dist/bundle', String(entry));
  if (!file.endsWith('.js')) continue;
  const { code, count } = constBindings(readFileSync(file, 'utf8'), file);
  if (count > 0) writeFileSync(file, code);
}

// The `regalloc` command runs dist/cli/main.js directly (`npx regalloc`, the
// package's "bin"); tsc writes it without the executable bit.
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
