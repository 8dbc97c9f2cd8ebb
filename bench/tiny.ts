// `npx tsx bench/tiny.ts [--calls N] [--algorithm ion|fastalloc]`: the fixed
// cost of one call on a 3-instruction function (x = def; jump exit(x);
// return x in a fixed register) through one context, after N/10 warm-up
// calls: the per-call overhead that dominates streams of tiny functions.

import { parseArgs } from 'node:util';
import { FunctionBuilder, Operand, preg, RegClass, x86_64SystemV } from '../src/index.js';
import { FastallocContext } from '../src/fastalloc/index.js';
import { IonContext } from '../src/ion/index.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '200000' }, algorithm: { type: 'string', default: 'both' } } });
const b = new FunctionBuilder();
const entry = b.block();
const exit = b.block();
const x = b.vreg(RegClass.Int);
const y = b.vreg(RegClass.Int);
b.blockParam(exit, y);
b.inst(entry, [Operand.regDef(x)]);
b.branch(entry, [{ block: exit, args: [x] }]);
b.ret(exit, [Operand.regFixedUse(y, preg(0, RegClass.Int))]);
const func = b.build();
const env = x86_64SystemV.env;
const calls = Number(values.calls);
for (const algorithm of values.algorithm === 'both' ? ['ion', 'fastalloc'] : [values.algorithm!]) {
  const ctx = algorithm === 'fastalloc' ? new FastallocContext() : new IonContext();
  for (let i = 0; i < calls / 10; i++) ctx.run(func, env);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) ctx.run(func, env);
  const ns = Number(process.hrtime.bigint() - t0) / calls;
  const cpu = process.cpuUsage(c0);
  process.stdout.write(`${algorithm}: ${(ns / 1000).toFixed(2)} us per call wall, ${((cpu.user + cpu.system) / calls).toFixed(2)} us cpu\n`);
}
