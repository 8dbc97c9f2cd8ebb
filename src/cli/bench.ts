// `regalloc bench --stream <dir>...` and `regalloc bench --first <file|dir>...`:
// the allocators timed the way a compiler uses them. A stream loads every
// function first (parsing is not timed), then allocates each function once
// per pass, in file order, through one reused context, and reports each
// pass's total against the summed native `time_ns` of the same functions.
// `--first` times the very first allocation in this (fresh) process, and the
// second. Both are meant to run in a process of their own: the first pass of
// the first folder is the only cold one.

import { readFileSync } from 'node:fs';
import { readInputFile } from '../io/files.js';
import { envToJson } from '../io/corpus.js';
import { FastallocContext } from '../fastalloc/index.js';
import { IonContext } from '../ion/index.js';
import type { Function, MachineEnv, Output, RegallocOptions } from '../model/function.js';
import { ALGORITHM_OPTION, checkPathsExist, choiceOption, type Command, intOption, UsageError } from './command.js';
import { expandPaths } from './files.js';

interface BenchFunction {
  name: string;
  func: Function;
  env: MachineEnv;
  insts: number;
  nativeNs: number;
}

interface Allocator {
  run(func: Function, env: MachineEnv, options?: RegallocOptions): Output;
}

/** One stream pass over one folder. */
export interface PassFigures {
  folder: string;
  algorithm: string;
  pass: number;
  functions: number;
  insts: number;
  /** Wall time of the pass (with `--repeat N`, of each function's last call, summed). */
  ns: number;
  /** CPU time of the process over the pass (user + system, all threads: the JIT's and GC's helpers too); null with `--repeat`. */
  cpuNs: number | null;
  /** Time this (the main) thread ran on a CPU, or null where the system does not say (Linux only; to within the kernel's accounting tick, a few ms). */
  mainNs: number | null;
  /** Time this thread was ready to run but waited for a CPU (taken by V8's compiler and GC threads, or other processes), or null. */
  waitNs: number | null;
  nativeNs: number;
}

/**
 * This thread's [time on a CPU, time waiting for one] in ns, from Linux's
 * schedstat, or null where there is none. It splits a pass's wall time into
 * the allocator's own work and the time V8's background threads (the
 * optimizing compiler, above all, in a fresh process) held the cores.
 */
function threadSchedNs(): [number, number] | null {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? [run!, wait!] : null;
  } catch {
    return null;
  }
}

/** `f()`'s wall, process CPU, main-thread CPU and main-thread wait times, in ns. */
function timed(f: () => void): { ns: number; cpuNs: number; mainNs: number | null; waitNs: number | null } {
  const s0 = threadSchedNs();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  f();
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  const s1 = threadSchedNs();
  const sched = s0 !== null && s1 !== null;
  return { ns, cpuNs: (cpu.user + cpu.system) * 1000, mainNs: sched ? s1[0] - s0[0] : null, waitNs: sched ? s1[1] - s0[1] : null };
}

/** `; <who> ran A ms, waited B ms for a core`, or nothing where the system does not say. */
function mainThreadText(mainNs: number | null, waitNs: number | null, who = 'main thread'): string {
  return mainNs === null || waitNs === null ? '' : `; ${who} ran ${ms(mainNs)} ms, waited ${ms(waitNs)} ms for a core`;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'time the allocators as a compiler uses them: a stream of functions, or the first call',
  args: '<file|dir>...',
  description:
    '--stream: every function is loaded first (untimed), then each pass allocates every function once, in file\n' +
    'order, with one context; each pass prints its total, M insts/s and the ratio to the summed native time_ns\n' +
    '(regalloc2 0.15.2; each native figure is a warm median, so the reference is optimistic for native).\n' +
    'Each folder argument is one stream; only the first pass of the first one is cold.\n' +
    '--repeat N (with --stream): each pass allocates each function N times in a row and times only the last\n' +
    'call, so that the timed call finds the function in the cache, as native time_ns (a median of repeated\n' +
    'calls on one function) does; the difference from a plain stream is the cost of the function coming cold.\n' +
    '--first: the time of the very first allocation in this process (and of the second call).\n' +
    "Only functions whose reference succeeded are timed. 'npm run bench' times each function on its own.",
  options: {
    stream: { type: 'boolean', help: 'time whole folders, once per pass' },
    first: { type: 'boolean', help: 'time the first allocation of the first function in a fresh process' },
    algorithm: ALGORITHM_OPTION,
    passes: { type: 'string', value: 'N', help: 'passes over each folder with --stream (default 5)' },
    repeat: { type: 'string', value: 'N', help: 'with --stream: calls per function in a row, the last one timed (default 1)' },
  },
  takesPaths: false,
  run({ values, positionals }) {
    const algorithm = choiceOption(values, 'algorithm', ['ion', 'fastalloc'], 'ion');
    const passes = intOption(values, 'passes', 1, 100_000) ?? 5;
    const repeat = intOption(values, 'repeat', 1, 1000) ?? 1;
    if (values.stream === values.first) throw new UsageError('give exactly one of --stream and --first');
    if (repeat !== 1 && values.first) throw new UsageError('--repeat goes with --stream');
    if (positionals.length === 0) throw new UsageError('no file or folder given');
    checkPathsExist(positionals);
    const json = values.json === true;
    const ctx: Allocator = algorithm === 'fastalloc' ? new FastallocContext() : new IonContext();
    const groups = loadGroups(positionals, algorithm);
    if (values.first) runFirst(groups, ctx, algorithm, json);
    else runStream(groups, ctx, algorithm, passes, repeat, json);
  },
};

/** Loads each path's functions (a folder or a file is one group), keeping those with a successful reference. */
function loadGroups(paths: readonly string[], algorithm: 'ion' | 'fastalloc'): Map<string, BenchFunction[]> {
  const groups = new Map<string, BenchFunction[]>();
  // A compiler describes its machine once and hands the same env to every
  // function; each corpus file carries its own copy. Equal envs are shared,
  // so the stream measures allocation rather than re-reading an env per call.
  const envs = new Map<string, MachineEnv>();
  const shared = (env: MachineEnv): MachineEnv => {
    const key = JSON.stringify(envToJson(env));
    const known = envs.get(key);
    if (known !== undefined) return known;
    envs.set(key, env);
    return env;
  };
  for (const path of paths) {
    const list: BenchFunction[] = [];
    for (const file of expandPaths([path])) {
      const c = readInputFile(file);
      const ref = c.reference[algorithm];
      if (!ref?.ok || ref.timeNs === undefined) continue;
      list.push({ name: c.name, func: c.func, env: shared(c.env), insts: c.func.numInsts(), nativeNs: ref.timeNs });
    }
    if (list.length === 0) throw new UsageError(`${path}: no function with a successful ${algorithm} reference`);
    groups.set(path, list);
  }
  return groups;
}

const ms = (ns: number) => (ns / 1e6).toFixed(ns < 1e8 ? 2 : 1);
const mips = (insts: number, ns: number) => ((insts / ns) * 1e3).toFixed(3);

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * A pass that allocates each function `repeat` times in a row and times only
 * the last call of each: the function's data and the context's buffers are
 * then in the cache, as in native's figures. Process CPU time is not split
 * out (the untimed calls would be in it), so it is null.
 */
function hotPass(fns: readonly BenchFunction[], ctx: Allocator, repeat: number): { ns: number; cpuNs: null; mainNs: null; waitNs: null } {
  let ns = 0;
  for (let i = 0; i < fns.length; i++) {
    const f = fns[i]!;
    for (let r = 1; r < repeat; r++) ctx.run(f.func, f.env);
    const t0 = process.hrtime.bigint();
    ctx.run(f.func, f.env);
    ns += Number(process.hrtime.bigint() - t0);
  }
  return { ns, cpuNs: null, mainNs: null, waitNs: null };
}

function runStream(groups: Map<string, BenchFunction[]>, ctx: Allocator, algorithm: string, passes: number, repeat: number, json: boolean): void {
  for (const [folder, fns] of groups) {
    const insts = fns.reduce((a, f) => a + f.insts, 0);
    const nativeNs = fns.reduce((a, f) => a + f.nativeNs, 0);
    const all: PassFigures[] = [];
    if (!json) {
      process.stdout.write(
        `${folder} (${algorithm}): ${fns.length} functions, ${insts} insts; native summed time_ns ${ms(nativeNs)} ms, ${mips(insts, nativeNs)} M insts/s` +
          (repeat === 1 ? '\n' : `; each function run ${repeat} times in a row, the last call timed\n`),
      );
    }
    for (let pass = 1; pass <= passes; pass++) {
      const t =
        repeat === 1
          ? timed(() => {
              for (let i = 0; i < fns.length; i++) {
                const f = fns[i]!;
                ctx.run(f.func, f.env);
              }
            })
          : hotPass(fns, ctx, repeat);
      const figures: PassFigures = { folder, algorithm, pass, functions: fns.length, insts, ...t, nativeNs };
      all.push(figures);
      if (json) process.stdout.write(JSON.stringify({ kind: 'pass', ...figures, ratio: t.ns / nativeNs }) + '\n');
      else {
        process.stdout.write(
          `  pass ${String(pass).padStart(2)}: ${ms(t.ns).padStart(9)} ms  ${mips(insts, t.ns)} M insts/s  ${(t.ns / nativeNs).toFixed(2)}x native` +
            (t.cpuNs === null ? '\n' : `  (cpu ${ms(t.cpuNs)} ms, ${(t.cpuNs / nativeNs).toFixed(2)}x${mainThreadText(t.mainNs, t.waitNs)})\n`),
        );
      }
    }
    const warm = all.slice(2);
    const best = warm.length > 0 ? Math.min(...warm.map((p) => p.ns)) : undefined;
    const cpus = warm.map((p) => p.cpuNs).filter((c) => c !== null);
    const bestCpu = cpus.length > 0 ? Math.min(...cpus) : undefined;
    const cpu1 = all[0]!.cpuNs;
    const summary = {
      kind: 'summary',
      folder,
      algorithm,
      functions: fns.length,
      insts,
      repeat,
      nativeNs,
      pass1Ns: all[0]!.ns,
      pass1Ratio: all[0]!.ns / nativeNs,
      bestWarmNs: best ?? null,
      bestWarmRatio: best === undefined ? null : best / nativeNs,
      pass1CpuRatio: cpu1 === null ? null : cpu1 / nativeNs,
      pass1MainRatio: all[0]!.mainNs === null ? null : all[0]!.mainNs / nativeNs,
      pass1WaitRatio: all[0]!.waitNs === null ? null : all[0]!.waitNs / nativeNs,
      bestWarmCpuRatio: bestCpu === undefined ? null : bestCpu / nativeNs,
      peakRssMb: peakRssMb(),
    };
    if (json) process.stdout.write(JSON.stringify(summary) + '\n');
    else {
      process.stdout.write(
        `  pass 1 ${summary.pass1Ratio.toFixed(2)}x native` +
          (best === undefined ? '' : `, best of passes 3+ ${(best / nativeNs).toFixed(2)}x native`) +
          (summary.pass1CpuRatio === null
            ? ''
            : ` (cpu: ${summary.pass1CpuRatio.toFixed(2)}x` + (bestCpu === undefined ? '' : `, ${(bestCpu / nativeNs).toFixed(2)}x`) + ')') +
          (summary.pass1MainRatio === null || summary.pass1WaitRatio === null
            ? ''
            : `; pass 1's main thread ran ${summary.pass1MainRatio.toFixed(2)}x and waited ${summary.pass1WaitRatio.toFixed(2)}x`) +
          `; peak RSS ${summary.peakRssMb} MB\n`,
      );
    }
  }
}

function runFirst(groups: Map<string, BenchFunction[]>, ctx: Allocator, algorithm: string, json: boolean): void {
  const f = groups.values().next().value![0]!;
  const calls = [timed(() => ctx.run(f.func, f.env)), timed(() => ctx.run(f.func, f.env))] as const;
  const [firstNs, secondNs] = [calls[0].ns, calls[1].ns];
  const [firstCpuNs, secondCpuNs] = [calls[0].cpuNs, calls[1].cpuNs];
  const [firstMainNs, firstWaitNs] = [calls[0].mainNs, calls[0].waitNs];
  if (json) {
    process.stdout.write(
      JSON.stringify({ kind: 'first', name: f.name, algorithm, insts: f.insts, firstNs, secondNs, firstCpuNs, secondCpuNs, firstMainNs, firstWaitNs, nativeNs: f.nativeNs }) + '\n',
    );
  } else {
    process.stdout.write(
      `${f.name} (${algorithm}, ${f.insts} insts): first call ${ms(firstNs)} ms, second ${ms(secondNs)} ms (cpu ${ms(firstCpuNs)} and ${ms(secondCpuNs)} ms); native ${ms(f.nativeNs)} ms (${(firstNs / f.nativeNs).toFixed(1)}x, ${(secondNs / f.nativeNs).toFixed(1)}x)${mainThreadText(firstMainNs, firstWaitNs, 'in the first call the main thread')}\n`,
    );
  }
}
