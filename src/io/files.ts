// Reading and writing function files by their extension: `.ra` is the text
// format (src/io/text.ts), `.json` and `.json.gz` the corpus JSON. Every CLI
// command reads its inputs through `readInputFile`.

import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { PReg } from '../model/regs.js';
import { type CorpusFile, corpusToJson, readCorpusFile } from './corpus.js';
import { parseTextFunction, printText, TextParseError } from './text.js';

export const TEXT_EXTENSION = '.ra';

/** A function file of either format; `regNames` are the register names a text file gives. */
export interface InputFile extends CorpusFile {
  regNames?: ReadonlyMap<PReg, string>;
}

export function isTextFile(path: string): boolean {
  return path.endsWith(TEXT_EXTENSION);
}

/** Parses text-format source; errors read `path:line:column: what`. */
export function parseTextFile(source: string, path: string): InputFile {
  try {
    const t = parseTextFunction(source);
    const file: InputFile = { name: t.name, origin: t.origin, func: t.func, env: t.env, reference: {}, regNames: t.regNames };
    if (t.defect !== undefined) file.defect = t.defect;
    return file;
  } catch (e) {
    if (e instanceof TextParseError) e.message = `${path}:${e.message}`;
    throw e;
  }
}

/** Reads a `.ra` text file or a `.json` / `.json.gz` corpus file. */
export function readInputFile(path: string): InputFile {
  return isTextFile(path) ? parseTextFile(readFileSync(path, 'utf8'), path) : readCorpusFile(path);
}

/** The file's content in the format its name asks for (text keeps no reference results). */
export function formatFile(file: InputFile, path: string): string | Buffer {
  if (isTextFile(path)) return printText(file);
  const json = JSON.stringify(corpusToJson(file)) + '\n';
  return path.endsWith('.gz') ? gzipSync(json) : json;
}

export function writeOutputFile(path: string, file: InputFile): void {
  writeFileSync(path, formatFile(file, path));
}
