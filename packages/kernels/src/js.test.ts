import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KernelInputError } from './errors';
import { jsBackend } from './js';
import { resolveLayout } from './layout';
import { longestFirst } from './order';
import { normalizeCase, spaCase } from './testing/cases';
import type { GaeInput } from './types';

const js = jsBackend().kernels;
const f32 = (values: number[]) => Float32Array.from(values);
const bits = (array: Float32Array) =>
  Array.from(new Uint32Array(array.buffer, array.byteOffset, array.length));

async function gae(input: GaeInput) {
  if (js.gae === undefined) throw new Error('no gae');
  return js.gae(input);
}

describe('js backend: gae', () => {
  it('matches the worked example (core computeGae docs) in f32', async () => {
    const { advantages, returns } = await gae({
      layout: { numRows: 1, numSteps: 3 },
      rewards: f32([0, 0, 1]),
      values: f32([0.5, 0.6, 0.7]),
      dones: Uint8Array.from([0, 0, 1]),
      gamma: 0.9,
      lambda: 0.8,
    });
    // f32 arithmetic: within an ulp or two of the f64 values.
    for (const [t, expected] of [0.21712, 0.246, 0.3].entries())
      expect(advantages[t]).toBeCloseTo(expected, 6);
    expect(returns[2]).toBe(Math.fround(Math.fround(0.3) + Math.fround(0.7)));
  });

  it('applies the f32 operation order of the contract (bit-level check on one step)', async () => {
    const r = Math.fround(0.1);
    const v = Math.fround(0.3);
    const boot = Math.fround(0.7);
    const g = Math.fround(0.99);
    const { advantages } = await gae({
      layout: { numRows: 1, numSteps: 1 },
      rewards: f32([r]),
      values: f32([v]),
      bootstrapValues: f32([boot]),
      gamma: 0.99,
      lambda: 0.95,
    });
    const f = Math.fround;
    expect(advantages[0]).toBe(f(f(r + f(f(g * boot) * 1)) - v));
  });

  it('dense and ragged layouts agree bit for bit; empty ragged rows are fine', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (numRows, numSteps, seed) => {
          let state = seed;
          const rand = () => {
            state = (state * 1103515245 + 12345) & 0x7fffffff;
            return state / 0x7fffffff;
          };
          const size = numRows * numSteps;
          const rewards = Float32Array.from({ length: size }, () => rand() * 2 - 1);
          const values = Float32Array.from({ length: size }, () => rand());
          const dones = Uint8Array.from({ length: size }, () => (rand() < 0.1 ? 1 : 0));
          const base = { rewards, values, dones, gamma: 0.97, lambda: 0.9 };
          const dense = await gae({ ...base, layout: { numRows, numSteps } });
          const offsets = Int32Array.from({ length: numRows + 1 }, (_, row) => row * numSteps);
          const ragged = await gae({ ...base, layout: { offsets } });
          expect(bits(ragged.advantages)).toEqual(bits(dense.advantages));
          expect(bits(ragged.returns)).toEqual(bits(dense.returns));
        },
      ),
      { numRuns: 50, seed: 7 },
    );
    const withEmpty = await gae({
      layout: { offsets: [0, 2, 2, 3] },
      rewards: f32([1, 0, 1]),
      values: f32([0, 0, 0]),
      gamma: 0.5,
      lambda: 1,
    });
    expect(Array.from(withEmpty.advantages)).toEqual([1, 0, 1]);
  });

  it('an all-ones mask changes nothing in either mode; skip makes masked positions transparent', async () => {
    const base = {
      layout: { numRows: 2, numSteps: 4 },
      rewards: f32([0.1, 0.2, 0.3, 0.4, 1, 0, 0, 1]),
      values: f32([0.5, 0.4, 0.3, 0.2, 0.1, 0.2, 0.3, 0.4]),
      dones: Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0]),
      gamma: 0.9,
      lambda: 0.8,
    };
    const plain = await gae(base);
    const ones = new Uint8Array(8).fill(1);
    expect(bits((await gae({ ...base, mask: ones })).advantages)).toEqual(bits(plain.advantages));
    expect(bits((await gae({ ...base, mask: ones, maskMode: 'zero' })).advantages)).toEqual(
      bits(plain.advantages),
    );
    // skip: row [a, x, b, c] with x masked equals row [a, b, c] without it, and x gets 0.
    const masked = await gae({
      layout: { numRows: 1, numSteps: 4 },
      rewards: f32([0.1, 9, 0.3, 0.4]),
      values: f32([0.5, 9, 0.3, 0.2]),
      mask: Uint8Array.from([1, 0, 1, 1]),
      gamma: 0.9,
      lambda: 0.8,
    });
    const short = await gae({
      layout: { numRows: 1, numSteps: 3 },
      rewards: f32([0.1, 0.3, 0.4]),
      values: f32([0.5, 0.3, 0.2]),
      gamma: 0.9,
      lambda: 0.8,
    });
    expect(Array.from(masked.advantages)).toEqual([
      short.advantages[0],
      0,
      short.advantages[1],
      short.advantages[2],
    ]);
  });

  it('λ = 0 gives TD errors; λ = 1 gives discounted returns minus values (within f32)', async () => {
    const base = {
      layout: { numRows: 1, numSteps: 5 },
      rewards: f32([0.1, 0.2, 0, 0.5, 1]),
      values: f32([0.3, 0.1, 0.2, 0.6, 0.4]),
      gamma: 0.9,
    };
    const td = await gae({ ...base, lambda: 0 });
    for (let t = 0; t < 5; t++) {
      const next = t === 4 ? 0 : (base.values[t + 1] as number);
      expect(td.advantages[t]).toBeCloseTo(
        (base.rewards[t] as number) + 0.9 * next - (base.values[t] as number),
        6,
      );
    }
    const mc = await gae({ ...base, lambda: 1 });
    const returns = await js.discountedReturns?.({
      layout: base.layout,
      rewards: base.rewards,
      gamma: 0.9,
    });
    for (let t = 0; t < 5; t++) {
      expect(mc.advantages[t]).toBeCloseTo(
        (returns?.[t] as number) - (base.values[t] as number),
        5,
      );
    }
  });

  it('rejects bad inputs naming the field', async () => {
    const ok = {
      layout: { numRows: 1, numSteps: 2 },
      rewards: f32([0, 1]),
      values: f32([0, 0]),
      gamma: 0.9,
      lambda: 0.9,
    };
    await expect(gae({ ...ok, rewards: f32([0]) })).rejects.toThrow(
      /rewards: expected 2 entries, got 1/,
    );
    await expect(gae({ ...ok, values: f32([0, Number.NaN]) })).rejects.toThrow(/values\[1\]/);
    await expect(gae({ ...ok, dones: Uint8Array.from([0, 2]) })).rejects.toThrow(
      /dones\[1\]: expected 0 or 1/,
    );
    await expect(gae({ ...ok, gamma: 1.5 })).rejects.toThrow(
      /gamma: expected a number in \[0, 1\]/,
    );
    await expect(gae({ ...ok, layout: { numRows: 0, numSteps: 2 } })).rejects.toThrow(
      /layout\.numRows/,
    );
    await expect(gae({ ...ok, layout: { offsets: [0, 3, 2] } })).rejects.toThrow(
      /layout\.offsets\[2\]/,
    );
    await expect(gae({ ...ok, maskMode: 'drop' as never })).rejects.toThrow(/maskMode/);
    await expect(gae({ ...ok, rewards: [0, 1] as never })).rejects.toSatisfy((error) =>
      KernelInputError.isInstance(error),
    );
  });
});

describe('js backend: gae, two rows per loop and checks inside the kernel', () => {
  const f = Math.fround;
  /** The one-row recursion of the contract, written out independently of the kernel. */
  function oneRow(r: Float32Array, v: Float32Array, d: Uint8Array, boot: number, gl: number) {
    const g = f(0.97);
    const A = new Float32Array(r.length);
    let nextValue = boot;
    let nextAdvantage = 0;
    for (let t = r.length - 1; t >= 0; t--) {
      const nt = 1 - (d[t] as number);
      const delta = f(f((r[t] as number) + f(f(g * nextValue) * nt)) - (v[t] as number));
      nextAdvantage = f(delta + f(f(gl * nt) * nextAdvantage));
      nextValue = v[t] as number;
      A[t] = nextAdvantage;
    }
    return A;
  }

  /** G_t = f32(r_t + f32(f32(γ·G_{t+1})·nt)), one row, written out independently of the kernel. */
  function oneRowReturns(r: Float32Array, d: Uint8Array, boot: number) {
    const g = f(0.97);
    const G = new Float32Array(r.length);
    let next = boot;
    for (let t = r.length - 1; t >= 0; t--) {
      next = f((r[t] as number) + f(f(g * next) * (1 - (d[t] as number))));
      G[t] = next;
    }
    return G;
  }

  // Up to 40 positions: the rows keep their order. Up to 600: most layouts average at least
  // SORT_FROM_MEAN_LENGTH positions, so the rows run longest first (counted below).
  for (const [longest, seed] of [
    [40, 11],
    [600, 12],
  ] as const) {
    it(`ragged rows of 0–${longest} positions (odd counts, empty rows) equal the one-row recursions, GAE and returns`, async () => {
      let sorted = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: longest }), { minLength: 1, maxLength: 9 }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          async (lengths, dataSeed) => {
            let state = dataSeed;
            const rand = () => {
              state = (state * 1103515245 + 12345) & 0x7fffffff;
              return state / 0x7fffffff;
            };
            const offsets = [0];
            for (const length of lengths) offsets.push((offsets.at(-1) as number) + length);
            if (longestFirst(resolveLayout({ offsets })) !== undefined) sorted++;
            const size = offsets.at(-1) as number;
            const rewards = Float32Array.from({ length: size }, () => rand() * 2 - 1);
            const values = Float32Array.from({ length: size }, () => rand() * 2 - 1);
            const dones = Uint8Array.from({ length: size }, () => (rand() < 0.1 ? 1 : 0));
            const boot = Float32Array.from(lengths, () => rand());
            const { advantages, returns } = await gae({
              layout: { offsets },
              rewards,
              values,
              dones,
              bootstrapValues: boot,
              gamma: 0.97,
              lambda: 0.9,
            });
            const discounted = (await js.discountedReturns?.({
              layout: { offsets },
              rewards,
              dones,
              bootstrapValues: boot,
              gamma: 0.97,
            })) as Float32Array;
            const gl = f(f(0.97) * f(0.9));
            for (const [row, length] of lengths.entries()) {
              const from = offsets[row] as number;
              const slice = (a: Float32Array) => a.subarray(from, from + length);
              const rowDones = dones.subarray(from, from + length);
              const expected = oneRow(
                slice(rewards),
                slice(values),
                rowDones,
                boot[row] as number,
                gl,
              );
              expect(bits(slice(advantages))).toEqual(bits(expected));
              for (let k = 0; k < length; k++)
                expect(returns[from + k]).toBe(
                  f((expected[k] as number) + (values[from + k] as number)),
                );
              expect(bits(slice(discounted))).toEqual(
                bits(oneRowReturns(slice(rewards), rowDones, boot[row] as number)),
              );
            }
          },
        ),
        { numRuns: 60, seed },
      );
      if (longest === 40) expect(sorted).toBe(0);
      else expect(sorted).toBeGreaterThan(20);
    });
  }

  it('names a bad entry found by the kernel anywhere in a large input', async () => {
    const numRows = 5;
    const numSteps = 300;
    const size = numRows * numSteps;
    const base = {
      layout: { numRows, numSteps },
      rewards: new Float32Array(size).fill(0.5),
      values: new Float32Array(size).fill(0.25),
      gamma: 0.99,
      lambda: 0.95,
    };
    for (const index of [0, 299, 300, 1234, size - 1]) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const rewards = base.rewards.slice();
        rewards[index] = bad;
        await expect(gae({ ...base, rewards })).rejects.toThrow(`rewards[${index}]`);
        const values = base.values.slice();
        values[index] = bad;
        await expect(gae({ ...base, values })).rejects.toThrow(`values[${index}]`);
      }
      const dones = new Uint8Array(size);
      dones[index] = 3;
      await expect(gae({ ...base, dones })).rejects.toThrow(
        `dones[${index}]: expected 0 or 1, got 3`,
      );
    }
    const bootstrapValues = new Float32Array(numRows);
    bootstrapValues[4] = Number.NaN;
    await expect(gae({ ...base, bootstrapValues })).rejects.toThrow('bootstrapValues[4]');
    // An empty ragged row never reads its bootstrap value; it is checked anyway.
    await expect(
      gae({ ...base, layout: { offsets: [0, size, size] }, bootstrapValues: f32([0, Number.NaN]) }),
    ).rejects.toThrow('bootstrapValues[1]');
  });

  it('returns an f32 overflow of finite inputs as computed (Infinity), without an error', async () => {
    const { advantages } = await gae({
      layout: { numRows: 1, numSteps: 2 },
      rewards: f32([0, 3e38]),
      values: f32([0, -3e38]),
      gamma: 0.99,
      lambda: 0.95,
    });
    expect(advantages[1]).toBe(Number.POSITIVE_INFINITY);
    expect(advantages[0]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('js backend: discountedReturns, normalizeAdvantages, spaRewards', () => {
  it('discounted returns with dones and bootstrap', async () => {
    const out = await js.discountedReturns?.({
      layout: { numRows: 2, numSteps: 3 },
      rewards: f32([0, 0, 1, 1, 1, 1]),
      dones: Uint8Array.from([0, 0, 1, 0, 1, 0]),
      bootstrapValues: f32([5, 2]),
      gamma: 0.9,
    });
    for (const [t, expected] of [0.81, 0.9, 1, 1.9, 1, 2.8].entries())
      expect(out?.[t]).toBeCloseTo(expected, 6);
  });

  it('normalizes valid entries (unbiased std + ε) and zeroes masked ones', async () => {
    const out = await js.normalizeAdvantages?.({
      values: f32([1, 2, 3, 100]),
      mask: Uint8Array.from([1, 1, 1, 0]),
    });
    expect(Array.from(out ?? []).map((x) => Number(x.toFixed(5)))).toEqual([-1, 0, 1, 0]);
    await expect(
      js.normalizeAdvantages?.({ values: f32([1]), mask: Uint8Array.from([0]) }) ??
        Promise.resolve(),
    ).rejects.toThrow(/mask: selects no entries/);
  });

  it('SPA rewards r = α·c + β·g, last step grounded, and token placement', async () => {
    const dense = await js.spaRewards?.({
      layout: { numRows: 1, numSteps: 3 },
      contributions: f32([0.1, 0.2, 0.7]),
      grounded: Uint8Array.from([1, 0, 0]),
    });
    expect(Array.from(dense ?? [])).toEqual([0.6, 0.2, 1.2].map(Math.fround));
    const placed = await js.spaRewards?.({
      layout: { offsets: [0, 2, 3] },
      contributions: f32([0.5, 0.5, 1]),
      grounded: Uint8Array.from([1, 1, 1]),
      beta: 0,
      placement: { layout: { offsets: [0, 4, 6] }, positions: Int32Array.from([1, 3, 1]) },
    });
    expect(Array.from(placed ?? [])).toEqual([0, 0.5, 0, 0.5, 0, 1]);
    await expect(
      js.spaRewards?.({
        layout: { numRows: 1, numSteps: 1 },
        contributions: f32([1]),
        grounded: Uint8Array.from([1]),
        placement: { layout: { numRows: 1, numSteps: 2 }, positions: Int32Array.from([2]) },
      }) ?? Promise.resolve(),
    ).rejects.toThrow(/placement\.positions\[0\]/);
  });
});

describe('js backend: normalizeAdvantages and spaRewards against one-entry-at-a-time loops', () => {
  const f = Math.fround;
  const flag = (flags: Uint8Array | Float32Array | undefined, i: number) =>
    flags === undefined || flags[i] === 1;
  const sameBits = (actual: Float32Array, expected: Float32Array) => {
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      if (!Object.is(actual[i], expected[i])) {
        expect({ index: i, value: actual[i] }).toEqual({ index: i, value: expected[i] });
      }
    }
  };

  it('normalizeAdvantages: masked f64 sums in index order, one test per entry, bit for bit', async () => {
    await fc.assert(
      fc.asyncProperty(normalizeCase, async (input) => {
        const { values, mask } = input;
        let count = 0;
        let sum = 0;
        for (let i = 0; i < values.length; i++) {
          if (!flag(mask, i)) continue;
          count++;
          sum += values[i] as number;
        }
        const mean = sum / count;
        let squares = 0;
        for (let i = 0; i < values.length; i++) {
          if (!flag(mask, i)) continue;
          const d = (values[i] as number) - mean;
          squares += d * d;
        }
        const divisor = (input.unbiased ?? true) ? count - 1 : count;
        const denominator = f(
          (divisor > 0 ? Math.sqrt(squares / divisor) : 0) + (input.epsilon ?? 1e-8),
        );
        const expected = values.map((x, i) =>
          !flag(mask, i) || denominator === 0 ? 0 : f(f(x - f(mean)) / denominator),
        );
        sameBits((await js.normalizeAdvantages?.(input)) as Float32Array, expected);
      }),
      { seed: 41, numRuns: 150 },
    );
  });

  it('spaRewards: one step at a time in step order (later steps win a shared position), bit for bit', async () => {
    await fc.assert(
      fc.asyncProperty(spaCase, async (input) => {
        const steps = resolveLayout(input.layout);
        const tokens =
          input.placement === undefined ? steps : resolveLayout(input.placement.layout);
        const alpha = f(input.alpha ?? 1);
        const beta = f(input.beta ?? 0.5);
        const groundedTerm = f(beta * f(input.groundedValue ?? 1));
        const ungroundedTerm = f(beta * f(input.ungroundedValue ?? 0));
        const expected = new Float32Array(tokens.size);
        for (let row = 0; row < steps.numRows; row++) {
          const end = steps.bounds[row + 1] as number;
          for (let k = steps.bounds[row] as number; k < end; k++) {
            const isGrounded =
              input.grounded[k] === 1 || (input.lastStep !== 'as-recorded' && k === end - 1);
            const at =
              input.placement === undefined
                ? k
                : (tokens.bounds[row] as number) + (input.placement.positions[k] as number);
            expected[at] = f(
              f(alpha * (input.contributions[k] as number)) +
                (isGrounded ? groundedTerm : ungroundedTerm),
            );
          }
        }
        sameBits((await js.spaRewards?.(input)) as Float32Array, expected);
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});

describe('js backend: output buffers', () => {
  it('writes into caller-provided arrays and checks their size', async () => {
    const out = { advantages: new Float32Array(2), returns: new Float32Array(2) };
    const input = {
      layout: { numRows: 1, numSteps: 2 },
      rewards: Float32Array.from([0, 1]),
      values: Float32Array.from([0, 0]),
      gamma: 0.5,
      lambda: 1,
    };
    const result = await jsBackend().kernels.gae?.({ ...input, out });
    expect(result?.advantages).toBe(out.advantages);
    expect(Array.from(out.advantages)).toEqual([0.5, 1]);
    await expect(
      jsBackend().kernels.gae?.({
        ...input,
        out: { advantages: new Float32Array(1), returns: new Float32Array(2) },
      }) ?? Promise.resolve(),
    ).rejects.toThrow(/out\.advantages/);
  });
});

describe('flag validation', () => {
  it('finds a bad flag in the unaligned head, the word-aligned middle and the tail', async () => {
    const size = 23;
    const backing = new Uint8Array(size + 1);
    const flags = backing.subarray(1); // byteOffset 1: a 3-byte head, 5 words, no tail… then the rest
    for (const position of [0, 2, 9, 21, 22]) {
      flags.fill(0);
      flags[position] = 3;
      await expect(
        jsBackend().kernels.gae?.({
          layout: { numRows: 1, numSteps: size },
          rewards: new Float32Array(size),
          values: new Float32Array(size),
          dones: flags,
          gamma: 0.9,
          lambda: 0.9,
        }) ?? Promise.resolve(),
      ).rejects.toThrow(new RegExp(`dones\\[${position}\\]: expected 0 or 1, got 3`));
    }
  });
});
