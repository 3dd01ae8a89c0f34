/**
 * The measured-thresholds part of the kernel benchmark (run by `run.ts`): `calibrateThresholds`,
 * the function users run on their own machine, against `js` for
 * - `wasm` 1 and 2 threads (`wasmBackend`), compared with its default `WASM_MIN_ELEMENTS`;
 * - gpu.js `webasm` 2 threads, up to 2^20 elements (it is slow: see the GAE tables).
 * Each measures every kernel both backends implement, at 1 Ki … 4 Mi elements (rows of 512),
 * 5 interleaved rounds of ≥ 20 ms each, public calls allocating their outputs.
 */
import { CALIBRATION_SIZES, type Calibration, calibrateThresholds } from '../src/calibrate';
import type { KernelBackend, KernelName } from '../src/types';
import { WASM_MIN_ELEMENTS, wasmBackend } from '../src/wasm/index';

const WEBASM_MAX_SIZE = 2 ** 20;

function show(threshold: number | undefined): string {
  if (threshold === undefined) return '–';
  return Number.isFinite(threshold) ? threshold.toLocaleString('en-US') : 'never (∞)';
}

/** Runs the calibrations; fills `results` (flat metrics) and returns the Markdown section. */
export async function benchThresholds(
  results: Record<string, number | string>,
  notes: string[],
  webasm: ((options?: { threads?: number }) => KernelBackend) | undefined,
): Promise<string[]> {
  const lines: string[] = [
    '## Measured thresholds',
    '',
    `\`calibrateThresholds(backend)\` (what a user runs to set a backend's \`minElements\` on their machine) against \`js\`: each kernel both implement, at ${CALIBRATION_SIZES.map((size) => size.toLocaleString('en-US')).join(', ')} elements (rows of 512), the median of 5 interleaved rounds; calls allocate their outputs. A threshold is the smallest size from which the backend stayed faster at every larger size measured.`,
    '',
  ];
  const runs: { id: string; label: string; create: () => KernelBackend; sizes?: number[] }[] = [
    { id: 'wasm_1t', label: '`wasm` 1 thread', create: () => wasmBackend({ threads: 1 }) },
    { id: 'wasm_2t', label: '`wasm` 2 threads', create: () => wasmBackend({ threads: 2 }) },
  ];
  if (webasm !== undefined) {
    runs.push({
      id: 'webasm_2t',
      label: '`webasm` 2 threads',
      create: () => webasm({ threads: 2 }),
      sizes: CALIBRATION_SIZES.filter((size) => size <= WEBASM_MAX_SIZE),
    });
  }
  const table: string[] = [];
  const thresholds: string[] = [];
  for (const run of runs) {
    const backend = run.create();
    let calibration: Calibration;
    try {
      calibration = await calibrateThresholds(backend, run.sizes ? { sizes: run.sizes } : {});
    } catch (error) {
      notes.push(
        `thresholds: ${run.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    } finally {
      await backend.dispose?.();
    }
    for (const m of calibration.measurements) {
      results[`threshold_speedup_${run.id}_${m.kernel}_${m.elements}`] =
        Math.round(m.speedup * 100) / 100;
      table.push(
        `| ${run.label} | ${m.kernel} | ${m.elements.toLocaleString('en-US')} | ${m.baselineMs.toFixed(4)} | ${m.error === undefined ? m.backendMs.toFixed(4) : `failed: ${m.error}`} | ${m.speedup.toFixed(2)}× |`,
      );
    }
    for (const [kernel, threshold] of Object.entries(calibration.minElements) as [
      KernelName,
      number,
    ][]) {
      results[`threshold_${run.id}_${kernel}`] = Number.isFinite(threshold) ? threshold : 'never';
      const fallback = run.id.startsWith('wasm') ? WASM_MIN_ELEMENTS[kernel] : undefined;
      thresholds.push(`| ${run.label} | ${kernel} | ${show(threshold)} | ${show(fallback)} |`);
    }
    console.error(`thresholds ${run.id}: done`);
  }
  lines.push(
    '| backend | kernel | measured threshold (elements) | default `minElements` |',
    '| --- | --- | ---: | ---: |',
    ...thresholds,
    '',
    '| backend | kernel | elements | `js` ms / call | backend ms / call | speed vs `js` |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...table,
    '',
  );
  return lines;
}
