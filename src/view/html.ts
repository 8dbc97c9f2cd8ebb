// The view as one self-contained HTML page: the drawing model as JSON, the
// page script and its stylesheet inline, nothing fetched from the network.

import { mountView, VIEW_CSS } from './client.js';
import type { ViewModel } from './model.js';

/** Text safe inside `<script>` and HTML text: no `<`, and no line separators JSON allows but JS did not. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** One HTML document that draws `model` (open it from disk; it needs no server). */
export function renderViewHtml(model: ViewModel): string {
  // `__name` is a no-op stand-in for the helper some TypeScript runners
  // insert into compiled function bodies (the page inlines mountView's text).
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.title)} — regalloc view</title>
<style>
html, body { margin: 0; height: 100%; }
${VIEW_CSS}
</style>
</head>
<body>
<div id="view" style="height: 100%"></div>
<script>
"use strict";
var __name = function (f) { return f; };
var mountView = ${mountView.toString()};
mountView(document.getElementById("view"), ${scriptJson(model)});
performance.mark("regalloc-view-ready");
</script>
</body>
</html>
`;
}
