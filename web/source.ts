// What the playground reads: a function in the corpus JSON form, with the
// place of a parse error as a line, and the line of each instruction and block
// so that a validation error can be shown where it lies.

import { parseFunction } from '../src/io/corpus.js';
import type { ErrorPlace, Function, MachineEnv, PReg } from '../src/index.js';

export interface ParsedSource {
  name: string;
  func: Function;
  env: MachineEnv;
  regName?: (p: PReg) => string;
  /** The source line of an error's place, or null. */
  lineOf(place: ErrorPlace): number | null;
}

/** A parse error at a line (and column). */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

/** The 1-based line of character `offset` of `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function parseJson(text: string): ParsedSource {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const m = /line (\d+) column (\d+)/.exec(message) ?? null;
    const pos = /position (\d+)/.exec(message);
    const line = m ? Number(m[1]) : pos ? lineAt(text, Number(pos[1])) : null;
    throw new SourceError(message, line);
  }
  const { func, env } = parseFunction(x);
  const name = typeof (x as { name?: unknown }).name === 'string' ? (x as { name: string }).name : 'function';
  // JSON errors name their instruction and block in the message; no line.
  return { name, func, env, lineOf: () => null };
}

/** Parses the playground's text. */
export function parseSource(text: string): ParsedSource {
  return parseJson(text);
}
