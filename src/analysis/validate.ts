// Input validation: everything an allocator relies on, checked up front so
// that bad input gets a typed error naming its place instead of a crash or a
// silently wrong allocation. Order: env, block structure, operands, CFG rules
// (critical edges, branch args), then SSA — the last two as regalloc2 does.

import { RegAllocError } from '../model/errors.js';
import type { Function, MachineEnv } from '../model/function.js';
import {
  ConstraintKind,
  type Operand,
  operandClass,
  operandConstraintKind,
  operandFixedReg,
  operandIsDef,
  operandIsFixedNonAllocatable,
  operandIsUse,
  operandLimit,
  operandPos,
  operandReuseIndex,
  operandToString,
  operandVReg,
} from '../model/operand.js';
import { NUM_REG_CLASSES, PRegSet, pregToString, type VReg, VREG_MAX_INDEX, vregIndex, vregToString } from '../model/regs.js';
import { CFGInfo } from './cfg.js';
import { validateSsa } from './ssa.js';

/** regalloc2 numbers operands with 16 bits. */
export const MAX_OPERANDS_PER_INST = 0xffff;

/** Registers the allocator may hand out, per class. */
function allocatable(env: MachineEnv): PRegSet {
  const s = new PRegSet();
  for (let c = 0; c < NUM_REG_CLASSES; c++) {
    s.unionFrom(env.preferredRegsByClass[c]!).unionFrom(env.nonPreferredRegsByClass[c]!);
  }
  return s;
}

export function validateEnv(env: MachineEnv): void {
  for (let c = 0; c < NUM_REG_CLASSES; c++) {
    for (const set of [env.preferredRegsByClass[c]!, env.nonPreferredRegsByClass[c]!]) {
      for (const p of set) {
        if (p >> 6 !== c) {
          throw new RegAllocError('InvalidEnv', `env: ${pregToString(p)} is listed under another class`);
        }
      }
    }
    const both = env.preferredRegsByClass[c]!.clone().intersectFrom(env.nonPreferredRegsByClass[c]!);
    if (!both.isEmpty()) {
      throw new RegAllocError('InvalidEnv', `env: ${both} are both preferred and non-preferred`);
    }
  }
  const alloc = allocatable(env);
  env.scratchByClass.forEach((s, c) => {
    if (s === null) return;
    if (s >> 6 !== c) throw new RegAllocError('InvalidEnv', `env: scratch ${pregToString(s)} is of another class`);
    if (alloc.contains(s)) {
      throw new RegAllocError('InvalidEnv', `env: scratch register ${pregToString(s)} is also allocatable`);
    }
  });
  for (const p of env.fixedStackSlots) {
    if (alloc.contains(p)) {
      throw new RegAllocError('InvalidEnv', `env: fixed stack slot ${pregToString(p)} is also allocatable`);
    }
  }
}

function structureError(message: string, place: { block?: number; inst?: number } = {}): RegAllocError {
  return new RegAllocError('InvalidStructure', message, place);
}

/** Block ranges, edges and counts: what must hold before any analysis runs. */
export function validateStructure(f: Function): void {
  const nb = f.numBlocks();
  const ni = f.numInsts();
  if (nb === 0) throw structureError('the function has no blocks');
  const entry = f.entryBlock();
  if (!(entry < nb)) throw new RegAllocError('BB', `entry block ${entry} does not exist`, { block: entry });
  if (f.numVregs() > VREG_MAX_INDEX) {
    throw structureError(`num_vregs ${f.numVregs()} exceeds the limit ${VREG_MAX_INDEX}`);
  }
  let expect = 0;
  for (let b = 0; b < nb; b++) {
    const r = f.blockInsns(b);
    if (r.first !== expect) {
      throw structureError(`block ${b} starts at inst ${r.first}, expected ${expect} (blocks must be consecutive)`, {
        block: b,
      });
    }
    if (r.end <= r.first) throw new RegAllocError('BB', `block ${b} has no instructions`, { block: b });
    expect = r.end;
  }
  if (expect !== ni) throw structureError(`blocks cover ${expect} instructions, the function has ${ni}`);
  for (let b = 0; b < nb; b++) {
    const succs = f.blockSuccs(b);
    const preds = f.blockPreds(b);
    for (let k = 0; k < succs.length; k++) {
      const s = succs[k]!;
      if (!(s < nb)) throw structureError(`block ${b}: successor ${s} does not exist`, { block: b });
      if (!Array.prototype.includes.call(f.blockPreds(s), b)) {
        throw structureError(`block ${b} lists ${s} as a successor, but ${s} does not list ${b} as a predecessor`, {
          block: b,
        });
      }
    }
    for (let k = 0; k < preds.length; k++) {
      const p = preds[k]!;
      if (!(p < nb)) throw structureError(`block ${b}: predecessor ${p} does not exist`, { block: b });
      if (!Array.prototype.includes.call(f.blockSuccs(p), b)) {
        throw structureError(`block ${b} lists ${p} as a predecessor, but ${p} does not list ${b} as a successor`, {
          block: b,
        });
      }
    }
  }
}

function checkVReg(f: Function, v: VReg, where: string, place: { block?: number; inst?: number; operand?: number }) {
  if (vregIndex(v) >= f.numVregs()) {
    throw new RegAllocError(
      'VRegOutOfRange',
      `${where}: ${vregToString(v)} is not below num_vregs (${f.numVregs()})`,
      { ...place, vreg: v },
    );
  }
}

/**
 * Two operands fixed to the same register at overlapping points of one
 * instruction hold different values there, unless both are uses of the same
 * vreg at the same point. An early use occupies the early point, a late def
 * the late point, an early def or a late use both (so, as in regalloc2's
 * generator, one register cannot serve both an early and a late use).
 */
function checkFixedOverlaps(block: number, inst: number, ops: ArrayLike<Operand>): void {
  for (let k = 0; k < ops.length; k++) {
    const a = ops[k]!;
    if (operandConstraintKind(a) !== ConstraintKind.FixedReg) continue;
    for (let j = k + 1; j < ops.length; j++) {
      const b = ops[j]!;
      if (operandConstraintKind(b) !== ConstraintKind.FixedReg || operandFixedReg(a) !== operandFixedReg(b)) continue;
      if (operandIsFixedNonAllocatable(a) || operandIsFixedNonAllocatable(b)) continue;
      if (operandIsUse(a) && operandIsUse(b) && operandVReg(a) === operandVReg(b) && operandPos(a) === operandPos(b)) continue;
      const span = (op: Operand) => {
        const early = operandPos(op) === 0;
        if (operandIsUse(op)) return early ? 1 : 3;
        return early ? 3 : 2;
      };
      if ((span(a) & span(b)) !== 0) {
        throw new RegAllocError(
          'InvalidFixedReg',
          `block ${block} inst ${inst}: operands ${k} (${operandToString(a)}) and ${j} (${operandToString(b)}) need ${pregToString(operandFixedReg(a))} at the same point`,
          { block, inst, operand: j, vreg: operandVReg(b) },
        );
      }
    }
  }
}

/**
 * A `stack` use must be the only use of its vreg at its program point (as
 * regalloc2 requires: it cannot copy a value into a stack location beside
 * another use). Early uses count at the late point when the instruction
 * reuses an input of another vreg, as in live-range construction.
 */
function checkStackUses(block: number, inst: number, ops: ArrayLike<Operand>): void {
  let reused = -1;
  for (let k = 0; k < ops.length; k++) {
    if (operandConstraintKind(ops[k]!) === ConstraintKind.Reuse) {
      const t = ops[operandReuseIndex(ops[k]!)];
      if (t !== undefined) reused = operandVReg(t);
      break;
    }
  }
  const point = (op: Operand) => (operandPos(op) === 1 || (reused !== -1 && operandVReg(op) !== reused) ? 1 : 0);
  for (let k = 0; k < ops.length; k++) {
    const a = ops[k]!;
    if (!operandIsUse(a) || operandIsFixedNonAllocatable(a) || operandConstraintKind(a) !== ConstraintKind.Stack) continue;
    for (let j = 0; j < ops.length; j++) {
      const b = ops[j]!;
      if (j === k || !operandIsUse(b) || operandIsFixedNonAllocatable(b)) continue;
      if (operandVReg(b) === operandVReg(a) && point(b) === point(a)) {
        throw new RegAllocError(
          'InvalidOperand',
          `block ${block} inst ${inst}: operand ${k} (${operandToString(a)}) is a stack use, but operand ${j} uses the same vreg at the same point`,
          { block, inst, operand: k, vreg: operandVReg(a) },
        );
      }
    }
  }
}

/** Operands, clobbers, block params and branch args of every instruction. */
export function validateOperands(f: Function, env: MachineEnv): void {
  const alloc = allocatable(env);
  const fixedOk = alloc.clone();
  for (const p of env.fixedStackSlots) fixedOk.add(p);
  const nb = f.numBlocks();
  for (let b = 0; b < nb; b++) {
    const params = f.blockParams(b);
    for (let k = 0; k < params.length; k++) checkVReg(f, params[k]!, `block ${b} param ${k}`, { block: b });
    const r = f.blockInsns(b);
    const last = r.end - 1;
    const succs = f.blockSuccs(b);
    for (let k = 0; k < succs.length; k++) {
      const args = f.branchBlockparams(b, last, k);
      for (let a = 0; a < args.length; a++) {
        checkVReg(f, args[a]!, `block ${b} branch inst ${last}, arg ${a} to block ${succs[k]}`, {
          block: b,
          inst: last,
        });
      }
    }
    for (let i = r.first; i < r.end; i++) {
      const ops = f.instOperands(i);
      if (ops.length > MAX_OPERANDS_PER_INST) {
        throw new RegAllocError('TooManyOperands', `inst ${i} (block ${b}) has ${ops.length} operands`, {
          block: b,
          inst: i,
        });
      }
      const clobbers = f.instClobbers(i);
      checkFixedOverlaps(b, i, ops);
      checkStackUses(b, i, ops);
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        const place = { block: b, inst: i, operand: k };
        const where = `block ${b} inst ${i} operand ${k} (${operandToString(op)})`;
        if (operandIsFixedNonAllocatable(op)) {
          if (operandIsDef(op)) {
            throw new RegAllocError('InvalidOperand', `${where}: a fixed non-allocatable operand must be a use`, place);
          }
          continue;
        }
        const v = operandVReg(op);
        checkVReg(f, v, where, place);
        switch (operandConstraintKind(op)) {
          case ConstraintKind.Reuse: {
            const t = operandReuseIndex(op);
            const target = ops[t];
            const why =
              !operandIsDef(op)
                ? 'only a def may reuse an input'
                : target === undefined
                  ? `operand ${t} does not exist (the instruction has ${ops.length})`
                  : !operandIsUse(target) || operandIsFixedNonAllocatable(target)
                    ? `operand ${t} is not a use`
                    : operandClass(target) !== operandClass(op)
                      ? `operand ${t} is of another class`
                      : operandConstraintKind(target) === ConstraintKind.Reuse
                        ? `operand ${t} is itself a reuse`
                        : operandConstraintKind(target) === ConstraintKind.Stack
                          ? `operand ${t} must be on the stack, but a reused input is in a register`
                          : undefined;
            if (why !== undefined) {
              throw new RegAllocError('InvalidReuse', `${where}: reuse(${t}): ${why}`, { ...place, vreg: v });
            }
            break;
          }
          case ConstraintKind.FixedReg: {
            const p = operandFixedReg(op);
            if (!fixedOk.contains(p)) {
              throw new RegAllocError(
                'InvalidFixedReg',
                `${where}: ${pregToString(p)} is neither allocatable nor a fixed stack slot in the env`,
                { ...place, vreg: v },
              );
            }
            if (clobbers.contains(p) && (operandIsDef(op) || operandPos(op) === 1)) {
              throw new RegAllocError(
                'ClobberDefConflict',
                `${where}: ${pregToString(p)} is also clobbered by the instruction`,
                { ...place, vreg: v },
              );
            }
            break;
          }
          default:
            break;
        }
      }
    }
  }
  for (const [v, from, to] of f.debugValueLabels()) {
    checkVReg(f, v, `debug value label [${from}, ${to})`, {});
  }
}

/**
 * Constraints the env cannot satisfy: a `reg` operand of a class with no
 * allocatable register, a `limit(n)` with no allocatable register below n.
 */
export function validateSatisfiable(f: Function, env: MachineEnv): void {
  const hasClass = [0, 1, 2].map(
    (c) => !env.preferredRegsByClass[c]!.isEmpty() || !env.nonPreferredRegsByClass[c]!.isEmpty(),
  );
  // Lowest allocatable hw_enc per class, for limit(n).
  const lowest = [64, 64, 64];
  for (const p of allocatable(env)) lowest[p >> 6] = Math.min(lowest[p >> 6]!, p & 63);
  const ni = f.numInsts();
  for (let i = 0; i < ni; i++) {
    const ops = f.instOperands(i);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (operandIsFixedNonAllocatable(op)) continue;
      const kind = operandConstraintKind(op);
      const c = operandClass(op);
      const place = { inst: i, operand: k, vreg: operandVReg(op) };
      if (kind === ConstraintKind.Reg && !hasClass[c]) {
        throw new RegAllocError(
          'InvalidOperand',
          `inst ${i} operand ${k} (${operandToString(op)}): the env has no register of its class`,
          place,
        );
      }
      if (kind === ConstraintKind.Limit && !(lowest[c]! < operandLimit(op))) {
        throw new RegAllocError(
          'InvalidLimit',
          `inst ${i} operand ${k} (${operandToString(op)}): no allocatable register of its class has hw_enc below ${operandLimit(op)}`,
          place,
        );
      }
    }
  }
}

/**
 * Validates `f` under `env`, throwing the first problem as a typed
 * `RegAllocError`. Returns the CFG analyses for reuse by the caller.
 */
export function validateFunction(f: Function, env: MachineEnv): CFGInfo {
  validateEnv(env);
  validateStructure(f);
  validateOperands(f, env);
  const cfg = CFGInfo.compute(f);
  validateSsa(f, cfg);
  validateSatisfiable(f, env);
  return cfg;
}
