/**
 * Shapes and inputs of the kernels.
 *
 * @remarks
 * All arrays are row-major. A **dense** layout is `[numRows, numSteps]`: row r holds entries
 * `r·numSteps … r·numSteps + numSteps − 1`. A **ragged** (packed) layout stores rows of different
 * lengths back to back: row r holds entries `offsets[r] … offsets[r + 1] − 1`, with
 * `offsets[0] = 0`, non-decreasing, and `offsets[numRows]` = the array length. No padding is
 * stored or computed.
 */

/** `[numRows, numSteps]` row-major. */
export interface DenseLayout {
  readonly numRows: number;
  readonly numSteps: number;
}

/** Packed rows: row r is `[offsets[r], offsets[r + 1])`; `offsets.length = numRows + 1`. */
export interface RaggedLayout {
  readonly offsets: Int32Array | Uint32Array | readonly number[];
}

/** Either layout. */
export type Layout = DenseLayout | RaggedLayout;

/** 0/1 flags (done, mask, grounded): a `Uint8Array` or a `Float32Array` of 0 and 1. */
export type Flags = Uint8Array | Float32Array;

/** How GAE treats positions where `mask` is 0 (same semantics as `@spa/core`'s `GaeMaskMode`). */
export type MaskMode = 'skip' | 'zero';

/** Inputs of {@link KernelTable.gae}. */
export interface GaeInput {
  readonly layout: Layout;
  /** r, one per position. */
  readonly rewards: Float32Array;
  /**
   * V, one per position; the value after each row's last position is `bootstrapValues[row]`
   * (default 0).
   */
  readonly values: Float32Array;
  /** `[numRows]`: the value after each row's last position. Default 0. */
  readonly bootstrapValues?: Float32Array;
  /** 1 at t = the episode ends after position t (no value or advantage flows back across it). */
  readonly dones?: Flags;
  /**
   * Token-level layouts: 1 = a position of the agent's action tokens. Omitted: every position
   * counts (step-level GAE).
   */
  readonly mask?: Flags;
  /** Default `'skip'`. */
  readonly maskMode?: MaskMode;
  /** γ in [0, 1]. */
  readonly gamma: number;
  /** λ in [0, 1]. */
  readonly lambda: number;
  /**
   * Arrays to write the results into (the `js` backend fills and returns them, saving the
   * allocation of two arrays per call; other backends may return new arrays, so always use the
   * returned object). When the call rejects, their contents are unspecified: the `js` backend
   * checks the values of r, V and dones while it computes, so a bad entry is found after some
   * positions were written.
   */
  readonly out?: GaeOutput;
}

/** Outputs of {@link KernelTable.gae}: same length as the inputs. */
export interface GaeOutput {
  readonly advantages: Float32Array;
  /** A + V (value targets). */
  readonly returns: Float32Array;
}

/** Inputs of {@link KernelTable.discountedReturns}. */
export interface DiscountedReturnsInput {
  readonly layout: Layout;
  readonly rewards: Float32Array;
  readonly dones?: Flags;
  /** `[numRows]`: the return after each row's last position. Default 0. */
  readonly bootstrapValues?: Float32Array;
  readonly gamma: number;
}

/** Inputs of {@link KernelTable.normalizeAdvantages}. */
export interface NormalizeInput {
  readonly values: Float32Array;
  /** Only positions with mask 1 enter the statistics and are normalised; the others become 0. */
  readonly mask?: Flags;
  /** Default 1e-8 (cleanrl). */
  readonly epsilon?: number;
  /** Bessel-corrected std (default true, torch's and cleanrl's); false: population std. */
  readonly unbiased?: boolean;
}

/** Inputs of {@link KernelTable.spaRewards}: r_t = α·c_t + β·g_t, per step. */
export interface SpaRewardsInput {
  /** The layout of `contributions` / `grounded` (one entry per agent step). */
  readonly layout: Layout;
  /** c_t, the progress estimator's per-step contributions. */
  readonly contributions: Float32Array;
  /** g: 1 = the env accepted the step's action. */
  readonly grounded: Flags;
  /** Default 1. */
  readonly alpha?: number;
  /** Default 0.5. */
  readonly beta?: number;
  /** g_t of a grounded step. Default 1. */
  readonly groundedValue?: number;
  /** g_t of an ungrounded step. Default 0. */
  readonly ungroundedValue?: number;
  /** `'always-grounded'` (default, the reference code): the last step of each row counts as grounded. */
  readonly lastStep?: 'always-grounded' | 'as-recorded';
  /**
   * Token-level placement: the reward of step k of row r goes to position
   * `placement.positions[k]` of output row r (its action's last token); other positions get 0.
   * `placement.layout` is the token layout (same number of rows).
   */
  readonly placement?: {
    readonly layout: Layout;
    /** One per step, an index within the step's output row. */
    readonly positions: Int32Array | Uint32Array;
  };
}

/** The kernels every backend may implement. */
export interface KernelTable {
  gae(input: GaeInput): Promise<GaeOutput>;
  discountedReturns(input: DiscountedReturnsInput): Promise<Float32Array>;
  normalizeAdvantages(input: NormalizeInput): Promise<Float32Array>;
  spaRewards(input: SpaRewardsInput): Promise<Float32Array>;
}

/** A kernel's name. */
export type KernelName = keyof KernelTable;

/** The kernel names in a stable order. */
export const KERNEL_NAMES: readonly KernelName[] = Object.freeze([
  'gae',
  'discountedReturns',
  'normalizeAdvantages',
  'spaRewards',
] as const);

/** A set of kernel implementations with a priority (higher is preferred). */
export interface KernelBackend {
  readonly name: string;
  /** js 1, webasm 2, webgpu 3 (tfjs-style). */
  readonly priority: number;
  /** Used only when asked for by name (the runner's `prefer` or `enable`); webgpu is opt-in. */
  readonly optIn?: boolean;
  /** Resolves true once the backend can run (webgpu: an adapter was obtained). */
  isAvailable(): Promise<boolean>;
  /** Why `isAvailable` resolved false, once it has. */
  unavailableReason?(): string | undefined;
  /** The kernels it implements (a subset is fine). */
  readonly kernels: Partial<KernelTable>;
  /**
   * Smallest input (elements) for which this backend should be chosen over a lower-priority one,
   * per kernel; below it the runner moves on. Default 0.
   */
  readonly minElements?: Partial<Record<KernelName, number>>;
  dispose?(): Promise<void>;
}
