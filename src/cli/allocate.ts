// `regalloc allocate <path...>`: allocate each function, compare with the
// file's reference result, optionally check our output and time it.

import { nameRegisters, type RegNames } from '../model/regs.js';
import { validateFunction } from '../analysis/validate.js';
import { pointToString } from '../model/allocation.js';
import { allocate } from '../allocate.js';
import { compareOutputs } from '../io/compare.js';
import { outputRecord, resultToJson } from '../io/corpus.js';
import { readInputFile } from '../io/files.js';
import type { Function, MachineEnv, Output } from '../model/function.js';
import { checkOutput } from '../checker/index.js';
import { formatScore, score } from '../score/index.js';
import { ALGORITHM_OPTION, choiceOption, type Command, intOption } from './command.js';
import { displayName } from './files.js';
import { errorJson, errorText, fileRegNames, report, type Reporter } from './report.js';
import { Progress } from './progress.js';
import { WorkerPool } from '../batch/pool.js';
import { statSync } from 'node:fs';

export type Algorithm = 'ion' | 'fastalloc';

export const allocateCommand: Command = {
  name: 'allocate',
  summary: "allocate each function, print the result and compare it with the file's regalloc2 reference",
  args: '<file|dir>...',
  description:
    "Each line says 'identical' or the first difference from the reference. With --json each line carries\n" +
    'our result in the corpus RESULT form (FORMAT.md) with the function name.',
  options: {
    algorithm: ALGORITHM_OPTION,
    check: { type: 'boolean', help: 'prove our output with the checker' },
    iterations: { type: 'string', value: 'N', help: 'allocate N times and report the median time as time_ns (default 1)' },
    jobs: { type: 'string', value: 'N', help: 'spread the files over N worker threads (default 1: this thread); output order is kept' },
    annotate: { type: 'boolean', help: "print Ion's notes per program point" },
  },
  takesPaths: true,
  async run({ values, files, reporter }) {
    const opts: AllocateCommandOptions = {
      algorithm: choiceOption(values, 'algorithm', ['ion', 'fastalloc'], 'ion'),
      iterations: intOption(values, 'iterations', 1, 1_000_000) ?? 1,
      check: values.check ? checkOutput : undefined,
      annotate: values.annotate === true,
    };
    const jobs = intOption(values, 'jobs', 1, 256) ?? 1;
    if (jobs > 1 && files.length > 1) await runAllocateJobs(files, opts, Math.min(jobs, files.length), reporter);
    else runAllocate(files, opts, reporter);
  },
};

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

/** One function's report line: what `report` prints, as data (it crosses from a worker thread). */
export interface FileReport {
  name: string;
  ok: boolean;
  text: string;
  fields: Record<string, unknown>;
}

/** Reads, validates and allocates one file, checks and compares the output: its report line. */
export function allocateFile(path: string, opts: AllocateCommandOptions): FileReport {
  let name = displayName(path);
  let names: RegNames | undefined;
  try {
    const c = readInputFile(path);
    name = displayName(path, c.name);
    names = fileRegNames(c);
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
    const cost = score(c.func, out, { env: c.env });
    const result = { name, ...resultToJson(outputRecord(out, checker, timeNs)), score: cost };
    let text = `ok ${vs} (${out.edits.length} edits, ${out.numSpillslots} slots, score ${formatScore(cost)}, ${timeNs} ns)`;
    if (out.annotations) {
      const points = [...out.annotations.keys()].sort((a, b) => a - b);
      for (const p of points) for (const a of out.annotations.get(p)!) text += `\n  ${pointToString(p)}: ${names ? nameRegisters(a, names) : a}`;
    }
    return { name, ok: true, text, fields: { file: path, comparison: vs, result } };
  } catch (e) {
    return { name, ok: false, text: `error ${errorText(e, names)}`, fields: { file: path, error: errorJson(e) } };
  }
}

export function runAllocate(files: readonly string[], opts: AllocateCommandOptions, r: Reporter): void {
  const progress = Progress.create(files.length, r.json);
  for (let i = 0; i < files.length; i++) {
    const line = allocateFile(files[i]!, opts);
    progress?.clear();
    report(r, line.name, line.ok, line.text, line.fields);
    progress?.update(i + 1);
  }
  progress?.finish();
}

/**
 * `--jobs N`: the files go to N worker threads (each reads, allocates,
 * checks and compares with one allocator context for its life); lines are
 * printed in file order as soon as every earlier one is known.
 */
export async function runAllocateJobs(files: readonly string[], opts: AllocateCommandOptions, jobs: number, r: Reporter): Promise<void> {
  const progress = Progress.create(files.length, r.json);
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const workerData: AllocateWorkerData = { algorithm: opts.algorithm, iterations: opts.iterations, check: opts.check !== undefined, annotate: opts.annotate ?? false };
  const pool = new WorkerPool<string, FileReport>({ script: new URL(`./allocate_worker${ext}`, import.meta.url), workerData, workers: jobs });
  const sizes = new Map(files.map((f) => [f, statSync(f).size]));
  try {
    await pool.run(files, {
      weight: (f) => sizes.get(f)!,
      chunkWeight: 32 * 1024,
      onResults: (start, lines) => {
        progress?.clear();
        for (const line of lines) report(r, line.name, line.ok, line.text, line.fields);
        progress?.update(start + lines.length);
      },
    });
  } finally {
    progress?.finish();
    await pool.close();
  }
}

/** @internal What `--jobs` workers are told. */
export interface AllocateWorkerData {
  algorithm: Algorithm;
  iterations: number;
  check: boolean;
  annotate: boolean;
}
