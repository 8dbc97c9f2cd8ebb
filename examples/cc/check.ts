// Name resolution and type checking. Fills in `ty` on expressions and a function-unique
// `decl` number on every variable use, declaration and parameter; errors name line:column.

import { type Expr, type FnDecl, type Program, type Stmt, type Type, CompileError, parse } from './syntax.js';

export interface CheckedFn {
  readonly decl: FnDecl;
  /** Type of each variable number (parameters first). */
  readonly declTypes: Type[];
}

export interface CheckedProgram {
  readonly program: Program;
  readonly fns: Map<string, CheckedFn>;
  /** Array name → size in elements. */
  readonly arrays: Map<string, number>;
}

/**
 * Output routines written in the language itself, compiled with every program: `print`
 * calls them; the one primitive is `__putc`, which writes a byte to stdout.
 * Floats print as `[-]int.ffffff` (six decimals, truncated), `nan`, or `big` when |x| >= 1e18.
 */
export const PRELUDE = `
fn __print_digits(x: int) {
  if (x >= 10) { __print_digits(x / 10); }
  __putc(48 + x % 10);
}
fn __print_int(x: int) {
  if (x < 0) {
    __putc(45);
    if (x == -9223372036854775808) { __print_digits(922337203685477580); __putc(56); __putc(10); return; }
    x = -x;
  }
  __print_digits(x);
  __putc(10);
}
fn __print_float(x: float) {
  if (x != x) { __putc(110); __putc(97); __putc(110); __putc(10); return; }
  if (x < 0.0) { __putc(45); x = -x; }
  if (x >= 1000000000000000000.0) { __putc(98); __putc(105); __putc(103); __putc(10); return; }
  var whole = int(x);
  var frac = int((x - float(whole)) * 1000000.0);
  __print_digits(whole);
  __putc(46);
  var d = 100000;
  while (d > 0) { __putc(48 + frac / d % 10); d = d / 10; }
  __putc(10);
}
`;

export const PUTC = '__putc';

/**
 * Parses `src` with the prelude, resolves names and checks types. `defines` override the
 * values of `const` declarations (e.g. a benchmark's workload size).
 */
export function checkSource(src: string, file = '', defines: ReadonlyMap<string, bigint> = new Map()): CheckedProgram {
  const program = parse(src, file);
  for (const f of program.fns) {
    if (f.name.startsWith('__')) throw new CompileError(f.pos, `names starting with '__' are reserved`, file);
  }
  const prelude = parse(PRELUDE, '<prelude>');
  program.fns.push(...prelude.fns);
  for (const c of program.consts) {
    const v = defines.get(c.name);
    if (v !== undefined) c.value = v;
  }
  return check(program, file);
}

function check(program: Program, file: string): CheckedProgram {
  const fail = (pos: { line: number; col: number }, msg: string): never => {
    throw new CompileError(pos, msg, file);
  };
  const fns = new Map<string, CheckedFn>();
  const arrays = new Map<string, number>();
  const consts = new Map<string, bigint>();
  const globals = new Set<string>();
  const claim = (name: string, pos: { line: number; col: number }) => {
    if (globals.has(name) || name === PUTC) fail(pos, `'${name}' is defined twice`);
    globals.add(name);
  };
  for (const a of program.arrays) {
    claim(a.name, a.pos);
    arrays.set(a.name, a.size);
  }
  for (const c of program.consts) {
    claim(c.name, c.pos);
    consts.set(c.name, c.value);
  }
  for (const f of program.fns) {
    claim(f.name, f.pos);
    fns.set(f.name, { decl: f, declTypes: [] });
  }
  const main = fns.get('main');
  if (!main) fail({ line: 1, col: 1 }, `no function 'main'`);
  if (main!.decl.params.length !== 0 || main!.decl.ret !== 'int') fail(main!.decl.pos, `'main' must be 'fn main() -> int'`);

  for (const cf of fns.values()) {
    const f = cf.decl;
    const types = cf.declTypes;
    const scopes: Map<string, number>[] = [new Map()];
    const declare = (name: string, type: Type, pos: { line: number; col: number }): number => {
      const top = scopes[scopes.length - 1]!;
      if (top.has(name)) fail(pos, `'${name}' is already declared in this scope`);
      if (consts.has(name) || arrays.has(name)) fail(pos, `'${name}' shadows a global`);
      top.set(name, types.length);
      types.push(type);
      return types.length - 1;
    };
    const lookup = (name: string): number | undefined => {
      for (let s = scopes.length - 1; s >= 0; s--) {
        const d = scopes[s]!.get(name);
        if (d !== undefined) return d;
      }
      return undefined;
    };
    for (const p of f.params) p.decl = declare(p.name, p.type, f.pos);

    const expr = (e: Expr): Type | 'void' => {
      switch (e.k) {
        case 'int':
          return (e.ty = 'int');
        case 'float':
          return (e.ty = 'float');
        case 'var': {
          const d = lookup(e.name);
          if (d !== undefined) {
            e.decl = d;
            return (e.ty = types[d]!);
          }
          const c = consts.get(e.name);
          if (c === undefined) return fail(e.pos, `unknown variable '${e.name}'`);
          e.constValue = c;
          return (e.ty = 'int');
        }
        case 'un': {
          const t = value(e.e);
          if (t === 'float' && e.op !== '-') fail(e.pos, `'${e.op}' needs an int operand`);
          return (e.ty = e.op === '!' ? 'int' : t);
        }
        case 'bin': {
          const l = value(e.l);
          const r = value(e.r);
          if (l !== r) fail(e.pos, `'${e.op}' mixes ${l} and ${r} (convert with int() or float())`);
          const cmp = ['==', '!=', '<', '<=', '>', '>='].includes(e.op);
          if (l === 'float' && !cmp && !['+', '-', '*', '/'].includes(e.op)) fail(e.pos, `'${e.op}' needs int operands`);
          return (e.ty = cmp ? 'int' : l);
        }
        case 'call': {
          if (e.name === PUTC) {
            if (e.args.length !== 1 || value(e.args[0]!) !== 'int') fail(e.pos, `'${PUTC}' takes one int`);
            return (e.ty = 'void');
          }
          const callee = fns.get(e.name);
          if (!callee) return fail(e.pos, `unknown function '${e.name}'`);
          const ps = callee.decl.params;
          if (e.args.length !== ps.length) fail(e.pos, `'${e.name}' takes ${ps.length} arguments, got ${e.args.length}`);
          e.args.forEach((a, i) => {
            const t = value(a);
            if (t !== ps[i]!.type) fail(a.pos, `argument ${i + 1} of '${e.name}' must be ${ps[i]!.type}, got ${t}`);
          });
          return (e.ty = callee.decl.ret);
        }
        case 'index':
          if (!arrays.has(e.arr)) fail(e.pos, `unknown array '${e.arr}'`);
          if (value(e.idx) !== 'int') fail(e.idx.pos, `an array index must be int`);
          return (e.ty = 'int');
        case 'conv':
          value(e.e);
          return (e.ty = e.to);
      }
    };
    const value = (e: Expr): Type => {
      const t = expr(e);
      if (t === 'void') return fail(e.pos, `this call gives no value`);
      return t;
    };
    const block = (stmts: Stmt[]) => {
      scopes.push(new Map());
      for (const s of stmts) stmt(s);
      scopes.pop();
    };
    const stmt = (s: Stmt): void => {
      switch (s.k) {
        case 'var': {
          const t = value(s.init);
          if (s.type && s.type !== t) fail(s.init.pos, `'${s.name}' is ${s.type}, its initial value ${t}`);
          s.decl = declare(s.name, t, s.pos);
          return;
        }
        case 'assign': {
          const d = lookup(s.name);
          if (d === undefined) return fail(s.pos, `unknown variable '${s.name}'`);
          s.decl = d;
          const t = value(s.e);
          if (t !== types[d]) fail(s.e.pos, `'${s.name}' is ${types[d]}, the value ${t}`);
          return;
        }
        case 'store':
          if (!arrays.has(s.arr)) fail(s.pos, `unknown array '${s.arr}'`);
          if (value(s.idx) !== 'int') fail(s.idx.pos, `an array index must be int`);
          if (value(s.e) !== 'int') fail(s.e.pos, `arrays hold ints`);
          return;
        case 'if':
          if (value(s.cond) !== 'int') fail(s.cond.pos, `a condition must be int (compare floats explicitly)`);
          block(s.then);
          block(s.else);
          return;
        case 'while':
          if (value(s.cond) !== 'int') fail(s.cond.pos, `a condition must be int (compare floats explicitly)`);
          block(s.body);
          return;
        case 'return':
          if (f.ret === 'void') {
            if (s.e) fail(s.pos, `'${f.name}' returns nothing`);
          } else {
            if (!s.e) return fail(s.pos, `'${f.name}' must return ${f.ret}`);
            const t = value(s.e);
            if (t !== f.ret) fail(s.e.pos, `'${f.name}' returns ${f.ret}, not ${t}`);
          }
          return;
        case 'print':
          value(s.e);
          return;
        case 'expr':
          expr(s.e);
          return;
      }
    };
    block(f.body);
  }
  return { program, fns, arrays };
}
