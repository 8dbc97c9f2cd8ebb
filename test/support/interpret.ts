// A concrete interpreter for allocated programs, independent of the checker:
// it runs the function along random paths with real values in registers and
// spill slots, and reports the first use that reads a wrong value or the first
// constraint that does not hold. Tests use it to decide whether a corrupted
// output changes the program's meaning.

import { type Allocation, allocIsReg, allocIsStack, ALLOC_NONE } from '../../src/model/allocation.js';
import type { Function, MachineEnv, Output } from '../../src/model/function.js';
import {
  ConstraintKind,
  operandConstraintKind,
  operandFixedReg,
  operandIsDef,
  operandIsFixedNonAllocatable,
  operandIsUse,
  operandLimit,
  operandPos,
  operandReuseIndex,
  operandVReg,
} from '../../src/model/operand.js';
import { PRegSet } from '../../src/model/regs.js';
import { Rng } from '../../src/fuzz/rng.js';

export interface Fault {
  inst: number;
  what: string;
}

/** Runs `paths` random paths of up to `maxInsts` instructions; returns the first fault. */
export function interpret(
  f: Function,
  env: MachineEnv,
  out: Output,
  seed: number,
  paths = 4,
  maxInsts = 4000,
): Fault | null {
  const stackPregs = PRegSet.of(env.fixedStackSlots);
  const isStack = (a: Allocation) => allocIsStack(a) || (allocIsReg(a) && stackPregs.contains(a & 0xfffffff));
  // Edits grouped by the instruction they precede (after(i) edits precede i+1).
  const editsBefore: number[][] = Array.from({ length: f.numInsts() + 1 }, () => []);
  out.edits.forEach((e, k) => editsBefore[(e.point + 1) >> 1]!.push(k));
  const allocsOf = (i: number) =>
    out.allocs.slice(out.instAllocOffsets[i]!, i + 1 < out.instAllocOffsets.length ? out.instAllocOffsets[i + 1]! : out.allocs.length);

  for (let p = 0; p < paths; p++) {
    const rng = new Rng(seed * 7919 + p);
    const mem = new Map<Allocation, number>();
    const logical = new Map<number, number>(); // vreg → its current value
    let fresh = 1;
    let block = f.entryBlock();
    let steps = 0;
    for (;;) {
      const { first, end } = f.blockInsns(block);
      for (let i = first; i < end; i++) {
        if (++steps > maxInsts) break;
        for (const k of editsBefore[i]!) {
          const e = out.edits[k]!;
          if (isStack(e.from) && isStack(e.to)) return { inst: i, what: 'stack-to-stack move' };
          const v = mem.get(e.from);
          if (v === undefined) mem.delete(e.to);
          else mem.set(e.to, v);
        }
        const ops = f.instOperands(i);
        const allocs = allocsOf(i);
        if (allocs.length !== ops.length) return { inst: i, what: 'allocation count' };
        // Constraints.
        for (let k = 0; k < ops.length; k++) {
          const op = ops[k]!;
          const a = allocs[k]!;
          if (a === ALLOC_NONE) return { inst: i, what: `operand ${k} unallocated` };
          switch (operandConstraintKind(op)) {
            case ConstraintKind.Reg:
              if (!allocIsReg(a) || isStack(a)) return { inst: i, what: `operand ${k} not in a register` };
              break;
            case ConstraintKind.Stack:
              if (!isStack(a)) return { inst: i, what: `operand ${k} not on the stack` };
              break;
            case ConstraintKind.FixedReg:
              if (a !== ((1 << 28) | operandFixedReg(op))) return { inst: i, what: `operand ${k} not in its fixed register` };
              break;
            case ConstraintKind.Reuse:
              if (a !== allocs[operandReuseIndex(op)]) return { inst: i, what: `operand ${k} does not reuse its input` };
              break;
            case ConstraintKind.Limit:
              if (!allocIsReg(a) || (a & 63) >= operandLimit(op)) return { inst: i, what: `operand ${k} outside its limit` };
              break;
          }
        }
        const read = (pos: number): Fault | null => {
          for (let k = 0; k < ops.length; k++) {
            const op = ops[k]!;
            if (!operandIsUse(op) || operandIsFixedNonAllocatable(op) || operandPos(op) !== pos) continue;
            const want = logical.get(operandVReg(op));
            const got = mem.get(allocs[k]!);
            if (want === undefined || got !== want) return { inst: i, what: `operand ${k} reads a wrong value` };
          }
          return null;
        };
        const write = (pos: number) => {
          for (let k = 0; k < ops.length; k++) {
            const op = ops[k]!;
            if (!operandIsDef(op)) continue;
            const early = operandPos(op) === 0 || operandConstraintKind(op) === ConstraintKind.Reuse;
            if ((pos === 0) !== early) continue;
            const val = fresh++;
            logical.set(operandVReg(op), val);
            mem.set(allocs[k]!, val);
          }
        };
        const hasReuse = Array.prototype.some.call(ops, (op: number) => operandConstraintKind(op) === ConstraintKind.Reuse);
        let fault = read(0);
        if (fault) return fault;
        write(0);
        if (!hasReuse) {
          fault = read(1);
          if (fault) return fault;
        }
        for (const c of f.instClobbers(i)) mem.delete((1 << 28) | c);
        write(1);
      }
      if (steps > maxInsts) break;
      const last = end - 1;
      const succs = f.blockSuccs(block);
      if (f.isRet(last) || succs.length === 0) break;
      const k = rng.int(0, succs.length - 1);
      const succ = succs[k]!;
      const args = f.branchBlockparams(block, last, k);
      const params = f.blockParams(succ);
      const vals = Array.from(args, (a) => logical.get(a));
      Array.prototype.forEach.call(params, (pv: number, j: number) => {
        const v = vals[j];
        if (v === undefined) logical.delete(pv);
        else logical.set(pv, v);
      });
      block = succ;
    }
  }
  return null;
}
