import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  allocate,
  checkEnvShape,
  Operand,
  operandConstraint,
  operandFromConstraint,
  OperandKind,
  OperandPos,
  PRegSet,
  preg,
  RegAllocError,
  RegClass,
  validateFunction,
  vreg,
  VREG_MAX_INDEX,
  FunctionBuilder,
  x86_64SystemV,
  type MachineEnv,
} from '../src/index.js';
import { parseFunction } from '../src/io/corpus.js';
import { Rng } from '../src/fuzz/rng.js';
import { corpusFiles } from './support/corpus.js';

const I = RegClass.Int;
const F = RegClass.Float;

test('preg and vreg reject what they cannot represent', () => {
  assert.equal(preg(63, RegClass.Vector), (2 << 6) | 63);
  for (const [hw, cls] of [[64, I], [99, I], [-1, I], [1.5, I], [NaN, I], [5, 7], [5, -1], [5, 3]] as const) {
    assert.throws(() => preg(hw, cls as RegClass), RangeError, `preg(${hw}, ${cls})`);
  }
  assert.equal(vreg(VREG_MAX_INDEX - 1, F), (VREG_MAX_INDEX - 1) * 4 + 1);
  for (const [i, cls] of [[-1, I], [VREG_MAX_INDEX, I], [2 ** 40, I], [0.5, I], [3, 3], [3, 1.5]] as const) {
    assert.throws(() => vreg(i, cls as RegClass), RangeError, `vreg(${i}, ${cls})`);
  }
});

test('Operand factories reject class mismatches, bad indices and limits, non-vregs', () => {
  const vi = vreg(3, I);
  const vf = vreg(4, F);
  const xmm0 = preg(0, F);
  for (const f of [Operand.regFixedDef, Operand.regFixedUse, Operand.regFixedUseAtEnd, Operand.regFixedDefAtStart]) {
    assert.throws(
      () => f(vi, xmm0),
      (e) => e instanceof RegAllocError && e.kind === 'InvalidFixedReg' && e.place.vreg === 'v3i' && e.place.preg === 'p0f',
    );
    assert.throws(() => f(vi, 200), RangeError);
    assert.equal(operandConstraint(f(vf, xmm0)).kind, 'fixed');
  }
  assert.throws(() => Operand.regReuseDef(vi, 40), RangeError);
  assert.throws(() => Operand.regReuseDef(vi, -1), RangeError);
  assert.throws(() => Operand.regReuseDef(vi, 1.5), RangeError);
  assert.deepEqual(operandConstraint(Operand.regReuseDef(vi, 31)), { kind: 'reuse', index: 31 });
  assert.throws(() => Operand.limitUse(vi, 3), RangeError);
  assert.throws(() => Operand.limitDef(vi, 0), RangeError);
  assert.throws(() => Operand.limitDef(vi, 1 << 16), RangeError);
  assert.deepEqual(operandConstraint(Operand.limitUse(vi, 8)), { kind: 'limit', max: 8 });
  for (const bad of [-4, 0xffffffff, 1.5, VREG_MAX_INDEX * 4, 7 /* class 3 */, NaN]) {
    for (const f of [Operand.regUse, Operand.regDef, Operand.regTemp, Operand.anyUse, Operand.stackDef, Operand.regUseAtEnd, Operand.regDefAtStart]) {
      assert.throws(() => f(bad), RangeError, `${bad}`);
    }
  }
  assert.throws(() => Operand.fixedNonAllocatable(256), RangeError);
  assert.throws(() => operandFromConstraint(vi, { kind: 'fixed', preg: xmm0 }, OperandKind.Def, OperandPos.Late), RegAllocError);
  assert.throws(() => operandFromConstraint(vi, { kind: 'limit', max: 3 }, OperandKind.Use, OperandPos.Early), RangeError);
});

test('a MachineEnv of the wrong shape is an InvalidEnv error at allocate, not a TypeError', () => {
  const b = new FunctionBuilder();
  const e = b.block();
  b.ret(e, []);
  const func = b.build();
  const good = x86_64SystemV.env;
  const bad: unknown[] = [
    { ...good, preferredRegsByClass: [[preg(0, I)], new PRegSet(), new PRegSet()] },
    { ...good, nonPreferredRegsByClass: [new PRegSet(), new PRegSet()] },
    { ...good, scratchByClass: [null, null] },
    { ...good, scratchByClass: [999, null, null] },
    { ...good, fixedStackSlots: new PRegSet() },
    { ...good, fixedStackSlots: ['p0i'] },
    null,
  ];
  for (const env of bad) {
    assert.throws(() => checkEnvShape(env as MachineEnv), (e) => e instanceof RegAllocError && e.kind === 'InvalidEnv');
    for (const validate of [true, false]) {
      assert.throws(() => allocate(func, env as MachineEnv, { validateSsa: validate }), (e) => e instanceof RegAllocError && e.kind === 'InvalidEnv');
    }
  }
  checkEnvShape(good);
});

/** Variants of a text atom that the packers could not represent. */
function corruptAtom(s: string, rng: Rng): string {
  const picks = [
    () => s.replace(/\d+/, String(rng.choose([64, 99, 255, 2097151, 2097152, 4294967295, 1e21]))),
    () => s.replace(/\d+/, '-1'),
    () => s.replace(/\d+/, '1.5'),
    () => s.replace(/[ifv](?=$|:|\))/, rng.choose(['i', 'f', 'v', 'x'])),
    () => s.replace(/reg$|any$|stack$/, rng.choose(['reuse(40)', 'reuse(31)', 'limit(3)', 'limit(0)', 'limit(65536)', 'fixed(p0f)', 'fixed(p64i)', 'fixed(p1v)'])),
  ];
  return rng.choose(picks)();
}

function mutate(x: unknown, rng: Rng, rate: number): unknown {
  if (typeof x === 'string') return rng.chance(rate) ? corruptAtom(x, rng) : x;
  if (typeof x === 'number') return rng.chance(rate) ? rng.choose([-1, 1.5, 2 ** 31, 2 ** 53, NaN]) : x;
  if (Array.isArray(x)) return x.map((y) => mutate(y, rng, rate));
  if (x !== null && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = k === 'reference' ? v : mutate(v, rng, rate);
    return o;
  }
  return x;
}

test('the corpus reader turns unrepresentable atoms into typed errors, never a RangeError', () => {
  const rng = new Rng(12345);
  const files = corpusFiles('fuzz').slice(0, 12);
  const kinds = new Map<string, number>();
  for (const path of files) {
    const json = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'));
    for (let round = 0; round < 40; round++) {
      const mutated = mutate(json, rng, 0.02);
      try {
        const { func, env } = parseFunction(mutated);
        validateFunction(func, env);
        kinds.set('accepted', (kinds.get('accepted') ?? 0) + 1);
      } catch (e) {
        assert.ok(e instanceof RegAllocError, `${path} round ${round}: ${String(e)}`);
        kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      }
    }
  }
  assert.ok((kinds.get('Format') ?? 0) > 0, JSON.stringify([...kinds]));
  assert.ok(kinds.size >= 3, JSON.stringify([...kinds]));
});
