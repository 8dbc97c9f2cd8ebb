// Type-level test, compiled by `npm run typecheck` (never run): each
// `@ts-expect-error` line must fail to compile, so a mix-up of the branded
// id types is a compile error. A plain number is accepted where an id is
// expected (the brand is optional, so arithmetic and typed arrays need no
// casts); a value of ANOTHER id type is rejected.

import {
  type Allocation,
  allocReg,
  allocStack,
  allocToString,
  type Block,
  FunctionBuilder,
  type Inst,
  Operand,
  type PReg,
  preg,
  pointBefore,
  pointToString,
  type ProgPoint,
  pregToString,
  RegClass,
  type VReg,
  vregToString,
  x86_64SystemV,
} from '../src/index.js';

const b = new FunctionBuilder();
const block: Block = b.block();
const v: VReg = b.vreg(RegClass.Int);
const rax: PReg = preg(0, RegClass.Int);
const inst: Inst = b.inst(block, [Operand.regFixedDef(v, rax)]);
const alloc: Allocation = allocReg(rax);
const point: ProgPoint = pointBefore(inst);

// The right types compile.
Operand.regFixedUse(v, rax);
pregToString(rax, x86_64SystemV);
vregToString(v);
allocToString(alloc);
pointToString(point);
x86_64SystemV.regName(rax);
allocStack(3);

// @ts-expect-error a VReg where a PReg is expected
Operand.regFixedUse(v, v);
// @ts-expect-error a PReg where a VReg is expected
Operand.regUse(rax);
// @ts-expect-error a VReg is not a register to name
x86_64SystemV.regName(v);
// @ts-expect-error a PReg is not a vreg
vregToString(rax);
// @ts-expect-error a VReg is not an allocation
allocToString(v);
// @ts-expect-error an allocation is not a register
pregToString(alloc);
// @ts-expect-error an Inst is not a Block
b.inst(inst, []);
// @ts-expect-error a Block is not an Inst
pointBefore(block);
// @ts-expect-error a ProgPoint is not an Inst
pointBefore(point);
// @ts-expect-error an Operand is not a VReg
b.blockParam(block, Operand.regUse(v));
// @ts-expect-error a VReg list is not a block's successor
b.branch(block, [{ block: v }]);
// @ts-expect-error an allocation is not a program point
pointToString(alloc);
