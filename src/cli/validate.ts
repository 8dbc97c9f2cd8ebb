// `regalloc validate <path...>`: input validation only.

import type { RegNames } from '../model/regs.js';
import { basename } from 'node:path';
import { validateFunction } from '../analysis/validate.js';
import { readInputFile } from '../io/files.js';
import type { Command } from './command.js';
import { errorJson, errorText, fileRegNames, report } from './report.js';

export function displayName(path: string, name?: string): string {
  return name || basename(path).replace(/\.(json(\.gz)?|ra)$/, '');
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'validate functions (structure, operands, CFG, SSA); every defect is a typed error naming its place',
  args: '<file|dir>...',
  options: {},
  takesPaths: true,
  run({ files, reporter }) {
    for (const path of files) {
      let name = displayName(path);
      let names: RegNames | undefined;
      try {
        const c = readInputFile(path);
        name = displayName(path, c.name);
        names = fileRegNames(c);
        validateFunction(c.func, c.env);
        report(reporter, name, true, 'ok', { file: path });
      } catch (e) {
        report(reporter, name, false, `error ${errorText(e, names)}`, { file: path, error: errorJson(e) });
      }
    }
  },
};
