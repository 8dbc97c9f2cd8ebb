// The allocation worker of `allocateBatch`: one allocator context for the
// worker's life; a chunk of packed functions in, their outputs (or errors)
// back in one packed chunk.

import { parentPort, workerData } from 'node:worker_threads';
import { FastallocContext } from '../fastalloc/index.js';
import { IonContext } from '../ion/index.js';
import type { MachineEnv } from '../model/function.js';
import type { ChunkMessage, ChunkResult } from './pool.js';
import { chunkFunction, chunkLength, OutputChunkWriter, type PackedEnv, unpackEnv } from './packed.js';
import type { BatchTask, BatchTaskResult, BatchWorkerData } from './index.js';
import { validateFunction } from '../analysis/validate.js';

const data = workerData as BatchWorkerData;
const ctx = data.algorithm === 'fastalloc' ? new FastallocContext() : new IonContext();
const envs: MachineEnv[] = data.envs.map((e: PackedEnv) => unpackEnv(e));

parentPort!.on('message', (msg: ChunkMessage<BatchTask>) => {
  const results: BatchTaskResult[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const task of msg.tasks) {
    const n = chunkLength(task.funcs);
    const writer = new OutputChunkWriter(n);
    for (let k = 0; k < n; k++) {
      try {
        const { func, env: envIndex } = chunkFunction(task.funcs, k);
        const env = envs[envIndex]!;
        if (data.validate) validateFunction(func, env);
        writer.addOutput(ctx.run(func, env));
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
