// A worker thread of `regalloc allocate --jobs N`: files in, report lines out.

import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkMessage, ChunkResult } from '../batch/pool.js';
import { checkOutput } from '../checker/index.js';
import { allocateFile, type AllocateWorkerData, type FileReport } from './allocate.js';

const data = workerData as AllocateWorkerData;
const opts = { ...data, check: data.check ? checkOutput : undefined };

parentPort!.on('message', (msg: ChunkMessage<string>) => {
  const results = msg.tasks.map((path) => allocateFile(path, opts));
  parentPort!.postMessage({ start: msg.start, results } satisfies ChunkResult<FileReport>);
});
