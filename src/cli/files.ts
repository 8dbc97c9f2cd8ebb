// The CLI's inputs: path arguments expanded (files as given, folders searched
// recursively, sorted, for corpus JSON, plain or gzipped, and text-format
// files), and each file read, validated and allocated for a command.

import type { RegNames } from '../model/regs.js';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { validateFunction } from '../analysis/validate.js';
import { allocate } from '../allocate.js';
import type { Output } from '../model/function.js';
import { aarch64Aapcs64, type MachineDescription, riscv64Lp64d, x86_64SystemV } from '../machine/index.js';
import { choiceOption, type OptionSpec, type OptionValues } from './command.js';
import { type InputFile, readInputFile } from '../io/files.js';
import { errorJson, errorText, fileRegNames, report, type Reporter } from './report.js';

/** The endings of the files a folder is searched for. */
export const INPUT_EXTENSIONS = ['.json', '.json.gz', '.ra'] as const;

export function isInputFile(name: string): boolean {
  return INPUT_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith('MANIFEST.json');
}

/** Files named on the command line are kept whatever their name; folders give their input files. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(p, e), false);
    } else if (top || isInputFile(p)) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** A function's name for report lines: its own, else the file name without its extension. */
export function displayName(path: string, name?: string): string {
  return name || basename(path).replace(/\.(json(\.gz)?|ra)$/, '');
}

/**
 * Reads (either format) and validates each input file and hands it to `fn`;
 * an error, there or in `fn`, is reported as that function's failure line.
 */
export function forEachInput(
  files: readonly string[],
  reporter: Reporter,
  fn: (file: InputFile, name: string, path: string, index: number) => void,
): void {
  files.forEach((path, index) => {
    let name = displayName(path);
    let names: RegNames | undefined;
    try {
      const file = readInputFile(path);
      name = displayName(path, file.name);
      names = fileRegNames(file);
      validateFunction(file.func, file.env);
      fn(file, name, path, index);
    } catch (e) {
      report(reporter, name, false, `error ${errorText(e, names)}`, { file: path, error: errorJson(e) });
    }
  });
}

/** Our allocation of the file's function, or with `--reference` the file's stored regalloc2 result. */
export function allocationOf(c: InputFile, algorithm: 'ion' | 'fastalloc', reference: boolean): Output {
  if (!reference) return allocate(c.func, c.env, { algorithm, validateSsa: false });
  const ref = c.reference[algorithm];
  if (!ref?.ok) throw new Error(`no successful ${algorithm} reference result in the file`);
  return ref.output;
}

const MACHINES: Readonly<Record<string, MachineDescription>> = { x86_64: x86_64SystemV, aarch64: aarch64Aapcs64, riscv64: riscv64Lp64d };

/** `--machine`: register names for files that do not name their registers. */
export const MACHINE_OPTION: OptionSpec = {
  type: 'string',
  value: 'x86_64|aarch64|riscv64',
  help: "name registers after this machine's (when the file does not name them)",
};

export function machineOption(values: OptionValues): MachineDescription | undefined {
  return values.machine === undefined ? undefined : MACHINES[choiceOption(values, 'machine', Object.keys(MACHINES), 'x86_64')];
}
