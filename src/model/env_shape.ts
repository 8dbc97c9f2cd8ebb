// The shape of a `MachineEnv` given from JavaScript, checked before any
// allocator reads it (a plain array where a PRegSet belongs would otherwise
// surface as a raw TypeError deep inside an allocator).

import { RegAllocError } from './errors.js';
import type { MachineEnv } from './function.js';
import { isValidPReg, type PReg, PRegSet } from './regs.js';
import { describeValue } from '../util/describe.js';

// The allocators read an env's two lists through these. Callers make them as
// arrays of every kind (literal, mapped, frozen; registers or nulls), and an
// ordinary read of a kind that optimized code has not met throws that code
// away, in mid-stream. `Reflect.get` is a generic read that takes any kind
// (and costs next to nothing per run, unlike copying with `Int32Array.from`).

/** The env's dedicated scratch register of class `cls`, or -1 for none. */
export function envScratch(env: MachineEnv, cls: number): number {
  return (Reflect.get(env.scratchByClass, cls) as PReg | null | undefined) ?? -1;
}

/** How many registers of the env stand for fixed stack slots. */
export function envFixedStackSlotCount(env: MachineEnv): number {
  return Reflect.get(env.fixedStackSlots, 'length') as number;
}

/** The env's `i`-th register standing for a fixed stack slot. */
export function envFixedStackSlot(env: MachineEnv, i: number): PReg {
  return Reflect.get(env.fixedStackSlots, i) as PReg;
}

function shapeError(message: string): RegAllocError {
  return new RegAllocError('InvalidEnv', `env: ${message}`);
}

/**
 * Throws a `RegAllocError` (`InvalidEnv`) unless `env` has the shape of a
 * `MachineEnv`: three `PRegSet`s per preference tier, three scratch entries
 * (a register or null), an array of registers for fixed stack slots. The
 * ready-made machine descriptions and `MachineBuilder` always pass.
 */
export function checkEnvShape(env: MachineEnv): void {
  if (typeof env !== 'object' || env === null) throw shapeError(`expected a MachineEnv object, got ${describeValue(env)}`);
  for (const field of ['preferredRegsByClass', 'nonPreferredRegsByClass'] as const) {
    const sets: unknown = env[field];
    if (!Array.isArray(sets) || sets.length !== 3) throw shapeError(`${field} must be an array of 3 PRegSets, got ${describeValue(sets)}`);
    for (let c = 0; c < 3; c++) {
      const s: unknown = sets[c];
      if (!(s instanceof PRegSet)) throw shapeError(`${field}[${c}] is ${describeValue(s)}, not a PRegSet (make one with PRegSet.of([...]))`);
    }
  }
  const scratch: unknown = env.scratchByClass;
  if (!Array.isArray(scratch) || scratch.length !== 3) throw shapeError(`scratchByClass must be an array of 3 entries (a PReg or null), got ${describeValue(scratch)}`);
  for (let c = 0; c < 3; c++) {
    const p: unknown = scratch[c];
    if (p !== null && !(typeof p === 'number' && isValidPReg(p))) throw shapeError(`scratchByClass[${c}] is ${describeValue(p)}, not a PReg or null`);
  }
  const slots: unknown = env.fixedStackSlots;
  if (!Array.isArray(slots)) throw shapeError(`fixedStackSlots must be an array of PRegs, got ${describeValue(slots)}`);
  for (let k = 0; k < slots.length; k++) {
    const p: unknown = slots[k];
    if (!(typeof p === 'number' && isValidPReg(p))) throw shapeError(`fixedStackSlots[${k}] is ${describeValue(p)}, not a PReg`);
  }
}
