import { afterEach, describe, expect, it } from 'vitest';
import { runKernelConformance } from '../testing';
import { webgpuBackend } from './index';
import { checkPositionSplits, checkRowSplits } from './launch-cases';

describe('webgpuBackend', () => {
  it('is opt-in, priority 3, and resolves unavailable with a reason here (never throws)', async () => {
    const backend = webgpuBackend();
    expect(backend).toMatchObject({ name: 'webgpu', priority: 3, optIn: true });
    if (process.env.SPA_GPU_TESTS === '1') return;
    await expect(backend.isAvailable()).resolves.toBe(false);
    expect(backend.unavailableReason?.()).toMatch(/\S/);
    expect(backend.adapterInfo()).toBeUndefined();
    await backend.dispose?.();
  });
});

/**
 * A `GPU` object shaped like Dawn's Node binding (the `webgpu` package 0.2.x, as measured on
 * llvmpipe): assigning anything to `GPUDevice.onuncapturederror` throws, and the adapter says
 * `isFallbackAdapter` on itself rather than in `info`. `strictHandler: false` models a browser.
 */
function fakeGpu(strictHandler: boolean) {
  class Device {
    handler: unknown = null;
    get onuncapturederror(): unknown {
      return this.handler;
    }
    set onuncapturederror(value: unknown) {
      if (strictHandler) throw new TypeError('invalid value to onuncapturederror');
      this.handler = value;
    }
  }
  const devices: Device[] = [];
  const adapter = {
    info: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'fake' },
    isFallbackAdapter: true,
    limits: { maxStorageBufferBindingSize: 1 << 27, maxBufferSize: 1 << 28 },
    async requestDevice() {
      const device = new Device();
      devices.push(device);
      return device;
    },
  };
  return { gpu: { requestAdapter: async () => adapter }, devices };
}

/**
 * The part of gpu.js 2.24.1 the probe runs: `WebGPUContext.acquire()` requests an adapter and a
 * device from `navigator.gpu`, then assigns `device.onuncapturederror`
 * (src/backend/web-gpu/context.js).
 */
function fakeGpuJs() {
  return {
    GPU: class {},
    WebGPUContext: {
      async acquire() {
        interface Adapter {
          requestDevice(descriptor: unknown): Promise<{ onuncapturederror: unknown }>;
        }
        const scope = globalThis as {
          navigator?: { gpu?: { requestAdapter(): Promise<Adapter> } };
        };
        const adapter = (await scope.navigator?.gpu?.requestAdapter()) as Adapter;
        const device = await adapter.requestDevice({ requiredLimits: {} });
        device.onuncapturederror = (event: unknown) => event;
        return { adapter, device };
      },
    },
  };
}

describe('webgpuBackend on a Dawn-like GPU object (no GPU needed)', () => {
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  const hadNavigator = 'navigator' in globalThis;
  afterEach(() => {
    if (!hadNavigator) delete scope.navigator;
    else if (scope.navigator !== undefined) delete scope.navigator.gpu;
  });

  it('obtains a device although Dawn rejects every onuncapturederror value, and reports the adapter', async () => {
    const { gpu, devices } = fakeGpu(true);
    const backend = webgpuBackend({ navigatorGpu: gpu, importGpuJs: async () => fakeGpuJs() });
    await expect(backend.isAvailable()).resolves.toBe(true);
    expect(backend.unavailableReason()).toBeUndefined();
    expect(devices).toHaveLength(1);
    expect(typeof devices[0]?.onuncapturederror).toBe('function');
    expect(backend.adapterInfo()).toEqual({
      vendor: 'mesa',
      architecture: 'software',
      device: 'llvmpipe',
      description: 'fake',
      isFallbackAdapter: true,
    });
  });

  it('leaves a device whose handler setter works alone (gpu.js keeps its handler)', async () => {
    const { gpu, devices } = fakeGpu(false);
    const backend = webgpuBackend({ navigatorGpu: gpu, importGpuJs: async () => fakeGpuJs() });
    await expect(backend.isAvailable()).resolves.toBe(true);
    expect(Object.hasOwn(devices[0] as object, 'onuncapturederror')).toBe(false);
    expect(typeof devices[0]?.handler).toBe('function');
  });
});

describe.runIf(process.env.SPA_GPU_TESTS === '1')('webgpu on a WebGPU adapter', () => {
  // Starting tolerance (conventions §B.5): 4 ulps. Measured so far: 0 ulps on llvmpipe (software);
  // tighten after a measurement on GPU hardware.
  runKernelConformance(() => webgpuBackend(), { tolerance: { ulps: 4 }, runs: 20 });

  it('reports the adapter it runs on', async () => {
    const backend = webgpuBackend();
    await expect(backend.isAvailable()).resolves.toBe(true);
    const info = backend.adapterInfo();
    expect(info?.isFallbackAdapter).toBeTypeOf('boolean');
    console.info(`webgpu adapter: ${JSON.stringify(info)}`);
    await backend.dispose();
  });

  it('splits launches by positions and by rows, with masks and ragged rows', async () => {
    const byPositions = webgpuBackend({ maxPositionsPerLaunch: 150 });
    await checkPositionSplits(byPositions, { ulps: 4 });
    await byPositions.dispose();
    const byRows = webgpuBackend({ maxPositionsPerLaunch: 40 });
    await checkRowSplits(byRows, { ulps: 4 });
    await byRows.dispose();
  }, 60_000);
});
