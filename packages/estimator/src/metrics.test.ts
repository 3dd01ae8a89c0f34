import { InvalidArgumentError, ShapeMismatchError, type Trajectory } from '@spa/core';
import { describe, expect, it } from 'vitest';
import {
  evaluateContributions,
  heldOutMetricsFromSums,
  pearsonCorrelation,
  spearmanCorrelation,
} from './metrics';

/** Runs `action`, expecting it to throw; returns the error. */
function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function trajectory(taskId: string, numSteps: number, finalReward: number): Trajectory {
  return {
    taskId,
    env: 'scripted/household-v0',
    goal: 'put some mug in shelf.',
    steps: Array.from({ length: numSteps }, (_, step) => ({
      observation: `obs ${step}`,
      action: `act ${step}`,
      grounded: true,
      reward: step === numSteps - 1 ? finalReward : 0,
    })),
    finalReward,
    won: finalReward === 1,
  };
}

describe('pearsonCorrelation', () => {
  it('matches a hand-computed value', () => {
    // dx = [-1, 0, 1], dy = [-4/3, -1/3, 5/3]: Σdxdy = 3, Σdx² = 2, Σdy² = 14/3.
    expect(pearsonCorrelation([1, 2, 3], [1, 2, 4])).toBeCloseTo(3 / Math.sqrt(28 / 3), 12);
  });

  it('is ±1 for exact linear relations and symmetric', () => {
    expect(pearsonCorrelation([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 12);
    expect(pearsonCorrelation([1, 2, 3, 4], [-1, -2, -3, -4])).toBeCloseTo(-1, 12);
    expect(pearsonCorrelation([1, 2, 4], [1, 2, 3])).toBe(pearsonCorrelation([1, 2, 3], [1, 2, 4]));
  });

  it('is NaN when a side has zero variance, even for values that do not sum exactly', () => {
    expect(pearsonCorrelation([0.1, 0.1, 0.1], [1, 2, 3])).toBeNaN();
    expect(pearsonCorrelation([1, 2, 3], [7, 7, 7])).toBeNaN();
  });

  it('stays within [-1, 1]', () => {
    const x = [0.1, 0.2, 0.30000000000000004, 0.4];
    const r = pearsonCorrelation(x, x);
    expect(r).toBeLessThanOrEqual(1);
    expect(r).toBeCloseTo(1, 12);
  });
});

describe('spearmanCorrelation', () => {
  it('averages the ranks of ties (hand-computed, equals scipy.stats.spearmanr)', () => {
    // ranks of y = [1, 2, 3.5, 5, 3.5]; Σdxdy = 8, Σdx² = 10, Σdy² = 9.5.
    expect(spearmanCorrelation([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(
      8 / Math.sqrt(95),
      12,
    );
    // ranks [1.5, 1.5, 3, 4] and [4, 1.5, 1.5, 3]: −0.25 / 4.5.
    expect(spearmanCorrelation([1, 1, 2, 3], [3, 1, 1, 2])).toBeCloseTo(-1 / 18, 12);
  });

  it('is 1 for any strictly increasing relation and -1 for a decreasing one', () => {
    expect(spearmanCorrelation([1, 2, 3, 4, 5], [1, 4, 9, 16, 1000])).toBe(1);
    expect(spearmanCorrelation([-3, 0.5, 2, 10], [10, 2, 1, -50])).toBe(-1);
  });

  it('does not depend on the input order', () => {
    expect(spearmanCorrelation([3, 1, 2, 1], [2, 3, 1, 1])).toBeCloseTo(
      spearmanCorrelation([1, 1, 2, 3], [3, 1, 1, 2]),
      12,
    );
  });

  it('is NaN when a side has zero variance', () => {
    expect(spearmanCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearmanCorrelation([1, 2, 3], [0, 0, 0])).toBeNaN();
  });
});

describe.each([
  ['pearsonCorrelation', pearsonCorrelation],
  ['spearmanCorrelation', spearmanCorrelation],
] as const)('%s input checks', (_name, correlation) => {
  it('rejects a length mismatch, naming y', () => {
    const error = thrown(() => correlation([1, 2, 3], [1, 2]));
    expect(ShapeMismatchError.isInstance(error)).toBe(true);
    expect((error as ShapeMismatchError).field).toBe('y');
    expect((error as Error).message).toBe('Shape mismatch in `y`: expected length 3, got 2');
  });

  it('rejects fewer than 2 points', () => {
    const error = thrown(() => correlation([1], [2]));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Invalid argument `x`: needs at least 2 points for a correlation, got 1',
    );
    expect(() => correlation([], [])).toThrow(/at least 2 points/);
  });

  it('rejects non-finite values, naming the argument and index', () => {
    expect(() => correlation([1, Number.NaN], [1, 2])).toThrow(
      'Invalid argument `x[1]`: expected a finite number, got NaN',
    );
    expect(() => correlation([1, 2], [Number.POSITIVE_INFINITY, 2])).toThrow(
      'Invalid argument `y[0]`: expected a finite number, got Infinity',
    );
    expect(() => correlation([1, 2], 'ab' as unknown as number[])).toThrow(
      'Invalid argument `y`: expected an array of numbers, got string',
    );
  });
});

describe('evaluateContributions', () => {
  const trajectories = [trajectory('a', 2, 1), trajectory('b', 1, 0), trajectory('c', 3, 0)];
  const contributions = [[0.5, 0.4], [0.3], [0.2, 0.2, 0.2]];

  it("computes core's metrics and the rank correlation (hand-computed)", () => {
    // Σc = [0.9, 0.3, 0.6], R = [1, 0, 0]; errors [-0.1, 0.3, 0.6].
    // Ranks [3, 1, 2] vs [3, 1.5, 1.5]: Σdxdy = 1.5, Σdx² = 2, Σdy² = 1.5 → 1.5 / √3.
    const metrics = evaluateContributions(contributions, trajectories);
    expect(metrics.count).toBe(3);
    expect(metrics.mse).toBeCloseTo(0.46 / 3, 12);
    expect(metrics.mae).toBeCloseTo(1 / 3, 12);
    expect(metrics.withinTolerance).toBeCloseTo(1 / 3, 12);
    expect(metrics.meanPrediction).toBeCloseTo(0.6, 12);
    expect(metrics.meanTarget).toBeCloseTo(1 / 3, 12);
    expect(metrics.rankCorrelation).toBeCloseTo(1.5 / Math.sqrt(3), 12);
  });

  it('passes the tolerance through', () => {
    expect(evaluateContributions(contributions, trajectories, { tolerance: 0.3 })).toMatchObject({
      withinTolerance: 2 / 3,
    });
    expect(() => evaluateContributions(contributions, trajectories, { tolerance: -1 })).toThrow(
      /options\.tolerance/,
    );
  });

  it('gives NaN rank correlation for one trajectory or constant outcomes', () => {
    expect(evaluateContributions([[0.5, 0.4]], [trajectory('a', 2, 1)]).rankCorrelation).toBeNaN();
    const allFailed = evaluateContributions(
      [[0.1], [0.2]],
      [trajectory('a', 1, 0), trajectory('b', 1, 0)],
    );
    expect(allFailed.rankCorrelation).toBeNaN();
    expect(allFailed.mse).toBeCloseTo(0.025, 12);
  });

  it('names the trajectory index, taskId and both lengths on a row-length mismatch', () => {
    const error = thrown(() =>
      evaluateContributions([[0.5, 0.4], [0.3], [0.2, 0.2]], trajectories),
    );
    expect(ShapeMismatchError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Shape mismatch in `contributions[2] (trajectory 2, taskId "c", 3 steps)`: expected length 3, got 2',
    );
  });

  it('rejects a row count mismatch, empty input and non-finite contributions', () => {
    expect(() => evaluateContributions([[0.5, 0.4]], trajectories)).toThrow(
      'Shape mismatch in `contributions`: expected length 3, got 1',
    );
    expect(() => evaluateContributions([], [])).toThrow(
      'Invalid argument `trajectories`: must not be empty',
    );
    expect(() =>
      evaluateContributions([[0.5, Number.NaN], [0.3], [0.2, 0.2, 0.2]], trajectories),
    ).toThrow('Invalid argument `contributions[0][1]`: expected a finite number, got NaN');
  });
});

describe('heldOutMetricsFromSums', () => {
  it('equals evaluateContributions on the summed rows', () => {
    const trajectories = [trajectory('a', 2, 1), trajectory('b', 1, 0), trajectory('c', 3, 0.5)];
    const contributions = [[0.5, 0.4], [0.3], [0.2, 0.2, 0.2]];
    const sums = contributions.map((row) => row.reduce((total, value) => total + value, 0));
    expect(heldOutMetricsFromSums(sums, [1, 0, 0.5])).toEqual(
      evaluateContributions(contributions, trajectories),
    );
  });
});
