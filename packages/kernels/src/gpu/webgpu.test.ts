import { describe, expect, it } from 'vitest';
import { runKernelConformance } from '../testing';
import { webgpuBackend } from './index';

describe('webgpuBackend', () => {
  it('is opt-in, priority 3, and resolves unavailable with a reason here (never throws)', async () => {
    const backend = webgpuBackend();
    expect(backend).toMatchObject({ name: 'webgpu', priority: 3, optIn: true });
    if (process.env.SPA_GPU_TESTS === '1') return;
    await expect(backend.isAvailable()).resolves.toBe(false);
    expect(backend.unavailableReason?.()).toMatch(/\S/);
    await backend.dispose?.();
  });
});

describe.runIf(process.env.SPA_GPU_TESTS === '1')('webgpu on a GPU', () => {
  // Starting tolerance (conventions §B.5): 4 ulps; tighten after a measurement on hardware.
  runKernelConformance(() => webgpuBackend(), { tolerance: { ulps: 4 }, runs: 20 });
});
