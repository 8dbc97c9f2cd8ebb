import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allocate } from '../src/allocate.js';
import { checkOutput } from '../src/checker/index.js';
import { readInputFile } from '../src/io/files.js';
import { allocReg, allocStack, pointBefore } from '../src/model/allocation.js';
import { emptyStats, type Output } from '../src/model/function.js';
import { preg } from '../src/model/regs.js';
import { loopDepthFrequencies, score, scoreDetails } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = (name: string) => readInputFile(join(root, 'examples', name));

const rax = allocReg(preg(0, 0));
const rcx = allocReg(preg(1, 0));

describe('cost score', () => {
  it('block frequencies follow regalloc2: 4^loop depth', () => {
    // block1 is entered by the back edge from block2; block3 is after the loop.
    assert.deepEqual([...loopDepthFrequencies(example('loop.ra').func)], [1, 4, 4, 1]);
  });

  it('spill.ra with Ion: two spills and two reloads outside loops cost 2 * 1 + 2 * 4', () => {
    const f = example('spill.ra');
    const out = allocate(f.func, f.env, { algorithm: 'ion' });
    checkOutput(f.func, f.env, out);
    const d = scoreDetails(f.func, out, { env: f.env });
    assert.deepEqual([d.regMoves, d.spills, d.reloads, d.stackMoves, d.memoryOperands], [0, 2, 2, 0, 0]);
    assert.equal(d.total, 10);
  });

  // A made-up output for loop.ra, to price each kind of cost in blocks of known depth.
  const f = example('loop.ra');
  const allocs = new Int32Array(11).fill(rax);
  allocs[5] = allocStack(0); // inst 4 operand 2: `use v4i any`, in block1 (depth 1), left in memory
  const out: Output = {
    numSpillslots: 2,
    allocs,
    instAllocOffsets: Uint32Array.from([0, 1, 2, 3, 3, 6, 8, 10, 10, 10]),
    edits: [
      { point: pointBefore(0), from: rax, to: allocStack(0) }, // spill, block0: 1
      { point: pointBefore(4), from: rax, to: rcx }, // move, block1: 0.2 * 4
      { point: pointBefore(7), from: allocStack(0), to: allocStack(1) }, // stack move, block1: (4 + 1) * 4
      { point: pointBefore(8), from: allocStack(1), to: rax }, // reload before block2's branch (the back edge): 4 * 4
    ],
    debugLocations: [],
    stats: emptyStats(),
  };

  it('prices moves, spills, reloads, stack moves and memory operands by block frequency', () => {
    const d = scoreDetails(f.func, out);
    assert.deepEqual([d.regMoves, d.spills, d.reloads, d.stackMoves, d.memoryOperands], [1, 1, 1, 1, 1]);
    assert.equal(d.spillCost, 1);
    assert.ok(Math.abs(d.regMoveCost - 0.8) < 1e-9);
    assert.equal(d.stackMoveCost, 20);
    assert.equal(d.reloadCost, 16);
    assert.ok(Math.abs(d.memoryOperandCost - 3.8 * 4) < 1e-9);
    assert.ok(Math.abs(score(f.func, out) - (1 + 0.8 + 20 + 16 + 15.2)) < 1e-9);
  });

  it('takes block frequencies and costs from the caller', () => {
    const s = score(f.func, out, { blockFrequencies: [1, 10, 10, 2], loadCost: 3, storeCost: 2, moveCost: 1 });
    // spill 2 * 1, move 1 * 10, stack move (3 + 2) * 10, reload 3 * 10, memory use (3 - 1) * 10
    assert.equal(s, 2 + 10 + 50 + 30 + 20);
  });

  it('counts a register standing for a fixed stack slot as memory', () => {
    const env = { ...f.env, fixedStackSlots: [preg(1, 0)] };
    const d = scoreDetails(f.func, out, { env });
    assert.deepEqual([d.regMoves, d.spills], [0, 2]); // rax -> rcx is now a store
  });

  it('Fastalloc costs more than Ion on the shipped loop (reloads inside the loop weigh 4 each time)', () => {
    const ion = allocate(f.func, f.env, { algorithm: 'ion' });
    const fast = allocate(f.func, f.env, { algorithm: 'fastalloc' });
    checkOutput(f.func, f.env, ion);
    checkOutput(f.func, f.env, fast);
    assert.ok(score(f.func, fast) > score(f.func, ion));
  });

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: root });

  it('regalloc score prints each function and the total; allocate --json carries the score', () => {
    const r = cli('score', 'examples/spill.ra', 'examples/loop.ra');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      'spill: score 10 (0 moves, 2 spills, 2 reloads, 0 stack moves, 0 memory operands)\n' +
        'loop: score 0 (0 moves, 0 spills, 0 reloads, 0 stack moves, 0 memory operands)\n' +
        'total score 10\n',
    );
    const j = cli('allocate', '--json', 'examples/spill.ra');
    assert.equal(JSON.parse(j.stdout).result.score, 10);
  });
});
