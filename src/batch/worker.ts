// The allocation worker of `allocateBatch`: one allocator context for the
// worker's life, functions in packed form, outputs and errors back packed.

import { parentPort, workerData } from 'node:worker_threads';
import { FastallocContext } from '../fastalloc/index.js';
import { IonContext } from '../ion/index.js';
import type { MachineEnv } from '../model/function.js';
import type { ChunkMessage, ChunkResult } from './pool.js';
import { outputBuffers, packError, type PackedEnv, packOutput, PackedFunction, unpackEnv } from './packed.js';
import type { BatchTask, BatchTaskResult, BatchWorkerData } from './index.js';
import { validateFunction } from '../analysis/validate.js';

const data = workerData as BatchWorkerData;
const ctx = data.algorithm === 'fastalloc' ? new FastallocContext() : new IonContext();
const envs: MachineEnv[] = data.envs.map((e: PackedEnv) => unpackEnv(e));

parentPort!.on('message', (msg: ChunkMessage<BatchTask>) => {
  const results: BatchTaskResult[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const task of msg.tasks) {
    try {
      const func = new PackedFunction(task.func);
      const env = envs[task.env]!;
      if (data.validate) validateFunction(func, env);
      const out = packOutput(ctx.run(func, env));
      transfer.push(...outputBuffers(out));
      results.push({ output: out });
    } catch (e) {
      results.push({ error: packError(e) });
    }
  }
  parentPort!.postMessage({ start: msg.start, results } satisfies ChunkResult<BatchTaskResult>, transfer);
});
