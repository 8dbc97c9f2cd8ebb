// Ready-made descriptions of three common ABIs. Each env is the one
// Cranelift builds for that ISA (`create_reg_env*` in its
// `isa/{x64,aarch64,riscv64}` `abi.rs`), so a function lowered the way
// Cranelift lowers it allocates as in Cranelift: preferred registers are
// caller-saved ones (Cranelift moves the caller-saved ones that encode longer
// — x86's xmm8..15, RISC-V's non-compressible registers — to the
// non-preferred tier too), callee-saved ones are non-preferred, and the
// registers Cranelift keeps for itself (stack, frame and link registers,
// its spill temporaries, platform registers) are reserved. No scratch
// register: like Cranelift, the allocator finds one when it needs one.

import { RegClass } from '../model/regs.js';
import { type MachineDescription, MachineBuilder } from './description.js';

const range = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

/**
 * x86-64, System V AMD64 ABI (Linux, macOS, BSD). Integer registers by
 * hw_enc: rax rcx rdx rbx rsp rbp rsi rdi r8..r15; float registers
 * xmm0..xmm15 (Float class, holding scalars and vectors, as in Cranelift; the
 * Vector class is unused). rsp and rbp are never allocatable. Arguments in
 * rdi rsi rdx rcx r8 r9 / xmm0..7, results in rax rdx / xmm0 xmm1; a call
 * clobbers rax rcx rdx rsi rdi r8..r11 and every xmm; rbx rbp r12..r15 are
 * callee-saved. Spill slots: 8 bytes per int value, 16 per xmm value.
 */
export const x86_64SystemV: MachineDescription = new MachineBuilder('x86_64-sysv')
  .registers(RegClass.Int, ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', ...range('r', 8, 15)])
  .registers(RegClass.Float, range('xmm', 0, 15))
  .preferred(RegClass.Int, ['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11'])
  .nonPreferred(RegClass.Int, ['rbx', 'r12', 'r13', 'r14', 'r15'])
  .preferred(RegClass.Float, range('xmm', 0, 7))
  .nonPreferred(RegClass.Float, range('xmm', 8, 15))
  .argRegs(['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'], range('xmm', 0, 7))
  .retRegs(['rax', 'rdx'], ['xmm0', 'xmm1'])
  .callClobbers(['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', ...range('xmm', 0, 15)])
  .calleeSaved(['rbx', 'rbp', 'r12', 'r13', 'r14', 'r15'])
  .stackPointer('rsp')
  .framePointer('rbp')
  .spillSlotSize([8, 16, 16])
  .build();

/**
 * AArch64, AAPCS64 (Linux; Apple's variant differs only in x18's use, which
 * is reserved here anyway). Integer registers x0..x30 and sp (hw_enc 31;
 * aliases fp = x29, lr = x30, ip0/ip1 = x16/x17); vector registers v0..v31
 * (Float class, as in Cranelift). Reserved: x16, x17 (Cranelift's spill
 * temporaries), x18 (platform register), x29 (frame pointer), x30 (link
 * register), sp. Arguments and results in x0..x7 / v0..v7; a call clobbers
 * x0..x17 and v0..v31 (v8..v15 keep only their low 64 bits across a call, so
 * Cranelift counts them clobbered); x19..x29 and v8..v15 are callee-saved.
 */
export const aarch64Aapcs64: MachineDescription = new MachineBuilder('aarch64-aapcs64')
  .registers(RegClass.Int, [
    ...range('x', 0, 15),
    { hwEnc: 16, name: 'x16', aliases: ['ip0'] },
    { hwEnc: 17, name: 'x17', aliases: ['ip1'] },
    ...range('x', 18, 28).map((name, i) => ({ hwEnc: 18 + i, name })),
    { hwEnc: 29, name: 'x29', aliases: ['fp'] },
    { hwEnc: 30, name: 'x30', aliases: ['lr'] },
    { hwEnc: 31, name: 'sp' },
  ])
  .registers(RegClass.Float, range('v', 0, 31))
  .preferred(RegClass.Int, range('x', 0, 15))
  .nonPreferred(RegClass.Int, range('x', 19, 28))
  .preferred(RegClass.Float, [...range('v', 0, 7), ...range('v', 16, 31)])
  .nonPreferred(RegClass.Float, range('v', 8, 15))
  .argRegs(range('x', 0, 7), range('v', 0, 7))
  .retRegs(range('x', 0, 7), range('v', 0, 7))
  .callClobbers([...range('x', 0, 17), ...range('v', 0, 31)])
  .calleeSaved([...range('x', 19, 29), ...range('v', 8, 15)])
  .stackPointer('sp')
  .framePointer('x29')
  .linkRegister('x30')
  .spillSlotSize([8, 16, 16])
  .build();

const RISCV_X = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1',
  ...range('a', 0, 7), ...range('s', 2, 11), ...range('t', 3, 6),
];
const RISCV_F = [
  ...range('ft', 0, 7), 'fs0', 'fs1', ...range('fa', 0, 7), ...range('fs', 2, 11), ...range('ft', 8, 11),
];

/**
 * RISC-V 64, LP64D (integer registers x0..x31 under their ABI names, with
 * `x<n>` and `fp` (= s0) as aliases; float registers f0..f31 as ft/fs/fa
 * names with `f<n>` aliases; vector registers v0..v31 in the Vector class,
 * 128-bit (Zvl128b), as in Cranelift). Reserved: zero, ra, sp, gp, tp, s0
 * (frame pointer) and t5, t6 (Cranelift's spill temporaries). Cranelift
 * prefers the compressible caller-saved a0..a5 / fa0..fa5 / v8..v15 and puts
 * the other caller-saved registers with the callee-saved ones. Arguments in
 * a0..a7 / fa0..fa7, results in a0 a1 / fa0 fa1; s0..s11 and fs0..fs11 are
 * callee-saved; a call clobbers ra, the t, a, ft and fa registers and every v.
 */
export const riscv64Lp64d: MachineDescription = new MachineBuilder('riscv64-lp64d')
  .registers(
    RegClass.Int,
    RISCV_X.map((name, i) => ({ hwEnc: i, name, aliases: i === 8 ? ['fp', 'x8'] : [`x${i}`] })),
  )
  .registers(
    RegClass.Float,
    RISCV_F.map((name, i) => ({ hwEnc: i, name, aliases: [`f${i}`] })),
  )
  .registers(RegClass.Vector, range('v', 0, 31))
  .preferred(RegClass.Int, range('a', 0, 5))
  .nonPreferred(RegClass.Int, ['t0', 't1', 't2', 'a6', 'a7', 't3', 't4', 's1', ...range('s', 2, 11)])
  .preferred(RegClass.Float, range('fa', 0, 5))
  .nonPreferred(RegClass.Float, [...range('ft', 0, 7), 'fa6', 'fa7', ...range('ft', 8, 11), 'fs0', 'fs1', ...range('fs', 2, 11)])
  .preferred(RegClass.Vector, range('v', 8, 15))
  .nonPreferred(RegClass.Vector, [...range('v', 0, 7), ...range('v', 16, 31)])
  .argRegs(range('a', 0, 7), range('fa', 0, 7))
  .retRegs(['a0', 'a1'], ['fa0', 'fa1'])
  .callClobbers([
    'ra', 't0', 't1', 't2', ...range('a', 0, 7), ...range('t', 3, 6),
    ...range('ft', 0, 7), ...range('fa', 0, 7), ...range('ft', 8, 11),
    ...range('v', 0, 31),
  ])
  .calleeSaved(['s0', 's1', ...range('s', 2, 11), 'fs0', 'fs1', ...range('fs', 2, 11)])
  .stackPointer('sp')
  .framePointer('s0')
  .linkRegister('ra')
  .spillSlotSize([8, 8, 16])
  .build();
