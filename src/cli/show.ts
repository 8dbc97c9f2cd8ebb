// `regalloc show <path...>`: each function with its allocation beside every
// operand and the allocator's moves in emission order, then a summary (moves,
// spills, reloads, spill slots, cost score). Colour on a terminal, plain when piped.

import { showAllocation } from '../io/text_show.js';
import { ALGORITHM_OPTION, choiceOption, type Command, type OptionValues } from './command.js';
import { scoreDetails } from '../score/index.js';
import { allocationOf, forEachInput, MACHINE_OPTION, machineOption } from './files.js';
import { report } from './report.js';

const ALGORITHM_NAMES = { ion: 'Ion', fastalloc: 'Fastalloc' } as const;

function wantColour(values: OptionValues): boolean {
  if (values.color === true) return true;
  if (process.env.NO_COLOR) return false;
  return process.stdout.isTTY === true;
}

export const showCommand: Command = {
  name: 'show',
  summary: 'print each function with its allocation beside every operand and the moves in emission order',
  args: '<file|dir>...',
  description:
    "Operands read v5i[rax]: the vreg and where it lives. Moves appear where they run: 'move' (register to\n" +
    "register), 'spill' (register to stack), 'reload' (stack to register), 'stack move'. A summary follows.\n" +
    "Register names come from the file's 'regs' line, or from --machine for files without names.",
  options: {
    algorithm: ALGORITHM_OPTION,
    reference: { type: 'boolean', help: "show the file's stored regalloc2 result instead of allocating" },
    machine: MACHINE_OPTION,
    color: { type: 'boolean', help: 'colour even when the output is not a terminal (NO_COLOR turns colour off)' },
  },
  takesPaths: true,
  run({ values, files, reporter }) {
    const algorithm = choiceOption(values, 'algorithm', ['ion', 'fastalloc'], 'ion');
    const machine = machineOption(values);
    const colour = wantColour(values);
    forEachInput(files, reporter, (c, name, path, k) => {
      const out = allocationOf(c, algorithm, values.reference === true);
      const names = c.regNames && c.regNames.size > 0 ? c.regNames : machine;
      const allocator = `${values.reference ? 'regalloc2 ' : ''}${ALGORITHM_NAMES[algorithm]}`;
      const text = showAllocation(c.func, c.env, out, { name, allocator, ...(names ? { regNames: names } : {}), colour: colour && !reporter.json });
      if (reporter.json) {
        // The same text as a field, with the summary's figures beside it.
        report(reporter, name, true, '', { file: path, allocator, spillSlots: out.numSpillslots, score: scoreDetails(c.func, out, { env: c.env }), text });
        return;
      }
      process.stdout.write((k > 0 ? '\n' : '') + text);
      reporter.total++;
    });
  },
};
