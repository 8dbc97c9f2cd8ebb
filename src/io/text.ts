// The text format for functions (`.ra` files): the corpus format's content
// (FORMAT.md) written for people, in the manner of regalloc3's text format and
// Cranelift's CLIF. A header gives the name, register names and the machine
// env; then come the blocks, one instruction a line:
//
//   function "loop"
//   regs rax=p0i, rcx=p1i, rdx=p2i
//   preferred int rax, rcx, rdx
//
//   block0(v0i):
//     op v1i = def reg, use v0i fixed(rax)    ; a comment
//     branch -> block1(v1i)
//   block1(v2i): preds block0, block1
//     op v3i = def reuse(1), use v2i reg ; clobbers rcx
//     branch use v3i reg -> block1(v3i), block2
//
// The printer writes what the parser reads, and JSON → text → JSON is the
// identity (a test runs it over the whole corpus). No Node-only imports: the
// browser playground parses with it too.

import { RegAllocError, type RegAllocErrorKind } from '../model/errors.js';
import type { MachineEnv } from '../model/function.js';
import {
  constraintToString,
  type Operand,
  operandIsFixedNonAllocatable,
  operandFixedReg,
  operandIsUse,
  operandPos,
  operandVReg,
  operandVRegIndex,
  operandConstraintKind,
  ConstraintKind,
} from '../model/operand.js';
import { type PReg, pregClass, PRegSet, pregToString, type RegClass, type RegNames, type VReg, vregIndex, vregToString } from '../model/regs.js';
import { type BlockData, type FunctionData, InMemoryFunction, type InstData, type InstKind } from '../func/in_memory.js';
import { parseOperand, parsePReg, parseVReg } from './atoms.js';

/** A function read from text (or to be printed as text), with what surrounds it. */
export interface TextFunction {
  /** The function's name. */
  name: string;
  /** Where it comes from. */
  origin: string;
  /** For functions that are deliberately invalid: what is wrong. */
  defect?: string;
  /** The function. */
  func: InMemoryFunction;
  /** Its machine env. */
  env: MachineEnv;
  /** Names given to registers by the `regs` header line (e.g. `rax` for `p0i`). */
  regNames: ReadonlyMap<PReg, string>;
  /** The 1-based source line of each instruction, to show an error about it where it was written. */
  instLines: number[];
  /** The 1-based source line of each block's header. */
  blockLines: number[];
  /**
   * Reference results carried by `reference ion|fastalloc {…}` lines: the
   * corpus RESULT objects as parsed JSON, and their lines (see src/io/files.ts).
   */
  results: {
    /** Ion's reference result. */
    ion?: ResultLine;
    /** Fastalloc's reference result. */
    fastalloc?: ResultLine;
  };
}

/** A `reference` line's JSON value and the line it is on. */
export interface ResultLine {
  /** The parsed JSON. */
  json: unknown;
  /** Its 1-based line. */
  line: number;
}

const RESULT_LINE_RE = /^reference (ion|fastalloc) /;

/** Where a register's printed name comes from: the model's `RegNames` (a `MachineDescription`, a function) or a map. */
export type RegNameSource = RegNames | ReadonlyMap<PReg, string>;

/** A text-format error: its message starts with `line:column`. */
export class TextParseError extends RegAllocError {
  /** The 1-based line. */
  readonly line: number;
  /** The 1-based column. */
  readonly column: number;
  constructor(line: number, column: number, what: string, kind: RegAllocErrorKind = 'Format', place: object = {}) {
    super(kind, `${line}:${column}: ${what}`, { ...place, path: `${line}:${column}` });
    this.name = 'TextParseError';
    this.line = line;
    this.column = column;
  }
}

const CLASS_WORDS: Record<string, RegClass> = { int: 0, float: 1, vector: 2, i: 0, f: 1, v: 2 };
const CLASS_NAMES = ['int', 'float', 'vector'] as const;
const DEFAULT_SPILLSLOT_SIZE: readonly [number, number, number] = [1, 1, 2];
const FLAGS = ['allow_multiple_vreg_defs', 'multi_spillslot_named_by_last_slot'] as const;
const INST_KINDS: readonly string[] = ['op', 'branch', 'ret'];
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const ATOM_RE = /^(?:[pv]\d+[ifv]|stack\d+|block\d+)$/;
/** Words that cannot name a register: they would read as something else. */
const RESERVED = new Set([
  ...INST_KINDS,
  'def', 'use', 'early', 'late', 'any', 'reg', 'stack', 'fixed', 'reuse', 'limit', 'nonalloc', 'clobbers',
  'preds', 'none', ...Object.keys(CLASS_WORDS),
]);

// ---------------------------------------------------------------- tokens

type TokenKind = 'word' | 'num' | 'str' | 'punct';
interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based column. */
  col: number;
}

const TOKEN_RE = /\s*(?:(;.*)|([A-Za-z_][A-Za-z0-9_.]*)|(\d+)|("(?:[^"\\]|\\.)*")|(->|[(),=:[\]]))/y;

function tokenize(line: string, lineNo: number): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let at = 0;
  while (at < line.length) {
    TOKEN_RE.lastIndex = at;
    const m = TOKEN_RE.exec(line);
    if (!m) {
      const col = at + 1 + (line.slice(at).length - line.slice(at).trimStart().length);
      if (line.slice(at).trim() === '') break;
      throw new TextParseError(lineNo, col, `unexpected character ${JSON.stringify(line[col - 1])}`);
    }
    at = TOKEN_RE.lastIndex;
    if (m[1] !== undefined) break;
    const text = m[2] ?? m[3] ?? m[4] ?? m[5]!;
    const kind: TokenKind = m[2] !== undefined ? 'word' : m[3] !== undefined ? 'num' : m[4] !== undefined ? 'str' : 'punct';
    tokens.push({ kind, text, col: at - text.length + 1 });
  }
  return tokens;
}

/** A cursor over one line's tokens; every error names line and column. */
class Line {
  private at = 0;
  constructor(
    readonly tokens: Token[],
    readonly lineNo: number,
    private readonly endCol: number,
  ) {}

  error(what: string, token = this.tokens[this.at], kind: RegAllocErrorKind = 'Format', place: object = {}): TextParseError {
    return new TextParseError(this.lineNo, token ? token.col : this.endCol, what, kind, place);
  }
  peek(): Token | undefined {
    return this.tokens[this.at];
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
  next(what: string): Token {
    const t = this.tokens[this.at];
    if (!t) throw this.error(`expected ${what}, found the end of the line`);
    this.at++;
    return t;
  }
  /** Consumes `text` if it comes next. */
  eat(text: string): boolean {
    const t = this.tokens[this.at];
    if (t && t.text === text && t.kind !== 'str') {
      this.at++;
      return true;
    }
    return false;
  }
  expect(text: string): Token {
    const t = this.next(`'${text}'`);
    if (t.text !== text || t.kind === 'str') throw this.error(`expected '${text}', found '${t.text}'`, t);
    return t;
  }
  word(what: string): Token {
    const t = this.next(what);
    if (t.kind !== 'word') throw this.error(`expected ${what}, found '${t.text}'`, t);
    return t;
  }
  uint(what: string, max = 0x7fffffff): number {
    const t = this.next(what);
    const n = Number(t.text);
    if (t.kind !== 'num' || n > max) throw this.error(`expected ${what} (an integer in 0..${max}), found '${t.text}'`, t);
    return n;
  }
  string(what: string): string {
    const t = this.next(what);
    if (t.kind !== 'str') throw this.error(`expected ${what} as a quoted string, found '${t.text}'`, t);
    try {
      return JSON.parse(t.text) as string;
    } catch {
      throw this.error(`malformed string ${t.text}`, t);
    }
  }
  end(): void {
    const t = this.peek();
    if (t) throw this.error(`unexpected '${t.text}' at the end of the line`, t);
  }
  /** A comma-separated list of at least one item. */
  list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.eat(',')) items.push(item());
    return items;
  }
}

// ---------------------------------------------------------------- parsing

interface PendingTarget {
  block: number;
  line: Line;
  token: Token;
}

interface BlockBuild {
  first: number;
  params: VReg[];
  preds?: PendingTarget[];
  succs?: PendingTarget[];
  branchArgs: VReg[][];
}

/** Parses a function in the text format; errors are `TextParseError`s naming line and column. */
export function parseTextFunction(text: string): TextFunction {
  const lines = text.split(/\r?\n/);
  let name = '';
  let origin = '';
  let defect: string | undefined;
  const names = new Map<string, PReg>();
  const regNames = new Map<PReg, string>();
  const preferred: [PRegSet, PRegSet, PRegSet] = [new PRegSet(), new PRegSet(), new PRegSet()];
  const nonPreferred: [PRegSet, PRegSet, PRegSet] = [new PRegSet(), new PRegSet(), new PRegSet()];
  const scratch: [PReg | null, PReg | null, PReg | null] = [null, null, null];
  const fixedStack: PReg[] = [];
  const spillslotSize: [number, number, number] = [...DEFAULT_SPILLSLOT_SIZE];
  const flags = new Set<string>();
  let entry: PendingTarget | undefined;
  let declaredVregs: number | undefined;
  const labels: (readonly [VReg, number, number, number])[] = [];
  const blocks: BlockBuild[] = [];
  const insts: InstData[] = [];
  const seen = new Set<string>();
  const instLines: number[] = [];
  const blockLines: number[] = [];

  const vregAt = (l: Line): VReg => {
    const t = l.word('a virtual register');
    const v = parseVReg(t.text);
    if (v === undefined) {
      if (/^v\d+[ifv]$/.test(t.text)) throw l.error(`vreg ${t.text} cannot be represented`, t, 'VRegOutOfRange');
      throw l.error(`expected a virtual register such as v3i, found '${t.text}'`, t);
    }
    return v;
  };
  const pregText = (l: Line): string => {
    const t = l.word('a register');
    if (parsePReg(t.text) !== undefined) return t.text;
    const p = names.get(t.text);
    if (p === undefined) throw l.error(`unknown register '${t.text}' (name it in the 'regs' line, or write it as p3i)`, t);
    return pregToString(p);
  };
  const pregAt = (l: Line): PReg => parsePReg(pregText(l))!;
  const classAt = (l: Line): RegClass => {
    const t = l.word('a register class (int, float or vector)');
    const c = CLASS_WORDS[t.text];
    if (c === undefined) throw l.error(`expected a register class (int, float or vector), found '${t.text}'`, t);
    return c;
  };
  const blockRef = (l: Line): PendingTarget => {
    const t = l.word('a block');
    const m = /^block(\d+)$/.exec(t.text);
    if (!m) throw l.error(`expected a block such as block2, found '${t.text}'`, t);
    return { block: Number(m[1]), line: l, token: t };
  };
  const pregOfClass = (l: Line, cls: RegClass): PReg => {
    const t = l.peek();
    const p = pregAt(l);
    if (pregClass(p) !== cls) throw l.error(`${pregToString(p)} is not a ${CLASS_NAMES[cls]} register`, t);
    return p;
  };

  const header = (l: Line, key: Token): void => {
    const once = (): void => {
      if (seen.has(key.text)) throw l.error(`'${key.text}' given twice`, key);
      seen.add(key.text);
    };
    switch (key.text) {
      case 'function':
        once();
        name = l.string('the function name');
        break;
      case 'origin':
        once();
        origin = l.string('the origin');
        break;
      case 'defect':
        once();
        defect = l.string('the defect');
        break;
      case 'regs':
        l.list(() => {
          const t = l.word('a register name');
          if (!NAME_RE.test(t.text) || ATOM_RE.test(t.text) || RESERVED.has(t.text)) {
            throw l.error(`'${t.text}' cannot name a register`, t);
          }
          if (names.has(t.text)) throw l.error(`register name '${t.text}' given twice`, t);
          l.expect('=');
          const pt = l.peek();
          const p = parsePReg(l.word('a register such as p0i').text);
          if (p === undefined) throw l.error(`expected a register such as p0i`, pt);
          if (regNames.has(p)) throw l.error(`${pregToString(p)} already named ${regNames.get(p)}`, pt);
          names.set(t.text, p);
          regNames.set(p, t.text);
        });
        break;
      case 'preferred':
      case 'non_preferred': {
        const cls = classAt(l);
        once2(`${key.text} ${cls}`);
        const set = (key.text === 'preferred' ? preferred : nonPreferred)[cls];
        l.list(() => set.add(pregOfClass(l, cls)));
        break;
      }
      case 'scratch': {
        const cls = classAt(l);
        once2(`scratch ${cls}`);
        scratch[cls] = pregOfClass(l, cls);
        break;
      }
      case 'fixed_stack':
        once();
        fixedStack.push(...l.list(() => pregAt(l)));
        break;
      case 'spillslot_size':
        once();
        l.list(() => {
          const cls = classAt(l);
          spillslotSize[cls] = l.uint('a spill slot size', 1 << 16);
        });
        break;
      case 'flags':
        once();
        l.list(() => {
          const t = l.word('a flag');
          if (!(FLAGS as readonly string[]).includes(t.text)) throw l.error(`unknown flag '${t.text}' (known: ${FLAGS.join(', ')})`, t);
          flags.add(t.text);
        });
        break;
      case 'entry':
        once();
        entry = blockRef(l);
        break;
      case 'vregs':
        once();
        declaredVregs = l.uint('the number of vregs');
        break;
      case 'label': {
        const label = l.uint('a label', 0xffffffff);
        l.expect(':');
        const v = vregAt(l);
        l.expect('[');
        const from = l.uint('the first instruction');
        l.expect(',');
        const to = l.uint('the end instruction');
        l.expect(')');
        labels.push([v, from, to, label]);
        break;
      }
      default:
        throw l.error(`unknown header line '${key.text}'`, key);
    }
    function once2(what: string): void {
      if (seen.has(what)) throw l.error(`'${key.text}' for this class given twice`, key);
      seen.add(what);
    }
  };

  const targets = (l: Line, block: BlockBuild): void => {
    if (block.succs) throw l.error('the block already has its successors');
    block.succs = [];
    l.list(() => {
      const target = blockRef(l);
      block.succs!.push(target);
      const args: VReg[] = [];
      if (l.eat('(') && !l.eat(')')) {
        args.push(...l.list(() => vregAt(l)));
        l.expect(')');
      }
      block.branchArgs.push(args);
    });
  };

  const operand = (l: Line, inst: number, index: number): Operand => {
    const start = l.peek();
    let atom: string;
    if (l.eat('nonalloc')) {
      atom = `fixed-nonalloc:${pregText(l)}`;
    } else {
      let kind: 'def' | 'use';
      let vText: string;
      if (l.eat('use')) {
        kind = 'use';
        vText = vregToString(vregAt(l));
      } else {
        const vt = l.peek();
        if (vt === undefined || vt.kind !== 'word' || !/^v\d+[ifv]$/.test(vt.text)) {
          throw l.error(`expected an operand ('use v1i reg', 'v2i = def reg' or 'nonalloc p4i'), found ${vt ? `'${vt.text}'` : 'the end of the line'}`, vt);
        }
        vText = vregToString(vregAt(l));
        l.expect('=');
        l.expect('def');
        kind = 'def';
      }
      const ct = l.word('a constraint (reg, any, stack, fixed(r), reuse(k), limit(n))');
      let constraint = ct.text;
      if (ct.text === 'fixed') {
        l.expect('(');
        constraint = `fixed(${pregText(l)})`;
        l.expect(')');
      } else if (ct.text === 'reuse' || ct.text === 'limit') {
        l.expect('(');
        constraint = `${ct.text}(${l.uint(ct.text === 'reuse' ? 'an operand index' : 'a register count')})`;
        l.expect(')');
      } else if (!['reg', 'any', 'stack'].includes(ct.text)) {
        throw l.error(`expected a constraint (reg, any, stack, fixed(r), reuse(k), limit(n)), found '${ct.text}'`, ct);
      }
      let pos = kind === 'def' ? 'late' : 'early';
      const pt = l.peek();
      if (pt && (pt.text === 'early' || pt.text === 'late') && pt.kind === 'word') {
        pos = pt.text;
        l.next('a position');
      }
      atom = `${vText}:${kind}:${pos}:${constraint}`;
    }
    const r = parseOperand(atom);
    if (typeof r === 'number') return r;
    const place = { inst, operand: index };
    switch (r.problem) {
      case 'fixed-class':
        throw l.error(`fixed register ${pregToString(r.preg)} is not of the class of ${vregToString(r.vreg)}`, start, 'InvalidFixedReg', { ...place, vreg: r.vreg });
      case 'reuse':
        throw l.error(`reuse index ${r.index} is out of range`, start, 'InvalidReuse', { ...place, vreg: r.vreg });
      case 'limit':
        throw l.error(`limit(${r.n}) is not a power of two in 1..32768`, start, 'InvalidLimit', { ...place, vreg: r.vreg });
      default:
        throw l.error(`malformed operand`, start);
    }
  };

  const results: TextFunction['results'] = {};
  lines.forEach((raw, k) => {
    const lineNo = k + 1;
    const rm = RESULT_LINE_RE.exec(raw);
    if (rm) {
      const algorithm = rm[1] as 'ion' | 'fastalloc';
      if (results[algorithm]) throw new TextParseError(lineNo, 1, `a second ${algorithm} reference result`);
      try {
        results[algorithm] = { json: JSON.parse(raw.slice(rm[0].length)), line: lineNo };
      } catch (e) {
        const at = /position (\d+)/.exec((e as Error).message);
        throw new TextParseError(lineNo, rm[0].length + 1 + (at ? Number(at[1]) : 0), `malformed reference result: ${(e as Error).message}`);
      }
      return;
    }
    const tokens = tokenize(raw, lineNo);
    if (tokens.length === 0) return;
    const l = new Line(tokens, lineNo, raw.length + 1);
    const first = tokens[0]!;
    const current = blocks[blocks.length - 1];
    if (first.kind === 'word' && /^block\d+$/.test(first.text)) {
      const ref = blockRef(l);
      if (ref.block !== blocks.length) throw l.error(`expected block${blocks.length} (blocks are numbered in order), found '${first.text}'`, first);
      const block: BlockBuild = { first: insts.length, params: [], branchArgs: [] };
      if (l.eat('(') && !l.eat(')')) {
        block.params = l.list(() => vregAt(l));
        l.expect(')');
      }
      l.expect(':');
      if (l.eat('preds')) block.preds = l.list(() => blockRef(l));
      l.end();
      blocks.push(block);
      blockLines.push(lineNo);
      return;
    }
    if (first.kind === 'word' && INST_KINDS.includes(first.text)) {
      if (!current) throw l.error('an instruction before the first block', first);
      l.next('an instruction');
      const index = insts.length;
      const operands: Operand[] = [];
      const t = l.peek();
      if (t && t.text !== 'clobbers' && t.text !== '->') operands.push(...l.list(() => operand(l, index, operands.length)));
      let clobberList: PReg[] = [];
      if (l.eat('clobbers')) clobberList = l.list(() => pregAt(l));
      if (l.eat('->')) targets(l, current);
      l.end();
      const clobbers = PRegSet.of(clobberList);
      const sorted = clobbers.toArray();
      const inOrder = sorted.length === clobberList.length && sorted.every((r, i) => r === clobberList[i]);
      const op = first.text as InstKind;
      insts.push(inOrder ? { op, operands, clobbers } : { op, operands, clobbers, clobberList });
      instLines.push(lineNo);
      return;
    }
    if (first.text === '->' && first.kind === 'punct') {
      if (!current) throw l.error('successors before the first block', first);
      l.next('->');
      targets(l, current);
      l.end();
      return;
    }
    if (first.kind !== 'word') throw l.error(`unexpected '${first.text}'`, first);
    if (current) throw l.error(`expected an instruction (op, branch, ret) or a block, found '${first.text}'`, first);
    l.next('a header line');
    header(l, first);
    l.end();
  });

  const numBlocks = blocks.length;
  const check = (t: PendingTarget): number => {
    if (t.block >= numBlocks) throw t.line.error(`no such block: block${t.block} (the function has ${numBlocks})`, t.token);
    return t.block;
  };
  const derivedPreds: number[][] = blocks.map(() => []);
  blocks.forEach((b, i) => b.succs?.forEach((s) => derivedPreds[check(s)]!.push(i)));
  const blockData: BlockData[] = blocks.map((b, i) => ({
    first: b.first,
    end: i + 1 < numBlocks ? blocks[i + 1]!.first : insts.length,
    preds: b.preds ? b.preds.map(check) : derivedPreds[i]!,
    succs: b.succs ? b.succs.map((s) => s.block) : [],
    params: b.params,
    branchArgs: b.branchArgs,
  }));
  const func = new InMemoryFunction({
    entry: entry ? check(entry) : 0,
    numVregs: declaredVregs ?? impliedVregs({ blocks: blockData, insts, debugValueLabels: labels }),
    blocks: blockData,
    insts,
    spillslotSize,
    multiSpillslotNamedByLastSlot: flags.has('multi_spillslot_named_by_last_slot'),
    allowMultipleVregDefs: flags.has('allow_multiple_vreg_defs'),
    debugValueLabels: labels,
  });
  const env: MachineEnv = {
    preferredRegsByClass: preferred,
    nonPreferredRegsByClass: nonPreferred,
    scratchByClass: scratch,
    fixedStackSlots: fixedStack,
  };
  const out: TextFunction = { name, origin, func, env, regNames, instLines, blockLines, results };
  if (defect !== undefined) out.defect = defect;
  return out;
}

// ---------------------------------------------------------------- printing

/** A register's name as `source` gives it, or undefined. */
export function lookupRegName(source: RegNameSource | undefined, p: PReg): string | undefined {
  if (source === undefined) return undefined;
  if (source instanceof Map) return source.get(p);
  return pregToString(p, source as RegNames);
}

/**
 * The names the printer will use: those from `source` that can be read back
 * (a plain name, not an atom or keyword, given to one register only).
 */
function usableNames(source: RegNameSource | undefined, regs: Iterable<PReg>): Map<PReg, string> {
  const out = new Map<PReg, string>();
  const taken = new Set<string>();
  for (const p of [...new Set(regs)].sort((a, b) => a - b)) {
    const n = lookupRegName(source, p);
    if (n === undefined || n === pregToString(p) || !NAME_RE.test(n) || ATOM_RE.test(n) || RESERVED.has(n) || taken.has(n)) continue;
    taken.add(n);
    out.set(p, n);
  }
  return out;
}

/** Every physical register the function and env mention. */
function mentionedRegs(func: InMemoryFunction, env: MachineEnv): PReg[] {
  const regs: PReg[] = [...env.fixedStackSlots];
  for (let c = 0; c < 3; c++) {
    regs.push(...env.preferredRegsByClass[c]!.toArray(), ...env.nonPreferredRegsByClass[c]!.toArray());
    const s = env.scratchByClass[c];
    if (s !== null && s !== undefined) regs.push(s);
  }
  for (const inst of func.data.insts) {
    for (const o of inst.operands) if (operandConstraintKind(o) === ConstraintKind.FixedReg) regs.push(operandFixedReg(o));
    regs.push(...(inst.clobberList ?? inst.clobbers.toArray()));
  }
  return regs;
}

/** What `printTextFunction` writes besides the function. */
export interface PrintOptions {
  /** The function's name. */
  name?: string;
  /** Where it comes from. */
  origin?: string;
  /** For an invalid function: what is wrong. */
  defect?: string;
  /** Register names to write instead of `p3i` (declared in a `regs` header line). */
  regNames?: RegNameSource;
  /** Reference results (corpus RESULT JSON) to carry as `reference ion|fastalloc {…}` lines at the end. */
  results?: {
    /** Ion's result (corpus RESULT JSON). */
    ion?: unknown;
    /** Fastalloc's result (corpus RESULT JSON). */
    fastalloc?: unknown;
  };
}

/** The text of one operand, with `reg` naming registers. */
export function operandText(o: Operand, reg: (p: PReg) => string = pregToString): string {
  if (operandIsFixedNonAllocatable(o)) return `nonalloc ${reg(operandFixedReg(o))}`;
  const v = vregToString(operandVReg(o));
  const c = operandConstraintKind(o) === ConstraintKind.FixedReg ? `fixed(${reg(operandFixedReg(o))})` : constraintToString(o);
  const late = operandPos(o) === 1;
  if (operandIsUse(o)) return `use ${v} ${c}${late ? ' late' : ''}`;
  return `${v} = def ${c}${late ? '' : ' early'}`;
}

/** The text of instruction `inst` without its successors: `op v1i = def reg, use v0i any clobbers p2i`. */
export function instText(data: InstData, reg: (p: PReg) => string = pregToString): string {
  let s = data.op;
  if (data.operands.length) s += ' ' + data.operands.map((o) => operandText(o, reg)).join(', ');
  const clobbers = data.clobberList ?? data.clobbers.toArray();
  if (clobbers.length) s += ' clobbers ' + clobbers.map(reg).join(', ');
  return s;
}

/** The successors of a block with their arguments: `-> block1(v3i), block2`. */
export function targetsText(b: BlockData): string {
  if (b.succs.length === 0) return '';
  const parts = b.succs.map((s, k) => {
    const args = b.branchArgs[k] ?? [];
    return `block${s}${args.length ? `(${args.map(vregToString).join(', ')})` : ''}`;
  });
  return `-> ${parts.join(', ')}`;
}

/** A block's header line: `block1(v3i): preds block0, block2` (preds only when they differ from the successor lists). */
export function blockHeaderText(func: InMemoryFunction, block: number, derivedPreds?: readonly (readonly number[])[]): string {
  const b = func.data.blocks[block]!;
  const derived = derivedPreds ?? derivePreds(func);
  const params = b.params.length ? `(${b.params.map(vregToString).join(', ')})` : '';
  const same = b.preds.length === derived[block]!.length && b.preds.every((p, i) => p === derived[block]![i]);
  return `block${block}${params}:${same ? '' : ` preds ${b.preds.map((p) => `block${p}`).join(', ')}`}`;
}

/** Each block's predecessors as the text format implies them: in block order of the successor lists. */
export function derivePreds(func: InMemoryFunction): number[][] {
  const preds: number[][] = func.data.blocks.map(() => []);
  func.data.blocks.forEach((b, i) => b.succs.forEach((s) => preds[s]?.push(i)));
  return preds;
}

/** A function for `regNames`: the usable names for this function's registers, else `p3i`. */
export function regNamer(func: InMemoryFunction, env: MachineEnv, source?: RegNameSource): { names: Map<PReg, string>; reg: (p: PReg) => string } {
  const names = usableNames(source, mentionedRegs(func, env));
  return { names, reg: (p) => names.get(p) ?? pregToString(p) };
}

/** Prints a function in the text format; `parseTextFunction` reads it back to the same function. */
export function printTextFunction(func: InMemoryFunction, env: MachineEnv, opts: PrintOptions = {}): string {
  const d = func.data;
  const { names, reg } = regNamer(func, env, opts.regNames);
  const out: string[] = [];
  if (opts.name) out.push(`function ${JSON.stringify(opts.name)}`);
  if (opts.origin) out.push(`origin ${JSON.stringify(opts.origin)}`);
  if (opts.defect !== undefined) out.push(`defect ${JSON.stringify(opts.defect)}`);
  if (names.size) out.push(`regs ${[...names].map(([p, n]) => `${n}=${pregToString(p)}`).join(', ')}`);
  for (const [key, sets] of [['preferred', env.preferredRegsByClass], ['non_preferred', env.nonPreferredRegsByClass]] as const) {
    sets.forEach((set, c) => {
      if (set.toArray().length) out.push(`${key} ${CLASS_NAMES[c]} ${set.toArray().map(reg).join(', ')}`);
    });
  }
  env.scratchByClass.forEach((s, c) => {
    if (s !== null) out.push(`scratch ${CLASS_NAMES[c]} ${reg(s)}`);
  });
  if (env.fixedStackSlots.length) out.push(`fixed_stack ${env.fixedStackSlots.map(reg).join(', ')}`);
  if (d.spillslotSize.some((s, c) => s !== DEFAULT_SPILLSLOT_SIZE[c])) {
    out.push(`spillslot_size ${d.spillslotSize.map((s, c) => `${CLASS_NAMES[c]} ${s}`).join(', ')}`);
  }
  const flags = FLAGS.filter((f) => (f === 'allow_multiple_vreg_defs' ? d.allowMultipleVregDefs : d.multiSpillslotNamedByLastSlot));
  if (flags.length) out.push(`flags ${flags.join(', ')}`);
  if (d.entry !== 0) out.push(`entry block${d.entry}`);
  if (d.numVregs !== impliedVregs(d)) out.push(`vregs ${d.numVregs}`);
  for (const [v, from, to, label] of d.debugValueLabels) out.push(`label ${label}: ${vregToString(v)} [${from}, ${to})`);
  const derived = derivePreds(func);
  d.blocks.forEach((b, bi) => {
    out.push('', blockHeaderText(func, bi, derived));
    const targets = targetsText(b);
    for (let i = b.first; i < b.end; i++) {
      const line = instText(d.insts[i]!, reg);
      out.push(`  ${i === b.end - 1 && targets ? `${line} ${targets}` : line}`);
    }
    if (b.end === b.first && targets) out.push(`  ${targets}`);
  });
  const results = (['ion', 'fastalloc'] as const).filter((a) => opts.results?.[a] !== undefined);
  if (results.length) out.push('');
  for (const a of results) out.push(`reference ${a} ${JSON.stringify(opts.results![a])}`);
  return out.join('\n') + '\n';
}

/** The vreg count the parser derives when no `vregs` line is given: the highest vreg mentioned, plus one. */
function impliedVregs(d: Pick<FunctionData, 'blocks' | 'insts' | 'debugValueLabels'>): number {
  let max = -1;
  for (const b of d.blocks) {
    for (const v of b.params) max = Math.max(max, vregIndex(v));
    for (const l of b.branchArgs) for (const v of l) max = Math.max(max, vregIndex(v));
  }
  for (const [v] of d.debugValueLabels) max = Math.max(max, vregIndex(v));
  for (const i of d.insts) for (const o of i.operands) if (!operandIsFixedNonAllocatable(o)) max = Math.max(max, operandVRegIndex(o));
  return max + 1;
}

/** What `printText` prints: a function with its env, name, origin, defect and register names. */
export interface PrintableFunction {
  /** The function's name. */
  name: string;
  /** Where it comes from. */
  origin: string;
  /** For an invalid function: what is wrong. */
  defect?: string;
  /** The function. */
  func: InMemoryFunction;
  /** Its machine env. */
  env: MachineEnv;
  /** Register names to print. */
  regNames?: RegNameSource;
  /** Reference results to carry. */
  results?: PrintOptions['results'];
}

/** Prints a function read from any format, keeping its name, origin, defect and register names. */
export function printText(f: PrintableFunction): string {
  const opts: PrintOptions = { name: f.name, origin: f.origin };
  if (f.defect !== undefined) opts.defect = f.defect;
  if (f.regNames !== undefined) opts.regNames = f.regNames;
  if (f.results !== undefined) opts.results = f.results;
  return printTextFunction(f.func, f.env, opts);
}
