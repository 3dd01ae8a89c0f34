/**
 * The `wasm` backend's worker threads: each worker instantiates the kernels module on the
 * backend's shared memory and runs one export per request.
 *
 * @internal
 */
import type { WasmMemory, WasmModule } from './webassembly';

/** What a worker is asked to run: an export of kernels.wat and its arguments. */
export interface WasmTask {
  readonly fn: 'gae' | 'gaeSimd' | 'gaeSkip' | 'gaeSkipSimd' | 'returns' | 'returnsSimd';
  readonly args: readonly number[];
}

/**
 * The worker's code, run with `eval: true`, so no worker file has to be found next to the bundle.
 * Node parses eval'd worker code as CommonJS or as an ES module depending on the parent, so it
 * uses neither `require` nor `import`: `process.getBuiltinModule` (Node ≥ 20.16) works in both. It
 * instantiates the module it is sent on the memory it is sent, then answers each task with the
 * export's result.
 *
 * @internal
 */
export const WORKER_SOURCE = `
const { parentPort } = process.getBuiltinModule('node:worker_threads');
let kernels;
parentPort.on('message', (message) => {
  try {
    if (message.module !== undefined) {
      kernels = new WebAssembly.Instance(message.module, { env: { memory: message.memory } }).exports;
      parentPort.postMessage({ ok: true, result: 0 });
      return;
    }
    parentPort.postMessage({ ok: true, result: kernels[message.fn](...message.args) });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String((error && error.stack) || error) });
  }
});
`;

interface Reply {
  readonly ok: boolean;
  readonly result?: number;
  readonly error?: string;
}

interface WorkerLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (reply: Reply) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

type WorkerConstructor = new (source: string, options: { eval: true }) => WorkerLike;

/** One worker with at most one request in flight (the backend runs one call at a time). */
class KernelWorker {
  private pending: { resolve(value: number): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly worker: WorkerLike) {
    worker.on('message', (reply) => {
      const pending = this.pending;
      this.pending = undefined;
      worker.unref();
      if (pending === undefined) return;
      if (reply.ok) pending.resolve(reply.result ?? 0);
      else pending.reject(new Error(`wasm worker: ${reply.error ?? 'unknown error'}`));
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`wasm worker exited (code ${code})`)));
    // Idle workers do not keep the process alive; a request refs it until the reply.
    worker.unref();
  }

  request(message: unknown): Promise<number> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<number>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.ref();
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Worker threads sharing one module and memory. */
export class KernelPool {
  private constructor(private readonly workers: readonly KernelWorker[]) {}

  /**
   * Starts `count` workers (Node's `worker_threads`) and instantiates the module in each.
   * Rejects with the reason when workers cannot be started here.
   */
  static async start(count: number, module: WasmModule, memory: WasmMemory): Promise<KernelPool> {
    let Worker: WorkerConstructor;
    try {
      ({ Worker } = (await import('node:worker_threads')) as unknown as {
        Worker: WorkerConstructor;
      });
    } catch (error) {
      throw new Error(
        `worker threads are not available (node:worker_threads: ${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const workers = Array.from(
      { length: count },
      () => new KernelWorker(new Worker(WORKER_SOURCE, { eval: true })),
    );
    const pool = new KernelPool(workers);
    try {
      await Promise.all(workers.map((worker) => worker.request({ module, memory })));
    } catch (error) {
      await pool.terminate();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs `task` on worker `index`; resolves with the export's result. */
  run(index: number, task: WasmTask): Promise<number> {
    const worker = this.workers[index];
    if (worker === undefined) return Promise.reject(new Error(`no wasm worker ${index}`));
    return worker.request(task);
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate().catch(() => undefined)));
  }
}
