// `regalloc score <path...>`: the cost score (src/score) of each function's
// allocation — ours by default, or the file's stored reference with --reference.

import { formatScore, scoreDetails, type ScoreDetails } from '../score/index.js';
import { ALGORITHM_OPTION, choiceOption, type Command } from './command.js';
import { allocationOf, forEachInput } from './files.js';
import { report } from './report.js';

export const scoreCommand: Command = {
  name: 'score',
  summary: 'the cost score of each allocation: moves, spills, reloads and memory operands weighted by block frequency',
  args: '<file|dir>...',
  description:
    'Costs after LLVM: a load (reload) 4, a store (spill) 1, a register move 0.2, a stack-to-stack move 5,\n' +
    'an operand in memory where a register was allowed 3.8 (use) or 0.8 (def); each times 4^loop depth\n' +
    "(regalloc2's estimate). Lower is better. The last line gives the total.",
  options: {
    algorithm: ALGORITHM_OPTION,
    reference: { type: 'boolean', help: "score the file's stored reference result instead of allocating" },
  },
  takesPaths: true,
  run({ values, files, reporter }) {
    const algorithm = choiceOption(values, 'algorithm', ['ion', 'fastalloc'], 'ion');
    let total = 0;
    forEachInput(files, reporter, (c, name, path) => {
      const out = allocationOf(c, algorithm, values.reference === true);
      const d = scoreDetails(c.func, out, { env: c.env });
      total += d.total;
      report(reporter, name, true, `score ${formatScore(d.total)} (${scoreSummary(d)})`, { file: path, score: d.total, details: d });
    });
    if (!reporter.json && files.length > 1) process.stdout.write(`total score ${formatScore(total)}\n`);
  },
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2 moves, 1 spill, 1 reload, 0 stack moves, 0 memory operands`. */
export function scoreSummary(d: ScoreDetails): string {
  return [
    plural(d.regMoves, 'move'),
    plural(d.spills, 'spill'),
    plural(d.reloads, 'reload'),
    plural(d.stackMoves, 'stack move'),
    plural(d.memoryOperands, 'memory operand'),
  ].join(', ');
}
