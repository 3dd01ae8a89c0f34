/**
 * `@spa/kernels/wasm`: the `wasm` backend, hand-written WebAssembly recurrences (GAE and
 * discounted returns) on worker threads, bit-identical to the `js` reference. No dependency:
 * the module is embedded, and Node's `worker_threads` are loaded only for a threaded call.
 *
 * @packageDocumentation
 */
import { KernelBackendUnavailableError, KernelInputError } from '../errors';
import {
  checkGaeOut,
  checkGaeValues,
  type PreparedGae,
  type PreparedReturns,
  prepareGae,
  prepareReturns,
} from '../js';
import type { ResolvedLayout } from '../layout';
import { inLayoutOrder, type RowOrder, rowOrder, SORT_FROM_MEAN_LENGTH, splitRows } from '../order';
import type { GaeOutput, KernelBackend, KernelName } from '../types';
import { KERNELS_SIMD_WASM_BASE64, KERNELS_WASM_BASE64 } from './binary';
import { KernelPool, type WasmTask } from './pool';
import { type WasmMemory, type WasmModule, webAssemblyApi } from './webassembly';

export { SORT_FROM_MEAN_LENGTH } from '../order';

/** Options of {@link wasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Threads per large call, the calling thread included (it runs one share of the rows; the
   * others go to `threads − 1` worker threads started on the first large call). Default: the
   * number of CPUs Node reports (`os.availableParallelism()`), at most 8. `1` runs everything on
   * the calling thread.
   */
  readonly threads?: number;
  /** Calls with fewer positions than this run on the calling thread only. Default 2^17. */
  readonly minThreadedElements?: number;
  /** Smallest input (positions) per kernel for which the runner picks this backend. */
  readonly minElements?: Partial<Record<KernelName, number>>;
  /**
   * Use the module built with WebAssembly SIMD when the runtime compiles it (Node ≥ 16.4, current
   * browsers): `gae` (every mask mode) and `discountedReturns` then run four rows per f32x4
   * instruction, with the same bits.
   * Default `true`; `false` always loads the scalar module. Without SIMD support the scalar module
   * is used and {@link WasmBackendStats.simdReason} says why.
   */
  readonly simd?: boolean;
  /**
   * Run the rows of a ragged layout longest first, so that the rows the kernels run together (in
   * pairs, or in groups of four with SIMD) have similar lengths and little is left to run alone.
   * Applies when the rows are at least {@link SORT_FROM_MEAN_LENGTH} positions long on average
   * (shorter rows keep their order: there, leaving memory order cost more than it gained).
   * Default `true`; `false` keeps the layout's order. The results are the same bits either way.
   */
  readonly sortRows?: boolean;
}

/** Counters of a {@link WasmBackend}. */
export interface WasmBackendStats {
  /** Kernel calls run. */
  readonly calls: number;
  /** Calls whose rows were split over worker threads. */
  readonly threadedRuns: number;
  /** Worker threads running now. */
  readonly workers: number;
  /** Size of the shared linear memory (it grows to the largest call and is kept until `dispose`). */
  readonly memoryBytes: number;
  /** Why calls run on one thread although more were asked for (worker threads failed to start). */
  readonly singleThreadReason: string | undefined;
  /** Whether the SIMD module is in use (false until the first call or `isAvailable()`). */
  readonly simd: boolean;
  /** Why the scalar module is used although SIMD was asked for (it did not compile). */
  readonly simdReason: string | undefined;
}

/** The `wasm` {@link KernelBackend}. */
export interface WasmBackend extends KernelBackend {
  stats(): WasmBackendStats;
  unavailableReason(): string | undefined;
  /** Stops the worker threads and releases the memory; the backend stays usable. */
  dispose(): Promise<void>;
}

/**
 * Default {@link WasmBackendOptions.minElements}: below a few thousand positions copying the
 * input into wasm memory costs more than `js`'s loop saves (see the package README's
 * benchmark), so the runner keeps `js` there.
 */
export const WASM_MIN_ELEMENTS: Readonly<Partial<Record<KernelName, number>>> = Object.freeze({
  gae: 16_384,
  discountedReturns: 16_384,
});

/** Default {@link WasmBackendOptions.minThreadedElements}. */
export const WASM_MIN_THREADED_ELEMENTS = 2 ** 17;

const PAGE = 65_536;
/** The module declares at most 65 536 pages (4 GiB, wasm32's limit). */
const MAX_PAGES = 65_536;
const MAX_THREADS_DEFAULT = 8;

const compiled: { scalar?: Promise<WasmModule>; simd?: Promise<WasmModule> } = {};

/** Compiles one of the embedded modules, once per process. */
function compileKernels(variant: 'scalar' | 'simd'): Promise<WasmModule> {
  const cached = compiled[variant];
  if (cached !== undefined) return cached;
  const compiling = (async () => {
    const text = atob(variant === 'simd' ? KERNELS_SIMD_WASM_BASE64 : KERNELS_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const api = webAssemblyApi();
    if (api === undefined) throw new Error('WebAssembly is not available');
    return api.compile(bytes);
  })();
  compiled[variant] = compiling;
  return compiling;
}

interface KernelExports {
  gae(...args: number[]): number;
  gaeSimd?(...args: number[]): number;
  gaeSkip(...args: number[]): void;
  gaeSkipSimd?(...args: number[]): void;
  returns(...args: number[]): void;
  returnsSimd?(...args: number[]): void;
}

/** Runs a task on the calling thread's instance; its result (0 for the exports without one). */
function runLocal(kernels: KernelExports, task: WasmTask): number {
  return (kernels[task.fn] as (...args: number[]) => number | undefined)(...task.args) ?? 0;
}

/** Byte addresses of a call's arrays in linear memory. */
class Arena {
  private next = 0;
  private count = 0;
  /**
   * Reserves `bytes`, 64-byte aligned, after a gap of a different odd number of cache lines per
   * array, so that the arrays' same-index entries do not share cache sets (4 KiB aliasing).
   */
  take(bytes: number): number {
    const index = this.count++;
    const start = Math.ceil(this.next / 64) * 64 + 64 * (2 * index + 1);
    this.next = start + bytes;
    return start;
  }
  /** Bytes the call needs. */
  get end(): number {
    return this.next;
  }
}

/** Checks an integer option ≥ `min`. */
function checkIntegerOption(value: number | undefined, field: string, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) {
    throw new KernelInputError({
      field,
      reason: `expected an integer ≥ ${min}, got ${value}`,
    });
  }
}

/**
 * Copies the row table into linear memory: the bounds once when the rows run in the layout's
 * order (starts = bounds, ends = bounds + 1 entry), else starts and ends per processed row; and
 * the bootstrap values in processing order.
 */
function writeRows(
  buffer: ArrayBufferLike,
  at: { readonly sp: number; readonly ep: number; readonly bsp: number },
  layout: ResolvedLayout,
  order: RowOrder,
  bootstrap: Float32Array,
): void {
  const { bounds, numRows } = layout;
  const { rows } = order;
  if (rows === undefined) {
    new Int32Array(buffer, at.sp, numRows + 1).set(bounds);
    new Float32Array(buffer, at.bsp, numRows).set(bootstrap);
    return;
  }
  const starts = new Int32Array(buffer, at.sp, numRows);
  const ends = new Int32Array(buffer, at.ep, numRows);
  const boot = new Float32Array(buffer, at.bsp, numRows);
  for (let i = 0; i < numRows; i++) {
    const row = rows[i] as number;
    starts[i] = bounds[row] as number;
    ends[i] = bounds[row + 1] as number;
    boot[i] = bootstrap[row] as number;
  }
}

/** Reserves the row table of {@link writeRows}. */
function takeRows(plan: Arena, numRows: number, order: RowOrder): { sp: number; ep: number } {
  if (order.rows === undefined) {
    const sp = plan.take(4 * (numRows + 1));
    return { sp, ep: sp + 4 };
  }
  return { sp: plan.take(4 * numRows), ep: plan.take(4 * numRows) };
}

/**
 * The `wasm` backend (priority 1.5, between `js` and `webasm`): `gae` (step- and token-level,
 * `'skip'` and `'zero'` masks, dense and ragged layouts) and `discountedReturns` in hand-written
 * WebAssembly, rows split over worker threads for large calls. Results are **bit-identical** to
 * `jsBackend()`: the module performs `js`'s f32 operations in the same order (see the README's
 * numerics contract). `normalizeAdvantages` and `spaRewards` (elementwise, memory-bound) are left
 * to `js`.
 *
 * @remarks
 * Each call copies its inputs into one shared `WasmMemory` (grown to the largest call,
 * at most 4 GiB; larger calls throw and the runner falls back), runs the rows, and copies the
 * outputs out (into `out` when given). Calls run one at a time in the order they were made. A
 * bad value (NaN, ±Infinity, a done other than 0/1) is reported like `js` reports it, naming the
 * first bad entry. Needs `WebAssembly` and `SharedArrayBuffer` (Node ≥ 20; browsers only when
 * cross-origin isolated); worker threads need Node's `worker_threads`, otherwise calls run on one
 * thread and {@link WasmBackendStats.singleThreadReason} says why.
 */
export function wasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  checkIntegerOption(options.threads, 'threads', 1);
  checkIntegerOption(options.minThreadedElements, 'minThreadedElements', 0);
  for (const field of ['simd', 'sortRows'] as const) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new KernelInputError({ field, reason: `expected true or false, got ${String(value)}` });
    }
  }
  const sortRows = options.sortRows !== false;
  const minThreaded = options.minThreadedElements ?? WASM_MIN_THREADED_ELEMENTS;
  let availability: Promise<string | undefined> | undefined;
  let reason: string | undefined;
  let memory: WasmMemory | undefined;
  let kernels: KernelExports | undefined;
  let pool: Promise<KernelPool> | undefined;
  let threadCount: number | undefined;
  let singleThreadReason: string | undefined;
  let calls = 0;
  let threadedRuns = 0;
  let workers = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let module: WasmModule | undefined;
  let simdReason: string | undefined;
  let usingSimd = false;

  function resolveAvailability(): Promise<string | undefined> {
    availability ??= (async () => {
      if (webAssemblyApi() === undefined) return 'WebAssembly is not available';
      if (typeof SharedArrayBuffer !== 'function') {
        return 'SharedArrayBuffer is not available (a browser page must be cross-origin isolated)';
      }
      const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
      if (options.simd !== false) {
        try {
          module = await compileKernels('simd');
          usingSimd = true;
          return undefined;
        } catch (error) {
          simdReason = `the SIMD module did not compile (${message(error)}); using the scalar one`;
        }
      }
      try {
        module = await compileKernels('scalar');
        return undefined;
      } catch (error) {
        return `the kernels module did not compile: ${message(error)}`;
      }
    })().then((problem) => {
      reason = problem;
      return problem;
    });
    return availability;
  }

  async function threads(): Promise<number> {
    if (threadCount !== undefined) return threadCount;
    if (options.threads !== undefined) {
      threadCount = options.threads;
    } else {
      try {
        const os = await import('node:os');
        threadCount = Math.max(1, Math.min(MAX_THREADS_DEFAULT, os.availableParallelism()));
      } catch {
        threadCount = 1;
      }
    }
    return threadCount;
  }

  /** The memory, grown to `bytes`, and the calling thread's instance on it. */
  async function arena(bytes: number): Promise<{ memory: WasmMemory; kernels: KernelExports }> {
    const pages = Math.ceil(bytes / PAGE);
    if (pages > MAX_PAGES) {
      throw new Error(
        `the call needs ${bytes} bytes of wasm memory, over wasm32's 4 GiB (use the js backend)`,
      );
    }
    if (memory === undefined || kernels === undefined) {
      const api = webAssemblyApi();
      if (api === undefined) throw new Error('WebAssembly is not available');
      memory = new api.Memory({ initial: Math.max(pages, 1), maximum: MAX_PAGES, shared: true });
      kernels = new api.Instance(module as WasmModule, { env: { memory } })
        .exports as unknown as KernelExports;
    }
    const have = memory.buffer.byteLength / PAGE;
    if (pages > have) memory.grow(pages - have);
    return { memory, kernels };
  }

  /** Runs `task(from, to)` over the rows, split over threads for large calls; the results. */
  async function runRows(
    layout: ResolvedLayout,
    order: RowOrder,
    local: KernelExports,
    task: (from: number, to: number) => WasmTask,
  ): Promise<number[]> {
    const wanted = layout.size >= minThreaded ? await threads() : 1;
    const ranges =
      wanted > 1 ? splitRows(order.prefix, wanted) : [[0, layout.numRows] as [number, number]];
    if (ranges.length > 1) {
      let workerPool: KernelPool | undefined;
      try {
        workerPool = await startPool(wanted - 1);
      } catch (error) {
        singleThreadReason = error instanceof Error ? error.message : String(error);
      }
      if (workerPool !== undefined) {
        const running = ranges
          .slice(1)
          .map(([from, to], index) => (workerPool as KernelPool).run(index, task(from, to)));
        const [from, to] = ranges[0] as [number, number];
        const own = task(from, to);
        let first = 0;
        let ownError: { error: unknown } | undefined;
        try {
          first = runLocal(local, own);
        } catch (error) {
          ownError = { error };
        }
        // Never return (and let the next call reuse the memory) while a worker still runs.
        const settled = await Promise.allSettled(running);
        const failed = settled.find((result) => result.status === 'rejected');
        if (failed !== undefined) {
          // A worker that failed is not reused: the next threaded call starts a new pool.
          await stopPool();
          throw (failed as PromiseRejectedResult).reason;
        }
        if (ownError !== undefined) throw ownError.error;
        threadedRuns++;
        return [
          first,
          ...settled.map((result) => (result as PromiseFulfilledResult<number>).value),
        ];
      }
    }
    return [runLocal(local, task(0, layout.numRows))];
  }

  async function stopPool(): Promise<void> {
    const running = pool;
    pool = undefined;
    workers = 0;
    if (running !== undefined) await (await running.catch(() => undefined))?.terminate();
  }

  function startPool(count: number): Promise<KernelPool> {
    if (singleThreadReason !== undefined) return Promise.reject(new Error(singleThreadReason));
    pool ??= (async () => {
      const started = await KernelPool.start(count, module as WasmModule, memory as WasmMemory);
      workers = started.size;
      return started;
    })();
    pool.catch(() => {
      pool = undefined;
    });
    return pool;
  }

  /** Runs calls one at a time (they share the memory). */
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const result = queue.then(async () => {
      const problem = await resolveAvailability();
      if (problem !== undefined) throw new KernelBackendUnavailableError('wasm', problem);
      calls++;
      return work();
    });
    queue = result.catch(() => undefined);
    return result;
  }

  async function gae(
    prepared: PreparedGae,
    out: GaeOutput | undefined,
  ): Promise<{ output: GaeOutput; clean: boolean }> {
    const { layout, mask } = prepared;
    const { size, numRows } = layout;
    const plan = new Arena();
    const rp = plan.take(4 * size);
    const vp = plan.take(4 * size);
    const dp = plan.take(size);
    const mp = mask === undefined ? 0 : plan.take(size);
    const bsp = plan.take(4 * numRows);
    const order = sortRows ? rowOrder(layout) : inLayoutOrder(layout);
    const { sp, ep } = takeRows(plan, numRows, order);
    const ap = plan.take(4 * size);
    const retp = plan.take(4 * size);
    const { memory: shared, kernels: local } = await arena(plan.end);
    const buffer = shared.buffer;
    new Float32Array(buffer, rp, size).set(prepared.rewards);
    new Float32Array(buffer, vp, size).set(prepared.values);
    new Uint8Array(buffer, dp, size).set(prepared.dones);
    if (mask !== undefined) new Uint8Array(buffer, mp, size).set(mask);
    writeRows(buffer, { sp, ep, bsp }, layout, order, prepared.bootstrap);
    const { gamma, gammaLambda } = prepared;
    const fn = local.gaeSimd === undefined ? 'gae' : 'gaeSimd';
    const skipFn = local.gaeSkipSimd === undefined ? 'gaeSkip' : 'gaeSkipSimd';
    const results = await runRows(layout, order, local, (from, to) =>
      mask === undefined
        ? { fn, args: [rp, vp, dp, bsp, sp, ep, ap, retp, from, to, gamma, gammaLambda] }
        : {
            fn: skipFn,
            args: [rp, vp, dp, mp, bsp, sp, ep, ap, retp, from, to, gamma, gammaLambda],
          },
    );
    const advantages = new Float32Array(shared.buffer, ap, size);
    const returns = new Float32Array(shared.buffer, retp, size);
    let output: GaeOutput;
    if (out === undefined) {
      output = { advantages: advantages.slice(), returns: returns.slice() };
    } else {
      out.advantages.set(advantages);
      out.returns.set(returns);
      output = out;
    }
    return { output, clean: mask !== undefined || results.every((result) => result === 1) };
  }

  async function discountedReturns(prepared: PreparedReturns): Promise<Float32Array> {
    const { layout } = prepared;
    const { size, numRows } = layout;
    const plan = new Arena();
    const rp = plan.take(4 * size);
    const dp = plan.take(size);
    const bsp = plan.take(4 * numRows);
    const order = sortRows ? rowOrder(layout) : inLayoutOrder(layout);
    const { sp, ep } = takeRows(plan, numRows, order);
    const outp = plan.take(4 * size);
    const { memory: shared, kernels: local } = await arena(plan.end);
    const buffer = shared.buffer;
    new Float32Array(buffer, rp, size).set(prepared.rewards);
    new Uint8Array(buffer, dp, size).set(prepared.dones);
    writeRows(buffer, { sp, ep, bsp }, layout, order, prepared.bootstrap);
    const fn = local.returnsSimd === undefined ? 'returns' : 'returnsSimd';
    await runRows(layout, order, local, (from, to) => ({
      fn,
      args: [rp, dp, bsp, sp, ep, outp, from, to, prepared.gamma],
    }));
    return new Float32Array(shared.buffer, outp, size).slice();
  }

  return {
    name: 'wasm',
    priority: 1.5,
    minElements: { ...WASM_MIN_ELEMENTS, ...options.minElements },
    isAvailable: async () => (await resolveAvailability()) === undefined,
    unavailableReason: () => reason,
    kernels: {
      async gae(input) {
        const prepared = prepareGae(input, { deferValueChecks: true });
        checkGaeOut(input.out, prepared.layout.size);
        return serial(async () => {
          const { output, clean } = await gae(prepared, input.out);
          if (!clean && prepared.deferred) checkGaeValues(input);
          return output;
        });
      },
      async discountedReturns(input) {
        const prepared = prepareReturns(input);
        return serial(() => discountedReturns(prepared));
      },
    },
    stats: () => ({
      calls,
      threadedRuns,
      workers,
      memoryBytes: memory?.buffer.byteLength ?? 0,
      singleThreadReason,
      simd: usingSimd,
      simdReason,
    }),
    async dispose() {
      await queue;
      memory = undefined;
      kernels = undefined;
      await stopPool();
    },
  };
}
