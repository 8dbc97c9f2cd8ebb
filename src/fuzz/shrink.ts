// Minimizes a failing function: greedily removes blocks, instructions, block
// params, operands, clobbers and constraints while the failure persists.
// Candidates that are no longer valid input are discarded by the predicate's
// caller (`stillFails` should validate first and return false on bad input).

import type { MachineEnv } from '../model/function.js';
import {
  CONSTRAINT_ANY,
  CONSTRAINT_REG,
  ConstraintKind,
  constraintReuse,
  makeOperand,
  type Operand,
  operandConstraintKind,
  operandIsFixedNonAllocatable,
  operandIsUse,
  operandPos,
  operandReuseIndex,
  operandVReg,
} from '../model/operand.js';
import { PRegSet } from '../model/regs.js';
import { type BlockData, InMemoryFunction, type FunctionData, type InstData } from '../func/in_memory.js';

export type FailurePredicate = (func: InMemoryFunction, env: MachineEnv) => boolean;

interface Mutable {
  blocks: { data: BlockData; insts: InstData[] }[];
}

function explode(d: FunctionData): Mutable {
  return {
    blocks: d.blocks.map((b) => ({ data: b, insts: d.insts.slice(b.first, b.end) })),
  };
}

function assemble(base: FunctionData, m: Mutable): InMemoryFunction {
  const insts: InstData[] = [];
  const blocks = m.blocks.map(({ data, insts: list }) => {
    const first = insts.length;
    insts.push(...list);
    return { ...data, first, end: insts.length };
  });
  return new InMemoryFunction({ ...base, blocks, insts });
}

/** Removes block `victim`, its edges and its branch args, renumbering the others. */
function removeBlock(m: Mutable, victim: number): Mutable {
  const renum = (b: number) => (b > victim ? b - 1 : b);
  const blocks = m.blocks
    .filter((_, i) => i !== victim)
    .map(({ data, insts }) => {
      const keep = data.succs.map((s) => s !== victim);
      return {
        data: {
          ...data,
          preds: data.preds.filter((p) => p !== victim).map(renum),
          succs: data.succs.filter((_, k) => keep[k]).map(renum),
          branchArgs: data.branchArgs.filter((_, k) => keep[k]),
        },
        insts,
      };
    });
  return { blocks };
}

function withOperands(inst: InstData, operands: Operand[]): InstData {
  return { op: inst.op, operands, clobbers: inst.clobbers };
}

/** Drops operand `k`, shifting reuse indices above it; undefined if a reuse names it. */
function dropOperand(ops: readonly Operand[], k: number): Operand[] | undefined {
  const out: Operand[] = [];
  for (let i = 0; i < ops.length; i++) {
    if (i === k) continue;
    let op = ops[i]!;
    if (operandConstraintKind(op) === ConstraintKind.Reuse) {
      const t = operandReuseIndex(op);
      if (t === k) return undefined;
      if (t > k) op = makeOperand(operandVReg(op), constraintReuse(t - 1), 0, operandPos(op));
    }
    out.push(op);
  }
  return out;
}

function relax(op: Operand): Operand | undefined {
  if (operandIsFixedNonAllocatable(op)) return undefined;
  const kind = operandConstraintKind(op);
  const field = kind === ConstraintKind.Reg ? CONSTRAINT_ANY : kind === ConstraintKind.Any ? undefined : CONSTRAINT_REG;
  if (field === undefined) return undefined;
  return makeOperand(operandVReg(op), field, operandIsUse(op) ? 1 : 0, operandPos(op));
}

/** Every one-step simplification of `m`, biggest first. */
function* candidates(m: Mutable): Generator<Mutable> {
  for (let b = m.blocks.length - 1; b >= 0; b--) if (m.blocks.length > 1) yield removeBlock(m, b);
  for (let b = 0; b < m.blocks.length; b++) {
    const insts = m.blocks[b]!.insts;
    for (let i = insts.length - 2; i >= 0; i--) {
      const blocks = m.blocks.slice();
      blocks[b] = { data: m.blocks[b]!.data, insts: insts.filter((_, k) => k !== i) };
      yield { blocks };
    }
  }
  for (let b = 0; b < m.blocks.length; b++) {
    const params = m.blocks[b]!.data.params;
    for (let p = params.length - 1; p >= 0; p--) {
      const blocks = m.blocks.map((blk, i) => {
        let data = blk.data;
        if (i === b) data = { ...data, params: params.filter((_, k) => k !== p) };
        if (data.succs.includes(b)) {
          data = { ...data, branchArgs: data.branchArgs.map((args, k) => (data.succs[k] === b ? args.filter((_, j) => j !== p) : args)) };
        }
        return { data, insts: blk.insts };
      });
      yield { blocks };
    }
  }
  for (let b = 0; b < m.blocks.length; b++) {
    const insts = m.blocks[b]!.insts;
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      const replace = (ni: InstData): Mutable => {
        const blocks = m.blocks.slice();
        const list = insts.slice();
        list[i] = ni;
        blocks[b] = { data: m.blocks[b]!.data, insts: list };
        return { blocks };
      };
      if (!inst.clobbers.isEmpty()) yield replace({ op: inst.op, operands: [...inst.operands], clobbers: new PRegSet() });
      for (let k = inst.operands.length - 1; k >= 0; k--) {
        const ops = dropOperand(inst.operands, k);
        if (ops) yield replace(withOperands(inst, ops));
      }
      for (let k = 0; k < inst.operands.length; k++) {
        const r = relax(inst.operands[k]!);
        if (r !== undefined) {
          const ops = [...inst.operands];
          ops[k] = r;
          yield replace(withOperands(inst, ops));
        }
      }
    }
  }
}

export interface ShrinkResult {
  func: InMemoryFunction;
  steps: number;
  tries: number;
}

/** Shrinks `func` while `stillFails` holds, within `maxTries` predicate calls. */
export function shrinkFunction(
  func: InMemoryFunction,
  env: MachineEnv,
  stillFails: FailurePredicate,
  maxTries = 20000,
): ShrinkResult {
  let best = func;
  let steps = 0;
  let tries = 0;
  let progress = true;
  while (progress && tries < maxTries) {
    progress = false;
    for (const cand of candidates(explode(best.data))) {
      if (++tries > maxTries) break;
      const f = assemble(best.data, cand);
      let fails = false;
      try {
        fails = stillFails(f, env);
      } catch {
        fails = false;
      }
      if (fails) {
        best = f;
        steps++;
        progress = true;
        break;
      }
    }
  }
  return { func: best, steps, tries };
}
