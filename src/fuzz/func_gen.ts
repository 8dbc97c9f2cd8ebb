// Random valid SSA functions with split critical edges, following regalloc2's
// fuzz generator (`fuzzing/func.rs`): a spine of blocks with forks whose
// right arms jump back or forward to a spine block, vregs per block (some
// as block params), one def per instruction plus uses of dominating values,
// and optionally reuse, fixed-register, clobber, call-site-like and fixed
// non-allocatable constraints. Beyond it, options add what its generator
// never makes: `stack` and `limit(n)` constraints, late uses, early defs
// beside reuses, and a dedicated scratch register per class in the env.

import { computeDomtree, computePostorder, BLOCK_INVALID } from '../analysis/cfg.js';
import type { MachineEnv } from '../model/function.js';
import {
  CONSTRAINT_ANY,
  CONSTRAINT_REG,
  CONSTRAINT_STACK,
  ConstraintKind,
  constraintFixed,
  constraintLimit,
  constraintReuse,
  fixedNonAllocatable,
  makeOperand,
  type Operand,
  operandClass,
  operandConstraintKind,
  operandFixedReg,
  operandIsDef,
  operandIsUse,
  operandPos,
  operandVReg,
} from '../model/operand.js';
import { type PReg, PRegSet, preg, type RegClass, type VReg, vreg } from '../model/regs.js';
import { type BlockData, InMemoryFunction, type InstData } from '../func/in_memory.js';
import { NoChoice, type Rng } from './rng.js';

export interface GenOptions {
  reusedInputs: boolean;
  fixedRegs: boolean;
  fixedNonallocatable: boolean;
  clobbers: boolean;
  callsiteIshConstraints: boolean;
  numBlocks: [number, number];
  numVregsPerBlock: [number, number];
  numUsesPerInst: [number, number];
  numCallsiteIshVregsPerInst: [number, number];
  numClobbersPerInst: [number, number];
  // Beyond regalloc2's generator:
  /** Probability that an `any`/`reg` operand becomes `stack`. */
  stackConstraints: number;
  /** Probability that an `any`/`reg` operand becomes `limit(8)` or `limit(16)`. */
  limitConstraints: number;
  /** Probability that a use is at the late point. */
  lateUses: number;
  /** Give the env a dedicated scratch register per class. */
  scratchRegs: boolean;
}

export const DEFAULT_OPTIONS: GenOptions = {
  reusedInputs: false,
  fixedRegs: false,
  fixedNonallocatable: false,
  clobbers: false,
  callsiteIshConstraints: false,
  numBlocks: [1, 100],
  numVregsPerBlock: [5, 15],
  numUsesPerInst: [0, 10],
  numCallsiteIshVregsPerInst: [0, 20],
  numClobbersPerInst: [0, 10],
  stackConstraints: 0,
  limitConstraints: 0,
  lateUses: 0,
  scratchRegs: false,
};

export type FuzzSize = 'small' | 'medium' | 'large';

export const SIZE_RANGES: Record<FuzzSize, Pick<GenOptions, 'numBlocks' | 'numVregsPerBlock'>> = {
  small: { numBlocks: [1, 8], numVregsPerBlock: [2, 8] },
  medium: { numBlocks: [1, 100], numVregsPerBlock: [5, 15] },
  large: { numBlocks: [100, 400], numVregsPerBlock: [5, 20] },
};

/** Random options, every mix of regalloc2's flags plus ours. */
export function randomOptions(rng: Rng, size: FuzzSize, extended = true): GenOptions {
  const o: GenOptions = {
    ...DEFAULT_OPTIONS,
    ...SIZE_RANGES[size],
    reusedInputs: rng.bool(),
    fixedRegs: rng.bool(),
    fixedNonallocatable: rng.bool(),
    clobbers: rng.bool(),
    callsiteIshConstraints: rng.bool(),
  };
  if (extended) {
    o.stackConstraints = rng.chance(0.3) ? 0.1 : 0;
    o.limitConstraints = rng.chance(0.3) ? 0.1 : 0;
    o.lateUses = rng.chance(0.3) ? 0.2 : 0;
    o.scratchRegs = rng.chance(0.3);
  }
  return o;
}

/** regalloc2's fuzzing env: p0–p23 preferred, p24–p31 not, p32–p62 fixed stack slots, p63 non-allocatable. */
export function fuzzMachineEnv(scratch = false): MachineEnv {
  const range = (from: number, to: number, c: RegClass) =>
    PRegSet.of(Array.from({ length: to - from }, (_, i) => preg(from + i, c)));
  const np = scratch ? 31 : 32;
  const fixedStackSlots: PReg[] = [];
  for (let i = 32; i < 63; i++) fixedStackSlots.push(preg(i, 0), preg(i, 1), preg(i, 2));
  return {
    preferredRegsByClass: [range(0, 24, 0), range(0, 24, 1), range(0, 24, 2)],
    nonPreferredRegsByClass: [range(24, np, 0), range(24, np, 1), range(24, np, 2)],
    scratchByClass: scratch ? [preg(31, 0), preg(31, 1), preg(31, 2)] : [null, null, null],
    fixedStackSlots,
  };
}

const CLASSES: readonly RegClass[] = [0, 1, 2];

function chooseDominating(idom: Uint32Array, block: number, allowSelf: boolean, rng: Rng): number {
  const orig = block;
  for (;;) {
    if ((allowSelf || block !== orig) && rng.bool()) break;
    if (idom[block] === BLOCK_INVALID) break;
    block = idom[block]!;
  }
  return block !== orig || allowSelf ? block : BLOCK_INVALID;
}

function baseConstraint(rng: Rng, o: GenOptions): number {
  const c = rng.bool() ? CONSTRAINT_REG : CONSTRAINT_ANY;
  if (o.stackConstraints > 0 && rng.chance(o.stackConstraints)) return CONSTRAINT_STACK;
  if (o.limitConstraints > 0 && rng.chance(o.limitConstraints)) return constraintLimit(rng.bool() ? 8 : 16);
  return c;
}

function withConstraint(op: Operand, field: number, pos = operandPos(op)): Operand {
  return makeOperand(operandVReg(op), field, operandIsUse(op) ? 1 : 0, pos);
}

/**
 * A random function under `o`, or `null` when a random choice had nothing to
 * choose from (regalloc2's generator then skips the input too).
 */
export function generateFunction(rng: Rng, o: GenOptions): InMemoryFunction | null {
  try {
    return generate(rng, o);
  } catch (e) {
    if (e instanceof NoChoice) return null;
    throw e;
  }
}

function generate(rng: Rng, o: GenOptions): InMemoryFunction {
  const numBlocks = rng.int(o.numBlocks[0], o.numBlocks[1]);
  const succs: number[][] = Array.from({ length: numBlocks }, () => []);
  const preds: number[][] = Array.from({ length: numBlocks }, () => []);
  const edge = (a: number, b: number) => {
    succs[a]!.push(b);
    preds[b]!.push(a);
  };
  let from = 0;
  const outBlocks: number[] = [];
  const inBlocks: number[] = [];
  while (from < numBlocks) {
    inBlocks.push(from);
    if (numBlocks > 3 && from < numBlocks - 3 && rng.bool()) {
      edge(from, from + 1);
      edge(from, from + 2);
      edge(from + 2, from + 3);
      outBlocks.push(from + 1);
      from += 2;
    } else if (from < numBlocks - 1) {
      edge(from, from + 1);
    }
    from++;
  }
  for (const p of outBlocks) edge(p, rng.choose(inBlocks));
  const postorder = computePostorder(numBlocks, 0, (b) => succs[b]!);
  const idom = computeDomtree(numBlocks, (b) => preds[b]!, postorder, 0);

  let numVregs = 0;
  const allocVreg = () => vreg(numVregs++, rng.choose(CLASSES));
  const labels: [VReg, number, number, number][] = [];
  const vregsByBlock: VReg[][] = [];
  const toDefine: VReg[][] = [];
  const params: VReg[][] = Array.from({ length: numBlocks }, () => []);
  for (let b = 0; b < numBlocks; b++) {
    const vregs: VReg[] = [];
    const n = rng.int(o.numVregsPerBlock[0], o.numVregsPerBlock[1]);
    for (let i = 0; i < n; i++) {
      const v = allocVreg();
      vregs.push(v);
      if (rng.bool()) {
        const assumedEnd = 10 * numBlocks;
        let start = rng.int(0, assumedEnd);
        for (let k = 0; k < 10 && start < assumedEnd; k++) {
          const end = rng.int(start, assumedEnd);
          labels.push([v, start, end, rng.int(0, 100)]);
          start = end;
        }
      }
    }
    vregsByBlock.push(vregs);
    const defs: VReg[] = [];
    let maxParams = rng.int(0, Math.min(3, Math.floor(vregs.length / 3)));
    for (const v of vregs) {
      if (b > 0 && rng.bool() && maxParams > 0) {
        params[b]!.push(v);
        maxParams--;
      } else {
        defs.push(v);
      }
    }
    defs.reverse();
    toDefine.push(defs);
  }

  const instsByBlock: InstData[][] = [];
  const branchArgs: VReg[][][] = [];
  for (let b = 0; b < numBlocks; b++) {
    const insts: InstData[] = [];
    const avail = [...params[b]!];
    let nonlocal = rng.int(0, 3);
    for (let v = toDefine[b]!.pop(); v !== undefined; v = toDefine[b]!.pop()) {
      const operands: Operand[] = [makeOperand(v, baseConstraint(rng, o), 0, rng.bool() ? 1 : 0)];
      const nUses = rng.int(o.numUsesPerInst[0], o.numUsesPerInst[1]);
      for (let k = 0; k < nUses; k++) {
        let u: VReg;
        if (avail.length > 0 && (nonlocal === 0 || rng.bool())) {
          u = rng.choose(avail);
        } else {
          const db = chooseDominating(idom, b, false, rng);
          if (db === BLOCK_INVALID) break;
          nonlocal--;
          u = rng.choose(vregsByBlock[db]!);
        }
        const late = o.lateUses > 0 && rng.chance(o.lateUses);
        operands.push(makeOperand(u, baseConstraint(rng, o), 1, late ? 1 : 0));
      }
      const clobbers: PReg[] = [];
      if (operands.length > 1 && o.reusedInputs && rng.bool()) {
        const reused = rng.int(1, operands.length - 1);
        if (operandClass(operands[0]!) === operandClass(operands[reused]!)) {
          // Early defs beside the reuse only when late uses are in play too.
          operands[0] = withConstraint(operands[0]!, constraintReuse(reused), 1);
          operands[reused] = withConstraint(operands[reused]!, CONSTRAINT_REG, 0);
        }
      } else if (o.fixedRegs && rng.bool()) {
        const fixedEarly: PReg[] = [];
        const fixedLate: PReg[] = [];
        const n = rng.int(0, operands.length - 1);
        for (let k = 0; k < n; k++) {
          const i = rng.int(0, operands.length - 1);
          const op = operands[i]!;
          let hw = rng.int(0, 62);
          if (o.scratchRegs && hw === 31) hw = 30; // the scratch register is never named
          const p = preg(hw, operandClass(op));
          const pos = operandPos(op);
          if (operandIsDef(op) && pos === 0 && fixedLate.includes(p)) continue;
          if (operandIsUse(op) && pos === 1 && fixedEarly.includes(p)) continue;
          const list = pos === 0 ? fixedEarly : fixedLate;
          if (list.includes(p)) continue;
          const cand = withConstraint(op, constraintFixed(p & 63));
          // With late uses in play, also keep operands of other vregs off the register where they overlap.
          if (operands.some((o, j) => j !== i && fixedOverlap(o, cand))) continue;
          list.push(p);
          operands[i] = cand;
        }
        if (o.callsiteIshConstraints && rng.bool()) {
          const n2 = rng.int(o.numCallsiteIshVregsPerInst[0], o.numCallsiteIshVregsPerInst[1]);
          for (let k = 0; k < n2; k++) operands.push(makeOperand(allocVreg(), CONSTRAINT_ANY, 0, 1));
          const nc = rng.int(o.numClobbersPerInst[0], o.numClobbersPerInst[1]);
          for (let k = 0; k < nc; k++) {
            const p = preg(rng.int(0, 30), rng.choose(CLASSES));
            // A clobber may not name a fixed def's or fixed late use's register.
            const clash = operands.some(
              (op) =>
                operandConstraintKind(op) === ConstraintKind.FixedReg &&
                operandFixedReg(op) === p &&
                (operandIsDef(op) || operandPos(op) === 1),
            );
            if (!clash) clobbers.push(p);
          }
        }
      } else if (o.clobbers && rng.bool()) {
        const nc = rng.int(o.numClobbersPerInst[0], o.numClobbersPerInst[1]);
        for (let k = 0; k < nc; k++) {
          const r = rng.int(0, 30);
          if (clobbers.some((c) => (c & 63) === r)) continue;
          clobbers.push(preg(r, rng.choose(CLASSES)));
        }
      } else if (o.fixedNonallocatable && rng.bool()) {
        operands.push(fixedNonAllocatable(preg(63, rng.choose(CLASSES))));
      }
      dropSharedStackUses(operands);
      insts.push({ op: 'op', operands, clobbers: PRegSet.of(clobbers), ...clobberOrder(clobbers) });
      avail.push(v);
    }
    const args: VReg[][] = [];
    if (succs[b]!.length > 0) {
      for (const s of succs[b]!) {
        const list: VReg[] = [];
        for (const p of params[s]!) {
          const db = chooseDominating(idom, b, false, rng);
          const pool = db !== BLOCK_INVALID && rng.bool() ? vregsByBlock[db]! : avail;
          let suitable = pool.filter((x) => (x & 3) === (p & 3));
          if (suitable.length === 0) {
            // Rather than give up (as regalloc2 does), look in every dominating block.
            suitable = avail.filter((x) => (x & 3) === (p & 3));
            for (let d = idom[b]!; suitable.length === 0 && d !== BLOCK_INVALID; d = idom[d]!) {
              suitable = vregsByBlock[d]!.filter((x) => (x & 3) === (p & 3));
            }
          }
          list.push(rng.choose(suitable));
        }
        args.push(list);
      }
      insts.push({ op: 'branch', operands: [], clobbers: new PRegSet() });
    } else {
      insts.push({ op: 'ret', operands: [], clobbers: new PRegSet() });
    }
    instsByBlock.push(insts);
    branchArgs.push(args);
  }
  labels.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || x[3] - y[3]);

  const insts: InstData[] = [];
  const blocks: BlockData[] = instsByBlock.map((list, b) => {
    const first = insts.length;
    insts.push(...list);
    return { first, end: insts.length, preds: preds[b]!, succs: succs[b]!, params: params[b]!, branchArgs: branchArgs[b]! };
  });
  return new InMemoryFunction({
    entry: 0,
    numVregs,
    blocks,
    insts,
    spillslotSize: [1, 1, 2],
    multiSpillslotNamedByLastSlot: false,
    allowMultipleVregDefs: false,
    debugValueLabels: labels,
  });
}

/** A stack use must be its vreg's only use in the instruction: relax the others to `any`. */
function dropSharedStackUses(ops: Operand[]): void {
  for (let k = 0; k < ops.length; k++) {
    const a = ops[k]!;
    if (!operandIsUse(a) || operandConstraintKind(a) !== ConstraintKind.Stack) continue;
    for (let j = 0; j < ops.length; j++) {
      if (j !== k && operandIsUse(ops[j]!) && operandVReg(ops[j]!) === operandVReg(a)) {
        ops[k] = withConstraint(a, CONSTRAINT_ANY);
        break;
      }
    }
  }
}

/** Two operands fixed to one register at overlapping points (see validation). */
function fixedOverlap(a: Operand, b: Operand): boolean {
  if (operandConstraintKind(a) !== ConstraintKind.FixedReg || operandConstraintKind(b) !== ConstraintKind.FixedReg) return false;
  if (operandFixedReg(a) !== operandFixedReg(b)) return false;
  if (operandIsUse(a) && operandIsUse(b) && operandVReg(a) === operandVReg(b) && operandPos(a) === operandPos(b)) return false;
  const span = (op: Operand) => (operandIsUse(op) ? (operandPos(op) === 0 ? 1 : 3) : operandPos(op) === 0 ? 3 : 2);
  return (span(a) & span(b)) !== 0;
}

/** Keeps the generated clobber order when it is not ascending (for faithful output). */
function clobberOrder(list: PReg[]): { clobberList?: PReg[] } {
  const sorted = PRegSet.of(list).toArray();
  return sorted.length === list.length && sorted.every((r, i) => r === list[i]) ? {} : { clobberList: list };
}
