// The playground's first function: a loop around a call that clobbers most
// registers, so that values are spilled around the call and reloaded.

import { FunctionBuilder, type InMemoryFunction, type MachineEnv, Operand, preg, PRegSet, RegClass } from '../src/index.js';

export function exampleFunction(): { func: InMemoryFunction; env: MachineEnv } {
  const I = RegClass.Int;
  const r = (n: number) => preg(n, I);
  const b = new FunctionBuilder();
  const [entry, head, latch, exit] = [b.block(), b.block(), b.block(), b.block()];
  const v = () => b.vreg(I);
  const [base, count, zero, i, t, result, next, cond, sum] = [v(), v(), v(), v(), v(), v(), v(), v(), v()];
  b.inst(entry, [Operand.regFixedDef(base, r(0)), Operand.regFixedDef(count, r(1))]);
  b.inst(entry, [Operand.regDef(zero)]);
  b.branch(entry, [{ block: head, args: [zero] }]);
  b.blockParam(head, i);
  b.inst(head, [Operand.regDef(t), Operand.regUse(base), Operand.regUse(i)]);
  b.inst(head, [Operand.regFixedDef(result, r(0)), Operand.regFixedUse(t, r(0))], [r(1), r(2), r(3)]);
  b.inst(head, [Operand.regReuseDef(next, 1), Operand.regUse(i), Operand.regUse(result)]);
  b.inst(head, [Operand.regDef(cond), Operand.regUse(next), Operand.anyUse(count)]);
  b.branch(head, [{ block: latch }, { block: exit }], [Operand.regUse(cond)]);
  b.branch(latch, [{ block: head, args: [next] }]);
  b.inst(exit, [Operand.regDef(sum), Operand.regUse(base), Operand.regUse(next)]);
  b.ret(exit, [Operand.regFixedUse(sum, r(0))]);
  const regs = (cls: 0 | 1 | 2, n: number) => PRegSet.of(Array.from({ length: n }, (_, k) => preg(k, cls)));
  const env: MachineEnv = {
    preferredRegsByClass: [regs(0, 4), regs(1, 4), regs(2, 4)],
    nonPreferredRegsByClass: [new PRegSet(), new PRegSet(), new PRegSet()],
    scratchByClass: [null, null, null],
    fixedStackSlots: [],
  };
  return { func: b.build(), env };
}
