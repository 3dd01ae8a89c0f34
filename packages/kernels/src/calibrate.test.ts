import { describe, expect, it } from 'vitest';
import { type CalibrationMeasurement, calibrateThresholds } from './calibrate';
import { KernelBackendUnavailableError, KernelInputError } from './errors';
import { jsBackend } from './js';
import type { GaeInput, GaeOutput, KernelBackend } from './types';

/**
 * Backends on a fake clock: each call of `gae` advances it by `cost(elements)` milliseconds and
 * logs its name, so the thresholds follow exactly from the cost models.
 */
function clocked() {
  let clock = 0;
  const log: string[] = [];
  const backend = (
    name: string,
    cost: (elements: number) => number,
    extra: Partial<KernelBackend> = {},
  ): KernelBackend => ({
    name,
    priority: 1,
    isAvailable: async () => true,
    kernels: {
      gae: async (input: GaeInput): Promise<GaeOutput> => {
        const elements = input.rewards.length;
        clock += cost(elements);
        log.push(`${name} ${elements}`);
        return { advantages: new Float32Array(elements), returns: new Float32Array(elements) };
      },
    },
    ...extra,
  });
  return { now: () => clock, log, backend };
}

const SIZES = [1024, 4096, 16_384, 65_536];

describe('calibrateThresholds', () => {
  it('finds the smallest size from which the backend stays faster', async () => {
    const { now, backend } = clocked();
    const baseline = backend('slow', (n) => n / 1000);
    // 5 ms of fixed cost, then 5× faster per element: equal at 6250 elements.
    const fast = backend('fast', (n) => 5 + n / 5000);
    const calibration = await calibrateThresholds(fast, {
      baseline,
      sizes: [65_536, 1024, 16_384, 4096, 4096],
      minTimeMs: 0,
      now,
    });
    expect(calibration.backend).toBe('fast');
    expect(calibration.baseline).toBe('slow');
    expect(calibration.minElements).toEqual({ gae: 16_384 });
    expect(calibration.measurements.map((m) => m.elements)).toEqual(SIZES);
    const at16k = calibration.measurements[2] as CalibrationMeasurement;
    expect(at16k.baselineMs).toBeCloseTo(16.384, 9);
    expect(at16k.backendMs).toBeCloseTo(5 + 16_384 / 5000, 9);
    expect(at16k.speedup).toBeCloseTo(16.384 / (5 + 16_384 / 5000), 9);
    // A clearer margin moves the threshold up: 1.98× at 16 Ki, 3.6× at 64 Ki.
    const strict = await calibrateThresholds(fast, {
      baseline,
      sizes: SIZES,
      minTimeMs: 0,
      minSpeedup: 2.5,
      now,
    });
    expect(strict.minElements).toEqual({ gae: 65_536 });
  });

  it('gives Infinity when the backend loses at the largest size, and ignores early wins', async () => {
    const { now, backend } = clocked();
    const baseline = backend('js', (n) => n / 1000);
    const never = backend('never', (n) => 1 + n / 500);
    expect(
      (await calibrateThresholds(never, { baseline, sizes: SIZES, minTimeMs: 0, now })).minElements,
    ).toEqual({
      gae: Number.POSITIVE_INFINITY,
    });
    // Faster at 1 Ki, slower at 4 Ki, faster from 16 Ki on.
    const bumpy = backend('bumpy', (n) => (n === 4096 ? 10 : n / 2000));
    expect(
      (await calibrateThresholds(bumpy, { baseline, sizes: SIZES, minTimeMs: 0, now })).minElements,
    ).toEqual({
      gae: 16_384,
    });
  });

  it('records a backend failure as slower at that size and rethrows input errors', async () => {
    const { now, backend } = clocked();
    const baseline = backend('js', (n) => n / 1000);
    const failing = backend('failing', (n) => {
      if (n > 20_000) throw new Error('launch too large');
      return n / 4000;
    });
    const calibration = await calibrateThresholds(failing, {
      baseline,
      sizes: SIZES,
      minTimeMs: 0,
      now,
    });
    expect(calibration.minElements).toEqual({ gae: Number.POSITIVE_INFINITY });
    const last = calibration.measurements[3] as CalibrationMeasurement;
    expect(last.error).toBe('launch too large');
    expect(last.backendMs).toBeNaN();
    expect(last.speedup).toBe(0);
    expect(last.baselineMs).toBeCloseTo(65.536, 9);
    expect(calibration.measurements[2]?.error).toBeUndefined();

    const rejecting = backend('rejecting', () => {
      throw new KernelInputError({ field: 'rewards', reason: 'bad' });
    });
    await expect(
      calibrateThresholds(rejecting, { baseline, sizes: [8], minTimeMs: 0, now }),
    ).rejects.toSatisfy((error) => KernelInputError.isInstance(error));
    const broken = backend('broken', () => {
      throw new Error('out of memory');
    });
    await expect(
      calibrateThresholds(
        backend('ok', () => 1),
        { baseline: broken, sizes: [8], minTimeMs: 0, now },
      ),
    ).rejects.toThrow('calibrating gae at 8 elements on broken: out of memory');
  });

  it('warms both up, then alternates which goes first, repeating calls up to minTimeMs', async () => {
    const { now, log, backend } = clocked();
    const baseline = backend('a', () => 1);
    const other = backend('b', () => 4);
    const measurements: CalibrationMeasurement[] = [];
    await calibrateThresholds(other, {
      baseline,
      sizes: [8],
      rounds: 3,
      minTimeMs: 3,
      now,
      onMeasurement: (m) => measurements.push(m),
    });
    expect(log).toEqual([
      'a 8',
      'b 8',
      // round 0: baseline first (three calls reach 3 ms), round 1: backend first, round 2 as 0
      'a 8',
      'a 8',
      'a 8',
      'b 8',
      'b 8',
      'a 8',
      'a 8',
      'a 8',
      'a 8',
      'a 8',
      'a 8',
      'b 8',
    ]);
    expect(measurements).toEqual([
      { kernel: 'gae', elements: 8, baselineMs: 1, backendMs: 4, speedup: 0.25 },
    ]);
  });

  it('measures every kernel both implement on valid generated inputs', async () => {
    const measurements: CalibrationMeasurement[] = [];
    // 256: one row; 1024: two full rows; 600 and 1100: full rows and a shorter one.
    const calibration = await calibrateThresholds(jsBackend(), {
      sizes: [1100, 256, 600, 1024],
      rowLength: 512,
      rounds: 1,
      minTimeMs: 0,
      onMeasurement: (m) => measurements.push(m),
    });
    expect(Object.keys(calibration.minElements)).toEqual([
      'gae',
      'discountedReturns',
      'normalizeAdvantages',
      'spaRewards',
    ]);
    expect(measurements).toHaveLength(16);
    expect(calibration.measurements).toEqual(measurements);
    for (const m of measurements) {
      expect(m.error).toBeUndefined();
      expect(Number.isFinite(m.baselineMs) && Number.isFinite(m.backendMs)).toBe(true);
    }
    const onlyGae = { ...jsBackend(), name: 'only-gae', kernels: { gae: jsBackend().kernels.gae } };
    const partial = await calibrateThresholds(onlyGae, { sizes: [64], rounds: 1, minTimeMs: 0 });
    expect(Object.keys(partial.minElements)).toEqual(['gae']);
  });

  it('names bad options and unavailable backends', async () => {
    const js = jsBackend();
    const onlyGae = { ...js, name: 'only-gae', kernels: { gae: js.kernels.gae } };
    const cases: [object, RegExp][] = [
      [{ sizes: [] }, /options\.sizes: expected at least one size/],
      [{ sizes: [64, 0] }, /options\.sizes\[1\]: expected an integer ≥ 1, got 0/],
      [{ rounds: 0 }, /options\.rounds: expected an integer ≥ 1/],
      [{ rowLength: 1.5 }, /options\.rowLength/],
      [{ minTimeMs: -1 }, /options\.minTimeMs/],
      [{ minSpeedup: 0 }, /options\.minSpeedup: expected a finite number > 0, got 0/],
      [{ kernels: ['gea'] }, /options\.kernels\[0\]: "gea": unknown kernel; accepted: gae, /],
      [
        { kernels: ['gae', 'spaRewards'] },
        /options\.kernels\[1\]: "spaRewards": only-gae and js do not both implement it; both implement: gae/,
      ],
    ];
    for (const [options, message] of cases) {
      await expect(calibrateThresholds(onlyGae, options)).rejects.toThrow(message);
    }
    const down = {
      ...js,
      name: 'webgpu',
      isAvailable: async () => false,
      unavailableReason: () => 'no adapter',
    };
    await expect(calibrateThresholds(down, { sizes: [8] })).rejects.toSatisfy(
      (error) =>
        KernelBackendUnavailableError.isInstance(error) && /webgpu.*no adapter/.test(String(error)),
    );
  });
});
