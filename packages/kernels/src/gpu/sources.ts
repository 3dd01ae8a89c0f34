/**
 * gpu.js kernel sources, as strings (not functions) so that no transpiler (tsup, vitest) can
 * rewrite them before gpu.js parses them.
 *
 * @remarks
 * Every f32 operation happens in the order of `src/js.ts` (`gaeRows`, `returnRows`,
 * `normalizeRange`, `spaRows`); WebAssembly computes in f32 natively (no fused multiply-add), so
 * `webasm` is bit-identical to `js`. Indices travel as f32 and are exact below 2^24.
 *
 * The backward recurrences run one thread per output position: a thread starts from a saved
 * recurrence state s, the state after processing position p_s (a row end's state is its
 * bootstrap), and walks down to its own position. Pass 1 ("listed") computes the
 * states at checkpoints every K positions, each from its row end; pass 2 ("dense") computes every
 * position from the nearest checkpoint above it. Both evaluate exactly the sequential
 * recurrence, so the values are those of the plain backward loop. Work per row of length T:
 * about T²/(2K) + T·K/2, i.e. T^1.5 for K = √T.
 *
 * @internal
 */

/** Which position a thread computes: its own index (pass 2) or a listed one (pass 1). */
type Positions = 'dense' | 'listed';

/**
 * Saved states are packed into one array, `STATE_STRIDE[kernel]` numbers per state: the position
 * the state follows, then the recurrence state. Pass 1's cells are packed the same way, two
 * numbers per cell: its position and its row-end state. Packing keeps every kernel within
 * WebGPU's default limit of 8 storage buffers per shader stage (the skip-mask GAE would otherwise
 * bind 10).
 */
export const STATE_STRIDE = { gae: 3, gaeSkip: 4, returns: 2 } as const;

const position = (positions: Positions): string =>
  positions === 'dense' ? 'const t = this.thread.x;' : 'const t = cells[this.thread.x * 2];';

const cellArgument = (positions: Positions): string => (positions === 'dense' ? 'seg' : 'cells');

const segment = (positions: Positions): string =>
  positions === 'dense' ? 'const s = seg[t];' : 'const s = cells[this.thread.x * 2 + 1];';

/**
 * GAE without a skip mask (`'zero'` mode arrives with rewards and values pre-multiplied):
 * returns A_t; the state after position p is (V_p, A_p).
 */
export function gaeSource(positions: Positions): string {
  return `function (rewards, values, dones, ${cellArgument(positions)}, states, gamma, gammaLambda) {
  ${position(positions)}
  ${segment(positions)}
  let nextValue = states[s * ${STATE_STRIDE.gae} + 1];
  let nextAdvantage = states[s * ${STATE_STRIDE.gae} + 2];
  for (let k = states[s * ${STATE_STRIDE.gae}] - 1; k >= t; k = k - 1) {
    const nt = 1.0 - dones[k];
    const delta = (rewards[k] + (gamma * nextValue) * nt) - values[k];
    const advantage = delta + (gammaLambda * nt) * nextAdvantage;
    nextValue = values[k];
    nextAdvantage = advantage;
  }
  return nextAdvantage;
}`;
}

/**
 * GAE with a `'skip'` mask. Pass 2 returns A_t (0 where the mask is 0); pass 1 returns the
 * state after position t: [nextValue, nextAdvantage, linked].
 */
export function gaeSkipSource(positions: Positions): string {
  const early = positions === 'dense' ? 'if (mask[t] != 1) { return 0.0; }' : '';
  const result =
    positions === 'dense' ? 'return nextAdvantage;' : 'return [nextValue, nextAdvantage, linked];';
  return `function (rewards, values, dones, mask, ${cellArgument(positions)}, states, gamma, gammaLambda) {
  ${position(positions)}
  ${early}
  ${segment(positions)}
  let nextValue = states[s * ${STATE_STRIDE.gaeSkip} + 1];
  let nextAdvantage = states[s * ${STATE_STRIDE.gaeSkip} + 2];
  let linked = states[s * ${STATE_STRIDE.gaeSkip} + 3];
  for (let k = states[s * ${STATE_STRIDE.gaeSkip}] - 1; k >= t; k = k - 1) {
    if (dones[k] == 1) {
      linked = 0.0;
    }
    if (mask[k] == 1) {
      const delta = (rewards[k] + (gamma * nextValue) * linked) - values[k];
      const advantage = delta + (gammaLambda * linked) * nextAdvantage;
      nextValue = values[k];
      nextAdvantage = advantage;
      linked = 1.0;
    }
  }
  ${result}
}`;
}

/** Discounted returns: G_t = r_t + (γ·G_{t+1})·nt; the state after position p is G_p. */
export function returnsSource(positions: Positions): string {
  return `function (rewards, dones, ${cellArgument(positions)}, states, gamma) {
  ${position(positions)}
  ${segment(positions)}
  let next = states[s * ${STATE_STRIDE.returns} + 1];
  for (let k = states[s * ${STATE_STRIDE.returns}] - 1; k >= t; k = k - 1) {
    const nt = 1.0 - dones[k];
    next = rewards[k] + (gamma * next) * nt;
  }
  return next;
}`;
}

/** (x − mean) / denominator, everywhere (no mask). */
export const normalizeSource = `function (values, mean, denominator) {
  const i = this.thread.x;
  return (values[i] - mean) / denominator;
}`;

/** (x − mean) / denominator where the mask is 1, 0 elsewhere. */
export const normalizeMaskedSource = `function (values, mask, mean, denominator) {
  const i = this.thread.x;
  if (mask[i] != 1) {
    return 0.0;
  }
  return (values[i] - mean) / denominator;
}`;

/** α·c + (grounded ? groundedTerm : ungroundedTerm); `grounded` already has the forced last steps. */
export const spaSource = `function (contributions, grounded, alpha, groundedTerm, ungroundedTerm) {
  const k = this.thread.x;
  let term = ungroundedTerm;
  if (grounded[k] == 1) {
    term = groundedTerm;
  }
  return alpha * contributions[k] + term;
}`;
