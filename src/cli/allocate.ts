// `regalloc allocate <path...>`: allocate each function, compare with the
// file's reference result, optionally check our output and time it.

import { validateFunction } from '../analysis/validate.js';
import { pointToString } from '../model/allocation.js';
import { allocate } from '../allocate.js';
import { compareOutputs } from '../io/compare.js';
import { outputRecord, readCorpusFile, resultToJson } from '../io/corpus.js';
import type { Function, MachineEnv, Output } from '../model/function.js';
import { displayName } from './validate.js';
import { expandPaths } from './files.js';
import { errorJson, errorText, report, type Reporter } from './report.js';

export type Algorithm = 'ion' | 'fastalloc';

export interface AllocateCommandOptions {
  algorithm: Algorithm;
  /** Our checker, run on our output when `--check` is given. */
  check?: (func: Function, env: MachineEnv, out: Output) => void;
  iterations: number;
  /** Print Ion's debug annotations per program point. */
  annotate?: boolean;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function runAllocate(paths: string[], opts: AllocateCommandOptions, r: Reporter): void {
  for (const path of expandPaths(paths)) {
    let name = displayName(path);
    try {
      const c = readCorpusFile(path);
      name = displayName(path, c.name);
      validateFunction(c.func, c.env);
      const times: number[] = [];
      let out!: Output;
      for (let i = 0; i < Math.max(1, opts.iterations); i++) {
        const t0 = process.hrtime.bigint();
        out = allocate(c.func, c.env, { algorithm: opts.algorithm, validateSsa: false, annotate: opts.annotate ?? false });
        times.push(Number(process.hrtime.bigint() - t0));
      }
      const timeNs = median(times);
      let checker = 'not run';
      if (opts.check) {
        opts.check(c.func, c.env, out);
        checker = 'ok';
      }
      const ref = c.reference[opts.algorithm];
      let vs: string;
      if (!ref) vs = 'no reference';
      else if (!ref.ok) vs = `reference failed (${ref.error})`;
      else {
        const cmp = compareOutputs(out, ref.output);
        vs = cmp.identical ? 'identical' : `differs: ${cmp.detail}`;
      }
      const result = { name, ...resultToJson(outputRecord(out, checker, timeNs)) };
      let text = `ok ${vs} (${out.edits.length} edits, ${out.numSpillslots} slots, ${timeNs} ns)`;
      if (out.annotations) {
        const points = [...out.annotations.keys()].sort((a, b) => a - b);
        for (const p of points) for (const a of out.annotations.get(p)!) text += `\n  ${pointToString(p)}: ${a}`;
      }
      report(r, name, true, text, {
        file: path,
        comparison: vs,
        result,
      });
    } catch (e) {
      report(r, name, false, `error ${errorText(e)}`, { file: path, error: errorJson(e) });
    }
  }
}
