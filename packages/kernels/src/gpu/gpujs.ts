/**
 * The structural slice of gpu.js 2.24.1 this package uses, and its lazy loader. gpu.js is an
 * optional peer dependency: nothing here imports it statically, so its types never reach the
 * emitted declarations.
 *
 * @internal
 */

/** A gpu.js kernel run shortcut (`gpu.createKernel(...)`). */
export interface GpuJsKernel {
  (...args: unknown[]): unknown;
  setOutput(output: number[]): unknown;
  /** The kernel behind the shortcut; replaced by a cpu kernel when gpu.js falls back. */
  readonly kernel?: {
    readonly fallbackReason?: string | null;
    readonly constructor: { readonly mode?: string };
    /** webasm: the compiled module entry in use (unique id per compile). */
    readonly _active?: { readonly id?: number } | null;
    /** webasm: 'scalar' | 'simd' | 'simd+scalar-tail' | 'threaded'. */
    readonly _lastRunPath?: string | null;
    moduleCacheLimit?: number;
  };
}

/** A `GPU` instance. */
export interface GpuJsInstance {
  createKernel(source: string, settings: Record<string, unknown>): GpuJsKernel;
  destroy(): Promise<void> | void;
}

/** The `gpu.js` module (CommonJS `module.exports`). */
export interface GpuJsModule {
  readonly GPU: (new (settings: {
    mode: string;
  }) => GpuJsInstance) & {
    readonly isWebAssemblySupported?: boolean;
    readonly isWebGPUSupported?: boolean;
  };
  readonly WebGPUContext?: {
    acquire(): Promise<{ readonly adapter: unknown; readonly device: unknown }>;
  };
}

/** How gpu.js is loaded; injectable for tests and bundlers. */
export type GpuJsImporter = () => Promise<unknown>;

/** The version this package is written and tested against. */
export const GPU_JS_VERSION = '2.24.1';

export const NOT_INSTALLED = `gpu.js is not installed (npm install gpu.js@${GPU_JS_VERSION})`;

/** `import('gpu.js')`, evaluated only when called. */
export const importGpuJs: GpuJsImporter = () => import('gpu.js');

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (
    (code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (module|package)/.test(message)) &&
    message.includes('gpu.js')
  );
}

/** Loads gpu.js; resolves the module or the reason it is unusable (never rejects). */
export async function loadGpuJs(
  importer: GpuJsImporter,
): Promise<{ module: GpuJsModule } | { reason: string }> {
  let namespace: unknown;
  try {
    namespace = await importer();
  } catch (error) {
    if (isNotFound(error)) return { reason: NOT_INSTALLED };
    return { reason: `gpu.js failed to load: ${errorMessage(error)}` };
  }
  const candidate = namespace as { GPU?: unknown; default?: { GPU?: unknown } } | null;
  const module = (typeof candidate?.GPU === 'function' ? candidate : candidate?.default) as
    | GpuJsModule
    | undefined;
  if (module === undefined || typeof module.GPU !== 'function') {
    return { reason: 'gpu.js loaded but exports no GPU class (expected gpu.js 2.24.1)' };
  }
  return { module };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
