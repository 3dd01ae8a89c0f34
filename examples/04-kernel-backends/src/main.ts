// Example 04: choosing backends. The GAE kernel on 512 trajectories × 512 steps on every kernel
// backend this machine can run, against @spa/core's float64 oracle; then @spa/lm's tfjs backends
// (src/tfjs.ts). `npm start` in this folder.
import { computeGae, createRng } from '@spa/core';
import { createKernelRunner, jsBackend, type KernelBackend } from '@spa/kernels';
import { wasmBackend } from '@spa/kernels/wasm';
import { timeTfjsBackends } from './tfjs';

const [numRows, numSteps] = [512, 512];
const size = numRows * numSteps;
const rng = createRng(12345);
const rand = () => rng.nextFloat();
const rewards = Float32Array.from({ length: size }, () => (rand() < 0.05 ? 1 : 0));
const values = Float32Array.from({ length: size }, () => rand());
const dones = Uint8Array.from({ length: size }, () => (rand() < 0.05 ? 1 : 0));
const batch = { rewards, values, dones, gamma: 0.99, lambda: 0.95 };
const oracle = computeGae({ ...batch, numRows, numSteps }).advantages;

const backends: KernelBackend[] = [jsBackend(), wasmBackend()];
try {
  backends.push((await import('@spa/kernels/gpu')).webasmBackend());
} catch (error) {
  console.log(`(no gpu.js backends: ${error instanceof Error ? error.message : String(error)})`);
}
for (const backend of backends) {
  const runner = createKernelRunner({ backends: [backend] });
  const input = { layout: { numRows, numSteps }, ...batch };
  await runner.gae(input); // warm-up (compiles gpu.js kernels)
  const started = performance.now();
  const { advantages } = await runner.gae(input);
  const ms = performance.now() - started;
  const maxError = oracle.reduce((m, want, i) => Math.max(m, Math.abs(advantages[i]! - want)), 0);
  console.log(
    `${runner.backendFor('gae')}: ${ms.toFixed(2)} ms for ${size} elements (${(size / ms / 1000).toFixed(0)} M elements/s), max |Δ| vs f64 oracle ${maxError.toExponential(2)}`,
  );
  await runner.dispose();
}
await timeTfjsBackends();
