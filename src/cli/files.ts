// Expands the CLI's path arguments: files as given, folders recursively
// (sorted), keeping `.json` and `.json.gz` files.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function isCorpusFile(name: string): boolean {
  return (name.endsWith('.json') || name.endsWith('.json.gz')) && name !== 'MANIFEST.json';
}

export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(p, e), false);
    } else if (top || isCorpusFile(p)) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}
