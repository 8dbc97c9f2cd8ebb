#!/usr/bin/env node
// The `regalloc` command. Each subcommand is a module of its own that declares
// its options (src/cli/command.ts); this file only dispatches.

import { existsSync } from 'node:fs';
import { allocateCommand } from './allocate.js';
import { benchCommand } from './bench.js';
import { checkCommand } from './check.js';
import { convertCommand } from './convert.js';
import { checkPathsExist, type Command, commandHelp, parseCommandArgs, UsageError } from './command.js';
import { expandPaths, INPUT_EXTENSIONS } from './files.js';
import { fuzzCommand } from './fuzz.js';
import { scoreCommand } from './score.js';
import { showCommand } from './show.js';
import type { Reporter } from './report.js';
import { validateCommand } from './validate.js';
import { viewCommand } from './view.js';

/** Every subcommand, in the order `regalloc --help` lists them. */
const COMMANDS: readonly Command[] = [
  validateCommand,
  checkCommand,
  allocateCommand,
  benchCommand,
  fuzzCommand,
  convertCommand,
  viewCommand,
  showCommand,
  scoreCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'usage: regalloc <command> [options] [<file|dir>...]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    `Folders are searched recursively for ${INPUT_EXTENSIONS.join(', ')} files.`,
    "'regalloc <command> --help' describes a command and its options.",
    'Exit status: 0 all functions ok, 1 some function failed, 2 a usage error or no input.',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write((topic ? commandHelp(topic) : usage()) + '\n');
    if (name === undefined) process.exitCode = 2;
    return;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`regalloc: unknown command '${name}'\n\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  const reporter: Reporter = { json: false, failures: 0, total: 0 };
  try {
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values.help) {
      process.stdout.write(commandHelp(cmd) + '\n');
      return;
    }
    reporter.json = values.json === true;
    let files: string[] = [];
    if (cmd.takesPaths) {
      if (positionals.length === 0) {
        // `--algorithm file.json`: the flag's value was forgotten and the file taken for it.
        const taken = Object.entries(values).find(([, v]) => typeof v === 'string' && existsSync(v));
        throw new UsageError(`no file or folder given${taken ? ` (--${taken[0]} took '${taken[1]}' as its value)` : ''}`);
      }
      checkPathsExist(positionals);
      files = expandPaths(positionals);
      if (files.length === 0) {
        process.stderr.write(
          `regalloc ${cmd.name}: warning: no ${INPUT_EXTENSIONS.join(', ').replace(/, ([^,]*)$/, ' or $1')} files in ${positionals.join(', ')}\n`,
        );
        process.exitCode = 2;
        return;
      }
    }
    await cmd.run({ values, positionals, files, reporter });
  } catch (e) {
    const message = e instanceof UsageError ? `${e.message}\n(see 'regalloc ${cmd.name} --help')` : (e as Error).message;
    process.stderr.write(`regalloc ${cmd.name}: ${message}\n`);
    process.exitCode = 2;
    return;
  }
  if (cmd.takesPaths) {
    if (!reporter.json) process.stderr.write(`${reporter.total} function${reporter.total === 1 ? '' : 's'}, ${reporter.failures} failed\n`);
    if (reporter.failures > 0) process.exitCode = 1;
  }
}

// A reader that stops early (`| head`) closes the pipe: nothing more can be
// delivered, so stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

void main(process.argv.slice(2));
