// One line per function, as text or JSON, and the error rendering they share.

import { CheckerError } from '../checker/index.js';
import { allocToString } from '../model/allocation.js';
import { RegAllocError } from '../model/errors.js';
import { vregToString } from '../model/regs.js';

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

export function errorText(e: unknown): string {
  if (e instanceof RegAllocError) return `${e.kind}: ${e.message}`;
  if (e instanceof CheckerError) return `CheckerError ${e.kind}: ${e.message}`;
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
