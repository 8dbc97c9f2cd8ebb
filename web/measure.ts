// Measures the view on large functions: building the drawing model and the
// page in Node, then in headless Chromium the time from navigation until the
// page has drawn, and redraws while scrolling. Usage:
//   tsx web/measure.ts [file.json.gz ...]   (default: the largest fuzzgen functions)

import { readdirSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allocate } from '../src/allocate.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { renderViewHtml } from '../src/view/html.js';
import { buildView, type ViewModel } from '../src/view/model.js';
import { launchChromium } from './chromium.js';

const corpus = process.env.REGALLOC_CORPUS ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus');

function defaultFiles(): string[] {
  const dir = join(corpus, 'fuzzgen');
  const sized = readdirSync(dir).map((f) => ({ f: join(dir, f), n: readCorpusFile(join(dir, f)).func.numInsts() }));
  sized.sort((a, b) => b.n - a.n);
  const small = sized.filter((s) => s.n <= 2500);
  return [sized[0]!.f, small[0]!.f];
}

const files = process.argv.length > 2 ? process.argv.slice(2) : defaultFiles();
const dir = mkdtempSync(join(tmpdir(), 'regalloc-measure-'));
const browser = await launchChromium({ width: 1400, height: 900 });
try {
  for (const file of files) {
    const c = readCorpusFile(file);
    const out = allocate(c.func, c.env);
    const t0 = performance.now();
    const model = buildView(c.func, c.env, out, { title: c.name, algorithm: 'ion' });
    const t1 = performance.now();
    const html = renderViewHtml(model);
    const t2 = performance.now();
    const page = join(dir, 'view.html');
    writeFileSync(page, html);
    const tab = await browser.context.newPage();
    await tab.goto(pathToFileURL(page).href);
    await tab.waitForSelector('#view canvas');
    const r = await tab.evaluate(async () => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      await frame();
      const ready = performance.getEntriesByName('regalloc-view-ready')[0]!.startTime;
      const painted = performance.now();
      const view = (document.getElementById('view') as HTMLElement & { regallocView: { model: ViewModel; scrollToRow(r: number): void; draw(): { ms: number } } }).regallocView;
      const n = view.model.rows.length;
      const times: number[] = [];
      const draws: number[] = [];
      for (let k = 0; k < 40; k++) {
        view.scrollToRow(Math.floor((n * k) / 40));
        const t = performance.now();
        draws.push(view.draw().ms);
        await frame();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      draws.sort((a, b) => a - b);
      return { ready, painted, median: times[20]!, max: times[39]!, draw: draws[20]!, drawMax: draws[39]! };
    });
    await tab.close();
    console.log(
      `${c.name}: ${c.func.numInsts()} insts, ${model.summary.bars} bars, ${out.edits.length} moves; ` +
        `model ${(t1 - t0).toFixed(0)} ms, page ${(t2 - t1).toFixed(0)} ms, ${(html.length / 1048576).toFixed(1)} MiB; ` +
        `Chromium: script done ${r.ready.toFixed(0)} ms after navigation, first paint by ${r.painted.toFixed(0)} ms; ` +
        `scroll: drawing median ${r.draw.toFixed(1)} ms (max ${r.drawMax.toFixed(1)}), until the next frame is painted median ${r.median.toFixed(1)} ms (max ${r.max.toFixed(1)})`,
    );
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
