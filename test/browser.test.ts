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
import { functionToJson } from '../src/io/corpus.js';
import { buildView, type ViewModel } from '../src/view/model.js';
import { renderViewHtml } from '../src/view/html.js';
import { buildPlayground } from '../web/build.js';
import { type Browser, CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../web/chromium.js';
import { exampleFunction } from '../web/example.js';
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
    const { func, env } = exampleFunction();
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
    const { func, env } = exampleFunction();
    const movesOf = (s: { moves: Record<string, number> }) => Object.values(s.moves).reduce((a, b) => a + b, 0);
    const summary = () => page.evaluate(() => window.regallocPlayground!.summary as { moves: Record<string, number> });
    assert.equal(movesOf(await summary()), allocate(func, env).edits.length);
    assert.equal(Number((await drawn(page)).drawnMoves), allocate(func, env).edits.length);
    assert.match((await page.textContent('#status')) ?? '', /checker ok/);

    // Another allocator.
    await page.selectOption('#algorithm', 'fastalloc');
    await page.waitForFunction(() => /^fastalloc/.test(document.getElementById('status')!.textContent ?? ''));
    assert.equal(movesOf(await summary()), allocate(func, env, { algorithm: 'fastalloc' }).edits.length);

    // Edited text is allocated again: without the call's clobbers, nothing needs to spill.
    await page.selectOption('#algorithm', 'ion');
    const json = functionToJson(func, env) as { insts: { clobbers: string[] }[] };
    for (const inst of json.insts) inst.clobbers = [];
    const edited = JSON.stringify(json, null, 1);
    const runs = await page.evaluate(() => window.regallocPlayground!.runs);
    await page.fill('#source', edited);
    await page.waitForFunction((n) => window.regallocPlayground!.runs > n && window.regallocPlayground!.summary !== null, runs);
    const { parseFunction } = await import('../src/io/corpus.js');
    const reparsed = parseFunction(JSON.parse(edited));
    assert.equal(movesOf(await summary()), allocate(reparsed.func, reparsed.env).edits.length);
    assert.equal((await page.$$('#gutter .err')).length, 0);

    // A syntax error is shown at its line, and the line is marked.
    const lines = edited.split('\n');
    lines[6] = `${lines[6]} ???`;
    await page.fill('#source', lines.join('\n'));
    await page.waitForFunction(() => window.regallocPlayground!.error !== null);
    const state: PlaygroundState = await page.evaluate(() => window.regallocPlayground!);
    assert.equal(state.errorLine, 7);
    assert.match((await page.textContent('#errors')) ?? '', /^line 7: /);
    assert.equal(await page.textContent('#gutter .err'), '7');

    // An invalid function (a use of a vreg nobody defines) is a validation error naming its place.
    const bad = functionToJson(func, env) as { insts: { operands: string[] }[]; num_vregs: number };
    bad.insts[1]!.operands.push(`v${bad.num_vregs - 1}i:use:early:reg`);
    bad.insts[1]!.operands[0] = bad.insts[1]!.operands[0]!.replace(/^v\d+/, 'v0');
    await page.fill('#source', JSON.stringify(bad, null, 1));
    await page.waitForFunction(() => /SSA|Invalid/.test(document.getElementById('errors')!.textContent ?? ''));
    assert.equal(await page.isVisible('#errors'), true);
    await page.close();
    assert.deepEqual(pageErrors, []);
  });
});
