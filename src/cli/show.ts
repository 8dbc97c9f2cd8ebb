// `regalloc show <path...>`: each function with its allocation beside every
// operand and the allocator's moves in emission order, then a summary (moves,
// spills, reloads, spill slots, cost score). Colour on a terminal, plain when piped.

import { showAllocation } from '../io/text_show.js';
import { aarch64Aapcs64, type MachineDescription, riscv64Lp64d, x86_64SystemV } from '../machine/index.js';
import { ALGORITHM_OPTION, choiceOption, type Command, type OptionValues } from './command.js';
import { allocationOf, forEachInput } from './files.js';

const MACHINES: Record<string, MachineDescription> = { x86_64: x86_64SystemV, aarch64: aarch64Aapcs64, riscv64: riscv64Lp64d };
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
    machine: { type: 'string', value: 'x86_64|aarch64|riscv64', help: 'name registers after this machine (when the file does not name them)' },
    color: { type: 'boolean', help: 'colour even when the output is not a terminal (NO_COLOR turns colour off)' },
  },
  takesPaths: true,
  run({ values, files, reporter }) {
    const algorithm = choiceOption(values, 'algorithm', ['ion', 'fastalloc'], 'ion');
    const machine = values.machine === undefined ? undefined : MACHINES[choiceOption(values, 'machine', Object.keys(MACHINES), 'x86_64')];
    const colour = wantColour(values);
    forEachInput(files, reporter, (c, name, _path, k) => {
      const out = allocationOf(c, algorithm, values.reference === true);
      const names = c.regNames && c.regNames.size > 0 ? c.regNames : machine;
      const text = showAllocation(c.func, c.env, out, {
        name,
        allocator: `${values.reference ? 'regalloc2 ' : ''}${ALGORITHM_NAMES[algorithm]}`,
        ...(names ? { regNames: names } : {}),
        colour,
      });
      process.stdout.write((k > 0 ? '\n' : '') + text);
      reporter.total++;
    });
  },
};
