// What the playground reads: a function in the text format (src/io/text.ts),
// or pasted corpus JSON. A parse error carries its line; for a function that
// parses but is invalid, the line of the instruction or block the error names.

import { parseFunction } from '../src/io/corpus.js';
import { parseTextFunction, TextParseError } from '../src/io/text.js';
import { type ErrorPlace, type Function, type MachineEnv, type PReg, pregToString } from '../src/index.js';

export interface ParsedSource {
  name: string;
  func: Function;
  env: MachineEnv;
  regName?: (p: PReg) => string;
  /** The source line of an error's place, or null. */
  lineOf(place: ErrorPlace): number | null;
}

/** A parse error at a line. */
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
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    throw new SourceError(message, lineCol ? Number(lineCol[1]) : pos ? lineAt(text, Number(pos[1])) : null);
  }
  const { func, env } = parseFunction(x);
  const name = typeof (x as { name?: unknown }).name === 'string' ? (x as { name: string }).name : 'function';
  // JSON errors name their instruction and block in the message; no line.
  return { name, func, env, lineOf: () => null };
}

/**
 * The lines of the text format's instructions and block headers: one
 * instruction a line (`op`, `branch`, `ret`), numbered in order, and
 * `blockN` headers.
 */
function textLines(text: string): { inst: number[]; block: Map<number, number> } {
  const inst: number[] = [];
  const block = new Map<number, number>();
  text.split(/\r?\n/).forEach((raw, k) => {
    const line = raw.replace(/;.*$/, '').trim();
    if (/^(op|branch|ret)\b/.test(line)) inst.push(k + 1);
    const header = /^block(\d+)\b/.exec(line);
    if (header) block.set(Number(header[1]), k + 1);
  });
  return { inst, block };
}

function parseText(text: string): ParsedSource {
  let t;
  try {
    t = parseTextFunction(text);
  } catch (e) {
    if (e instanceof TextParseError) throw new SourceError(e.message.replace(/^\d+:\d+: /, `column ${e.column}: `), e.line);
    throw e;
  }
  const lines = textLines(text);
  const names = t.regNames;
  return {
    name: t.name || 'function',
    func: t.func,
    env: t.env,
    regName: (p) => names.get(p) ?? pregToString(p),
    lineOf: (place) =>
      (place.inst !== undefined ? lines.inst[place.inst] : undefined) ??
      (place.block !== undefined ? lines.block.get(place.block) : undefined) ??
      null,
  };
}

/** Parses the playground's text: corpus JSON when it starts with `{`, else the text format. */
export function parseSource(text: string): ParsedSource {
  return text.trimStart().startsWith('{') ? parseJson(text) : parseText(text);
}
