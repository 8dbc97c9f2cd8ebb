// Locates the shared corpus beside the repository and lists its files.

import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** `$REGALLOC_CORPUS`, else `../shared/corpus` beside the repository. */
export const CORPUS_DIR = resolve(
  process.env.REGALLOC_CORPUS ?? join(here, '..', '..', '..', 'shared', 'corpus'),
);

export const FOLDERS = ['fuzz', 'cranelift', 'fuzzgen', 'variants', 'invalid'] as const;

/** The corpus files of `folder`, sorted; throws when the corpus is missing. */
export function corpusFiles(folder: string): string[] {
  const dir = join(CORPUS_DIR, folder);
  if (!existsSync(dir)) throw new Error(`corpus folder not found: ${dir} (set REGALLOC_CORPUS)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') || f.endsWith('.json.gz'))
    .sort()
    .map((f) => join(dir, f));
}
