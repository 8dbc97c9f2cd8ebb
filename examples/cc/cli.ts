// The example compiler's command line:
//
//   npx tsx examples/cc/cli.ts prog.src -o prog && ./prog
//   npx tsx examples/cc/cli.ts prog.src --emit asm --algorithm fastalloc
//   npx tsx examples/cc/cli.ts prog.src --interpret
//
// Options: -o FILE (default a.out), --algorithm ion|fastalloc, --emit elf|asm, --check
// (prove each allocation with the checker), --interpret (run the reference interpreter
// instead of compiling), -D NAME=VALUE (set a `const`).

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CheckerError, RegAllocError } from 'regalloc';
import { checkSource } from './check.js';
import { type Algorithm, compile } from './compile.js';
import { Trap, interpret } from './interp.js';
import { CompileError } from './syntax.js';

const USAGE = 'usage: cli.ts FILE [-o OUT] [--algorithm ion|fastalloc] [--emit elf|asm] [--check] [--interpret] [-D NAME=VALUE]';

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', default: 'a.out' },
      algorithm: { type: 'string', default: 'ion' },
      emit: { type: 'string', default: 'elf' },
      check: { type: 'boolean', default: false },
      interpret: { type: 'boolean', default: false },
      define: { type: 'string', short: 'D', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    (values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const algorithm = values.algorithm as Algorithm;
  if (algorithm !== 'ion' && algorithm !== 'fastalloc') throw new UsageError(`--algorithm must be ion or fastalloc`);
  if (values.emit !== 'elf' && values.emit !== 'asm') throw new UsageError(`--emit must be elf or asm`);
  const defines = new Map<string, bigint>();
  for (const d of values.define) {
    const m = /^([A-Za-z_][A-Za-z_0-9]*)=(-?[0-9]+)$/.exec(d);
    if (!m) throw new UsageError(`-D wants NAME=INTEGER, got '${d}'`);
    defines.set(m[1]!, BigInt(m[2]!));
  }
  const file = positionals[0]!;
  const src = readFileSync(file, 'utf8');
  if (values.interpret) {
    const r = interpret(checkSource(src, file, defines));
    process.stdout.write(r.stdout);
    return r.status;
  }
  const c = compile(src, { algorithm, file, defines, check: values.check, listing: values.emit === 'asm' });
  if (values.emit === 'asm') {
    process.stdout.write(c.listing!);
    return 0;
  }
  writeFileSync(values.output, c.elf);
  chmodSync(values.output, 0o755);
  return 0;
}

class UsageError extends Error {}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof CompileError || e instanceof UsageError || e instanceof Trap) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = 1;
  } else if (e instanceof RegAllocError || e instanceof CheckerError) {
    process.stderr.write(`allocator error: ${e.message}\n`);
    process.exitCode = 3;
  } else if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`error: ${(e as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else throw e;
}
