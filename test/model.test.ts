import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PRegSet,
  preg,
  pregClass,
  pregHwEnc,
  vreg,
  vregIndex,
  vregClass,
  Operand,
  operandVReg,
  operandKind,
  operandPos,
  operandConstraint,
  operandIsFixedNonAllocatable,
  operandToString,
  OperandKind,
  OperandPos,
  allocReg,
  allocStack,
  allocAsReg,
  allocAsStack,
  allocToString,
  pointBefore,
  pointAfter,
  pointToString,
  RegClass,
  VREG_MAX_INDEX,
  emptyStats,
  outputWithPackedEdits,
} from '../src/model/index.js';

test('PReg and VReg pack class and index', () => {
  const p = preg(17, RegClass.Float);
  assert.equal(pregHwEnc(p), 17);
  assert.equal(pregClass(p), RegClass.Float);
  const v = vreg(VREG_MAX_INDEX - 1, RegClass.Vector);
  assert.equal(vregIndex(v), VREG_MAX_INDEX - 1);
  assert.equal(vregClass(v), RegClass.Vector);
});

test('PRegSet iterates in ascending index order and counts', () => {
  const s = PRegSet.of([preg(40, 1), preg(3, 0), preg(63, 2), preg(0, 1)]);
  assert.deepEqual(s.toArray(), [preg(3, 0), preg(0, 1), preg(40, 1), preg(63, 2)]);
  assert.equal(s.size, 4);
  assert.equal(s.maxPReg(), preg(63, 2));
  assert.ok(s.contains(preg(40, 1)));
  s.remove(preg(40, 1));
  assert.ok(!s.contains(preg(40, 1)));
  assert.ok(s.isEmptyClass(RegClass.Vector) === false);
  assert.ok(PRegSet.empty().isEmptyClass(RegClass.Int));
});

test('PRegSet.nextFrom walks the members in order, across words, without allocating', () => {
  const members = [preg(0, 0), preg(31, 0), preg(32, 0), preg(5, 1), preg(63, 2)];
  const s = PRegSet.of(members);
  const seen: number[] = [];
  for (let p = s.nextFrom(0); p >= 0; p = s.nextFrom(p + 1)) seen.push(p);
  assert.deepEqual(seen, s.toArray());
  assert.equal(s.nextFrom(preg(32, 0) + 1), preg(5, 1));
  assert.equal(s.nextFrom(preg(63, 2) + 1), -1);
  assert.equal(PRegSet.empty().nextFrom(0), -1);
});

test('operands round-trip every field', () => {
  const v = vreg(123456, RegClass.Float);
  const cases: [number, string][] = [
    [Operand.regUse(v), 'v123456f:use:early:reg'],
    [Operand.regDef(v), 'v123456f:def:late:reg'],
    [Operand.regFixedUseAtEnd(v, preg(63, 1)), 'v123456f:use:late:fixed(p63f)'],
    [Operand.regReuseDef(v, 31), 'v123456f:def:late:reuse(31)'],
    [Operand.limitUse(v, 64), 'v123456f:use:early:limit(64)'],
    [Operand.stackDef(v), 'v123456f:def:late:stack'],
    [Operand.anyUse(v), 'v123456f:use:early:any'],
  ];
  for (const [op, text] of cases) {
    assert.equal(operandToString(op), text);
    assert.equal(operandVReg(op), v);
    assert.ok(op >= 0 && op <= 0xffffffff);
  }
  assert.equal(operandKind(Operand.regTemp(v)), OperandKind.Def);
  assert.equal(operandPos(Operand.regTemp(v)), OperandPos.Early);
  assert.deepEqual(operandConstraint(Operand.limitDef(v, 8)), { kind: 'limit', max: 8 });
  const fna = Operand.fixedNonAllocatable(preg(31, 0));
  assert.ok(operandIsFixedNonAllocatable(fna));
  assert.ok(!operandIsFixedNonAllocatable(Operand.regFixedUse(v, preg(31, 1))));
  assert.equal(operandToString(fna), 'fixed-nonalloc:p31i');
});

test('allocations and program points', () => {
  assert.equal(allocAsReg(allocReg(preg(5, 2))), preg(5, 2));
  assert.equal(allocAsStack(allocStack(77)), 77);
  assert.equal(allocAsReg(allocStack(77)), undefined);
  assert.equal(allocToString(allocStack(4)), 'stack4');
  assert.equal(allocToString(0), 'none');
  assert.ok(allocStack((1 << 28) - 1) < 2 ** 30);
  assert.ok(pointBefore(3) < pointAfter(3) && pointAfter(3) < pointBefore(4));
  assert.equal(pointToString(pointAfter(17)), '17:after');
});

test('allocator outputs: edit objects made on first read from the packed triples; spread and assignment work', () => {
  const packed = Int32Array.from([2, allocReg(preg(1, 0)), allocStack(0), 5, allocStack(0), allocReg(preg(2, 0))]);
  const out = outputWithPackedEdits({ numSpillslots: 1, allocs: new Int32Array(0), instAllocOffsets: new Uint32Array(0), debugLocations: [], stats: emptyStats() }, packed);
  assert.equal(out.packedEdits, packed);
  const first = out.edits;
  assert.deepEqual(first, [
    { point: 2, from: allocReg(preg(1, 0)), to: allocStack(0) },
    { point: 5, from: allocStack(0), to: allocReg(preg(2, 0)) },
  ]);
  assert.equal(out.edits, first, 'built once');
  const copy = { ...out, edits: out.edits.slice(1) };
  assert.equal(copy.edits.length, 1);
  assert.equal(out.edits.length, 2);
  out.edits = [];
  assert.equal(out.edits.length, 0);
});

