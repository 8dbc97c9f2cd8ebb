// The allocation worker of `allocateBatch`: a chunk of packed functions in,
// their outputs (or errors) back in one packed chunk. Each function goes
// through `allocate()`, as on the calling thread: the same checks (the
// structure and index pass even with validation off), the same errors, and
// a fresh context after a run that threw.

import { parentPort, workerData } from 'node:worker_threads';
import { allocate } from '../allocate.js';
import type { MachineEnv } from '../model/function.js';
import type { ChunkMessage, ChunkResult } from './pool.js';
import { chunkFunction, chunkLength, OutputChunkWriter, type PackedEnv, unpackEnv } from './packed.js';
import type { BatchTask, BatchTaskResult, BatchWorkerData } from './index.js';

const data = workerData as BatchWorkerData;
const envs: MachineEnv[] = data.envs.map((e: PackedEnv) => unpackEnv(e));
const options = { algorithm: data.algorithm, validate: data.validate };

parentPort!.on('message', (msg: ChunkMessage<BatchTask>) => {
  const results: BatchTaskResult[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const task of msg.tasks) {
    const n = chunkLength(task.funcs);
    const writer = new OutputChunkWriter(n);
    for (let k = 0; k < n; k++) {
      try {
        const { func, env } = chunkFunction(task.funcs, k);
        writer.addOutput(allocate(func, envs[env]!, options));
      } catch (e) {
        writer.addError(e);
      }
    }
    const out = writer.finish();
    transfer.push(out.ints.buffer as ArrayBuffer, out.stats.buffer as ArrayBuffer);
    results.push(out);
  }
  parentPort!.postMessage({ start: msg.start, results } satisfies ChunkResult<BatchTaskResult>, transfer);
});
