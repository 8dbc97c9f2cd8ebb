// `npx tsx bench/profile_top.ts <file.cpuprofile> [N]`: the N functions (default
// 25) with the most self time in a V8 CPU profile (`node --cpu-prof`), with
// their share, to attribute a bench run's time without a GUI.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const [path, n = '25'] = process.argv.slice(2);
if (!path) throw new Error('usage: profile_top.ts <file.cpuprofile> [N]');
const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
for (const id of profile.samples) {
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
// One write: a reader that stops early (`| head`) then gets no broken pipe mid-list.
const lines = [...self]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(n))
  .map(([key, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}\n`);
process.stdout.write(lines.join(''));
