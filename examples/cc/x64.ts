// The x86-64 System V facts the backend needs, in one place: register numbers and names,
// the allocator's environment, argument and result registers, what a call clobbers.
// Every register but rsp and rbp (the frame) is allocatable: the emitter needs no scratch
// register of its own (instructions that need one ask the allocator for a temp).

import { type MachineEnv, type PReg, PRegSet, RegClass, preg } from 'regalloc';

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

const INT_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

export const gpr = (hw: number): PReg => preg(hw, RegClass.Int);
export const xmm = (hw: number): PReg => preg(hw, RegClass.Float);

export function regName(p: PReg): string {
  const hw = p & 63;
  return (p >> 6) === RegClass.Int ? INT_NAMES[hw]! : `xmm${hw}`;
}

const CALLER_SAVED_INT = [RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11];
const CALLEE_SAVED_INT = [RBX, R12, R13, R14, R15];
const ALLOCATABLE_FLOAT = [...Array(16).keys()];

export const argRegs = {
  int: [RDI, RSI, RDX, RCX, R8, R9].map(gpr),
  float: [0, 1, 2, 3, 4, 5, 6, 7].map(xmm),
};
export const retRegs = { int: [gpr(RAX)], float: [xmm(0)] };

/** Every allocatable register a call may overwrite (System V: all but rbx, r12-r15). */
export const callClobbers: PRegSet = PRegSet.of([...CALLER_SAVED_INT.map(gpr), ...ALLOCATABLE_FLOAT.map(xmm)]);
export const calleeSaved: PRegSet = PRegSet.of(CALLEE_SAVED_INT.map(gpr));

export const env: MachineEnv = {
  preferredRegsByClass: [PRegSet.of(CALLER_SAVED_INT.map(gpr)), PRegSet.of(ALLOCATABLE_FLOAT.map(xmm)), PRegSet.empty()],
  nonPreferredRegsByClass: [PRegSet.of(CALLEE_SAVED_INT.map(gpr)), PRegSet.empty(), PRegSet.empty()],
  scratchByClass: [null, null, null],
  fixedStackSlots: [],
};

/** Bytes per spill slot; every value (int or double) takes one slot. */
export const SLOT_BYTES = 8;
