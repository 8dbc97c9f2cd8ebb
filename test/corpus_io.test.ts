import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { corpusToJson, parseCorpus, readCorpusFile } from '../src/io/corpus.js';
import { RegAllocError } from '../src/model/errors.js';
import { corpusFiles, FOLDERS } from './support/corpus.js';

function rawJson(path: string): unknown {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'));
}

describe('corpus I/O', () => {
  for (const folder of FOLDERS) {
    it(`every file in ${folder}/ round-trips exactly`, () => {
      let n = 0;
      for (const path of corpusFiles(folder)) {
        const raw = rawJson(path) as { defect?: string };
        if (raw.defect?.startsWith('a fixed register of another class')) {
          // Not representable: an operand's fixed register takes its class from the vreg.
          assert.throws(() => parseCorpus(raw), (e) => e instanceof RegAllocError && e.kind === 'InvalidFixedReg');
          continue;
        }
        assert.deepStrictEqual(corpusToJson(readCorpusFile(path)), raw, path);
        n++;
      }
      assert.ok(n > 0);
    });
  }

  it('names the JSON path of a mistyped field', () => {
    const raw = rawJson(corpusFiles('fuzz')[0]!) as { insts: { operands: unknown[] }[] };
    raw.insts[2]!.operands[1] = 7;
    assert.throws(
      () => parseCorpus(raw),
      (e) => e instanceof RegAllocError && e.kind === 'Format' && e.place.path === '$.insts[2].operands[1]',
    );
  });
});
