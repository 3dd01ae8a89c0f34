import { describe, expect, it } from 'vitest';
import { jsBackend } from '../js';
import { firstDifference, runKernelConformance, ulpDistance } from './index';

// Sanity: the reference agrees with itself.
runKernelConformance(() => jsBackend(), { runs: 10 });

describe('firstDifference', () => {
  it('tells -0 from +0 when exact, not within ulps', () => {
    const a = Float32Array.of(1, 0);
    const b = Float32Array.of(1, -0);
    expect(firstDifference(a, b)).toEqual({ index: 1, expected: 0, actual: -0 });
    expect(firstDifference(a, b, { ulps: 0 })).toBeUndefined();
  });

  it('counts ulps across zero and reports length mismatches', () => {
    const next = new Float32Array([1]);
    next[0] = Math.fround(1 + 2 ** -23);
    expect(ulpDistance(1, next[0] as number)).toBe(1);
    expect(ulpDistance(-(2 ** -149), 2 ** -149)).toBe(2);
    expect(firstDifference(Float32Array.of(1), Float32Array.of(1, 2))?.index).toBe(1);
  });
});
