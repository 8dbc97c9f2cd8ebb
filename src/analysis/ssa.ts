// regalloc2's SSA rules: one def per vreg (block params included), every use
// dominated by its def, blocks terminated by exactly one branch or return,
// branch args matching successor params, and no params on the entry block.

import { RegAllocError, vregDebug } from '../model/errors.js';
import type { Function } from '../model/function.js';
import {
  operandIsDef,
  operandIsFixedNonAllocatable,
  operandVReg,
} from '../model/operand.js';
import { REG_CLASS_NAME, type VReg, vregClass, vregIndex, vregToString } from '../model/regs.js';
import type { CFGInfo } from './cfg.js';
import { ScratchTables } from '../util/int_buffers.js';

const INST_NONE = -1;

function ssaError(v: VReg, inst: number, block: number, why: string): RegAllocError {
  const at = inst === INST_NONE ? `block ${block} params` : `inst ${inst} (block ${block})`;
  const e = new RegAllocError('SSA', `${vregToString(v)} at ${at}: ${why}`, { vreg: v, inst, block });
  return e;
}

/** Throws `SSA`, `BB` or `Branch` as regalloc2's `validate_ssa` does, in the same order. */
export function validateSsa(f: Function, cfg: CFGInfo): void {
  const numVregs = f.numVregs();
  const nv = Number.isInteger(numVregs) && numVregs >= 0 ? numVregs : 0;
  const tables = ssaTables.borrow(nv);
  try {
    checkDefsAndUses(f, cfg, nv, tables[0]!, tables[1]!, tables[2]!);
  } finally {
    ssaTables.giveBack(tables);
  }
}

/**
 * Per vreg: the block of its def, the instruction of its def, and the stamp
 * of the block that defined it locally (see `ScratchTables`: kept across
 * calls, indexed only below num_vregs).
 */
const ssaTables = new ScratchTables(3);
/** `definedIn` of a vreg not (yet) defined. */
const NOT_DEFINED = -1;

function checkDefsAndUses(f: Function, cfg: CFGInfo, nv: number, definedIn: Int32Array, defInst: Int32Array, localStamp: Int32Array): void {
  const nb = f.numBlocks();
  definedIn.fill(NOT_DEFINED, 0, nv);
  // One def per vreg, even within one instruction and even when the function
  // allows multiple vreg defs (regalloc2's SSA check ignores that flag too).
  defInst.fill(INST_NONE, 0, nv);
  let b = 0;
  const def = (v: VReg, inst: number) => {
    const idx = vregIndex(v);
    if (idx >= nv) throw ssaError(v, inst, b, `vreg index is not below num_vregs (${nv})`);
    if (definedIn[idx] !== NOT_DEFINED) {
      const first = defInst[idx] === inst && inst !== INST_NONE ? 'by the same instruction' : `first in block ${definedIn[idx]}`;
      throw ssaError(v, inst, b, `defined more than once (${first})`);
    }
    definedIn[idx] = b;
    defInst[idx] = inst;
  };
  for (b = 0; b < nb; b++) {
    const params = f.blockParams(b);
    for (let k = 0; k < params.length; k++) def(params[k]!, INST_NONE);
    const r = f.blockInsns(b);
    for (let i = r.first; i < r.end; i++) {
      const ops = f.instOperands(i);
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandIsDef(op) && !operandIsFixedNonAllocatable(op)) def(operandVReg(op), i);
      }
    }
  }

  // The block of v's def (none for an index past num_vregs).
  const defBlock = (v: VReg) => {
    const idx = vregIndex(v);
    return idx < nv ? definedIn[idx]! : NOT_DEFINED;
  };
  // Vregs defined so far in the current block: those whose stamp is the block's (b + 1).
  localStamp.fill(0, 0, nv);
  const local = {
    has: (v: VReg) => localStamp[vregIndex(v)] === stamp,
    add: (v: VReg) => {
      localStamp[vregIndex(v)] = stamp;
    },
  };
  let stamp = 0;
  for (let b = 0; b < nb; b++) {
    stamp = b + 1;
    const params = f.blockParams(b);
    for (let k = 0; k < params.length; k++) local.add(params[k]!);
    const r = f.blockInsns(b);
    for (let i = r.first; i < r.end; i++) {
      const ops = f.instOperands(i);
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandIsFixedNonAllocatable(op) || operandIsDef(op)) continue;
        const v = operandVReg(op);
        const db = defBlock(v);
        const ok =
          db !== NOT_DEFINED &&
          (db === b ? local.has(v) : cfg.dominates(db, b));
        if (!ok) {
          const why =
            db === NOT_DEFINED
              ? 'used but never defined'
              : db === b
                ? 'used before its def in the same block'
                : `used in block ${b}, which its def in block ${db} does not dominate`;
          const e = ssaError(v, i, b, why);
          e.place.operand = k;
          throw e;
        }
      }
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (operandIsDef(op)) local.add(operandVReg(op));
      }
    }
    // Branch args are uses at the branch too (regalloc2 leaves them unchecked).
    const last = r.end - 1;
    const succs = f.blockSuccs(b);
    for (let k = 0; k < succs.length; k++) {
      const args = f.branchBlockparams(b, last, k);
      for (let a = 0; a < args.length; a++) {
        const v = args[a]!;
        const db = defBlock(v);
        const ok = db !== NOT_DEFINED && (db === b ? local.has(v) : cfg.dominates(db, b));
        if (!ok) {
          throw ssaError(v, last, b, `passed to block ${succs[k]} but not defined on every path to the branch`);
        }
      }
    }
  }

  for (let b = 0; b < nb; b++) {
    const r = f.blockInsns(b);
    const last = r.end - 1;
    for (let i = r.first; i < r.end; i++) {
      if (i === last) {
        if (!(f.isBranch(i) || f.isRet(i))) {
          throw new RegAllocError('BB', `block ${b} does not end in a branch or return (inst ${i})`, {
            block: b,
            inst: i,
          });
        }
        if (f.isBranch(i)) {
          const succs = f.blockSuccs(b);
          for (let k = 0; k < succs.length; k++) {
            const want = f.blockParams(succs[k]!).length;
            const got = f.branchBlockparams(b, i, k).length;
            if (want !== got) {
              throw new RegAllocError(
                'Branch',
                `block ${b}: branch inst ${i} passes ${got} args to block ${succs[k]}, which has ${want} params`,
                { block: b, inst: i },
              );
            }
            // An arg moves into its param's register: both of one class.
            // (regalloc2 does not check this; its allocators then move a
            // value between register files, and a found input had Ion give
            // a vector param an integer register's stale value.)
            const args = f.branchBlockparams(b, i, k);
            const params = f.blockParams(succs[k]!);
            for (let a = 0; a < got; a++) {
              if (vregClass(args[a]!) !== vregClass(params[a]!)) {
                throw new RegAllocError(
                  'VRegClassMismatch',
                  `block ${b}: branch inst ${i} passes ${vregToString(args[a]!)} (class ${REG_CLASS_NAME[vregClass(args[a]!)]}) as block ${succs[k]}'s param ${a}, ${vregToString(params[a]!)} (class ${REG_CLASS_NAME[vregClass(params[a]!)]})`,
                  { block: b, inst: i, vreg: args[a]! },
                );
              }
            }
          }
        }
      } else if (f.isBranch(i) || f.isRet(i)) {
        throw new RegAllocError('BB', `block ${b}: inst ${i} is a branch or return in the middle of the block`, {
          block: b,
          inst: i,
        });
      }
    }
  }

  const entry = f.entryBlock();
  if (f.blockParams(entry).length > 0) {
    throw new RegAllocError('BB', `the entry block ${entry} has block params`, { block: entry });
  }
}

export { vregDebug };
