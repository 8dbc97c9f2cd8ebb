import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allocate,
  allocReg,
  allocStack,
  checkOutput,
  emptyStats,
  type EmitEvent,
  frameLayout,
  FunctionBuilder,
  type Function,
  type MachineEnv,
  type Output,
  Operand,
  pointAfter,
  pointBefore,
  pointInst,
  preg,
  RegAllocError,
  RegClass,
  walkBlock,
  walkFunction,
  writtenRegs,
} from '../src/index.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { corpusFiles } from './support/corpus.js';
import { smallEnv } from './support/env.js';

/** Asserts the walk's structural contract on an allocated function. */
function assertWalk(func: Function, out: Output, env?: MachineEnv): void {
  const events = [...walkFunction(func, out, { env })];
  const editsSeen: number[] = [];
  const instsSeen: number[] = [];
  let block = -1;
  let lastInst = -1;
  for (const ev of events) {
    if (ev.kind === 'blockStart') {
      assert.equal(ev.block, block + 1, 'blocks in order');
      block = ev.block;
      continue;
    }
    assert.equal(ev.block, block);
    const range = func.blockInsns(block);
    if (ev.kind === 'inst') {
      assert.equal(ev.inst, range.first + instsSeen.filter((i) => i >= range.first).length, 'insts in order');
      instsSeen.push(ev.inst);
      lastInst = ev.inst;
      assert.equal(ev.allocs.length, ev.operands.length);
    } else {
      editsSeen.push(ev.edit);
      const inst = pointInst(ev.point);
      assert.ok(inst >= range.first && inst < range.end, 'move within its block');
      // Before(i) moves come right before inst i; After(i) right after it.
      if (ev.point === pointBefore(inst)) assert.equal(lastInst, inst - 1);
      else assert.equal(lastInst, inst);
      assert.equal(ev.from, out.edits[ev.edit]!.from);
      assert.equal(ev.to, out.edits[ev.edit]!.to);
    }
  }
  assert.equal(block, func.numBlocks() - 1);
  assert.deepEqual(instsSeen, Array.from({ length: func.numInsts() }, (_, i) => i), 'every inst once');
  assert.deepEqual(editsSeen, Array.from({ length: out.edits.length }, (_, i) => i), 'every edit once, in array order');
  // walkBlock yields the same as walkFunction's slice for that block.
  for (let b = 0; b < func.numBlocks(); b++) {
    const own = [...walkBlock(func, out, b, { env })];
    const slice = events.filter((e) => e.block === b);
    assert.deepEqual(own, slice);
  }
}

test('walk: a swap gets its moves in array order before the instruction, class from the register side', () => {
  const b = new FunctionBuilder();
  const entry = b.block();
  const x = b.vreg(RegClass.Int);
  const y = b.vreg(RegClass.Int);
  const z = b.vreg(RegClass.Float);
  const p0 = preg(0, RegClass.Int);
  const p1 = preg(1, RegClass.Int);
  b.inst(entry, [Operand.regFixedDef(x, p0), Operand.regFixedDef(y, p1)]);
  b.inst(entry, [Operand.regDef(z)]);
  b.inst(entry, [Operand.regFixedUse(x, p1), Operand.regFixedUse(y, p0), Operand.regUse(z)]);
  b.ret(entry, []);
  const func = b.build();
  const env = smallEnv(3, { scratch: [preg(3, RegClass.Int), null, null] });
  for (const algorithm of ['ion', 'fastalloc'] as const) {
    const out = allocate(func, env, { algorithm });
    checkOutput(func, env, out);
    assertWalk(func, out, env);
    const events = [...walkFunction(func, out)];
    const moves = events.filter((e) => e.kind === 'move');
    assert.ok(moves.length >= 2, `${algorithm}: a swap needs moves`);
    for (const m of moves) if (m.kind === 'move' && m.moveKind === 'reg-reg') assert.equal(m.regClass, RegClass.Int);
    // The use instruction comes after every move at its Before point.
    const useAt = events.findIndex((e) => e.kind === 'inst' && e.inst === 2);
    for (const [i, e] of events.entries()) if (e.kind === 'move' && e.point === pointBefore(2)) assert.ok(i < useAt);
  }
});

test('walk: hand-made output with After moves, spills, reloads and a stack-to-stack move', () => {
  const b = new FunctionBuilder();
  const entry = b.block();
  const x = b.vreg(RegClass.Float);
  b.inst(entry, [Operand.regDef(x)]);
  b.inst(entry, [Operand.anyUse(x)]);
  b.ret(entry, []);
  const func = b.build();
  const f0 = allocReg(preg(0, RegClass.Float));
  const out: Output = {
    numSpillslots: 2,
    edits: [
      { point: pointAfter(0), from: f0, to: allocStack(0) },
      { point: pointBefore(1), from: allocStack(0), to: allocStack(1) },
    ],
    allocs: new Int32Array([f0, allocStack(1)]),
    instAllocOffsets: new Uint32Array([0, 1, 2]),
    debugLocations: [],
    stats: emptyStats(),
  };
  const events: EmitEvent[] = [...walkFunction(func, out)];
  assert.deepEqual(
    events.map((e) => (e.kind === 'move' ? `${e.moveKind}:${e.regClass}` : e.kind === 'inst' ? `inst${e.inst}` : 'start')),
    ['start', 'inst0', 'reg-stack:1', 'stack-stack:1', 'inst1', 'inst2'],
  );
  assertWalk(func, out);
  // A fixed-stack-slot register counts as stack when the env is given.
  const env = smallEnv(2, { fixedStackSlots: [preg(0, RegClass.Float)] });
  const kinds = [...walkFunction(func, out, { env })].flatMap((e) => (e.kind === 'move' ? [e.moveKind] : []));
  assert.deepEqual(kinds, ['stack-stack', 'stack-stack']);
});

test('walk: a move after a block terminator is an InvalidOutput error naming the block', () => {
  const b = new FunctionBuilder();
  const entry = b.block();
  b.ret(entry, []);
  const func = b.build();
  const out: Output = {
    numSpillslots: 0,
    edits: [{ point: pointAfter(0), from: allocReg(preg(0, 0)), to: allocReg(preg(1, 0)) }],
    allocs: new Int32Array(0),
    instAllocOffsets: new Uint32Array([0]),
    debugLocations: [],
    stats: emptyStats(),
  };
  assert.throws(() => [...walkFunction(func, out)], (e) => e instanceof RegAllocError && e.kind === 'InvalidOutput' && e.place.block === 0);
});

test('writtenRegs: defs, temps, move destinations and clobbers (Cranelift compute_clobbers)', () => {
  const b = new FunctionBuilder();
  const entry = b.block();
  const x = b.vreg(RegClass.Int);
  const t = b.vreg(RegClass.Int);
  b.inst(entry, [Operand.regFixedDef(x, preg(2, 0)), Operand.regTemp(t)]);
  b.inst(entry, [Operand.regUse(x)], [preg(5, 0), preg(1, RegClass.Float)]);
  b.ret(entry, [Operand.regFixedUse(x, preg(0, 0))]);
  const func = b.build();
  const env = smallEnv(6);
  const out = allocate(func, env);
  checkOutput(func, env, out);
  const written = writtenRegs(func, out);
  assert.ok(written.contains(preg(2, 0)));
  assert.ok(written.contains(preg(5, 0)));
  assert.ok(written.contains(preg(1, RegClass.Float)));
  assert.ok(written.contains(preg(0, 0)), 'the move into the return register');
  const temp = out.allocs[out.instAllocOffsets[0]! + 1]!;
  assert.ok(written.contains(temp & 0xff));
  const noCallClobbers = writtenRegs(func, out, { includeClobbers: (inst) => inst !== 1 });
  assert.ok(!noCallClobbers.contains(preg(5, 0)));
  // Exactly the registers named: nothing else is written.
  const expected = new Set<number>([preg(2, 0), preg(5, 0), preg(1, 1), preg(0, 0), temp & 0xff]);
  for (const e of out.edits) if ((e.to >>> 28) === 1) expected.add(e.to & 0xff);
  assert.deepEqual(new Set(written.toArray()), expected);
});

test('frameLayout: slot s at base + s * slotBytes, size rounded to the alignment', () => {
  const b = new FunctionBuilder();
  b.ret(b.block(), []);
  const func = b.build();
  const out = { numSpillslots: 3 } as Output;
  const frame = frameLayout(func, out, { slotBytes: 8, align: 16, base: 32 });
  assert.deepEqual([...frame.offsets], [32, 40, 48]);
  assert.equal(frame.size, 32);
  assert.equal(frame.offsetOf(allocStack(2)), 48);
  assert.throws(() => frame.offsetOf(allocStack(3)), RangeError);
  assert.throws(() => frame.offsetOf(allocReg(0)), RangeError);
  assert.throws(() => frameLayout(func, out, { align: 12 }), RangeError);
  b.multiSpillslotNamedByLastSlot = true;
  const lastNamed = b.build();
  assert.equal(frameLayout(lastNamed, out).offsetOf(allocStack(1), RegClass.Vector), 0);
});

test('walk: corpus functions allocated by both allocators and proven by the checker', () => {
  const files = [...corpusFiles('fuzz').slice(0, 40), ...corpusFiles('cranelift').slice(0, 40), ...corpusFiles('variants').slice(0, 20)];
  let moves = 0;
  for (const path of files) {
    const { func, env } = readCorpusFile(path);
    for (const algorithm of ['ion', 'fastalloc'] as const) {
      let out: Output;
      try {
        out = allocate(func, env, { algorithm });
      } catch (e) {
        if (e instanceof RegAllocError) continue; // e.g. too many live registers
        throw e;
      }
      checkOutput(func, env, out);
      assertWalk(func, out, env);
      moves += out.edits.length;
    }
  }
  assert.ok(moves > 100);
});
