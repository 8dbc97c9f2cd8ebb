import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { validateFunction } from '../src/analysis/validate.js';
import { checkDomtree, randomCfg } from '../src/fuzz/domtree_fuzz.js';
import { fuzzMachineEnv, generateFunction, randomOptions, type FuzzSize } from '../src/fuzz/func_gen.js';
import { Rng } from '../src/fuzz/rng.js';
import { corpusToJson } from '../src/io/corpus.js';
import { operandConstraintKind, operandIsFixedNonAllocatable } from '../src/model/operand.js';

const KIND_NAMES = ['Any', 'Reg', 'Stack', 'FixedReg', 'Reuse', 'Limit'];

describe('random function generator', () => {
  for (const size of ['small', 'medium', 'large'] as FuzzSize[]) {
    it(`produces valid functions (${size})`, () => {
      const cases = size === 'large' ? 20 : 200;
      let made = 0;
      const kinds = new Map<string, number>();
      for (let seed = 1; seed <= cases; seed++) {
        const rng = new Rng(seed);
        const o = randomOptions(rng, size);
        const f = generateFunction(rng, o);
        if (!f) continue;
        made++;
        validateFunction(f, fuzzMachineEnv(o.scratchRegs));
        for (let i = 0; i < f.numInsts(); i++) {
          for (const op of f.instOperands(i)) {
            const k = operandIsFixedNonAllocatable(op) ? 'fixed-nonalloc' : KIND_NAMES[operandConstraintKind(op)]!;
            kinds.set(k, (kinds.get(k) ?? 0) + 1);
          }
        }
      }
      assert.ok(made >= cases * 0.8, `only ${made} of ${cases} seeds gave a function`);
      if (size !== 'large') {
        for (const k of ['Any', 'Reg', 'Stack', 'FixedReg', 'Reuse', 'Limit', 'fixed-nonalloc']) {
          assert.ok((kinds.get(k) ?? 0) > 0, `no ${k} operand generated`);
        }
      }
    });
  }

  it('is deterministic from its seed', () => {
    const gen = (seed: number) => {
      const rng = new Rng(seed);
      const o = randomOptions(rng, 'medium');
      const f = generateFunction(rng, o);
      return f && JSON.stringify(corpusToJson({ name: '', origin: '', func: f, env: fuzzMachineEnv(o.scratchRegs), reference: {} }));
    };
    assert.equal(gen(42), gen(42));
    assert.notEqual(gen(42), gen(43));
  });
});

describe('dominator tree fuzzer', () => {
  it('matches the naive reference on random CFGs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const err = checkDomtree(randomCfg(new Rng(seed), 24));
        assert.equal(err, null);
      }),
      { numRuns: 500 },
    );
  });
});

import { shrinkFunction } from '../src/fuzz/shrink.js';
import { operandConstraintKind as kindOf } from '../src/model/operand.js';

describe('shrinker', () => {
  it('minimizes a function while a property persists', () => {
    // The "failure": some instruction has a reuse operand. The minimum is one block, two insts.
    let seed = 1;
    let f = null;
    let o = null;
    for (; !f; seed++) {
      const rng = new Rng(seed);
      o = { ...randomOptions(rng, 'medium'), reusedInputs: true };
      f = generateFunction(rng, o);
      if (f && f.numBlocks() < 5) f = null;
    }
    const env = fuzzMachineEnv(o!.scratchRegs);
    const hasReuse = (fn: typeof f) => {
      validateFunction(fn!, env);
      for (let i = 0; i < fn!.numInsts(); i++) for (const op of fn!.instOperands(i)) if (kindOf(op) === 4) return true;
      return false;
    };
    assert.ok(hasReuse(f));
    const r = shrinkFunction(f!, env, (fn) => hasReuse(fn));
    assert.ok(hasReuse(r.func));
    assert.ok(r.func.numBlocks() <= 2, `${r.func.numBlocks()} blocks left`);
    assert.ok(r.func.numInsts() <= 4, `${r.func.numInsts()} insts left`);
  });
});
