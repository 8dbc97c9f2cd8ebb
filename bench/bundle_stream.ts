// For the bench scripts whose child process runs a stream through the built
// bundle (`npm run build` first): the package's entry points, and the
// functions of the given files and folders whose reference succeeded.

import type { MachineEnv } from 'regalloc';

/**
 * Loads `paths` through `dist/bundle/`. With `shareEnvs`, functions whose
 * envs are equal get one env object, as from a compiler that describes its
 * machine once (and as `regalloc bench --stream` does).
 */
export async function loadBundleStream(paths: readonly string[], algorithm: 'ion' | 'fastalloc', shareEnvs: boolean) {
  const bundle = new URL('../dist/bundle/', import.meta.url);
  const lib = (await import(new URL('index.js', bundle).href)) as typeof import('regalloc');
  const io = (await import(new URL('io/corpus.js', bundle).href)) as typeof import('regalloc/io');
  const { expandPaths } = await import('../src/cli/files.js');
  const fns = expandPaths(paths)
    .map((f) => io.readCorpusFile(f))
    .filter((c) => c.reference[algorithm]?.ok);
  if (shareEnvs) {
    const envs = new Map<string, MachineEnv>();
    for (const c of fns) {
      const key = JSON.stringify(io.envToJson(c.env));
      const known = envs.get(key);
      if (known === undefined) envs.set(key, c.env);
      else c.env = known;
    }
  }
  return { lib, fns };
}
