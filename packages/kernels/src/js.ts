import { KernelInputError } from './errors';
import { checkFlags, checkFloats, checkNumber, type ResolvedLayout, resolveLayout } from './layout';
import { longestFirst } from './order';
import type {
  DiscountedReturnsInput,
  GaeInput,
  GaeOutput,
  KernelBackend,
  NormalizeInput,
  SpaRewardsInput,
} from './types';

const f = Math.fround;

/**
 * Validated GAE input, shared by every backend (the runner validates once).
 *
 * @internal
 */
export interface PreparedGae {
  readonly layout: ResolvedLayout;
  readonly rewards: Float32Array;
  readonly values: Float32Array;
  readonly bootstrap: Float32Array;
  readonly dones: Uint8Array;
  /**
   * Present in `'skip'` mode only. In `'zero'` mode `rewards` and `values` are already multiplied
   * by the mask (trl v0.10.1), so every backend runs the unmasked recursion on them.
   */
  readonly mask: Uint8Array | undefined;
  /** γ rounded to f32. */
  readonly gamma: number;
  /** f32(f32(γ)·f32(λ)). */
  readonly gammaLambda: number;
  /**
   * True when the finiteness of `rewards`/`values` and the 0/1 check of `dones` were left to the
   * kernel ({@link gaeRows} reports them; {@link checkGaeValues} then names the entry).
   */
  readonly deferred: boolean;
}

/** Options of {@link prepareGae}. @internal */
export interface PrepareGaeOptions {
  /**
   * Skip the value scans of `rewards`, `values` and `dones` where the kernel can detect a bad
   * entry itself (no mask, dones absent or a Uint8Array): a NaN or ±Infinity in r or V makes that
   * position's advantage non-finite, and a done other than 0/1 sets a high bit that the kernel
   * ORs. Saves one pass over the input. Types, lengths, bootstrap values and scalars are still
   * checked up front.
   */
  readonly deferValueChecks?: boolean;
}

function toBytes(flags: Uint8Array | Float32Array | undefined, size: number): Uint8Array {
  if (flags === undefined) return new Uint8Array(size);
  if (flags instanceof Uint8Array) return flags;
  return Uint8Array.from(flags);
}

/** Validates a {@link GaeInput}. Throws `KernelInputError` naming the field. */
export function prepareGae(input: GaeInput, options: PrepareGaeOptions = {}): PreparedGae {
  const layout = resolveLayout(input.layout);
  const { size, numRows } = layout;
  const deferred =
    options.deferValueChecks === true &&
    input.mask === undefined &&
    (input.dones === undefined || input.dones instanceof Uint8Array);
  checkFloats('rewards', input.rewards, size, !deferred);
  checkFloats('values', input.values, size, !deferred);
  if (input.bootstrapValues !== undefined)
    checkFloats('bootstrapValues', input.bootstrapValues, numRows);
  if (input.dones !== undefined) checkFlags('dones', input.dones, size, !deferred);
  if (input.mask !== undefined) checkFlags('mask', input.mask, size);
  checkNumber('gamma', input.gamma, 0, 1);
  checkNumber('lambda', input.lambda, 0, 1);
  const maskMode = input.maskMode ?? 'skip';
  if (maskMode !== 'skip' && maskMode !== 'zero') {
    throw new KernelInputError({
      field: 'maskMode',
      reason: `expected "skip" or "zero", got ${JSON.stringify(maskMode)}`,
    });
  }
  const mask = input.mask === undefined ? undefined : toBytes(input.mask, size);
  const gamma = f(input.gamma);
  let { rewards, values } = input;
  if (mask !== undefined && maskMode === 'zero') {
    // r·m and V·m with m ∈ {0, 1} are exact in f32 (m = 0 keeps the sign: −0 for a negative entry).
    rewards = new Float32Array(size);
    values = new Float32Array(size);
    for (let t = 0; t < size; t++) {
      const keep = mask[t] as number;
      rewards[t] = f((input.rewards[t] as number) * keep);
      values[t] = f((input.values[t] as number) * keep);
    }
  }
  return {
    layout,
    rewards,
    values,
    bootstrap: input.bootstrapValues ?? new Float32Array(numRows),
    dones: toBytes(input.dones, size),
    mask: maskMode === 'skip' ? mask : undefined,
    gamma,
    gammaLambda: f(gamma * f(input.lambda)),
    deferred,
  };
}

/**
 * The value scans that {@link PrepareGaeOptions.deferValueChecks} skipped: throws a
 * `KernelInputError` naming the first bad entry, or returns when there is none (the kernel's
 * non-finite result was an f32 overflow of finite inputs, which is returned as computed).
 */
export function checkGaeValues(input: GaeInput): void {
  const size = resolveLayout(input.layout).size;
  checkFloats('rewards', input.rewards, size);
  checkFloats('values', input.values, size);
  if (input.dones !== undefined) checkFlags('dones', input.dones, size);
}

/** Checks {@link GaeInput.out}: two Float32Arrays of `size` entries, when given. @internal */
export function checkGaeOut(out: GaeOutput | undefined, size: number): void {
  if (out === undefined) return;
  for (const key of ['advantages', 'returns'] as const) {
    const array = out[key];
    if (!(array instanceof Float32Array) || array.length !== size) {
      throw new KernelInputError({
        field: `out.${key}`,
        reason: `expected a Float32Array of ${size} entries`,
      });
    }
  }
}

/** The layout row processed at slot `i`: `order[i]`, or `i` in the layout's own order. */
function rowAt(order: Int32Array | undefined, i: number): number {
  return order === undefined ? i : (order[i] as number);
}

/** Fields of {@link pairAt}'s output. */
const ROW0 = 0;
const START0 = 1;
const END0 = 2;
const ROW1 = 3;
const START1 = 4;
const END1 = 5;
const PAIR_FIELDS = 6;

/**
 * The rows processed at slots `i` and `i + 1`, written to `pair` (row, start, end of each), for
 * the two-rows-per-loop kernels. Returns the first position of the first row's common suffix
 * with the second: the loop over both rows runs from the rows' ends down to it, then the longer
 * row continues alone.
 */
function pairAt(
  bounds: Int32Array,
  order: Int32Array | undefined,
  i: number,
  pair: Int32Array,
): number {
  const row0 = rowAt(order, i);
  const row1 = rowAt(order, i + 1);
  const start0 = bounds[row0] as number;
  const end0 = bounds[row0 + 1] as number;
  const start1 = bounds[row1] as number;
  const end1 = bounds[row1 + 1] as number;
  pair[ROW0] = row0;
  pair[START0] = start0;
  pair[END0] = end0;
  pair[ROW1] = row1;
  pair[START1] = start1;
  pair[END1] = end1;
  return end0 - Math.min(end0 - start0, end1 - start1);
}

/**
 * GAE in f32, backwards along each row (the reference formulation; see the README's numerics
 * contract). Per position t of a row, with nt = 1 − done_t:
 *
 * ```
 * delta = f32(f32(r + f32(f32(γ·nextV)·nt)) − V)
 * A     = f32(delta + f32(f32(γλ·nt)·nextA))
 * R     = f32(A + V)
 * ```
 *
 * `'skip'` mask: masked-out positions are transparent (A = R = 0 there; a done on them still cuts
 * the link). `'zero'` mask: r and V were multiplied by the mask in {@link prepareGae} (trl v0.10.1).
 *
 * Without a skip mask, rows are processed two at a time (the last `min` positions of both rows in
 * one loop, then the rest of the longer row). Each row's recursion is a chain of dependent
 * multiply-add-round steps, so one row at a time leaves the CPU waiting on latency; two
 * independent chains in one loop run about 1.5× faster. On a ragged layout, `order` (from
 * {@link longestFirst}) pairs rows of similar lengths, so that less of each pair runs alone. The
 * per-row arithmetic is unchanged, so the values are those of the one-row loop, bit for bit, in
 * any order.
 *
 * @param fromRow - First processed row: an index into `order`, or a layout row without `order`.
 * @param toRow - One past the last processed row, likewise.
 * @param order - Layout rows in processing order; undefined for the layout's own order.
 * @returns Without a skip mask: `true` when every advantage is finite and every done flag was 0
 *   or 1; `false` means the input has a non-finite number or a bad flag (the caller locates it;
 *   see {@link prepareGae}'s `deferValueChecks`) or that the arithmetic overflowed. With a skip
 *   mask (whose input is always checked up front): `true`.
 */
export function gaeRows(
  prepared: PreparedGae,
  fromRow: number,
  toRow: number,
  out: GaeOutput,
  order?: Int32Array,
): boolean {
  const { layout, rewards, values, bootstrap, dones, mask, gamma, gammaLambda } = prepared;
  const { advantages, returns } = out;
  const bounds = layout.bounds;
  if (mask !== undefined) {
    // With a skip mask the values were checked up front (never deferred): nothing to report.
    gaeRowsSkip(prepared, fromRow, toRow, out, order);
    return true;
  }
  // x·0 is NaN exactly when x is NaN or ±Infinity; a NaN sticks in the sum.
  let finite = 0;
  let flagBits = 0;
  const pair = new Int32Array(PAIR_FIELDS);
  let i = fromRow;
  for (; i + 1 < toRow; i += 2) {
    const stop = pairAt(bounds, order, i, pair);
    const start0 = pair[START0] as number;
    const start1 = pair[START1] as number;
    let nextValue0 = bootstrap[pair[ROW0] as number] as number;
    let nextValue1 = bootstrap[pair[ROW1] as number] as number;
    let nextAdvantage0 = 0;
    let nextAdvantage1 = 0;
    let t0 = (pair[END0] as number) - 1;
    let t1 = (pair[END1] as number) - 1;
    for (; t0 >= stop; t0--, t1--) {
      const done0 = dones[t0] as number;
      const done1 = dones[t1] as number;
      const nt0 = 1 - done0;
      const nt1 = 1 - done1;
      const value0 = values[t0] as number;
      const value1 = values[t1] as number;
      const delta0 = f(f((rewards[t0] as number) + f(f(gamma * nextValue0) * nt0)) - value0);
      const delta1 = f(f((rewards[t1] as number) + f(f(gamma * nextValue1) * nt1)) - value1);
      const advantage0 = f(delta0 + f(f(gammaLambda * nt0) * nextAdvantage0));
      const advantage1 = f(delta1 + f(f(gammaLambda * nt1) * nextAdvantage1));
      advantages[t0] = advantage0;
      advantages[t1] = advantage1;
      returns[t0] = f(advantage0 + value0);
      returns[t1] = f(advantage1 + value1);
      finite += advantage0 * 0 + advantage1 * 0;
      flagBits |= done0 | done1;
      nextValue0 = value0;
      nextValue1 = value1;
      nextAdvantage0 = advantage0;
      nextAdvantage1 = advantage1;
    }
    // The longer row's remaining prefix, continuing its own recursion.
    finite +=
      t0 >= start0
        ? gaeTail(prepared, out, t0, start0, nextValue0, nextAdvantage0)
        : gaeTail(prepared, out, t1, start1, nextValue1, nextAdvantage1);
  }
  if (i < toRow) {
    const row = rowAt(order, i);
    const last = (bounds[row + 1] as number) - 1;
    finite += gaeTail(prepared, out, last, bounds[row] as number, bootstrap[row] as number, 0);
  }
  return finite === 0 && (flagBits & ~1) === 0;
}

/**
 * One row's recursion from position `t` down to `start`, starting from the state after `t`.
 * Returns 0 when every advantage is finite and every done 0 or 1, else NaN (added to the
 * caller's check sum).
 */
function gaeTail(
  prepared: PreparedGae,
  out: GaeOutput,
  from: number,
  start: number,
  value0: number,
  advantage0: number,
): number {
  const { rewards, values, dones, gamma, gammaLambda } = prepared;
  const { advantages, returns } = out;
  let finite = 0;
  let flagBits = 0;
  let nextValue = value0;
  let nextAdvantage = advantage0;
  for (let t = from; t >= start; t--) {
    const done = dones[t] as number;
    const nt = 1 - done;
    const value = values[t] as number;
    const delta = f(f((rewards[t] as number) + f(f(gamma * nextValue) * nt)) - value);
    const advantage = f(delta + f(f(gammaLambda * nt) * nextAdvantage));
    advantages[t] = advantage;
    returns[t] = f(advantage + value);
    finite += advantage * 0;
    flagBits |= done;
    nextValue = value;
    nextAdvantage = advantage;
  }
  return (flagBits & ~1) === 0 ? finite : Number.NaN;
}

/** The `'skip'`-mask recursion, one row at a time (rows as in {@link gaeRows}). */
function gaeRowsSkip(
  prepared: PreparedGae,
  fromRow: number,
  toRow: number,
  out: GaeOutput,
  order: Int32Array | undefined,
): void {
  const { layout, rewards, values, bootstrap, dones, gamma, gammaLambda } = prepared;
  const mask = prepared.mask as Uint8Array;
  const { advantages, returns } = out;
  const bounds = layout.bounds;
  for (let i = fromRow; i < toRow; i++) {
    const row = rowAt(order, i);
    const start = bounds[row] as number;
    let nextValue = bootstrap[row] as number;
    let nextAdvantage = 0;
    let linked = 1;
    for (let t = (bounds[row + 1] as number) - 1; t >= start; t--) {
      if (dones[t] === 1) linked = 0;
      if (mask[t] !== 1) {
        advantages[t] = 0;
        returns[t] = 0;
        continue;
      }
      const value = values[t] as number;
      const delta = f(f((rewards[t] as number) + f(f(gamma * nextValue) * linked)) - value);
      const advantage = f(delta + f(f(gammaLambda * linked) * nextAdvantage));
      advantages[t] = advantage;
      returns[t] = f(advantage + value);
      nextValue = value;
      nextAdvantage = advantage;
      linked = 1;
    }
  }
}

/** Validated discounted-returns input. @internal */
export interface PreparedReturns {
  readonly layout: ResolvedLayout;
  readonly rewards: Float32Array;
  readonly dones: Uint8Array;
  readonly bootstrap: Float32Array;
  readonly gamma: number;
}

/** Validates a {@link DiscountedReturnsInput}. */
export function prepareReturns(input: DiscountedReturnsInput): PreparedReturns {
  const layout = resolveLayout(input.layout);
  checkFloats('rewards', input.rewards, layout.size);
  if (input.dones !== undefined) checkFlags('dones', input.dones, layout.size);
  if (input.bootstrapValues !== undefined)
    checkFloats('bootstrapValues', input.bootstrapValues, layout.numRows);
  checkNumber('gamma', input.gamma, 0, 1);
  return {
    layout,
    rewards: input.rewards,
    dones: toBytes(input.dones, layout.size),
    bootstrap: input.bootstrapValues ?? new Float32Array(layout.numRows),
    gamma: f(input.gamma),
  };
}

/**
 * Discounted returns in f32, backwards along each row: G_t = f32(r_t + f32(f32(γ·G_{t+1})·nt)),
 * with G after a row's last position = its bootstrap value. Rows run two at a time, like
 * {@link gaeRows} (each row's recursion is one chain of dependent steps; two chains in one loop
 * run about twice as fast), with the same `fromRow`, `toRow` and `order`; the values are those of
 * the one-row loop, bit for bit.
 */
export function returnRows(
  prepared: PreparedReturns,
  fromRow: number,
  toRow: number,
  out: Float32Array,
  order?: Int32Array,
): void {
  const { layout, rewards, dones, bootstrap, gamma } = prepared;
  const bounds = layout.bounds;
  const pair = new Int32Array(PAIR_FIELDS);
  let i = fromRow;
  for (; i + 1 < toRow; i += 2) {
    const stop = pairAt(bounds, order, i, pair);
    const start0 = pair[START0] as number;
    const start1 = pair[START1] as number;
    let next0 = bootstrap[pair[ROW0] as number] as number;
    let next1 = bootstrap[pair[ROW1] as number] as number;
    let t0 = (pair[END0] as number) - 1;
    let t1 = (pair[END1] as number) - 1;
    for (; t0 >= stop; t0--, t1--) {
      const nt0 = 1 - (dones[t0] as number);
      const nt1 = 1 - (dones[t1] as number);
      next0 = f((rewards[t0] as number) + f(f(gamma * next0) * nt0));
      next1 = f((rewards[t1] as number) + f(f(gamma * next1) * nt1));
      out[t0] = next0;
      out[t1] = next1;
    }
    // The longer row's remaining prefix, continuing its own recursion.
    if (t0 >= start0) returnTail(prepared, out, t0, start0, next0);
    else returnTail(prepared, out, t1, start1, next1);
  }
  if (i < toRow) {
    const row = rowAt(order, i);
    const last = (bounds[row + 1] as number) - 1;
    returnTail(prepared, out, last, bounds[row] as number, bootstrap[row] as number);
  }
}

/** One row's returns from position `from` down to `start`, with G after `from` = `next`. */
function returnTail(
  prepared: PreparedReturns,
  out: Float32Array,
  from: number,
  start: number,
  next: number,
): void {
  const { rewards, dones, gamma } = prepared;
  let g = next;
  for (let t = from; t >= start; t--) {
    const nt = 1 - (dones[t] as number);
    g = f((rewards[t] as number) + f(f(gamma * g) * nt));
    out[t] = g;
  }
}

/** Statistics of {@link NormalizeInput}: mean and 1/(std + ε), both f32. @internal */
export interface NormalizeStats {
  readonly values: Float32Array;
  readonly mask: Uint8Array | undefined;
  readonly mean: number;
  /** f32(std + ε); 0 when every valid entry equals the mean and ε = 0 (those map to 0). */
  readonly denominator: number;
}

/**
 * Masked mean and std, accumulated in f64 in index order (a reduction in f32 would lose digits
 * on millions of entries), then rounded to f32. Throws when the mask selects nothing.
 */
export function normalizeStats(input: NormalizeInput): NormalizeStats {
  const { values } = input;
  checkFloats('values', values, values instanceof Float32Array ? values.length : 0);
  if (values.length === 0) throw new KernelInputError({ field: 'values', reason: 'is empty' });
  if (input.mask !== undefined) checkFlags('mask', input.mask, values.length);
  const epsilon = input.epsilon ?? 1e-8;
  checkNumber('epsilon', epsilon, 0, Number.MAX_VALUE);
  const unbiased = input.unbiased ?? true;
  const mask = input.mask === undefined ? undefined : toBytes(input.mask, values.length);
  // Separate loops with and without a mask (the same additions in the same order): a mask test
  // per entry costs up to 1.7× on random masks.
  const length = values.length;
  let count = 0;
  let sum = 0;
  if (mask === undefined) {
    count = length;
    for (let i = 0; i < length; i++) sum += values[i] as number;
  } else {
    // Branch-free (random masks mispredict): the mask is 0 or 1 and every value is finite, so
    // m·x is x or ±0, and adding ±0 leaves a sum that starts at +0 unchanged.
    for (let i = 0; i < length; i++) {
      const m = mask[i] as number;
      count += m;
      sum += m * (values[i] as number);
    }
  }
  if (count === 0) throw new KernelInputError({ field: 'mask', reason: 'selects no entries' });
  const mean = sum / count;
  let squares = 0;
  if (mask === undefined) {
    for (let i = 0; i < length; i++) {
      const d = (values[i] as number) - mean;
      squares += d * d;
    }
  } else {
    for (let i = 0; i < length; i++) {
      const d = (values[i] as number) - mean;
      squares += (mask[i] as number) * (d * d);
    }
  }
  const divisor = unbiased ? count - 1 : count;
  const std = divisor > 0 ? Math.sqrt(squares / divisor) : 0;
  return { values, mask, mean: f(mean), denominator: f(std + epsilon) };
}

/** x' = f32(f32(x − mean) / denominator) at valid positions, 0 elsewhere. */
export function normalizeRange(
  stats: NormalizeStats,
  from: number,
  to: number,
  out: Float32Array,
): void {
  const { values, mask, mean, denominator } = stats;
  if (denominator === 0) {
    out.fill(0, from, to);
  } else if (mask === undefined) {
    for (let i = from; i < to; i++) out[i] = f(f((values[i] as number) - mean) / denominator);
  } else {
    for (let i = from; i < to; i++) {
      const x = f(f((values[i] as number) - mean) / denominator);
      out[i] = mask[i] === 1 ? x : 0;
    }
  }
}

/** Validated SPA-rewards input. @internal */
export interface PreparedSpa {
  readonly layout: ResolvedLayout;
  readonly contributions: Float32Array;
  readonly grounded: Uint8Array;
  readonly alpha: number;
  /** f32(β·groundedValue), f32(β·ungroundedValue). */
  readonly groundedTerm: number;
  readonly ungroundedTerm: number;
  readonly lastAlwaysGrounded: boolean;
  readonly placement:
    | { readonly layout: ResolvedLayout; readonly positions: Int32Array | Uint32Array }
    | undefined;
}

/** Validates a {@link SpaRewardsInput}. */
export function prepareSpa(input: SpaRewardsInput): PreparedSpa {
  const layout = resolveLayout(input.layout);
  checkFloats('contributions', input.contributions, layout.size);
  checkFlags('grounded', input.grounded, layout.size);
  const alpha = input.alpha ?? 1;
  const beta = input.beta ?? 0.5;
  const groundedValue = input.groundedValue ?? 1;
  const ungroundedValue = input.ungroundedValue ?? 0;
  for (const [name, value] of [
    ['alpha', alpha],
    ['beta', beta],
    ['groundedValue', groundedValue],
    ['ungroundedValue', ungroundedValue],
  ] as const) {
    checkNumber(name, value, -Number.MAX_VALUE, Number.MAX_VALUE);
  }
  const lastStep = input.lastStep ?? 'always-grounded';
  if (lastStep !== 'always-grounded' && lastStep !== 'as-recorded') {
    throw new KernelInputError({
      field: 'lastStep',
      reason: `expected "always-grounded" or "as-recorded", got ${JSON.stringify(lastStep)}`,
    });
  }
  let placement: PreparedSpa['placement'];
  if (input.placement !== undefined) {
    const tokens = resolveLayout(input.placement.layout, 'placement.layout');
    if (tokens.numRows !== layout.numRows) {
      throw new KernelInputError({
        field: 'placement.layout',
        reason: `has ${tokens.numRows} rows, the steps have ${layout.numRows}`,
      });
    }
    const { positions } = input.placement;
    if (
      !(positions instanceof Int32Array || positions instanceof Uint32Array) ||
      positions.length !== layout.size
    ) {
      throw new KernelInputError({
        field: 'placement.positions',
        reason: `expected an Int32Array or Uint32Array with one entry per step (${layout.size})`,
      });
    }
    for (let row = 0; row < layout.numRows; row++) {
      const length = (tokens.bounds[row + 1] as number) - (tokens.bounds[row] as number);
      for (let k = layout.bounds[row] as number; k < (layout.bounds[row + 1] as number); k++) {
        const position = positions[k] as number;
        if (!Number.isInteger(position) || position < 0 || position >= length) {
          throw new KernelInputError({
            field: `placement.positions[${k}]`,
            reason: `expected a position in [0, ${length}) of row ${row}, got ${position}`,
          });
        }
      }
    }
    placement = { layout: tokens, positions };
  }
  return {
    layout,
    contributions: input.contributions,
    grounded: toBytes(input.grounded, layout.size),
    alpha: f(alpha),
    groundedTerm: f(f(beta) * f(groundedValue)),
    ungroundedTerm: f(f(beta) * f(ungroundedValue)),
    lastAlwaysGrounded: lastStep === 'always-grounded',
    placement,
  };
}

/** r = f32(f32(α·c) + g-term); placed at its position when a placement is given (later steps win). */
export function spaRows(
  prepared: PreparedSpa,
  fromRow: number,
  toRow: number,
  out: Float32Array,
): void {
  const {
    layout,
    contributions,
    grounded,
    alpha,
    groundedTerm,
    ungroundedTerm,
    lastAlwaysGrounded,
    placement,
  } = prepared;
  const bounds = layout.bounds;
  // Every step but a row's last in one loop per case (no per-step test of the placement or of
  // the last step), then the last step: the same values, written in the same order.
  for (let row = fromRow; row < toRow; row++) {
    const start = bounds[row] as number;
    const last = (bounds[row + 1] as number) - 1;
    if (last < start) continue;
    if (placement === undefined) {
      for (let k = start; k < last; k++) {
        out[k] = f(
          f(alpha * (contributions[k] as number)) +
            (grounded[k] === 1 ? groundedTerm : ungroundedTerm),
        );
      }
    } else {
      const base = placement.layout.bounds[row] as number;
      const positions = placement.positions;
      for (let k = start; k < last; k++) {
        out[base + (positions[k] as number)] = f(
          f(alpha * (contributions[k] as number)) +
            (grounded[k] === 1 ? groundedTerm : ungroundedTerm),
        );
      }
    }
    const isGrounded = lastAlwaysGrounded || grounded[last] === 1;
    const reward = f(
      f(alpha * (contributions[last] as number)) + (isGrounded ? groundedTerm : ungroundedTerm),
    );
    const at =
      placement === undefined
        ? last
        : (placement.layout.bounds[row] as number) + (placement.positions[last] as number);
    out[at] = reward;
  }
}

/** Output size of a prepared SPA-rewards call. @internal */
export function spaOutputSize(prepared: PreparedSpa): number {
  return prepared.placement === undefined ? prepared.layout.size : prepared.placement.layout.size;
}

/**
 * The reference backend: plain JavaScript with f32 rounding after every operation
 * (`Math.fround`) and a fixed operation order, O(elements) per kernel. See the README's numerics
 * contract. Always available; priority 1.
 */
export function jsBackend(): KernelBackend {
  return {
    name: 'js',
    priority: 1,
    isAvailable: async () => true,
    kernels: {
      async gae(input) {
        const prepared = prepareGae(input, { deferValueChecks: true });
        const size = prepared.layout.size;
        checkGaeOut(input.out, size);
        const out = input.out ?? {
          advantages: new Float32Array(size),
          returns: new Float32Array(size),
        };
        const { layout, mask } = prepared;
        // The skip-mask recursion runs one row at a time: no pairs, so no row order.
        const order = mask === undefined ? longestFirst(layout) : undefined;
        const clean = gaeRows(prepared, 0, layout.numRows, out, order);
        if (!clean && prepared.deferred) checkGaeValues(input);
        return out;
      },
      async discountedReturns(input) {
        const prepared = prepareReturns(input);
        const out = new Float32Array(prepared.layout.size);
        const { layout } = prepared;
        returnRows(prepared, 0, layout.numRows, out, longestFirst(layout));
        return out;
      },
      async normalizeAdvantages(input) {
        const stats = normalizeStats(input);
        const out = new Float32Array(stats.values.length);
        normalizeRange(stats, 0, out.length, out);
        return out;
      },
      async spaRewards(input) {
        const prepared = prepareSpa(input);
        const out = new Float32Array(spaOutputSize(prepared));
        spaRows(prepared, 0, prepared.layout.numRows, out);
        return out;
      },
    },
  };
}
