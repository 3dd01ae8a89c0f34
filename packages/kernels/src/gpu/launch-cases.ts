/**
 * Cases shared by the gpu.js backends' test files (`webasm` always; `webgpu` on a WebGPU
 * adapter): launch splitting by positions and by rows, masks, ragged and empty rows. Imported by
 * tests only.
 *
 * @internal
 */
import { expect } from 'vitest';
import { jsBackend } from '../js';
import { firstDifference, type KernelConformanceOptions } from '../testing';
import type { DiscountedReturnsInput } from '../types';
import type { GpuJsBackend } from './backend';

/** Seeded floats in [−1, 1) (an LCG; test data only). */
export function randomFloats(length: number, seed: number): Float32Array {
  let state = seed;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

type Tolerance = KernelConformanceOptions['tolerance'];

function expectClose(expected: Float32Array, actual: Float32Array, tolerance: Tolerance): void {
  const difference = firstDifference(expected, actual, tolerance);
  expect(difference, JSON.stringify(difference)).toBeUndefined();
}

/**
 * `backend` must be created with `maxPositionsPerLaunch: 150`. Rows of 0…130 positions run in
 * groups of up to 150 positions (one row of 130 alone), with and without masks, in both mask
 * modes, and for discounted returns.
 */
export async function checkPositionSplits(
  backend: GpuJsBackend,
  tolerance: Tolerance = 'exact',
): Promise<void> {
  const lengths = [40, 60, 0, 50, 130, 7, 90, 0, 33, 120, 1];
  const offsets = [0];
  for (const length of lengths) offsets.push((offsets.at(-1) as number) + length);
  const n = offsets.at(-1) as number;
  const dones = new Uint8Array(n);
  for (let i = 5; i < n; i += 37) dones[i] = 1;
  const mask = new Uint8Array(n).fill(1);
  for (let i = 3; i < n; i += 11) mask[i] = 0;
  const base = {
    layout: { offsets },
    rewards: randomFloats(n, 4),
    values: randomFloats(n, 5),
    dones,
    bootstrapValues: randomFloats(lengths.length, 6),
    gamma: 0.97,
    lambda: 0.9,
  };
  const js = jsBackend().kernels;
  for (const input of [base, { ...base, mask }, { ...base, mask, maskMode: 'zero' as const }]) {
    const expected = await js.gae?.(input);
    const actual = await backend.kernels.gae?.(input);
    expectClose(
      expected?.advantages as Float32Array,
      actual?.advantages as Float32Array,
      tolerance,
    );
    expectClose(expected?.returns as Float32Array, actual?.returns as Float32Array, tolerance);
  }
  const returnsInput: DiscountedReturnsInput = {
    layout: { offsets },
    rewards: base.rewards,
    dones,
    bootstrapValues: base.bootstrapValues,
    gamma: 0.97,
  };
  expectClose(
    (await js.discountedReturns?.(returnsInput)) as Float32Array,
    (await backend.kernels.discountedReturns?.(returnsInput)) as Float32Array,
    tolerance,
  );
}

/**
 * `backend` must be created with `maxPositionsPerLaunch: 40`: at most 10 rows per launch. 100
 * rows of 2 positions (no checkpoints: one launch per group) run as 10 launches, not the 5 that
 * the position limit alone would give.
 */
export async function checkRowSplits(
  backend: GpuJsBackend,
  tolerance: Tolerance = 'exact',
): Promise<void> {
  const numRows = 100;
  const input: DiscountedReturnsInput = {
    layout: { numRows, numSteps: 2 },
    rewards: randomFloats(2 * numRows, 8),
    bootstrapValues: randomFloats(numRows, 9),
    gamma: 0.9,
  };
  const before = backend.stats().launches;
  const actual = await backend.kernels.discountedReturns?.(input);
  expect(backend.stats().launches - before).toBe(10);
  expectClose(
    (await jsBackend().kernels.discountedReturns?.(input)) as Float32Array,
    actual as Float32Array,
    tolerance,
  );
}
