/**
 * The conformance suite's random inputs (fast-check arbitraries), without vitest, so that
 * benchmarks can sample them too (`fc.sample`).
 *
 * @internal
 */
import * as fc from 'fast-check';
import type {
  DiscountedReturnsInput,
  GaeInput,
  Layout,
  NormalizeInput,
  SpaRewardsInput,
} from '../types';
import { mulberry32 } from './random';

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

export const gaeCase: fc.Arbitrary<GaeInput> = fc
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

export const returnsCase: fc.Arbitrary<DiscountedReturnsInput> = fc
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

export const normalizeCase: fc.Arbitrary<NormalizeInput> = fc
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

export const spaCase: fc.Arbitrary<SpaRewardsInput> = fc
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
