import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allocReg,
  allocStack,
  allocToString,
  CheckerError,
  checkOutput,
  Operand,
  operandToString,
  preg,
  pregToString,
  PRegSet,
  RegAllocError,
  RegClass,
  validateFunction,
  vreg,
  x86_64SystemV,
  aarch64Aapcs64,
  nameRegisters,
} from '../src/index.js';
import { errorJson } from '../src/cli/report.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { corpusFiles } from './support/corpus.js';

test('names: registers, allocations and operands print with a name source', () => {
  const rax = preg(0, RegClass.Int);
  assert.equal(pregToString(rax), 'p0i');
  assert.equal(pregToString(rax, x86_64SystemV), 'rax');
  assert.equal(pregToString(preg(3, RegClass.Float), (p) => `F${p & 63}`), 'F3');
  assert.equal(allocToString(allocReg(preg(29, 0)), aarch64Aapcs64), 'x29');
  assert.equal(allocToString(allocStack(4), x86_64SystemV), '[slot 4]');
  assert.equal(allocToString(allocStack(4)), 'stack4', 'without names: the corpus form');
  assert.equal(operandToString(Operand.regFixedUse(vreg(3, 0), preg(2, 0)), x86_64SystemV), 'v3i:use:early:fixed(rdx)');
  assert.equal(PRegSet.of([preg(0, 0), preg(1, 1)]).toString(x86_64SystemV), '{rax, xmm1}');
  const e = new RegAllocError('InvalidFixedReg', 'wrong class', { block: 1, inst: 4, operand: 0, vreg: vreg(3, 1), preg: preg(2, 0) });
  assert.deepEqual(e.place, { block: 1, inst: 4, operand: 0, vreg: 'v3f', preg: 'p2i' });
  assert.equal(e.vreg, vreg(3, 1));
  assert.equal(e.describe(x86_64SystemV), 'InvalidFixedReg at block 1, inst 4, operand 0, v3f, rdx: wrong class');
});

/** Numbers a person should never meet: packed operands, allocations, large packed vregs. */
const PACKED = /\b\d{6,}\b/;

function assertReadable(text: string, where: string): void {
  assert.ok(!PACKED.test(text), `${where}: packed number in ${text}`);
}

test('names: error messages, places and checker errors over invalid/ hold no packed numbers', () => {
  let errors = 0;
  let checkerErrors = 0;
  for (const path of corpusFiles('invalid')) {
    let file;
    try {
      file = readCorpusFile(path);
    } catch (e) {
      assert.ok(e instanceof RegAllocError, `${path}: ${String(e)}`);
      assertReadable(e.message + JSON.stringify(e.place) + JSON.stringify(errorJson(e)), path);
      errors++;
      continue;
    }
    try {
      validateFunction(file.func, file.env);
      assert.fail(`${path}: accepted`);
    } catch (e) {
      assert.ok(e instanceof RegAllocError, `${path}: ${String(e)}`);
      assertReadable(e.message + JSON.stringify(e.place) + e.describe() + JSON.stringify(errorJson(e)), path);
      for (const [k, v] of Object.entries(e.place)) {
        if (k === 'vreg') assert.match(v as string, /^v\d+[ifv]$/);
        else if (k === 'preg') assert.match(v as string, /^p\d+[ifv]$/);
        else if (k !== 'path') assert.ok(Number.isInteger(v) && (v as number) < 1e6, `${path}: place.${k} = ${v}`);
      }
      errors++;
    }
    // regalloc2 allocated some of these defective inputs: our checker on its output.
    for (const ref of [file.reference.ion, file.reference.fastalloc]) {
      if (!ref?.ok) continue;
      try {
        checkOutput(file.func, file.env, ref.output);
      } catch (e) {
        if (!(e instanceof CheckerError)) throw e;
        assertReadable(e.message, path);
        for (const d of e.errors) assertReadable(d.message, path);
        assertReadable(JSON.stringify(errorJson(e)), path);
        checkerErrors++;
      }
    }
  }
  assert.ok(errors >= 130, `${errors} errors`);
  assert.ok(checkerErrors > 0, 'some reference outputs fail our checker');
});

test('nameRegisters renames registers written in the generic form, and nothing else', () => {
  assert.equal(
    nameRegisters('v3i:def:late:fixed(p0i): p0i is also clobbered; p3f, p63v, stack2, v0i, p64i, xp1i', x86_64SystemV),
    'v3i:def:late:fixed(rax): rax is also clobbered; xmm3, p63v, stack2, v0i, p64i, xp1i',
  );
  assert.equal(nameRegisters('p30i into p0f', aarch64Aapcs64), 'x30 into v0');
});

test('a RegAllocError described with names renames the registers in its message too', () => {
  const e = new RegAllocError('ClobberDefConflict', 'p0i is also clobbered by the instruction', { block: 0, inst: 2, preg: preg(0, RegClass.Int) });
  assert.equal(e.describe(x86_64SystemV), 'ClobberDefConflict at block 0, inst 2, rax: rax is also clobbered by the instruction');
  assert.match(e.describe(), /p0i: p0i is also clobbered/);
});
