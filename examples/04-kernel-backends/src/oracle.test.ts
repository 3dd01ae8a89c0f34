/**
 * The numerics contract's second row: the `js` backend (f32 per operation) agrees with
 * `@spa/core`'s float64 oracle within 1e-6·max(1, T) relative (absolute below magnitude 1), on
 * random shapes, seeds and parameters (fast-check). Lives here because `@spa/kernels` may not
 * depend on `@spa/core` (architecture §1).
 */
import { computeGae, computeSpaRewards, discountedReturns, normalizeAdvantages } from '@spa/core';
import { jsBackend } from '@spa/kernels';
import fc from 'fast-check';
import { describe, it } from 'vitest';

const js = jsBackend().kernels;

interface Batch {
  numRows: number;
  numSteps: number;
  rewards: Float32Array;
  values: Float32Array;
  bootstrap: Float32Array;
  dones: Uint8Array;
  mask: Uint8Array;
  gamma: number;
  lambda: number;
}

const batch = fc
  .record({
    numRows: fc.integer({ min: 1, max: 8 }),
    numSteps: fc.integer({ min: 1, max: 200 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    gamma: fc.double({ min: 0, max: 1, noNaN: true }),
    lambda: fc.double({ min: 0, max: 1, noNaN: true }),
    doneRate: fc.constantFrom(0, 0.05, 0.3),
    maskRate: fc.constantFrom(1, 0.7, 0.3),
  })
  .map(({ numRows, numSteps, seed, gamma, lambda, doneRate, maskRate }): Batch => {
    let state = seed || 1;
    const rand = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const size = numRows * numSteps;
    return {
      numRows,
      numSteps,
      rewards: Float32Array.from({ length: size }, () => rand() * 2 - 1),
      values: Float32Array.from({ length: size }, () => rand() * 4 - 2),
      bootstrap: Float32Array.from({ length: numRows }, () => rand()),
      dones: Uint8Array.from({ length: size }, () => (rand() < doneRate ? 1 : 0)),
      mask: Uint8Array.from({ length: size }, () => (rand() < maskRate ? 1 : 0)),
      gamma,
      lambda,
    };
  });

function expectClose(
  actual: Float32Array,
  expected: ArrayLike<number>,
  numSteps: number,
  what: string,
) {
  const tolerance = 1e-6 * Math.max(1, numSteps);
  for (let i = 0; i < actual.length; i++) {
    const want = expected[i] as number;
    const error = Math.abs((actual[i] as number) - want) / Math.max(1, Math.abs(want));
    if (error > tolerance) {
      throw new Error(
        `${what}[${i}]: ${actual[i]} vs ${want} (relative error ${error} > ${tolerance})`,
      );
    }
  }
}

describe('js kernels vs the @spa/core float64 oracle (numerics contract)', () => {
  it('gae, both mask modes and without a mask', async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.constantFrom('none', 'skip', 'zero'), async (b, mode) => {
        const layout = { numRows: b.numRows, numSteps: b.numSteps };
        const masking = mode === 'none' ? {} : { mask: b.mask, maskMode: mode as 'skip' | 'zero' };
        const ours = await js.gae?.({
          layout,
          rewards: b.rewards,
          values: b.values,
          bootstrapValues: b.bootstrap,
          dones: b.dones,
          gamma: b.gamma,
          lambda: b.lambda,
          ...masking,
        });
        const oracle = computeGae({
          ...layout,
          rewards: b.rewards,
          values: b.values,
          bootstrapValues: b.bootstrap,
          dones: b.dones,
          gamma: b.gamma,
          lambda: b.lambda,
          ...masking,
        });
        if (ours === undefined) throw new Error('no gae');
        expectClose(ours.advantages, oracle.advantages, b.numSteps, 'advantages');
        expectClose(ours.returns, oracle.returns, b.numSteps, 'returns');
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('discountedReturns', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (b) => {
        const layout = { numRows: b.numRows, numSteps: b.numSteps };
        const ours = await js.discountedReturns?.({
          layout,
          rewards: b.rewards,
          dones: b.dones,
          bootstrapValues: b.bootstrap,
          gamma: b.gamma,
        });
        const oracle = discountedReturns({
          ...layout,
          rewards: b.rewards,
          dones: b.dones,
          bootstrapValues: b.bootstrap,
          gamma: b.gamma,
        });
        expectClose(ours as Float32Array, oracle, b.numSteps, 'returns');
      }),
      { numRuns: 100, seed: 43 },
    );
  });

  it('normalizeAdvantages (masked)', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (b) => {
        if (!b.mask.includes(1)) return;
        const ours = await js.normalizeAdvantages?.({ values: b.values, mask: b.mask });
        const oracle = normalizeAdvantages({ values: b.values, mask: b.mask });
        expectClose(ours as Float32Array, oracle, 1, 'normalized');
      }),
      { numRuns: 100, seed: 44 },
    );
  });

  it('spaRewards row by row', async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.double({ min: -2, max: 2, noNaN: true }), async (b, alpha) => {
        const layout = { numRows: b.numRows, numSteps: b.numSteps };
        const ours = await js.spaRewards?.({
          layout,
          contributions: b.rewards,
          grounded: b.mask,
          alpha,
          beta: 0.5,
        });
        for (let row = 0; row < b.numRows; row++) {
          const from = row * b.numSteps;
          const oracle = computeSpaRewards({
            contributions: Array.from(b.rewards.subarray(from, from + b.numSteps)),
            grounded: Array.from(b.mask.subarray(from, from + b.numSteps), (g) => g === 1),
            alpha,
            beta: 0.5,
          });
          expectClose(
            (ours as Float32Array).subarray(from, from + b.numSteps),
            oracle,
            1,
            `row ${row}`,
          );
        }
      }),
      { numRuns: 100, seed: 45 },
    );
  });
});
