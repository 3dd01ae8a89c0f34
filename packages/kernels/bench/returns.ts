/**
 * The discounted-returns part of the kernel benchmark (run by `run.ts`):
 * G_t = r_t + γ·G_{t+1}·(1 − done_t), per row, backwards, through the public API.
 *
 * Data per case: the dense shapes of the GAE table and one ragged case (lengths uniform in [1, T]),
 * rewards uniform in [−1, 1), 5 % dones, γ = 0.99, a bootstrap value per row. Rows:
 * - `js`: `jsBackend().kernels.discountedReturns` (checks, allocates its output; two rows per
 *   loop, rows longest first on ragged layouts);
 * - `js one row at a time`: the same f32 recursion written as the plain one-row loop (what the
 *   `js` kernel ran before it took two rows per loop), into a preallocated output;
 * - `wasm` 1 thread: `wasmBackend({ threads: 1 })` (SIMD module; allocates its output).
 * Time: the median over rounds that take turns between the implementations (`interleavedMedians`).
 * Every row is checked bit for bit against `js`.
 */
import { jsBackend } from '../src/js';
import { mulberry32 } from '../src/testing/random';
import type { DiscountedReturnsInput, KernelBackend } from '../src/types';
import { wasmBackend } from '../src/wasm/index';
import {
  bitIdentical,
  GAMMA,
  interleavedMedians,
  randomSteps,
  round,
  SHAPES,
  type Timing,
} from './common';

const ROUNDS = 5;

/** The dense GAE shapes, then one ragged case (rows × longest row). */
const CASES: readonly { readonly numRows: number; readonly numSteps: number; ragged: boolean }[] = [
  ...SHAPES.map(([numRows, numSteps]) => ({ numRows, numSteps, ragged: false })),
  { numRows: 4096, numSteps: 512, ragged: true },
];

function returnsData(numRows: number, numSteps: number, ragged: boolean, seed: number) {
  const random = mulberry32(seed);
  const offsets = new Int32Array(numRows + 1);
  for (let row = 0; row < numRows; row++) {
    const length = ragged ? 1 + Math.floor(random() * numSteps) : numSteps;
    offsets[row + 1] = (offsets[row] as number) + length;
  }
  const size = offsets[numRows] as number;
  const { rewards, dones } = randomSteps(size, random);
  const input: DiscountedReturnsInput = {
    layout: ragged ? { offsets } : { numRows, numSteps },
    rewards,
    dones,
    bootstrapValues: Float32Array.from({ length: numRows }, () => random() * 2 - 1),
    gamma: GAMMA,
  };
  return { size, offsets, input };
}

/** The contract's recursion, one row at a time, into `out`. */
function oneRowReturns(input: DiscountedReturnsInput, offsets: Int32Array, out: Float32Array) {
  const f = Math.fround;
  const { rewards } = input;
  const dones = input.dones as Uint8Array;
  const bootstrap = input.bootstrapValues as Float32Array;
  const gamma = f(input.gamma);
  for (let row = 0; row + 1 < offsets.length; row++) {
    const start = offsets[row] as number;
    let next = bootstrap[row] as number;
    for (let t = (offsets[row + 1] as number) - 1; t >= start; t--) {
      next = f((rewards[t] as number) + f(f(gamma * next) * (1 - (dones[t] as number))));
      out[t] = next;
    }
  }
}

/** Runs the cases; fills `results` (flat metrics) and returns the Markdown section. */
export async function benchReturns(
  results: Record<string, number | string>,
  notes: string[],
): Promise<string[]> {
  const js = jsBackend().kernels.discountedReturns as NonNullable<
    KernelBackend['kernels']['discountedReturns']
  >;
  const lines: string[] = [
    '## Discounted returns',
    '',
    `\`discountedReturns\` through the public API (each call checks its input and allocates its output), γ = ${GAMMA}, 5 % dones. The ragged case has rows of lengths uniform in [1, T]. Time: the median over ${ROUNDS} rounds, each timing every implementation in turn. "one row at a time" is the same f32 recursion as a plain loop over one row, into a preallocated output. Every row is checked bit for bit against \`js\`.`,
    '',
    '| case | positions | implementation | ms / call | M elements/s | speed vs `js` |',
    '| --- | ---: | --- | ---: | ---: | ---: |',
  ];
  const wasm = wasmBackend({ threads: 1 });
  const wasmReturns = wasm.kernels.discountedReturns as NonNullable<
    KernelBackend['kernels']['discountedReturns']
  >;
  try {
    for (const [index, { numRows, numSteps, ragged }] of CASES.entries()) {
      const name = `${numRows}${ragged ? ' × ≤' : '×'}${numSteps}`;
      const key = `${ragged ? 'ragged_' : ''}${numRows}x${numSteps}`;
      const { size, offsets, input } = returnsData(numRows, numSteps, ragged, 3000 + index);
      const reference = await js(input);
      const scratch = new Float32Array(size);
      oneRowReturns(input, offsets, scratch);
      const checks: [string, Float32Array][] = [
        ['one_row', scratch],
        ['wasm_1t', await wasmReturns(input)],
      ];
      for (const [id, output] of checks) {
        const identical = bitIdentical(output, reference);
        results[`returns_js_${id}_bit_identical_${key}`] = identical ? 1 : 0;
        if (!identical) notes.push(`returns ${key}: ${id} is NOT bit-identical to js.`);
      }
      const candidates = [
        { id: 'js', label: '`js`', run: () => js(input) },
        {
          id: 'js_one_row',
          label: '`js`, one row at a time',
          run: () => oneRowReturns(input, offsets, scratch),
        },
        { id: 'wasm_1t', label: '`wasm` 1 thread', run: () => wasmReturns(input) },
      ];
      const timings = await interleavedMedians(candidates, ROUNDS);
      const jsMs = (timings[0] as Timing).ms;
      for (const [i, candidate] of candidates.entries()) {
        const { ms } = timings[i] as Timing;
        results[`returns_${candidate.id}_${key}_ms`] = round(ms, 4);
        results[`returns_${candidate.id}_${key}_melem_per_s`] = round(size / ms / 1000, 1);
        lines.push(
          `| ${name} | ${size.toLocaleString('en-US')} | ${candidate.label} | ${ms.toFixed(ms < 1 ? 4 : 2)} | ${(size / ms / 1000).toFixed(1)} | ${(jsMs / ms).toFixed(2)}× |`,
        );
      }
      console.error(`returns_${key}: done`);
    }
  } finally {
    await wasm.dispose();
  }
  lines.push('');
  return lines;
}
