// The text parser on mangled input: every edit of a valid function either
// parses (and then validates or fails validation with a typed error) or is a
// TextParseError naming a line and column inside the text — never a raw
// TypeError, a hang or a crash.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { validateFunction } from '../src/analysis/validate.js';
import { parseTextFunction, TextParseError } from '../src/io/text.js';
import { RegAllocError } from '../src/model/errors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.ra'))
  .sort()
  .map((f) => readFileSync(join(root, 'examples', f), 'utf8'));

/** Pieces an edit may insert: the format's own words and punctuation, and some that do not belong. */
const PIECES = ['v', 'v9i', 'v3f', 'p0i', 'p70i', 'rax', 'block', 'block9', 'block0', '(', ')', ',', '=', ':', '->', '[', ']', ';', '"', '\n', ' ',
  'def', 'use', 'reg', 'any', 'stack', 'fixed(', 'reuse(', 'reuse(40)', 'limit(3)', 'limit(4)', 'nonalloc', 'clobbers', 'preds', 'early', 'late',
  'op', 'branch', 'ret', 'regs', 'preferred', 'int', 'float', 'scratch', 'label', 'entry', 'vregs', '99999999999', '0', '$', 'é'];

const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 12 }),
  insert: fc.array(fc.constantFrom(...PIECES), { maxLength: 3 }),
});

describe('text parser on mangled input', () => {
  it('gives a function or a typed error with an in-range line:column, never a crash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(edit, { minLength: 1, maxLength: 4 }), (source, edits) => {
        let text = source;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert.join('') + text.slice(at + e.remove);
        }
        try {
          const f = parseTextFunction(text);
          validateFunction(f.func, f.env);
        } catch (e) {
          if (e instanceof TextParseError) {
            const lines = text.split(/\r?\n/);
            assert.ok(e.line >= 1 && e.line <= lines.length, `line ${e.line} of ${lines.length}: ${e.message}`);
            assert.ok(e.column >= 1 && e.column <= lines[e.line - 1]!.length + 1, `column ${e.column}: ${e.message}`);
            return;
          }
          if (e instanceof RegAllocError) return;
          throw e;
        }
      }),
      { numRuns: 3000, seed: 13 },
    );
  });
});
