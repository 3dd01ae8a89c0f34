import {
  computeSpaRewards,
  InvalidArgumentError,
  type Trajectory,
  TrajectoryValidationError,
} from '@spa/core';
import { describe, expect, it } from 'vitest';
import { annotated, fixtures, unannotated, uniform } from '../__fixtures__/trajectories';
import { LLAMA3_TEMPLATE } from '../common';
import { exportOpenRlhf, importOpenRlhf } from './openrlhf';
import { exportSpaReference, importSpaReference } from './spa-reference';
import { exportTrl, importTrl } from './trl';
import { exportVerl, fromVerlParquet, importVerl, toVerlParquet } from './verl';

function errorOf(call: () => unknown): TrajectoryValidationError {
  try {
    call();
  } catch (error) {
    if (TrajectoryValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a TrajectoryValidationError');
}

/** Every format as an in-memory round trip (`metadata` on / off). */
const formats: readonly {
  name: string;
  trip: (trajectories: readonly Trajectory[], metadata: boolean) => Promise<Trajectory[]>;
}[] = [
  {
    name: 'spa-reference',
    trip: async (trajectories, metadata) =>
      importSpaReference(
        JSON.parse(JSON.stringify(exportSpaReference(trajectories, { metadata }))),
      ),
  },
  {
    name: 'trl',
    trip: async (trajectories, metadata) =>
      importTrl(
        JSON.parse(JSON.stringify(exportTrl(trajectories, { metadata, labels: 'reward' }))),
      ),
  },
  {
    name: 'verl (parquet)',
    trip: async (trajectories, metadata) =>
      importVerl(await fromVerlParquet(toVerlParquet(exportVerl(trajectories, { metadata })))),
  },
  {
    name: 'openrlhf',
    trip: async (trajectories, metadata) =>
      importOpenRlhf(JSON.parse(JSON.stringify(exportOpenRlhf(trajectories, { metadata })))),
  },
];

describe.each(formats)('$name round trip', ({ trip }) => {
  it('ours → format → ours is the identity with the spa sidecar', async () => {
    expect(await trip(fixtures, true)).toEqual(fixtures);
  });

  it('keeps observations, actions and step rewards without the sidecar', async () => {
    const back = await trip(fixtures, false);
    expect(back).toHaveLength(fixtures.length);
    back.forEach((trajectory, index) => {
      const original = fixtures[index] as Trajectory;
      expect(trajectory.steps.map((step) => step.observation)).toEqual(
        original.steps.map((step) => step.observation),
      );
      expect(trajectory.steps.map((step) => step.action)).toEqual(
        original.steps.map((step) => step.action),
      );
      expect(trajectory.rewards).toEqual(original.rewards);
      expect(trajectory.contributions).toBeUndefined();
    });
  });

  it('carries SPA step rewards r_t = α·c_t + β·g_t through the trip', async () => {
    const [back] = await trip([annotated], true);
    expect(back?.contributions).toEqual(annotated.contributions);
    const expected = computeSpaRewards({
      contributions: back?.contributions ?? [],
      grounded: back?.steps.map((step) => step.grounded) ?? [],
      alpha: 1,
      beta: 0.5,
    });
    expect(back?.rewards).toEqual(expected);
    // The reference code's numbers: 0.2 + 0.5, −0.05 + 0, 0.85 + 0.5 (last step always grounded).
    expect(back?.rewards?.[0]).toBeCloseTo(0.7, 12);
    expect(back?.rewards?.[1]).toBeCloseTo(-0.05, 12);
    expect(back?.rewards?.[2]).toBeCloseTo(1.35, 12);
    const [bare] = await trip([annotated], false);
    expect(bare?.rewards).toEqual(annotated.rewards);
  });
});

describe('exporters', () => {
  it('refuse trajectories without rewards unless rewardSource is "env"', () => {
    for (const exporter of [exportSpaReference, exportTrl, exportVerl, exportOpenRlhf]) {
      expect(() => exporter([annotated, unannotated])).toThrowError(
        expect.objectContaining({ field: 'trajectories[1].rewards' }),
      );
    }
    const [row] = exportSpaReference([unannotated], { rewardSource: 'env' });
    expect(row?.reward).toEqual([1]);
    expect(() => exportTrl([annotated], { rewardSource: 'bogus' as 'env' })).toThrow(
      InvalidArgumentError,
    );
  });

  it('name the invalid trajectory and field', () => {
    const broken = { ...uniform, rewards: [0.1] };
    const error = errorOf(() => exportVerl([annotated, broken]));
    expect(error.field).toBe('trajectories[1].rewards');
    expect(error.message).toContain('one value per step (2), got 1');
  });
});

describe('spa-reference', () => {
  it('writes the Llama-3 turns of prm/rl_data_org.py', () => {
    const [row] = exportSpaReference([uniform]);
    expect(row?.prompt[0]).toBe(
      `<|start_header_id|>user<|end_header_id|>\n\n${uniform.steps[0]?.observation}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`,
    );
    expect(row?.response[1]).toBe('click[b0abc]<|eot_id|>');
    expect(row?.reward).toEqual([0.125, 0.125]);
    expect(row).not.toHaveProperty('spa');
  });

  it('infers grounding with the reference rule and drops leading instruction turns', () => {
    const rows = exportSpaReference([annotated]).map((row) => ({
      prompt: [
        `${LLAMA3_TEMPLATE.userPrefix}instruction${LLAMA3_TEMPLATE.userSuffix}`,
        ...row.prompt,
      ],
      response: ['OK<|eot_id|>', ...row.response],
      reward: [0.5, ...row.reward],
    }));
    const [back] = importSpaReference(rows, { skipTurns: 1, source: 'rl.json', env: 'alfworld' });
    expect(back?.steps.map((step) => step.grounded)).toEqual([true, false, true]);
    expect(back?.taskId).toBe('rl.json#0');
    expect(back?.env).toBe('alfworld');
    expect(back?.rewards).toEqual(annotated.rewards);
  });

  it.each([
    [{ prompt: ['a'], response: ['b'] }, 'records[0].reward', 'expected an array, got undefined'],
    [
      { prompt: ['a', 'b'], response: ['b'], reward: [1, 2] },
      'records[0].response',
      'expected 2 entries',
    ],
    [{ prompt: ['a'], response: ['b'], reward: ['x'] }, 'records[0].reward[0]', 'finite number'],
    [{ prompt: ['a'], response: [3], reward: [1] }, 'records[0].response[0]', 'expected a string'],
    [{ prompt: [], response: [], reward: [] }, 'records[0].prompt', 'leaves none'],
    [{ prompt: ['a'], response: ['b'], reward: [1], spa: '{' }, 'records[0].spa', 'not valid JSON'],
  ])('rejects malformed record %# naming the field', (record, field, reason) => {
    const error = errorOf(() => importSpaReference([record], { source: 'rl.json' }));
    expect(error.field).toBe(field);
    expect(error.source).toBe('rl.json');
    expect(error.message).toContain(`rl.json: ${field}: `);
    expect(error.message).toContain(reason);
  });
});

describe('trl', () => {
  it('writes prompt / completions / boolean labels by default', () => {
    const [row] = exportTrl([annotated], { metadata: false });
    expect(row).toEqual({
      prompt: annotated.goal,
      completions: annotated.steps.map((step) => `${step.observation}\nAction: ${step.action}`),
      labels: [true, false, true],
    });
    const [thresholded] = exportTrl([annotated], { metadata: false, threshold: 1 });
    expect(thresholded?.labels).toEqual([false, false, true]);
  });

  it('imports boolean labels without inventing rewards', () => {
    const [back] = importTrl(exportTrl([annotated], { metadata: false }));
    expect(back?.rewards).toBeUndefined();
    expect(back?.goal).toBe(annotated.goal);
    // The action itself contains "\nAction: "; the first separator splits observation from action.
    expect(back?.steps[0]?.action).toBe(annotated.steps[0]?.action);
  });

  it.each([
    [
      { prompt: 'p', completions: ['o\nAction: a'], labels: [true, false] },
      'records[0].labels',
      'expected 1 entries',
    ],
    [
      { prompt: 'p', completions: ['no separator'], labels: [true] },
      'records[0].completions[0]',
      'no separator',
    ],
    [{ prompt: 1, completions: [], labels: [] }, 'records[0].prompt', 'expected a string'],
    [
      { prompt: 'p', completions: ['o\nAction: a'], labels: ['yes'] },
      'records[0].labels[0]',
      'finite number',
    ],
    [{ prompt: 'p', completions: [], labels: [] }, 'records[0]', 'at least one step'],
  ])('rejects malformed record %# naming the field', (record, field, reason) => {
    const error = errorOf(() => importTrl([record]));
    expect(error.field).toBe(field);
    expect(error.message).toContain(reason);
  });
});

describe('verl', () => {
  it('places each step reward at the end of its response in the transcript', () => {
    const [row] = exportVerl([annotated], { metadata: false });
    const extra = row?.extra_info;
    expect(row?.data_source).toBe('spa/alfworld/train-v0');
    expect(row?.ability).toBe('agent');
    expect(row?.reward_model).toEqual({ style: 'spa-step', ground_truth: '1' });
    expect(extra?.spa).toBeNull();
    annotated.steps.forEach((step, index) => {
      const start = extra?.step_char_start[index] ?? -1;
      const end = extra?.step_char_end[index] ?? -1;
      expect(extra?.transcript.slice(start, end)).toBe(`${step.action}<|eot_id|>`);
    });
    const conversation = [...(row?.prompt ?? []), { role: 'assistant', content: extra?.response }];
    expect(extra?.step_message_index.map((index) => conversation[index]?.content)).toEqual(
      annotated.steps.map((step) => step.action),
    );
    expect(row?.prompt.at(-1)).toEqual({ role: 'user', content: annotated.steps[2]?.observation });
  });

  it('writes a parquet file (PAR1 magic) that reads back to the same rows', async () => {
    const rows = exportVerl(fixtures, { system: 'You are an agent.', split: 'test' });
    const bytes = toVerlParquet(rows);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('PAR1');
    expect(new TextDecoder().decode(bytes.subarray(-4))).toBe('PAR1');
    expect(await fromVerlParquet(bytes)).toEqual(JSON.parse(JSON.stringify(rows)));
    expect(importVerl(await fromVerlParquet(bytes))).toEqual(fixtures);
  });

  it('rejects malformed rows and unreadable bytes naming the place', async () => {
    const [row] = JSON.parse(JSON.stringify(exportVerl([uniform], { metadata: false })));
    row.extra_info.step_rewards = [1];
    let error = errorOf(() => importVerl([row], { source: 'train.parquet' }));
    expect(error.message).toBe(
      'train.parquet: records[0].extra_info.step_rewards: expected 2 entries (one per step), got 1',
    );
    row.extra_info.step_rewards = [1, 2];
    row.reward_model.ground_truth = 'high';
    error = errorOf(() => importVerl([row]));
    expect(error.field).toBe('records[0].reward_model.ground_truth');
    row.reward_model.ground_truth = '1';
    row.prompt[1].role = 'user';
    error = errorOf(() => importVerl([row]));
    expect(error.field).toBe('records[0].prompt[1].role');
    await expect(fromVerlParquet(new Uint8Array([1, 2, 3]), 'bad.parquet')).rejects.toThrow(
      /^bad\.parquet: record: not a readable parquet file/,
    );
  });
});

describe('openrlhf', () => {
  it('writes input messages, the last action as output and a JSON label', () => {
    const [row] = exportOpenRlhf([uniform], { metadata: false, system: 'Shop.' });
    expect(row).toEqual({
      input: [
        { role: 'system', content: 'Shop.' },
        { role: 'user', content: uniform.steps[0]?.observation },
        { role: 'assistant', content: 'search[blue shirt]' },
        { role: 'user', content: uniform.steps[1]?.observation },
      ],
      output: 'click[b0abc]',
      label: '{"step_rewards":[0.125,0.125],"final_reward":0.25}',
      step_rewards: [0.125, 0.125],
    });
    const [back] = importOpenRlhf([row]);
    expect(back?.finalReward).toBe(0.25);
    expect(back?.won).toBe(false);
  });

  it.each([
    [
      { input: [{ role: 'user', content: 'o' }], output: 'a', label: 'nope' },
      'records[0].label',
      'not valid JSON',
    ],
    [
      { input: [{ role: 'assistant', content: 'o' }], output: 'a' },
      'records[0].input[0].role',
      'expected "user"',
    ],
    [{ input: [], output: 'a' }, 'records[0].input', 'must end with a user message'],
    [
      { input: [{ role: 'user', content: 'o' }], output: 'a', step_rewards: [1, 2] },
      'records[0].step_rewards',
      'expected 1 entries',
    ],
    ['a string', 'records[0]', 'expected an object'],
  ])('rejects malformed record %# naming the field', (record, field, reason) => {
    const error = errorOf(() => importOpenRlhf([record]));
    expect(error.field).toBe(field);
    expect(error.message).toContain(reason);
  });
});
