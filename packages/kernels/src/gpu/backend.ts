import { KernelBackendUnavailableError } from '../errors';
import {
  normalizeStats,
  type PreparedGae,
  type PreparedReturns,
  prepareGae,
  prepareReturns,
  prepareSpa,
  spaOutputSize,
} from '../js';
import type { ResolvedLayout } from '../layout';
import type { GaeOutput, KernelBackend, KernelName, KernelTable } from '../types';
import {
  errorMessage,
  type GpuJsImporter,
  type GpuJsInstance,
  type GpuJsKernel,
  type GpuJsModule,
  loadGpuJs,
} from './gpujs';
import { MAX_INDEX, planRecurrence, type RecurrencePlan } from './plan';
import {
  gaeSkipSource,
  gaeSource,
  normalizeMaskedSource,
  normalizeSource,
  returnsSource,
  STATE_STRIDE,
  spaSource,
} from './sources';

const f = Math.fround;

/** Counters of a gpu.js backend, for tests and benchmarks. */
export interface GpuJsBackendStats {
  /** gpu.js kernels created (one per kernel variant, reused across shapes). */
  readonly kernels: number;
  /** Modules compiled (webasm: one per kernel variant and size signature; cached by gpu.js). */
  readonly compiles: number;
  /** Calls that ran on gpu.js's worker pool (webasm, async contract, ≥ 4096 cells). */
  readonly threadedRuns: number;
  /** Kernel launches (a GAE or returns call makes one or two per row group; see `maxPositionsPerLaunch`). */
  readonly launches: number;
}

/** A {@link KernelBackend} running on gpu.js. */
export interface GpuJsBackend extends KernelBackend {
  /** Counters since creation (or the last `dispose()`). */
  stats(): GpuJsBackendStats;
  unavailableReason(): string | undefined;
  /**
   * `webgpu`: the adapter gpu.js obtained, once `isAvailable()` resolved true (undefined before,
   * and always for `webasm`). Tells a GPU from a software adapter (`isFallbackAdapter`), such as
   * Mesa's llvmpipe, which Dawn can return when no GPU is present.
   */
  adapterInfo(): WebgpuAdapterInfo | undefined;
  /** Destroys the gpu.js instance (kernels, modules, worker pool); the backend stays usable. */
  dispose(): Promise<void>;
}

/** What a WebGPU adapter reports about itself (`GPUAdapterInfo`); empty strings where it says nothing. */
export interface WebgpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for a software (fallback) adapter: correct results, CPU speed. */
  readonly isFallbackAdapter: boolean;
}

/** @internal */
export interface GpuJsBackendConfig {
  readonly name: string;
  readonly mode: 'webasm' | 'webgpu';
  readonly priority: number;
  readonly optIn: boolean;
  readonly minElements?: Partial<Record<KernelName, number>>;
  /** Extra `createKernel` settings (asyncMode, poolSize). */
  readonly kernelSettings: Readonly<Record<string, unknown>>;
  readonly importer: GpuJsImporter;
  /** After gpu.js loaded: undefined when the mode can run here, else why not. Never rejects. */
  readonly probe: (module: GpuJsModule) => Promise<string | undefined>;
  /** The adapter the probe obtained (webgpu). */
  readonly adapterInfo?: () => WebgpuAdapterInfo | undefined;
  /** Most positions per launch of a recurrence; see {@link MAX_POSITIONS_PER_LAUNCH}. */
  readonly maxPositionsPerLaunch?: number;
}

/**
 * Default most positions of a GAE or returns launch (and a quarter of it, rows). A launch indexes
 * positions and packed saved states in f32, exact below 2^24, so 2^23 − 1 positions always fit.
 * Larger inputs run as several launches over consecutive rows (8192×2048: three).
 */
export const MAX_POSITIONS_PER_LAUNCH = MAX_INDEX / 2 - 1;

/**
 * Consecutive row ranges of at most `limit` positions and `limit / 4` rows each (a longer single
 * row stays alone). A launch's saved states, one per row plus at most one per 9 positions (rows
 * with checkpoints are over 64 long, so K ≥ 9), are packed up to 4 numbers each and indexed in
 * f32: with `limit` < 2^23 every index stays below 2^24.
 */
function rowGroups(layout: ResolvedLayout, limit: number): [number, number][] {
  const { bounds, numRows } = layout;
  const maxRows = Math.max(1, Math.floor(limit / 4));
  const groups: [number, number][] = [];
  let first = 0;
  for (let row = 0; row < numRows; row++) {
    if (
      row > first &&
      ((bounds[row + 1] as number) - (bounds[first] as number) > limit || row - first >= maxRows)
    ) {
      groups.push([first, row]);
      first = row;
    }
  }
  groups.push([first, numRows]);
  return groups;
}

/** The layout of rows `from`…`to − 1`, positions rebased to 0. */
function sliceLayout(layout: ResolvedLayout, from: number, to: number): ResolvedLayout {
  const base = layout.bounds[from] as number;
  const bounds = new Int32Array(to - from + 1);
  for (let i = 0; i <= to - from; i++) bounds[i] = (layout.bounds[from + i] as number) - base;
  return {
    numRows: to - from,
    size: bounds[to - from] as number,
    bounds,
    numSteps: layout.numSteps,
  };
}

/** Loops are bounded by the data (row lengths); this only disables gpu.js's guard. */
const LOOP_MAX = 2 ** 30;
/** Dense layouts repeat: their plans are kept (a few). */
const PLAN_CACHE_LIMIT = 8;

type Variant =
  | 'gae:dense'
  | 'gae:listed'
  | 'gaeSkip:dense'
  | 'gaeSkip:listed'
  | 'returns:dense'
  | 'returns:listed'
  | 'normalize'
  | 'normalizeMasked'
  | 'spa';

const SOURCES: Record<Variant, () => string> = {
  'gae:dense': () => gaeSource('dense'),
  'gae:listed': () => gaeSource('listed'),
  'gaeSkip:dense': () => gaeSkipSource('dense'),
  'gaeSkip:listed': () => gaeSkipSource('listed'),
  'returns:dense': () => returnsSource('dense'),
  'returns:listed': () => returnsSource('listed'),
  normalize: () => normalizeSource,
  normalizeMasked: () => normalizeMaskedSource,
  spa: () => spaSource,
};

function toFloats(result: unknown, length: number): Float32Array {
  if (result instanceof Float32Array && result.length === length) return result;
  return Float32Array.from(result as ArrayLike<number>);
}

function checkIndexRange(kernel: string, size: number, stateIndices: number): void {
  if (size >= MAX_INDEX || stateIndices >= MAX_INDEX) {
    throw new Error(
      `${kernel}: gpu.js kernels index in f32, exact below 2^24; got ${size} positions and ${stateIndices} state entries (use the js backend)`,
    );
  }
}

/**
 * Creates a backend on a gpu.js mode. gpu.js is loaded on the first `isAvailable()` or kernel
 * call, never at import.
 *
 * @internal
 */
export function createGpuJsBackend(config: GpuJsBackendConfig): GpuJsBackend {
  const { name, mode } = config;
  let availability: Promise<{ module: GpuJsModule } | { reason: string }> | undefined;
  let reason: string | undefined;
  let gpu: GpuJsInstance | undefined;
  const kernels = new Map<Variant, GpuJsKernel>();
  const compiled = new Set<number>();
  const plans = new Map<string, RecurrencePlan>();
  let kernelCount = 0;
  let compiles = 0;
  let threadedRuns = 0;
  let launches = 0;

  function resolveAvailability(): Promise<{ module: GpuJsModule } | { reason: string }> {
    availability ??= (async () => {
      const loaded = await loadGpuJs(config.importer);
      if ('reason' in loaded) return loaded;
      let problem: string | undefined;
      try {
        problem = await config.probe(loaded.module);
      } catch (error) {
        problem = errorMessage(error);
      }
      return problem === undefined ? loaded : { reason: problem };
    })().then((result) => {
      reason = 'reason' in result ? result.reason : undefined;
      return result;
    });
    return availability;
  }

  async function instance(): Promise<GpuJsInstance> {
    const result = await resolveAvailability();
    if ('reason' in result) throw new KernelBackendUnavailableError(name, result.reason);
    gpu ??= new result.module.GPU({ mode });
    return gpu;
  }

  async function run(variant: Variant, cells: number, args: unknown[]): Promise<unknown> {
    const gpuInstance = await instance();
    let kernel = kernels.get(variant);
    if (kernel === undefined) {
      kernel = gpuInstance.createKernel(SOURCES[variant](), {
        ...config.kernelSettings,
        output: [cells],
        dynamicOutput: true,
        dynamicArguments: true,
        loopMaxIterations: LOOP_MAX,
        precision: 'single',
        tactic: 'precision',
      });
      kernels.set(variant, kernel);
      kernelCount++;
    }
    kernel.setOutput([cells]);
    launches++;
    const pending = kernel(...args);
    // Read synchronously: a later call may switch the active module before this one settles.
    const inner = kernel.kernel;
    const id = inner?._active?.id;
    if (id !== undefined && !compiled.has(id)) {
      compiled.add(id);
      compiles++;
    }
    const result = await pending;
    const ran = kernel.kernel;
    if (ran?._lastRunPath === 'threaded') threadedRuns++;
    if (ran?.constructor.mode !== undefined && ran.constructor.mode !== mode) {
      throw new Error(
        `gpu.js ran ${variant} on ${ran.constructor.mode} instead of ${mode}${
          ran.fallbackReason ? `: ${ran.fallbackReason}` : ''
        }`,
      );
    }
    return result;
  }

  function planFor(layout: ResolvedLayout): RecurrencePlan {
    if (layout.numSteps === undefined) return planRecurrence(layout);
    const key = `${layout.numRows}x${layout.numSteps}`;
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = planRecurrence(layout);
      plans.set(key, plan);
      if (plans.size > PLAN_CACHE_LIMIT) plans.delete(plans.keys().next().value as string);
    }
    return plan;
  }

  /**
   * Packed states, `stride` numbers each (see `STATE_STRIDE`): the position the state follows,
   * the row end's bootstrap in slot 1 (checkpoints get theirs from pass 1), 0 in slot 2 and
   * `linked` = 1 in slot 3 when there is one.
   */
  function packedStates(plan: RecurrencePlan, stride: number, bootstrap: Float32Array) {
    const states = new Float32Array(plan.stateCount * stride);
    for (let s = 0; s < plan.stateCount; s++) {
      states[s * stride] = plan.statePos[s] as number;
      if (plan.isRowEnd[s] === 1) {
        states[s * stride + 1] = bootstrap[plan.stateRow[s] as number] as number;
      }
      if (stride === STATE_STRIDE.gaeSkip) states[s * stride + 3] = 1;
    }
    return states;
  }

  const launchLimit = config.maxPositionsPerLaunch ?? MAX_POSITIONS_PER_LAUNCH;

  /** GAE over row groups of at most `launchLimit` positions, each in its own launches. */
  async function gae(prepared: PreparedGae): Promise<GaeOutput> {
    const { layout } = prepared;
    const groups = rowGroups(layout, launchLimit);
    if (groups.length === 1) return gaeLaunch(prepared);
    const advantages = new Float32Array(layout.size);
    const returns = new Float32Array(layout.size);
    for (const [from, to] of groups) {
      const start = layout.bounds[from] as number;
      const end = layout.bounds[to] as number;
      const part = await gaeLaunch({
        ...prepared,
        layout: sliceLayout(layout, from, to),
        rewards: prepared.rewards.subarray(start, end),
        values: prepared.values.subarray(start, end),
        dones: prepared.dones.subarray(start, end),
        mask: prepared.mask?.subarray(start, end),
        bootstrap: prepared.bootstrap.subarray(from, to),
      });
      advantages.set(part.advantages, start);
      returns.set(part.returns, start);
    }
    return { advantages, returns };
  }

  async function gaeLaunch(prepared: PreparedGae): Promise<GaeOutput> {
    // 'zero' mode: prepareGae has already multiplied rewards and values by the mask.
    const { layout, dones, mask, gamma, gammaLambda, rewards, values } = prepared;
    const size = layout.size;
    const advantagesOut = new Float32Array(size);
    const returns = new Float32Array(size);
    if (size === 0) return { advantages: advantagesOut, returns };
    const plan = planFor(layout);
    const stride = mask === undefined ? STATE_STRIDE.gae : STATE_STRIDE.gaeSkip;
    checkIndexRange('gae', size, plan.stateCount * stride);
    const states = packedStates(plan, stride, prepared.bootstrap);
    const cells = plan.cellState.length;
    let advantages: Float32Array;
    if (mask === undefined) {
      if (cells > 0) {
        const checkpoints = toFloats(
          await run('gae:listed', cells, [
            rewards,
            values,
            dones,
            plan.cells,
            states,
            gamma,
            gammaLambda,
          ]),
          cells,
        );
        for (let c = 0; c < cells; c++) {
          const state = (plan.cellState[c] as number) * stride;
          states[state + 1] = values[plan.cells[2 * c] as number] as number;
          states[state + 2] = checkpoints[c] as number;
        }
      }
      advantages = toFloats(
        await run('gae:dense', size, [
          rewards,
          values,
          dones,
          plan.seg,
          states,
          gamma,
          gammaLambda,
        ]),
        size,
      );
      for (let t = 0; t < size; t++) {
        returns[t] = f((advantages[t] as number) + (values[t] as number));
      }
      return { advantages, returns };
    }
    if (cells > 0) {
      const checkpoints = (await run('gaeSkip:listed', cells, [
        rewards,
        values,
        dones,
        mask,
        plan.cells,
        states,
        gamma,
        gammaLambda,
      ])) as ArrayLike<ArrayLike<number>>;
      for (let c = 0; c < cells; c++) {
        const state = (plan.cellState[c] as number) * stride;
        const triple = checkpoints[c] as ArrayLike<number>;
        states[state + 1] = triple[0] as number;
        states[state + 2] = triple[1] as number;
        states[state + 3] = triple[2] as number;
      }
    }
    advantages = toFloats(
      await run('gaeSkip:dense', size, [
        rewards,
        values,
        dones,
        mask,
        plan.seg,
        states,
        gamma,
        gammaLambda,
      ]),
      size,
    );
    for (let t = 0; t < size; t++) {
      returns[t] = mask[t] === 1 ? f((advantages[t] as number) + (values[t] as number)) : 0;
    }
    return { advantages, returns };
  }

  /** Discounted returns over row groups of at most `launchLimit` positions. */
  async function discountedReturns(prepared: PreparedReturns): Promise<Float32Array> {
    const { layout } = prepared;
    const groups = rowGroups(layout, launchLimit);
    if (groups.length === 1) return returnsLaunch(prepared);
    const out = new Float32Array(layout.size);
    for (const [from, to] of groups) {
      const start = layout.bounds[from] as number;
      const end = layout.bounds[to] as number;
      const part = await returnsLaunch({
        ...prepared,
        layout: sliceLayout(layout, from, to),
        rewards: prepared.rewards.subarray(start, end),
        dones: prepared.dones.subarray(start, end),
        bootstrap: prepared.bootstrap.subarray(from, to),
      });
      out.set(part, start);
    }
    return out;
  }

  async function returnsLaunch(prepared: PreparedReturns): Promise<Float32Array> {
    const { layout, rewards, dones, gamma } = prepared;
    const size = layout.size;
    if (size === 0) return new Float32Array(0);
    const plan = planFor(layout);
    const stride = STATE_STRIDE.returns;
    checkIndexRange('discountedReturns', size, plan.stateCount * stride);
    const states = packedStates(plan, stride, prepared.bootstrap);
    const cells = plan.cellState.length;
    if (cells > 0) {
      const checkpoints = toFloats(
        await run('returns:listed', cells, [rewards, dones, plan.cells, states, gamma]),
        cells,
      );
      for (let c = 0; c < cells; c++) {
        states[(plan.cellState[c] as number) * stride + 1] = checkpoints[c] as number;
      }
    }
    return toFloats(
      await run('returns:dense', size, [rewards, dones, plan.seg, states, gamma]),
      size,
    );
  }

  const kernelTable: KernelTable = {
    async gae(input) {
      return gae(prepareGae(input));
    },
    async discountedReturns(input) {
      return discountedReturns(prepareReturns(input));
    },
    async normalizeAdvantages(input) {
      const stats = normalizeStats(input);
      const size = stats.values.length;
      if (stats.denominator === 0) return new Float32Array(size);
      const result =
        stats.mask === undefined
          ? await run('normalize', size, [stats.values, stats.mean, stats.denominator])
          : await run('normalizeMasked', size, [
              stats.values,
              stats.mask,
              stats.mean,
              stats.denominator,
            ]);
      return toFloats(result, size);
    },
    async spaRewards(input) {
      const prepared = prepareSpa(input);
      const { layout, placement } = prepared;
      const size = layout.size;
      const out = new Float32Array(spaOutputSize(prepared));
      if (size === 0) return out;
      let grounded = prepared.grounded;
      if (prepared.lastAlwaysGrounded) {
        grounded = Uint8Array.from(grounded);
        for (let row = 0; row < layout.numRows; row++) {
          const end = layout.bounds[row + 1] as number;
          if (end > (layout.bounds[row] as number)) grounded[end - 1] = 1;
        }
      }
      const rewards = toFloats(
        await run('spa', size, [
          prepared.contributions,
          grounded,
          prepared.alpha,
          prepared.groundedTerm,
          prepared.ungroundedTerm,
        ]),
        size,
      );
      if (placement === undefined) return rewards;
      // Later steps win, as in spaRows: scatter in ascending step order.
      for (let row = 0; row < layout.numRows; row++) {
        const base = placement.layout.bounds[row] as number;
        for (let k = layout.bounds[row] as number; k < (layout.bounds[row + 1] as number); k++) {
          out[base + (placement.positions[k] as number)] = rewards[k] as number;
        }
      }
      return out;
    },
  };

  return {
    name,
    priority: config.priority,
    ...(config.optIn ? { optIn: true } : {}),
    ...(config.minElements === undefined ? {} : { minElements: config.minElements }),
    async isAvailable() {
      const result = await resolveAvailability();
      return !('reason' in result);
    },
    unavailableReason: () => reason,
    adapterInfo: () => (reason === undefined ? config.adapterInfo?.() : undefined),
    kernels: kernelTable,
    stats: () => ({ kernels: kernelCount, compiles, threadedRuns, launches }),
    async dispose() {
      const current = gpu;
      gpu = undefined;
      kernels.clear();
      compiled.clear();
      plans.clear();
      kernelCount = 0;
      compiles = 0;
      threadedRuns = 0;
      launches = 0;
      if (current !== undefined) await current.destroy();
    },
  };
}
