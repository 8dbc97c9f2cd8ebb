// Corrupts reference allocations at random and expects the checker to reject
// every corruption that changes the program's meaning. Meaning is decided
// independently by running the program concretely (test/support/interpret.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckerError, checkOutput } from '../src/checker/index.js';
import { Rng } from '../src/fuzz/rng.js';
import type { InMemoryFunction } from '../src/func/in_memory.js';
import { readCorpusFile } from '../src/io/corpus.js';
import { type Allocation, allocIsReg, allocIsStack, allocReg, allocStack, allocToString } from '../src/model/allocation.js';
import type { MachineEnv, Output } from '../src/model/function.js';
import { operandClass, operandIsFixedNonAllocatable } from '../src/model/operand.js';
import type { PReg } from '../src/model/regs.js';
import { corpusFiles } from './support/corpus.js';
import { interpret } from './support/interpret.js';

interface Case {
  name: string;
  func: InMemoryFunction;
  env: MachineEnv;
  out: Output;
}

const KINDS = ['realloc', 'drop-edit', 'edit-source', 'edit-dest', 'clobbered-reg', 'slot-share'] as const;
type Kind = (typeof KINDS)[number];

function pool(): Case[] {
  const cases: Case[] = [];
  for (const folder of ['fuzz', 'cranelift', 'fuzzgen']) {
    corpusFiles(folder).forEach((path, i) => {
      if (i % 3 !== 0) return;
      const c = readCorpusFile(path);
      if (c.func.numInsts() > 600) return;
      for (const alg of ['ion', 'fastalloc'] as const) {
        const ref = c.reference[alg]!;
        if (ref.ok && ref.checker === 'ok' && (ref.output.edits.length > 0 || c.func.numInsts() > 3)) {
          cases.push({ name: `${c.name}/${alg}`, func: c.func, env: c.env, out: ref.output });
        }
      }
    });
  }
  return cases;
}

function allocatable(env: MachineEnv, cls: number): PReg[] {
  return [...env.preferredRegsByClass[cls]!.toArray(), ...env.nonPreferredRegsByClass[cls]!.toArray()];
}

/** Another location like `a`: a register of the same class, or another slot. */
function another(rng: Rng, env: MachineEnv, out: Output, a: Allocation, cls: number): Allocation | undefined {
  if (allocIsReg(a)) {
    const regs = allocatable(env, (a >> 6) & 3).filter((p) => allocReg(p) !== a);
    return regs.length ? allocReg(rng.choose(regs)) : undefined;
  }
  if (allocIsStack(a) && out.numSpillslots > 1) {
    let s = rng.int(0, out.numSpillslots - 1);
    if (allocStack(s) === a) s = (s + 1) % out.numSpillslots;
    return allocStack(s);
  }
  const regs = allocatable(env, cls);
  return regs.length ? allocReg(rng.choose(regs)) : undefined;
}

function mutate(rng: Rng, c: Case, kind: Kind): { out: Output; what: string } | undefined {
  const out: Output = { ...c.out, allocs: c.out.allocs.slice(), edits: c.out.edits.slice() };
  const f = c.func;
  switch (kind) {
    case 'realloc': {
      const i = rng.int(0, f.numInsts() - 1);
      const ops = f.instOperands(i);
      if (ops.length === 0) return undefined;
      const k = rng.int(0, ops.length - 1);
      if (operandIsFixedNonAllocatable(ops[k]!)) return undefined;
      const idx = out.instAllocOffsets[i]! + k;
      const b = another(rng, c.env, out, out.allocs[idx]!, operandClass(ops[k]!));
      if (b === undefined) return undefined;
      const what = `inst ${i} operand ${k}: ${allocToString(out.allocs[idx]!)} → ${allocToString(b)}`;
      out.allocs[idx] = b;
      return { out, what };
    }
    case 'drop-edit': {
      if (out.edits.length === 0) return undefined;
      const e = rng.int(0, out.edits.length - 1);
      const [gone] = out.edits.splice(e, 1);
      return { out, what: `edit ${e} dropped (${allocToString(gone!.from)} → ${allocToString(gone!.to)})` };
    }
    case 'edit-source':
    case 'edit-dest': {
      if (out.edits.length === 0) return undefined;
      const e = rng.int(0, out.edits.length - 1);
      const ed = out.edits[e]!;
      const field = kind === 'edit-source' ? 'from' : 'to';
      const cls = allocIsReg(ed[field]) ? (ed[field] >> 6) & 3 : allocIsReg(ed.from) ? (ed.from >> 6) & 3 : (ed.to >> 6) & 3;
      const b = another(rng, c.env, out, ed[field], cls);
      if (b === undefined) return undefined;
      out.edits[e] = { ...ed, [field]: b };
      return { out, what: `edit ${e} ${field} ${allocToString(ed[field])} → ${allocToString(b)}` };
    }
    case 'clobbered-reg': {
      const withClobbers: number[] = [];
      for (let i = 0; i < f.numInsts(); i++) if (!f.instClobbers(i).isEmpty() && f.instOperands(i).length) withClobbers.push(i);
      if (withClobbers.length === 0) return undefined;
      const i = rng.choose(withClobbers);
      const ops = f.instOperands(i);
      const k = rng.int(0, ops.length - 1);
      if (operandIsFixedNonAllocatable(ops[k]!)) return undefined;
      const cands = f.instClobbers(i).toArray().filter((p) => p >> 6 === operandClass(ops[k]!));
      if (cands.length === 0) return undefined;
      const idx = out.instAllocOffsets[i]! + k;
      const b = allocReg(rng.choose(cands));
      if (b === out.allocs[idx]) return undefined;
      const what = `inst ${i} operand ${k}: ${allocToString(out.allocs[idx]!)} → clobbered ${allocToString(b)}`;
      out.allocs[idx] = b;
      return { out, what };
    }
    case 'slot-share': {
      const slots = new Set<number>();
      for (const a of out.allocs) if (allocIsStack(a)) slots.add(a);
      for (const e of out.edits) {
        if (allocIsStack(e.from)) slots.add(e.from);
        if (allocIsStack(e.to)) slots.add(e.to);
      }
      const spills = out.edits.map((e, k) => [e, k] as const).filter(([e]) => allocIsStack(e.to));
      if (slots.size < 2 || spills.length === 0) return undefined;
      const [ed, e] = rng.choose(spills);
      const other = rng.choose([...slots].filter((s) => s !== ed.to));
      out.edits[e] = { ...ed, to: other };
      return { out, what: `edit ${e} spills into ${allocToString(other)}, already in use, instead of ${allocToString(ed.to)}` };
    }
  }
}

describe('checker mutation test', () => {
  it('rejects at least 99% of the corruptions that change meaning', () => {
    const cases = pool();
    assert.ok(cases.length > 200, `only ${cases.length} references`);
    const rng = new Rng(20261125);
    const byKind = new Map<string, { tried: number; meaning: number; rejected: number }>();
    const misses: string[] = [];
    let total = 0;
    let meaning = 0;
    let caught = 0;
    let rejectedNeutral = 0;
    while (total < 1200) {
      const c = rng.choose(cases);
      const kind = rng.choose(KINDS);
      const m = mutate(rng, c, kind);
      if (!m) continue;
      total++;
      let rejected = false;
      try {
        checkOutput(c.func, c.env, m.out);
      } catch (e) {
        assert.ok(e instanceof CheckerError, String(e));
        rejected = true;
      }
      const fault = interpret(c.func, c.env, m.out, total, 6);
      const stat = byKind.get(kind) ?? { tried: 0, meaning: 0, rejected: 0 };
      stat.tried++;
      if (fault) {
        meaning++;
        stat.meaning++;
        if (rejected) {
          caught++;
          stat.rejected++;
        } else misses.push(`${c.name} ${kind}: ${m.what} (${fault.what} at inst ${fault.inst})`);
      } else if (rejected) rejectedNeutral++;
      byKind.set(kind, stat);
    }
    console.log(
      `mutations ${total}; meaning-changing ${meaning}; rejected ${caught} of those (${((100 * caught) / meaning).toFixed(2)}%); ` +
        `rejected though no run showed a wrong value: ${rejectedNeutral}`,
    );
    for (const [k, s] of byKind) console.log(`  ${k}: ${s.tried} tried, ${s.meaning} meaning-changing, ${s.rejected} rejected`);
    for (const m of misses) console.log(`  missed: ${m}`);
    assert.ok(total >= 1000);
    assert.ok(meaning >= 500, `only ${meaning} meaning-changing corruptions`);
    assert.ok(caught / meaning >= 0.99, `${caught}/${meaning} rejected`);
  });
});
