// The browser playground: edit a function, pick an allocator, see the view.
// Everything runs in the page: parsing, validation, allocation, the checker
// and the drawing model are the library's own code, bundled by web/build.ts.

import { allocate, checkerVerdict, RegAllocError, type Algorithm } from '../src/index.js';
import { mountView, type MountedView } from '../src/view/client.js';
import { buildView } from '../src/view/model.js';
import { type ParsedSource, parseSource } from './source.js';
import type { PlaygroundState } from './state.js';


const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const editor = $<HTMLTextAreaElement>('source');
const gutter = $<HTMLPreElement>('gutter');
const algorithmSelect = $<HTMLSelectElement>('algorithm');
const status = $<HTMLDivElement>('status');
const errors = $<HTMLDivElement>('errors');
const viewRoot = $<HTMLDivElement>('view');
const state: PlaygroundState = { runs: 0, error: null, errorLine: null, summary: null };
window.regallocPlayground = state;
let mounted: MountedView | null = null;

function renderGutter(errorLine: number | null): void {
  const n = editor.value.split('\n').length;
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(i === errorLine ? `<span class="err">${i}</span>` : String(i));
  gutter.innerHTML = out.join('\n');
  gutter.scrollTop = editor.scrollTop;
}

function showError(message: string, line: number | null): void {
  state.error = message;
  state.errorLine = line;
  errors.textContent = line !== null ? `line ${line}: ${message}` : message;
  errors.dataset.line = line === null ? '' : String(line);
  errors.hidden = false;
  viewRoot.classList.add('stale');
  renderGutter(line);
}

function run(): void {
  state.runs++;
  const algorithm = algorithmSelect.value as Algorithm;
  let parsed: ParsedSource;
  try {
    parsed = parseSource(editor.value);
  } catch (e) {
    const err = e as Error & { line?: number };
    showError(err.message, err.line ?? null);
    status.textContent = 'not parsed';
    return;
  }
  try {
    const t0 = performance.now();
    const out = allocate(parsed.func, parsed.env, { algorithm });
    const t1 = performance.now();
    const verdict = checkerVerdict(parsed.func, parsed.env, out);
    const model = buildView(parsed.func, parsed.env, out, {
      title: parsed.name,
      algorithm: `${algorithm}, checker ${verdict}`,
      names: parsed.regName,
    });
    mounted?.destroy();
    mounted = mountView(viewRoot, model);
    const s = model.summary;
    state.summary = s;
    state.error = null;
    state.errorLine = null;
    errors.hidden = true;
    viewRoot.classList.remove('stale');
    errors.textContent = '';
    errors.dataset.line = '';
    renderGutter(null);
    status.textContent =
      `${algorithm}: ${s.insts} insts, ${s.moves['reg-reg']} moves, ${s.moves['reg-stack']} spills, ` +
      `${s.moves['stack-reg']} reloads, ${s.spillSlots} spill slots; checker ${verdict}; ` +
      `allocated in ${(t1 - t0).toFixed(1)} ms`;
  } catch (e) {
    if (!(e instanceof RegAllocError)) throw e;
    showError(`${e.kind}: ${e.message}`, parsed.lineOf(e.place));
    status.textContent = 'invalid function';
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
editor.addEventListener('input', () => {
  renderGutter(state.errorLine);
  clearTimeout(timer);
  timer = setTimeout(run, 250);
});
editor.addEventListener('scroll', () => {
  gutter.scrollTop = editor.scrollTop;
});
algorithmSelect.addEventListener('change', run);
errors.addEventListener('click', () => {
  const line = state.errorLine;
  if (line === null) return;
  const lines = editor.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  editor.focus();
  editor.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
});
renderGutter(null);
run();
