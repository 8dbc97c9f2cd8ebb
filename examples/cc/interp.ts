// The reference interpreter: runs the checked syntax tree directly, with its own
// implementation of every operation (BigInt for 64-bit ints, JS numbers for doubles) and
// of `print`'s output format. It shares nothing with the backend but the syntax tree.

import type { CheckedProgram } from './check.js';
import { PUTC } from './check.js';
import type { Expr, Stmt } from './syntax.js';

export interface RunResult {
  /** Bytes written to stdout, as text. */
  stdout: string;
  /** The exit status: main's result modulo 256. */
  status: number;
}

/** A run-time fault with no defined result (division by zero, index out of range, too long a run). */
export class Trap extends Error {
  override name = 'Trap';
}

const INT_MIN = -(1n << 63n);
const TWO_63 = 2 ** 63;

/** `int(x)`: truncation; NaN and out-of-range values give the most negative int (as x86's cvttsd2si). */
export function floatToInt(x: number): bigint {
  if (Number.isNaN(x) || x >= TWO_63 || x < -TWO_63) return INT_MIN;
  return BigInt(Math.trunc(x));
}

/** `print`'s text for a float: `[-]whole.ffffff` (truncated), `nan`, or `big` when |x| >= 1e18. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  let sign = '';
  if (x < 0) {
    sign = '-';
    x = -x;
  }
  if (x >= 1e18) return `${sign}big`;
  const whole = Math.trunc(x);
  const frac = Math.trunc((x - whole) * 1000000);
  return `${sign}${BigInt(whole)}.${String(frac).padStart(6, '0')}`;
}

type Value = bigint | number;

interface Frame {
  vars: Value[];
  ret: Value | undefined;
  returning: boolean;
}

export function interpret(prog: CheckedProgram, maxSteps = 50_000_000): RunResult {
  const arrays = new Map<string, BigInt64Array>();
  for (const [name, size] of prog.arrays) arrays.set(name, new BigInt64Array(size));
  let out = '';
  let steps = 0;
  let depth = 0;
  const tick = () => {
    if (++steps > maxSteps) throw new Trap(`more than ${maxSteps} steps`);
  };
  const wrap = (v: bigint) => BigInt.asIntN(64, v);

  const call = (name: string, args: Value[]): Value | undefined => {
    const fn = prog.fns.get(name)!;
    if (++depth > 200_000) throw new Trap('recursion deeper than 200000 calls');
    const frame: Frame = { vars: new Array(fn.declTypes.length), ret: undefined, returning: false };
    fn.decl.params.forEach((p, i) => (frame.vars[p.decl!] = args[i]!));
    exec(fn.decl.body, frame);
    depth--;
    if (frame.returning) return frame.ret;
    return fn.decl.ret === 'int' ? 0n : fn.decl.ret === 'float' ? 0 : undefined;
  };

  const element = (arr: string, idx: bigint): [BigInt64Array, number] => {
    const a = arrays.get(arr)!;
    if (idx < 0n || idx >= BigInt(a.length)) throw new Trap(`index ${idx} out of range for ${arr}[${a.length}]`);
    return [a, Number(idx)];
  };

  const exec = (stmts: Stmt[], f: Frame): void => {
    for (const s of stmts) {
      tick();
      switch (s.k) {
        case 'var':
          f.vars[s.decl!] = ev(s.init, f);
          break;
        case 'assign':
          f.vars[s.decl!] = ev(s.e, f);
          break;
        case 'store': {
          const [a, i] = element(s.arr, ev(s.idx, f) as bigint);
          a[i] = ev(s.e, f) as bigint;
          break;
        }
        case 'if':
          exec((ev(s.cond, f) as bigint) !== 0n ? s.then : s.else, f);
          break;
        case 'while':
          while (!f.returning && (ev(s.cond, f) as bigint) !== 0n) {
            tick();
            exec(s.body, f);
          }
          break;
        case 'return':
          f.ret = s.e ? ev(s.e, f) : undefined;
          f.returning = true;
          break;
        case 'print': {
          const v = ev(s.e, f);
          out += typeof v === 'bigint' ? `${v}\n` : `${formatFloat(v)}\n`;
          break;
        }
        case 'expr':
          ev(s.e, f);
          break;
      }
      if (f.returning) return;
    }
  };

  const ev = (e: Expr, f: Frame): Value => {
    switch (e.k) {
      case 'int':
      case 'float':
        return e.v;
      case 'var':
        return e.constValue ?? f.vars[e.decl!]!;
      case 'un': {
        const v = ev(e.e, f);
        if (typeof v === 'number') return -v;
        return e.op === '-' ? wrap(-v) : e.op === '~' ? ~v : v === 0n ? 1n : 0n;
      }
      case 'bin': {
        const l = ev(e.l, f);
        const r = ev(e.r, f);
        if (typeof l === 'number') return floatBin(e.op, l, r as number);
        return intBin(e.op, l, r as bigint);
      }
      case 'call': {
        const args = e.args.map((a) => ev(a, f));
        tick();
        if (e.name === PUTC) {
          out += String.fromCharCode(Number(BigInt.asUintN(8, args[0] as bigint)));
          return 0n;
        }
        return call(e.name, args) ?? 0n;
      }
      case 'index': {
        const [a, i] = element(e.arr, ev(e.idx, f) as bigint);
        return a[i]!;
      }
      case 'conv': {
        const v = ev(e.e, f);
        if (e.to === 'int') return typeof v === 'bigint' ? v : floatToInt(v);
        return typeof v === 'number' ? v : Number(v);
      }
    }
  };

  const intBin = (op: string, l: bigint, r: bigint): bigint => {
    switch (op) {
      case '+':
        return wrap(l + r);
      case '-':
        return wrap(l - r);
      case '*':
        return wrap(l * r);
      case '/':
      case '%':
        if (r === 0n) throw new Trap('division by zero');
        if (l === INT_MIN && r === -1n) throw new Trap('division overflow');
        return op === '/' ? l / r : l % r;
      case '<<':
        return wrap(l << (r & 63n));
      case '>>':
        return l >> (r & 63n);
      case '>>>':
        return wrap(BigInt.asUintN(64, l) >> (r & 63n));
      case '&':
        return l & r;
      case '|':
        return l | r;
      case '^':
        return l ^ r;
      default:
        return compare(op, l, r) ? 1n : 0n;
    }
  };
  const floatBin = (op: string, l: number, r: number): Value => {
    switch (op) {
      case '+':
        return l + r;
      case '-':
        return l - r;
      case '*':
        return l * r;
      case '/':
        return l / r;
      default:
        return compare(op, l, r) ? 1n : 0n;
    }
  };

  const status = call('main', []) as bigint;
  return { stdout: out, status: Number(BigInt.asUintN(8, status)) };
}

function compare<T extends bigint | number>(op: string, l: T, r: T): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}
