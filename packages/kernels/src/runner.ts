import { KernelBackendUnavailableError, KernelInputError } from './errors';
import { jsBackend } from './js';
import { KERNEL_NAMES, type KernelBackend, type KernelName, type KernelTable } from './types';

/** Why a kernel did not run on a higher-priority backend. */
export interface FallbackEvent {
  readonly kernel: KernelName;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** Options of {@link createKernelRunner}. */
export interface KernelRunnerOptions {
  /** Default `[jsBackend()]`; `@spa/kernels/gpu` adds `webasmBackend()` and `webgpuBackend()`. */
  readonly backends?: readonly KernelBackend[];
  /**
   * Run on this backend when it implements the kernel (opt-in backends such as webgpu are used
   * only this way or through `enable`). Throws `KernelBackendUnavailableError` at the first call
   * if it cannot run.
   */
  readonly prefer?: string;
  /**
   * Opt-in backends (such as webgpu) that take part in the automatic choice like the others: by
   * priority and size threshold, falling back below it. `prefer` instead sends every call to one
   * backend whatever its size.
   */
  readonly enable?: readonly string[];
  /**
   * Size thresholds per backend name, replacing that backend's own `minElements` for the kernels
   * named, e.g. `{ webgpu: (await calibrateThresholds(gpu)).minElements }`.
   */
  readonly minElements?: Readonly<Record<string, Partial<Record<KernelName, number>>>>;
  /** Called each time a kernel runs on another backend than the first candidate, with the reason. */
  readonly onFallback?: (event: FallbackEvent) => void;
}

/** A {@link KernelTable} that picks a backend per call. */
export interface KernelRunner extends KernelTable {
  /** The backend that ran the last call of `kernel` (undefined before the first call). */
  backendFor(kernel: KernelName): string | undefined;
  /** The backends, highest priority first. */
  readonly backends: readonly KernelBackend[];
  /** Disposes every backend (worker pools, GPU devices). */
  dispose(): Promise<void>;
}

function elementCount(kernel: KernelName, input: unknown): number {
  const value = input as Record<string, unknown>;
  const array =
    kernel === 'normalizeAdvantages'
      ? value.values
      : kernel === 'spaRewards'
        ? value.contributions
        : value.rewards;
  return array instanceof Float32Array ? array.length : 0;
}

/**
 * Creates a kernel runner: each call goes to the highest-priority backend that implements the
 * kernel, is available and whose size threshold (`minElements`, or the runner's override) the
 * input reaches; opt-in backends only when named by `prefer` or `enable`. A backend that fails
 * at run time (anything but a `KernelInputError`) hands the call to the next one. Every move
 * down the list is reported to `onFallback` with its reason, and `backendFor(kernel)` tells which
 * backend ran.
 *
 * @remarks
 * Design: tfjs's backend priority and gpu.js 2.24.1's fallback chain with `fallbackReason`
 * (conventions.md §A.2, §A.7, §B.5), instance-based: importing anything registers nothing.
 */
export function createKernelRunner(options: KernelRunnerOptions = {}): KernelRunner {
  const backends = [...(options.backends ?? [jsBackend()])].sort((a, b) => b.priority - a.priority);
  if (backends.length === 0) {
    throw new KernelInputError({
      field: 'options.backends',
      reason: 'expected at least one backend',
    });
  }
  const names = new Set<string>();
  for (const backend of backends) {
    if (names.has(backend.name)) {
      throw new KernelInputError({
        field: 'options.backends',
        reason: `duplicate backend "${backend.name}"`,
      });
    }
    names.add(backend.name);
  }
  const checkName = (field: string, name: string) => {
    if (!names.has(name)) {
      throw new KernelInputError({
        field,
        reason: `no backend named "${name}"; have ${[...names].join(', ')}`,
      });
    }
  };
  const prefer = options.prefer;
  if (prefer !== undefined) checkName('options.prefer', prefer);
  const enabled = new Set<string>();
  for (const [index, name] of (options.enable ?? []).entries()) {
    checkName(`options.enable[${index}]`, name);
    enabled.add(name);
  }
  const thresholds = new Map<string, Partial<Record<KernelName, number>>>();
  for (const [name, table] of Object.entries(options.minElements ?? {})) {
    checkName(`options.minElements.${name}`, name);
    for (const [kernel, value] of Object.entries(table)) {
      if (!KERNEL_NAMES.includes(kernel as KernelName)) {
        throw new KernelInputError({
          field: `options.minElements.${name}.${kernel}`,
          reason: `unknown kernel; accepted: ${KERNEL_NAMES.join(', ')}`,
        });
      }
      if (typeof value !== 'number' || !(value >= 0)) {
        throw new KernelInputError({
          field: `options.minElements.${name}.${kernel}`,
          reason: `expected a number ≥ 0 (Infinity: never chosen by size), got ${String(value)}`,
        });
      }
    }
    const backend = backends.find((candidate) => candidate.name === name) as KernelBackend;
    thresholds.set(name, { ...backend.minElements, ...table });
  }
  const automatic = (backend: KernelBackend) => backend.optIn !== true || enabled.has(backend.name);
  const availability = new Map<string, Promise<boolean>>();
  const available = (backend: KernelBackend): Promise<boolean> => {
    let promise = availability.get(backend.name);
    if (promise === undefined) {
      promise = backend.isAvailable().catch(() => false);
      availability.set(backend.name, promise);
    }
    return promise;
  };
  const used = new Map<KernelName, string>();

  async function run<K extends KernelName>(
    kernel: K,
    input: Parameters<KernelTable[K]>[0],
  ): Promise<Awaited<ReturnType<KernelTable[K]>>> {
    const size = elementCount(kernel, input);
    const ordered =
      prefer === undefined
        ? backends.filter(automatic)
        : [
            ...backends.filter((backend) => backend.name === prefer),
            ...backends.filter((backend) => backend.name !== prefer && automatic(backend)),
          ];
    if (prefer !== undefined) {
      const preferred = ordered[0] as KernelBackend;
      if (!(await available(preferred))) {
        throw new KernelBackendUnavailableError(
          preferred.name,
          preferred.unavailableReason?.() ?? 'isAvailable() resolved false',
        );
      }
    }
    let first: string | undefined;
    let reason = '';
    for (const [index, backend] of ordered.entries()) {
      const implementation = backend.kernels[kernel] as
        | ((value: Parameters<KernelTable[K]>[0]) => ReturnType<KernelTable[K]>)
        | undefined;
      first ??= backend.name;
      const isLast = index === ordered.length - 1;
      if (implementation === undefined) {
        reason = `${backend.name} does not implement ${kernel}`;
        continue;
      }
      const threshold = (thresholds.get(backend.name) ?? backend.minElements)?.[kernel] ?? 0;
      if (size < threshold && !isLast && backend.name !== prefer) {
        reason = `${size} elements is below ${backend.name}'s threshold of ${threshold} for ${kernel}`;
        continue;
      }
      if (!(await available(backend))) {
        reason = `${backend.name} is unavailable: ${backend.unavailableReason?.() ?? 'isAvailable() resolved false'}`;
        continue;
      }
      try {
        const result = await implementation.call(backend.kernels, input);
        if (backend.name !== first) {
          options.onFallback?.({ kernel, from: first, to: backend.name, reason });
        }
        used.set(kernel, backend.name);
        return result as Awaited<ReturnType<KernelTable[K]>>;
      } catch (error) {
        if (KernelInputError.isInstance(error)) throw error;
        reason = `${backend.name} failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    throw new KernelBackendUnavailableError(
      first ?? 'none',
      `no backend could run ${kernel}: ${reason}`,
    );
  }

  const table = Object.fromEntries(
    KERNEL_NAMES.map((kernel) => [kernel, (input: never) => run(kernel, input)]),
  ) as unknown as KernelTable;
  return {
    ...table,
    backends,
    backendFor: (kernel) => used.get(kernel),
    async dispose() {
      await Promise.all(backends.map((backend) => backend.dispose?.()));
    },
  };
}
