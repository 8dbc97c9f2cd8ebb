// Expands the CLI's path arguments: files as given, folders recursively
// (sorted), keeping the input files (corpus JSON, plain or gzipped, and the
// text format).

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The endings of the files a folder is searched for. */
export const INPUT_EXTENSIONS = ['.json', '.json.gz', '.ra'] as const;

export function isInputFile(name: string): boolean {
  return INPUT_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith('MANIFEST.json');
}

/** Files named on the command line are kept whatever their name; folders give their input files. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(p, e), false);
    } else if (top || isInputFile(p)) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}
