import { InvalidArgumentError, type Trajectory } from '@spa/core';
import { describe, expect, it } from 'vitest';
import {
  aggregateCurves,
  attributionSpec,
  type CurvePoint,
  curvePoints,
  learningCurveSpec,
  PLOT_FONT,
  schemeOf,
} from './specs';

function trajectory(taskId: string, won: boolean, contributions?: readonly number[]): Trajectory {
  const length = contributions?.length ?? 3;
  return {
    taskId,
    env: 'scripted',
    goal: 'reach the goal',
    won,
    finalReward: won ? 1 : 0,
    steps: Array.from({ length }, (_, t) => ({
      observation: `obs ${t}`,
      action: `go to room ${t}`,
      grounded: t !== 1,
      reward: 0,
    })),
    ...(contributions === undefined ? {} : { contributions }),
  };
}

/** The `data.values` of a spec (all specs here carry inline data). */
function dataValues(spec: unknown): Record<string, unknown>[] {
  return (spec as { data: { values: Record<string, unknown>[] } }).data.values;
}

describe('schemeOf', () => {
  it('takes the text before " seed "', () => {
    expect(schemeOf('spa seed 1')).toBe('spa');
    expect(schemeOf('leave-one-out seed 12')).toBe('leave-one-out');
    expect(schemeOf('sparse')).toBe('sparse');
  });
});

describe('aggregateCurves', () => {
  const rows: CurvePoint[] = [
    { series: 'spa seed 1', iteration: 1, value: 0.2 },
    { series: 'spa seed 2', iteration: 1, value: 0.4 },
    { series: 'spa seed 3', iteration: 1, value: 0.9 },
    { series: 'spa seed 1', iteration: 0, value: 0 },
    { series: 'sparse seed 1', iteration: 0, value: 0.1 },
  ];

  it('gives the mean and min-max band per scheme and iteration, schemes in order of appearance', () => {
    const points = aggregateCurves(rows);
    expect(points.map((p) => [p.scheme, p.iteration, p.seeds])).toEqual([
      ['spa', 0, 1],
      ['spa', 1, 3],
      ['sparse', 0, 1],
    ]);
    const spa1 = points[1];
    expect(spa1?.mean).toBeCloseTo(0.5, 12);
    expect(spa1?.lower).toBe(0.2);
    expect(spa1?.upper).toBe(0.9);
  });

  it('gives mean ± sample standard deviation with band "std" (0 for one seed)', () => {
    const points = aggregateCurves(rows, 'std');
    // values 0.2, 0.4, 0.9: mean 0.5, sample variance (0.09 + 0.01 + 0.16) / 2 = 0.13
    expect(points[1]?.lower).toBeCloseTo(0.5 - Math.sqrt(0.13), 12);
    expect(points[1]?.upper).toBeCloseTo(0.5 + Math.sqrt(0.13), 12);
    expect(points[0]).toMatchObject({ mean: 0, lower: 0, upper: 0 });
  });
});

describe('learningCurveSpec', () => {
  const rows: CurvePoint[] = [
    { series: 'spa seed 2', iteration: 1, value: 0.5 },
    { series: 'spa seed 2', iteration: 0, value: 0.1 },
    { series: 'sparse seed 1', iteration: 0, value: 0 },
    { series: 'spa seed 1', iteration: 0, value: Number.NaN },
  ];

  it('is deterministic, with fixed size and font, colours in order of first appearance', () => {
    const spec = learningCurveSpec(rows, { metric: 'charts/success_rate' });
    expect(JSON.stringify(spec)).toBe(
      JSON.stringify(learningCurveSpec(rows, { metric: 'charts/success_rate' })),
    );
    expect(spec).toMatchObject({
      width: 560,
      height: 320,
      title: 'charts/success_rate',
      config: { font: PLOT_FONT },
      encoding: { color: { scale: { domain: ['spa seed 2', 'sparse seed 1'] } } },
    });
  });

  it('drops non-finite values and sorts points by series then iteration', () => {
    const values = dataValues(learningCurveSpec(rows, { metric: 'm', title: 'T' }));
    expect(values).toEqual([
      { series: 'spa seed 2', iteration: 0, value: 0.1 },
      { series: 'spa seed 2', iteration: 1, value: 0.5 },
      { series: 'sparse seed 1', iteration: 0, value: 0 },
    ]);
  });

  it('throws InvalidArgumentError naming the row with a non-finite iteration', () => {
    expect(() =>
      learningCurveSpec([{ series: 'a', iteration: Number.NaN, value: 1 }], { metric: 'm' }),
    ).toThrow(/rows\[0\]\.iteration/);
  });

  it('aggregates by scheme: one colour per scheme and a subtitle naming the band', () => {
    const spec = learningCurveSpec(rows, { metric: 'm', aggregate: true, band: 'std' });
    const values = dataValues(spec);
    expect(new Set(values.map((value) => value.scheme))).toEqual(new Set(['spa', 'sparse']));
    expect(JSON.stringify(spec)).toContain('mean ± std');
  });
});

describe('curvePoints', () => {
  it('picks one metric from metrics lines, skipping lines without it', () => {
    const lines = [
      { iteration: 0, 'charts/success_rate': 0.1, 'losses/policy': 1 },
      { iteration: 1, 'losses/policy': 0.5 },
      { iteration: 2, 'charts/success_rate': 0.3 },
    ];
    expect(curvePoints('spa seed 1', lines, 'charts/success_rate')).toEqual([
      { series: 'spa seed 1', iteration: 0, value: 0.1 },
      { series: 'spa seed 1', iteration: 2, value: 0.3 },
    ]);
  });
});

describe('attributionSpec', () => {
  it('labels each trajectory by index, task id and outcome, with the action in the data', () => {
    const spec = attributionSpec([
      trajectory('task-a', true, [0.2, 0.3, 0.5]),
      trajectory('task-b', false, [0, -0.1, 0.1]),
    ]);
    const values = dataValues(spec);
    expect(values).toHaveLength(6);
    expect(values[0]).toEqual({
      trajectory: '#1 task-a (won, R=1, sum c_t=1)',
      task: 'task-a',
      step: 0,
      contribution: 0.2,
      action: 'go to room 0',
      grounded: 'grounded',
    });
    expect(values[4]).toMatchObject({
      trajectory: '#2 task-b (lost, R=0, sum c_t=0)',
      step: 1,
      grounded: 'not grounded',
    });
    expect(spec).toMatchObject({ facet: { row: { field: 'trajectory' } } });
    expect(attributionSpec([trajectory('t', true, [1, 0, 0])], { layout: 'color' })).toMatchObject({
      width: 560,
      height: 320,
    });
  });

  it('shortens long task ids in the middle and never prints -0.00', () => {
    const taskId =
      'json_2.1.1/valid_unseen/pick_and_place_simple-AlarmClock-None-Desk-307/trial_T1';
    const values = dataValues(attributionSpec([trajectory(taskId, false, [0.001, -0.002, 0])]));
    expect(values[0]?.trajectory).toBe(
      '#1 json_2.1.1/valid_uns…e-Desk-307/trial_T1 (lost, R=0, sum c_t=0.00)',
    );
    expect(values[0]?.task).toBe(taskId);
  });

  it('throws an error naming trajectories[i].contributions when they are missing', () => {
    const call = () => attributionSpec([trajectory('ok', true, [1, 0, 0]), trajectory('x', false)]);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(/`trajectories\[1\]\.contributions`: missing/);
  });

  it('rejects contributions of the wrong length, non-finite values and an empty list', () => {
    const short = { ...trajectory('x', true, [1, 0, 0]), contributions: [1, 0] };
    expect(() => attributionSpec([short])).toThrow(
      /trajectories\[0\]\.contributions`: expected one contribution per step \(3\), got 2/,
    );
    expect(() => attributionSpec([trajectory('x', true, [1, Number.NaN, 0])])).toThrow(
      /trajectories\[0\]\.contributions\[1\]/,
    );
    expect(() => attributionSpec([])).toThrow(/trajectories/);
  });
});
