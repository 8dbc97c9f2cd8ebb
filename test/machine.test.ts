import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aarch64Aapcs64,
  type MachineDescription,
  MachineBuilder,
  PRegSet,
  RegAllocError,
  RegClass,
  riscv64Lp64d,
  validateEnv,
  x86_64SystemV,
} from '../src/index.js';
import { envToJson, readCorpusFile } from '../src/io/corpus.js';
import { corpusFiles } from './support/corpus.js';

const ALL = [x86_64SystemV, aarch64Aapcs64, riscv64Lp64d];

const names = (m: MachineDescription, s: PRegSet | readonly number[]) => [...s].map((p) => m.regName(p));
const set = (m: MachineDescription, regs: string[]) => PRegSet.of(regs.map((r) => m.pregByName(r)));

test('machine: every ready-made description is a valid env and keeps its own rules', () => {
  for (const m of ALL) {
    validateEnv(m.env);
    const pref = new PRegSet();
    const nonPref = new PRegSet();
    for (let c = 0; c < 3; c++) {
      pref.unionFrom(m.env.preferredRegsByClass[c]!);
      nonPref.unionFrom(m.env.nonPreferredRegsByClass[c]!);
    }
    // Caller-saved registers first: every preferred one is clobbered by a call, is not callee-saved.
    for (const p of pref) {
      assert.ok(m.callClobbers.contains(p), `${m.name}: preferred ${m.regName(p)} is caller-saved`);
      assert.ok(!m.calleeSaved.contains(p), `${m.name}: preferred ${m.regName(p)} is not callee-saved`);
    }
    // Callee-saved allocatable registers are non-preferred.
    for (const p of m.calleeSaved) if (m.allocatable.contains(p)) assert.ok(nonPref.contains(p), `${m.name}: ${m.regName(p)}`);
    // Argument and return registers are caller-saved and allocatable (fixed uses/defs need that).
    for (const p of [...m.argRegs.int, ...m.argRegs.float, ...m.retRegs.int, ...m.retRegs.float]) {
      assert.ok(m.callClobbers.contains(p) && m.allocatable.contains(p), `${m.name}: ${m.regName(p)}`);
    }
    // Stack, frame and link registers are reserved, never allocatable.
    for (const p of [m.stackPointer, m.framePointer, m.linkRegister]) {
      if (p !== undefined) assert.ok(m.reserved.contains(p) && !m.allocatable.contains(p));
    }
    assert.ok(m.reserved.clone().intersectFrom(m.allocatable).isEmpty());
    // Names round-trip.
    for (const p of [...m.allocatable, ...m.reserved]) assert.equal(m.pregByName(m.regName(p)), p);
    assert.throws(() => m.pregByName('nosuchreg'), RangeError);
    assert.equal(m.spillslotUnits[0] * m.slotBytes, m.spillSlotSize[0]);
  }
});

test('machine: x86-64 System V against the ABI document', () => {
  const m = x86_64SystemV;
  assert.deepEqual(names(m, m.argRegs.int), ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9']);
  assert.deepEqual(names(m, m.argRegs.float), ['xmm0', 'xmm1', 'xmm2', 'xmm3', 'xmm4', 'xmm5', 'xmm6', 'xmm7']);
  assert.deepEqual(names(m, m.retRegs.int), ['rax', 'rdx']);
  assert.deepEqual(names(m, m.retRegs.float), ['xmm0', 'xmm1']);
  assert.ok(m.calleeSaved.equals(set(m, ['rbx', 'rbp', 'r12', 'r13', 'r14', 'r15'])));
  assert.deepEqual(names(m, m.reserved), ['rsp', 'rbp']);
  assert.equal(m.regName(m.pregByName('rax')), 'rax');
  assert.equal(m.pregByName('rdi'), 7);
  // All xmm registers are caller-saved in System V.
  for (let i = 0; i < 16; i++) assert.ok(m.callClobbers.contains(m.pregByName(`xmm${i}`)));
  assert.equal(m.callClobbers.size, 9 + 16);
});

test('machine: AArch64 AAPCS64 against the ABI document', () => {
  const m = aarch64Aapcs64;
  for (const r of ['x18', 'x29', 'x30', 'sp', 'x16', 'x17']) assert.ok(m.reserved.contains(m.pregByName(r)), r);
  assert.deepEqual(names(m, m.reserved), ['x16', 'x17', 'x18', 'x29', 'x30', 'sp']);
  assert.equal(m.pregByName('fp'), m.pregByName('x29'));
  assert.equal(m.pregByName('lr'), m.pregByName('x30'));
  assert.deepEqual(names(m, m.argRegs.int), ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
  assert.ok(m.calleeSaved.equals(set(m, [...Array.from({ length: 11 }, (_, i) => `x${19 + i}`), ...Array.from({ length: 8 }, (_, i) => `v${8 + i}`)])));
  // x0..x17 clobbered by a call; x19..x28 preserved.
  for (let i = 0; i <= 17; i++) assert.ok(m.callClobbers.contains(m.pregByName(`x${i}`)));
  for (let i = 19; i <= 28; i++) assert.ok(!m.callClobbers.contains(m.pregByName(`x${i}`)));
});

test('machine: RISC-V LP64D against the ABI document', () => {
  const m = riscv64Lp64d;
  for (const r of ['zero', 'sp', 'gp', 'tp', 'fp', 'ra']) assert.ok(m.reserved.contains(m.pregByName(r)), r);
  assert.equal(m.pregByName('x10'), m.pregByName('a0'));
  assert.equal(m.pregByName('f10'), m.pregByName('fa0'));
  assert.equal(m.regName(m.pregByName('x8')), 's0');
  assert.deepEqual(names(m, m.argRegs.int), ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']);
  assert.deepEqual(names(m, m.retRegs.float), ['fa0', 'fa1']);
  const saved = ['s0', 's1', ...Array.from({ length: 10 }, (_, i) => `s${i + 2}`)];
  const fsaved = ['fs0', 'fs1', ...Array.from({ length: 10 }, (_, i) => `fs${i + 2}`)];
  assert.ok(m.calleeSaved.equals(set(m, [...saved, ...fsaved])));
  assert.equal(m.pregByName('x9'), m.pregByName('s1'));
  assert.ok(!m.env.preferredRegsByClass[RegClass.Vector].isEmpty());
});

test('machine: x86-64 and AArch64 envs are exactly the ones Cranelift hands to regalloc2 (corpus)', () => {
  const files = corpusFiles('cranelift');
  for (const [prefix, m] of [['x86_64', x86_64SystemV], ['aarch64', aarch64Aapcs64]] as const) {
    const file = files.find((f) => f.includes(`/${prefix}__`))!;
    const { env } = readCorpusFile(file);
    assert.deepEqual(envToJson(m.env), envToJson(env), m.name);
  }
});

test('MachineBuilder: rejects what it cannot describe, with typed errors naming the register', () => {
  const base = () => new MachineBuilder('toy').registers(RegClass.Int, ['r0', 'r1', 'r2', 'sp']).registers(RegClass.Float, ['f0', 'f1']);
  const rejects = (f: () => unknown, pattern: RegExp) =>
    assert.throws(f, (e) => e instanceof RegAllocError && e.kind === 'InvalidEnv' && pattern.test(e.message));
  rejects(() => base().registers(RegClass.Int, [{ hwEnc: 0, name: 'again' }]), /declared twice/);
  rejects(() => base().registers(RegClass.Vector, ['r0']), /'r0' is used twice/);
  rejects(() => base().registers(RegClass.Vector, [{ hwEnc: 64, name: 'v64' }]), /outside 0\.\.63/);
  rejects(() => base().registers(7 as RegClass, ['q']), /class 7/);
  rejects(() => base().preferred(RegClass.Int, ['r0', 'r0']), /r0 is listed twice/);
  rejects(() => base().preferred(RegClass.Int, ['f0']), /f0 is a Float register, not Int/);
  rejects(() => base().preferred(RegClass.Int, ['nope']), /'nope' is not declared/);
  rejects(() => base().preferred(RegClass.Int, [9]), /9 is not a declared Int register/);
  rejects(() => base().preferred(RegClass.Int, ['r0']).nonPreferred(RegClass.Int, ['r0']).build(), /r0 is listed twice as allocatable/);
  rejects(() => base().preferred(RegClass.Int, ['r0', 'r1']).scratch(RegClass.Int, 'r1').build(), /scratch register r1 is also allocatable/);
  rejects(() => base().preferred(RegClass.Int, ['r0', 'sp']).stackPointer('sp').build(), /sp is a stack/);
  rejects(() => base().spillSlotSize([8, 12, 16]), /not a multiple/);
  const ok = base().preferred(RegClass.Int, ['r0']).nonPreferred(RegClass.Int, [1]).scratch(RegClass.Int, 'r2').stackPointer('sp').build();
  validateEnv(ok.env);
  assert.deepEqual(names(ok, ok.reserved), ['sp', 'f0', 'f1']);
  assert.equal(ok.env.scratchByClass[0], ok.pregByName('r2'));
});
