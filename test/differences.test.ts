// The deliberate differences from regalloc2 listed in doc/DESIGN.md that no
// other test shows on its own: each test builds or loads the input that
// shows the difference and asserts our side of it.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allocate } from '../src/allocate.js';
import { checkOutput, CheckerError } from '../src/checker/index.js';
import { FunctionBuilder } from '../src/func/builder.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { allocReg, type Allocation } from '../src/model/allocation.js';
import { emptyStats, type Output } from '../src/model/function.js';
import { Operand } from '../src/model/operand.js';
import { preg, RegClass } from '../src/model/regs.js';
import { CORPUS_DIR } from './support/corpus.js';
import { smallEnv } from './support/env.js';

const I = RegClass.Int;
const r = (n: number) => allocReg(preg(n, I));

describe('where we differ from regalloc2', () => {
  // DESIGN.md, difference 2: a vreg used in several fixed registers, all
  // outside a limit(n) of one of its uses. regalloc2 rewrites the source
  // slot of a secondary copy before the parallel copies read it.
  for (const name of ['fuzz-0000489-limit', 'fuzz-0000539-limit', 'fuzz-0000921-limit']) {
    it(`Ion multi-fixed-register copies read their source before it is rewritten: variants/${name}`, () => {
      const c = readCorpusFile(join(CORPUS_DIR, 'variants', `${name}.json.gz`));
      const ours = allocate(c.func, c.env, { algorithm: 'ion', validateSsa: false });
      checkOutput(c.func, c.env, ours); // proven correct
      assert.throws(() => checkOutput(c.func, c.env, c.reference.ion!.output), CheckerError, "regalloc2's result is wrong here");
    });
  }

  // DESIGN.md, difference 8: with a reused input, regalloc2's checker skips
  // the late defs' constraints after the instruction; ours still checks them.
  it('the checker still checks a late fixed def beside a reuse def', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const [v0, v1, v2] = [b.vreg(I), b.vreg(I), b.vreg(I)];
    b.inst(b0, [Operand.regDef(v0)]);
    b.inst(b0, [Operand.regReuseDef(v1, 1), Operand.regUse(v0), Operand.regFixedDef(v2, preg(2, I))]);
    b.ret(b0, [Operand.regFixedUse(v1, preg(0, I)), Operand.regFixedUse(v2, preg(2, I))]);
    const f = b.build();
    const allocs: Allocation[][] = [[r(0)], [r(0), r(0), r(3)], [r(0), r(2)]];
    const out: Output = {
      numSpillslots: 0,
      edits: [],
      allocs: Int32Array.from(allocs.flat()),
      instAllocOffsets: Uint32Array.from([0, 1, 4]),
      debugLocations: [],
      stats: emptyStats(),
    };
    try {
      checkOutput(f, smallEnv(4), out);
      assert.fail('accepted a fixed def in the wrong register');
    } catch (e) {
      assert.ok(e instanceof CheckerError, String(e));
      assert.ok(
        e.errors.some((d) => d.kind === 'AllocationIsNotFixedReg' && d.inst === 1),
        e.errors.map((d) => `${d.kind} at ${d.inst}`).join(', '),
      );
    }
  });
});
