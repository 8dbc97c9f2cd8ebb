// An allocation shown as text (`regalloc show`): the function in the text
// format with each operand's allocation beside its vreg, the allocator's moves
// interleaved in emission order (the library's emission walker), then a
// summary of moves, spills, reloads, spill slots and the cost score. No
// Node-only imports: the caller decides about colour.

import { CFGInfo } from '../analysis/cfg.js';
import { walkFunction } from '../emit/index.js';
import { type Allocation, allocIndex, allocIsReg, allocIsStack } from '../model/allocation.js';
import type { MachineEnv, Output } from '../model/function.js';
import { operandIsFixedNonAllocatable, type Operand } from '../model/operand.js';
import type { PReg } from '../model/regs.js';
import type { InMemoryFunction } from '../func/in_memory.js';
import { formatScore, scoreDetails } from '../score/index.js';
import { blockHeaderText, derivePreds, operandText, type RegNameSource, regNamer, targetsText } from './text.js';

/** What `showAllocation` prints besides the allocation. */
export interface ShowOptions {
  /** A title for the first line, e.g. the function's name. */
  name?: string;
  /** The allocator, for the first line and the summary (`Ion`, `Fastalloc`). */
  allocator?: string;
  /** Register names to print instead of `p3i`. */
  regNames?: RegNameSource;
  /** ANSI colours (for a terminal). */
  colour?: boolean;
}

/** ANSI styles; identity functions when colour is off. */
function styles(colour: boolean) {
  const wrap = (code: string) => (s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    block: wrap('1'),
    dim: wrap('2'),
    reg: wrap('36'),
    stack: wrap('35'),
    vreg: wrap('33'),
    move: wrap('32'),
    spill: wrap('31'),
  };
}

const MOVE_WORDS = { 'reg-reg': 'move', 'reg-stack': 'spill', 'stack-reg': 'reload', 'stack-stack': 'stack move' } as const;
const INST_INDENT = 8;

/** The function with allocations and moves, block by block, and a summary. */
export function showAllocation(func: InMemoryFunction, env: MachineEnv, out: Output, opts: ShowOptions = {}): string {
  const st = styles(opts.colour === true);
  const { reg } = regNamer(func, env, opts.regNames);
  const alloc = (a: Allocation): string =>
    allocIsReg(a) ? st.reg(reg(allocIndex(a))) : allocIsStack(a) ? st.stack(`stack${allocIndex(a)}`) : 'none';
  const depth = CFGInfo.compute(func).approxLoopDepth;
  const derived = derivePreds(func);
  const data = func.data;
  const numWidth = String(Math.max(0, func.numInsts() - 1)).length;
  const lines: string[] = [];
  const title = [opts.name ? `function ${JSON.stringify(opts.name)}` : 'function', opts.allocator ? `allocated by ${opts.allocator}` : '']
    .filter(Boolean)
    .join(', ');
  lines.push(st.dim(`; ${title}`));

  /** `op v5i[rax] = def reuse(1), use v3i[rax] reg`: the text format with each vreg's allocation. */
  const instLine = (block: number, inst: number, operands: ArrayLike<Operand>, allocs: ArrayLike<Allocation>): string => {
    const d = data.insts[inst]!;
    const parts: string[] = [];
    for (let k = 0; k < operands.length; k++) {
      const o = operands[k]!;
      const text = operandText(o, reg);
      if (operandIsFixedNonAllocatable(o)) {
        parts.push(text);
        continue;
      }
      const v = /v\d+[ifv]/.exec(text)![0];
      parts.push(text.replace(v, `${st.vreg(v)}[${alloc(allocs[k]!)}]`));
    }
    let s = d.op + (parts.length ? ' ' + parts.join(', ') : '');
    const clobbers = d.clobberList ?? d.clobbers.toArray();
    if (clobbers.length) s += ' clobbers ' + clobbers.map((p: PReg) => st.reg(reg(p))).join(', ');
    const b = data.blocks[block]!;
    if (inst === b.end - 1 && b.succs.length) s += ' ' + targetsText(b);
    return `${st.dim(String(inst).padStart(numWidth + 2))}  ${s}`;
  };

  for (const ev of walkFunction(func, out, { env })) {
    if (ev.kind === 'blockStart') {
      const header = blockHeaderText(func, ev.block, derived);
      const d = depth[ev.block]!;
      if (ev.block > 0) lines.push('');
      lines.push(st.block(header) + (d > 0 ? st.dim(`  ; loop depth ${d}`) : ''));
    } else if (ev.kind === 'inst') {
      lines.push(instLine(ev.block, ev.inst, ev.operands, ev.allocs));
    } else {
      const word = MOVE_WORDS[ev.moveKind];
      const paint = ev.moveKind === 'reg-reg' ? st.move : st.spill;
      lines.push(`${' '.repeat(numWidth + INST_INDENT - 4)}${paint(word.padEnd(10))} ${alloc(ev.from)} -> ${alloc(ev.to)}`);
    }
  }

  const d = scoreDetails(func, out, { env });
  const rows: [string, string][] = [
    ['moves reg↔reg', String(d.regMoves)],
    ['spills reg→stack', String(d.spills)],
    ['reloads stack→reg', String(d.reloads)],
    ['stack↔stack moves', String(d.stackMoves)],
    ['spill slots', String(out.numSpillslots)],
    ['memory operands', String(d.memoryOperands)],
    ['cost score', formatScore(d.total)],
  ];
  lines.push('', st.block(`summary${opts.allocator ? ` (${opts.allocator})` : ''}:`));
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(20)}${v.padStart(8)}`);
  return lines.join('\n') + '\n';
}
