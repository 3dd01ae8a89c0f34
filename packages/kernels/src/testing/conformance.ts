import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../js';
import type {
  DiscountedReturnsInput,
  GaeInput,
  KernelBackend,
  KernelName,
  Layout,
  NormalizeInput,
  SpaRewardsInput,
} from '../types';
import { mulberry32 } from './random';

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

const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/** f32 bits mapped to a monotone integer line (−0 and +0 both map to 0). */
function orderedBits(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0] as number;
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** Distance between two f32 values in units in the last place (NaN: Infinity). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.POSITIVE_INFINITY;
  return Math.abs(orderedBits(a) - orderedBits(b));
}

const random = mulberry32;

/** Floats in [−scale, scale], with some exact zeros (±0), integers and tiny values mixed in. */
function floats(length: number, next: () => number, scale = 10): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const kind = next();
    const x = (next() * 2 - 1) * scale;
    out[i] =
      kind < 0.03 ? 0 : kind < 0.05 ? -0 : kind < 0.1 ? Math.round(x) : kind < 0.12 ? x * 1e-6 : x;
  }
  return out;
}

function flags(length: number, next: () => number, probability: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next() < probability ? 1 : 0;
  return out;
}

/** A layout as generated: its row lengths and whether to present it dense. */
interface LayoutCase {
  readonly layout: Layout;
  readonly lengths: readonly number[];
}

const denseLayout: fc.Arbitrary<LayoutCase> = fc
  .record({ numRows: fc.integer({ min: 1, max: 40 }), numSteps: fc.integer({ min: 1, max: 300 }) })
  .map(({ numRows, numSteps }) => ({
    layout: { numRows, numSteps },
    lengths: Array.from({ length: numRows }, () => numSteps),
  }));

const raggedLayout: fc.Arbitrary<LayoutCase> = fc
  .array(
    fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(0), fc.integer({ min: 1, max: 8 })),
    {
      minLength: 1,
      maxLength: 40,
    },
  )
  .chain((lengths) =>
    fc.constantFrom<'array' | 'int32' | 'uint32'>('array', 'int32', 'uint32').map((kind) => {
      const offsets = [0];
      for (const length of lengths) offsets.push((offsets[offsets.length - 1] as number) + length);
      const typed =
        kind === 'array'
          ? offsets
          : kind === 'int32'
            ? Int32Array.from(offsets)
            : Uint32Array.from(offsets);
      return { layout: { offsets: typed }, lengths };
    }),
  );

const layoutCase = fc.oneof(denseLayout, raggedLayout);
const unit = fc.oneof(
  fc.constantFrom(0, 1, 0.5, 0.99, 0.95),
  fc.double({ min: 0, max: 1, noNaN: true }),
);
const seed = fc.integer({ min: 0, max: 0x7fffffff });
const flagKind = fc.constantFrom<'uint8' | 'float32'>('uint8', 'float32');

const asFlags = (values: Uint8Array, kind: 'uint8' | 'float32') =>
  kind === 'uint8' ? values : Float32Array.from(values);

const size = (lengths: readonly number[]) => lengths.reduce((sum, length) => sum + length, 0);

const gaeCase: fc.Arbitrary<GaeInput> = fc
  .record({
    layout: layoutCase,
    seed,
    gamma: unit,
    lambda: unit,
    bootstrap: fc.boolean(),
    doneRate: fc.constantFrom(0, 0.02, 0.2, 1),
    mask: fc.constantFrom<'none' | 'skip' | 'zero' | 'default'>('none', 'skip', 'zero', 'default'),
    maskRate: fc.constantFrom(0, 0.3, 0.8, 1),
    flagKind,
  })
  .map(({ layout, seed: s, gamma, lambda, bootstrap, doneRate, mask, maskRate, flagKind: k }) => {
    const next = random(s);
    const n = size(layout.lengths);
    const input: GaeInput = {
      layout: layout.layout,
      rewards: floats(n, next),
      values: floats(n, next),
      dones: asFlags(flags(n, next, doneRate), k),
      gamma,
      lambda,
      ...(bootstrap ? { bootstrapValues: floats(layout.lengths.length, next) } : {}),
      ...(mask === 'none' ? {} : { mask: asFlags(flags(n, next, maskRate), k) }),
      ...(mask === 'skip' || mask === 'zero' ? { maskMode: mask } : {}),
    };
    return input;
  });

const returnsCase: fc.Arbitrary<DiscountedReturnsInput> = fc
  .record({
    layout: layoutCase,
    seed,
    gamma: unit,
    bootstrap: fc.boolean(),
    doneRate: fc.constantFrom(0, 0.02, 0.2),
    dones: fc.boolean(),
  })
  .map(({ layout, seed: s, gamma, bootstrap, doneRate, dones }) => {
    const next = random(s);
    const n = size(layout.lengths);
    return {
      layout: layout.layout,
      rewards: floats(n, next),
      gamma,
      ...(dones ? { dones: flags(n, next, doneRate) } : {}),
      ...(bootstrap ? { bootstrapValues: floats(layout.lengths.length, next) } : {}),
    };
  });

const normalizeCase: fc.Arbitrary<NormalizeInput> = fc
  .record({
    length: fc.oneof(fc.integer({ min: 1, max: 12_000 }), fc.integer({ min: 1, max: 4 })),
    seed,
    mask: fc.constantFrom(0, 0.3, 1),
    constant: fc.boolean(),
    epsilon: fc.constantFrom<number | undefined>(undefined, 0, 1e-5),
    unbiased: fc.constantFrom<boolean | undefined>(undefined, true, false),
  })
  .map(({ length, seed: s, mask, constant, epsilon, unbiased }) => {
    const next = random(s);
    const values = constant
      ? new Float32Array(length).fill(Math.fround(next()))
      : floats(length, next);
    const maskFlags = flags(length, next, mask);
    maskFlags[Math.floor(next() * length)] = 1;
    return {
      values,
      ...(mask === 0 ? {} : { mask: maskFlags }),
      ...(epsilon === undefined ? {} : { epsilon }),
      ...(unbiased === undefined ? {} : { unbiased }),
    };
  });

const coefficient = fc.oneof(
  fc.constantFrom<number | undefined>(undefined, 0, 1, 0.5, -1),
  fc.double({ min: -4, max: 4, noNaN: true }),
);

const spaCase: fc.Arbitrary<SpaRewardsInput> = fc
  .record({
    layout: layoutCase,
    seed,
    alpha: coefficient,
    beta: coefficient,
    groundedValue: coefficient,
    ungroundedValue: coefficient,
    lastStep: fc.constantFrom<'always-grounded' | 'as-recorded' | undefined>(
      undefined,
      'always-grounded',
      'as-recorded',
    ),
    placement: fc.boolean(),
    flagKind,
  })
  .map(({ layout, seed: s, placement, flagKind: k, lastStep, ...coefficients }) => {
    const next = random(s);
    const n = size(layout.lengths);
    const input: SpaRewardsInput = {
      layout: layout.layout,
      contributions: floats(n, next),
      grounded: asFlags(flags(n, next, 0.6), k),
      ...(lastStep === undefined ? {} : { lastStep }),
    };
    const extra: Record<string, number> = {};
    for (const [name, value] of Object.entries(coefficients)) {
      if (value !== undefined) extra[name] = value;
    }
    if (!placement) return { ...input, ...extra };
    // Token rows at least as long as their step rows; positions may repeat (later steps win).
    const tokenLengths = layout.lengths.map((length) =>
      length === 0 ? Math.floor(next() * 3) : length + Math.floor(next() * 2 * length),
    );
    const offsets = [0];
    for (const length of tokenLengths)
      offsets.push((offsets[offsets.length - 1] as number) + length);
    const positions = new Int32Array(n);
    let k2 = 0;
    layout.lengths.forEach((length, row) => {
      for (let step = 0; step < length; step++) {
        positions[k2++] = Math.floor(next() * (tokenLengths[row] as number));
      }
    });
    return { ...input, ...extra, placement: { layout: { offsets }, positions } };
  });

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
