import { describe, expect, it } from 'vitest';
import { jsBackend } from '../js';
import { createKernelRunner } from '../runner';
import { firstDifference, runKernelConformance } from '../testing';
import { webasmBackend } from './index';
import { checkPositionSplits, checkRowSplits, randomFloats } from './launch-cases';

runKernelConformance(() => webasmBackend(), { runs: 20 });

describe('webasmBackend', () => {
  it('equals js on a large input (2000×512), threaded', async () => {
    const backend = webasmBackend();
    const numRows = 2000;
    const numSteps = 512;
    const n = numRows * numSteps;
    const dones = new Uint8Array(n);
    for (let i = 97; i < n; i += 211) dones[i] = 1;
    const input = {
      layout: { numRows, numSteps },
      rewards: randomFloats(n, 1),
      values: randomFloats(n, 2),
      dones,
      bootstrapValues: randomFloats(numRows, 3),
      gamma: 0.99,
      lambda: 0.95,
    };
    const expected = await jsBackend().kernels.gae?.(input);
    const actual = await backend.kernels.gae?.(input);
    expect(
      firstDifference(expected?.advantages as Float32Array, actual?.advantages as Float32Array),
    ).toBeUndefined();
    expect(
      firstDifference(expected?.returns as Float32Array, actual?.returns as Float32Array),
    ).toBeUndefined();
    expect(backend.stats().threadedRuns).toBeGreaterThan(0);
    await backend.dispose();
  }, 30_000);

  it('splits inputs over maxPositionsPerLaunch into row groups (same bits, masks and ragged rows too)', async () => {
    const backend = webasmBackend({ threads: 1, maxPositionsPerLaunch: 150 });
    await checkPositionSplits(backend);
    expect(() => webasmBackend({ maxPositionsPerLaunch: 2 ** 23 })).toThrow(
      /maxPositionsPerLaunch: expected an integer in \[1, 8388607\]/,
    );
    await backend.dispose();
  }, 30_000);

  it('also limits the rows of a launch (a quarter of maxPositionsPerLaunch)', async () => {
    const backend = webasmBackend({ threads: 1, maxPositionsPerLaunch: 40 });
    await checkRowSplits(backend);
    await backend.dispose();
  });

  it('handles ragged layouts with empty rows (and all-empty ones)', async () => {
    const backend = webasmBackend({ threads: 1 });
    const offsets = [0, 0, 3, 3, 200, 200, 201];
    const n = 201;
    const input = {
      layout: { offsets },
      rewards: randomFloats(n, 4),
      dones: new Uint8Array(n),
      bootstrapValues: randomFloats(6, 5),
      gamma: 0.9,
    };
    const expected = await jsBackend().kernels.discountedReturns?.(input);
    const actual = await backend.kernels.discountedReturns?.(input);
    expect(firstDifference(expected as Float32Array, actual as Float32Array)).toBeUndefined();
    const empty = await backend.kernels.gae?.({
      layout: { offsets: [0, 0, 0] },
      rewards: new Float32Array(0),
      values: new Float32Array(0),
      gamma: 0.9,
      lambda: 0.9,
    });
    expect(empty?.advantages).toEqual(new Float32Array(0));
    await backend.dispose();
  });

  it('caches compiled kernels: a repeated call compiles nothing', async () => {
    const backend = webasmBackend({ threads: 1 });
    const input = {
      layout: { numRows: 4, numSteps: 100 },
      rewards: randomFloats(400, 6),
      dones: new Uint8Array(400),
      gamma: 0.99,
    };
    await backend.kernels.discountedReturns?.(input);
    const first = backend.stats();
    expect(first.compiles).toBeGreaterThan(0);
    await backend.kernels.discountedReturns?.({ ...input, rewards: randomFloats(400, 7) });
    expect(backend.stats()).toMatchObject({ kernels: first.kernels, compiles: first.compiles });
    expect(backend.stats().launches).toBe(2 * first.launches);
    await backend.dispose();
  });

  it('validates like js and runs in the runner when preferred', async () => {
    const backend = webasmBackend({ threads: 1 });
    await expect(
      backend.kernels.gae?.({
        layout: { numRows: 1, numSteps: 2 },
        rewards: new Float32Array(3),
        values: new Float32Array(2),
        gamma: 0.5,
        lambda: 0.5,
      }),
    ).rejects.toMatchObject({ field: 'rewards' });
    const runner = createKernelRunner({ backends: [jsBackend(), backend], prefer: 'webasm' });
    const result = await runner.spaRewards({
      layout: { numRows: 1, numSteps: 3 },
      contributions: Float32Array.of(0.1, 0.2, 0.3),
      grounded: Uint8Array.of(1, 0, 0),
    });
    expect(runner.backendFor('spaRewards')).toBe('webasm');
    expect(result).toEqual(Float32Array.of(0.6, 0.2, 0.8).map(Math.fround));
    await runner.dispose();
  });

  it('reports a missing gpu.js instead of throwing, and disposes cleanly', async () => {
    const missing = webasmBackend({
      importGpuJs: () =>
        Promise.reject(
          Object.assign(new Error("Cannot find package 'gpu.js'"), {
            code: 'ERR_MODULE_NOT_FOUND',
          }),
        ),
    });
    await expect(missing.isAvailable()).resolves.toBe(false);
    expect(missing.unavailableReason?.()).toBe(
      'gpu.js is not installed (npm install gpu.js@2.24.1)',
    );
    await expect(
      missing.kernels.normalizeAdvantages?.({ values: Float32Array.of(1, 2) }),
    ).rejects.toThrow(/not installed/);
    await missing.dispose?.();

    const backend = webasmBackend({ threads: 1 });
    await backend.kernels.normalizeAdvantages?.({ values: Float32Array.of(1, 2, 3) });
    expect(backend.stats().kernels).toBe(1);
    await backend.dispose();
    expect(backend.stats()).toEqual({ kernels: 0, compiles: 0, threadedRuns: 0, launches: 0 });
    // Usable again after dispose (a fresh gpu.js instance).
    const again = await backend.kernels.normalizeAdvantages?.({ values: Float32Array.of(1, 2, 3) });
    expect(again).toEqual(
      await jsBackend().kernels.normalizeAdvantages?.({ values: Float32Array.of(1, 2, 3) }),
    );
    await backend.dispose();
  });
});
