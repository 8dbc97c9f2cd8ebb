// Huge and degenerate inputs, scaled down to run in seconds (bench/degenerate.ts
// runs the full sizes): each allocates checker-clean with both allocators or
// gets a typed error; deep CFGs overflow no stack in validation, CFG analysis
// or the checker.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from '../src/allocate.js';
import { CFGInfo, dominates } from '../src/analysis/cfg.js';
import { validateFunction } from '../src/analysis/validate.js';
import { checkOutput } from '../src/checker/index.js';
import { generateCase } from '../src/fuzz/driver.js';
import { deepChain, degenerateCases, envWith, manyOperands, wide } from '../src/fuzz/degenerate.js';
import { RegAllocError } from '../src/model/errors.js';

describe('degenerate inputs, scaled down', () => {
  for (const c of degenerateCases({ insts: 3000, blocks: 300, operands: 300 })) {
    it(c.name, () => {
      for (const algorithm of ['ion', 'fastalloc'] as const) {
        let out;
        try {
          out = allocate(c.func, c.env, { algorithm });
        } catch (e) {
          assert.ok(e instanceof RegAllocError, `${algorithm}: ${String(e)}`);
          assert.equal(c.func.numBlocks(), 0, `${algorithm}: only the empty function is rejected, got ${e.message}`);
          assert.equal(e.kind, 'InvalidStructure');
          continue;
        }
        checkOutput(c.func, c.env, out);
      }
    });
  }

  it('the checker on a chain of 20,000 blocks with a spill slot each (Fastalloc): linear, not blocks × slots', { timeout: 60_000 }, () => {
    // Without liveness pruning and a sparse state every block's entry state
    // carried every earlier block's slot: about 9 minutes here; now well under 2 s.
    const f = deepChain(20_000);
    const env = envWith(16);
    const out = allocate(f, env, { algorithm: 'fastalloc', validate: false });
    assert.ok(out.numSpillslots >= 20_000, `${out.numSpillslots} spill slots`);
    checkOutput(f, env, out); // proven; the test's time bound catches a return of the blocks × slots cost
  });

  it('operands past regalloc2’s limit of 65,535 on one instruction: TooManyOperands naming it', () => {
    const f = manyOperands(65_536);
    assert.throws(
      () => validateFunction(f, envWith(4)),
      (e) => e instanceof RegAllocError && e.kind === 'TooManyOperands' && e.message.includes('65535') && e.place.block === 0,
    );
  });

  it('validation and CFG analysis of 30,000 blocks, deep and wide, iterate without overflowing the stack', () => {
    for (const f of [deepChain(30_000, true), wide(30_000)]) {
      const cfg = validateFunction(f, envWith(4));
      assert.equal(cfg.postorder.length, f.numBlocks());
    }
  });
});

describe('dominance from dominator-tree intervals', () => {
  it('agrees with walking up the tree, on generated functions', () => {
    let pairs = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const c = generateCase(seed, 'medium');
      if (!c) continue;
      const cfg = CFGInfo.compute(c.func);
      const nb = c.func.numBlocks();
      for (let a = 0; a < nb; a++) {
        for (let b = 0; b < nb; b++) {
          assert.equal(cfg.dominates(a, b), dominates(cfg.domtree, a, b), `seed ${seed}: ${a} dom ${b}`);
          pairs++;
        }
      }
    }
    assert.ok(pairs > 1000);
  });

  it('agrees with walking up the tree before and after a deep query switches it to intervals', () => {
    const f = deepChain(200, true);
    const reference = CFGInfo.compute(f).domtree;
    const nb = f.numBlocks();
    // Shallow pairs first (answered by walking), then a deep one, then all pairs (intervals).
    const cfg = CFGInfo.compute(f);
    for (let b = 1; b < nb; b++) assert.equal(cfg.dominates(b - 1, b), dominates(reference, b - 1, b));
    assert.equal(cfg.dominates(0, nb - 1), dominates(reference, 0, nb - 1));
    for (let a = 0; a < nb; a += 7) for (let b = 0; b < nb; b += 3) assert.equal(cfg.dominates(a, b), dominates(reference, a, b), `${a} dom ${b}`);
    // A fresh one asked only deep and unreachable questions.
    const fresh = CFGInfo.compute(f);
    assert.equal(fresh.dominates(nb - 1, 0), false);
    assert.equal(fresh.dominates(0, nb - 1), true);
    assert.equal(fresh.dominates(0, nb + 5), false);
  });
});
