// An x86-64 encoder for the instructions the backend emits, writing into a CodeBuffer.
// Registers are hardware numbers 0-15 (general-purpose or xmm, as the instruction says).

import { CodeBuffer } from './buffer.js';

/** A memory operand: `[base + disp]`, or `[index * 8 + disp]` with an absolute disp32. */
export type Mem = { base: number; disp: number } | { index: number; disp: number } | { abs: number };

type RM = { reg: number } | Mem;

export const ALU = { add: 0, or: 1, and: 4, sub: 5, xor: 6, cmp: 7 } as const;
export type AluOp = keyof typeof ALU;
export const SHIFT = { shl: 4, shr: 5, sar: 7 } as const;
export type ShiftOp = keyof typeof SHIFT;
export const SSE = { addsd: 0x58, mulsd: 0x59, subsd: 0x5c, divsd: 0x5e } as const;
export type SseOp = keyof typeof SSE;

const fitsI8 = (v: number) => v >= -128 && v <= 127;

export class Assembler extends CodeBuffer {
  /**
   * One instruction: optional legacy prefix, REX (when W, an extended register, or a byte
   * register spl..dil needs it), opcode, ModRM (+SIB, displacement).
   */
  private rm(prefix: number | null, w: boolean, opcode: number[], reg: number, rm: RM, byteRegs = false): void {
    if (prefix !== null) this.byte(prefix);
    let rex = (w ? 8 : 0) | ((reg & 8) >> 1);
    if ('reg' in rm) rex |= (rm.reg & 8) >> 3;
    else if ('base' in rm) rex |= (rm.base & 8) >> 3;
    else if ('index' in rm) rex |= (rm.index & 8) >> 2;
    const needsRex = rex !== 0 || (byteRegs && ((reg >= 4 && reg < 8) || ('reg' in rm && rm.reg >= 4 && rm.reg < 8)));
    if (needsRex) this.byte(0x40 | rex);
    this.bytesOf(...opcode);
    const r = (reg & 7) << 3;
    if ('reg' in rm) {
      this.byte(0xc0 | r | (rm.reg & 7));
    } else if ('base' in rm) {
      const base = rm.base & 7;
      const mod = rm.disp === 0 && base !== 5 ? 0x00 : fitsI8(rm.disp) ? 0x40 : 0x80;
      this.byte(mod | r | base);
      if (base === 4) this.byte(0x24); // SIB: base rsp/r12, no index
      if (mod === 0x40) this.byte(rm.disp);
      else if (mod === 0x80) this.u32(rm.disp);
    } else if ('index' in rm) {
      this.byte(0x04 | r); // mod 00, SIB follows
      this.byte(0xc0 | ((rm.index & 7) << 3) | 5); // scale 8, no base: disp32
      this.u32(rm.disp);
    } else {
      this.byte(0x04 | r);
      this.byte(0x25); // no index, no base: absolute disp32
      this.u32(rm.abs);
    }
  }

  movRR(dst: number, src: number): void {
    this.rm(null, true, [0x89], src, { reg: dst });
  }
  movRI(dst: number, imm: bigint): void {
    imm = BigInt.asIntN(64, imm);
    if (imm >= 0n && imm < 1n << 32n) {
      if (dst >= 8) this.byte(0x41);
      this.byte(0xb8 | (dst & 7));
      this.u32(Number(imm));
    } else if (imm >= -(1n << 31n) && imm < 0n) {
      this.rm(null, true, [0xc7], 0, { reg: dst });
      this.u32(Number(imm));
    } else {
      this.byte(0x48 | ((dst & 8) >> 3));
      this.byte(0xb8 | (dst & 7));
      this.u64(imm);
    }
  }
  load(dst: number, mem: Mem): void {
    this.rm(null, true, [0x8b], dst, mem);
  }
  store(mem: Mem, src: number): void {
    this.rm(null, true, [0x89], src, mem);
  }
  storeByte(mem: Mem, src: number): void {
    this.rm(null, false, [0x88], src, mem, true);
  }
  alu(op: AluOp, dst: number, src: number): void {
    this.rm(null, true, [0x01 | (ALU[op] << 3)], src, { reg: dst });
  }
  aluImm(op: AluOp, dst: number, imm: number): void {
    if (fitsI8(imm)) {
      this.rm(null, true, [0x83], ALU[op], { reg: dst });
      this.byte(imm);
    } else {
      this.rm(null, true, [0x81], ALU[op], { reg: dst });
      this.u32(imm);
    }
  }
  /** `op dst8, src8` on byte registers (for combining setcc results). */
  alu8(op: 'and' | 'or', dst: number, src: number): void {
    this.rm(null, false, [op === 'and' ? 0x20 : 0x08], src, { reg: dst }, true);
  }
  imul(dst: number, src: number): void {
    this.rm(null, true, [0x0f, 0xaf], dst, { reg: src });
  }
  imulImm(dst: number, src: number, imm: number): void {
    if (fitsI8(imm)) {
      this.rm(null, true, [0x6b], dst, { reg: src });
      this.byte(imm);
    } else {
      this.rm(null, true, [0x69], dst, { reg: src });
      this.u32(imm);
    }
  }
  shiftCl(op: ShiftOp, dst: number): void {
    this.rm(null, true, [0xd3], SHIFT[op], { reg: dst });
  }
  shiftImm(op: ShiftOp, dst: number, count: number): void {
    this.rm(null, true, [0xc1], SHIFT[op], { reg: dst });
    this.byte(count);
  }
  neg(dst: number): void {
    this.rm(null, true, [0xf7], 3, { reg: dst });
  }
  not(dst: number): void {
    this.rm(null, true, [0xf7], 2, { reg: dst });
  }
  cqo(): void {
    this.bytesOf(0x48, 0x99);
  }
  idiv(src: number): void {
    this.rm(null, true, [0xf7], 7, { reg: src });
  }
  test(a: number, b: number): void {
    this.rm(null, true, [0x85], b, { reg: a });
  }
  setcc(cc: number, dst: number): void {
    this.rm(null, false, [0x0f, 0x90 | cc], 0, { reg: dst }, true);
  }
  /** movzx dst32, src8 (zero-extends into the whole 64-bit register). */
  movzxByte(dst: number, src: number): void {
    this.rm(null, false, [0x0f, 0xb6], dst, { reg: src }, true);
  }
  push(r: number): void {
    if (r >= 8) this.byte(0x41);
    this.byte(0x50 | (r & 7));
  }
  pop(r: number): void {
    if (r >= 8) this.byte(0x41);
    this.byte(0x58 | (r & 7));
  }
  /** push qword [mem] */
  pushMem(mem: Mem): void {
    this.rm(null, false, [0xff], 6, mem);
  }
  /** pop qword [mem] */
  popMem(mem: Mem): void {
    this.rm(null, false, [0x8f], 0, mem);
  }
  /** btc dst, bit: complements one bit. */
  btc(dst: number, bit: number): void {
    this.rm(null, true, [0x0f, 0xba], 7, { reg: dst });
    this.byte(bit);
  }
  /** test spl, 15; jz +2; ud2 — dies with SIGILL unless rsp is a multiple of 16. */
  trapUnlessAligned16(): void {
    this.bytesOf(0x40, 0xf6, 0xc4, 0x0f, 0x74, 0x02, 0x0f, 0x0b);
  }
  ret(): void {
    this.byte(0xc3);
  }
  syscall(): void {
    this.bytesOf(0x0f, 0x05);
  }

  // SSE2 doubles.
  movsdLoad(dst: number, mem: Mem): void {
    this.rm(0xf2, false, [0x0f, 0x10], dst, mem);
  }
  movsdStore(mem: Mem, src: number): void {
    this.rm(0xf2, false, [0x0f, 0x11], src, mem);
  }
  movapd(dst: number, src: number): void {
    this.rm(0x66, false, [0x0f, 0x28], dst, { reg: src });
  }
  /** movq xmm, r64 */
  movqToXmm(dst: number, src: number): void {
    this.rm(0x66, true, [0x0f, 0x6e], dst, { reg: src });
  }
  /** movq r64, xmm */
  movqFromXmm(dst: number, src: number): void {
    this.rm(0x66, true, [0x0f, 0x7e], src, { reg: dst });
  }
  sse(op: SseOp, dst: number, src: number): void {
    this.rm(0xf2, false, [0x0f, SSE[op]], dst, { reg: src });
  }
  xorpd(dst: number, src: number): void {
    this.rm(0x66, false, [0x0f, 0x57], dst, { reg: src });
  }
  ucomisd(a: number, b: number): void {
    this.rm(0x66, false, [0x0f, 0x2e], a, { reg: b });
  }
  cvtsi2sd(dst: number, src: number): void {
    this.rm(0xf2, true, [0x0f, 0x2a], dst, { reg: src });
  }
  cvttsd2si(dst: number, src: number): void {
    this.rm(0xf2, true, [0x0f, 0x2c], dst, { reg: src });
  }
}
