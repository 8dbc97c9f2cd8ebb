// The shape of a `regalloc` subcommand and the option parsing they share:
// each command declares its own options, so a flag that does not apply to a
// command is an error, every command has its own `--help`, and numeric and
// choice flags are checked before anything runs.

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Reporter } from './report.js';

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  /** Placeholder shown in help for a string option, e.g. `N` or `DIR`. */
  readonly value?: string;
  readonly help: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  /** For commands that take paths: the input files found under them, in order. */
  readonly files: readonly string[];
  /** For commands that take paths: counts the per-function lines printed. */
  readonly reporter: Reporter;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** What follows the command name in the usage line, e.g. `<file|dir>...`. */
  readonly args: string;
  /** Longer help printed by `regalloc <command> --help`. */
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /**
   * Whether the command takes input paths (files, or folders searched for
   * input files). Then at least one is required, each must exist, and no
   * matching file at all is a warning with exit status 2.
   */
  readonly takesPaths: boolean;
  run(ctx: CommandContext): void | Promise<void>;
}

/** A usage error: printed as `regalloc <command>: message` with exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--algorithm`, shared by the commands that run an allocator. */
export const ALGORITHM_OPTION: OptionSpec = {
  type: 'string',
  value: 'ion|fastalloc',
  help: 'the allocator: ion (backtracking, the default) or fastalloc (single pass)',
};

/** `--json` and `--help`, which every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', help: 'one JSON object per line' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

export function commandHelp(cmd: Command): string {
  const opts = { ...cmd.options, ...COMMON_OPTIONS };
  const rows = Object.entries(opts).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [flag, o.help] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  const lines = [`usage: regalloc ${cmd.name} [options] ${cmd.args}`.trimEnd(), '', cmd.summary];
  if (cmd.description) lines.push('', cmd.description);
  lines.push('', 'options:', ...rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`));
  return lines.join('\n');
}

/**
 * Parses `args` against the command's own options. Unknown flags, a string
 * flag without its value, and a value given to a boolean flag are usage errors.
 */
export function parseCommandArgs(cmd: Command, args: readonly string[]): { values: OptionValues; positionals: string[] } {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  for (const [name, o] of Object.entries({ ...cmd.options, ...COMMON_OPTIONS })) {
    options[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  return { values: parsed.values as OptionValues, positionals: parsed.positionals };
}

/** A string option that must be one of `choices` (or `fallback` when absent). */
export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[], fallback: T): T {
  const v = values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be ${choices.join(', ').replace(/, ([^,]*)$/, ' or $1')}, not '${String(v)}'`);
  }
  return v as T;
}

/** An integer option within `[min, max]`, or `undefined` when absent. */
export function intOption(values: OptionValues, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\s*[+]?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${range}, not '${String(v)}'`);
  }
  return n;
}

/** A positive number option (seconds, say), or `undefined` when absent. */
export function numberOption(values: OptionValues, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, not '${String(v)}'`);
  return n;
}

/** Every path argument must exist; names the first that does not. */
export function checkPathsExist(paths: readonly string[]): void {
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`${p}: no such file or folder`);
}
