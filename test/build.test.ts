// The build's rewrite of esbuild's top-level `var`s back to `const`
// (scripts/const_bindings.mjs): V8 folds a module's own const bindings into
// optimized code, not vars, and the allocators' helpers are such bindings.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
// @ts-expect-error: a build script in plain JavaScript, without types
import { constBindings } from '../scripts/const_bindings.mjs';

const rewrite = (source: string): string => (constBindings as (s: string) => { code: string }).call(null, source).code;

describe('const bindings in the bundle', () => {
  it('makes a top-level var const only when each name it binds is initialized and never assigned', () => {
    assert.equal(rewrite('var a = 1; var c = () => a;'), 'const a = 1; const c = () => a;');
    assert.equal(rewrite('var { x: x2, y } = ns; var [p, , ...q] = r;'), 'const { x: x2, y } = ns; const [p, , ...q] = r;');
    // Assigned (in any form, anywhere), uninitialized, declared twice, or not at the top level: left alone.
    for (const kept of [
      'var b = 2; b++;',
      'var b = 2; function f() { b = 3; }',
      'var b = 2; ({ b } = o);',
      'var b = 2; [b] = o;',
      'var b = 2; b ??= 4;',
      'var b = 2; for (b of xs) {}',
      'var e;',
      'var d = 1; var d = 2;',
      'var { e } = o; e += 1;',
      'function h() { var i = 1; }',
    ]) {
      assert.equal(rewrite(kept), kept);
    }
  });

  it('leaves no top-level var in the shipped bundle that could have been const', () => {
    const dir = 'dist/bundle';
    let checked = 0;
    for (const entry of readdirSync(dir, { recursive: true })) {
      const file = join(dir, String(entry));
      if (!file.endsWith('.js')) continue;
      const source = readFileSync(file, 'utf8');
      assert.equal(rewrite(source), source, `${file} has rewritable vars: was the build's rewrite skipped?`);
      checked++;
    }
    assert.ok(checked >= 4, `${checked} bundle files`);
  });
});
