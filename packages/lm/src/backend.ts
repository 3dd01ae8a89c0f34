import '@tensorflow/tfjs-backend-cpu';
// The umbrella package registers every op's gradient (tfjs-core alone registers none in Node).
import '@tensorflow/tfjs';
import { SpaError } from '@spa/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs backends this package can run on.
 *
 * - `wasm`: the default. XNNPACK kernels with SIMD, about 30× faster than `cpu` on matmul.
 * - `cpu`: plain JavaScript kernels; slow, but always available.
 * - `node`: `@tensorflow/tfjs-node` (libtensorflow on the CPU), an optional peer.
 * - `node-gpu`: `@tensorflow/tfjs-node-gpu` (CUDA), an optional peer.
 */
export type BackendName = 'wasm' | 'cpu' | 'node' | 'node-gpu';

/** The accepted backend names, in the order of the docs. */
export const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'cpu', 'node', 'node-gpu'];

/** Which backend is active and what it can do; written into saved checkpoints. */
export interface BackendInfo {
  /** The name this package knows the backend by. */
  readonly name: BackendName;
  /** tfjs's own backend name (`wasm`, `cpu` or `tensorflow`). */
  readonly tfBackend: string;
  /** Version of `@tensorflow/tfjs-core`. */
  readonly tfjsVersion: string;
  /** Whether the wasm backend runs its SIMD build (wasm only). */
  readonly simd?: boolean;
  /** Threads of the wasm backend (wasm only; 1 where Node lacks tfjs's threaded build). */
  readonly threads?: number;
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /**
   * Threads for the wasm backend. tfjs only uses them where its threaded build loads (browsers
   * with cross-origin isolation); in Node the SIMD build runs on one thread whatever is asked.
   */
  readonly threads?: number;
}

const NODE_PACKAGES: Record<'node' | 'node-gpu', string> = {
  node: '@tensorflow/tfjs-node',
  'node-gpu': '@tensorflow/tfjs-node-gpu',
};

/**
 * A requested tfjs backend cannot be used: an optional peer is not installed, or the backend
 * failed to initialise. The message says what to install.
 */
export class BackendUnavailableError extends SpaError {
  /** The backend that was asked for. */
  readonly backend: BackendName;

  constructor(backend: BackendName, message: string, options: { readonly cause?: unknown } = {}) {
    super('BackendUnavailableError', message, options);
    this.backend = backend;
  }
}

let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm') | undefined;

async function loadWasm(): Promise<typeof import('@tensorflow/tfjs-backend-wasm')> {
  wasmModule ??= await import('@tensorflow/tfjs-backend-wasm');
  return wasmModule;
}

/**
 * Activates a tfjs backend for every model of this package and returns what runs.
 *
 * @remarks
 * `wasm` and `cpu` ship with the package. `node` and `node-gpu` are loaded lazily from the
 * optional peers `@tensorflow/tfjs-node` / `@tensorflow/tfjs-node-gpu` (both register tfjs's
 * `tensorflow` backend as an import side effect, so they are only imported on request; their
 * `@tensorflow/tfjs-core` must be the same 4.22.0 copy as this package's). Calling it again with
 * another name switches backends; tensors made on the previous backend are moved lazily by tfjs.
 *
 * @throws BackendUnavailableError — an unknown name (lists the accepted ones), an optional peer
 *   that is not installed (says which `npm i` to run), or a backend that fails to initialise.
 */
export async function selectBackend(
  name: BackendName = 'wasm',
  options: SelectBackendOptions = {},
): Promise<BackendInfo> {
  if (!BACKEND_NAMES.includes(name)) {
    throw new BackendUnavailableError(
      name,
      `unknown tfjs backend ${JSON.stringify(name)}; accepted: ${BACKEND_NAMES.join(', ')}`,
    );
  }
  let tfBackend: string;
  if (name === 'wasm') {
    const wasm = await loadWasm();
    if (options.threads !== undefined) wasm.setThreadsCount(options.threads);
    tfBackend = 'wasm';
  } else if (name === 'cpu') {
    // Silences the cpu backend's "install tfjs-node" banner: a library prints nothing.
    tf.env().set('PROD', true);
    tfBackend = 'cpu';
  } else {
    const specifier = NODE_PACKAGES[name];
    try {
      // A variable specifier keeps bundlers and the type checker away from the optional peer.
      await import(/* @vite-ignore */ specifier);
    } catch (error) {
      throw new BackendUnavailableError(
        name,
        `tfjs backend '${name}' needs ${specifier}, which is not installed (or failed to load): run \`npm i ${specifier}@4.22.0\`. The default backend 'wasm' needs nothing extra.`,
        { cause: error },
      );
    }
    tfBackend = 'tensorflow';
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfBackend);
    await tf.ready();
  } catch (error) {
    throw new BackendUnavailableError(name, `tfjs backend '${name}' failed to initialise`, {
      cause: error,
    });
  }
  if (!ok) {
    throw new BackendUnavailableError(name, `tfjs backend '${name}' failed to initialise`);
  }
  selected = { name, tfBackend };
  return currentBackendInfo();
}

/** Describes the active backend (selecting `wasm` first if none was selected). */
export async function ensureBackend(): Promise<BackendInfo> {
  if (activeName() === undefined) return selectBackend('wasm');
  await tf.ready();
  return currentBackendInfo();
}

let selected: { readonly name: BackendName; readonly tfBackend: string } | undefined;

function activeName(): BackendName | undefined {
  if (selected === undefined) return undefined;
  // Someone may have switched tfjs's backend behind our back; then nothing of ours is active.
  return tf.getBackend() === selected.tfBackend ? selected.name : undefined;
}

function currentBackendInfo(): BackendInfo {
  const name = activeName();
  if (name === undefined) {
    throw new BackendUnavailableError('wasm', 'no tfjs backend of this package is active');
  }
  const base = { name, tfBackend: tf.getBackend(), tfjsVersion: tf.version_core };
  if (name !== 'wasm') return base;
  return {
    ...base,
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: wasmModule?.getThreadsCount() ?? 1,
  };
}
