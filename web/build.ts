// `npm run build:web`: bundles the playground for the browser into one
// self-contained page, web/dist/index.html (open it from disk; no server).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { VIEW_CSS } from '../src/view/client.js';
import { EXAMPLE_TEXT } from './example.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The corpus reader's file helpers import `node:fs` and `node:zlib`; the page
 * only parses text it is given, so those imports become modules that throw.
 */
const nodeStubs: Plugin = {
  name: 'node-stubs',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      if (!/[\\/]src[\\/]io[\\/]/.test(args.importer)) {
        return { errors: [{ text: `${args.path} imported by ${args.importer}: only src/io file helpers may use Node modules` }] };
      }
      return { path: args.path, namespace: 'node-stub' };
    });
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not available in a browser`)}); };
        export const readFileSync = fail, gunzipSync = fail, writeFileSync = fail;`,
      loader: 'js',
    }));
  },
};

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** The playground page as one HTML string. */
export async function buildPlayground(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'playground.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    plugins: [nodeStubs],
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
  const page = readFileSync(join(here, 'index.html'), 'utf8');
  return page
    .replace('/*VIEW_CSS*/', () => VIEW_CSS)
    .replace('/*EXAMPLE*/', () => escapeText(EXAMPLE_TEXT))
    .replace('/*SCRIPT*/', () => script);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = join(here, 'dist');
  mkdirSync(out, { recursive: true });
  const html = await buildPlayground();
  writeFileSync(join(out, 'index.html'), html);
  process.stdout.write(`wrote ${join(out, 'index.html')} (${Math.round(html.length / 1024)} KiB)\n`);
}
