import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { corpusFiles, CORPUS_DIR } from './support/corpus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('regalloc CLI', () => {
  it('validate rejects every invalid/ file, one line each, exit status 1', () => {
    const r = cli('validate', join(CORPUS_DIR, 'invalid'));
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, corpusFiles('invalid').length);
    for (const l of lines) assert.match(l, /: error [A-Za-z]+: /);
  });

  it('a reader that stops early (| head -1) gets its line and no crash', () => {
    const cmd = `"${process.execPath}" --import tsx "${join(root, 'src/cli/main.ts')}" validate "${join(CORPUS_DIR, 'invalid')}" | head -1; echo "status \${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', cwd: root });
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.match(lines[0]!, /: error [A-Za-z]+: /);
    assert.equal(lines[1], 'status 1');
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
  });

  it('validate --json gives one object per function, with the error place', () => {
    const r = cli('validate', '--json', join(CORPUS_DIR, 'invalid'));
    const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(objs.every((o) => o.ok === false && typeof o.error.kind === 'string'));
    const ssa = objs.find((o) => o.error.kind === 'SSA');
    assert.equal(typeof ssa.error.place.inst, 'number');
  });

  it('check accepts the references of a folder (exit 0) and reports regalloc2’s wrong ones (exit 1)', () => {
    const files = corpusFiles('fuzz').slice(0, 20);
    const ok = cli('check', ...files);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout.trim().split('\n').length, 20);
    const bad = corpusFiles('variants').filter((f) => f.includes('-stack')).slice(0, 6);
    const r = cli('check', '--algorithm', 'fastalloc', ...bad);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /CheckerError/);
  });

  it('a malformed file gets its JSON path, not a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regalloc-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ format: 'regalloc-func/1', env: { preferred: 3 } }));
    const r = cli('validate', file);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /Format: \$\.env\.preferred: expected an object/);
    assert.doesNotMatch(r.stdout + r.stderr, /at .*\.ts:\d+/);
  });

  it('allocate --algorithm fastalloc --check: identical to the reference, RESULT JSON with time_ns', () => {
    const files = corpusFiles('cranelift').slice(0, 10);
    const r = cli('allocate', '--algorithm', 'fastalloc', '--check', '--iterations', '3', '--json', ...files);
    assert.equal(r.status, 0, r.stderr);
    const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(objs.length, 10);
    for (const o of objs) {
      assert.equal(o.comparison, 'identical');
      assert.equal(o.result.checker, 'ok');
      assert.equal(typeof o.result.time_ns, 'number');
      assert.ok(Array.isArray(o.result.allocs) && Array.isArray(o.result.edits));
      assert.equal(o.result.name, o.name);
    }
    const text = cli('allocate', '--algorithm', 'fastalloc', files[0]!);
    assert.match(text.stdout, /: ok identical \(/);
  });

  it('fuzz finds nothing wrong in a short Fastalloc run and prints a summary', () => {
    const r = cli('fuzz', '--algorithm', 'fastalloc', '--cases', '30', '--seed', '7', '--size', 'small');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /30 cases .* 0 failures/);
  });

  it('fuzz --json prints one JSON object, plain and --mutate, and nothing on stderr', () => {
    const r = cli('fuzz', '--algorithm', 'ion', '--cases', '25', '--seed', '7', '--size', 'small', '--json');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    const o = JSON.parse(r.stdout) as { cases: number; allocations: number; failures: number; bySize: { small: number } };
    assert.equal(o.cases, 25);
    assert.equal(o.failures, 0);
    assert.equal(o.bySize.small, o.allocations);
    const m = cli('fuzz', '--mutate', '--algorithm', 'fastalloc', '--cases', '25', '--seed', '7', '--size', 'small', '--json');
    assert.equal(m.status, 0, m.stdout + m.stderr);
    assert.equal(m.stderr, '');
    const mo = JSON.parse(m.stdout) as { cases: number; skipped: number; runs: { fastalloc: number }; byKind: Record<string, { cases: number }> };
    assert.equal(mo.cases, 25);
    assert.equal(mo.runs.fastalloc, mo.cases - mo.skipped);
    assert.equal(Object.values(mo.byKind).reduce((n, k) => n + k.cases, 0), mo.runs.fastalloc);
  });

  it('usage errors exit with status 2', () => {
    assert.equal(cli('frobnicate', 'x').status, 2);
    assert.equal(cli('validate').status, 2);
  });

  it('numeric and choice flags are checked before anything runs', () => {
    for (const [args, pattern] of [
      [['fuzz', '--seconds', 'abc'], /--seconds must be a positive number, not 'abc'/],
      [['fuzz', '--cases', '-3'], /--cases/],
      [['fuzz', '--cases', '2.5'], /--cases must be an integer/],
      [['fuzz', '--size', 'huge', '--cases', '1'], /--size must be small, medium, large or mixed, not 'huge'/],
      [['allocate', '--iterations', '0', join(CORPUS_DIR, 'fuzz')], /--iterations must be an integer from 1/],
      // The value of --algorithm forgotten: the file name is not taken for it.
      [['allocate', '--algorithm', corpusFiles('fuzz')[0]!], /no file or folder given \(--algorithm took '.*fuzz-.*' as its value\)/],
      [['allocate', '--algorithm', corpusFiles('fuzz')[0]!, corpusFiles('fuzz')[1]!], /--algorithm must be ion or fastalloc, not '.*fuzz-/],
      [['fuzz', '--out', '--json', '--cases', '1'], /forget to specify the option argument for '--out'/],
    ] as const) {
      const r = cli(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.equal(r.stdout, '');
    }
  });

  it('a flag that does not apply to the command is an error', () => {
    const r = cli('validate', '--check', join(CORPUS_DIR, 'invalid'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /regalloc validate: Unknown option '--check'/);
    assert.match(r.stderr, /regalloc validate --help/);
    assert.equal(cli('fuzz', '--iterations', '3', '--cases', '1').status, 2);
  });

  it('each command has its own --help listing only its options', () => {
    const r = cli('fuzz', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage: regalloc fuzz/);
    assert.match(r.stdout, /--seconds S/);
    assert.doesNotMatch(r.stdout, /--iterations/);
    const v = cli('help', 'allocate');
    assert.match(v.stdout, /--iterations N/);
    assert.match(cli('--help').stdout, /validate .*\n.*check .*\n.*allocate .*\n.*fuzz /s);
  });

  it('a folder with no input files is a warning with status 2; a missing path is named', () => {
    const empty = mkdtempSync(join(tmpdir(), 'regalloc-empty-'));
    const r = cli('validate', empty);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /warning: no \.json, \.json\.gz or \.ra files in /);
    const missing = join(empty, 'nope.json');
    const m = cli('allocate', missing);
    assert.equal(m.status, 2);
    assert.match(m.stderr, new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file or folder`));
  });

  it("errors name registers after a text file's own register names (JSON keeps the generic form)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'regalloc-names-'));
    const file = join(dir, 'bad.ra');
    const text = readFileSync(join(root, 'examples', 'call.ra'), 'utf8').replace('clobbers rcx, rdx', 'clobbers rax, rcx, rdx');
    writeFileSync(file, text);
    const r = cli('validate', file);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /ClobberDefConflict: .*fixed\(rax\)\): rax is also clobbered/);
    assert.match(r.stderr, /^1 function, 1 failed$/m);
    const j = JSON.parse(cli('validate', '--json', file).stdout);
    assert.match(j.error.message, /p0i is also clobbered/);
  });

  it('bench --stream prints one line per pass and a summary; --first times the first two calls', () => {
    // A few functions of two machines (two envs, shared by the loader).
    const dir = mkdtempSync(join(tmpdir(), 'regalloc-bench-'));
    const files = corpusFiles('cranelift');
    const some = [...files.slice(0, 6), ...files.slice(-6)];
    for (const f of some) writeFileSync(join(dir, f.split('/').pop()!), readFileSync(f));
    for (const algorithm of ['ion', 'fastalloc']) {
      const r = cli('bench', '--stream', '--json', '--passes', '3', '--algorithm', algorithm, dir);
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => l.kind), ['pass', 'pass', 'pass', 'summary']);
      const summary = lines[3];
      assert.equal(summary.functions, some.length);
      assert.equal(summary.algorithm, algorithm);
      assert.ok(summary.nativeNs > 0 && summary.pass1Ns > 0 && summary.bestWarmNs > 0);
      assert.equal(summary.pass1Ratio, summary.pass1Ns / summary.nativeNs);
      assert.equal(summary.bestWarmNs, lines[2].ns); // the only pass of 3+
      // On Linux the main thread's own time and its wait for a core, which add up
      // to the wall time at most (to within the kernel's accounting tick, a few ms).
      if (process.platform === 'linux') {
        for (const pass of lines.slice(0, 3)) {
          assert.ok(pass.mainNs > 0 && pass.waitNs >= 0, JSON.stringify(pass));
          assert.ok(pass.mainNs + pass.waitNs <= pass.ns + 20e6, JSON.stringify(pass));
        }
        assert.equal(summary.pass1MainRatio, lines[0].mainNs / summary.nativeNs);
      }
    }
    // --repeat 2: each function twice in a row, only the second call timed (no CPU split).
    const hot = cli('bench', '--stream', '--json', '--passes', '2', '--repeat', '2', dir);
    assert.equal(hot.status, 0, hot.stderr);
    const hotLines = hot.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(hotLines.map((l) => l.kind), ['pass', 'pass', 'summary']);
    assert.equal(hotLines[2].repeat, 2);
    assert.ok(hotLines[0].ns > 0 && hotLines[0].cpuNs === null && hotLines[2].pass1CpuRatio === null);
    assert.match(cli('bench', '--stream', '--passes', '1', '--repeat', '2', dir).stdout, /run 2 times in a row, the last call timed/);
    const hotFirst = cli('bench', '--first', '--repeat', '2', dir);
    assert.equal(hotFirst.status, 2);
    assert.match(hotFirst.stderr, /--repeat goes with --stream/);
    const text = cli('bench', '--stream', '--passes', '1', dir).stdout;
    if (process.platform === 'linux') assert.match(text, /main thread ran [\d.]+ ms, waited [\d.]+ ms for a core/);
    const first = JSON.parse(cli('bench', '--first', '--json', some[0]!).stdout);
    assert.equal(first.kind, 'first');
    assert.ok(first.firstNs > 0 && first.secondNs > 0 && first.insts > 0);
    const both = cli('bench', '--stream', '--first', dir);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /exactly one of --stream and --first/);
  });
});
