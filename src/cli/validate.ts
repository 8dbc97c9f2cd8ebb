// `regalloc validate <path...>`: input validation only.

import type { Command } from './command.js';
import { forEachInput } from './files.js';
import { report } from './report.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'validate functions (structure, operands, CFG, SSA); every defect is a typed error naming its place',
  args: '<file|dir>...',
  options: {},
  takesPaths: true,
  run({ files, reporter }) {
    // forEachInput reads and validates; a defect is reported as the function's failure line.
    forEachInput(files, reporter, (_file, name, path) => report(reporter, name, true, 'ok', { file: path }));
  },
};
