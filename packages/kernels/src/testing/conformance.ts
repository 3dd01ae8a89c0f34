import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../js';
import type { KernelBackend, KernelName, Layout } from '../types';
import { gaeCase, normalizeCase, returnsCase, spaCase } from './cases';
import { ulpDistance } from './ulps';

export { ulpDistance };

/** Options of {@link runKernelConformance}. */
export interface KernelConformanceOptions {
  /**
   * `'exact'` (default): every element equals `jsBackend()`'s bit for bit (`Object.is`, so
   * −0 ≠ +0). `{ ulps }`: within that many units in the last place (f32) per element.
   */
  readonly tolerance?: 'exact' | { readonly ulps: number };
  /** fast-check runs per kernel. Default 25. */
  readonly runs?: number;
  /** fast-check seed, to replay a failure. */
  readonly seed?: number;
  /** Per-test timeout in ms. Default 60 000. */
  readonly timeout?: number;
  /** Added to the suite's name, to tell apart two configurations of one backend. */
  readonly label?: string;
}

/** Where two outputs first differ, or undefined when they agree under the tolerance. */
export function firstDifference(
  expected: Float32Array,
  actual: Float32Array,
  tolerance: KernelConformanceOptions['tolerance'] = 'exact',
): { index: number; expected: number; actual: number } | undefined {
  if (expected.length !== actual.length) {
    return { index: Math.min(expected.length, actual.length), expected: NaN, actual: NaN };
  }
  for (let index = 0; index < expected.length; index++) {
    const a = expected[index] as number;
    const b = actual[index] as number;
    const equal = tolerance === 'exact' ? Object.is(a, b) : ulpDistance(a, b) <= tolerance.ulps;
    if (!equal) return { index, expected: a, actual: b };
  }
  return undefined;
}

function describeInput(input: { layout?: Layout } & Record<string, unknown>): string {
  const layout = input.layout;
  const shape =
    layout === undefined
      ? `values[${(input.values as Float32Array).length}]`
      : 'numRows' in layout
        ? `dense ${layout.numRows}×${layout.numSteps}`
        : `ragged offsets [${Array.from(layout.offsets as ArrayLike<number>).join(', ')}]`;
  const scalars = Object.entries(input)
    .filter(([, value]) => typeof value === 'number' || typeof value === 'string')
    .map(([key, value]) => `${key}=${String(value)}`);
  return [shape, ...scalars].join(', ');
}

function expectSame(
  label: string,
  expected: Float32Array,
  actual: Float32Array,
  tolerance: KernelConformanceOptions['tolerance'],
  input: { layout?: Layout } & Record<string, unknown>,
): void {
  expect(actual, `${label}: not a Float32Array`).toBeInstanceOf(Float32Array);
  const difference = firstDifference(expected, actual, tolerance);
  if (difference !== undefined) {
    expect.fail(
      `${label} differs from js at index ${difference.index}: expected ${Object.is(difference.expected, -0) ? '-0' : difference.expected}, got ${Object.is(difference.actual, -0) ? '-0' : difference.actual} (lengths ${expected.length}/${actual.length}; ${describeInput(input)})`,
    );
  }
}

/**
 * The shared kernel conformance suite (tfjs's `describeWithFlags` idea): for every kernel the
 * backend implements, random inputs (fast-check: dense and ragged layouts with 1–40 rows and
 * 0–300 steps per row, random dones, masks and bootstrap values, γ and λ in [0, 1], both GAE mask
 * modes, SPA placements) must give `jsBackend()`'s output, bit for bit (default) or within a
 * number of ULPs. Call it at the top level of a vitest test file.
 *
 * @example
 * ```ts
 * import { runKernelConformance } from '@spa/kernels/testing';
 * import { webasmBackend } from '@spa/kernels/gpu';
 *
 * runKernelConformance(() => webasmBackend());
 * ```
 */
export function runKernelConformance(
  makeBackend: () => KernelBackend,
  options: KernelConformanceOptions = {},
): void {
  const tolerance = options.tolerance ?? 'exact';
  const runs = options.runs ?? 25;
  const timeout = options.timeout ?? 60_000;
  const backend = makeBackend();
  const reference = jsBackend();
  const parameters = {
    numRuns: runs,
    endOnFailure: true,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  const tolerated = tolerance === 'exact' ? 'bit for bit' : `within ${tolerance.ulps} ulps`;

  const name = options.label === undefined ? backend.name : `${backend.name} (${options.label})`;
  describe(`kernel conformance: ${name} vs js (${tolerated})`, () => {
    afterAll(async () => {
      await backend.dispose?.();
    });

    it('is available', async () => {
      const available = await backend.isAvailable();
      expect(available, backend.unavailableReason?.() ?? 'isAvailable() resolved false').toBe(true);
    });

    const test = (kernel: KernelName, body: () => Promise<void>) => {
      if (backend.kernels[kernel] === undefined) it.skip(`${kernel} (not implemented)`, () => {});
      else it(`${kernel} equals js ${tolerated}`, body, timeout);
    };

    test('gae', async () => {
      await fc.assert(
        fc.asyncProperty(gaeCase, async (input) => {
          const expected = await reference.kernels.gae?.(input);
          const actual = await backend.kernels.gae?.(input);
          if (expected === undefined || actual === undefined) throw new Error('gae missing');
          const context = input as unknown as Record<string, unknown>;
          expectSame('gae.advantages', expected.advantages, actual.advantages, tolerance, context);
          expectSame('gae.returns', expected.returns, actual.returns, tolerance, context);
        }),
        parameters,
      );
    });

    test('discountedReturns', async () => {
      await fc.assert(
        fc.asyncProperty(returnsCase, async (input) => {
          const expected = await reference.kernels.discountedReturns?.(input);
          const actual = await backend.kernels.discountedReturns?.(input);
          if (expected === undefined || actual === undefined) throw new Error('missing');
          expectSame('discountedReturns', expected, actual, tolerance, { ...input });
        }),
        parameters,
      );
    });

    test('normalizeAdvantages', async () => {
      await fc.assert(
        fc.asyncProperty(normalizeCase, async (input) => {
          const expected = await reference.kernels.normalizeAdvantages?.(input);
          const actual = await backend.kernels.normalizeAdvantages?.(input);
          if (expected === undefined || actual === undefined) throw new Error('missing');
          expectSame('normalizeAdvantages', expected, actual, tolerance, { ...input });
        }),
        parameters,
      );
    });

    test('spaRewards', async () => {
      await fc.assert(
        fc.asyncProperty(spaCase, async (input) => {
          const expected = await reference.kernels.spaRewards?.(input);
          const actual = await backend.kernels.spaRewards?.(input);
          if (expected === undefined || actual === undefined) throw new Error('missing');
          expectSame('spaRewards', expected, actual, tolerance, { ...input });
        }),
        parameters,
      );
    });
  });
}
