// `regalloc check <path...> [--algorithm A]`: validate, then prove the stored
// reference result of algorithm A with our checker.

import { checkOutput } from '../checker/index.js';
import { ALGORITHM_OPTION, choiceOption, type Command } from './command.js';
import { forEachInput } from './files.js';
import { errorJson, errorText, fileRegNames, report, type Reporter } from './report.js';

export const checkCommand: Command = {
  name: 'check',
  summary: "validate, then prove the file's stored reference result with our checker",
  args: '<file|dir>...',
  description: 'A reference that is an error is reported, not checked.',
  options: { algorithm: ALGORITHM_OPTION },
  takesPaths: true,
  run({ values, files, reporter }) {
    runCheck(files, choiceOption(values, 'algorithm', ['ion', 'fastalloc'], 'ion'), reporter);
  },
};

function runCheck(files: readonly string[], algorithm: 'ion' | 'fastalloc', r: Reporter): void {
  // forEachInput reads and validates; a defect there is the function's failure line.
  forEachInput(files, r, (c, name, path) => {
    const ref = c.reference[algorithm];
    if (!ref) {
      report(r, name, false, `error: no ${algorithm} reference in the file`, { file: path, error: { kind: 'NoReference' } });
      return;
    }
    if (!ref.ok) {
      report(r, name, true, `reference is an error (${ref.error}), not checked`, { file: path, reference: ref.error, checked: false });
      return;
    }
    try {
      checkOutput(c.func, c.env, ref.output);
    } catch (e) {
      report(r, name, false, `error ${errorText(e, fileRegNames(c))} [regalloc2's checker: ${ref.checker.slice(0, 60)}]`, {
        file: path,
        error: errorJson(e),
        regalloc2Checker: ref.checker,
      });
      return;
    }
    report(r, name, true, ref.checker === 'ok' ? 'ok' : `ok [regalloc2's checker: ${ref.checker.slice(0, 60)}]`, {
      file: path,
      checked: true,
      regalloc2Checker: ref.checker,
    });
  });
}
