// `regalloc validate <path...>`: input validation only.

import { basename } from 'node:path';
import { validateFunction } from '../analysis/validate.js';
import { readCorpusFile } from '../io/corpus.js';
import { expandPaths } from './files.js';
import { errorJson, errorText, report, type Reporter } from './report.js';

export function displayName(path: string, name?: string): string {
  return name || basename(path).replace(/\.json(\.gz)?$/, '');
}

export function runValidate(paths: string[], r: Reporter): void {
  for (const path of expandPaths(paths)) {
    let name = displayName(path);
    try {
      const c = readCorpusFile(path);
      name = displayName(path, c.name);
      validateFunction(c.func, c.env);
      report(r, name, true, 'ok', { file: path });
    } catch (e) {
      report(r, name, false, `error ${errorText(e)}`, { file: path, error: errorJson(e) });
    }
  }
}
