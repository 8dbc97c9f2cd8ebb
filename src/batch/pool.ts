// A pool of worker threads that runs a list of tasks and gives the results
// back in task order. Tasks go out in chunks (many tiny functions in one
// message: a message costs about as much as allocating a small function) and
// each worker keeps two chunks in hand, so it never waits for the next one.

import { Worker } from 'node:worker_threads';

/** What a worker receives: a chunk of tasks and where they start in the list. */
export interface ChunkMessage<T> {
  start: number;
  tasks: T[];
}

/** What a worker answers: one result per task of the chunk, in order. */
export interface ChunkResult<R> {
  start: number;
  results: R[];
}

export interface PoolOptions {
  /** The worker script's URL. */
  script: URL;
  /** Passed to every worker as `workerData`. */
  workerData?: unknown;
  workers: number;
}

/**
 * A worker running `script`. A `.ts` script (the sources run by tsx, in the
 * tests) is loaded through tsx's loader, which worker threads do not inherit.
 */
function startWorker(script: URL, workerData: unknown): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * Splits `n` items, in order, into runs that each weigh at least `limit` (by
 * `weight(i)`; the last run may weigh less, and an item that weighs more goes
 * alone): the start of each run, then `n`.
 */
export function chunkStarts(n: number, weight: (i: number) => number, limit: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i < n; ) {
    starts.push(i);
    let w = 0;
    do w += weight(i++);
    while (i < n && w < limit);
  }
  starts.push(n);
  return starts;
}

export class WorkerPool<T, R> {
  private readonly workers: Worker[] = [];
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    for (let k = 0; k < options.workers; k++) this.workers.push(startWorker(options.script, options.workerData));
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs `tasks` (chunked by `weight`, at most `chunkWeight` per chunk) and
   * resolves with their results in order. `transfer` names a task's buffers
   * to move instead of copy; `onProgress` hears the count done so far (in
   * any order).
   */
  run(
    tasks: readonly T[],
    opts: {
      weight?: (t: T) => number;
      chunkWeight?: number;
      transfer?: (t: T) => ArrayBuffer[];
      /**
       * A task's expected cost: with it, the costliest chunks go out first
       * (results still come back in task order), so that a large task at the
       * end of the list does not keep one worker busy while the others idle.
       */
      cost?: (t: T) => number;
      onProgress?: (done: number) => void;
      /** Hears the results in task order, each run as soon as every earlier result is known. */
      onResults?: (start: number, results: R[]) => void;
    } = {},
  ): Promise<R[]> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    const weight = opts.weight ?? (() => 1);
    const starts = chunkStarts(tasks.length, (i) => weight(tasks[i]!), opts.chunkWeight ?? 1);
    const chunks: ChunkMessage<T>[] = [];
    for (let k = 0; k + 1 < starts.length; k++) chunks.push({ start: starts[k]!, tasks: tasks.slice(starts[k], starts[k + 1]) });
    const order = chunks.map((_, k) => k);
    if (opts.cost) {
      const cost = chunks.map((c) => c.tasks.reduce((a, t) => a + opts.cost!(t), 0));
      order.sort((a, b) => cost[b]! - cost[a]! || a - b);
    }
    const results = new Array<R>(tasks.length);
    const have = new Uint8Array(tasks.length);
    let flushed = 0;
    return new Promise<R[]>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let done = 0;
      let failed = false;
      const send = (worker: Worker) => {
        if (next >= chunks.length) return;
        const chunk = chunks[order[next++]!]!;
        const transfer = opts.transfer ? chunk.tasks.flatMap(opts.transfer) : [];
        worker.postMessage(chunk, transfer);
      };
      const cleanups: (() => void)[] = [];
      const finish = (err?: Error) => {
        for (const c of cleanups) c();
        if (err) reject(err);
        else resolve(results);
      };
      if (chunks.length === 0) return finish();
      for (const worker of this.workers) {
        const onMessage = (msg: ChunkResult<R>) => {
          if (failed) return;
          for (let k = 0; k < msg.results.length; k++) {
            results[msg.start + k] = msg.results[k]!;
            have[msg.start + k] = 1;
          }
          done += msg.results.length;
          opts.onProgress?.(done);
          if (opts.onResults) {
            const from = flushed;
            while (flushed < tasks.length && have[flushed]) flushed++;
            if (flushed > from) opts.onResults(from, results.slice(from, flushed));
          }
          if (++finished === chunks.length) finish();
          else send(worker);
        };
        const onError = (err: Error) => {
          if (failed) return;
          failed = true;
          finish(err);
        };
        const onExit = (code: number) => onError(new Error(`a worker thread exited (code ${code})`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
        send(worker);
        send(worker);
      }
    });
  }

  /** Ends the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
