// The shape of an `Output` before the checker reads it: arrays of the right
// lengths, allocations that mean something, edits present and sorted. An
// output built by hand, parsed, or copied with a spread (`{ ...out }` drops the
// allocators' prototype accessor `edits`, keeping `packedEdits`) gets the
// checker's `MalformedOutput` errors instead of a crash inside the checker.

import { allocToString, pointInst, pointToString } from '../model/allocation.js';
import type { Edit, Function, Output } from '../model/function.js';
import type { CheckerErrorDetail } from './checker.js';

/** regalloc2 numbers spill slots with 24 bits. */
export const MAX_SPILLSLOTS = 1 << 24;

const KIND_SHIFT = 28;

/** Why `a` is no allocation for an output with `numSlots` spill slots, or undefined if it is one. */
function badAllocation(a: unknown, numSlots: number): string | undefined {
  if (!Number.isInteger(a) || (a as number) < 0) return `${String(a)} is not an allocation`;
  const v = a as number;
  const kind = v >>> KIND_SHIFT;
  const index = v & ((1 << KIND_SHIFT) - 1);
  if (kind === 0) return v === 0 ? undefined : `${v} is not an allocation`;
  if (kind === 1) return index < 3 << 6 ? undefined : `${v} names no register (class and hw_enc out of range)`;
  if (kind === 2) {
    return index < numSlots ? undefined : `${allocToString(v)} is not among the output's ${numSlots} spill slots`;
  }
  return `${v} is not an allocation (unknown kind ${kind})`;
}

function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/**
 * Returns `out` when the checker can read it (with `edits` rebuilt from
 * `packedEdits` when a copy lost them), else the list of what is malformed.
 */
export function outputShape(func: Function, out: Output): Output | CheckerErrorDetail[] {
  const errors: CheckerErrorDetail[] = [];
  const fail = (message: string, place: Partial<CheckerErrorDetail> = {}) => {
    errors.push({ kind: 'MalformedOutput', message, ...place });
  };
  if (out === null || typeof out !== 'object') {
    fail(`the output is ${out === null ? 'null' : typeof out}, not an Output object`);
    return errors;
  }
  const numSlots = out.numSpillslots;
  if (!Number.isInteger(numSlots) || numSlots < 0 || numSlots > MAX_SPILLSLOTS) {
    fail(`numSpillslots is ${String(numSlots)}: expected an integer from 0 to ${MAX_SPILLSLOTS}`);
    return errors;
  }
  const ni = func.numInsts();
  const { allocs, instAllocOffsets: offsets } = out;
  if (!isArrayLike(allocs)) fail(`allocs is ${allocs === undefined ? 'missing' : 'not an array'}`);
  if (!isArrayLike(offsets)) fail(`instAllocOffsets is ${offsets === undefined ? 'missing' : 'not an array'}`);
  if (errors.length > 0) return errors;
  if (offsets.length !== ni) {
    fail(`the output has allocations for ${offsets.length} instructions, the function has ${ni}`);
    return errors;
  }
  // Each instruction's allocations follow the previous one's, one per operand.
  let expect = 0;
  for (let i = 0; i < ni; i++) {
    if (offsets[i] !== expect) {
      fail(`instAllocOffsets[${i}] is ${String(offsets[i])}, expected ${expect} (one allocation per operand, in order)`, { inst: i });
      return errors;
    }
    expect += func.instOperands(i).length;
  }
  if (allocs.length !== expect) {
    fail(`allocs has ${allocs.length} entries, the function has ${expect} operands`);
    return errors;
  }
  for (let i = 0, k = 0; i < ni; i++) {
    const n = func.instOperands(i).length;
    for (let j = 0; j < n; j++, k++) {
      const why = badAllocation(allocs[k], numSlots);
      if (why !== undefined) {
        fail(`inst ${i} operand ${j}: ${why}`, { inst: i, operand: j });
        return errors;
      }
    }
  }
  let edits: readonly Edit[] | undefined = out.edits;
  let shaped = out;
  if (edits === undefined) {
    const packed = out.packedEdits;
    if (!(packed instanceof Int32Array) || packed.length % 3 !== 0) {
      fail('the output has no edits (a spread copy `{ ...out }` loses the allocators\' `edits` accessor: name `edits` in the copy, or keep `packedEdits`)');
      return errors;
    }
    const list: Edit[] = [];
    for (let k = 0; k < packed.length; k += 3) list.push({ point: packed[k]!, from: packed[k + 1]!, to: packed[k + 2]! });
    edits = list;
    shaped = { ...out, edits: list };
  }
  if (!Array.isArray(edits)) {
    fail('edits is not an array');
    return errors;
  }
  let last = -1;
  for (let k = 0; k < edits.length; k++) {
    const e = edits[k] as Partial<Edit> | null;
    if (e === null || typeof e !== 'object') {
      fail(`edit ${k} is not a { point, from, to } object`);
      return errors;
    }
    if (!Number.isInteger(e.point) || e.point! < 0 || e.point! >= 2 * ni) {
      fail(`edit ${k}: point ${String(e.point)} is not a program point of the function's ${ni} instructions`);
      return errors;
    }
    for (const side of ['from', 'to'] as const) {
      const why = badAllocation(e[side], numSlots) ?? (e[side] === 0 ? 'none is no place to move' : undefined);
      if (why !== undefined) {
        fail(`edit ${k} at ${pointToString(e.point!)}: ${side}: ${why}`, { inst: pointInst(e.point!) });
        return errors;
      }
    }
    if (e.point! < last) {
      fail(`edit ${k} at ${pointToString(e.point!)} comes after one at ${pointToString(last)}: edits must be sorted`, { inst: pointInst(e.point!) });
      return errors;
    }
    last = e.point!;
  }
  return shaped;
}
