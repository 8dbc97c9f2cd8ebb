import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionBuilder, Operand, RegClass } from '../src/index.js';

test('FunctionBuilder: inst/branch/ret return the index the instruction has in the built function', () => {
  const b = new FunctionBuilder();
  const entry = b.block();
  const body = b.block();
  const exit = b.block();
  const x = b.vreg(RegClass.Int);
  const i0 = b.inst(entry, [Operand.regDef(x)]);
  const i1 = b.branch(entry, [{ block: body }]);
  const i2 = b.inst(body, [Operand.regUse(x)]);
  const i3 = b.branch(body, [{ block: exit }]);
  const i4 = b.ret(exit, [Operand.regUse(x)]);
  assert.deepEqual([i0, i1, i2, i3, i4], [0, 1, 2, 3, 4]);
  const f = b.build();
  assert.ok(f.isBranch(i1) && f.isBranch(i3) && f.isRet(i4));
  assert.deepEqual(f.blockInsns(body), { first: i2, end: i3 + 1 });
  assert.equal(f.instOperands(i2)[0], Operand.regUse(x));
});

test('FunctionBuilder: adding to an earlier block after a later one has instructions throws (indices stay final)', () => {
  const b = new FunctionBuilder();
  const first = b.block();
  const second = b.block();
  b.ret(second, []);
  assert.throws(() => b.inst(first, []), /fill blocks in order/);
  assert.throws(() => b.branch(first, [{ block: second }]), RangeError);
  // Nothing was recorded by the failed calls.
  assert.equal(b.build().blockSuccs(first).length, 0);
});

test('FunctionBuilder: a block of 300,000 instructions builds (no spread of the whole block onto the stack)', () => {
  const b = new FunctionBuilder();
  const block = b.block();
  for (let i = 0; i < 300_000; i++) b.inst(block, []);
  b.ret(block, []);
  const f = b.build();
  assert.equal(f.numInsts(), 300_001);
  assert.deepEqual(f.blockInsns(block), { first: 0, end: 300_001 });
});
