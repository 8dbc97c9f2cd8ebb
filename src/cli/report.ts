// One line per function, as text or JSON, and the error rendering they share.

import { CheckerError } from '../checker/index.js';
import { allocToString } from '../model/allocation.js';
import { RegAllocError } from '../model/errors.js';
import { nameRegisters, type PReg, pregToString, type RegNames, vregToString } from '../model/regs.js';

export interface Reporter {
  json: boolean;
  failures: number;
  total: number;
}

export function errorJson(e: unknown): Record<string, unknown> {
  if (e instanceof RegAllocError) {
    return { kind: e.kind, message: e.message, place: e.place, regalloc2: e.toRegalloc2String() };
  }
  if (e instanceof CheckerError) {
    // vreg and allocation as text (`v3i`, `stack4`), never as packed numbers.
    const errors = e.errors.map((d) => ({
      ...d,
      ...(d.vreg !== undefined && { vreg: vregToString(d.vreg) }),
      ...(d.alloc !== undefined && { alloc: allocToString(d.alloc) }),
    }));
    return { kind: 'CheckerError', message: e.message, errors };
  }
  const err = e as Error;
  return { kind: err?.name ?? 'Error', message: err?.message ?? String(e) };
}

/** The error in one line; registers named after `names` (a text file's own names) when given. */
export function errorText(e: unknown, names?: RegNames): string {
  const named = (text: string) => (names ? nameRegisters(text, names) : text);
  if (e instanceof RegAllocError) return `${e.kind}: ${named(e.message)}`;
  if (e instanceof CheckerError) return `CheckerError ${e.kind}: ${named(e.message)}`;
  const err = e as Error;
  return `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`;
}

/** Prints one function's line; `fields` go into the JSON form, `text` into the plain one. */
export function report(
  r: Reporter,
  name: string,
  ok: boolean,
  text: string,
  fields: Record<string, unknown> = {},
): void {
  r.total++;
  if (!ok) r.failures++;
  if (r.json) process.stdout.write(JSON.stringify({ name, ok, ...fields }) + '\n');
  else process.stdout.write(`${name}: ${text}\n`);
}

/** A text file's register names as a name source (a register it does not name keeps its generic name). */
export function fileRegNames(file: { regNames?: ReadonlyMap<PReg, string> }): RegNames | undefined {
  const map = file.regNames;
  return map && map.size > 0 ? (p: PReg) => map.get(p) ?? pregToString(p) : undefined;
}
