/**
 * WebGPU benchmark (`npm run bench:gpu` in this package; meant for a machine with a GPU):
 * step-level GAE through `webgpuBackend()` against `js` on the same seeded data, at the CPU
 * benchmark's shapes plus 8192×2048. Writes `bench/gpu-results.json` and `bench/gpu-results.md`.
 *
 * Per shape: ms per call (median, as `run.ts`), M elements/s and GB/s (16 bytes per element);
 * `webgpu` calls include the uploads and downloads gpu.js does on every call. Checks: the largest
 * |A_webgpu − A_js| and the largest distance in f32 ulps, which is the tolerance to record for
 * the conformance suite. Crossover: the smallest shape at which `webgpu` is faster than `js`.
 *
 * Bandwidth reference: `normalizeAdvantages` on 2^24 elements through the same backend (read one
 * f32, write one f32: 8 bytes per element), i.e. what gpu.js's path (transfers included) moves at
 * best. The card's device-to-device copy rate needs a kernel that keeps its data on the GPU, which
 * the backends do not have; the issue's "≥ 50 % of the copy bandwidth" is therefore reported
 * against this reference, and labelled as such.
 *
 * Tolerance sweep: every kernel on inputs sampled (seeded) from the conformance suite's
 * generators (dense and ragged layouts, masks in both modes, placements), largest ulps distance
 * from `js` per kernel: the number to record as the conformance tolerance.
 *
 * Thresholds: `calibrateThresholds` (the function users run) for every kernel, 1 Ki … 16 Mi
 * elements (to 256 Ki on a software adapter): the sizes from which `webgpu` beats `js`.
 *
 * It records the adapter (`adapterInfo()`); on a software (fallback) adapter the timings are CPU
 * timings and say so. Without a WebGPU adapter it records why and exits 0 (so it can run
 * anywhere). `SPA_BENCH_OUT` names another folder for the result files.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import { CALIBRATION_SIZES, calibrateThresholds } from '../src/calibrate';
import { webgpuBackend } from '../src/gpu/index';
import { jsBackend } from '../src/js';
import { gaeCase, normalizeCase, returnsCase, spaCase } from '../src/testing/cases';
import { ulpDistance } from '../src/testing/ulps';
import type { GaeOutput, KernelTable } from '../src/types';
import {
  BYTES_PER_ELEMENT,
  SHAPES as CPU_SHAPES,
  makeData,
  maxAbsDiff,
  measure,
  round,
} from './common';

const here = process.env.SPA_BENCH_OUT ?? dirname(fileURLToPath(import.meta.url));
const SWEEP_RUNS = 40;
const SWEEP_SEED = 20261124;
const SHAPES: readonly (readonly [number, number])[] = [...CPU_SHAPES, [8192, 2048]];
const COPY_ELEMENTS = 2 ** 24;
const COPY_BYTES_PER_ELEMENT = 8;

/** Largest ulps distance between two f32 arrays (equal values, NaN included, count 0). */
function sweepUlps(expected: Float32Array, actual: Float32Array): number {
  if (expected.length !== actual.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = expected[i] as number;
    const b = actual[i] as number;
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    max = Math.max(max, ulpDistance(a, b));
  }
  return max;
}

/** Per kernel: the largest ulps distance from js over SWEEP_RUNS sampled conformance inputs. */
async function toleranceSweep(kernels: Partial<KernelTable>): Promise<Record<string, number>> {
  const js = jsBackend().kernels;
  const sample = <T>(arbitrary: fc.Arbitrary<T>) =>
    fc.sample(arbitrary, { numRuns: SWEEP_RUNS, seed: SWEEP_SEED });
  const result: Record<string, number> = {
    gae: 0,
    discountedReturns: 0,
    normalizeAdvantages: 0,
    spaRewards: 0,
  };
  const note = (kernel: string, ulps: number) => {
    result[kernel] = Math.max(result[kernel] as number, ulps);
  };
  for (const input of sample(gaeCase)) {
    const a = (await js.gae?.(input)) as GaeOutput;
    const b = (await kernels.gae?.(input)) as GaeOutput;
    note('gae', Math.max(sweepUlps(a.advantages, b.advantages), sweepUlps(a.returns, b.returns)));
  }
  for (const input of sample(returnsCase)) {
    const a = (await js.discountedReturns?.(input)) as Float32Array;
    note(
      'discountedReturns',
      sweepUlps(a, (await kernels.discountedReturns?.(input)) as Float32Array),
    );
  }
  for (const input of sample(normalizeCase)) {
    const a = (await js.normalizeAdvantages?.(input)) as Float32Array;
    note(
      'normalizeAdvantages',
      sweepUlps(a, (await kernels.normalizeAdvantages?.(input)) as Float32Array),
    );
  }
  for (const input of sample(spaCase)) {
    const a = (await js.spaRewards?.(input)) as Float32Array;
    note('spaRewards', sweepUlps(a, (await kernels.spaRewards?.(input)) as Float32Array));
  }
  return result;
}

const results: Record<string, number | string> = {};
const lines: string[] = ['# @spa/kernels WebGPU benchmark', ''];
const js = jsBackend().kernels;
const backend = webgpuBackend();
const available = await backend.isAvailable();
results.webgpu_available = available ? 1 : 0;

if (!available) {
  const reason = backend.unavailableReason() ?? 'unknown';
  results.webgpu_unavailable_reason = reason;
  lines.push(`**WebGPU is not available here**: ${reason}`, '');
  lines.push('Nothing was measured. Run `npm run bench:gpu` on a machine with a GPU.');
} else {
  const adapter = backend.adapterInfo();
  results.webgpu_adapter = adapter
    ? [adapter.vendor, adapter.architecture, adapter.device, adapter.description]
        .filter((part) => part !== '')
        .join(' / ')
    : 'unknown';
  results.webgpu_fallback_adapter = adapter?.isFallbackAdapter ? 1 : 0;
  lines.push(`Adapter: ${results.webgpu_adapter}.`, '');
  if (adapter?.isFallbackAdapter) {
    lines.push(
      '**This is a software (fallback) adapter, not a GPU**: the values check the WebGPU code path; the timings are CPU timings and say nothing about GPUs.',
      '',
    );
  }
  const sweep = await toleranceSweep(backend.kernels);
  lines.push(
    `Tolerance sweep (${SWEEP_RUNS} inputs per kernel from the conformance generators, seed ${SWEEP_SEED}), largest distance from \`js\` in f32 ulps:`,
    '',
    '| kernel | max ulps |',
    '| --- | ---: |',
  );
  for (const [kernel, ulps] of Object.entries(sweep)) {
    results[`sweep_max_ulps_${kernel}`] = ulps;
    lines.push(`| ${kernel} | ${ulps} |`);
  }
  lines.push('');
  console.error('tolerance sweep: done');
  lines.push(
    '| shape | `js` (out) ms | `webgpu` ms | `webgpu` M elements/s | `webgpu` GB/s | webgpu vs js | max abs diff | max ulps |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  let crossover: string | undefined;
  for (const [index, [numRows, numSteps]] of SHAPES.entries()) {
    const key = `${numRows}x${numSteps}`;
    const data = makeData(numRows, numSteps, 1000 + index);
    const out: GaeOutput = {
      advantages: new Float32Array(data.size),
      returns: new Float32Array(data.size),
    };
    const reference = await js.gae?.({ ...data.input, out });
    const jsTiming = await measure(() => js.gae?.({ ...data.input, out }));
    const gpu = (await backend.kernels.gae?.(data.input)) as GaeOutput;
    const gpuTiming = await measure(() => backend.kernels.gae?.(data.input));
    const advantages = (reference as GaeOutput).advantages;
    const diff = maxAbsDiff(advantages, gpu.advantages);
    const ulps = sweepUlps(advantages, gpu.advantages);
    const melem = data.size / gpuTiming.ms / 1000;
    const gbs = (data.size * BYTES_PER_ELEMENT) / gpuTiming.ms / 1e6;
    results[`gae_js_out_${key}_ms`] = round(jsTiming.ms, 4);
    results[`gae_webgpu_${key}_ms`] = round(gpuTiming.ms, 4);
    results[`gae_webgpu_${key}_melem_per_s`] = round(melem, 1);
    results[`gae_webgpu_${key}_gb_per_s`] = round(gbs, 3);
    results[`speedup_webgpu_vs_js_${key}`] = round(jsTiming.ms / gpuTiming.ms, 2);
    results[`max_abs_diff_webgpu_vs_js_${key}`] = diff;
    results[`max_ulps_webgpu_vs_js_${key}`] = ulps;
    if (crossover === undefined && gpuTiming.ms < jsTiming.ms) crossover = key;
    lines.push(
      `| ${key} | ${jsTiming.ms.toFixed(3)} | ${gpuTiming.ms.toFixed(3)} | ${melem.toFixed(1)} | ${gbs.toFixed(2)} | ${(jsTiming.ms / gpuTiming.ms).toFixed(2)}× | ${diff.toExponential(2)} | ${ulps} |`,
    );
    console.error(`${key}: done`);
  }
  results.crossover_shape = crossover ?? 'none';

  const values = makeData(1, COPY_ELEMENTS, 7).rewards;
  await backend.kernels.normalizeAdvantages?.({ values });
  const copy = await measure(() => backend.kernels.normalizeAdvantages?.({ values }));
  const copyGbs = (COPY_ELEMENTS * COPY_BYTES_PER_ELEMENT) / copy.ms / 1e6;
  results.webgpu_elementwise_gb_per_s = round(copyGbs, 3);
  const gaeGbs = results.gae_webgpu_8192x2048_gb_per_s as number;
  results.gae_8192x2048_vs_elementwise = round(gaeGbs / copyGbs, 3);
  lines.push(
    '',
    `Crossover (first shape where \`webgpu\` beats \`js\`, transfers included): ${crossover ?? 'none of the shapes'}.`,
    '',
    `Bandwidth reference: \`normalizeAdvantages\` on ${COPY_ELEMENTS} elements through the same backend moves ${copyGbs.toFixed(2)} GB/s (8 B per element, transfers included). GAE at 8192×2048: ${gaeGbs.toFixed(2)} GB/s, ${(100 * (gaeGbs / copyGbs)).toFixed(1)} % of it (goal ≥ 50 % of the card's copy bandwidth; see the header of \`bench/gpu.ts\` for why this reference is used).`,
  );

  // Thresholds per kernel, as a user would measure them (`calibrateThresholds`); a software
  // adapter runs at CPU speed, so it stops at 2^18 elements there.
  const maxSize = adapter?.isFallbackAdapter ? 2 ** 18 : 2 ** 24;
  const sizes = [...CALIBRATION_SIZES, 2 ** 24].filter((size) => size <= maxSize);
  const calibration = await calibrateThresholds(backend, {
    sizes,
    onMeasurement: (m) =>
      console.error(`calibrate ${m.kernel} ${m.elements}: ${m.speedup.toFixed(2)}× js`),
  });
  lines.push(
    '',
    `Measured thresholds: \`calibrateThresholds(webgpuBackend())\` against \`js\` at ${sizes.map((size) => size.toLocaleString('en-US')).join(', ')} elements (rows of 512, transfers and output allocation included, median of 5 interleaved rounds). A threshold is the \`minElements\` to pass to the runner with \`enable: ['webgpu']\`: the smallest size from which \`webgpu\` stayed faster at every larger size.`,
    '',
    '| kernel | threshold (elements) | speed vs `js` by size |',
    '| --- | ---: | --- |',
  );
  for (const [kernel, threshold] of Object.entries(calibration.minElements)) {
    results[`threshold_webgpu_${kernel}`] = Number.isFinite(threshold) ? threshold : 'never';
    const speeds = calibration.measurements
      .filter((m) => m.kernel === kernel)
      .map((m) => {
        results[`threshold_speedup_webgpu_${kernel}_${m.elements}`] = round(m.speedup, 2);
        return `${m.elements.toLocaleString('en-US')}: ${m.error === undefined ? `${m.speedup.toFixed(2)}×` : `failed (${m.error})`}`;
      });
    lines.push(
      `| ${kernel} | ${Number.isFinite(threshold) ? threshold.toLocaleString('en-US') : 'never'} | ${speeds.join(', ')} |`,
    );
  }
  await backend.dispose();
}

results.node = process.version;
results.cpus = cpus().length;
results.date = new Date().toISOString();
lines.push('', `Node ${process.version}, ${cpus().length} CPUs, ${results.date}.`, '');
mkdirSync(here, { recursive: true });
writeFileSync(join(here, 'gpu-results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(here, 'gpu-results.md'), lines.join('\n'));
console.log(lines.join('\n'));
// Dawn's Node binding keeps the process alive while its GPU instance is reachable (the
// `navigator.gpu` the backend installed, gpu.js's cached device), even after `dispose()`: checked
// on llvmpipe, where the process exited only after destroying the device, deleting
// `navigator` and a forced GC. The results are written, so end the process here.
process.exit(0);
