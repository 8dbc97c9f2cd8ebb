import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CFGInfo } from '../src/analysis/cfg.js';
import { validateSsa } from '../src/analysis/ssa.js';
import { validateFunction } from '../src/analysis/validate.js';
import { allocate } from '../src/allocate.js';
import { FunctionBuilder } from '../src/func/builder.js';
import { InMemoryFunction } from '../src/func/in_memory.js';
import { parseCorpus, readCorpusFile } from '../src/io/corpus.js';
import { RegAllocError, type RegAllocErrorKind } from '../src/model/errors.js';
import type { MachineEnv } from '../src/model/function.js';
import { makeOperand, Operand, constraintReuse } from '../src/model/operand.js';
import { PRegSet, preg, RegClass, vreg, VREG_MAX_INDEX, vregToString } from '../src/model/regs.js';
import { corpusFiles } from './support/corpus.js';
import { smallEnv } from './support/env.js';
import { twoBlocks } from './support/functions.js';

const I = RegClass.Int;
const F = RegClass.Float;

function expectError(
  fn: () => unknown,
  kind: RegAllocErrorKind,
  place: { block?: number; toBlock?: number; inst?: number; operand?: number; vreg?: number } = {},
  mentions: string[] = [],
): RegAllocError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof RegAllocError, `expected RegAllocError ${kind}, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  for (const [k, v] of Object.entries(place)) {
    if (k === 'vreg') {
      assert.equal(caught.vreg, v, `vreg in ${caught.message}`);
      assert.equal(caught.place.vreg, vregToString(v as number), `place.vreg in ${caught.message}`);
    } else assert.equal((caught.place as Record<string, unknown>)[k], v, `place.${k} in ${caught.message}`);
  }
  for (const m of mentions) assert.ok(caught.message.includes(m), `"${caught.message}" should mention "${m}"`);
  return caught;
}

describe('validation accepts', () => {
  it('a small well-formed function', () => {
    validateFunction(twoBlocks().build(), smallEnv());
  });
  for (const folder of ['fuzz', 'cranelift', 'fuzzgen', 'variants']) {
    it(`every function in ${folder}/`, () => {
      let n = 0;
      for (const path of corpusFiles(folder)) {
        const c = readCorpusFile(path);
        validateFunction(c.func, c.env);
        n++;
      }
      assert.ok(n > 0);
    });
  }
});

describe('validation keeps nothing from one call to the next (its per-vreg tables are reused)', () => {
  // v0 an int defined and used; then v0 a float; then v0 used but never defined.
  const build = (cls: RegClass, define: boolean) => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(cls);
    for (let k = 0; k < 40; k++) b.vreg(I); // more vregs than an in-heap typed array holds
    if (define) b.inst(b0, [Operand.regDef(v)]);
    b.ret(b0, [Operand.regUse(v)]);
    return b.build();
  };
  it('a vreg index of another class in the next function, a def the next function lacks, and after an error', () => {
    for (let round = 0; round < 3; round++) {
      validateFunction(build(I, true), smallEnv());
      validateFunction(build(F, true), smallEnv());
      expectError(() => validateFunction(build(I, false), smallEnv()), 'SSA', { block: 0, vreg: vreg(0, I) }, ['never defined']);
      expectError(() => validateFunction(build(F, false), smallEnv()), 'SSA', { block: 0, vreg: vreg(0, F) });
    }
  });
});

describe('validateSsa on its own (exported) with a vreg past num_vregs', () => {
  it('reports an SSA error instead of reading its tables past the function', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regDef(v)]);
    b.ret(b0, [Operand.regUse(v)]);
    const good = b.build();
    validateFunction(good, smallEnv()); // leaves v0 defined in block 0 in the kept tables
    // Only the use, in a function that claims no vregs: stale tables would let it pass.
    const data = good.data;
    const useOnly = new InMemoryFunction({ ...data, numVregs: 0, insts: [{ ...data.insts[0]!, operands: [] }, data.insts[1]!] });
    expectError(() => validateSsa(useOnly, CFGInfo.compute(useOnly)), 'SSA', { vreg: vreg(0, I) }, ['never defined']);
  });
});

describe('validation rejects invalid/ with typed errors', () => {
  it('every file, with regalloc2’s variant where it gave one', () => {
    let rejected = 0;
    let sameVariant = 0;
    for (const path of corpusFiles('invalid')) {
      let err: unknown;
      let ref: string | null | undefined;
      try {
        const c = readCorpusFile(path);
        ref = c.reference.ion?.error;
        validateFunction(c.func, c.env);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof RegAllocError, `${path}: not rejected with a RegAllocError (${String(err)})`);
      rejected++;
      if (ref && ref !== 'panic') {
        assert.equal(err.toRegalloc2String(), ref, path);
        sameVariant++;
      }
    }
    assert.equal(rejected, corpusFiles('invalid').length);
    assert.ok(sameVariant >= 80, `only ${sameVariant} typed references`);
  });
});

describe('each RegAllocError variant from a hand-built function', () => {
  it('CritEdge', () => {
    const b = new FunctionBuilder();
    const [b0, b1, b2] = [b.block(), b.block(), b.block()];
    b.branch(b0, [{ block: b1 }, { block: b2 }]);
    b.branch(b1, [{ block: b2 }]);
    b.ret(b2);
    expectError(() => validateFunction(b.build(), smallEnv()), 'CritEdge', { block: 0, toBlock: 2 }, ['block 0', 'block 2']);
  });

  it('DisallowedBranchArg', () => {
    // Block 1 is a loop header (two predecessors), so the branch into it may carry no operands.
    const b = new FunctionBuilder();
    const [b0, b1, b2] = [b.block(), b.block(), b.block()];
    const w = b.vreg(I);
    b.inst(b0, [Operand.regDef(w)]);
    b.branch(b0, [{ block: b1 }], [Operand.regUse(w)]);
    b.branch(b1, [{ block: b2 }]);
    b.branch(b2, [{ block: b1 }]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'DisallowedBranchArg', { block: 0, inst: 1 }, ['inst 1']);
  });

  it('SSA: a vreg defined twice', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regDef(v)]);
    b.inst(b0, [Operand.regDef(v)]);
    b.ret(b0, [Operand.regUse(v)]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'SSA', { inst: 1, vreg: v }, ['v0i', 'inst 1']);
  });

  it('SSA: one instruction naming a def twice, even with allow_multiple_vreg_defs (as regalloc2)', () => {
    const make = (allow: boolean) => {
      const b = new FunctionBuilder();
      b.allowMultipleVregDefs = allow;
      const b0 = b.block();
      const v = b.vreg(I);
      b.inst(b0, [Operand.regDef(v), Operand.regDef(v)]);
      b.ret(b0, [Operand.regUse(v)]);
      return b.build();
    };
    expectError(() => validateFunction(make(false), smallEnv()), 'SSA', { block: 0, inst: 0 });
    expectError(() => validateFunction(make(true), smallEnv()), 'SSA', { block: 0, inst: 0 }, ['same instruction']);
  });

  it('SSA: a use never defined, and a use its def does not dominate', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.ret(b0, [Operand.regUse(v)]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'SSA', { inst: 0, operand: 0, vreg: v }, ['never defined']);

    const d = new FunctionBuilder();
    const [d0, d1, d2, d3] = [d.block(), d.block(), d.block(), d.block()];
    const x = d.vreg(I);
    d.branch(d0, [{ block: d1 }, { block: d2 }]);
    d.inst(d1, [Operand.regDef(x)]);
    d.branch(d1, [{ block: d3 }]);
    d.branch(d2, [{ block: d3 }]);
    d.ret(d3, [Operand.regUse(x)]);
    expectError(() => validateFunction(d.build(), smallEnv()), 'SSA', { block: 3, inst: 4, vreg: x }, ['does not dominate']);
  });

  it('SSA: a branch arg that is never defined', () => {
    const b = new FunctionBuilder();
    const [b0, b1] = [b.block(), b.block()];
    const p = b.vreg(I);
    const ghost = b.vreg(I);
    b.blockParam(b1, p);
    b.branch(b0, [{ block: b1, args: [ghost] }]);
    b.ret(b1, [Operand.regUse(p)]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'SSA', { inst: 0, vreg: ghost }, ['block 1']);
  });

  it('BB: no terminator, a return mid-block, params on the entry block', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regDef(v)]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'BB', { block: 0 }, ['block 0']);

    const r = new FunctionBuilder();
    const r0 = r.block();
    r.ret(r0);
    r.ret(r0);
    expectError(() => validateFunction(r.build(), smallEnv()), 'BB', { block: 0, inst: 0 }, ['middle']);

    const e = new FunctionBuilder();
    const p = e.vreg(I);
    const e0 = e.block([p]);
    e.ret(e0, [Operand.regUse(p)]);
    expectError(() => validateFunction(e.build(), smallEnv()), 'BB', { block: 0 }, ['entry']);
  });

  it('BB: an empty block', () => {
    const b = new FunctionBuilder();
    const [b0] = [b.block(), b.block()];
    b.ret(b0);
    expectError(() => validateFunction(b.build(), smallEnv()), 'BB', { block: 1 }, ['no instructions']);
  });

  it('Branch: branch args fewer than the successor params', () => {
    const b = new FunctionBuilder();
    const [b0, b1] = [b.block(), b.block()];
    const p = b.vreg(I);
    b.blockParam(b1, p);
    b.branch(b0, [{ block: b1, args: [] }]);
    b.ret(b1, [Operand.regUse(p)]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'Branch', { inst: 0, block: 0 }, ['inst 0', 'block 1']);
  });

  it('TooManyOperands', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regDef(v)]);
    b.ret(b0, new Array(70000).fill(Operand.anyUse(v)));
    expectError(() => validateFunction(b.build(), smallEnv()), 'TooManyOperands', { inst: 1 }, ['inst 1']);
  });

  it('VRegOutOfRange', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    b.ret(b0, [Operand.regUse(vreg(5, I))]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'VRegOutOfRange', { inst: 0, operand: 0, vreg: vreg(5, I) }, [
      'v5i',
      'inst 0',
    ]);
  });

  it('InvalidReuse: past the operand list, of a def, of another class', () => {
    const mk = (ops: (v: number[]) => number[]) => {
      const b = new FunctionBuilder();
      const b0 = b.block();
      const vs = [b.vreg(I), b.vreg(I), b.vreg(F)];
      b.inst(b0, [Operand.regDef(vs[0]!), Operand.regDef(vs[2]!)]);
      b.inst(b0, ops(vs));
      b.ret(b0);
      return b.build();
    };
    expectError(() => validateFunction(mk((v) => [Operand.regReuseDef(v[1]!, 3), Operand.regUse(v[0]!)]), smallEnv()), 'InvalidReuse', {
      inst: 1,
      operand: 0,
    }, ['does not exist']);
    expectError(
      () => validateFunction(mk((v) => [Operand.regReuseDef(v[1]!, 1), makeOperand(v[0]!, constraintReuse(0), 1, 0)]), smallEnv()),
      'InvalidReuse',
      { inst: 1 },
    );
    expectError(() => validateFunction(mk((v) => [Operand.regReuseDef(v[1]!, 1), Operand.regUse(v[2]!)]), smallEnv()), 'InvalidReuse', {
      inst: 1,
      operand: 0,
    }, ['another class']);
  });

  it('InvalidFixedReg: a register the env does not have, and one of another class', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regFixedDef(v, preg(40, I))]);
    b.ret(b0, [Operand.regUse(v)]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'InvalidFixedReg', { inst: 0, operand: 0 }, ['p40i']);
    expectError(() => parseCorpus(jsonFunction(['v0i:def:late:fixed(p1f)'])), 'InvalidFixedReg', { inst: 0, operand: 0 }, [
      'p1f',
      'v0i',
    ]);
  });

  it('InvalidFixedReg: two values fixed to one register at the same point', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const [x, y] = [b.vreg(I), b.vreg(I)];
    b.inst(b0, [Operand.regDef(x)]);
    b.inst(b0, [Operand.regDef(y)]);
    b.inst(b0, [Operand.regFixedUse(x, preg(1, I)), Operand.regFixedUseAtEnd(y, preg(1, I))]);
    b.ret(b0);
    expectError(() => validateFunction(b.build(), smallEnv()), 'InvalidFixedReg', { inst: 2, operand: 1 }, ['p1i', 'same point']);
    // The same vreg twice in one register at one point is fine, as is a late def over an early use.
    const c = new FunctionBuilder();
    const c0 = c.block();
    const [u, w] = [c.vreg(I), c.vreg(I)];
    c.inst(c0, [Operand.regDef(u)]);
    c.inst(c0, [Operand.regFixedDef(w, preg(1, I)), Operand.regFixedUse(u, preg(1, I)), Operand.regFixedUse(u, preg(1, I)), Operand.regFixedUseAtEnd(u, preg(2, I))]);
    c.ret(c0, [Operand.regUse(w)]);
    validateFunction(c.build(), smallEnv());
  });

  it('InvalidOperand: a stack use beside another use of its vreg at the same point (found by the fuzzer)', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const [x, y] = [b.vreg(I), b.vreg(I)];
    b.inst(b0, [Operand.regDef(x)]);
    b.inst(b0, [Operand.regDef(y), Operand.stackUse(x), Operand.regUse(x)]);
    b.ret(b0, [Operand.regUse(y)]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'InvalidOperand', { inst: 1, operand: 1 }, ['stack use', 'same point']);
    // Alone, or beside a use at the other point, it is fine.
    const c = new FunctionBuilder();
    const c0 = c.block();
    const [u, w] = [c.vreg(I), c.vreg(I)];
    c.inst(c0, [Operand.regDef(u)]);
    c.inst(c0, [Operand.regDef(w), Operand.stackUse(u), Operand.regUseAtEnd(u)]);
    c.ret(c0, [Operand.regUse(w)]);
    validateFunction(c.build(), smallEnv());
  });

  it('InvalidLimit: not a power of two, and no register below n', () => {
    expectError(() => parseCorpus(jsonFunction(['v0i:def:late:limit(3)'])), 'InvalidLimit', { inst: 0, operand: 0 }, ['limit(3)']);
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.limitDef(v, 2)]);
    b.ret(b0, [Operand.regUse(v)]);
    const env: MachineEnv = { ...smallEnv(0), preferredRegsByClass: [PRegSet.of([preg(5, I)]), new PRegSet(), new PRegSet()] };
    expectError(() => validateFunction(b.build(), env), 'InvalidLimit', { inst: 0, operand: 0 }, ['below 2']);
    // The lowest register in a class's upper word (hw_enc 32-63), in the float class.
    for (const [limit, ok] of [[32, false], [64, true]] as const) {
      const fb = new FunctionBuilder();
      const f0 = fb.block();
      const x = fb.vreg(F);
      fb.inst(f0, [Operand.limitDef(x, limit)]);
      fb.ret(f0, [Operand.regUse(x)]);
      const fenv: MachineEnv = { ...smallEnv(0), preferredRegsByClass: [PRegSet.of([preg(0, I)]), PRegSet.of([preg(40, F), preg(33, F)]), new PRegSet()] };
      if (ok) validateFunction(fb.build(), fenv);
      else expectError(() => validateFunction(fb.build(), fenv), 'InvalidLimit', { inst: 0, operand: 0 }, ['below 32']);
    }
  });

  it('ClobberDefConflict', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.regFixedDef(v, preg(1, I))], [preg(1, I), preg(2, I)]);
    b.ret(b0, [Operand.regUse(v)]);
    expectError(() => validateFunction(b.build(), smallEnv()), 'ClobberDefConflict', { inst: 0, operand: 0, vreg: v }, ['p1i']);
  });

  it('InvalidOperand: a fixed non-allocatable def, a reg operand with no register of its class', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    b.inst(b0, [makeOperand(VREG_MAX_INDEX * 4, 0b1000011, 0, 1)]);
    b.ret(b0);
    expectError(() => validateFunction(b.build(), smallEnv()), 'InvalidOperand', { inst: 0, operand: 0 }, ['non-allocatable']);
    const c = new FunctionBuilder();
    const c0 = c.block();
    const v = c.vreg(F);
    c.inst(c0, [Operand.regDef(v)]);
    c.ret(c0, [Operand.anyUse(v)]);
    const env: MachineEnv = { ...smallEnv(2), preferredRegsByClass: [smallEnv(2).preferredRegsByClass[0], new PRegSet(), new PRegSet()] };
    expectError(() => validateFunction(c.build(), env), 'InvalidOperand', { inst: 0, operand: 0 }, ['no register of its class']);
  });

  it('InvalidEnv: scratch or fixed stack slot also allocatable, a register both preferred and not', () => {
    const f = twoBlocks().build();
    expectError(() => validateFunction(f, smallEnv(4, { scratch: [preg(1, I), null, null] })), 'InvalidEnv', {}, ['p1i']);
    expectError(() => validateFunction(f, smallEnv(4, { fixedStackSlots: [preg(2, I)] })), 'InvalidEnv', {}, ['p2i']);
    const env = smallEnv(4);
    const bad: MachineEnv = { ...env, nonPreferredRegsByClass: [PRegSet.of([preg(0, I)]), new PRegSet(), new PRegSet()] };
    expectError(() => validateFunction(f, bad), 'InvalidEnv', {}, ['p0i']);
    validateFunction(f, smallEnv(4, { scratch: [preg(9, I), null, null], fixedStackSlots: [preg(30, I)] }));
  });

  it('an env validated once is validated again after any change to it, and only then', () => {
    const f = twoBlocks().build();
    const env = smallEnv(4, { fixedStackSlots: [preg(30, I)] });
    validateFunction(f, env);
    validateFunction(f, env); // unchanged: passes again
    // A set's bits written in place: p30i, a fixed stack slot, becomes allocatable.
    env.preferredRegsByClass[0]!.add(preg(30, I));
    expectError(() => validateFunction(f, env), 'InvalidEnv', {}, ['p30i']);
    env.preferredRegsByClass[0]!.remove(preg(30, I));
    validateFunction(f, env);
    // A list pushed to: a scratch register that is also allocatable.
    (env.scratchByClass as unknown as (number | null)[])[0] = preg(1, I);
    expectError(() => validateFunction(f, env), 'InvalidEnv', {}, ['p1i']);
    (env.scratchByClass as unknown as (number | null)[])[0] = null;
    (env.fixedStackSlots as number[]).push(preg(2, I));
    expectError(() => validateFunction(f, env), 'InvalidEnv', {}, ['p2i']);
    (env.fixedStackSlots as number[]).pop();
    validateFunction(f, env);
    // A set replaced by something that is not one: a typed error, not a TypeError.
    const sets = env.nonPreferredRegsByClass as unknown as unknown[];
    const kept = sets[1];
    sets[1] = { bits: 'no' };
    expectError(() => validateFunction(f, env), 'InvalidEnv', {}, ['nonPreferredRegsByClass[1]']);
    sets[1] = kept;
    validateFunction(f, env);
    // What operand checks derive from the env follows it too: with no int register left, the
    // return's fixed use of p0i names a register that is no longer allocatable.
    env.preferredRegsByClass[0]!.bits.fill(0);
    expectError(() => validateFunction(f, env), 'InvalidFixedReg', {}, ['p0i is neither allocatable']);
  });

  it('InvalidStructure: a successor that does not list its predecessor', () => {
    const json = jsonFunction(['v0i:def:late:reg']) as { blocks: { preds: number[] }[] };
    const c = parseCorpus(json);
    const broken = { ...c.func.data, blocks: [{ ...c.func.data.blocks[0]!, succs: [0] }] };
    expectError(() => validateFunction(new InMemoryFunction(broken), c.env), 'InvalidStructure', { block: 0 }, ['block 0']);
  });

  it('InvalidStructure: edge lists that agree in every count but not in their blocks', () => {
    // 0 -> 1, 2; 1 -> 3; 2 -> 3; but block 3 names 1 twice as its predecessor.
    const inst = (op: 'op' | 'branch' | 'ret') => ({ op, operands: [], clobbers: new PRegSet() });
    const block = (first: number, preds: number[], succs: number[]) => ({
      first,
      end: first + 1,
      preds,
      succs,
      params: [],
      branchArgs: succs.map(() => []),
    });
    const data = (preds3: number[]) => ({
      entry: 0,
      numVregs: 0,
      blocks: [block(0, [], [1, 2]), block(1, [0], [3]), block(2, [0], [3]), block(3, preds3, [])],
      insts: [inst('branch'), inst('branch'), inst('branch'), inst('ret')],
      spillslotSize: [1, 1, 1] as [number, number, number],
      multiSpillslotNamedByLastSlot: false,
      allowMultipleVregDefs: false,
      debugValueLabels: [],
    });
    validateFunction(new InMemoryFunction(data([1, 2])), smallEnv());
    expectError(() => validateFunction(new InMemoryFunction(data([1, 1])), smallEnv()), 'InvalidStructure', { block: 3 }, [
      'block 3 lists 1 as a predecessor 2 times, but 1 lists 3 as a successor 1 times',
    ]);
    expectError(() => validateFunction(new InMemoryFunction(data([1])), smallEnv()), 'InvalidStructure', { block: 2 }, [
      'block 2 lists 3 as a successor 1 times',
    ]);
    // And the tables it borrowed are whole again for the next function.
    validateFunction(new InMemoryFunction(data([2, 1])), smallEnv());
  });

  it('Format: the JSON path of a mistyped value', () => {
    const json = jsonFunction(['v0i:def:late:reg']) as { blocks: { insts: unknown[] }[] };
    json.blocks[0]!.insts[1] = 'two';
    const e = expectError(() => parseCorpus(json), 'Format');
    assert.equal(e.place.path, '$.blocks[0].insts[1]');
    assert.ok(e.message.includes('$.blocks[0].insts[1]'));
  });

  it('never changes the caller’s data', () => {
    const f = twoBlocks().build();
    const before = JSON.stringify(f.data, (_k, v) => (v instanceof PRegSet ? v.toArray() : v));
    validateFunction(f, smallEnv());
    assert.equal(JSON.stringify(f.data, (_k, v) => (v instanceof PRegSet ? v.toArray() : v)), before);
  });
});


/** A one-block function in the corpus JSON form: `ops` then a return. */
function jsonFunction(ops: string[]): Record<string, unknown> {
  return {
    format: 'regalloc-func/1',
    env: {
      preferred: { i: ['p0i', 'p1i'], f: ['p0f', 'p1f'], v: [] },
      non_preferred: { i: [], f: [], v: [] },
      scratch: { i: null, f: null, v: null },
      fixed_stack_slots: [],
    },
    entry: 0,
    num_vregs: 1,
    blocks: [{ insts: [0, 2], preds: [], succs: [], params: [], branch_args: [] }],
    insts: [
      { op: 'op', operands: ops, clobbers: [] },
      { op: 'ret', operands: [], clobbers: [] },
    ],
    spillslot_size: { i: 1, f: 1, v: 2 },
    multi_spillslot_named_by_last_slot: false,
    allow_multiple_vreg_defs: false,
    debug_value_labels: [],
  };
}

describe('a hand-written Function whose list methods return something else', () => {
  // Each method returns undefined, null or a number where a list belongs: a
  // typed error naming the method and the place, never a TypeError, with
  // validation on or off (the structure and index checks always run).
  const lists = ['blockSuccs', 'blockPreds', 'blockParams', 'instOperands', 'branchBlockparams'] as const;
  const env = smallEnv(4);
  for (const method of lists) {
    it(method, () => {
      const base = twoBlocks().build();
      for (const value of [undefined, null, 7]) {
        const bad = Object.create(base) as InMemoryFunction;
        (bad as unknown as Record<string, unknown>)[method] = () => value;
        for (const validate of [true, false]) {
          for (const algorithm of ['ion', 'fastalloc'] as const) {
            assert.throws(
              () => allocate(bad, env, { algorithm, validate }),
              (e: unknown) =>
                e instanceof RegAllocError && e.kind === 'InvalidStructure' && e.message.includes(`${method} returned ${value === 7 ? 'number 7' : String(value)}, not an array`),
              `${method} returning ${String(value)}, validate ${validate}, ${algorithm}`,
            );
          }
        }
      }
    });
  }
  it('debugValueLabels', () => {
    const bad = Object.create(twoBlocks().build()) as InMemoryFunction;
    bad.debugValueLabels = () => undefined as never;
    assert.throws(() => validateFunction(bad, env), (e: unknown) => e instanceof RegAllocError && e.kind === 'InvalidDebugLabel');
  });
});
