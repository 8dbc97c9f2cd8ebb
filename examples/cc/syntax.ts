// The language's syntax tree, lexer and parser.
//
//   const N = 10;                 // a global integer constant (overridable at compile time)
//   array a[64];                  // a global array of 64-bit integers, zero-initialised
//   fn add(x: int, y: float) -> float { return float(x) + y; }
//   fn main() -> int { var i = 0; while (i < N) { a[i] = i * i; i = i + 1; } print(a[3]); return 0; }
//
// Types are `int` (64-bit, wrapping) and `float` (IEEE double). Comparisons give an int 0/1;
// `if`/`while` test an int against 0. `int(e)` and `float(e)` convert.

export type Type = 'int' | 'float';

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type BinOp =
  | '+' | '-' | '*' | '/' | '%'
  | '<<' | '>>' | '>>>' | '&' | '|' | '^'
  | '==' | '!=' | '<' | '<=' | '>' | '>=';
export type UnOp = '-' | '~' | '!';

/** Expressions; `ty` is filled in by the checker. */
export type Expr =
  | { k: 'int'; v: bigint; pos: Pos; ty?: Type }
  | { k: 'float'; v: number; pos: Pos; ty?: Type }
  | { k: 'var'; name: string; pos: Pos; ty?: Type; decl?: number; constValue?: bigint }
  | { k: 'un'; op: UnOp; e: Expr; pos: Pos; ty?: Type }
  | { k: 'bin'; op: BinOp; l: Expr; r: Expr; pos: Pos; ty?: Type }
  | { k: 'call'; name: string; args: Expr[]; pos: Pos; ty?: Type | 'void' }
  | { k: 'index'; arr: string; idx: Expr; pos: Pos; ty?: Type }
  | { k: 'conv'; to: Type; e: Expr; pos: Pos; ty?: Type };

/** Statements; `decl` (a unique variable number) is filled in by the checker. */
export type Stmt =
  | { k: 'var'; name: string; type?: Type; init: Expr; pos: Pos; decl?: number }
  | { k: 'assign'; name: string; e: Expr; pos: Pos; decl?: number }
  | { k: 'store'; arr: string; idx: Expr; e: Expr; pos: Pos }
  | { k: 'if'; cond: Expr; then: Stmt[]; else: Stmt[]; pos: Pos }
  | { k: 'while'; cond: Expr; body: Stmt[]; pos: Pos }
  | { k: 'return'; e?: Expr; pos: Pos }
  | { k: 'print'; e: Expr; pos: Pos }
  | { k: 'expr'; e: Expr; pos: Pos };

export interface Param {
  readonly name: string;
  readonly type: Type;
  decl?: number;
}

export interface FnDecl {
  readonly name: string;
  readonly params: Param[];
  readonly ret: Type | 'void';
  readonly body: Stmt[];
  readonly pos: Pos;
}

export interface ArrayDecl {
  readonly name: string;
  readonly size: number;
  readonly pos: Pos;
}

export interface ConstDecl {
  readonly name: string;
  value: bigint;
  readonly pos: Pos;
}

export interface Program {
  readonly fns: FnDecl[];
  readonly arrays: ArrayDecl[];
  readonly consts: ConstDecl[];
}

/** A syntax or type error; the message starts with `line:column`. */
export class CompileError extends Error {
  constructor(
    readonly pos: Pos,
    readonly detail: string,
    file = '',
  ) {
    super(`${file ? `${file}:` : ''}${pos.line}:${pos.col}: ${detail}`);
    this.name = 'CompileError';
  }
}

type TokKind = 'num' | 'fnum' | 'id' | 'op' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  pos: Pos;
}

const OPS = [
  '>>>', '<<', '>>', '<=', '>=', '==', '!=', '->',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '=',
  '(', ')', '{', '}', '[', ']', ',', ';', ':',
];

export function lex(src: string, file = ''): Token[] {
  const toks: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (): Pos => ({ line, col: i - lineStart + 1 });
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const pos = at();
    if (/[0-9]/.test(c)) {
      const m = /^(?:0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(src.slice(i))!;
      const text = m[0];
      const isFloat = !text.startsWith('0x') && /[.eE]/.test(text);
      toks.push({ kind: isFloat ? 'fnum' : 'num', text, pos });
      i += text.length;
      if (/[A-Za-z_0-9]/.test(src[i] ?? '')) throw new CompileError(at(), `bad number '${text}${src[i]}'`, file);
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z_0-9]*/.exec(src.slice(i))!;
      toks.push({ kind: 'id', text: m[0], pos });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new CompileError(pos, `unexpected character '${c}'`, file);
    toks.push({ kind: 'op', text: op, pos });
    i += op.length;
  }
  toks.push({ kind: 'eof', text: 'end of file', pos: at() });
  return toks;
}

const INT64_MAX = (1n << 63n) - 1n;
const BINARY_LEVELS: readonly (readonly BinOp[])[] = [
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>', '>>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

class Parser {
  private at = 0;
  constructor(
    private readonly toks: Token[],
    private readonly file: string,
  ) {}

  private peek(offset = 0): Token {
    return this.toks[Math.min(this.at + offset, this.toks.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.at++;
    return t;
  }
  private fail(t: Token, what: string): never {
    throw new CompileError(t.pos, `expected ${what}, found '${t.text}'`, this.file);
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  private isWord(text: string): boolean {
    const t = this.peek();
    return t.kind === 'id' && t.text === text;
  }
  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(this.peek(), `'${text}'`);
    return this.next();
  }
  private ident(what = 'a name'): Token {
    const t = this.peek();
    if (t.kind !== 'id' || KEYWORDS.has(t.text)) this.fail(t, what);
    return this.next();
  }
  private type(): Type {
    const t = this.next();
    if (t.kind === 'id' && (t.text === 'int' || t.text === 'float')) return t.text;
    return this.fail(t, "a type ('int' or 'float')");
  }
  private intLiteral(): bigint {
    const neg = this.isOp('-');
    if (neg) this.next();
    const t = this.next();
    if (t.kind !== 'num') this.fail(t, 'an integer literal');
    const v = neg ? -BigInt(t.text) : BigInt(t.text);
    if (v > INT64_MAX || v < -INT64_MAX - 1n) throw new CompileError(t.pos, `integer literal out of 64-bit range`, this.file);
    return v;
  }

  program(): Program {
    const prog: Program = { fns: [], arrays: [], consts: [] };
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (this.isWord('fn')) prog.fns.push(this.fn());
      else if (this.isWord('array')) {
        this.next();
        const name = this.ident('an array name');
        this.expectOp('[');
        const size = this.intLiteral();
        if (size <= 0n || size > 1n << 27n) throw new CompileError(name.pos, `array size must be in 1..2^27`, this.file);
        this.expectOp(']');
        this.expectOp(';');
        prog.arrays.push({ name: name.text, size: Number(size), pos: name.pos });
      } else if (this.isWord('const')) {
        this.next();
        const name = this.ident('a constant name');
        this.expectOp('=');
        const value = this.intLiteral();
        this.expectOp(';');
        prog.consts.push({ name: name.text, value, pos: name.pos });
      } else this.fail(t, "'fn', 'array' or 'const'");
    }
    return prog;
  }

  private fn(): FnDecl {
    const pos = this.next().pos;
    const name = this.ident('a function name').text;
    this.expectOp('(');
    const params: Param[] = [];
    while (!this.isOp(')')) {
      if (params.length > 0) this.expectOp(',');
      const p = this.ident('a parameter name').text;
      this.expectOp(':');
      params.push({ name: p, type: this.type() });
    }
    this.next();
    let ret: Type | 'void' = 'void';
    if (this.isOp('->')) {
      this.next();
      ret = this.type();
    }
    return { name, params, ret, body: this.block(), pos };
  }

  private block(): Stmt[] {
    this.expectOp('{');
    const out: Stmt[] = [];
    while (!this.isOp('}')) {
      if (this.peek().kind === 'eof') this.fail(this.peek(), "'}'");
      out.push(this.stmt());
    }
    this.next();
    return out;
  }

  private stmt(): Stmt {
    const t = this.peek();
    const pos = t.pos;
    if (this.isWord('var')) {
      this.next();
      const name = this.ident('a variable name').text;
      let type: Type | undefined;
      if (this.isOp(':')) {
        this.next();
        type = this.type();
      }
      this.expectOp('=');
      const init = this.expr();
      this.expectOp(';');
      return type ? { k: 'var', name, type, init, pos } : { k: 'var', name, init, pos };
    }
    if (this.isWord('if')) {
      this.next();
      this.expectOp('(');
      const cond = this.expr();
      this.expectOp(')');
      const then = this.block();
      let els: Stmt[] = [];
      if (this.isWord('else')) {
        this.next();
        els = this.isWord('if') ? [this.stmt()] : this.block();
      }
      return { k: 'if', cond, then, else: els, pos };
    }
    if (this.isWord('while')) {
      this.next();
      this.expectOp('(');
      const cond = this.expr();
      this.expectOp(')');
      return { k: 'while', cond, body: this.block(), pos };
    }
    if (this.isWord('return')) {
      this.next();
      if (this.isOp(';')) {
        this.next();
        return { k: 'return', pos };
      }
      const e = this.expr();
      this.expectOp(';');
      return { k: 'return', e, pos };
    }
    if (this.isWord('print')) {
      this.next();
      this.expectOp('(');
      const e = this.expr();
      this.expectOp(')');
      this.expectOp(';');
      return { k: 'print', e, pos };
    }
    if (t.kind === 'id' && !KEYWORDS.has(t.text)) {
      const after = this.peek(1);
      if (after.kind === 'op' && after.text === '=') {
        this.next();
        this.next();
        const e = this.expr();
        this.expectOp(';');
        return { k: 'assign', name: t.text, e, pos };
      }
      if (after.kind === 'op' && after.text === '[') {
        const save = this.at;
        this.next();
        this.next();
        const idx = this.expr();
        this.expectOp(']');
        if (this.isOp('=')) {
          this.next();
          const e = this.expr();
          this.expectOp(';');
          return { k: 'store', arr: t.text, idx, e, pos };
        }
        this.at = save;
      }
    }
    const e = this.expr();
    this.expectOp(';');
    return { k: 'expr', e, pos };
  }

  expr(level = 0): Expr {
    if (level === BINARY_LEVELS.length) return this.unary();
    let l = this.expr(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !(BINARY_LEVELS[level] as readonly string[]).includes(t.text)) return l;
      this.next();
      const r = this.expr(level + 1);
      l = { k: 'bin', op: t.text as BinOp, l, r, pos: t.pos };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '~' || t.text === '!')) {
      this.next();
      const e = this.unary();
      // Fold `-literal` so that the most negative integer can be written.
      if (t.text === '-' && e.k === 'int') return { k: 'int', v: BigInt.asIntN(64, -e.v), pos: t.pos };
      if (t.text === '-' && e.k === 'float') return { k: 'float', v: -e.v, pos: t.pos };
      return { k: 'un', op: t.text, e, pos: t.pos };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    if (t.kind === 'num') {
      const v = BigInt(t.text);
      if (v > 1n << 63n) throw new CompileError(t.pos, `integer literal out of 64-bit range`, this.file);
      return { k: 'int', v: BigInt.asIntN(64, v), pos: t.pos };
    }
    if (t.kind === 'fnum') return { k: 'float', v: Number(t.text), pos: t.pos };
    if (t.kind === 'op' && t.text === '(') {
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.kind === 'id' && !KEYWORDS.has(t.text)) {
      if (this.isOp('(')) {
        this.next();
        const args: Expr[] = [];
        while (!this.isOp(')')) {
          if (args.length > 0) this.expectOp(',');
          args.push(this.expr());
        }
        this.next();
        return { k: 'call', name: t.text, args, pos: t.pos };
      }
      if (this.isOp('[')) {
        this.next();
        const idx = this.expr();
        this.expectOp(']');
        return { k: 'index', arr: t.text, idx, pos: t.pos };
      }
      return { k: 'var', name: t.text, pos: t.pos };
    }
    if (t.kind === 'id' && (t.text === 'int' || t.text === 'float') && this.isOp('(')) {
      this.next();
      const e = this.expr();
      this.expectOp(')');
      return { k: 'conv', to: t.text, e, pos: t.pos };
    }
    return this.fail(t, 'an expression');
  }
}

const KEYWORDS = new Set(['fn', 'var', 'if', 'else', 'while', 'return', 'print', 'array', 'const', 'int', 'float']);

export function parse(src: string, file = ''): Program {
  return new Parser(lex(src, file), file).program();
}
