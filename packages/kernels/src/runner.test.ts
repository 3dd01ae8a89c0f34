import { describe, expect, it } from 'vitest';
import { KernelBackendUnavailableError, KernelInputError } from './errors';
import { jsBackend } from './js';
import { createKernelRunner, type FallbackEvent } from './runner';
import type { KernelBackend } from './types';

const input = {
  layout: { numRows: 1, numSteps: 2 },
  rewards: Float32Array.from([0, 1]),
  values: Float32Array.from([0, 0]),
  gamma: 0.9,
  lambda: 0.9,
};

function fake(name: string, priority: number, extra: Partial<KernelBackend> = {}): KernelBackend {
  const js = jsBackend();
  return { ...js, name, priority, ...extra };
}

describe('createKernelRunner', () => {
  it('uses js by default and records it', async () => {
    const runner = createKernelRunner();
    expect(runner.backendFor('gae')).toBeUndefined();
    const out = await runner.gae(input);
    expect(out.advantages).toBeInstanceOf(Float32Array);
    expect(runner.backendFor('gae')).toBe('js');
  });

  it('prefers the highest priority and falls back per kernel with a reason', async () => {
    const events: FallbackEvent[] = [];
    const partial = fake('fast', 5, { kernels: { gae: jsBackend().kernels.gae } });
    const runner = createKernelRunner({
      backends: [jsBackend(), partial],
      onFallback: (e) => events.push(e),
    });
    await runner.gae(input);
    expect(runner.backendFor('gae')).toBe('fast');
    await runner.discountedReturns({ layout: input.layout, rewards: input.rewards, gamma: 0.9 });
    expect(runner.backendFor('discountedReturns')).toBe('js');
    expect(events).toEqual([
      {
        kernel: 'discountedReturns',
        from: 'fast',
        to: 'js',
        reason: 'fast does not implement discountedReturns',
      },
    ]);
  });

  it('skips a backend below its size threshold, an unavailable one, and one that fails at run time', async () => {
    const events: FallbackEvent[] = [];
    const big = fake('big', 4, { minElements: { gae: 1000 } });
    const down = fake('down', 3, {
      isAvailable: async () => false,
      unavailableReason: () => 'no adapter',
    });
    const broken = fake('broken', 2, {
      kernels: {
        gae: async () => {
          throw new Error('device lost');
        },
      },
    });
    const runner = createKernelRunner({
      backends: [jsBackend(), big, down, broken],
      onFallback: (e) => events.push(e),
    });
    await runner.gae(input);
    expect(runner.backendFor('gae')).toBe('js');
    expect(events[0]?.reason).toBe('broken failed: device lost');
    expect(events[0]?.from).toBe('big');
  });

  it('keeps opt-in backends out unless preferred; a preferred backend that cannot run throws', async () => {
    const gpu = fake('webgpu', 3, { optIn: true });
    const runner = createKernelRunner({ backends: [jsBackend(), gpu] });
    await runner.gae(input);
    expect(runner.backendFor('gae')).toBe('js');
    const preferred = createKernelRunner({ backends: [jsBackend(), gpu], prefer: 'webgpu' });
    await preferred.gae(input);
    expect(preferred.backendFor('gae')).toBe('webgpu');
    const missing = fake('webgpu', 3, {
      optIn: true,
      isAvailable: async () => false,
      unavailableReason: () => 'no adapter',
    });
    const failing = createKernelRunner({ backends: [jsBackend(), missing], prefer: 'webgpu' });
    await expect(failing.gae(input)).rejects.toSatisfy(
      (error) =>
        KernelBackendUnavailableError.isInstance(error) && /no adapter/.test(String(error)),
    );
    expect(() => createKernelRunner({ prefer: 'cuda' })).toThrow(/options\.prefer/);
  });

  it('lets enabled opt-in backends take part by priority and threshold', async () => {
    const events: FallbackEvent[] = [];
    const gpu = fake('webgpu', 3, { optIn: true, minElements: { gae: 3 } });
    const runner = createKernelRunner({
      backends: [jsBackend(), gpu],
      enable: ['webgpu'],
      onFallback: (e) => events.push(e),
    });
    await runner.gae(input);
    expect(runner.backendFor('gae')).toBe('js');
    expect(events[0]?.reason).toBe("2 elements is below webgpu's threshold of 3 for gae");
    const longer = {
      ...input,
      layout: { numRows: 1, numSteps: 4 },
      rewards: new Float32Array(4),
      values: new Float32Array(4),
    };
    await runner.gae(longer);
    expect(runner.backendFor('gae')).toBe('webgpu');
    expect(() => createKernelRunner({ enable: ['webgpu'] })).toThrow(/options\.enable\[0\]/);
  });

  it("replaces a backend's thresholds with the runner's minElements, kernel by kernel", async () => {
    const fast = fake('fast', 2, { minElements: { gae: 1, discountedReturns: 100 } });
    const runner = createKernelRunner({
      backends: [jsBackend(), fast],
      minElements: { fast: { gae: Number.POSITIVE_INFINITY } },
    });
    await runner.gae(input);
    expect(runner.backendFor('gae')).toBe('js');
    // discountedReturns keeps the backend's own threshold of 100
    await runner.discountedReturns({ layout: input.layout, rewards: input.rewards, gamma: 0.9 });
    expect(runner.backendFor('discountedReturns')).toBe('js');
    const lowered = createKernelRunner({
      backends: [jsBackend(), fast],
      minElements: { fast: { discountedReturns: 2 } },
    });
    await lowered.discountedReturns({ layout: input.layout, rewards: input.rewards, gamma: 0.9 });
    expect(lowered.backendFor('discountedReturns')).toBe('fast');
    await lowered.gae(input);
    expect(lowered.backendFor('gae')).toBe('fast');
    expect(() => createKernelRunner({ minElements: { cuda: { gae: 1 } } })).toThrow(
      /options\.minElements\.cuda: no backend named "cuda"; have js/,
    );
    expect(() => createKernelRunner({ minElements: { js: { gea: 1 } as never } })).toThrow(
      /options\.minElements\.js\.gea: unknown kernel/,
    );
    expect(() => createKernelRunner({ minElements: { js: { gae: Number.NaN } } })).toThrow(
      /options\.minElements\.js\.gae: expected a number ≥ 0/,
    );
  });

  it('rethrows input errors instead of falling back', async () => {
    const runner = createKernelRunner({ backends: [jsBackend(), fake('other', 2)] });
    await expect(runner.gae({ ...input, gamma: 2 })).rejects.toSatisfy((error) =>
      KernelInputError.isInstance(error),
    );
  });
});
