#!/usr/bin/env node
// The `regalloc` command: validate, check, allocate and fuzz corpus-format functions.

import { parseArgs } from 'node:util';
import type { Reporter } from './report.js';
import { checkOutput } from '../checker/index.js';
import { runAllocate } from './allocate.js';
import { runCheck } from './check.js';
import { runFuzzCommand } from './fuzz.js';
import { runValidate } from './validate.js';

const USAGE = `usage: regalloc <command> [options] <file|dir>...

commands:
  validate <path>...                  validate functions (structure, operands, CFG, SSA)
  check <path>... [--algorithm A]     validate, then check the stored reference result of A (ion|fastalloc)
                                      with our checker; a reference that is an error is reported, not checked
  allocate <path>... [--algorithm A] [--check] [--iterations N]
                                      allocate, print the result (FORMAT.md RESULT with name) and compare it
                                      with the file's reference: 'identical' or the first difference;
                                      --check proves our output with the checker; --iterations N reports the
                                      median time as time_ns; --annotate prints Ion's notes per program point
  fuzz [--algorithm ion|fastalloc|both] [--cases N | --seconds S] [--seed S]
       [--size small|medium|large|mixed] [--out DIR]
                                      generate, validate, allocate and check random functions; on a failure,
                                      write the function and a minimized one to DIR and exit 1

options:
  --json        one JSON object per function
  -h, --help    this help

Folders are searched recursively for .json and .json.gz files. Exit status 1 if any function failed.`;

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    if (command === undefined) process.exitCode = 2;
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        algorithm: { type: 'string' },
        check: { type: 'boolean', default: false },
        annotate: { type: 'boolean', default: false },
        iterations: { type: 'string', default: '1' },
        cases: { type: 'string' },
        seconds: { type: 'string' },
        seed: { type: 'string' },
        size: { type: 'string', default: 'mixed' },
        out: { type: 'string', default: 'fuzz-failures' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`regalloc: ${(e as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (command === 'fuzz') {
    try {
      runFuzzCommand(values);
    } catch (e) {
      process.stderr.write(`regalloc fuzz: ${(e as Error).message}\n`);
      process.exitCode = 2;
    }
    return;
  }
  if (positionals.length === 0) {
    process.stderr.write(`regalloc ${command}: no file or folder given\n`);
    process.exitCode = 2;
    return;
  }
  const r: Reporter = { json: values.json, failures: 0, total: 0 };
  try {
    switch (command) {
      case 'validate':
        runValidate(positionals, r);
        break;
      case 'allocate': {
        const alg = values.algorithm ?? 'ion';
        if (alg !== 'ion' && alg !== 'fastalloc') throw new Error(`--algorithm must be ion or fastalloc, not '${alg}'`);
        const iterations = Number(values.iterations);
        if (!Number.isInteger(iterations) || iterations < 1) throw new Error('--iterations must be a positive integer');
        runAllocate(positionals, { algorithm: alg, iterations, check: values.check ? checkOutput : undefined, annotate: values.annotate }, r);
        break;
      }
      case 'check': {
        const alg = values.algorithm ?? 'ion';
        if (alg !== 'ion' && alg !== 'fastalloc') throw new Error(`--algorithm must be ion or fastalloc, not '${alg}'`);
        runCheck(positionals, alg, r);
        break;
      }
      default:
        process.stderr.write(`regalloc: unknown command '${command}'\n${USAGE}\n`);
        process.exitCode = 2;
        return;
    }
  } catch (e) {
    process.stderr.write(`regalloc ${command}: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (!values.json) process.stderr.write(`${r.total} functions, ${r.failures} failed\n`);
  if (r.failures > 0) process.exitCode = 1;
}

// A reader that stops early (`| head`) closes the pipe: nothing more can be
// delivered, so stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2));
