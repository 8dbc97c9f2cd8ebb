// The compiler driver: source → checked tree → SSA → machine instructions → register
// allocation (Ion or Fastalloc, optionally proven by the checker) → code buffer → ELF.

import { type Function, type Output, allocate, checkOutput } from 'regalloc';
import { type CheckedProgram, checkSource } from './check.js';
import { emitFunction, type DataLayout, type MoveCounts } from './emit.js';
import { Assembler } from './encode.js';
import { DATA_ADDR, writeElf } from './elf.js';
import { type LoweredFunction, lower } from './lower.js';
import { type IrFunc, buildSsa } from './ssa.js';
import { RAX, RDI, machine } from './x64.js';

export type Algorithm = 'ion' | 'fastalloc';

export interface CompileOptions {
  algorithm?: Algorithm;
  file?: string;
  /** Values for `const` declarations. */
  defines?: ReadonlyMap<string, bigint>;
  /** Prove every allocation with the checker (throws a CheckerError on a wrong one). */
  check?: boolean;
  /** Produce an asm listing. */
  listing?: boolean;
  /** Make every call trap (SIGILL) unless the stack is 16-byte aligned. */
  checkAlignment?: boolean;
}

export interface FunctionReport extends MoveCounts {
  name: string;
  codeBytes: number;
  func: Function;
  out: Output;
}

export interface Compiled {
  elf: Uint8Array;
  codeBytes: number;
  functions: FunctionReport[];
  listing?: string;
  program: CheckedProgram;
}

/** Functions reachable from main through calls (print reaches the prelude's printers). */
function reachable(fns: IrFunc[]): IrFunc[] {
  const byName = new Map(fns.map((f) => [f.name, f]));
  const seen = new Set<string>(['main']);
  const work = ['main'];
  while (work.length > 0) {
    for (const b of byName.get(work.pop()!)!.blocks) {
      for (const i of b.insts) {
        if (i.op === 'call' && !seen.has(i.name!)) {
          seen.add(i.name!);
          work.push(i.name!);
        }
      }
    }
  }
  return fns.filter((f) => seen.has(f.name));
}

export function compileProgram(program: CheckedProgram, options: CompileOptions = {}): Compiled {
  const algorithm = options.algorithm ?? 'ion';
  const fns = reachable(buildSsa(program));
  const signatures = new Map(fns.map((f) => [f.name, f]));

  let next = DATA_ADDR;
  const data: DataLayout = { putcByte: next, arrays: new Map() };
  next += 8;
  for (const [name, size] of program.arrays) {
    data.arrays.set(name, next);
    next += 8 * size;
  }

  const asm = new Assembler();
  const fnLabels = new Map(fns.map((f) => [f.name, asm.newLabel()]));
  const listing: string[] | undefined = options.listing ? [] : undefined;
  // _start: call main, exit with its result.
  listing?.push('_start:', '  call main; mov rdi, rax; mov eax, 60; syscall');
  asm.call(fnLabels.get('main')!);
  asm.movRR(RDI, RAX);
  asm.movRI(RAX, 60n);
  asm.syscall();

  const functions: FunctionReport[] = [];
  for (const f of fns) {
    const lf: LoweredFunction = lower(f, signatures);
    const out = allocate(lf.func, machine.env, { algorithm });
    if (options.check) checkOutput(lf.func, machine.env, out);
    const start = asm.size;
    asm.bind(fnLabels.get(f.name)!);
    const counts = emitFunction(asm, lf, out, fnLabels, data, listing, options.checkAlignment);
    functions.push({ name: f.name, codeBytes: asm.size - start, func: lf.func, out, ...counts });
  }
  const code = asm.finish();
  const result: Compiled = { elf: writeElf(code, 0, next - DATA_ADDR), codeBytes: code.length, functions, program };
  if (listing) result.listing = listing.join('\n') + '\n';
  return result;
}

export function compile(src: string, options: CompileOptions = {}): Compiled {
  return compileProgram(checkSource(src, options.file ?? '', options.defines), options);
}
