/**
 * Example 04: the kernels on a batch of 512 trajectories × 512 steps, on every backend this machine
 * can run, compared with @spa/core's float64 oracle. `npm start` in this folder.
 */
import { computeGae } from '@spa/core';
import { createKernelRunner, jsBackend, type KernelBackend } from '@spa/kernels';

const numRows = 512;
const numSteps = 512;
const size = numRows * numSteps;
let state = 12345;
const rand = () => {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32;
};
const rewards = Float32Array.from({ length: size }, () => (rand() < 0.05 ? 1 : 0));
const values = Float32Array.from({ length: size }, () => rand());
const dones = Uint8Array.from({ length: size }, () => (rand() < 0.05 ? 1 : 0));
const input = { layout: { numRows, numSteps }, rewards, values, dones, gamma: 0.99, lambda: 0.95 };

const backends: KernelBackend[] = [jsBackend()];
try {
  const gpu = await import('@spa/kernels/gpu');
  backends.push(gpu.webasmBackend());
} catch (error) {
  process.stdout.write(
    `(no gpu.js backends: ${error instanceof Error ? error.message : String(error)})\n`,
  );
}

const oracle = computeGae({
  rewards,
  values,
  dones,
  numRows,
  numSteps,
  gamma: 0.99,
  lambda: 0.95,
}).advantages;
for (const backend of backends) {
  const runner = createKernelRunner({ backends: [backend] });
  await runner.gae(input); // warm-up (compiles gpu.js kernels)
  const started = performance.now();
  const { advantages } = await runner.gae(input);
  const ms = performance.now() - started;
  let maxError = 0;
  for (let i = 0; i < size; i++)
    maxError = Math.max(maxError, Math.abs((advantages[i] as number) - (oracle[i] as number)));
  process.stdout.write(
    `${runner.backendFor('gae')}: ${ms.toFixed(2)} ms for ${size} elements (${(size / ms / 1000).toFixed(0)} M elements/s), max |Δ| vs f64 oracle ${maxError.toExponential(2)}\n`,
  );
  await runner.dispose();
}
