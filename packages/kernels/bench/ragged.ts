/**
 * The ragged-layout part of the kernel benchmark (run by `run.ts`): GAE on packed rows of
 * different lengths, as SPA trajectories are, against the same rows padded to a dense `[N, T]`.
 *
 * Data per case: N rows with lengths uniform in [1, T] (seeded), rewards and values uniform in
 * [−1, 1), 5 % dones, γ = 0.99, λ = 0.95, no mask. Every timed call passes `out` (the caller's
 * output arrays), so the rows compare the kernels, not the allocation of their outputs. Rows:
 * - `js (out)` on the packed rows (rows longest first when they average ≥ SORT_FROM_MEAN_LENGTH
 *   positions), and the same steps with the rows in layout order;
 * - `js (out)`, padded: the same rows padded with zeros to `[N, T]`, what a framework without a
 *   ragged layout computes;
 * - `wasm (out)` on 1 and 2 threads, rows longest first (the default, `sortRows`), and on
 *   1 thread in layout order (`sortRows: false`).
 * Throughput counts the packed positions only (so the padded row shows the cost of padding).
 */
import { gaeRows, jsBackend, prepareGae } from '../src/js';
import { mulberry32 } from '../src/testing/random';
import type { GaeInput, GaeOutput, KernelBackend } from '../src/types';
import { SORT_FROM_MEAN_LENGTH, wasmBackend } from '../src/wasm/index';
import {
  bitIdentical,
  GAMMA,
  interleavedMedians,
  LAMBDA,
  randomSteps,
  round,
  type Timing,
} from './common';

/** Rows × longest row; lengths uniform in [1, T]. The last case's rows are short on average. */
export const RAGGED_CASES: readonly (readonly [number, number])[] = [
  [4096, 512],
  [512, 2048],
  [16384, 64],
];

/** Rounds of timings per case (see `benchRagged`). */
const ROUNDS = 5;

interface RaggedRow {
  readonly id: string;
  readonly label: string;
  readonly ms: number;
  readonly reps: number;
}

/** A ragged case and its zero-padded dense twin. */
function raggedData(numRows: number, longest: number, seed: number) {
  const random = mulberry32(seed);
  const offsets = new Int32Array(numRows + 1);
  for (let row = 0; row < numRows; row++) {
    offsets[row + 1] = (offsets[row] as number) + 1 + Math.floor(random() * longest);
  }
  const size = offsets[numRows] as number;
  const { rewards, values, dones } = randomSteps(size, random);
  const bootstrapValues = Float32Array.from({ length: numRows }, () => random() * 2 - 1);
  const packed: GaeInput = {
    layout: { offsets },
    rewards,
    values,
    dones,
    bootstrapValues,
    gamma: GAMMA,
    lambda: LAMBDA,
  };
  // Padding goes before each row's steps, so every row still ends at its bootstrap value and the
  // padded positions (r = V = 0, no done) leave the real ones unchanged.
  const paddedSize = numRows * longest;
  const padded: GaeInput = {
    layout: { numRows, numSteps: longest },
    rewards: new Float32Array(paddedSize),
    values: new Float32Array(paddedSize),
    dones: new Uint8Array(paddedSize),
    bootstrapValues,
    gamma: GAMMA,
    lambda: LAMBDA,
  };
  for (let row = 0; row < numRows; row++) {
    const start = offsets[row] as number;
    const end = offsets[row + 1] as number;
    const at = row * longest + longest - (end - start);
    (padded.rewards as Float32Array).set(rewards.subarray(start, end), at);
    (padded.values as Float32Array).set(values.subarray(start, end), at);
    (padded.dones as Uint8Array).set(dones.subarray(start, end), at);
  }
  return { size, packed, padded };
}

const outputOf = (size: number): GaeOutput => ({
  advantages: new Float32Array(size),
  returns: new Float32Array(size),
});

/** Runs the ragged cases; fills `results` (flat metrics) and returns the Markdown section. */
export async function benchRagged(
  results: Record<string, number | string>,
  notes: string[],
): Promise<string[]> {
  const js = jsBackend();
  const jsGae = js.kernels.gae as NonNullable<KernelBackend['kernels']['gae']>;
  const lines: string[] = [
    '## Ragged layouts',
    '',
    `Packed rows of lengths uniform in [1, T] (no padding stored or computed), every call with \`out\`. Time: the median over ${ROUNDS} rounds, each timing every implementation in turn (each timing itself a median of several calls). M elements/s counts the packed positions, also for the padded row, which runs the same rows zero-padded to a dense N×T. \`js\` and \`wasm\` run rows longest first when they average ≥ ${SORT_FROM_MEAN_LENGTH} positions (for \`wasm\`: \`sortRows\`, the default); "layout order" is \`sortRows: false\` for \`wasm\`, and for \`js\` the API call's steps (\`prepareGae\`, \`gaeRows\`) without the row order. Every \`wasm\` row is checked bit for bit against \`js\`.`,
    '',
    '| rows × longest | positions | implementation | ms / call | M elements/s | speed vs `js (out)` |',
    '| --- | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const [index, [numRows, longest]] of RAGGED_CASES.entries()) {
    const key = `ragged_${numRows}x${longest}`;
    const { size, packed, padded } = raggedData(numRows, longest, 2000 + index);
    const reference = await jsGae(packed);
    const rows: RaggedRow[] = [];
    const add = (id: string, label: string, timing: { ms: number; reps: number }) => {
      rows.push({ id, label, ...timing });
      results[`gae_${id}_${key}_ms`] = round(timing.ms, 4);
      results[`gae_${id}_${key}_melem_per_s`] = round(size / timing.ms / 1000, 1);
    };
    const out = outputOf(size);
    const paddedOut = outputOf(numRows * longest);
    const candidates: { id: string; label: string; run: () => unknown }[] = [
      { id: 'js_out', label: '`js (out)`', run: () => jsGae({ ...packed, out }) },
      {
        // What the API call runs, with the rows in layout order instead of longestFirst's.
        id: 'js_out_layout_order',
        label: '`js (out)`, layout order',
        run: () => gaeRows(prepareGae(packed, { deferValueChecks: true }), 0, numRows, out),
      },
      {
        id: 'js_out_padded',
        label: '`js (out)`, rows padded to N×T',
        run: () => jsGae({ ...padded, out: paddedOut }),
      },
    ];
    const backends: KernelBackend[] = [];
    try {
      for (const [threads, sortRows] of [
        [1, true],
        [2, true],
        [1, false],
      ] as const) {
        const backend = wasmBackend({ threads, sortRows });
        backends.push(backend);
        const gae = backend.kernels.gae as NonNullable<KernelBackend['kernels']['gae']>;
        const id = `wasm_${threads}t_out${sortRows ? '' : '_layout_order'}`;
        try {
          const result = await gae(packed);
          const identical =
            bitIdentical(result.advantages, reference.advantages) &&
            bitIdentical(result.returns, reference.returns);
          results[`js_${id}_bit_identical_${key}`] = identical ? 1 : 0;
          if (!identical) notes.push(`${key}: ${id} is NOT bit-identical to js.`);
          candidates.push({
            id,
            label: `\`wasm (out)\` ${threads} thread${threads === 1 ? '' : 's'}${sortRows ? '' : ', layout order'}`,
            run: () => gae({ ...packed, out }),
          });
        } catch (error) {
          notes.push(`${key}: ${id} failed: ${error instanceof Error ? error.message : error}`);
        }
      }
      const timings = await interleavedMedians(candidates, ROUNDS);
      for (const [i, candidate] of candidates.entries()) {
        add(candidate.id, candidate.label, timings[i] as Timing);
      }
    } finally {
      for (const backend of backends) await backend.dispose?.();
    }
    const jsMs = rows[0]?.ms as number;
    for (const row of rows) {
      lines.push(
        `| ${numRows} × ${longest} | ${size.toLocaleString('en-US')} | ${row.label} | ${row.ms.toFixed(row.ms < 1 ? 4 : 2)} | ${(size / row.ms / 1000).toFixed(1)} | ${(jsMs / row.ms).toFixed(2)}× |`,
      );
    }
    console.error(`${key}: done`);
  }
  lines.push('');
  return lines;
}
