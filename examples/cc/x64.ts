// The machine: the library's System V x86-64 description (allocator env, register names,
// argument and result registers, call clobbers, callee-saved registers, spill-slot sizes),
// plus the hardware register numbers the encoder needs. rsp and rbp hold the frame; every
// other register is allocatable, and the emitter needs no scratch register of its own
// (instructions that need one ask the allocator for a temp).

import { type PReg, RegClass, preg, x86_64SystemV } from 'regalloc';

export const machine = x86_64SystemV;

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

export const gpr = (hw: number): PReg => preg(hw, RegClass.Int);
export const xmm = (hw: number): PReg => preg(hw, RegClass.Float);

export const regName = (p: PReg): string => machine.regName(p);
