// `regalloc view <file> -o out.html [--algorithm A] [--reference]`: allocate
// one function and write the allocation as one self-contained HTML page.

import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { validateFunction } from '../analysis/validate.js';
import { allocate } from '../allocate.js';
import { checkerVerdict } from '../checker/index.js';
import { readInputFile } from '../io/files.js';
import { type PReg, pregToString } from '../model/regs.js';
import { renderViewHtml } from '../view/html.js';
import { buildView } from '../view/model.js';
import { ALGORITHM_OPTION, choiceOption, type Command, UsageError } from './command.js';
import { displayName, MACHINE_OPTION, machineOption } from './files.js';
import { errorJson, errorText, report } from './report.js';

export const viewCommand: Command = {
  name: 'view',
  summary: 'draw an allocation as one HTML page: live ranges in registers and spill slots, moves, constraints',
  args: '<file>',
  description:
    'Program points run down the page, registers and spill slots across; each vreg is a bar in the\n' +
    'location that holds it, moves are arrows, blocks and loop depth are shaded. The page is self-contained\n' +
    '(no network). Without -o it is written to <function name>.html.',
  options: {
    machine: MACHINE_OPTION,
    output: { type: 'string', short: 'o', value: 'FILE', help: 'the HTML file to write' },
    algorithm: ALGORITHM_OPTION,
    reference: { type: 'boolean', help: "draw the file's stored regalloc2 result instead of allocating" },
  },
  takesPaths: true,
  run({ values, files, reporter }) {
    if (files.length !== 1) throw new UsageError(`view draws one function; ${files.length} files given`);
    const algorithm = choiceOption(values, 'algorithm', ['ion', 'fastalloc'], 'ion');
    const machine = machineOption(values);
    const path = files[0]!;
    let name = displayName(path);
    try {
      const c = readInputFile(path);
      name = displayName(path, c.name);
      validateFunction(c.func, c.env);
      let out;
      if (values.reference) {
        const ref = c.reference[algorithm];
        if (!ref?.ok) throw new UsageError(`${path} has no successful ${algorithm} reference result`);
        out = ref.output;
      } else {
        out = allocate(c.func, c.env, { algorithm, validateSsa: false });
      }
      const verdict = checkerVerdict(c.func, c.env, out);
      const source = values.reference ? `regalloc2 ${algorithm}` : algorithm;
      const names = (p: PReg): string => c.regNames?.get(p) ?? (machine ? machine.regName(p) : pregToString(p));
      const model = buildView(c.func, c.env, out, { title: name, algorithm: `${source}, checker ${verdict}`, names });
      const file = typeof values.output === 'string' ? values.output : `${basename(name)}.html`;
      writeFileSync(file, renderViewHtml(model));
      const s = model.summary;
      report(reporter, name, true, `wrote ${file} (${s.insts} insts, ${s.bars} bars, ${s.moves['reg-reg'] + s.moves['reg-stack'] + s.moves['stack-reg'] + s.moves['stack-stack']} moves; checker ${verdict})`, {
        file: path,
        output: file,
        summary: s,
        checker: verdict,
      });
    } catch (e) {
      if (e instanceof UsageError) throw e;
      report(reporter, name, false, `error ${errorText(e, machine)}`, { file: path, error: errorJson(e) });
    }
  },
};
