import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { functionToJson } from '../src/io/corpus.js';
import { parseTextFunction, printText, TextParseError } from '../src/io/text.js';
import { RegAllocError } from '../src/model/errors.js';
import { corpusFiles, FOLDERS } from './support/corpus.js';
import { textRoundTrip, wholeFileRoundTrip } from './support/text_roundtrip.js';
import { parseTextFile } from '../src/io/files.js';

describe('text format', () => {
  // wasm/ by a sample of every 8th function here; scripts/text_roundtrip.ts runs all of it and wasm-large/.
  for (const folder of [...FOLDERS, 'wasm']) {
    it(`every function of ${folder}/${folder === 'wasm' ? ' (every 8th)' : ''} converts JSON → text → JSON unchanged`, () => {
      let n = 0;
      corpusFiles(folder).forEach((path, k) => {
        if (folder === 'wasm' && k % 8 !== 0) return;
        const r = textRoundTrip(path);
        if (!r) return;
        assert.deepStrictEqual(r.actual, r.expected, path);
        assert.ok(r.stable, `${path}: printing the parsed text again differs`);
        n++;
      });
      assert.ok(n > 0);
    });
  }

  it('whole files, reference results included, come back unchanged through .ra (a sample of each folder)', () => {
    for (const folder of [...FOLDERS, 'wasm']) {
      for (const path of corpusFiles(folder).filter((_, k) => k % 100 === 0)) assert.ok(wholeFileRoundTrip(path), path);
    }
  });

  it('a malformed reference line is an error at its line and column', () => {
    const text = 'preferred int p0i\n\nblock0:\n  ret\n\nreference ion {"ok": tru}\n';
    assert.throws(
      () => parseTextFunction(text),
      (e) => e instanceof TextParseError && e.line === 6 && e.column >= 15 && /malformed reference result/.test(e.message),
    );
    const bad = text.replace('{"ok": tru}', '{"ok": true}');
    assert.throws(
      () => parseTextFile(bad, 'f.ra'),
      (e) => e instanceof TextParseError && e.line === 6 && /^f\.ra:6:1: reference ion: \$\.reference\.ion\.error: missing field/.test(e.message),
    );
  });

  const src = [
    '; a loop with named registers',
    'function "t"',
    'regs rax=p0i, rcx=p1i',
    'preferred int rax, rcx, p2i',
    '',
    'block0(v0i):',
    '  op v1i = def fixed(rax), use v0i reg',
    '  branch -> block1(v1i)',
    'block1(v2i): preds block0, block1',
    '  op v3i = def reuse(1), use v2i any late clobbers rcx',
    '  branch use v3i reg -> block1(v3i), block2',
    'block2:',
    '  ret use v3i fixed(p0i), nonalloc p5i',
  ].join('\n');

  it('reads names, defaults and explicit preds, and prints them back', () => {
    const f = parseTextFunction(src);
    assert.equal(f.name, 't');
    assert.equal(f.func.numBlocks(), 3);
    assert.equal(f.func.numInsts(), 5);
    assert.equal(f.func.numVregs(), 4);
    assert.deepEqual([...f.func.blockPreds(1)], [0, 1]);
    assert.deepEqual([...f.func.blockPreds(2)], [1]);
    assert.deepEqual(f.blockLines, [6, 9, 12]);
    assert.deepEqual(f.instLines, [7, 8, 10, 11, 13]);
    assert.deepEqual(functionToJson(f.func, f.env).insts, [
      { op: 'op', operands: ['v1i:def:late:fixed(p0i)', 'v0i:use:early:reg'], clobbers: [] },
      { op: 'branch', operands: [], clobbers: [] },
      { op: 'op', operands: ['v3i:def:late:reuse(1)', 'v2i:use:late:any'], clobbers: ['p1i'] },
      { op: 'branch', operands: ['v3i:use:early:reg'], clobbers: [] },
      { op: 'ret', operands: ['v3i:use:early:fixed(p0i)', 'fixed-nonalloc:p5i'], clobbers: [] },
    ]);
    const printed = printText(f);
    assert.match(printed, /regs rax=p0i, rcx=p1i/);
    assert.match(printed, /op v3i = def reuse\(1\), use v2i any late clobbers rcx/);
    assert.equal(printText(parseTextFunction(printed)), printed);
  });

  const errorCases: [string, string, number, number, RegAllocError['kind'], RegExp][] = [
    ['unknown register', src.replace('fixed(rax)', 'fixed(rbx)'), 7, 22, 'Format', /unknown register 'rbx'/],
    ['bad constraint', src.replace('use v0i reg', 'use v0i regs'), 7, 36, 'Format', /expected a constraint/],
    ['missing block', src.replace('block1(v3i), block2', 'block1(v3i), block9'), 11, 38, 'Format', /no such block: block9/],
    ['block out of order', src.replace('block2:', 'block3:'), 12, 1, 'Format', /expected block2/],
    ['unterminated list', src.replace('-> block1(v1i)', '-> block1(v1i'), 8, 23, 'Format', /expected '\)', found the end of the line/],
    ['stray character', src.replace('use v0i reg', 'use v0i reg $'), 7, 40, 'Format', /unexpected character "\$"/],
    ['fixed register of another class', src.replace('fixed(rax)', 'fixed(p0f)'), 7, 6, 'InvalidFixedReg', /not of the class/],
    ['reuse index too large', src.replace('reuse(1)', 'reuse(40)'), 10, 6, 'InvalidReuse', /reuse index 40/],
    ['instruction before a block', 'preferred int p0i\n  ret', 2, 3, 'Format', /before the first block/],
    ['header inside the body', src + '\npreferred int p3i', 14, 1, 'Format', /expected an instruction/],
    ['register of the wrong class in the env', 'preferred float p0i', 1, 17, 'Format', /p0i is not a float register/],
    ['unknown flag', 'flags fast', 1, 7, 'Format', /unknown flag 'fast'/],
  ];
  for (const [what, text, line, column, kind, message] of errorCases) {
    it(`names line and column: ${what}`, () => {
      assert.throws(
        () => parseTextFunction(text),
        (e) => {
          assert.ok(e instanceof TextParseError, String(e));
          assert.equal(e.kind, kind);
          assert.deepEqual([e.line, e.column], [line, column]);
          assert.ok(e.message.startsWith(`${line}:${column}: `), e.message);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }
});
