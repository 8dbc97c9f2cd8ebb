// `regalloc convert <in> -o <out>`: between the text format (.ra) and the
// corpus JSON (.json, .json.gz), by the files' extensions.

import { readInputFile, writeOutputFile } from '../io/files.js';
import { type Command, UsageError } from './command.js';
import { isInputFile, MACHINE_OPTION, machineOption } from './files.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert a function between the text format (.ra) and corpus JSON (.json, .json.gz)',
  args: '<in> -o <out>',
  description:
    'The formats are chosen by the file extensions. JSON → text → JSON gives the file back unchanged: the\n' +
    "text carries a corpus file's reference results as 'reference ion|fastalloc {…}' lines.",
  options: {
    output: { type: 'string', short: 'o', value: 'FILE', help: 'the file to write (.ra, .json or .json.gz)' },
    machine: MACHINE_OPTION,
  },
  takesPaths: false,
  run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError(`expected one input file, found ${positionals.length}`);
    const out = values.output;
    if (typeof out !== 'string') throw new UsageError('no output file given (-o FILE)');
    if (!isInputFile(out)) throw new UsageError(`${out}: the output must end in .ra, .json or .json.gz`);
    const file = readInputFile(positionals[0]!);
    const machine = machineOption(values);
    writeOutputFile(out, file, file.regNames?.size ? undefined : machine);
  },
};
