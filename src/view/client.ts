// The view's page: draws a `ViewModel` on a canvas, only the rows and columns
// in sight (so a function of tens of thousands of instructions scrolls
// smoothly), with a side list of blocks and hover tooltips. The HTML page made
// by `renderViewHtml` inlines this function's source text, so it must stay
// self-contained: it may use only its arguments and the browser's globals.

import type { ViewModel } from './model.js';

/** What the page exposes for tests and tools, as `element.regallocView`. */
export interface MountedView {
  /** The drawing shown. */
  readonly model: ViewModel;
  /** Redraws; returns what the frame drew. */
  draw(): {
    /** Live-range bars drawn (those in sight). */
    bars: number;
    /** Move arrows drawn. */
    moves: number;
    /** Operand and clobber marks drawn. */
    marks: number;
    /** Time the frame took, in milliseconds. */
    ms: number;
  };
  /** Viewport coordinates of the middle of half-row `y` in `column` (for hovering). */
  point(
    column: number,
    y: number,
  ): {
    /** Horizontal, in CSS pixels from the viewport's left (as `MouseEvent.clientX`). */
    x: number;
    /** Vertical, in CSS pixels from the viewport's top (as `MouseEvent.clientY`). */
    y: number;
  };
  /** Scrolls so that `row` is at the top. */
  scrollToRow(row: number): void;
  /** Removes the view from its element. */
  destroy(): void;
}

/**
 * Draws `model` in `root` (replacing its content) and keeps it drawn as it
 * scrolls and resizes; the returned handle is also set as `root.regallocView`.
 * Needs `VIEW_CSS` on the page.
 */
export function mountView(root: HTMLElement, model: ViewModel): MountedView {
  const ROW = 16;
  const COL = 18;
  const HEAD = 46;
  const CHUNK = 64; // rows per index bucket
  const doc = root.ownerDocument;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, parent: HTMLElement): HTMLElementTagNameMap[K] => {
    const e = doc.createElement(tag);
    e.className = cls;
    parent.appendChild(e);
    return e;
  };
  root.classList.add('rv');
  root.textContent = '';
  const side = el('nav', 'rv-side', root);
  const main = el('div', 'rv-main', root);
  const scroller = el('div', 'rv-scroll', main);
  const spacer = el('div', 'rv-spacer', scroller);
  const canvas = el('canvas', 'rv-canvas', scroller);
  const tip = el('div', 'rv-tip', root);
  tip.style.display = 'none';
  const ctx = canvas.getContext('2d')!;
  const rows = model.rows;
  const cols = model.columns;
  const bars = model.bars;
  const numRows = rows.length;
  let longest = 24;
  for (const r of rows) longest = Math.max(longest, Math.min(52, r.text.length));
  const GUTTER = Math.ceil(longest * 6.7) + 12;
  const numChunks = Math.max(1, Math.ceil(numRows / CHUNK));
  spacer.style.width = `${GUTTER + cols.length * COL + 8}px`;
  spacer.style.height = `${HEAD + numRows * ROW + 8}px`;

  // Index: per chunk of rows, the bars that reach into it; per row, its moves and marks.
  const barChunks: number[][] = Array.from({ length: numChunks }, () => []);
  for (let k = 0; k < bars.length; k += 4) {
    const c0 = Math.floor(bars[k + 2]! / 2 / CHUNK);
    const c1 = Math.min(numChunks - 1, Math.floor((bars[k + 3]! - 1) / 2 / CHUNK));
    for (let c = c0; c <= c1; c++) barChunks[c]!.push(k);
  }
  const movesAt: number[][] = Array.from({ length: numRows }, () => []);
  model.moves.forEach((m, k) => movesAt[m.row]!.push(k));
  const marksAt: number[][] = Array.from({ length: numRows }, () => []);
  model.marks.forEach((m, k) => marksAt[m.row]!.push(k));
  const blockOfRow = new Int32Array(numRows);
  for (const b of model.blocks) for (let r = b.headerRow; r < b.endRow; r++) blockOfRow[r] = b.block;

  const vregName = (v: number): string => `v${v >>> 2}${'ifv'[v & 3]}`;
  const vregColor = (v: number, light: number): string => `hsl(${((v >>> 2) * 137.5) % 360} 65% ${light}%)`;
  const MOVE_COLOR: Record<string, string> = {
    'reg-reg': '#555',
    'reg-stack': '#c0392b',
    'stack-reg': '#1e8449',
    'stack-stack': '#8e44ad',
  };

  // Side list of blocks.
  const head = el('div', 'rv-title', side);
  head.textContent = `${model.title}${model.algorithm ? ` · ${model.algorithm}` : ''}`;
  const sum = model.summary;
  const info = el('div', 'rv-sum', side);
  info.textContent =
    `${sum.insts} insts, ${sum.blocks} blocks, ${sum.vregs} vregs, ${sum.spillSlots} spill slots; ` +
    `moves ${sum.moves['reg-reg']}, spills ${sum.moves['reg-stack']}, reloads ${sum.moves['stack-reg']}, ` +
    `stack-stack ${sum.moves['stack-stack']}; ${sum.bars} live-range bars`;
  const legend = el('div', 'rv-legend', side);
  legend.innerHTML =
    '<span style="color:#555">→ move</span> <span style="color:#c0392b">→ spill</span> ' +
    '<span style="color:#1e8449">→ reload</span> <span style="color:#8e44ad">→ stack-stack</span><br>' +
    '● def ○ use ■ fixed ✕ clobber; shade = loop depth';
  const list = el('ol', 'rv-blocks', side);
  for (const b of model.blocks) {
    const li = el('li', '', list);
    const a = el('a', '', li);
    a.href = '#';
    a.textContent = `block${b.block}${b.loopDepth ? ` (loop ${b.loopDepth})` : ''}`;
    a.title = `preds ${b.preds.join(', ') || '-'}; succs ${b.succs.join(', ') || '-'}${b.params.length ? `; params ${b.params.join(', ')}` : ''}`;
    a.dataset.row = String(b.headerRow);
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      scroller.scrollTop = b.headerRow * ROW;
    });
  }

  let width = 0;
  let height = 0;
  let last = { bars: 0, moves: 0, marks: 0, ms: 0 };
  const stamp = new Uint32Array(bars.length / 4);
  let frame = 0;

  const draw = (): { bars: number; moves: number; marks: number; ms: number } => {
    const t0 = performance.now();
    const dpr = root.ownerDocument.defaultView?.devicePixelRatio ?? 1;
    const w = scroller.clientWidth;
    const h = scroller.clientHeight;
    if (w !== width || h !== height) {
      width = w;
      height = h;
      canvas.width = Math.max(1, Math.floor(w * dpr));
      canvas.height = Math.max(1, Math.floor(h * dpr));
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
    canvas.style.left = `${scroller.scrollLeft}px`;
    canvas.style.top = `${scroller.scrollTop}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const sx = scroller.scrollLeft;
    const sy = scroller.scrollTop;
    const r0 = Math.max(0, Math.floor(sy / ROW));
    const r1 = Math.min(numRows, Math.ceil((sy + h - HEAD) / ROW) + 1);
    const c0 = Math.max(0, Math.floor(sx / COL));
    const c1 = Math.min(cols.length, Math.ceil((sx + w - GUTTER) / COL) + 1);
    const X = (c: number): number => GUTTER + c * COL - sx;
    const Y = (halfRow: number): number => HEAD + (halfRow * ROW) / 2 - sy;
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px ui-monospace, Menlo, Consolas, monospace';
    ctx.textBaseline = 'middle';
    // Rows: block shading by loop depth, block boundaries.
    for (let r = r0; r < r1; r++) {
      const row = rows[r]!;
      const b = model.blocks[row.block]!;
      const y = Y(2 * r);
      const depth = Math.min(b.loopDepth, 5);
      ctx.fillStyle = depth > 0 ? `rgba(52, 120, 246, ${0.07 * depth})` : row.block % 2 ? '#fafafa' : '#fff';
      ctx.fillRect(0, y, w, ROW);
      if (row.kind === 'block') {
        ctx.fillStyle = 'rgba(0,0,0,0.06)';
        ctx.fillRect(0, y, w, ROW);
        ctx.fillStyle = '#333';
        ctx.fillRect(0, y, w, 1);
      }
    }
    // Column separators, class groups tinted.
    for (let c = c0; c < c1; c++) {
      const col = cols[c]!;
      const x = X(c);
      if (col.kind !== 'reg' || !col.allocatable) {
        ctx.fillStyle = col.kind === 'slot' ? 'rgba(230, 160, 40, 0.08)' : 'rgba(0,0,0,0.05)';
        ctx.fillRect(x, HEAD, COL, h);
      }
      ctx.fillStyle = 'rgba(0,0,0,0.07)';
      ctx.fillRect(x, HEAD, 1, h);
    }
    // Bars.
    frame++;
    let nBars = 0;
    const k0 = Math.floor(r0 / CHUNK);
    const k1 = Math.min(numChunks - 1, Math.floor(Math.max(r0, r1 - 1) / CHUNK));
    for (let k = k0; k <= k1; k++) {
      for (const i of barChunks[k]!) {
        if (stamp[i / 4] === frame) continue;
        stamp[i / 4] = frame;
        const c = bars[i]!;
        if (c < c0 || c >= c1 || bars[i + 3]! <= 2 * r0 || bars[i + 2]! >= 2 * r1) continue;
        const v = bars[i + 1]!;
        const y0 = Y(bars[i + 2]!);
        const y1 = Y(bars[i + 3]!);
        ctx.fillStyle = vregColor(v, 62);
        ctx.fillRect(X(c) + 4, y0, COL - 8, Math.max(1, y1 - y0));
        nBars++;
      }
    }
    // Marks and moves.
    let nMoves = 0;
    let nMarks = 0;
    ctx.textAlign = 'center';
    for (let r = r0; r < r1; r++) {
      const ym = Y(2 * r + 1);
      for (const i of marksAt[r]!) {
        const m = model.marks[i]!;
        if (m.column < c0 || m.column >= c1) continue;
        const xm = X(m.column) + COL / 2;
        ctx.strokeStyle = ctx.fillStyle = '#111';
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        if (m.kind === 'clobber') {
          ctx.strokeStyle = '#c0392b';
          ctx.moveTo(xm - 4, ym - 4);
          ctx.lineTo(xm + 4, ym + 4);
          ctx.moveTo(xm + 4, ym - 4);
          ctx.lineTo(xm - 4, ym + 4);
          ctx.stroke();
        } else if (m.kind === 'fixed-use' || m.kind === 'fixed-def' || m.kind === 'nonalloc') {
          if (m.kind === 'fixed-use') ctx.strokeRect(xm - 4, ym - 4, 8, 8);
          else ctx.fillRect(xm - 4, ym - 4, 8, 8);
        } else {
          ctx.arc(xm, ym, 3.5, 0, 2 * Math.PI);
          if (m.kind === 'def') ctx.fill();
          else {
            ctx.fillStyle = '#fff';
            ctx.fill();
            ctx.stroke();
          }
        }
        nMarks++;
      }
      for (const i of movesAt[r]!) {
        const m = model.moves[i]!;
        const xa = X(m.fromColumn) + COL / 2;
        const xb = X(m.toColumn) + COL / 2;
        const dir = xb >= xa ? 1 : -1;
        ctx.strokeStyle = ctx.fillStyle = MOVE_COLOR[m.kind]!;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(xa, ym, 2.5, 0, 2 * Math.PI);
        ctx.fill();
        ctx.beginPath();
        ctx.moveTo(xa, ym);
        ctx.lineTo(xb - dir * 5, ym);
        ctx.stroke();
        ctx.beginPath();
        ctx.moveTo(xb, ym);
        ctx.lineTo(xb - dir * 7, ym - 4);
        ctx.lineTo(xb - dir * 7, ym + 4);
        ctx.closePath();
        ctx.fill();
        nMoves++;
      }
    }
    // Gutter: the rows' text.
    ctx.textAlign = 'left';
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, HEAD, GUTTER, h);
    for (let r = r0; r < r1; r++) {
      const row = rows[r]!;
      const y = Y(2 * r);
      const depth = Math.min(model.blocks[row.block]!.loopDepth, 5);
      if (depth > 0) {
        ctx.fillStyle = `rgba(52, 120, 246, ${0.07 * depth})`;
        ctx.fillRect(0, y, GUTTER, ROW);
      }
      if (row.kind === 'block') {
        ctx.fillStyle = 'rgba(0,0,0,0.06)';
        ctx.fillRect(0, y, GUTTER, ROW);
        ctx.fillStyle = '#333';
        ctx.fillRect(0, y, w, 1);
      }
      ctx.fillStyle = row.kind === 'move' ? MOVE_COLOR[model.moves[row.move]!.kind]! : row.kind === 'block' ? '#000' : '#222';
      ctx.font = row.kind === 'block' ? 'bold 11px ui-monospace, Menlo, Consolas, monospace' : '11px ui-monospace, Menlo, Consolas, monospace';
      let text = row.text;
      if (text.length > 52) text = `${text.slice(0, 51)}…`;
      ctx.fillText(text, 4, y + ROW / 2);
    }
    ctx.fillStyle = '#999';
    ctx.fillRect(GUTTER - 1, HEAD, 1, h);
    // Header: column names.
    ctx.fillStyle = '#f4f4f4';
    ctx.fillRect(0, 0, w, HEAD);
    ctx.fillStyle = '#999';
    ctx.fillRect(0, HEAD - 1, w, 1);
    ctx.font = '10px ui-monospace, Menlo, Consolas, monospace';
    for (let c = c0; c < c1; c++) {
      const col = cols[c]!;
      ctx.save();
      ctx.translate(X(c) + COL / 2 + 3, HEAD - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.fillStyle = col.kind === 'slot' ? '#a0601a' : col.allocatable ? '#111' : '#888';
      ctx.fillText(col.name, 0, 0);
      ctx.restore();
    }
    ctx.fillStyle = '#f4f4f4';
    ctx.fillRect(0, 0, GUTTER, HEAD);
    ctx.fillStyle = '#333';
    ctx.font = '11px ui-monospace, Menlo, Consolas, monospace';
    ctx.fillText('program points ↓   locations →', 4, HEAD / 2);
    last = { bars: nBars, moves: nMoves, marks: nMarks, ms: performance.now() - t0 };
    root.dataset.drawnBars = String(nBars);
    root.dataset.drawnMoves = String(nMoves);
    root.dataset.drawnMarks = String(nMarks);
    root.dataset.drawMs = last.ms.toFixed(2);
    return last;
  };

  // Hover: a mark, else a move, else a bar under the pointer.
  const hoverText = (px: number, py: number): string | null => {
    const x = px + scroller.scrollLeft - GUTTER;
    const yy = py + scroller.scrollTop - HEAD;
    if (yy < 0) return null;
    const r = Math.floor(yy / ROW);
    if (r < 0 || r >= numRows) return null;
    if (x < 0) {
      const row = rows[r]!;
      const b = model.blocks[row.block]!;
      return row.kind === 'block'
        ? `${row.text}; loop depth ${b.loopDepth}; preds ${b.preds.join(', ') || '-'}; succs ${b.succs.join(', ') || '-'}`
        : row.text.trim();
    }
    const c = Math.floor(x / COL);
    if (c < 0 || c >= cols.length) return null;
    for (const i of marksAt[r]!) if (model.marks[i]!.column === c) return model.marks[i]!.text;
    for (const i of movesAt[r]!) {
      const m = model.moves[i]!;
      if (c >= Math.min(m.fromColumn, m.toColumn) && c <= Math.max(m.fromColumn, m.toColumn)) {
        return `${m.kind} move at ${m.point}: ${cols[m.fromColumn]?.name} → ${cols[m.toColumn]?.name}${m.vregs.length ? ` (${m.vregs.join(', ')})` : ''}`;
      }
    }
    const half = (2 * yy) / ROW;
    for (const i of barChunks[Math.floor(r / CHUNK)]!) {
      if (bars[i] === c && bars[i + 2]! <= half && bars[i + 3]! > half) {
        const from = rows[Math.floor(bars[i + 2]! / 2)]!;
        const to = rows[Math.min(numRows - 1, Math.floor((bars[i + 3]! - 1) / 2))]!;
        const span = from.inst === to.inst ? `inst ${from.inst}` : `insts ${from.inst}–${to.inst}`;
        return `${vregName(bars[i + 1]!)} in ${cols[c]!.name}, ${span} (block${from.block})`;
      }
    }
    return `${cols[c]!.name}`;
  };
  const onMove = (ev: MouseEvent): void => {
    const rect = scroller.getBoundingClientRect();
    const text = hoverText(ev.clientX - rect.left, ev.clientY - rect.top);
    if (text === null) {
      tip.style.display = 'none';
      return;
    }
    tip.textContent = text;
    tip.style.display = 'block';
    tip.style.left = `${ev.clientX + 14}px`;
    tip.style.top = `${ev.clientY + 14}px`;
  };
  const onLeave = (): void => {
    tip.style.display = 'none';
  };
  let pending = false;
  const schedule = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
  scroller.addEventListener('scroll', schedule);
  scroller.addEventListener('mousemove', onMove);
  scroller.addEventListener('mouseleave', onLeave);
  const resize = new ResizeObserver(schedule);
  resize.observe(scroller);
  draw();
  const api: MountedView = {
    model,
    draw,
    point(column, y) {
      const rect = scroller.getBoundingClientRect();
      return {
        x: rect.left + GUTTER + column * COL + COL / 2 - scroller.scrollLeft,
        y: rect.top + HEAD + (y * ROW) / 2 - scroller.scrollTop,
      };
    },
    scrollToRow(row) {
      scroller.scrollTop = row * ROW;
      draw();
    },
    destroy() {
      resize.disconnect();
      scroller.removeEventListener('scroll', schedule);
      root.textContent = '';
    },
  };
  (root as HTMLElement & { regallocView?: MountedView }).regallocView = api;
  return api;
}

/** The page's stylesheet (the HTML page and the playground share it). */
export const VIEW_CSS = `
.rv { display: flex; height: 100%; font: 13px system-ui, sans-serif; color: #222; }
.rv-side { width: 230px; flex: none; overflow: auto; border-right: 1px solid #ccc; padding: 8px; box-sizing: border-box; background: #fbfbfb; }
.rv-title { font-weight: 600; margin-bottom: 4px; word-break: break-all; }
.rv-sum, .rv-legend { font-size: 12px; color: #555; margin-bottom: 6px; }
.rv-blocks { margin: 0; padding-left: 0; list-style: none; font: 12px ui-monospace, Menlo, Consolas, monospace; }
.rv-blocks a { color: #1a5fb4; text-decoration: none; }
.rv-blocks a:hover { text-decoration: underline; }
.rv-main { flex: 1; position: relative; min-width: 0; }
.rv-scroll { position: absolute; inset: 0; overflow: auto; }
.rv-canvas { position: absolute; left: 0; top: 0; }
.rv-spacer { position: relative; }
.rv-tip { position: fixed; z-index: 10; pointer-events: none; background: #222; color: #fff; padding: 3px 6px; border-radius: 3px; font: 12px ui-monospace, Menlo, Consolas, monospace; max-width: 600px; }
`;
