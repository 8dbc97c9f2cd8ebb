// Runs the reference interpreter in a worker thread with a large stack, so programs that
// recurse tens of thousands of calls deep (which compiled code does easily) can be
// interpreted too: the tree-walking interpreter uses several JS frames per call.
// The worker loads this same module (through tsx, as the example runs under tsx).

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { checkSource } from './check.js';
import { type RunResult, interpret } from './interp.js';

interface Request {
  id: number;
  src: string;
  file: string;
  defines: [string, string][];
}
type Reply = { id: number; result: RunResult } | { id: number; error: string };

export class InterpreterThread {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: RunResult) => void; reject: (e: Error) => void }>();

  constructor(stackSizeMb = 512) {
    const self = new URL(import.meta.url).href;
    const code = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(self)});`;
    this.worker = new Worker(code, { eval: true, workerData: { ccInterpreter: true }, resourceLimits: { stackSizeMb } });
    this.worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      if ('result' in reply) p.resolve(reply.result);
      else p.reject(new Error(reply.error));
    });
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  /** Interprets `src`; rejects with the interpreter's error (a Trap, a CompileError) as text. */
  run(src: string, file = '', defines: ReadonlyMap<string, bigint> = new Map()): Promise<RunResult> {
    const id = this.nextId++;
    const req: Request = { id, src, file, defines: [...defines].map(([k, v]) => [k, String(v)]) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(req);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

if (!isMainThread && (workerData as { ccInterpreter?: boolean } | null)?.ccInterpreter) {
  parentPort!.on('message', (req: Request) => {
    let reply: Reply;
    try {
      const prog = checkSource(req.src, req.file, new Map(req.defines.map(([k, v]) => [k, BigInt(v)])));
      reply = { id: req.id, result: interpret(prog) };
    } catch (e) {
      reply = { id: req.id, error: `${(e as Error).name}: ${(e as Error).message}` };
    }
    parentPort!.postMessage(reply);
  });
}
