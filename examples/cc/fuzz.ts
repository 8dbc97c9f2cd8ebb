// Differential fuzzer: random programs of the language (bounded loops, divisions guarded so
// they never trap, shift counts masked by the language), compiled with both allocators
// (every allocation proven by the checker), run natively and compared with the interpreter.
// A failing program is minimised (line-based delta debugging) and written out.
//
//   npx tsx examples/cc/fuzz.ts --count 10000 --seed 1 --out cc-fuzz-failures
//   npx tsx examples/cc/fuzz.ts --seconds 600

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CheckedProgram, checkSource } from './check.js';
import { type Algorithm, compileProgram } from './compile.js';
import { type RunResult, interpret } from './interp.js';

/** A small deterministic generator (xorshift32 seeded through splitmix). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    let z = (seed + 0x9e3779b9) | 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    this.s = (z ^ (z >>> 16)) | 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x;
    return x >>> 0;
  }
  below(n: number): number {
    return this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
}

type Ty = 'int' | 'float';
interface Var {
  name: string;
  ty: Ty;
  mutable: boolean;
}
interface Sig {
  name: string;
  params: Ty[];
  ret: Ty | 'void';
}

const INT_OPS = ['+', '-', '*', '&', '|', '^', '<<', '>>', '>>>', '==', '!=', '<', '<=', '>', '>='];
const FLOAT_OPS = ['+', '-', '*', '/'];
const CMP_OPS = ['==', '!=', '<', '<=', '>', '>='];
const SPECIAL_INTS = ['0', '1', '-1', '2', '63', '64', '255', '-9223372036854775808', '9223372036854775807', '4294967296', '-2147483648'];
const FLOATS = ['0.0', '1.0', '-1.0', '0.5', '2.25', '-3.75', '1000000.0', '0.001', '3.141592653589793', '1.0e15', '-7.0e-5'];

/** Generates one program's source. Array `g` has 64 elements; every index is masked to 0..63. */
export function generateProgram(rng: Rng): string {
  const lines: string[] = ['array g[64];'];
  const sigs: Sig[] = [];
  let nextName = 0;
  const fresh = (p: string) => `${p}${nextName++}`;

  const genFn = (sig: Sig, callable: Sig[]) => {
    const scopes: Var[][] = [sig.params.map((ty, i) => ({ name: `p${i}`, ty, mutable: true }))];
    const vars = (ty: Ty, mutable = false) => scopes.flat().filter((v) => v.ty === ty && (!mutable || v.mutable));
    const body: string[] = [];
    let loopDepth = 0;

    const intExpr = (d: number): string => {
      const r = rng.below(d <= 0 ? 3 : 14);
      const vs = vars('int');
      switch (r) {
        case 0:
          return rng.chance(0.3) ? `(${rng.pick(SPECIAL_INTS)})` : String(rng.below(21) - 10).replace(/^-(.*)/, '(-$1)');
        case 1:
        case 2:
          return vs.length > 0 ? rng.pick(vs).name : String(rng.below(100));
        case 3:
        case 4:
        case 5:
          return `(${intExpr(d - 1)} ${rng.pick(INT_OPS)} ${intExpr(d - 1)})`;
        case 6:
          return rng.chance(0.5)
            ? `(${intExpr(d - 1)} / ((${intExpr(d - 1)} & 255) + 1))`
            : `(${intExpr(d - 1)} % (0 - (${intExpr(d - 1)} & 127) - 2))`;
        case 7:
          return `(${rng.pick(['-', '~', '!'])}${intExpr(d - 1)})`;
        case 8:
          return `int(${floatExpr(d - 1)})`;
        case 9:
          return `g[${intExpr(d - 1)} & 63]`;
        case 10:
          return `(${floatExpr(d - 1)} ${rng.pick(CMP_OPS)} ${floatExpr(d - 1)})`;
        case 11:
        case 12: {
          const fs = callable.filter((s) => s.ret === 'int');
          return fs.length > 0 ? call(rng.pick(fs), d - 1) : intExpr(d - 1);
        }
        default:
          return `(${intExpr(d - 1)} ${rng.pick(['<<', '>>', '>>>'])} (${intExpr(d - 1)} & 63))`;
      }
    };
    const floatExpr = (d: number): string => {
      const r = rng.below(d <= 0 ? 3 : 9);
      const vs = vars('float');
      switch (r) {
        case 0: {
          const f = rng.pick(FLOATS);
          return f.startsWith('-') ? `(${f})` : f;
        }
        case 1:
        case 2:
          return vs.length > 0 ? rng.pick(vs).name : rng.pick(FLOATS).replace(/^-(.*)/, '(-$1)');
        case 3:
        case 4:
          return `(${floatExpr(d - 1)} ${rng.pick(FLOAT_OPS)} ${floatExpr(d - 1)})`;
        case 5:
          return `(-${floatExpr(d - 1)})`;
        case 6:
          return `float(${intExpr(d - 1)})`;
        default: {
          const fs = callable.filter((s) => s.ret === 'float');
          return fs.length > 0 ? call(rng.pick(fs), d - 1) : floatExpr(d - 1);
        }
      }
    };
    const expr = (ty: Ty, d: number) => (ty === 'int' ? intExpr(d) : floatExpr(d));
    const call = (s: Sig, d: number) => `${s.name}(${s.params.map((t) => expr(t, Math.min(d, 1))).join(', ')})`;

    const block = (indent: string, n: number, depth: number) => {
      scopes.push([]);
      for (let i = 0; i < n; i++) stmt(indent, depth);
      scopes.pop();
    };
    const stmt = (indent: string, depth: number) => {
      const r = rng.below(depth >= 2 ? 6 : 9);
      const d = 1 + rng.below(3);
      switch (r) {
        case 0:
        case 1: {
          const ty: Ty = rng.chance(0.7) ? 'int' : 'float';
          const name = fresh('v');
          body.push(`${indent}var ${name} = ${expr(ty, d)};`);
          scopes[scopes.length - 1]!.push({ name, ty, mutable: true });
          return;
        }
        case 2:
        case 3: {
          const ty: Ty = rng.chance(0.7) ? 'int' : 'float';
          const vs = vars(ty, true);
          if (vs.length === 0) return stmt(indent, depth);
          body.push(`${indent}${rng.pick(vs).name} = ${expr(ty, d)};`);
          return;
        }
        case 4:
          body.push(`${indent}g[${intExpr(1)} & 63] = ${intExpr(d)};`);
          return;
        case 5: {
          const t = rng.chance(0.5) ? 'int' : 'float';
          const voids = callable.filter((s) => s.ret === 'void');
          if (voids.length > 0 && rng.chance(0.3)) body.push(`${indent}${call(rng.pick(voids), 1)};`);
          else body.push(`${indent}print(${expr(t, d)});`);
          return;
        }
        case 6:
        case 7: {
          body.push(`${indent}if (${intExpr(2)}) {`);
          block(`${indent}  `, 1 + rng.below(3), depth + 1);
          // An early return (values live across it must survive on the other path).
          if (sig.name !== 'main' && rng.chance(0.15)) body.push(`${indent}  return${sig.ret === 'void' ? '' : ` ${expr(sig.ret, 1)}`};`);
          if (rng.chance(0.6)) {
            body.push(`${indent}} else {`);
            block(`${indent}  `, 1 + rng.below(3), depth + 1);
          }
          body.push(`${indent}}`);
          return;
        }
        default: {
          if (loopDepth >= 2) return stmt(indent, depth + 1);
          const i = fresh('i');
          body.push(`${indent}var ${i} = 0;`);
          scopes[scopes.length - 1]!.push({ name: i, ty: 'int', mutable: false });
          body.push(`${indent}while (${i} < ${1 + rng.below(6)}) {`);
          loopDepth++;
          block(`${indent}  `, 1 + rng.below(4), depth + 1);
          loopDepth--;
          body.push(`${indent}  ${i} = ${i} + 1;`, `${indent}}`);
          return;
        }
      }
    };

    scopes.push([]);
    // Sometimes many values live at once, beyond the register file, used again at the end.
    if (rng.chance(0.15)) {
      for (let k = 0; k < 20; k++) {
        const ty: Ty = k % 3 === 2 ? 'float' : 'int';
        const name = fresh('w');
        body.push(`  var ${name} = ${expr(ty, 1)};`);
        scopes[scopes.length - 1]!.push({ name, ty, mutable: false });
      }
    }
    for (let i = 3 + rng.below(10); i > 0; i--) stmt('  ', 0);
    const pressure = scopes[scopes.length - 1]!.filter((v) => v.name.startsWith('w'));
    const pick = (ty: Ty) => pressure.filter((v) => v.ty === ty).map((v) => v.name);
    if (pressure.length > 0) body.push(`  print(${pick('int').join(' ^ ')});`, `  print(${pick('float').join(' + ')});`);
    // Print what is live at the end, so that wrong values show in the output.
    for (const v of scopes.flat().slice(-6)) body.push(`  print(${v.name});`);
    if (sig.name === 'main') {
      body.push('  var sum = 0;', '  var k = 0;', '  while (k < 64) { sum = sum * 31 + g[k]; k = k + 1; }', '  print(sum);');
    }
    scopes.pop();
    const params = sig.params.map((t, i) => `p${i}: ${t}`).join(', ');
    lines.push(`fn ${sig.name}(${params})${sig.ret === 'void' ? '' : ` -> ${sig.ret}`} {`, ...body);
    if (sig.ret !== 'void') lines.push(`  return ${expr(sig.ret, 2)};`);
    lines.push('}');
  };

  const nFns = rng.below(4);
  for (let k = 0; k < nFns; k++) {
    const nParams = rng.chance(0.3) ? 6 + rng.below(7) : rng.below(5);
    const sig: Sig = {
      name: `f${k}`,
      params: Array.from({ length: nParams }, () => (rng.chance(0.7) ? 'int' : 'float') as Ty),
      ret: rng.pick(['int', 'int', 'float', 'void'] as const),
    };
    genFn(sig, [...sigs]);
    sigs.push(sig);
  }
  genFn({ name: 'main', params: [], ret: 'int' }, sigs);
  return lines.join('\n') + '\n';
}

export type Verdict =
  | { kind: 'ok' }
  | { kind: 'skip'; why: string }
  | { kind: 'fail'; algorithm: Algorithm; why: string };

/** Compiles `src` with both allocators (checked), runs each, and compares with the interpreter. */
export function runCase(src: string, dir: string): Verdict {
  let prog: CheckedProgram;
  let expected: RunResult;
  try {
    prog = checkSource(src);
    expected = interpret(prog, 2_000_000);
  } catch (e) {
    return { kind: 'skip', why: `${(e as Error).name}: ${(e as Error).message}` };
  }
  for (const algorithm of ['ion', 'fastalloc'] as const) {
    let elf: Uint8Array;
    try {
      elf = compileProgram(prog, { algorithm, check: true }).elf;
    } catch (e) {
      return { kind: 'fail', algorithm, why: `compile: ${(e as Error).name}: ${(e as Error).message}` };
    }
    const path = join(dir, `prog-${algorithm}`);
    writeFileSync(path, elf);
    chmodSync(path, 0o755);
    let r = spawnSync(path, { encoding: 'latin1', timeout: 10_000 });
    // A busy machine can stretch a run (print makes a syscall per byte): give it a minute before calling it a hang.
    if (r.signal === 'SIGTERM') r = spawnSync(path, { encoding: 'latin1', timeout: 60_000 });
    if (r.signal !== null) return { kind: 'fail', algorithm, why: r.signal === 'SIGTERM' ? 'still running after 60 s' : `killed by ${r.signal}` };
    if (r.stdout !== expected.stdout) return { kind: 'fail', algorithm, why: firstDifference(expected.stdout, r.stdout) };
    if (r.status !== expected.status) return { kind: 'fail', algorithm, why: `exit status ${r.status}, interpreter ${expected.status}` };
  }
  return { kind: 'ok' };
}

function firstDifference(expected: string, got: string): string {
  const a = expected.split('\n');
  const b = got.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `stdout line ${i + 1}: interpreter '${a[i] ?? '<end>'}', native '${b[i] ?? '<end>'}'`;
}

/** Line-based delta debugging: removes chunks of lines while the program still fails. */
export function minimize(src: string, fails: (src: string) => boolean): string {
  let lines = src.split('\n');
  for (let chunk = Math.max(1, lines.length >> 1); chunk >= 1; chunk >>= 1) {
    for (let progress = true; progress; ) {
      progress = false;
      for (let at = 0; at + chunk <= lines.length; ) {
        const candidate = [...lines.slice(0, at), ...lines.slice(at + chunk)];
        if (fails(candidate.join('\n'))) {
          lines = candidate;
          progress = true;
        } else at += chunk;
      }
    }
  }
  return lines.join('\n');
}

export interface FuzzStats {
  programs: number;
  ok: number;
  skipped: number;
  failures: { seed: number; src: string; minimized: string; verdict: Verdict }[];
}

/**
 * Compiles a batch of programs with both allocators (checked) and runs all the binaries
 * from one shell, so the cost of starting processes from Node is paid once per batch.
 * Returns per program 'ok', a 'skip' reason, or 'suspect' (to be judged by `runCase`).
 */
function screenBatch(srcs: string[], dir: string): ('ok' | 'suspect' | { skip: string })[] {
  const expected: (RunResult | undefined)[] = [];
  const results: ('ok' | 'suspect' | { skip: string })[] = [];
  const script: string[] = [];
  srcs.forEach((src, i) => {
    let prog: CheckedProgram;
    try {
      prog = checkSource(src);
      expected.push(interpret(prog, 2_000_000));
    } catch (e) {
      expected.push(undefined);
      results.push({ skip: `${(e as Error).name}: ${(e as Error).message}` });
      return;
    }
    results.push('ok');
    for (const algorithm of ['ion', 'fastalloc'] as const) {
      let elf: Uint8Array;
      try {
        elf = compileProgram(prog, { algorithm, check: true }).elf;
      } catch {
        results[i] = 'suspect';
        return;
      }
      const name = `b${i}-${algorithm}`;
      writeFileSync(join(dir, name), elf);
      chmodSync(join(dir, name), 0o755);
      script.push(`timeout 10 ./${name} > ${name}.out 2>/dev/null; echo $? > ${name}.st`);
    }
  });
  spawnSync('sh', ['-c', script.join('\n')], { cwd: dir });
  srcs.forEach((_, i) => {
    const want = expected[i];
    if (results[i] !== 'ok' || want === undefined) return;
    for (const algorithm of ['ion', 'fastalloc']) {
      const name = join(dir, `b${i}-${algorithm}`);
      // A status of 128+n (killed by signal n) that equals the expected status with the
      // expected output would pass here: too unlikely to matter, and any mismatch is rerun.
      const same =
        readFileSync(`${name}.out`, 'latin1') === want.stdout && Number(readFileSync(`${name}.st`, 'utf8')) === want.status;
      if (!same) results[i] = 'suspect';
    }
  });
  return results;
}

export function fuzz(opts: { seed: number; count: number; seconds?: number; out?: string; log?: (s: string) => void }): FuzzStats {
  const dir = mkdtempSync(join(tmpdir(), 'cc-fuzz-'));
  const stats: FuzzStats = { programs: 0, ok: 0, skipped: 0, failures: [] };
  const deadline = opts.seconds ? Date.now() + opts.seconds * 1000 : Infinity;
  const BATCH = 25;
  try {
    for (let i = 0; i < opts.count && Date.now() < deadline; i += BATCH) {
      const seeds = Array.from({ length: Math.min(BATCH, opts.count - i) }, (_, k) => opts.seed + i + k);
      const srcs = seeds.map((seed) => generateProgram(new Rng(seed)));
      const screened = screenBatch(srcs, dir);
      screened.forEach((r, k) => {
        const seed = seeds[k]!;
        const src = srcs[k]!;
        stats.programs++;
        const verdict: Verdict = r === 'ok' ? { kind: 'ok' } : r === 'suspect' ? runCase(src, dir) : { kind: 'skip', why: r.skip };
        if (verdict.kind === 'ok') stats.ok++;
        else if (verdict.kind === 'skip') stats.skipped++;
        else {
          const minimized = minimize(src, (s) => runCase(s, dir).kind === 'fail');
          stats.failures.push({ seed, src, minimized, verdict });
          opts.log?.(`seed ${seed}: ${verdict.algorithm}: ${verdict.why.split('\n')[0]}`);
          if (opts.out) {
            mkdirSync(opts.out, { recursive: true });
            writeFileSync(join(opts.out, `seed-${seed}.src`), src);
            writeFileSync(join(opts.out, `seed-${seed}.min.src`), minimized);
            writeFileSync(join(opts.out, `seed-${seed}.txt`), `${verdict.algorithm}: ${verdict.why}\n`);
          }
        }
        if (opts.log && stats.programs % 500 === 0) {
          opts.log(`${stats.programs} programs: ${stats.ok} ok, ${stats.skipped} skipped, ${stats.failures.length} failures`);
        }
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return stats;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '1000' },
      seconds: { type: 'string' },
      out: { type: 'string', default: 'cc-fuzz-failures' },
    },
  });
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const stats = fuzz({
    seed: Number(values.seed),
    count: values.seconds ? Infinity : Number(values.count),
    ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
    out: values.out,
    log,
  });
  log(`done: ${stats.programs} programs, ${stats.ok} ok, ${stats.skipped} skipped (interpreter trap or step limit), ${stats.failures.length} failures`);
  process.exitCode = stats.failures.length > 0 ? 1 : 0;
}
