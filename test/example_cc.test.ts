// The example compiler (examples/cc): front end errors, encoder bytes, code buffer fixups,
// call lowering against validation, and the program suite compiled with both allocators,
// every allocation proven by the checker, run natively and compared with the interpreter.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FunctionBuilder, Operand, RegAllocError, RegClass, operandConstraint, operandIsDef, validateFunction, x86_64SystemV } from 'regalloc';
import { CodeBuffer } from '../examples/cc/buffer.js';
import { checkSource } from '../examples/cc/check.js';
import { compile, compileProgram } from '../examples/cc/compile.js';
import { writeElf } from '../examples/cc/elf.js';
import { Assembler } from '../examples/cc/encode.js';
import { fuzz, minimize } from '../examples/cc/fuzz.js';
import { floatToInt, formatFloat, interpret } from '../examples/cc/interp.js';
import { InterpreterThread } from '../examples/cc/interp_thread.js';
import { lower } from '../examples/cc/lower.js';
import { buildSsa, succsOf } from '../examples/cc/ssa.js';
import { CompileError } from '../examples/cc/syntax.js';
import { RAX, RDI, gpr } from '../examples/cc/x64.js';

const PROGRAMS = new URL('../examples/cc/programs/', import.meta.url);
const programFiles = readdirSync(PROGRAMS).filter((f) => f.endsWith('.src')).sort();
const NATIVE = process.platform === 'linux' && process.arch === 'x64';
const SKIP_NATIVE = NATIVE ? false : `native code runs only on x86-64 Linux (this is ${process.platform}/${process.arch})`;

const tmp = mkdtempSync(join(tmpdir(), 'cc-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function runElf(elf: Uint8Array, name: string): { stdout: string; status: number | null; signal: string | null } {
  const path = join(tmp, name);
  writeFileSync(path, elf);
  chmodSync(path, 0o755);
  const r = spawnSync(path, { encoding: 'latin1', timeout: 20_000 });
  return { stdout: r.stdout, status: r.status, signal: r.signal };
}

describe('front end', () => {
  it('syntax errors name line and column', () => {
    const cases: [string, RegExp][] = [
      ['fn main() -> int {\n  var x = 1 +;\n}', /^p\.src:2:14: expected an expression, found ';'/],
      ['fn main() -> int {\n  return 0\n}', /^p\.src:3:1: expected ';'/],
      ['fn main() -> int { return 1 $ 2; }', /^p\.src:1:29: unexpected character '\$'/],
      ['array a[0];', /^p\.src:1:7: array size/],
    ];
    for (const [src, re] of cases) assert.throws(() => checkSource(src, 'p.src'), (e: Error) => e instanceof CompileError && re.test(e.message));
  });

  it('type and name errors name line and column', () => {
    const cases: [string, RegExp][] = [
      ['fn main() -> int {\n  var x = 1 + 2.0;\n  return 0;\n}', /^2:13: '\+' mixes int and float/],
      ['fn main() -> int { return y; }', /^1:27: unknown variable 'y'/],
      ['fn f(a: int) {}\nfn main() -> int { f(1.5); return 0; }', /^2:22: argument 1 of 'f' must be int, got float/],
      ['fn main() -> float { return 0.0; }', /^1:1: 'main' must be/],
      ['fn main() -> int { return a[0]; }', /^1:27: unknown array 'a'/],
    ];
    for (const [src, re] of cases) assert.throws(() => checkSource(src), (e: Error) => e instanceof CompileError && re.test(e.message));
  });

  it('interpreter semantics: wrapping, shifts masked, float printing and conversion', () => {
    const r = interpret(
      checkSource(`fn main() -> int {
        print(9223372036854775807 + 1); print(1 << 64); print(-8 >>> 60); print(-7 / 2); print(-7 % 2);
        print(2.5); print(-0.125); print(int(1.0e300)); return 300; }`),
    );
    assert.equal(r.stdout, '-9223372036854775808\n1\n15\n-3\n-1\n2.500000\n-0.125000\n-9223372036854775808\n');
    assert.equal(r.status, 300 % 256);
    assert.equal(formatFloat(Number.NaN), 'nan');
    assert.equal(formatFloat(-1e30), '-big');
    assert.equal(floatToInt(-2.9), -2n);
    // Above 2^53 the whole part prints exactly, not as JS's shortest round-trip text.
    assert.equal(formatFloat(-288230376151711744), '-288230376151711744.000000');
  });
});

describe('SSA and lowering', () => {
  const prog = checkSource(readFileSync(new URL('sort.src', PROGRAMS), 'utf8'));
  const fns = buildSsa(prog);

  it('has no critical edges, and block params only on blocks reached by jumps', () => {
    for (const f of fns) {
      for (const b of f.blocks) {
        const succs = succsOf(b.term);
        if (succs.length > 1) for (const s of succs) assert.equal(f.blocks[s]!.preds.length, 1, `${f.name}: critical edge`);
        if (b.params.length > 0) for (const p of b.preds) assert.equal(f.blocks[p]!.term.k, 'jmp');
      }
    }
    // A loop header with a loop-carried variable keeps a param; unchanged variables do not.
    const insertion = fns.find((f) => f.name === 'insertion')!;
    assert.ok(insertion.blocks.some((b) => b.params.length > 0));
  });

  it('a call defines its result register and does not also clobber it', () => {
    const mixed = buildSsa(checkSource(readFileSync(new URL('mixed_calls.src', PROGRAMS), 'utf8')));
    const sigs = new Map(mixed.map((f) => [f.name, f]));
    let resultDefs = 0;
    for (const f of mixed) {
      const lf = lower(f, sigs);
      lf.insts.forEach((m, i) => {
        if (m.op !== 'call') return;
        const clobbers = lf.func.instClobbers(i);
        for (const op of Array.from(lf.func.instOperands(i))) {
          const c = operandConstraint(op);
          if (!operandIsDef(op) || c.kind !== 'fixed') continue;
          resultDefs++;
          assert.ok(!clobbers.contains(c.preg), `${f.name} inst ${i}: result register also clobbered`);
        }
        assert.ok(clobbers.contains(gpr(RDI)), 'argument registers are clobbered');
      });
    }
    assert.ok(resultDefs >= 4, `${resultDefs} result defs`);
  });

  it('validation rejects a call that lists its result register both as a def and as a clobber', () => {
    const build = (clobberResult: boolean) => {
      const b = new FunctionBuilder();
      const entry = b.block();
      const arg = b.vreg(RegClass.Int);
      const res = b.vreg(RegClass.Int);
      b.inst(entry, [Operand.regDef(arg)]);
      const clobbers = x86_64SystemV.callClobbers.clone();
      if (!clobberResult) clobbers.remove(gpr(RAX));
      b.inst(entry, [Operand.regFixedUse(arg, gpr(RDI)), Operand.regFixedDef(res, gpr(RAX))], clobbers.toArray());
      b.ret(entry, [Operand.regFixedUse(res, gpr(RAX))]);
      return b.build();
    };
    validateFunction(build(false), x86_64SystemV.env);
    assert.throws(
      () => validateFunction(build(true), x86_64SystemV.env),
      (e: Error) =>
        e instanceof RegAllocError &&
        e.kind === 'ClobberDefConflict' &&
        /inst 1/.test(e.message) &&
        /p0i is also clobbered by the instruction/.test(e.message),
    );
  });
});

describe('encoder and code buffer', () => {
  it('encodes instructions to the bytes objdump shows for them', () => {
    // Bytes checked against `objdump -d -M intel` once; committed so the test needs no binutils.
    const cases: [string, (a: Assembler) => void, string][] = [
      ['mov r12, r9', (a) => a.movRR(12, 9), '4d89cc'],
      ['mov ecx, 5', (a) => a.movRI(1, 5n), 'b905000000'],
      ['mov r10, -2', (a) => a.movRI(10, -2n), '49c7c2feffffff'],
      ['movabs r11, 0x8000000000000000', (a) => a.movRI(11, -(1n << 63n)), '49bb0000000000000080'],
      ['mov rdx, [rbp-0x18]', (a) => a.load(2, { base: 5, disp: -24 }), '488b55e8'],
      ['mov [rsp+8], r13', (a) => a.store({ base: 4, disp: 8 }, 13), '4c896c2408'],
      ['mov [r12], rax', (a) => a.store({ base: 12, disp: 0 }, 0), '49890424'],
      ['mov rsi, [r9*8+0x10000008]', (a) => a.load(6, { index: 9, disp: 0x10000008 }), '4a8b34cd08000010'],
      ['mov byte [0x10000000], sil', (a) => a.storeByte({ abs: 0x10000000 }, 6), '4088342500000010'],
      ['sub rax, 1000', (a) => a.aluImm('sub', 0, 1000), '4881e8e8030000'],
      ['cmp r15, -3', (a) => a.aluImm('cmp', 15, -3), '4983fffd'],
      ['imul rcx, r14', (a) => a.imul(1, 14), '490fafce'],
      ['sar r10, cl', (a) => a.shiftCl('sar', 10), '49d3fa'],
      ['cqo; idiv r9', (a) => (a.cqo(), a.idiv(9)), '489949f7f9'],
      ['setl dil', (a) => a.setcc(0xc, 7), '400f9cc7'],
      ['movzx edi, dil', (a) => a.movzxByte(7, 7), '400fb6ff'],
      ['movsd xmm9, [rbp-0x10]', (a) => a.movsdLoad(9, { base: 5, disp: -16 }), 'f2440f104df0'],
      ['movq xmm15, r11', (a) => a.movqToXmm(15, 11), '664d0f6efb'],
      ['ucomisd xmm0, xmm8', (a) => a.ucomisd(0, 8), '66410f2ec0'],
      ['cvtsi2sd xmm4, r10', (a) => a.cvtsi2sd(4, 10), 'f2490f2ae2'],
      ['cvttsd2si rax, xmm13', (a) => a.cvttsd2si(0, 13), 'f2490f2cc5'],
      ['or dl, r11b', (a) => a.alu8('or', 2, 11), '4408da'],
      ['push qword [rbp-0x28]', (a) => a.pushMem({ base: 5, disp: -40 }), 'ff75d8'],
      ['pop qword [rbp-0xc8]', (a) => a.popMem({ base: 5, disp: -200 }), '8f8538ffffff'],
      ['btc r11, 63', (a) => a.btc(11, 63), '490fbafb3f'],
      ['movq rcx, xmm9', (a) => a.movqFromXmm(1, 9), '664c0f7ec9'],
    ];
    for (const [name, emit, bytes] of cases) {
      const a = new Assembler();
      emit(a);
      assert.equal(Buffer.from(a.finish()).toString('hex'), bytes, name);
    }
  });

  it('resolves a forward branch across a long block at finish, and takes the short form backwards', () => {
    const buf = new CodeBuffer();
    const top = buf.newLabel();
    const end = buf.newLabel();
    buf.bind(top);
    buf.jcc(0x4, end); // je end: not bound yet, rel32 with a fixup
    for (let i = 0; i < 300; i++) buf.byte(0x90);
    buf.jmp(top); // backward: rel8 fits? no (306 bytes back): rel32
    const short = buf.newLabel();
    buf.bind(short);
    buf.byte(0x90);
    buf.jmp(short); // backward by 3: rel8
    buf.bind(end);
    const code = buf.finish();
    assert.deepEqual([...code.subarray(0, 6)], [0x0f, 0x84, ...le32(code.length - 6)]);
    assert.deepEqual([...code.subarray(306, 311)], [0xe9, ...le32(-311)]);
    assert.deepEqual([...code.subarray(312, 314)], [0xeb, 0xfd]);
    const dangling = new CodeBuffer();
    dangling.jmp(dangling.newLabel());
    assert.throws(() => dangling.finish(), /never bound/);
  });
});

function le32(v: number): number[] {
  return [0, 8, 16, 24].map((s) => (v >>> s) & 0xff);
}

describe('program suite: both allocators, checked, stack alignment trapped at every call, run natively, same as the interpreter', { skip: SKIP_NATIVE }, () => {
  const interpreter = new InterpreterThread();
  after(() => interpreter.close());
  assert.ok(programFiles.length >= 15, `${programFiles.length} programs`);
  for (const file of programFiles) {
    it(file, async () => {
      const src = readFileSync(new URL(file, PROGRAMS), 'utf8');
      const expected = await interpreter.run(src, file);
      const prog = checkSource(src, file);
      for (const algorithm of ['ion', 'fastalloc'] as const) {
        const c = compileProgram(prog, { algorithm, check: true, checkAlignment: true });
        const got = runElf(c.elf, `${file}.${algorithm}`);
        assert.equal(got.signal, null, `${file} (${algorithm}) killed by ${got.signal}`);
        assert.equal(got.stdout, expected.stdout, `${file} (${algorithm}) output`);
        assert.equal(got.status, expected.status, `${file} (${algorithm}) exit status`);
      }
    });
  }

  it('the alignment check traps on a misaligned stack and passes an aligned one', () => {
    const exe = (misalign: boolean) => {
      const a = new Assembler();
      if (misalign) a.push(0); // rsp is 16-byte aligned at the ELF entry point
      a.trapUnlessAligned16();
      a.movRI(RDI, 7n);
      a.movRI(RAX, 60n);
      a.syscall();
      return writeElf(a.finish(), 0, 8);
    };
    assert.equal(runElf(exe(false), 'aligned').status, 7);
    assert.equal(runElf(exe(true), 'misaligned').signal, 'SIGILL');
  });

  it('a long if-body makes its forward branch take the rel32 form, and the program still runs', () => {
    const body = Array.from({ length: 40 }, (_, i) => `x = x * 3 + ${i};`).join(' ');
    const src = `fn main() -> int { var x = 1; var y = 0; if (x == 1) { ${body} } else { y = 2; } print(x); print(y); return 0; }`;
    const expected = interpret(checkSource(src));
    const got = runElf(compile(src, { check: true }).elf, 'long-if');
    assert.equal(got.stdout, expected.stdout);
  });
});

describe('command line', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'examples/cc/cli.ts', ...args], { encoding: 'utf8', cwd: new URL('..', import.meta.url) });

  it('compiles a program to a file that runs, prints asm with the moves marked, and reports errors with line:column', { skip: SKIP_NATIVE }, () => {
    const exe = join(tmp, 'gcd-cli');
    const built = cli('examples/cc/programs/gcd.src', '-o', exe, '--algorithm', 'fastalloc', '--check');
    assert.equal(built.status, 0, built.stderr);
    const ran = spawnSync(exe, { encoding: 'utf8' });
    assert.equal(ran.stdout, '21\n6\n42\n33502\n');
    assert.equal(ran.status, 12);
    const listing = cli('examples/cc/programs/spill.src', '--emit', 'asm');
    assert.match(listing.stdout, /^pressure:$/m);
    assert.match(listing.stdout, /; regalloc (move|spill|reload)$/m);
    const bad = join(tmp, 'bad.src');
    writeFileSync(bad, 'fn main() -> int {\n  var x = 1 +;\n}\n');
    const failed = cli(bad);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /bad\.src:2:14: expected an expression/);
  });
});

describe('differential fuzzing (smoke run)', { skip: SKIP_NATIVE }, () => {
  it('random programs: both allocators, checked, native output equals the interpreter', () => {
    const stats = fuzz({ seed: 424242, count: 12 });
    assert.equal(stats.programs, 12);
    assert.deepEqual(
      stats.failures.map((f) => `seed ${f.seed}: ${f.verdict.kind === 'fail' ? f.verdict.why : ''}`),
      [],
    );
    assert.ok(stats.ok >= 10, `${stats.ok} programs ran to completion`);
  });

  it('minimisation keeps a failure while removing lines', () => {
    const src = ['a', 'b', 'BUG', 'c', 'd', 'e'].join('\n');
    assert.equal(minimize(src, (s) => s.includes('BUG')), 'BUG');
  });
});
