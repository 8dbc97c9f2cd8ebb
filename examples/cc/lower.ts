// Instruction selection: SSA → x86-64 machine instructions over virtual registers, handed to
// the allocator as a `Function` with the constraints x86 puts on them:
//   two-address ALU ops      def reuses input 0           (add d, b  with d = a)
//   shifts by a variable     count fixed in rcx
//   idiv                     dividend in rax, quotient rax / remainder rdx, rdx written early
//   calls                    args in fixed regs (the rest stored to the outgoing area), result
//                            a fixed def of rax/xmm0, clobbers = caller-saved MINUS the result
//   return                   value fixed in rax/xmm0
// Constants that fit 32 bits are folded into immediate forms.

import { FunctionBuilder, type Function, Operand, type PReg, type VReg, RegClass } from 'regalloc';
import type { IrFunc, IrInst } from './ssa.js';
import type { BinOp, Type } from './syntax.js';
import { R11, RAX, RCX, RDI, RDX, RSI, gpr, machine } from './x64.js';

/** x86 condition codes (the low nibble of jcc/setcc). */
export const CC = { B: 0x2, AE: 0x3, E: 0x4, NE: 0x5, BE: 0x6, A: 0x7, P: 0xa, NP: 0xb, L: 0xc, GE: 0xd, LE: 0xe, G: 0xf } as const;

export type MOp =
  | 'args' // defs of register parameters (fixed)
  | 'ldarg' // d = incoming stack argument `index`
  | 'iconst' // d = imm
  | 'fconst' // d = fimm
  | 'alu' // d(=a) op= b          sub: + - * & | ^
  | 'alui' // d(=a) op= imm
  | 'shift' // d(=a) shift= cl    sub: << >> >>>
  | 'shifti'
  | 'ineg'
  | 'inot'
  | 'div' // rax / b, sub: / %
  | 'icmp' // d = a cc b
  | 'icmpi' // d = a cc imm
  | 'fbin' // d(=a) op= b
  | 'fneg'
  | 'fcmp' // d = a fcc b (sub)
  | 'i2f'
  | 'f2i'
  | 'load' // d = name[a]
  | 'store' // name[a] = b
  | 'starg' // outgoing stack argument `index` = a
  | 'call' // call name
  | 'putc'
  | 'jmp'
  | 'br' // test a, a (or a fused compare); jne succ0; jmp succ1
  | 'ret';

export interface MInst {
  op: MOp;
  sub?: BinOp;
  cc?: number;
  imm?: bigint;
  fimm?: number;
  name?: string;
  index?: number;
  /** Successor blocks of a branch. */
  targets?: number[];
  /** What a `br` tests: its operand against zero (default), or a compare fused into it. */
  cmp?: 'int' | 'int-imm' | 'float';
}

export interface LoweredFunction {
  name: string;
  func: Function;
  /** Machine instruction of each allocator instruction (same numbering). */
  insts: MInst[];
  /** Outgoing stack-argument slots needed by the largest call. */
  outgoingSlots: number;
}

const ICMP_CC: Record<string, number> = { '==': CC.E, '!=': CC.NE, '<': CC.L, '<=': CC.LE, '>': CC.G, '>=': CC.GE };
const FOLDABLE = new Set<BinOp>(['+', '-', '*', '&', '|', '^', '<<', '>>', '>>>', '==', '!=', '<', '<=', '>', '>=']);
const fitsI32 = (v: bigint) => v >= -(1n << 31n) && v < 1n << 31n;
const cls = (t: Type): RegClass => (t === 'int' ? RegClass.Int : RegClass.Float);

/** How a call's arguments are passed: a register, or an outgoing stack slot. */
export function assignArgs(types: readonly Type[]): ({ reg: PReg } | { slot: number })[] {
  let ints = 0;
  let floats = 0;
  let slots = 0;
  return types.map((t) => {
    const regs = t === 'int' ? machine.argRegs.int : machine.argRegs.float;
    const n = t === 'int' ? ints++ : floats++;
    return n < regs.length ? { reg: regs[n]! } : { slot: slots++ };
  });
}

export function lower(f: IrFunc, signatures: ReadonlyMap<string, IrFunc>): LoweredFunction {
  const b = new FunctionBuilder();
  b.spillslotSize = [...machine.spillslotUnits];
  const vregs = new Int32Array(f.types.length).fill(-1);
  const v = (value: number): VReg => {
    if (vregs[value]! < 0) vregs[value] = b.vreg(cls(f.types[value]!));
    return vregs[value]!;
  };
  const consts = new Map<number, bigint>();
  for (const blk of f.blocks) for (const i of blk.insts) if (i.op === 'iconst') consts.set(i.dst, i.imm!);
  const foldedImm = (i: IrInst): bigint | undefined => {
    if (i.op !== 'ibin' && i.op !== 'icmp') return undefined;
    const c = consts.get(i.args[1]!);
    return c !== undefined && FOLDABLE.has(i.sub!) && fitsI32(c) ? c : undefined;
  };
  // Uses that remain after folding: constants used only as immediates are not materialised.
  const uses = new Int32Array(f.types.length);
  for (const blk of f.blocks) {
    for (const i of blk.insts) (foldedImm(i) === undefined ? i.args : i.args.slice(0, 1)).forEach((a) => uses[a]!++);
    const t = blk.term;
    if (t.k === 'jmp') t.args.forEach((a) => uses[a]!++);
    else if (t.k === 'br') uses[t.cond]!++;
    else if (t.val >= 0) uses[t.val]!++;
  }

  // A compare whose only use is its block's branch is fused into the branch (cmp + jcc).
  const fusedCompare = f.blocks.map((blk) => {
    const t = blk.term;
    if (t.k !== 'br' || uses[t.cond] !== 1) return undefined;
    return blk.insts.find((i) => i.dst === t.cond && (i.op === 'icmp' || i.op === 'fcmp'));
  });

  const perBlock: MInst[][] = [];
  let outgoingSlots = 0;
  const argAssign = assignArgs(f.paramTypes);

  f.blocks.forEach((blk, bi) => {
    const block = b.block();
    const out: MInst[] = [];
    perBlock.push(out);
    const inst = (m: MInst, operands: number[], clobbers: Iterable<PReg> = []) => {
      b.inst(block, operands, clobbers);
      out.push(m);
    };
    for (const p of blk.params) b.blockParam(block, v(p));
    if (bi === 0) {
      const params = blk.insts.filter((i) => i.op === 'param');
      const inRegs = params.filter((i) => 'reg' in argAssign[i.index!]!);
      if (inRegs.length > 0) {
        inst({ op: 'args' }, inRegs.map((i) => Operand.regFixedDef(v(i.dst), (argAssign[i.index!] as { reg: PReg }).reg)));
      }
    }
    const fused = fusedCompare[bi];
    for (const i of blk.insts) {
      if (i === fused) continue;
      const [a, c] = i.args;
      switch (i.op) {
        case 'param': {
          const where = argAssign[i.index!]!;
          if ('slot' in where) inst({ op: 'ldarg', index: where.slot }, [Operand.regDef(v(i.dst))]);
          break;
        }
        case 'iconst':
          if (uses[i.dst]! > 0) inst({ op: 'iconst', imm: i.imm! }, [Operand.regDef(v(i.dst))]);
          break;
        case 'fconst':
          // The bits go through an integer temp (there is no move of a 64-bit immediate to xmm).
          inst({ op: 'fconst', fimm: i.fimm! }, [Operand.regDef(v(i.dst)), Operand.regTemp(b.vreg(RegClass.Int))]);
          break;
        case 'ibin': {
          const op = i.sub!;
          if (op === '/' || op === '%') {
            const d = v(i.dst);
            const operands = [Operand.regFixedUse(v(a!), gpr(RAX)), Operand.regUse(v(c!))];
            if (op === '/') {
              // cqo writes rdx before idiv reads the divisor: an early def keeps the divisor out of rdx.
              operands.push(Operand.regFixedDef(d, gpr(RAX)), Operand.regFixedDefAtStart(b.vreg(RegClass.Int), gpr(RDX)));
              inst({ op: 'div', sub: op }, operands);
            } else {
              operands.push(Operand.regFixedDefAtStart(d, gpr(RDX)));
              inst({ op: 'div', sub: op }, operands, [gpr(RAX)]);
            }
            break;
          }
          const imm = foldedImm(i);
          const shift = op === '<<' || op === '>>' || op === '>>>';
          if (imm !== undefined) {
            inst({ op: shift ? 'shifti' : 'alui', sub: op, imm }, [Operand.regUse(v(a!)), Operand.regReuseDef(v(i.dst), 0)]);
          } else if (shift) {
            inst({ op: 'shift', sub: op }, [
              Operand.regUse(v(a!)),
              Operand.regFixedUse(v(c!), gpr(RCX)),
              Operand.regReuseDef(v(i.dst), 0),
            ]);
          } else {
            inst({ op: 'alu', sub: op }, [Operand.regUse(v(a!)), Operand.regUse(v(c!)), Operand.regReuseDef(v(i.dst), 0)]);
          }
          break;
        }
        case 'ineg':
        case 'inot':
          inst({ op: i.op }, [Operand.regUse(v(a!)), Operand.regReuseDef(v(i.dst), 0)]);
          break;
        case 'fneg':
          inst({ op: i.op }, [Operand.regUse(v(a!)), Operand.regReuseDef(v(i.dst), 0), Operand.regTemp(b.vreg(RegClass.Int))]);
          break;
        case 'icmp': {
          const imm = foldedImm(i);
          const cc = ICMP_CC[i.sub!]!;
          if (imm !== undefined) inst({ op: 'icmpi', cc, imm }, [Operand.regUse(v(a!)), Operand.regDef(v(i.dst))]);
          else inst({ op: 'icmp', cc }, [Operand.regUse(v(a!)), Operand.regUse(v(c!)), Operand.regDef(v(i.dst))]);
          break;
        }
        case 'fbin':
          inst({ op: 'fbin', sub: i.sub! }, [Operand.regUse(v(a!)), Operand.regUse(v(c!)), Operand.regReuseDef(v(i.dst), 0)]);
          break;
        case 'fcmp': {
          const operands = [Operand.regUse(v(a!)), Operand.regUse(v(c!)), Operand.regDef(v(i.dst))];
          // == and != combine two flags: the parity flag lands in a temp.
          if (i.sub === '==' || i.sub === '!=') operands.push(Operand.regTemp(b.vreg(RegClass.Int)));
          inst({ op: 'fcmp', sub: i.sub! }, operands);
          break;
        }
        case 'i2f':
        case 'f2i':
          inst({ op: i.op }, [Operand.regUse(v(a!)), Operand.regDef(v(i.dst))]);
          break;
        case 'load':
          inst({ op: 'load', name: i.name! }, [Operand.regUse(v(a!)), Operand.regDef(v(i.dst))]);
          break;
        case 'store':
          inst({ op: 'store', name: i.name! }, [Operand.regUse(v(a!)), Operand.regUse(v(c!))]);
          break;
        case 'putc':
          // write(1, buf, 1): rax, rdi, rsi, rdx are set up; the syscall itself overwrites rcx and r11.
          inst({ op: 'putc' }, [Operand.regUse(v(a!))], [RAX, RCX, RDX, RSI, RDI, R11].map(gpr));
          break;
        case 'call': {
          const callee = signatures.get(i.name!)!;
          const assign = assignArgs(callee.paramTypes);
          const operands: number[] = [];
          assign.forEach((where, k) => {
            if ('slot' in where) {
              inst({ op: 'starg', index: where.slot }, [Operand.regUse(v(i.args[k]!))]);
              outgoingSlots = Math.max(outgoingSlots, where.slot + 1);
            } else operands.push(Operand.regFixedUse(v(i.args[k]!), where.reg));
          });
          // The result register is a def of the call, so it must not also be a clobber.
          const clobbers = machine.callClobbers.clone();
          if (callee.ret !== 'void') {
            const r = callee.ret === 'int' ? machine.retRegs.int[0]! : machine.retRegs.float[0]!;
            clobbers.remove(r);
            // A result nobody reads still needs a def: the register is overwritten.
            const d = i.dst >= 0 ? v(i.dst) : b.vreg(cls(callee.ret));
            operands.push(Operand.regFixedDef(d, r));
          }
          inst({ op: 'call', name: i.name! }, operands, clobbers.toArray());
          break;
        }
      }
    }
    const t = blk.term;
    if (t.k === 'jmp') {
      b.branch(block, [{ block: t.to, args: t.args.map(v) }]);
      out.push({ op: 'jmp', targets: [t.to] });
    } else if (t.k === 'br') {
      const targets = [t.then, t.else];
      const succs = [{ block: t.then }, { block: t.else }];
      if (fused === undefined) {
        b.branch(block, succs, [Operand.regUse(v(t.cond))]);
        out.push({ op: 'br', targets });
      } else {
        const [a, c] = fused.args as [number, number];
        const imm = foldedImm(fused);
        const operands = imm === undefined ? [Operand.regUse(v(a)), Operand.regUse(v(c))] : [Operand.regUse(v(a))];
        b.branch(block, succs, operands);
        if (fused.op === 'fcmp') out.push({ op: 'br', targets, cmp: 'float', sub: fused.sub! });
        else if (imm === undefined) out.push({ op: 'br', targets, cmp: 'int', cc: ICMP_CC[fused.sub!]! });
        else out.push({ op: 'br', targets, cmp: 'int-imm', cc: ICMP_CC[fused.sub!]!, imm });
      }
    } else {
      const r = f.ret === 'float' ? machine.retRegs.float[0]! : machine.retRegs.int[0]!;
      b.ret(block, t.val >= 0 ? [Operand.regFixedUse(v(t.val), r)] : []);
      out.push({ op: 'ret' });
    }
  });
  return { name: f.name, func: b.build(), insts: perBlock.flat(), outgoingSlots };
}
