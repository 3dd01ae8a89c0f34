/**
 * `@spa/kernels/gpu`: kernel backends on gpu.js 2.24.1 (an optional peer dependency, loaded
 * lazily on first use; importing this module never loads it).
 *
 * - {@link webasmBackend}: WebAssembly with f32x4 SIMD and worker threads, bit-identical to
 *   `jsBackend()`.
 * - {@link webgpuBackend}: WGSL compute shaders, opt-in, within a tolerance of `jsBackend()`.
 *
 * @packageDocumentation
 */

import { KernelInputError } from '../errors';
import type { KernelName } from '../types';
import {
  createGpuJsBackend,
  type GpuJsBackend,
  MAX_POSITIONS_PER_LAUNCH,
  type WebgpuAdapterInfo,
} from './backend';
import { errorMessage, type GpuJsImporter, importGpuJs } from './gpujs';

export type { GpuJsBackend, GpuJsBackendStats, WebgpuAdapterInfo } from './backend';
export { MAX_POSITIONS_PER_LAUNCH } from './backend';
export { GPU_JS_VERSION } from './gpujs';
export type { GpuJsImporter };

/** Options of {@link webasmBackend}. */
export interface WebasmBackendOptions {
  /**
   * Worker threads for large calls (gpu.js splits kernels of ≥ 4096 output cells over a
   * `worker_threads` pool). Default: gpu.js's pool size (the number of CPUs). `1` (or `0`) runs
   * every call synchronously on the calling thread (still SIMD).
   */
  readonly threads?: number;
  /** Smallest input (elements) per kernel for which the runner picks this backend. */
  readonly minElements?: Partial<Record<KernelName, number>>;
  /** How gpu.js is loaded. Default `() => import('gpu.js')`. */
  readonly importGpuJs?: GpuJsImporter;
  /**
   * Most positions per gpu.js launch of `gae` and `discountedReturns` (and a quarter of it, rows);
   * larger inputs run as several launches over consecutive rows (same values). Default and upper
   * bound {@link MAX_POSITIONS_PER_LAUNCH} (2^23 − 1: gpu.js indexes in f32).
   */
  readonly maxPositionsPerLaunch?: number;
}

/**
 * Default {@link WebasmBackendOptions.minElements}: `js` is faster at every measured size on
 * Node 20 (a plain backward loop is O(n) while one-output-per-thread kernels do more work and
 * copy every argument into wasm memory), so the runner only uses webasm when asked by name
 * (`prefer: 'webasm'`) or when these thresholds are lowered.
 */
export const WEBASM_MIN_ELEMENTS: Readonly<Record<KernelName, number>> = Object.freeze({
  gae: Number.POSITIVE_INFINITY,
  discountedReturns: Number.POSITIVE_INFINITY,
  normalizeAdvantages: Number.POSITIVE_INFINITY,
  spaRewards: Number.POSITIVE_INFINITY,
});

/**
 * The `webasm` backend (priority 2): gpu.js's WebAssembly mode. Results are **bit-identical** to
 * `jsBackend()` (WebAssembly computes in f32; the kernels keep `js`'s operation order).
 *
 * @remarks
 * Kernels run one gpu.js thread per output position. Backward recurrences (GAE, returns) start
 * from checkpoints computed by a first pass every √T positions, so a row of length T costs about
 * T^1.5 operations. Indices travel as f32: recurrences over 2^24 positions or more throw (the
 * runner then falls back to `js`). Compiled modules are cached per kernel and size by gpu.js;
 * `dispose()` destroys the gpu.js instance and its worker pool. `isAvailable()` resolves false
 * (with {@link GpuJsBackend.unavailableReason}) when gpu.js is not installed or WebAssembly is
 * missing.
 */
export function webasmBackend(options: WebasmBackendOptions = {}): GpuJsBackend {
  const threads = options.threads;
  const threaded = threads === undefined || threads > 1;
  return createGpuJsBackend({
    name: 'webasm',
    mode: 'webasm',
    priority: 2,
    optIn: false,
    minElements: { ...WEBASM_MIN_ELEMENTS, ...options.minElements },
    kernelSettings: {
      asyncMode: threaded,
      ...(threaded && threads !== undefined ? { poolSize: threads } : {}),
    },
    importer: options.importGpuJs ?? importGpuJs,
    ...launchLimit(options.maxPositionsPerLaunch),
    probe: async (module) =>
      module.GPU.isWebAssemblySupported === false
        ? 'WebAssembly is not supported on this platform'
        : undefined,
  });
}

/** Options of {@link webgpuBackend}. */
export interface WebgpuBackendOptions {
  /** Smallest input (elements) per kernel for which the runner picks this backend. */
  readonly minElements?: Partial<Record<KernelName, number>>;
  /** How gpu.js is loaded. Default `() => import('gpu.js')`. */
  readonly importGpuJs?: GpuJsImporter;
  /**
   * A WebGPU `GPU` object (what `navigator.gpu` is in a browser) to use when `navigator.gpu` is
   * missing, e.g. `create([])` from the `webgpu` (Dawn) package. Default: Node loads the `webgpu`
   * package (a dependency of gpu.js) and installs it as `navigator.gpu`.
   */
  readonly navigatorGpu?: unknown;
  /** As {@link WebasmBackendOptions.maxPositionsPerLaunch}. */
  readonly maxPositionsPerLaunch?: number;
}

/** Checks a `maxPositionsPerLaunch` option (an integer in [1, 2^23 − 1]). */
function launchLimit(value: number | undefined): { maxPositionsPerLaunch?: number } {
  if (value === undefined) return {};
  if (!Number.isInteger(value) || value < 1 || value > MAX_POSITIONS_PER_LAUNCH) {
    throw new KernelInputError({
      field: 'maxPositionsPerLaunch',
      reason: `expected an integer in [1, ${MAX_POSITIONS_PER_LAUNCH}], got ${value}`,
    });
  }
  return { maxPositionsPerLaunch: value };
}

interface NavigatorLike {
  gpu?: unknown;
}

type RequestAdapter = (options?: unknown) => Promise<unknown>;
type RequestDevice = (descriptor?: unknown) => Promise<unknown>;

/**
 * Dawn's Node binding (the `webgpu` package 0.2.x) rejects every value assigned to
 * `GPUDevice.onuncapturederror` ("invalid value to onuncapturederror": its event handlers are not
 * implemented), and gpu.js 2.24.1's `WebGPUContext.acquire()` assigns one, so without this no
 * device is ever obtained in Node. Each device whose setter throws gets a plain data property in
 * its place (Dawn prints uncaptured errors to stderr itself). Other `GPU` objects pass through
 * unchanged: a device whose setter works is left alone.
 */
function withAssignableErrorHandler(gpu: unknown): unknown {
  const source = gpu as { requestAdapter?: RequestAdapter } | null;
  if (source === null || typeof source !== 'object') return gpu;
  const requestAdapter = source.requestAdapter;
  if (typeof requestAdapter !== 'function') return gpu;
  const patchDevice = (device: unknown): unknown => {
    if (device === null || typeof device !== 'object') return device;
    try {
      (device as { onuncapturederror: unknown }).onuncapturederror = null;
    } catch {
      Object.defineProperty(device, 'onuncapturederror', {
        value: null,
        writable: true,
        configurable: true,
      });
    }
    return device;
  };
  const patchAdapter = (adapter: unknown): unknown => {
    const target = adapter as { requestDevice?: RequestDevice } | null;
    const requestDevice = target?.requestDevice;
    if (target === null || typeof requestDevice !== 'function') return adapter;
    Object.defineProperty(target, 'requestDevice', {
      value: async (descriptor?: unknown) =>
        patchDevice(await requestDevice.call(target, descriptor)),
      writable: true,
      configurable: true,
    });
    return adapter;
  };
  Object.defineProperty(source, 'requestAdapter', {
    value: async (options?: unknown) => patchAdapter(await requestAdapter.call(source, options)),
    writable: true,
    configurable: true,
  });
  return gpu;
}

/** Makes `navigator.gpu` (and the `GPU*` constants gpu.js uses) exist, from Dawn in Node. */
async function provideNavigatorGpu(navigatorGpu: unknown): Promise<string | undefined> {
  const scope = globalThis as { navigator?: NavigatorLike } & Record<string, unknown>;
  if (scope.navigator?.gpu) return undefined;
  let gpu = navigatorGpu;
  if (gpu === undefined) {
    let dawn: { create?: (flags: string[]) => unknown; globals?: Record<string, unknown> };
    try {
      // A variable specifier: bundlers must not try to bundle the native Dawn binding.
      const specifier = 'webgpu';
      dawn = (await import(specifier)) as typeof dawn;
    } catch (error) {
      return `navigator.gpu is missing and the webgpu (Dawn) package failed to load: ${errorMessage(error)}`;
    }
    if (typeof dawn.create !== 'function') {
      return 'navigator.gpu is missing and the webgpu package exports no create()';
    }
    for (const [key, value] of Object.entries(dawn.globals ?? {})) {
      if (!(key in scope)) scope[key] = value;
    }
    gpu = dawn.create([]);
  }
  gpu = withAssignableErrorHandler(gpu);
  if (scope.navigator === undefined) {
    scope.navigator = { gpu };
  } else {
    Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
  }
  return undefined;
}

/** Reads `adapter.info` (and the older `adapter.isFallbackAdapter`, which Dawn still sets). */
function describeAdapter(adapter: unknown): WebgpuAdapterInfo {
  const source = (adapter ?? {}) as { info?: Record<string, unknown>; isFallbackAdapter?: unknown };
  const info = source.info ?? {};
  const text = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : '');
  return {
    vendor: text('vendor'),
    architecture: text('architecture'),
    device: text('device'),
    description: text('description'),
    isFallbackAdapter: info.isFallbackAdapter === true || source.isFallbackAdapter === true,
  };
}

/**
 * The `webgpu` backend (priority 3, **opt-in**: the runner uses it only when named by `prefer` or
 * `enable`):
 * gpu.js's WGSL mode, the same kernels as {@link webasmBackend}.
 *
 * @remarks
 * `isAvailable()` resolves true only after gpu.js actually obtained a WebGPU adapter and device
 * (`WebGPUContext.acquire()`); otherwise false, with the reason in `unavailableReason()`. It never
 * throws. In Node it installs `navigator.gpu` from the `webgpu` (Dawn) package when missing.
 * `adapterInfo()` then describes the adapter, including whether it is a software (fallback) one.
 * Results agree with `jsBackend()` within a tolerance (GPU compilers may contract a·b + c into a
 * fused multiply-add): bit-identical on Mesa's llvmpipe (a software adapter), **not yet measured
 * on GPU hardware**. Run the conformance suite with `SPA_GPU_TESTS=1` (or `npm run bench:gpu`) on
 * a GPU machine and record the measured ULP distance. In Node, once a device was obtained, Dawn
 * keeps the process alive after `dispose()` (its `GPU` instance stays reachable through
 * `navigator.gpu` and gpu.js's shared device): end a script with `process.exit()`.
 */
export function webgpuBackend(options: WebgpuBackendOptions = {}): GpuJsBackend {
  let adapter: WebgpuAdapterInfo | undefined;
  return createGpuJsBackend({
    name: 'webgpu',
    mode: 'webgpu',
    priority: 3,
    optIn: true,
    ...(options.minElements === undefined ? {} : { minElements: options.minElements }),
    kernelSettings: { asyncMode: true },
    importer: options.importGpuJs ?? importGpuJs,
    ...launchLimit(options.maxPositionsPerLaunch),
    probe: async (module) => {
      if (module.WebGPUContext === undefined) {
        return 'gpu.js has no WebGPU support (expected gpu.js 2.24.1)';
      }
      const missing = await provideNavigatorGpu(options.navigatorGpu);
      if (missing !== undefined) return missing;
      try {
        adapter = describeAdapter((await module.WebGPUContext.acquire()).adapter);
      } catch (error) {
        return `no WebGPU adapter/device: ${errorMessage(error)}`;
      }
      return undefined;
    },
    adapterInfo: () => adapter,
  });
}
