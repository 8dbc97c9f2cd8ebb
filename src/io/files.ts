// Reading and writing function files by their extension: `.ra` is the text
// format (src/io/text.ts), `.json` and `.json.gz` the corpus JSON. Every CLI
// command reads its inputs through `readInputFile`.

import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { PReg } from '../model/regs.js';
import { RegAllocError } from '../model/errors.js';
import { type CorpusFile, corpusToJson, parseResult, readCorpusFile, resultToJson } from './corpus.js';
import { parseTextFunction, printText, type RegNameSource, TextParseError } from './text.js';

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
    for (const algorithm of ['ion', 'fastalloc'] as const) {
      const r = t.results[algorithm];
      if (!r) continue;
      try {
        file.reference[algorithm] = parseResult(r.json, `$.reference.${algorithm}`);
      } catch (e) {
        if (!(e instanceof RegAllocError)) throw e;
        throw new TextParseError(r.line, 1, `reference ${algorithm}: ${e.message}`);
      }
    }
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

/** The file's reference results as corpus RESULT JSON, for the text format's `reference` lines. */
function resultsJson(file: InputFile): { ion?: unknown; fastalloc?: unknown } {
  const results: { ion?: unknown; fastalloc?: unknown } = {};
  if (file.reference.ion) results.ion = resultToJson(file.reference.ion);
  if (file.reference.fastalloc) results.fastalloc = resultToJson(file.reference.fastalloc);
  return results;
}

/**
 * The file's content in the format its name asks for; text names registers
 * after `names`, else the file's own, and carries the reference results.
 */
export function formatFile(file: InputFile, path: string, names?: RegNameSource): string | Buffer {
  if (isTextFile(path)) return printText({ ...file, results: resultsJson(file), ...(names ? { regNames: names } : {}) });
  const json = JSON.stringify(corpusToJson(file)) + '\n';
  return path.endsWith('.gz') ? gzipSync(json) : json;
}

export function writeOutputFile(path: string, file: InputFile, names?: RegNameSource): void {
  writeFileSync(path, formatFile(file, path, names));
}
