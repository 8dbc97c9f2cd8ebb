// Renders one function's view in headless Chromium and saves a screenshot:
//   tsx web/screenshot.ts <file.json.gz> <out.png> [width height]
// (doc/view.png in the README is made this way.)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { launchChromium } from './chromium.js';

const [input, png, ...viewOptions] = process.argv.slice(2);
if (!input || !png) {
  process.stderr.write('usage: tsx web/screenshot.ts <file> <out.png> [regalloc view options...]\n');
  process.exitCode = 2;
} else {
  const dir = mkdtempSync(join(tmpdir(), 'regalloc-shot-'));
  const html = join(dir, 'view.html');
  const cli = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'view', ...viewOptions, input, '-o', html], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const browser = await launchChromium({ width: 1200, height: 760 });
  try {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector('#view canvas');
    await page.screenshot({ path: png });
    process.stdout.write(`wrote ${png}\n`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
