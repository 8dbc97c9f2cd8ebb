// Emission: walks each allocated function block by block — the allocator's moves before
// and after each instruction, the instruction with its operands' registers — and encodes
// x86-64 into the code buffer. Also lays out the frame and writes the asm listing.
//
// Frame (rbp-based), from high to low addresses:
//   [rbp+16+8k]   incoming stack argument k
//   [rbp+8]       return address; [rbp] saved rbp
//   [rbp-8(i+1)]  callee-saved register i, saved only if the allocation writes it
//   below them    the spill area (the library's frameLayout: 8-byte units, 16-aligned)
//   [rsp+8k]      outgoing stack argument k
// The frame size is rounded to 16 so rsp is 16-byte aligned at every call.

import {
  type Allocation,
  type MoveEvent,
  type Output,
  allocAsReg,
  frameLayout,
  pregClass,
  RegClass,
  walkFunction,
  writtenRegs,
} from 'regalloc';
import type { Assembler, Mem } from './encode.js';
import { type LoweredFunction, CC, type MInst } from './lower.js';
import { RAX, RBP, RDI, RDX, RSI, RSP, machine, regName } from './x64.js';

/** Where global data lives in the static executable (absolute addresses below 2^31). */
export interface DataLayout {
  /** Address of the one-byte buffer `__putc` writes from. */
  putcByte: number;
  arrays: Map<string, number>;
}

/** What the allocator added to one function. */
export interface MoveCounts {
  /** Register-to-register moves. */
  moves: number;
  /** Register-to-stack moves. */
  spills: number;
  /** Stack-to-register moves. */
  reloads: number;
  /** Stack-to-stack moves (push/pop through memory: no register needed). */
  stackMoves: number;
}

const BYTE_NAMES = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
const byteName = (hw: number) => BYTE_NAMES[hw] ?? `r${hw}b`;
const hex = (n: number) => (n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`);
const memText = (m: Mem) =>
  'base' in m
    ? `[${regName(m.base)}${m.disp ? (m.disp < 0 ? ` - ${-m.disp}` : ` + ${m.disp}`) : ''}]`
    : 'index' in m
      ? `[${regName(m.index)}*8 + ${hex(m.disp)}]`
      : `[${hex(m.abs)}]`;

/**
 * Emits one allocated function at the buffer's current offset, binding `blockLabels` as its
 * blocks start; `fnLabels` are the call targets. Appends asm lines to `listing` if given;
 * with `checkAlignment`, every call first traps (ud2) unless rsp is 16-byte aligned.
 */
export function emitFunction(
  asm: Assembler,
  lf: LoweredFunction,
  out: Output,
  fnLabels: ReadonlyMap<string, number>,
  data: DataLayout,
  listing?: string[],
  checkAlignment = false,
): MoveCounts {
  const counts: MoveCounts = { moves: 0, spills: 0, reloads: 0, stackMoves: 0 };
  const word = machine.slotBytes;
  const saved = writtenRegs(lf.func, out).intersectFrom(machine.calleeSaved).toArray().map((p) => p & 63);
  const spills = frameLayout(lf.func, out, { slotBytes: word });
  const outgoingBytes = word * lf.outgoingSlots;
  const frameBytes = Math.ceil((word * saved.length + spills.size + outgoingBytes) / 16) * 16;
  // The spill area starts right above the outgoing arguments.
  const slotMem = (a: Allocation, cls: RegClass): Mem => ({ base: RBP, disp: -frameBytes + outgoingBytes + spills.offsetOf(a, cls) });
  const blockLabels = Array.from({ length: lf.func.numBlocks() }, () => asm.newLabel());

  // Each encoder call is preceded by its text, listed with the offset it starts at.
  const line = (text: string) => {
    if (listing) listing.push(`  ${asm.size.toString(16).padStart(6, '0')}  ${text}`);
  };
  const hw = (a: Allocation): number => {
    const p = allocAsReg(a);
    if (p === undefined) throw new Error(`${lf.name}: an operand is not in a register`);
    return p & 63;
  };
  const isFloat = (a: Allocation) => pregClass(allocAsReg(a)!) === RegClass.Float;
  const R = (p: number) => regName(p);
  const X = (p: number) => `xmm${p}`;

  const move = (ev: MoveEvent) => {
    const { from, to } = ev;
    const float = ev.regClass === RegClass.Float;
    const tag = ' ; regalloc';
    switch (ev.moveKind) {
      case 'reg-reg':
        counts.moves++;
        if (float) {
          line(`movapd ${X(hw(to))}, ${X(hw(from))}${tag} move`);
          asm.movapd(hw(to), hw(from));
        } else {
          line(`mov ${R(hw(to))}, ${R(hw(from))}${tag} move`);
          asm.movRR(hw(to), hw(from));
        }
        return;
      case 'reg-stack': {
        counts.spills++;
        const m = slotMem(to, ev.regClass);
        if (float) {
          line(`movsd ${memText(m)}, ${X(hw(from))}${tag} spill`);
          asm.movsdStore(m, hw(from));
        } else {
          line(`mov ${memText(m)}, ${R(hw(from))}${tag} spill`);
          asm.store(m, hw(from));
        }
        return;
      }
      case 'stack-reg': {
        counts.reloads++;
        const m = slotMem(from, ev.regClass);
        if (float) {
          line(`movsd ${X(hw(to))}, ${memText(m)}${tag} reload`);
          asm.movsdLoad(hw(to), m);
        } else {
          line(`mov ${R(hw(to))}, ${memText(m)}${tag} reload`);
          asm.load(hw(to), m);
        }
        return;
      }
      case 'stack-stack': {
        counts.stackMoves++;
        const src = slotMem(from, ev.regClass);
        const dst = slotMem(to, ev.regClass);
        line(`push qword ${memText(src)}; pop qword ${memText(dst)}${tag} stack move`);
        asm.pushMem(src);
        asm.popMem(dst);
        return;
      }
    }
  };

  const prologue = () => {
    line(`push rbp; mov rbp, rsp${frameBytes > 0 ? `; sub rsp, ${frameBytes}` : ''}`);
    asm.push(RBP);
    asm.movRR(RBP, RSP);
    if (frameBytes > 0) asm.aluImm('sub', RSP, frameBytes);
    saved.forEach((r, i) => {
      const m: Mem = { base: RBP, disp: -word * (i + 1) };
      line(`mov ${memText(m)}, ${R(r)} ; save callee-saved`);
      asm.store(m, r);
    });
  };
  const epilogue = () => {
    saved.forEach((r, i) => {
      const m: Mem = { base: RBP, disp: -word * (i + 1) };
      line(`mov ${R(r)}, ${memText(m)} ; restore callee-saved`);
      asm.load(r, m);
    });
    line('mov rsp, rbp; pop rbp; ret');
    asm.movRR(RSP, RBP);
    asm.pop(RBP);
    asm.ret();
  };

  let current = 0;
  const jumpTo = (target: number) => {
    if (target === current + 1) return; // falls through
    line(`jmp .b${target}`);
    asm.jmp(blockLabels[target]!);
  };

  const inst = (m: MInst, a: ArrayLike<Allocation>) => {
    const r = (i: number) => hw(a[i]!);
    switch (m.op) {
      case 'args':
        return;
      case 'ldarg': {
        const mem: Mem = { base: RBP, disp: 16 + word * m.index! };
        if (isFloat(a[0]!)) {
          line(`movsd ${X(r(0))}, ${memText(mem)}`);
          asm.movsdLoad(r(0), mem);
        } else {
          line(`mov ${R(r(0))}, ${memText(mem)}`);
          asm.load(r(0), mem);
        }
        return;
      }
      case 'iconst':
        if (m.imm === 0n) {
          line(`xor ${R(r(0))}, ${R(r(0))}`);
          asm.alu('xor', r(0), r(0));
        } else {
          line(`mov ${R(r(0))}, ${m.imm}`);
          asm.movRI(r(0), m.imm!);
        }
        return;
      case 'fconst': {
        const bits = new BigInt64Array(new Float64Array([m.fimm!]).buffer)[0]!;
        if (bits === 0n) {
          line(`xorpd ${X(r(0))}, ${X(r(0))}`);
          asm.xorpd(r(0), r(0));
        } else {
          const t = r(1);
          line(`mov ${R(t)}, 0x${BigInt.asUintN(64, bits).toString(16)} ; ${m.fimm}; movq ${X(r(0))}, ${R(t)}`);
          asm.movRI(t, bits);
          asm.movqToXmm(r(0), t);
        }
        return;
      }
      case 'alu':
      case 'alui': {
        if (r(0) !== r(a.length - 1)) throw new Error(`${lf.name}: reuse constraint not honoured`);
        const d = r(0);
        const imm = m.op === 'alui' ? Number(m.imm!) : undefined;
        const src = imm === undefined ? R(r(1)) : String(imm);
        if (m.sub === '*') {
          line(`imul ${R(d)}, ${src}`);
          if (imm === undefined) asm.imul(d, r(1));
          else asm.imulImm(d, d, imm);
          return;
        }
        const op = ({ '+': 'add', '-': 'sub', '&': 'and', '|': 'or', '^': 'xor' } as const)[m.sub as '+']!;
        line(`${op} ${R(d)}, ${src}`);
        if (imm === undefined) asm.alu(op, d, r(1));
        else asm.aluImm(op, d, imm);
        return;
      }
      case 'shift':
      case 'shifti': {
        const d = r(0);
        if (d !== r(a.length - 1)) throw new Error(`${lf.name}: reuse constraint not honoured`);
        const op = ({ '<<': 'shl', '>>': 'sar', '>>>': 'shr' } as const)[m.sub as '<<']!;
        if (m.op === 'shift') {
          line(`${op} ${R(d)}, cl`);
          asm.shiftCl(op, d);
        } else {
          line(`${op} ${R(d)}, ${Number(m.imm! & 63n)}`);
          asm.shiftImm(op, d, Number(m.imm! & 63n));
        }
        return;
      }
      case 'ineg':
      case 'inot':
        line(`${m.op === 'ineg' ? 'neg' : 'not'} ${R(r(0))}`);
        if (m.op === 'ineg') asm.neg(r(0));
        else asm.not(r(0));
        return;
      case 'fneg':
      {
        // Flip the sign bit through an integer temp: exact IEEE negation, NaN and -0.0 included.
        if (r(0) !== r(1)) throw new Error(`${lf.name}: reuse constraint not honoured`);
        const t = r(2);
        line(`movq ${R(t)}, ${X(r(0))}; btc ${R(t)}, 63; movq ${X(r(0))}, ${R(t)}`);
        asm.movqFromXmm(t, r(0));
        asm.btc(t, 63);
        asm.movqToXmm(r(0), t);
      }
        return;
      case 'div':
        line(`cqo; idiv ${R(r(1))}`);
        asm.cqo();
        asm.idiv(r(1));
        return;
      case 'icmp':
      case 'icmpi': {
        const d = r(a.length - 1);
        if (m.op === 'icmp') {
          line(`cmp ${R(r(0))}, ${R(r(1))}`);
          asm.alu('cmp', r(0), r(1));
        } else {
          line(`cmp ${R(r(0))}, ${m.imm}`);
          asm.aluImm('cmp', r(0), Number(m.imm!));
        }
        line(`set${ccName(m.cc!)} ${byteName(d)}; movzx ${R(d)}, ${byteName(d)}`);
        asm.setcc(m.cc!, d);
        asm.movzxByte(d, d);
        return;
      }
      case 'fbin': {
        const op = ({ '+': 'addsd', '-': 'subsd', '*': 'mulsd', '/': 'divsd' } as const)[m.sub as '+']!;
        if (r(0) !== r(2)) throw new Error(`${lf.name}: reuse constraint not honoured`);
        line(`${op} ${X(r(0))}, ${X(r(1))}`);
        asm.sse(op, r(0), r(1));
        return;
      }
      case 'fcmp': {
        const d = r(2);
        // Unordered (NaN) sets ZF, PF and CF: `a > b` is "above", `a < b` is `b > a`.
        const swap = m.sub === '<' || m.sub === '<=';
        const [x, y] = swap ? [r(1), r(0)] : [r(0), r(1)];
        line(`ucomisd ${X(x)}, ${X(y)}`);
        asm.ucomisd(x, y);
        if (m.sub === '==' || m.sub === '!=') {
          const eq = m.sub === '==';
          const t = r(3);
          line(`set${eq ? 'e' : 'ne'} ${byteName(d)}; set${eq ? 'np' : 'p'} ${byteName(t)}; ${eq ? 'and' : 'or'} ${byteName(d)}, ${byteName(t)}`);
          asm.setcc(eq ? CC.E : CC.NE, d);
          asm.setcc(eq ? CC.NP : CC.P, t);
          asm.alu8(eq ? 'and' : 'or', d, t);
        } else {
          const cc = m.sub === '>' || m.sub === '<' ? CC.A : CC.AE;
          line(`set${ccName(cc)} ${byteName(d)}`);
          asm.setcc(cc, d);
        }
        line(`movzx ${R(d)}, ${byteName(d)}`);
        asm.movzxByte(d, d);
        return;
      }
      case 'i2f':
        line(`xorpd ${X(r(1))}, ${X(r(1))}; cvtsi2sd ${X(r(1))}, ${R(r(0))}`);
        asm.xorpd(r(1), r(1));
        asm.cvtsi2sd(r(1), r(0));
        return;
      case 'f2i':
        line(`cvttsd2si ${R(r(1))}, ${X(r(0))}`);
        asm.cvttsd2si(r(1), r(0));
        return;
      case 'load': {
        const mem: Mem = { index: r(0), disp: data.arrays.get(m.name!)! };
        line(`mov ${R(r(1))}, ${memText(mem)} ; ${m.name}`);
        asm.load(r(1), mem);
        return;
      }
      case 'store': {
        const mem: Mem = { index: r(0), disp: data.arrays.get(m.name!)! };
        line(`mov ${memText(mem)}, ${R(r(1))} ; ${m.name}`);
        asm.store(mem, r(1));
        return;
      }
      case 'starg': {
        const mem: Mem = { base: RSP, disp: word * m.index! };
        if (isFloat(a[0]!)) {
          line(`movsd ${memText(mem)}, ${X(r(0))}`);
          asm.movsdStore(mem, r(0));
        } else {
          line(`mov ${memText(mem)}, ${R(r(0))}`);
          asm.store(mem, r(0));
        }
        return;
      }
      case 'call':
        if (checkAlignment) {
          line('test spl, 15; jz +2; ud2 ; stack alignment check');
          asm.trapUnlessAligned16();
        }
        line(`call ${m.name}`);
        asm.call(fnLabels.get(m.name!)!);
        return;
      case 'putc': {
        const buf: Mem = { abs: data.putcByte };
        line(`mov byte ${memText(buf)}, ${byteName(r(0))}; write(1, ${hex(data.putcByte)}, 1)`);
        asm.storeByte(buf, r(0));
        asm.movRI(RAX, 1n);
        asm.movRI(RDI, 1n);
        asm.movRI(RSI, BigInt(data.putcByte));
        asm.movRI(RDX, 1n);
        asm.syscall();
        return;
      }
      case 'jmp':
        jumpTo(m.targets![0]!);
        return;
      case 'br': {
        const [t, e] = m.targets as [number, number];
        let cc: number = CC.NE; // the condition under which the branch goes to `t`
        if (m.cmp === undefined) {
          line(`test ${R(r(0))}, ${R(r(0))}`);
          asm.test(r(0), r(0));
        } else if (m.cmp === 'int') {
          line(`cmp ${R(r(0))}, ${R(r(1))}`);
          asm.alu('cmp', r(0), r(1));
          cc = m.cc!;
        } else if (m.cmp === 'int-imm') {
          line(`cmp ${R(r(0))}, ${m.imm}`);
          asm.aluImm('cmp', r(0), Number(m.imm!));
          cc = m.cc!;
        } else {
          const swap = m.sub === '<' || m.sub === '<=';
          const [x, y] = swap ? [r(1), r(0)] : [r(0), r(1)];
          line(`ucomisd ${X(x)}, ${X(y)}`);
          asm.ucomisd(x, y);
          // Unordered (NaN) sets PF: == is false and != is true then.
          if (m.sub === '==' || m.sub === '!=') {
            const unordered = m.sub === '==' ? e : t;
            line(`jp .b${unordered}`);
            asm.jcc(CC.P, blockLabels[unordered]!);
            cc = m.sub === '==' ? CC.E : CC.NE;
          } else cc = m.sub === '>' || m.sub === '<' ? CC.A : CC.AE;
        }
        if (t === current + 1) {
          line(`j${ccName(cc ^ 1)} .b${e}`);
          asm.jcc(cc ^ 1, blockLabels[e]!);
        } else {
          line(`j${ccName(cc)} .b${t}`);
          asm.jcc(cc, blockLabels[t]!);
          jumpTo(e);
        }
        return;
      }
      case 'ret':
        epilogue();
        return;
    }
  };

  if (listing) listing.push(`${lf.name}:`);
  for (const ev of walkFunction(lf.func, out, { env: machine.env })) {
    if (ev.kind === 'blockStart') {
      current = ev.block;
      asm.bind(blockLabels[ev.block]!);
      if (listing) listing.push(`.b${ev.block}:`);
      if (ev.block === lf.func.entryBlock()) prologue();
    } else if (ev.kind === 'move') move(ev);
    else inst(lf.insts[ev.inst]!, ev.allocs);
  }
  return counts;
}

const CC_NAMES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
function ccName(cc: number): string {
  return CC_NAMES[cc]!;
}
