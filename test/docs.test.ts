// The API reference builds from the doc comments with no warning (TypeDoc's
// notDocumented validation, warnings as errors: see typedoc.json).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('npm run docs: every export is documented (TypeDoc, warnings are errors)', () => {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'], {
    cwd: root,
    encoding: 'utf8',
  });
  const output = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, output);
  assert.doesNotMatch(output, /warning|error/i, output);
});
