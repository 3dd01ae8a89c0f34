/**
 * Helpers shared by the kernel benchmarks (`run.ts`: CPU implementations; `gpu.ts`: webgpu):
 * the seeded data, the timing loop and the comparisons.
 */
import { mulberry32 } from '../src/testing/random';
import type { GaeInput } from '../src/types';

/** The shapes (rows × steps) both benchmarks time; the GPU one adds 8192×2048. */
export const SHAPES: readonly (readonly [number, number])[] = [
  [64, 512],
  [512, 512],
  [512, 2048],
  [4096, 512],
  [4096, 2048],
];
export const GAMMA = 0.99;
export const LAMBDA = 0.95;
export const DONE_RATE = 0.05;
/** Throughput model: read r, V, done, write A (peers.md §3.3). */
export const BYTES_PER_ELEMENT = 16;

export interface BenchData {
  readonly numRows: number;
  readonly numSteps: number;
  readonly size: number;
  readonly rewards: Float32Array;
  readonly values: Float32Array;
  readonly dones: Uint8Array;
  readonly bootstrap: Float32Array;
  readonly input: GaeInput;
}

/** `size` positions drawn from `random`: r and V uniform in [−1, 1), dones at `DONE_RATE`. */
export function randomSteps(
  size: number,
  random: () => number,
): { rewards: Float32Array; values: Float32Array; dones: Uint8Array } {
  const rewards = new Float32Array(size);
  const values = new Float32Array(size);
  const dones = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    rewards[i] = random() * 2 - 1;
    values[i] = random() * 2 - 1;
    dones[i] = random() < DONE_RATE ? 1 : 0;
  }
  return { rewards, values, dones };
}

export function makeData(numRows: number, numSteps: number, seed: number): BenchData {
  const size = numRows * numSteps;
  const random = mulberry32(seed);
  const { rewards, values, dones } = randomSteps(size, random);
  const bootstrap = new Float32Array(numRows);
  for (let row = 0; row < numRows; row++) bootstrap[row] = random() * 2 - 1;
  return {
    numRows,
    numSteps,
    size,
    rewards,
    values,
    dones,
    bootstrap,
    input: {
      layout: { numRows, numSteps },
      rewards,
      values,
      dones,
      bootstrapValues: bootstrap,
      gamma: GAMMA,
      lambda: LAMBDA,
    },
  };
}

export interface Timing {
  readonly ms: number;
  readonly reps: number;
}

/**
 * Warm-up (≥ 3 calls and ≥ 150 ms), then the median of ≥ 7 calls / ≥ 400 ms (at most 200); a
 * backend slower than 0.5 s per call gets 1 warm-up call and 3 timed ones.
 */
export async function measure(fn: () => unknown): Promise<Timing> {
  let warmStart = performance.now();
  await fn();
  const slow = performance.now() - warmStart > 500;
  const minWarmup = slow ? 1 : 3;
  const minSamples = slow ? 3 : 7;
  for (let i = 1; i < minWarmup || performance.now() - warmStart < 150; i++) await fn();
  warmStart = performance.now();
  const samples: number[] = [];
  while (
    samples.length < 200 &&
    (samples.length < minSamples || performance.now() - warmStart < 400)
  ) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const middle = samples.length >> 1;
  const ms =
    samples.length % 2 === 1
      ? (samples[middle] as number)
      : ((samples[middle - 1] as number) + (samples[middle] as number)) / 2;
  return { ms, reps: samples.length };
}

/**
 * Times every candidate in turn, `rounds` times over, and returns each one's median (of the
 * per-round {@link measure} medians) and its total number of timed calls. This VM's speed drifts
 * over seconds; taking turns spreads that drift over all candidates alike.
 */
export async function interleavedMedians(
  candidates: readonly { readonly run: () => unknown }[],
  rounds: number,
): Promise<Timing[]> {
  const samples = candidates.map(() => [] as number[]);
  const reps = candidates.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [i, candidate] of candidates.entries()) {
      const timing = await measure(candidate.run);
      samples[i]?.push(timing.ms);
      reps[i] = (reps[i] as number) + timing.reps;
    }
  }
  return candidates.map((_, i) => {
    const sorted = [...(samples[i] as number[])].sort((a, b) => a - b);
    return { ms: sorted[sorted.length >> 1] as number, reps: reps[i] as number };
  });
}

export function bitIdentical(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (d > max || Number.isNaN(d)) max = d;
  }
  return max;
}

export function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
