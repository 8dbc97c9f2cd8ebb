// SSA construction straight from the checked syntax tree. Every join block (after an
// if/else, a loop header) takes one block parameter per variable in scope; a cleanup then
// removes the trivial ones (all incoming values equal) and the dead ones, with the dead
// pure instructions. Critical edges are split so the allocator can place edge moves.

import type { CheckedFn, CheckedProgram } from './check.js';
import { PUTC } from './check.js';
import type { BinOp, Expr, Stmt, Type } from './syntax.js';

export type IrOp =
  | 'iconst' // imm
  | 'fconst' // fimm
  | 'param' // index
  | 'ibin' // sub: + - * / % << >> >>> & | ^
  | 'ineg'
  | 'inot'
  | 'icmp' // sub: == != < <= > >=
  | 'fbin' // sub: + - * /
  | 'fneg'
  | 'fcmp'
  | 'i2f'
  | 'f2i'
  | 'load' // name: array
  | 'store' // name: array; args [index, value]
  | 'call' // name: callee
  | 'putc';

export interface IrInst {
  op: IrOp;
  /** The value defined, or -1. */
  dst: number;
  args: number[];
  sub?: BinOp;
  imm?: bigint;
  fimm?: number;
  name?: string;
  index?: number;
}

export type Term =
  | { k: 'jmp'; to: number; args: number[] }
  | { k: 'br'; cond: number; then: number; else: number }
  | { k: 'ret'; val: number };

export interface IrBlock {
  params: number[];
  insts: IrInst[];
  term: Term;
  preds: number[];
}

export interface IrFunc {
  name: string;
  paramTypes: Type[];
  ret: Type | 'void';
  blocks: IrBlock[];
  /** Type of each value. */
  types: Type[];
}

export function succsOf(t: Term): number[] {
  return t.k === 'jmp' ? [t.to] : t.k === 'br' ? [t.then, t.else] : [];
}

const HAS_EFFECT = new Set<IrOp>(['store', 'call', 'putc']);

/** Builds the SSA form of every function in the program. */
export function buildSsa(prog: CheckedProgram): IrFunc[] {
  return [...prog.fns.values()].map((f) => {
    const ir = new SsaBuilder(f).build();
    simplify(ir);
    splitCriticalEdges(ir);
    return ir;
  });
}

class SsaBuilder {
  private readonly blocks: IrBlock[] = [];
  private readonly types: Type[] = [];
  private cur: number | null = null;
  private vars = new Map<number, number>();

  constructor(private readonly fn: CheckedFn) {}

  build(): IrFunc {
    const f = this.fn.decl;
    this.cur = this.newBlock();
    f.params.forEach((p, i) => {
      const v = this.emit({ op: 'param', dst: this.value(p.type), args: [], index: i });
      this.vars.set(p.decl!, v);
    });
    this.stmts(f.body);
    if (this.cur !== null) {
      let val = -1;
      if (f.ret === 'int') val = this.emit({ op: 'iconst', dst: this.value('int'), args: [], imm: 0n });
      if (f.ret === 'float') val = this.emit({ op: 'fconst', dst: this.value('float'), args: [], fimm: 0 });
      this.terminate({ k: 'ret', val });
    }
    return { name: f.name, paramTypes: f.params.map((p) => p.type), ret: f.ret, blocks: this.blocks, types: this.types };
  }

  private value(t: Type): number {
    this.types.push(t);
    return this.types.length - 1;
  }
  private newBlock(): number {
    this.blocks.push({ params: [], insts: [], term: { k: 'ret', val: -1 }, preds: [] });
    return this.blocks.length - 1;
  }
  private emit(inst: IrInst): number {
    this.blocks[this.cur!]!.insts.push(inst);
    return inst.dst;
  }
  private terminate(t: Term): void {
    this.blocks[this.cur!]!.term = t;
    this.cur = null;
  }
  /** A join block with one parameter per variable in `keys`. */
  private joinBlock(keys: number[]): { block: number; values: Map<number, number> } {
    const block = this.newBlock();
    const values = new Map<number, number>();
    for (const k of keys) {
      const p = this.value(this.fn.declTypes[k]!);
      this.blocks[block]!.params.push(p);
      values.set(k, p);
    }
    return { block, values };
  }
  private jumpTo(to: number, keys: number[], vars: Map<number, number>): void {
    this.terminate({ k: 'jmp', to, args: keys.map((k) => vars.get(k)!) });
  }

  private stmts(list: Stmt[]): void {
    const before = new Set(this.vars.keys());
    for (const s of list) {
      if (this.cur === null) break; // code after a return
      this.stmt(s);
    }
    for (const k of [...this.vars.keys()]) if (!before.has(k)) this.vars.delete(k);
  }

  private stmt(s: Stmt): void {
    switch (s.k) {
      case 'var':
        this.vars.set(s.decl!, this.expr(s.init));
        return;
      case 'assign':
        this.vars.set(s.decl!, this.expr(s.e));
        return;
      case 'store': {
        const idx = this.expr(s.idx);
        const v = this.expr(s.e);
        this.emit({ op: 'store', dst: -1, args: [idx, v], name: s.arr });
        return;
      }
      case 'if': {
        const cond = this.expr(s.cond);
        const thenB = this.newBlock();
        const elseB = this.newBlock();
        this.terminate({ k: 'br', cond, then: thenB, else: elseB });
        const outer = new Map(this.vars);
        const keys = [...outer.keys()];
        const ends: { block: number; vars: Map<number, number> }[] = [];
        for (const [block, body] of [[thenB, s.then], [elseB, s.else]] as const) {
          this.cur = block;
          this.vars = new Map(outer);
          this.stmts(body);
          if (this.cur !== null) ends.push({ block: this.cur, vars: this.vars });
        }
        if (ends.length === 0) {
          this.cur = null;
          return;
        }
        const join = this.joinBlock(keys);
        for (const end of ends) {
          this.cur = end.block;
          this.jumpTo(join.block, keys, end.vars);
        }
        this.cur = join.block;
        this.vars = join.values;
        return;
      }
      case 'while': {
        const keys = [...this.vars.keys()];
        const header = this.joinBlock(keys);
        this.jumpTo(header.block, keys, this.vars);
        this.cur = header.block;
        this.vars = new Map(header.values);
        const cond = this.expr(s.cond);
        const body = this.newBlock();
        const exit = this.newBlock();
        this.terminate({ k: 'br', cond, then: body, else: exit });
        const atHeader = this.vars;
        this.cur = body;
        this.vars = new Map(atHeader);
        this.stmts(s.body);
        if (this.cur !== null) this.jumpTo(header.block, keys, this.vars);
        this.cur = exit;
        this.vars = atHeader;
        return;
      }
      case 'return': {
        const val = s.e ? this.expr(s.e) : -1;
        this.terminate({ k: 'ret', val });
        return;
      }
      case 'print': {
        const v = this.expr(s.e);
        const name = s.e.ty === 'float' ? '__print_float' : '__print_int';
        this.emit({ op: 'call', dst: -1, args: [v], name });
        return;
      }
      case 'expr':
        this.expr(s.e);
        return;
    }
  }

  private expr(e: Expr): number {
    switch (e.k) {
      case 'int':
        return this.emit({ op: 'iconst', dst: this.value('int'), args: [], imm: e.v });
      case 'float':
        return this.emit({ op: 'fconst', dst: this.value('float'), args: [], fimm: e.v });
      case 'var':
        if (e.constValue !== undefined) return this.emit({ op: 'iconst', dst: this.value('int'), args: [], imm: e.constValue });
        return this.vars.get(e.decl!)!;
      case 'un': {
        const v = this.expr(e.e);
        if (e.ty === 'float') return this.emit({ op: 'fneg', dst: this.value('float'), args: [v] });
        if (e.op === '!') {
          const zero = this.emit({ op: 'iconst', dst: this.value('int'), args: [], imm: 0n });
          return this.emit({ op: 'icmp', dst: this.value('int'), args: [v, zero], sub: '==' });
        }
        return this.emit({ op: e.op === '-' ? 'ineg' : 'inot', dst: this.value('int'), args: [v] });
      }
      case 'bin': {
        const l = this.expr(e.l);
        const r = this.expr(e.r);
        const cmp = ['==', '!=', '<', '<=', '>', '>='].includes(e.op);
        const float = e.l.ty === 'float';
        const op: IrOp = cmp ? (float ? 'fcmp' : 'icmp') : float ? 'fbin' : 'ibin';
        return this.emit({ op, dst: this.value(e.ty!), args: [l, r], sub: e.op });
      }
      case 'call': {
        const args = e.args.map((a) => this.expr(a));
        if (e.name === PUTC) return this.emit({ op: 'putc', dst: -1, args });
        const dst = e.ty === 'void' ? -1 : this.value(e.ty as Type);
        return this.emit({ op: 'call', dst, args, name: e.name });
      }
      case 'index': {
        const idx = this.expr(e.idx);
        return this.emit({ op: 'load', dst: this.value('int'), args: [idx], name: e.arr });
      }
      case 'conv': {
        const v = this.expr(e.e);
        if (e.e.ty === e.to) return v;
        return this.emit({ op: e.to === 'int' ? 'f2i' : 'i2f', dst: this.value(e.to), args: [v] });
      }
    }
  }
}

/** Fills in `preds` from the terminators. */
export function computePreds(f: IrFunc): void {
  for (const b of f.blocks) b.preds = [];
  f.blocks.forEach((b, i) => {
    for (const s of succsOf(b.term)) f.blocks[s]!.preds.push(i);
  });
}

/**
 * Removes trivial block params (every incoming value is the param itself or one other
 * value), then dead params and dead pure instructions, until nothing changes.
 */
export function simplify(f: IrFunc): void {
  computePreds(f);
  const rep = Int32Array.from(f.types, (_, i) => i);
  const find = (v: number): number => {
    while (rep[v] !== v) v = rep[v] = rep[rep[v]!]!;
    return v;
  };
  const jmpArgs = (pred: number): number[] => (f.blocks[pred]!.term as { args: number[] }).args;

  for (let changed = true; changed; ) {
    changed = false;
    for (const b of f.blocks) {
      for (let i = b.params.length - 1; i >= 0; i--) {
        const p = b.params[i]!;
        let other = -1;
        let trivial = true;
        for (const pred of b.preds) {
          const a = find(jmpArgs(pred)[i]!);
          if (a === p || a === other) continue;
          if (other === -1) other = a;
          else trivial = false;
        }
        if (!trivial || other === -1) continue;
        rep[p] = other;
        b.params.splice(i, 1);
        for (const pred of b.preds) jmpArgs(pred).splice(i, 1);
        changed = true;
      }
    }
  }
  for (const b of f.blocks) {
    for (const inst of b.insts) inst.args = inst.args.map(find);
    const t = b.term;
    if (t.k === 'jmp') t.args = t.args.map(find);
    else if (t.k === 'br') t.cond = find(t.cond);
    else if (t.val >= 0) t.val = find(t.val);
  }

  // Liveness of values from the roots (effects, branch conditions, returned values).
  const live = new Uint8Array(f.types.length);
  const work: number[] = [];
  const mark = (v: number) => {
    if (v >= 0 && !live[v]) {
      live[v] = 1;
      work.push(v);
    }
  };
  const defInst = new Map<number, IrInst>();
  const paramAt = new Map<number, [number, number]>();
  f.blocks.forEach((b, bi) => {
    b.params.forEach((p, i) => paramAt.set(p, [bi, i]));
    for (const inst of b.insts) {
      if (inst.dst >= 0) defInst.set(inst.dst, inst);
      if (HAS_EFFECT.has(inst.op) || (inst.op === 'ibin' && (inst.sub === '/' || inst.sub === '%'))) {
        inst.args.forEach(mark);
        if (inst.dst >= 0) mark(inst.dst);
      }
    }
    if (b.term.k === 'br') mark(b.term.cond);
    if (b.term.k === 'ret') mark(b.term.val);
  });
  while (work.length > 0) {
    const v = work.pop()!;
    const inst = defInst.get(v);
    if (inst) inst.args.forEach(mark);
    const at = paramAt.get(v);
    if (at) for (const pred of f.blocks[at[0]]!.preds) mark(jmpArgs(pred)[at[1]]!);
  }
  for (const b of f.blocks) {
    b.insts = b.insts.filter((inst) => inst.dst < 0 || live[inst.dst] || HAS_EFFECT.has(inst.op));
    for (let i = b.params.length - 1; i >= 0; i--) {
      if (live[b.params[i]!]) continue;
      b.params.splice(i, 1);
      for (const pred of b.preds) jmpArgs(pred).splice(i, 1);
    }
  }
}

/** Inserts an empty block on every edge from a block with several successors to one with several predecessors. */
export function splitCriticalEdges(f: IrFunc): void {
  computePreds(f);
  const n = f.blocks.length;
  for (let bi = 0; bi < n; bi++) {
    const t = f.blocks[bi]!.term;
    if (t.k !== 'br') continue;
    for (const side of ['then', 'else'] as const) {
      const target = t[side];
      if (f.blocks[target]!.preds.length < 2) continue;
      if (f.blocks[target]!.params.length > 0) throw new Error(`${f.name}: a conditional branch targets block ${target}, which has params`);
      f.blocks.push({ params: [], insts: [], term: { k: 'jmp', to: target, args: [] }, preds: [bi] });
      t[side] = f.blocks.length - 1;
    }
  }
  computePreds(f);
}
