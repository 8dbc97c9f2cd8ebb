// The view's drawing model, proven by the checker: at every instruction
// boundary, each bar's vreg must really be in its location. A probe
// instruction that uses every such (vreg, location) pair is inserted there and
// the checker, which never sees the view's code, must accept the result.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from '../src/allocate.js';
import { checkOutput, CheckerError } from '../src/checker/index.js';
import { FunctionBuilder } from '../src/func/builder.js';
import { type InstData, InMemoryFunction, type BlockData } from '../src/func/in_memory.js';
import { readCorpusFile } from '../src/io/corpus.js';
import type { Algorithm, Edit, MachineEnv, Output } from '../src/model/function.js';
import { emptyStats } from '../src/model/function.js';
import { Operand, operandIsFixedNonAllocatable, operandIsUse, operandVReg } from '../src/model/operand.js';
import { preg, PRegSet, RegClass, vregClass } from '../src/model/regs.js';
import { buildView, type ViewModel } from '../src/view/model.js';
import { corpusFiles } from './support/corpus.js';
import { smallEnv } from './support/env.js';

interface Probe {
  /** The probe goes just before instruction `inst` (before that instruction's `before` moves). */
  inst: number;
  vreg: number;
  alloc: number;
}

/** Every (vreg, location) the view shows at the top of each instruction. */
function probesOf(func: InMemoryFunction, model: ViewModel): Probe[] {
  const probes: Probe[] = [];
  const byTop = new Map<number, number>();
  for (let i = 0; i < func.numInsts(); i++) byTop.set(2 * model.instTopRow[i]!, i);
  const tops = [...byTop.keys()].sort((a, b) => a - b);
  const b = model.bars;
  for (let k = 0; k < b.length; k += 4) {
    const [column, vreg, top, bottom] = [b[k]!, b[k + 1]!, b[k + 2]!, b[k + 3]!];
    for (const y of tops) {
      if (y > top && y < bottom) probes.push({ inst: byTop.get(y)!, vreg, alloc: model.columns[column]!.alloc });
    }
  }
  return probes;
}

/** `func` and `out` with one probe instruction before each probed instruction. */
function withProbes(func: InMemoryFunction, out: Output, probes: readonly Probe[]): { func: InMemoryFunction; out: Output } {
  const d = func.data;
  const at = new Map<number, Probe[]>();
  for (const p of probes) {
    const list = at.get(p.inst);
    if (list) list.push(p);
    else at.set(p.inst, [p]);
  }
  const newIndex: number[] = [];
  const insts: InstData[] = [];
  const allocs: number[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < d.insts.length; i++) {
    const list = at.get(i);
    if (list) {
      offsets.push(allocs.length);
      insts.push({ op: 'op', operands: list.map((p) => Operand.anyUse(p.vreg)), clobbers: new PRegSet() });
      for (const p of list) allocs.push(p.alloc);
    }
    newIndex.push(insts.length);
    offsets.push(allocs.length);
    insts.push(d.insts[i]!);
    const end = i + 1 < out.instAllocOffsets.length ? out.instAllocOffsets[i + 1]! : out.allocs.length;
    for (let k = out.instAllocOffsets[i]!; k < end; k++) allocs.push(out.allocs[k]!);
  }
  const blocks: BlockData[] = d.blocks.map((b) => {
    const first = newIndex[b.first]! - (at.has(b.first) ? 1 : 0);
    return { ...b, first, end: newIndex[b.end - 1]! + 1 };
  });
  // A move before instruction i moves with it; one after instruction i stays after it.
  const edits: Edit[] = out.edits.map((e) => ({ ...e, point: 2 * newIndex[e.point >> 1]! + (e.point & 1) }));
  const probed = new InMemoryFunction({ ...d, blocks, insts });
  return {
    func: probed,
    out: {
      numSpillslots: out.numSpillslots,
      edits,
      allocs: Int32Array.from(allocs),
      instAllocOffsets: Uint32Array.from(offsets),
      debugLocations: [],
      stats: emptyStats(),
    },
  };
}

/** Checks the model against the checker and against the output it draws. */
function proveView(func: InMemoryFunction, env: MachineEnv, out: Output, name: string): number {
  const model = buildView(func, env, out);
  assert.equal(model.moves.length, out.edits.length, `${name}: one arrow per move`);
  const probes = probesOf(func, model);
  const probed = withProbes(func, out, probes);
  try {
    checkOutput(probed.func, env, probed.out);
  } catch (e) {
    assert.fail(`${name}: a bar shows a vreg where the checker does not find it: ${(e as Error).message}`);
  }
  // Every use reads its vreg from a location where a bar shows it.
  const instRow = new Map<number, number>();
  model.rows.forEach((r, k) => {
    if (r.kind === 'inst') instRow.set(r.inst, k);
  });
  for (let i = 0; i < func.numInsts(); i++) {
    const ops = func.instOperands(i);
    const y = 2 * instRow.get(i)! + 1;
    for (let j = 0; j < ops.length; j++) {
      const op = ops[j]!;
      if (!operandIsUse(op) || operandIsFixedNonAllocatable(op)) continue;
      const alloc = out.allocs[out.instAllocOffsets[i]! + j]!;
      const column = model.columns.findIndex((c) => c.alloc === alloc);
      const v = operandVReg(op);
      let found = false;
      for (let k = 0; k < model.bars.length && !found; k += 4) {
        found = model.bars[k] === column && model.bars[k + 1] === v && model.bars[k + 2]! < y && model.bars[k + 3]! >= y;
      }
      assert.ok(found, `${name}: inst ${i} operand ${j}: no bar of its vreg in its location`);
    }
  }
  return probes.length;
}

describe('view model', () => {
  it('draws a small spilling function: bars, moves and marks as the checker sees them', () => {
    const b = new FunctionBuilder();
    const entry = b.block();
    const I = RegClass.Int;
    const env = smallEnv(2);
    const vs = [0, 1, 2].map(() => b.vreg(I));
    for (const v of vs) b.inst(entry, [Operand.regDef(v)]);
    b.inst(entry, [Operand.regUse(vs[0]!), Operand.regUse(vs[1]!)], [preg(0, I)]);
    b.ret(entry, [Operand.regUse(vs[2]!), Operand.regUse(vs[0]!)]);
    const func = b.build();
    for (const algorithm of ['ion', 'fastalloc'] as Algorithm[]) {
      const out = allocate(func, env, { algorithm });
      assert.ok(out.edits.length > 0, 'three values in two registers must move');
      const model = buildView(func, env, out, { algorithm });
      assert.equal(model.moves.length, out.edits.length);
      assert.ok(model.marks.some((m) => m.kind === 'clobber'), 'the clobber is marked');
      assert.equal(model.marks.filter((m) => m.kind !== 'clobber').length, out.allocs.length, 'one mark per operand');
      assert.ok(model.columns.some((c) => c.kind === 'slot'), 'spill slots are columns');
      assert.ok(proveView(func, env, out, algorithm) > 0);
    }
  });

  it('register names come from the given namer', () => {
    const b = new FunctionBuilder();
    const entry = b.block();
    const v = b.vreg(RegClass.Int);
    b.inst(entry, [Operand.regFixedDef(v, preg(1, RegClass.Int))]);
    b.ret(entry, [Operand.regUse(v)]);
    const env = smallEnv(2);
    const func = b.build();
    const model = buildView(func, env, allocate(func, env), { names: (p) => `r${p & 63}` });
    assert.ok(model.columns.some((c) => c.name === 'r1'));
    assert.ok(model.marks.some((m) => m.kind === 'fixed-def' && m.text.includes('fixed(r1)')), JSON.stringify(model.marks));
  });

  it('the probe proof has teeth: a vreg shown in the wrong place fails the checker', () => {
    const c = readCorpusFile(corpusFiles('fuzz')[3]!);
    const out = allocate(c.func, c.env);
    const model = buildView(c.func, c.env, out);
    const probes = probesOf(c.func, model);
    assert.ok(probes.length > 0);
    const wrong = probes.map((p) => ({ ...p }));
    const victim = wrong.find((p) => wrong.some((q) => vregClass(q.vreg) === vregClass(p.vreg) && q.vreg !== p.vreg && q.alloc !== p.alloc))!;
    victim.alloc = wrong.find((q) => vregClass(q.vreg) === vregClass(victim.vreg) && q.vreg !== victim.vreg && q.alloc !== victim.alloc)!.alloc;
    const probed = withProbes(c.func, out, wrong);
    assert.throws(() => checkOutput(probed.func, c.env, probed.out), CheckerError);
  });

  for (const folder of ['fuzz', 'cranelift', 'fuzzgen'] as const) {
    it(`every bar of Ion's and Fastalloc's outputs on ${folder} functions is where the checker finds its vreg`, () => {
      const files = corpusFiles(folder);
      const step = Math.max(1, Math.floor(files.length / 8));
      let probes = 0;
      let checked = 0;
      for (let k = 0; k < files.length; k += step) {
        const c = readCorpusFile(files[k]!);
        if (c.func.numInsts() > 700) continue;
        for (const algorithm of ['ion', 'fastalloc'] as Algorithm[]) {
          if (!c.reference[algorithm]?.ok) continue;
          const out = allocate(c.func, c.env, { algorithm });
          probes += proveView(c.func, c.env, out, `${c.name} ${algorithm}`);
          checked++;
        }
      }
      assert.ok(checked >= 8 && probes > 0, `${checked} outputs, ${probes} probes`);
    });
  }
});
