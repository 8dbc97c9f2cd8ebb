// JSON → text → JSON over corpus files: shared by the text-format test and
// scripts/text_roundtrip.ts (which also covers wasm-large/).

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { corpusToJson, functionToJson, parseCorpus } from '../../src/io/corpus.js';
import { formatFile, parseTextFile } from '../../src/io/files.js';
import { parseTextFunction, printText } from '../../src/io/text.js';

export interface RoundTrip {
  /** The function part of the file (all but its reference results), as read. */
  expected: Record<string, unknown>;
  /** The same after printing as text and parsing the text back. */
  actual: Record<string, unknown>;
  text: string;
  /** Printing the parsed text again gives the same text. */
  stable: boolean;
}

/** Round-trips one corpus file, or returns undefined for one that JSON cannot hold either (a fixed register of another class). */
export function textRoundTrip(path: string): RoundTrip | undefined {
  const raw = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Record<string, unknown>;
  if ((raw.defect as string | undefined)?.startsWith('a fixed register of another class')) return undefined;
  delete raw.reference;
  const text = printText(parseCorpus(raw));
  const back = parseTextFunction(text);
  const actual: Record<string, unknown> = functionToJson(back.func, back.env);
  if (back.defect !== undefined) actual.defect = back.defect;
  actual.name = back.name;
  actual.origin = back.origin;
  return { expected: raw, actual, text, stable: printText(back) === text };
}

export function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

/** The whole file, reference results included, through `.ra` text and back: equal to the file as read? */
export function wholeFileRoundTrip(path: string): boolean {
  const raw = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Record<string, unknown>;
  if ((raw.defect as string | undefined)?.startsWith('a fixed register of another class')) return true;
  const text = formatFile(parseCorpus(raw), 'f.ra') as string;
  return isDeepStrictEqual(corpusToJson(parseTextFile(text, 'f.ra')), raw);
}
