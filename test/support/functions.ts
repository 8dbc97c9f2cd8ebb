// Small hand-built functions shared by the tests.

import { FunctionBuilder } from '../../src/func/builder.js';
import { Operand } from '../../src/model/operand.js';
import { preg, RegClass } from '../../src/model/regs.js';

/** entry: v0 = def; jump exit(v0); exit(v1): ret v1 in p0 — as a builder, to add to before `build()`. */
export function twoBlocks(): FunctionBuilder {
  const b = new FunctionBuilder();
  const entry = b.block();
  const exit = b.block();
  const v0 = b.vreg(RegClass.Int);
  const v1 = b.vreg(RegClass.Int);
  b.blockParam(exit, v1);
  b.inst(entry, [Operand.regDef(v0)]);
  b.branch(entry, [{ block: exit, args: [v0] }]);
  b.ret(exit, [Operand.regFixedUse(v1, preg(0, RegClass.Int))]);
  return b;
}
