import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CFGInfo } from '../src/analysis/cfg.js';
import { allocate } from '../src/allocate.js';
import { checkOutput } from '../src/checker/index.js';
import { FunctionBuilder } from '../src/func/builder.js';
import { compareOutputs } from '../src/io/compare.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { RangeCursor, RangeMap, spillWeightFromConstraint } from '../src/ion/data.js';
import { IonEnv } from '../src/ion/env.js';
import { buildLiveranges, computeLiveness, fixupMultiFixedVregs } from '../src/ion/liveness.js';
import { mergeBundles, mergeVregBundles } from '../src/ion/merge.js';
import { runIon } from '../src/ion/index.js';
import { MAX_PROBES, regTraversal, RegTraversal } from '../src/ion/reg_traversal.js';
import { fuzzMachineEnv } from '../src/fuzz/func_gen.js';
import { Rng } from '../src/fuzz/rng.js';
import { allocIsStack, instAllocs } from '../src/model/index.js';
import { RegAllocError } from '../src/model/errors.js';
import type { ProgPoint } from '../src/model/allocation.js';
import type { MachineEnv } from '../src/model/function.js';
import { Operand } from '../src/model/operand.js';
import { preg, PREG_INVALID, PREG_MAX_HW_ENC, PRegSet, RegClass } from '../src/model/regs.js';
import { corpusFiles } from './support/corpus.js';
import { smallEnv } from './support/env.js';

const I = RegClass.Int;
const p = (n: number) => preg(n, I);

function ion(f: ReturnType<FunctionBuilder['build']>, env: MachineEnv) {
  const out = allocate(f, env, { algorithm: 'ion' });
  checkOutput(f, env, out);
  return out;
}

/** entry: x = def; loop header(i): j = i + x; branch back with j or exit */
function loop() {
  const b = new FunctionBuilder();
  const [b0, b1, b2, b3] = [b.block(), b.block(), b.block(), b.block()];
  const [x, i, j] = [b.vreg(I), b.vreg(I), b.vreg(I)];
  b.blockParam(b1, i);
  b.inst(b0, [Operand.regDef(x)]);
  b.branch(b0, [{ block: b1, args: [x] }]);
  b.inst(b1, [Operand.regDef(j), Operand.regUse(i), Operand.regUse(x)]);
  b.branch(b1, [{ block: b2 }, { block: b3 }]);
  b.branch(b2, [{ block: b1, args: [j] }]);
  b.ret(b3, [Operand.regFixedUse(j, p(0))]);
  return { f: b.build(), x, i, j };
}

describe('Ion stages', () => {
  it('liveness: a value used in a loop is live into the header and out of the latch', () => {
    const { f, x } = loop();
    const e = new IonEnv();
    e.reset(f, smallEnv(4), CFGInfo.compute(f));
    computeLiveness(e);
    assert.ok(e.liveins[1]!.get(x >>> 2), 'x live into the loop header');
    assert.ok(e.liveouts[2]!.get(x >>> 2), 'x live out of the latch');
    assert.ok(!e.liveins[0]!.get(x >>> 2));
    assert.ok(e.stats.livein_iterations >= f.numBlocks());
    buildLiveranges(e);
    fixupMultiFixedVregs(e);
    // x's range runs from its def through the latch (blocks are contiguous, so one range).
    const lrs = e.vregRanges[x >>> 2]!;
    assert.ok(lrs.length >= 1);
    assert.ok(e.ranges.to.data[lrs[lrs.length - 1]!]! > e.cfg.blockExit[2]!);
  });

  it('merging: a reused input joins its def’s bundle, a block param its arg’s', () => {
    const b = new FunctionBuilder();
    const [b0, b1] = [b.block(), b.block()];
    const [a, c, d] = [b.vreg(I), b.vreg(I), b.vreg(I)];
    b.blockParam(b1, d);
    b.inst(b0, [Operand.regDef(a)]);
    b.inst(b0, [Operand.regReuseDef(c, 1), Operand.regUse(a)]);
    b.branch(b0, [{ block: b1, args: [c] }]);
    b.ret(b1, [Operand.regUse(d)]);
    const f = b.build();
    const e = new IonEnv();
    e.reset(f, smallEnv(4), CFGInfo.compute(f));
    computeLiveness(e);
    buildLiveranges(e);
    fixupMultiFixedVregs(e);
    mergeVregBundles(e);
    const bundleOf = (v: number) => e.ranges.bundle.data[e.vregRanges[v >>> 2]![0]!];
    assert.equal(bundleOf(a), bundleOf(c));
    assert.equal(bundleOf(c), bundleOf(d));
    const out = ion(f, smallEnv(4));
    assert.equal(out.edits.length, 0, 'merged bundles need no moves');
  });

  it('merging two bundles: the same verdict as the plain overlap sweep, 200-step limit included', () => {
    // regalloc2's sweep, one range a step, giving up after 200 steps; the
    // allocator takes runs of steps as one search and must agree exactly.
    const sweep = (a: [number, number][], b: [number, number][]): boolean => {
      let i = 0;
      let j = 0;
      let count = 0;
      while (i < a.length && j < b.length) {
        if (++count > 200) return false;
        if (a[i]![0] >= b[j]![1]) j++;
        else if (b[j]![0] >= a[i]![1]) i++;
        else return false;
      }
      return true;
    };
    // Disjoint sorted ranges with gaps, on even points (no fixed defs here).
    const rng = new Rng(7);
    const below = (n: number) => rng.int(0, n - 1);
    const list = (n: number, gap: number): [number, number][] => {
      const out: [number, number][] = [];
      let at = 2 * below(gap + 1);
      for (let k = 0; k < n; k++) {
        const len = 2 + 2 * below(3);
        out.push([at, at + len]);
        at += len + 2 * below(gap + 1);
      }
      return out;
    };
    const f = loop().f;
    const e = new IonEnv();
    let merged = 0;
    let refused = 0;
    // One range in the gap after the k-th of 260: k + 1 steps, either way round.
    const spaced: [number, number][] = Array.from({ length: 260 }, (_, m) => [4 * m, 4 * m + 2]);
    const edges: [[number, number][], [number, number][]][] = [];
    for (let k = 195; k <= 205; k++) edges.push([[[4 * k - 2, 4 * k]], spaced], [spaced, [[4 * k - 2, 4 * k]]]);
    for (let round = 0; round < 600 + edges.length; round++) {
      e.reset(f, smallEnv(4), CFGInfo.compute(f));
      const sizes = [0, 1, 2, 5, 40, 150, 199, 200, 201, 260];
      const [a, b] = round >= 600 ? edges[round - 600]! : [list(sizes[below(sizes.length)]!, 1 + below(60)), list(sizes[below(sizes.length)]!, 1 + below(60))];
      const bundleOf = (rs: [number, number][]) => {
        const bundle = e.bundles.add();
        e.bundles.spillset.data[bundle] = e.spillsets.add(I, 0 as ProgPoint, 1 as ProgPoint, PREG_INVALID);
        for (const [from, to] of rs) {
          const lr = e.ranges.add(from as ProgPoint, to as ProgPoint);
          e.ranges.bundle.data[lr] = bundle;
          e.bundles.ranges[bundle]!.push(lr);
        }
        return bundle;
      };
      const from = bundleOf(a);
      const to = bundleOf(b);
      const expected = sweep(a, b);
      assert.equal(mergeBundles(e, from, to), expected, `round ${round}: ${a.length} against ${b.length} ranges`);
      if (!expected) {
        refused++;
        continue;
      }
      merged++;
      // Merged: one list, sorted by start, every range now in the target bundle.
      const all = e.bundles.ranges[to]!;
      assert.equal(all.length, a.length + b.length);
      for (let k = 1; k < all.length; k++) assert.ok(e.ranges.from.data[all[k - 1]!]! <= e.ranges.from.data[all[k]!]!);
      for (const lr of all) assert.equal(e.ranges.bundle.data[lr], to);
      assert.equal(e.bundles.ranges[from]!.length, 0, 'the source bundle is left empty');
    }
    assert.ok(merged > 50 && refused > 50, `both verdicts met (${merged} merged, ${refused} refused)`);
  });

  it('a forced split: one value wanted on the stack and in a register', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const [x, y, z] = [b.vreg(I), b.vreg(I), b.vreg(I)];
    b.inst(b0, [Operand.regDef(x)]);
    b.inst(b0, [Operand.regDef(y), Operand.stackUse(x)]);
    b.inst(b0, [Operand.regDef(z), Operand.regUse(x), Operand.regUse(y)]);
    b.ret(b0, [Operand.regUse(z)]);
    const out = ion(b.build(), smallEnv(4));
    assert.ok(out.stats.splits > 0);
    assert.ok(allocIsStack(instAllocs(out, 1)[1]!));
  });

  it('eviction and spilling under register pressure, with spill slots reused', () => {
    // Eight values live at once over two registers, in two disjoint waves.
    const b = new FunctionBuilder();
    const b0 = b.block();
    for (let wave = 0; wave < 2; wave++) {
      const vs = Array.from({ length: 4 }, () => b.vreg(I));
      for (const v of vs) b.inst(b0, [Operand.regDef(v)]);
      for (const v of vs) b.inst(b0, [Operand.regUse(v)]);
    }
    b.ret(b0);
    const f = b.build();
    const out = ion(f, smallEnv(2));
    assert.ok(out.stats.evict_bundle_count > 0 || out.stats.splits > 0);
    assert.ok(out.numSpillslots > 0);
    assert.ok(out.numSpillslots <= 3, `spill slots shared between waves (${out.numSpillslots})`);
  });

  it('block params that swap in a loop resolve as a move cycle', () => {
    const b = new FunctionBuilder();
    const [b0, b1, b2, b3] = [b.block(), b.block(), b.block(), b.block()];
    const [x, y, a, c] = [b.vreg(I), b.vreg(I), b.vreg(I), b.vreg(I)];
    b.blockParam(b1, a);
    b.blockParam(b1, c);
    b.inst(b0, [Operand.regFixedDef(x, p(0))]);
    b.inst(b0, [Operand.regFixedDef(y, p(1))]);
    b.branch(b0, [{ block: b1, args: [x, y] }]);
    b.inst(b1, [Operand.regFixedUse(a, p(0)), Operand.regFixedUse(c, p(1))]);
    b.branch(b1, [{ block: b2 }, { block: b3 }]);
    b.branch(b2, [{ block: b1, args: [c, a] }]);
    b.ret(b3);
    for (const scratch of [null, p(3)]) {
      const env = smallEnv(3, { scratch: [scratch, null, null] });
      ion(b.build(), env);
    }
  });

  it('debug annotations per program point, when asked for', () => {
    const { f } = loop();
    const env = smallEnv(2);
    const plain = allocate(f, env);
    assert.equal(plain.annotations, undefined);
    const out = allocate(f, env, { annotate: true });
    assert.ok(out.annotations instanceof Map);
    const all = [...out.annotations!.values()].flat();
    assert.ok(all.some((a) => a.includes('start v')));
    assert.equal(all.filter((a) => a.startsWith('move ')).length, out.edits.length);
    assert.deepEqual(out.edits, plain.edits, 'annotations do not change the allocation');
  });

  it('TooManyLiveRegs when one instruction needs more registers than exist', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const vs = Array.from({ length: 3 }, () => b.vreg(I));
    for (const v of vs) b.inst(b0, [Operand.regDef(v)]);
    b.inst(b0, vs.map((v) => Operand.regUse(v)));
    b.ret(b0);
    assert.throws(() => allocate(b.build(), smallEnv(2)), (e) => e instanceof RegAllocError && e.kind === 'TooManyLiveRegs');
  });

  it('EntryLivein when validation is off', () => {
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.ret(b0, [Operand.regUse(v)]);
    assert.throws(() => runIon(b.build(), smallEnv(2)), (e) => e instanceof RegAllocError && e.kind === 'EntryLivein');
  });

  it('regression (fuzzer): copies for a late use in several fixed registers go before the instruction', () => {
    // Minimized from `regalloc fuzz --algorithm ion --seed 19 --size medium`.
    const b = new FunctionBuilder();
    const b0 = b.block();
    const v = b.vreg(I);
    b.inst(b0, [Operand.anyDef(v)]);
    b.inst(b0, [Operand.regUseAtEnd(v), Operand.regFixedUseAtEnd(v, p(47))]);
    b.ret(b0);
    const env = smallEnv(4, { fixedStackSlots: [p(47)] });
    ion(b.build(), env);
  });
});

describe('Ion register traversal', () => {
  it('the lazy traversal yields the eager order (fixed, hint, rotated preferred, non-preferred, limit)', () => {
    const env = fuzzMachineEnv(false);
    const rng = new Rng(3);
    const it = new RegTraversal();
    it.setEnv(env);
    for (let t = 0; t < 5000; t++) {
      const cls = rng.int(0, 2) as 0 | 1 | 2;
      const fixed = rng.chance(0.2) ? (cls << 6) | rng.int(0, 62) : PREG_INVALID;
      const hint = rng.chance(0.5) ? (cls << 6) | rng.int(0, 31) : PREG_INVALID;
      const offset = rng.int(0, 1000);
      const limit = rng.chance(0.3) ? 8 : -1;
      const eager = new Int32Array(MAX_PROBES);
      const n = regTraversal(env, cls, fixed, hint, offset, limit, eager);
      const lazy: number[] = [];
      it.init(cls, fixed, hint, offset, limit);
      for (let r = it.next(); r >= 0; r = it.next()) lazy.push(r);
      assert.ok(n <= MAX_PROBES);
      assert.deepEqual(lazy, [...eager.subarray(0, n)]);
      if (fixed !== PREG_INVALID) assert.deepEqual(lazy, [fixed]);
    }
    // The longest orders: every register of the class in both lists, with or without a hint.
    const all = PRegSet.of(Array.from({ length: PREG_MAX_HW_ENC + 1 }, (_, i) => preg(i, 0)));
    const full = { ...env, preferredRegsByClass: [all, all, all], nonPreferredRegsByClass: [all, all, all] } as typeof env;
    const out = new Int32Array(MAX_PROBES);
    assert.equal(regTraversal(full, 0, PREG_INVALID, PREG_INVALID, 0, -1, out), 2 * (PREG_MAX_HW_ENC + 1));
    assert.ok(regTraversal(full, 0, PREG_INVALID, preg(5, 0), 0, -1, out) <= MAX_PROBES);
    // Offset 0, no hint, no limit: each class's preferred registers in ascending order, then its non-preferred ones.
    for (const cls of [0, 1, 2] as const) {
      const n = regTraversal(env, cls, PREG_INVALID, PREG_INVALID, 0, -1, out);
      assert.deepEqual([...out.subarray(0, n)], [...env.preferredRegsByClass[cls]!.toArray(), ...env.nonPreferredRegsByClass[cls]!.toArray()]);
    }
  });

  it("spill weights: regalloc2's f32 loop hotness, 1000 * 4 per loop level up to ten", () => {
    for (let depth = 0; depth <= 12; depth++) {
      let hot = Math.fround(1000);
      for (let i = 0; i < Math.min(10, depth); i++) hot = Math.fround(hot * 4);
      for (const kind of ['any', 'reg', 'other'] as const) {
        for (const isDef of [false, true]) {
          const c = kind === 'any' ? 1000 : kind === 'reg' ? 2000 : 0;
          assert.equal(spillWeightFromConstraint(kind, depth, isDef), Math.fround(Math.fround(hot + (isDef ? 2000 : 0)) + c));
        }
      }
    }
  });
});

describe('Ion on the corpus', () => {
  for (const folder of ['fuzz', 'cranelift', 'fuzzgen', 'variants']) {
    it(`${folder}/: checker-clean everywhere, identical to regalloc2 where regalloc2 is correct`, () => {
      let identical = 0;
      let comparable = 0;
      let statsSame = 0;
      const differing: string[] = [];
      for (const path of corpusFiles(folder)) {
        const c = readCorpusFile(path);
        const out = allocate(c.func, c.env, { algorithm: 'ion', validateSsa: false });
        checkOutput(c.func, c.env, out);
        const ref = c.reference.ion!;
        if (!ref.ok || ref.checker !== 'ok') continue;
        comparable++;
        const cmp = compareOutputs(out, ref.output, true);
        if (cmp.identical) identical++;
        else differing.push(`${c.name}: ${cmp.detail}`);
        if (ref.stats && Object.entries(ref.stats).every(([k, v]) => (out.stats as unknown as Record<string, number>)[k] === v)) statsSame++;
      }
      console.log(`${folder}: identical ${identical}/${comparable}, stats identical ${statsSame}/${comparable}${differing.length ? '; differing: ' + differing.join('; ') : ''}`);
      assert.equal(identical, comparable);
      assert.equal(statsSame, comparable);
    });
  }

  it('invalid/: every file gets a typed error, never a crash', () => {
    for (const path of corpusFiles('invalid')) {
      assert.throws(
        () => {
          const c = readCorpusFile(path);
          allocate(c.func, c.env);
        },
        (e) => e instanceof RegAllocError,
        path,
      );
    }
  });
});

describe('Ion register allocation maps (RangeMap)', () => {
  it('agrees with a plain sorted list through thousands of inserts and removals across chunk splits', () => {
    const rng = new Rng(77);
    const map = new RangeMap();
    let model: [number, number, number][] = [];
    // The first overlapping entry in order (the one `remove` takes).
    const overlapsModel = (from: number, to: number) =>
      model.filter(([f, t]) => f < to && from < t).sort((a, b) => a[0] - b[0])[0];
    for (let step = 0; step < 20000; step++) {
      const from = rng.int(0, 40000 - 1);
      const to = from + 1 + rng.int(0, 8 - 1);
      if (rng.int(0, 3 - 1) > 0) {
        const expect = !overlapsModel(from, to);
        assert.equal(map.insert(from, to, step), expect, `insert [${from}, ${to}) at step ${step}`);
        if (expect) model.push([from, to, step]);
      } else {
        const hit = overlapsModel(from, to);
        assert.equal(map.remove(from, to), hit !== undefined, `remove [${from}, ${to}) at step ${step}`);
        if (hit) model = model.filter((e) => e !== hit);
      }
      if (step % 1000 === 999) {
        model.sort((a, b) => a[0] - b[0]);
        const seen: [number, number, number][] = [];
        const cur = new RangeCursor();
        for (map.seek(-1, cur); map.valid(cur); map.next(cur)) seen.push([cur.chunk.from[cur.index]!, cur.chunk.to[cur.index]!, cur.chunk.value[cur.index]!]);
        assert.deepEqual(seen, model);
        assert.equal(map.size, model.length);
        // seek lands on the first entry ending after the point.
        const point = rng.int(0, 40000 - 1);
        map.seek(point, cur);
        const want = model.find(([, t]) => t > point);
        assert.deepEqual(map.valid(cur) ? cur.chunk.from[cur.index] : undefined, want?.[0]);
        assert.equal(map.overlaps(point, point + 1), overlapsModel(point, point + 1) !== undefined);
      }
    }
    assert.ok(map.numChunks > 10, `the map split into chunks (${map.numChunks})`);
    map.clear();
    assert.equal(map.size, 0);
    assert.equal(map.numChunks, 1);
    assert.equal(map.overlaps(0, 1 << 30), false);
  });

  it('keeps emptied chunks as spares and reuses them, after a removal and after clear', () => {
    const map = new RangeMap();
    const entries = (): number[] => {
      const out: number[] = [];
      const cur = new RangeCursor();
      for (map.seek(-1, cur); map.valid(cur); map.next(cur)) out.push(cur.chunk.from[cur.index]!);
      return out;
    };
    for (let round = 0; round < 3; round++) {
      // 1,000 entries: four chunks or so, in the order of their points.
      for (let k = 0; k < 1000; k++) assert.ok(map.insert(10 * k, 10 * k + 5, k));
      const used = map.numChunks;
      assert.ok(used >= 4, `split into ${used} chunks`);
      // Empty the second chunk entirely: it leaves the chunks in use.
      const second = map.chunks[1]!;
      const gone = Array.from(second.from.subarray(0, second.size));
      for (const from of gone) assert.ok(map.remove(from, from + 1));
      assert.equal(map.numChunks, used - 1);
      assert.ok(map.chunks.indexOf(second) >= map.numChunks, 'the emptied chunk is a spare');
      const want = Array.from({ length: 1000 }, (_, k) => 10 * k).filter((x) => !gone.includes(x));
      assert.deepEqual(entries(), want);
      // Inserting them again splits chunks, which takes the spares first.
      const allocated = map.chunks.length;
      for (const from of gone) assert.ok(map.insert(from, from + 5, 0));
      assert.equal(map.chunks.length, allocated, 'no new chunk while a spare is left');
      assert.deepEqual(entries(), Array.from({ length: 1000 }, (_, k) => 10 * k));
      assert.equal(map.overlaps(10 * 999 + 4, 10 * 999 + 5), true);
      map.clear();
      assert.deepEqual(entries(), []);
    }
  });
});
