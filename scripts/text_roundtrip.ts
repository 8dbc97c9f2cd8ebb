// Converts every corpus file JSON → text → JSON and counts those that come
// back unchanged — the function, and the whole file with its reference results —
// folder by folder (wasm-large/ included; the test covers the smaller folders). Usage: npx tsx scripts/text_roundtrip.ts [folder...]

import { corpusFiles } from '../test/support/corpus.js';
import { sameJson, textRoundTrip, wholeFileRoundTrip } from '../test/support/text_roundtrip.js';

const folders = process.argv.length > 2 ? process.argv.slice(2) : ['fuzz', 'cranelift', 'fuzzgen', 'variants', 'invalid', 'wasm', 'wasm-large'];
let failed = 0;
for (const folder of folders) {
  let same = 0;
  let skipped = 0;
  let textBytes = 0;
  const t0 = performance.now();
  for (const path of corpusFiles(folder)) {
    const r = textRoundTrip(path);
    if (!r) {
      skipped++;
      continue;
    }
    if (sameJson(r.actual, r.expected) && r.stable && wholeFileRoundTrip(path)) same++;
    else {
      failed++;
      console.log(`DIFFERS ${path}`);
    }
    textBytes += r.text.length;
  }
  const ms = Math.round(performance.now() - t0);
  console.log(`${folder}: ${same} unchanged, ${skipped} not representable, ${(textBytes / 1e6).toFixed(1)} MB of text, ${ms} ms`);
}
process.exitCode = failed ? 1 : 0;
