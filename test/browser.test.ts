// The view and the playground in a real browser: headless Chromium (the
// system's, driven by playwright-core) opens the page `regalloc view` writes
// and the playground, and checks what they draw against the allocation.
// Without Chromium these tests fail (CI installs it); REGALLOC_SKIP_BROWSER=1
// skips them on a machine without it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { allocate } from '../src/allocate.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { parseTextFunction } from '../src/io/text.js';
import { buildView, type ViewModel } from '../src/view/model.js';
import { renderViewHtml } from '../src/view/html.js';
import { buildPlayground } from '../web/build.js';
import { type Browser, CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../web/chromium.js';
import { EXAMPLE_TEXT } from '../web/example.js';
import type { PlaygroundState } from '../web/state.js';
import { CORPUS_DIR } from './support/corpus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skip = process.env.REGALLOC_SKIP_BROWSER === '1' ? 'REGALLOC_SKIP_BROWSER=1: browser tests skipped' : false;

interface Drawn {
  drawnBars: string;
  drawnMoves: string;
  drawnMarks: string;
}

async function drawn(page: Page, selector = '#view'): Promise<Drawn> {
  return page.$eval(selector, (e) => ({ ...(e as HTMLElement).dataset }) as unknown as Drawn);
}

/** The canvas pixel under page point (x, y), as [r, g, b]. */
async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector('canvas')!;
      const rect = canvas.getBoundingClientRect();
      const scale = canvas.width / rect.width;
      const d = canvas.getContext('2d')!.getImageData(Math.round((px! - rect.left) * scale), Math.round((py! - rect.top) * scale), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!];
    },
    [x, y],
  );
}

describe('view and playground in Chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(
      chromiumAvailable(),
      `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set REGALLOC_SKIP_BROWSER=1 to skip`,
    );
    browser = await launchChromium({ width: 1400, height: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'regalloc-view-'));
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${file}: ${e.message}`));
    await page.goto(pathToFileURL(file).href);
    return page;
  }

  it('the view page draws one bar per live range, one arrow per move, one mark per operand and clobber', async () => {
    const { func, env } = parseTextFunction(EXAMPLE_TEXT);
    const out = allocate(func, env);
    const model: ViewModel = buildView(func, env, out, { title: 'loop-with-call' });
    assert.ok(out.edits.length > 0);
    const file = join(dir, 'example.html');
    writeFileSync(file, renderViewHtml(model));
    const page = await open(file);
    await page.waitForSelector('#view canvas');
    const d = await drawn(page);
    assert.equal(Number(d.drawnMoves), out.edits.length);
    assert.equal(Number(d.drawnBars), model.bars.length / 4);
    assert.equal(Number(d.drawnMarks), model.marks.length);
    // A bar is painted in its vreg's colour, and hovering it names the vreg and its location.
    const k = model.bars.findIndex((_, i) => i % 4 === 0 && model.bars[i + 3]! - model.bars[i + 2]! >= 4);
    const [column, vreg, top, bottom] = model.bars.slice(k, k + 4) as [number, number, number, number];
    const mid = top + Math.floor((bottom - top) / 2) - ((top + Math.floor((bottom - top) / 2)) % 2);
    const at = await page.$eval('#view', (e, [c, y]) => (e as HTMLElement & { regallocView: { point(c: number, y: number): { x: number; y: number } } }).regallocView.point(c!, y!), [column, mid]);
    const [r, g, b] = await pixel(page, at.x, at.y + 2);
    assert.ok(!(r === g && g === b), `the bar of v${vreg >> 2} is painted (found rgb ${r},${g},${b})`);
    await page.mouse.move(at.x, at.y + 2);
    const tip = await page.textContent('.rv-tip');
    assert.match(tip ?? '', new RegExp(`v${vreg >> 2}[ifv].* in ${model.columns[column]!.name}|operand|move`));
    const shot = join(dir, 'example.png');
    await page.screenshot({ path: shot });
    assert.ok(statSync(shot).size > 10_000, 'a screenshot with content');
    await page.close();
  });

  it('regalloc view writes a page that opens without network and draws a corpus function; the block list jumps', async () => {
    const input = join(CORPUS_DIR, 'fuzzgen', 'fuzzgen-x86_64-920-000052.json.gz');
    const file = join(dir, 'fuzzgen.html');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'view', input, '-o', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*fuzzgen\.html .*checker ok/);
    const c = readCorpusFile(input);
    const out = allocate(c.func, c.env);
    const requests: string[] = [];
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${file}: ${e.message}`));
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#view canvas');
    const summary = await page.$eval('#view', (e) => (e as HTMLElement & { regallocView: { model: ViewModel } }).regallocView.model.summary);
    const moves = Object.values(summary.moves).reduce((a, b) => a + b, 0);
    assert.equal(moves, out.edits.length);
    assert.ok(Number((await drawn(page)).drawnBars) > 0);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no network requests');
    const links = await page.$$('.rv-blocks a');
    assert.equal(links.length, c.func.numBlocks());
    await links[links.length - 1]!.click();
    await page.waitForFunction(() => document.querySelector('.rv-scroll')!.scrollTop > 0);
    await page.close();
  });

  it('the playground allocates what is typed, switches allocator, and shows an error at its line', async () => {
    const file = join(dir, 'playground.html');
    writeFileSync(file, await buildPlayground());
    const page = await open(file);
    await page.waitForFunction(() => window.regallocPlayground?.summary);
    const movesOf = (s: { moves: Record<string, number> }) => Object.values(s.moves).reduce((a, b) => a + b, 0);
    const movesFor = (text: string, algorithm: 'ion' | 'fastalloc' = 'ion') => {
      const { func, env } = parseTextFunction(text);
      return allocate(func, env, { algorithm }).edits.length;
    };
    const summary = () => page.evaluate(() => window.regallocPlayground!.summary as { moves: Record<string, number> });
    assert.equal(movesOf(await summary()), movesFor(EXAMPLE_TEXT));
    assert.equal(Number((await drawn(page)).drawnMoves), movesFor(EXAMPLE_TEXT));
    assert.match((await page.textContent('#status')) ?? '', /checker ok/);

    // Another allocator.
    await page.selectOption('#algorithm', 'fastalloc');
    await page.waitForFunction(() => /^fastalloc/.test(document.getElementById('status')!.textContent ?? ''));
    assert.equal(movesOf(await summary()), movesFor(EXAMPLE_TEXT, 'fastalloc'));

    // Edited text is allocated again: without the call's clobbers, fewer values move.
    await page.selectOption('#algorithm', 'ion');
    const edited = EXAMPLE_TEXT.replace(/ clobbers [^;\n]*/, ' ');
    assert.notEqual(edited, EXAMPLE_TEXT);
    assert.ok(movesFor(edited) < movesFor(EXAMPLE_TEXT));
    const runs = await page.evaluate(() => window.regallocPlayground!.runs);
    await page.fill('#source', edited);
    await page.waitForFunction((n) => window.regallocPlayground!.runs > n, runs);
    await page.waitForFunction(() => window.regallocPlayground!.error === null);
    assert.equal(movesOf(await summary()), movesFor(edited));
    assert.equal(Number((await drawn(page)).drawnMoves), movesFor(edited));
    assert.equal((await page.$$('#gutter .err')).length, 0);

    // A syntax error is shown at its line, and the line is marked.
    const lines = edited.split('\n');
    const opLine = lines.findIndex((l) => l.includes('v2i = def reg'));
    const broken = lines.slice();
    broken[opLine] = broken[opLine]!.replace('def reg', 'def rgister');
    await page.fill('#source', broken.join('\n'));
    await page.waitForFunction(() => window.regallocPlayground!.error !== null);
    let state: PlaygroundState = await page.evaluate(() => window.regallocPlayground!);
    assert.equal(state.errorLine, opLine + 1, state.error ?? '');
    assert.match((await page.textContent('#errors')) ?? '', new RegExp(`^line ${opLine + 1}: column \\d+: `));
    assert.equal(await page.textContent('#gutter .err'), String(opLine + 1));

    // A function that parses but is invalid (a use of a vreg nobody defines) shows the error at its instruction.
    const useLine = lines.findIndex((l) => l.includes('op v7i'));
    const invalid = lines.slice();
    invalid[useLine] = invalid[useLine]!.replace('use v1i any', 'use v9i any');
    await page.fill('#source', invalid.join('\n'));
    await page.waitForFunction((n) => window.regallocPlayground!.errorLine === n, useLine + 1);
    state = await page.evaluate(() => window.regallocPlayground!);
    assert.match(state.error ?? '', /SSA|VRegOutOfRange|Invalid/);
    assert.equal(await page.isVisible('#errors'), true);
    await page.screenshot({ path: join(dir, 'playground.png') });
    await page.close();
    assert.deepEqual(pageErrors, []);
  });
});
