// regalloc/batch: outputs from worker threads are those of a single-threaded
// run, in the order given, and a bad function fails alone.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { allocateBatch, AllocationPool, type BatchResult } from '../src/batch/index.js';
import { chunkStarts } from '../src/batch/pool.js';
import { chunkFunction, chunkLength, OutputChunkWriter, PackedFunction, packFunction, packFunctionChunk, unpackOutputChunk } from '../src/batch/packed.js';
import { FastallocContext } from '../src/fastalloc/index.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { IonContext } from '../src/ion/index.js';
import type { Function, MachineEnv, Output } from '../src/model/function.js';
import { RegAllocError } from '../src/model/errors.js';
import { validateFunction } from '../src/analysis/validate.js';
import { corpusFiles } from './support/corpus.js';
import { smallEnv } from './support/env.js';
import { FunctionBuilder } from '../src/func/builder.js';
import { InMemoryFunction } from '../src/func/in_memory.js';
import { Operand } from '../src/model/operand.js';
import { RegClass } from '../src/model/regs.js';
import { allocate } from '../src/allocate.js';

function sameOutput(a: Output, b: Output, what: string): void {
  assert.equal(a.numSpillslots, b.numSpillslots, `${what}: spill slots`);
  assert.deepEqual(Array.from(a.allocs), Array.from(b.allocs), `${what}: allocs`);
  assert.deepEqual(Array.from(a.instAllocOffsets), Array.from(b.instAllocOffsets), `${what}: offsets`);
  assert.deepEqual(Array.from(a.packedEdits!), Array.from(b.packedEdits!), `${what}: edits`);
  assert.deepEqual(a.debugLocations.map((l) => [...l]), b.debugLocations.map((l) => [...l]), `${what}: debug locations`);
  assert.deepEqual({ ...a.stats }, { ...b.stats }, `${what}: stats`);
}

/** Every 8th file of fuzz and cranelift, and some invalid ones, in a fixed mixed order. */
function sample(): { name: string; func: Function; env: MachineEnv }[] {
  const files = [
    ...corpusFiles('fuzz').filter((_, i) => i % 20 === 0),
    ...corpusFiles('invalid').filter((_, i) => i % 11 === 0),
    ...corpusFiles('cranelift').filter((_, i) => i % 40 === 0),
  ];
  const out: { name: string; func: Function; env: MachineEnv }[] = [];
  for (const f of files) {
    try {
      const c = readCorpusFile(f);
      out.push({ name: c.name, func: c.func, env: c.env });
    } catch {
      // invalid/ files the reader itself rejects
    }
  }
  return out;
}

test('a packed function answers every question as the original', () => {
  const c = readCorpusFile(corpusFiles('fuzzgen')[3]!);
  const f = c.func;
  const p = new PackedFunction(packFunction(f));
  assert.equal(p.numInsts(), f.numInsts());
  assert.equal(p.numBlocks(), f.numBlocks());
  assert.equal(p.numVregs(), f.numVregs());
  assert.equal(p.entryBlock(), f.entryBlock());
  for (let b = 0; b < f.numBlocks(); b++) {
    assert.deepEqual(p.blockInsns(b), f.blockInsns(b));
    assert.deepEqual(Array.from(p.blockSuccs(b)), Array.from(f.blockSuccs(b)));
    assert.deepEqual(Array.from(p.blockPreds(b)), Array.from(f.blockPreds(b)));
    assert.deepEqual(Array.from(p.blockParams(b)), Array.from(f.blockParams(b)));
    const last = f.blockInsns(b).end - 1;
    if (f.isBranch(last)) {
      for (let s = 0; s < f.blockSuccs(b).length; s++) {
        assert.deepEqual(Array.from(p.branchBlockparams(b, last, s)), Array.from(f.branchBlockparams(b, last, s)));
      }
    }
  }
  for (let i = 0; i < f.numInsts(); i++) {
    assert.deepEqual(Array.from(p.instOperands(i)), Array.from(f.instOperands(i)));
    assert.deepEqual(Array.from(p.instClobbers(i).bits), Array.from(f.instClobbers(i).bits));
    assert.equal(p.isBranch(i), f.isBranch(i));
    assert.equal(p.isRet(i), f.isRet(i));
  }
  assert.deepEqual(p.debugValueLabels(), f.debugValueLabels());
  for (let c = 0; c < 3; c++) assert.equal(p.spillslotSize(c as 0), f.spillslotSize(c as 0));
});

test('chunkStarts: runs in order that reach the limit, a heavy item alone, the last run lighter', () => {
  const w = [3, 1, 1, 5, 1];
  assert.deepEqual(chunkStarts(w.length, (i) => w[i]!, 4), [0, 2, 4, 5]);
  assert.deepEqual(chunkStarts(3, () => 10, 4), [0, 1, 2, 3]);
  assert.deepEqual(chunkStarts(4, () => 1, 1), [0, 1, 2, 3, 4]);
  assert.deepEqual(chunkStarts(0, () => 1, 4), [0]);
});

test('a chunk of functions and its chunk of outputs round-trip, an error in their midst', () => {
  const cs = corpusFiles('fuzz').slice(0, 3).map((f) => readCorpusFile(f));
  const chunk = packFunctionChunk(cs.map((c) => c.func), [2, 0, 1]);
  assert.equal(chunkLength(chunk), 3);
  const ctx = new IonContext();
  const writer = new OutputChunkWriter(4);
  const expected: (Output | Error)[] = [];
  for (let k = 0; k < 3; k++) {
    const { func, env } = chunkFunction(chunk, k);
    assert.equal(env, [2, 0, 1][k]);
    assert.equal(func.numInsts(), cs[k]!.func.numInsts());
    const out = ctx.run(func, cs[k]!.env);
    writer.addOutput(out);
    expected.push(out);
    if (k === 0) {
      const e = new RegAllocError('SSA', 'v1i is defined twice', { block: 1, inst: 4, vreg: 4 });
      writer.addError(e);
      expected.push(e);
    }
  }
  const back = unpackOutputChunk(writer.finish());
  assert.equal(back.length, 4);
  for (let k = 0; k < 4; k++) {
    const a = back[k]!;
    const b = expected[k]!;
    if (b instanceof RegAllocError) {
      assert.ok(a instanceof RegAllocError);
      assert.equal(a.kind, b.kind);
      assert.deepEqual(a.place, b.place);
    } else sameOutput(a as Output, b as Output, `output ${k}`);
  }
  assert.throws(() => new OutputChunkWriter(2).finish(), /holds 0 results, expected 2/);
});

for (const algorithm of ['ion', 'fastalloc'] as const) {
  test(`${algorithm} on worker threads: ordered, identical to one thread, errors per function`, async () => {
    const items = sample();
    const envs: MachineEnv[] = [];
    const envKeys = new Map<string, number>();
    const envIndex = items.map((it) => {
      const key = JSON.stringify(it.env, (_, v) => (v instanceof Uint32Array ? Array.from(v) : v));
      let k = envKeys.get(key);
      if (k === undefined) {
        envKeys.set(key, (k = envs.length));
        envs.push(it.env);
      }
      return k;
    });
    const pool = new AllocationPool(envs, { algorithm, workers: 2 });
    let progress = 0;
    let results: BatchResult[];
    try {
      results = await pool.allocate(
        items.map((it) => it.func),
        { envIndex, onProgress: (done, total) => { assert.ok(done > progress && done <= total); progress = done; } },
      );
    } finally {
      await pool.close();
    }
    assert.equal(results.length, items.length);
    assert.equal(progress, items.length);
    const ctx = algorithm === 'ion' ? new IonContext() : new FastallocContext();
    let failures = 0;
    for (let i = 0; i < items.length; i++) {
      const { name, func, env } = items[i]!;
      const r = results[i]!;
      let expected: Output | RegAllocError;
      try {
        validateFunction(func, env);
        expected = ctx.run(func, env);
      } catch (e) {
        expected = e as RegAllocError;
      }
      if (expected instanceof Error) {
        failures++;
        assert.ok(!r.ok, `${name}: should fail`);
        assert.ok(r.error instanceof RegAllocError, `${name}: a RegAllocError`);
        assert.equal((r.error as RegAllocError).kind, (expected as RegAllocError).kind, name);
        assert.deepEqual((r.error as RegAllocError).place, (expected as RegAllocError).place, name);
      } else {
        assert.ok(r.ok, `${name}: ${r.ok ? '' : r.error.message}`);
        sameOutput(r.output, expected, name);
      }
    }
    assert.ok(failures > 0 && failures < items.length, 'the sample mixes good and bad functions');
  });
}

test('allocateBatch: one env, worker threads and the inline path agree', async () => {
  // fuzzgen functions of one machine, enough instructions for the threaded path.
  const picked = corpusFiles('fuzzgen')
    .filter((f) => f.includes('x86_64'))
    .slice(0, 30)
    .map((f) => readCorpusFile(f));
  const env = picked[0]!.env;
  const same = picked.filter((c) => JSON.stringify(c.env, (_, v) => (v instanceof Uint32Array ? Array.from(v) : v)) === JSON.stringify(env, (_, v) => (v instanceof Uint32Array ? Array.from(v) : v)));
  const funcs = same.map((c) => c.func);
  assert.ok(funcs.length >= 5, `${funcs.length} functions share an env`);
  const threaded = await allocateBatch(funcs, env, { workers: 2, inlineBelow: 0 });
  const inline = await allocateBatch(funcs, env, { workers: 1 });
  assert.equal(threaded.length, funcs.length);
  for (let i = 0; i < funcs.length; i++) {
    const a = threaded[i]!;
    const b = inline[i]!;
    assert.equal(a.ok, b.ok);
    if (a.ok && b.ok) sameOutput(a.output, b.output, same[i]!.name);
  }
});

test('regalloc allocate --jobs 2: the lines of a single-threaded run, in file order, errors per function; progress silent when piped', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const files = [...corpusFiles('invalid').slice(0, 3), ...corpusFiles('fuzz').slice(0, 6), ...corpusFiles('cranelift').slice(0, 6)];
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'allocate', '--json', '--check', ...args, ...files], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
  const serial = run();
  const threaded = run('--jobs', '2');
  assert.equal(threaded.status, serial.status);
  assert.equal(threaded.status, 1, 'the invalid files fail');
  assert.equal(threaded.stderr, '', 'no progress bar when stderr is not a terminal');
  const strip = (out: string) => out.trim().split('\n').map((l) => l.replace(/"time_ns":\d+/, '"time_ns":0'));
  const a = strip(serial.stdout);
  const b = strip(threaded.stdout);
  assert.equal(b.length, files.length);
  assert.deepEqual(b, a);
  assert.equal(b.filter((l) => l.includes('"ok":false')).length, 3);
});

test('workers run what allocate() runs, validation off too: index checks, and a fresh context after a run that threw', async () => {
  const env = smallEnv(2);
  // Three values live into one instruction that needs them all in registers: two exist.
  const tooMany = () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const vs = Array.from({ length: 3 }, () => b.vreg(RegClass.Int));
    for (const v of vs) b.inst(b0, [Operand.regDef(v)]);
    b.inst(b0, vs.map((v) => Operand.regUse(v)));
    b.ret(b0);
    return b.build();
  };
  const good = () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const x = b.vreg(RegClass.Int);
    const y = b.vreg(RegClass.Int);
    b.inst(b0, [Operand.regDef(x)]);
    b.inst(b0, [Operand.regDef(y), Operand.regUse(x)]);
    b.ret(b0, [Operand.regUse(y), Operand.regUse(x)]);
    return b.build();
  };
  // A use of a vreg past num_vregs: without the index pass, an allocator reads past its tables.
  const g = good();
  const pastEnd = new InMemoryFunction({ ...g.data, numVregs: 1 });
  const funcs = [tooMany(), good(), pastEnd, good()];
  for (const algorithm of ['ion', 'fastalloc'] as const) {
    const expected = funcs.map((f) => {
      try {
        return allocate(f, env, { algorithm, validate: false });
      } catch (e) {
        return e as Error;
      }
    });
    assert.ok(expected[0] instanceof RegAllocError && expected[0].kind === 'TooManyLiveRegs');
    assert.ok(expected[2] instanceof RegAllocError && expected[2].kind === 'VRegOutOfRange');
    const pool = new AllocationPool(env, { algorithm, workers: 1, validate: false });
    try {
      const results = await pool.allocate(funcs);
      results.forEach((r, i) => {
        const want = expected[i]!;
        if (want instanceof Error) {
          assert.ok(!r.ok && r.error instanceof RegAllocError, `${algorithm} function ${i}: an error`);
          assert.equal((r.error as RegAllocError).kind, (want as RegAllocError).kind);
        } else {
          assert.ok(r.ok, `${algorithm} function ${i}: ${r.ok ? '' : r.error.message}`);
          sameOutput(r.output, want, `${algorithm} function ${i}`);
        }
      });
    } finally {
      await pool.close();
    }
  }
});

test('a function packing cannot read or hold exactly gets its own typed error on the pool; the rest are allocated', async () => {
  const env = smallEnv(4);
  const good = () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const x = b.vreg(RegClass.Int);
    b.inst(b0, [Operand.regDef(x)]);
    b.ret(b0, [Operand.regUse(x)]);
    return b.build();
  };
  const g = good();
  // Hand-written Functions with a method that returns what is not a list or a count.
  const noPreds = Object.create(g) as Function;
  noPreds.blockPreds = () => undefined as unknown as [];
  const noBlocks = Object.create(g) as Function;
  noBlocks.numBlocks = () => 'x' as unknown as number;
  // An operand that is not a 32-bit word: packing into an Int32Array would
  // have truncated it to a valid one.
  const fractional = Object.create(g) as Function;
  fractional.instOperands = (i: number) => (i === 0 ? [g.instOperands(0)[0]! + 0.5] : g.instOperands(i)) as never;
  const funcs = [good(), noPreds, noBlocks, fractional, good()];
  const direct = funcs.map((f) => {
    try {
      return allocate(f, env);
    } catch (e) {
      return e as Error;
    }
  });
  for (const i of [1, 2, 3]) assert.ok(direct[i] instanceof RegAllocError, `allocate() on function ${i}: ${String(direct[i])}`);
  const pool = new AllocationPool(env, { workers: 1 });
  try {
    const results = await pool.allocate(funcs);
    assert.equal(results.length, funcs.length);
    for (const i of [0, 4]) {
      const r = results[i]!;
      assert.ok(r.ok, `function ${i}`);
      sameOutput(r.output, direct[i] as Output, `function ${i}`);
    }
    // The errors allocate() gives on this thread, place and all.
    for (const i of [1, 2, 3]) {
      const r = results[i]!;
      assert.ok(!r.ok && r.error instanceof RegAllocError, `function ${i}: ${r.ok ? 'allocated' : r.error}`);
      assert.equal((r.error as RegAllocError).kind, (direct[i] as RegAllocError).kind, `function ${i}: ${r.error.message}`);
      assert.equal(r.error.message, (direct[i] as Error).message);
    }
    assert.equal((results[3]!.ok ? null : (results[3]!.error as RegAllocError).kind), 'InvalidOperand');
    assert.match(results[1]!.ok ? '' : results[1]!.error.message, /blockPreds returned undefined/);
  } finally {
    await pool.close();
  }
});

test('packing keeps debug labels exactly, a label number above 2^31 too', () => {
  const b = new FunctionBuilder();
  const b0 = b.block();
  const x = b.vreg(RegClass.Int);
  b.inst(b0, [Operand.regDef(x)]);
  b.ret(b0, [Operand.regUse(x)]);
  const f = b.build();
  const labelled = new InMemoryFunction({ ...f.data, debugValueLabels: [[x, 0, 2, 0xfffffff0]] });
  const p = new PackedFunction(packFunction(labelled));
  assert.deepEqual(p.debugValueLabels().map((l) => [...l]), [[x, 0, 2, 0xfffffff0]]);
});
