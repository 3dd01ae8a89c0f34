import { collectEpisode, UnknownTaskError } from '@spa/core';
import { checkEnv } from '@spa/core/testing';
import { describe, expect, it } from 'vitest';
import { listVirtualhomeTaskSpecs, virtualhomeTaskPrompt } from './catalog';
import { createVirtualhomeExpert } from './demonstrations';
import { createVirtualhomeEnv, VIRTUALHOME_MAX_STEPS } from './env';
import { VIRTUALHOME_ERROR_INPUT, VIRTUALHOME_NOTHING_HAPPENS } from './world';

describe('createVirtualhomeEnv', () => {
  it('passes checkEnv on the unseen and seen test splits', async () => {
    for (const split of ['new_unseen_test', 'new_seen_test'] as const) {
      const report = await checkEnv(createVirtualhomeEnv({ split }), { seed: 3 });
      expect(report.envId).toBe(`virtualhome/${split}-v0`);
      expect(report.passed).toContain('probe episode stays well-formed');
    }
  }, 60_000);

  it('starts with SPA task line and plays the expert to a win with reward 1', async () => {
    const env = createVirtualhomeEnv();
    const spec = listVirtualhomeTaskSpecs('new_unseen_test').find(
      (candidate) => candidate.taskId === 'new_unseen_test:57',
    );
    if (spec === undefined) throw new Error('missing task');
    const reset = await env.reset({ taskId: spec.taskId, seed: 1 });
    expect(reset.observation).toBe(virtualhomeTaskPrompt('Write an email', spec.description));
    expect(reset.info).toMatchObject({ won: false, grounded: true, taskType: 'Write an email' });
    let last: Awaited<ReturnType<typeof env.step>> | undefined;
    for (const action of spec.expertActions) {
      last = await env.step(action);
      if (last.terminated) break;
    }
    expect(last).toMatchObject({ reward: 1, terminated: true, truncated: false });
    expect(last?.info).toMatchObject({ won: true, score: 1, grounded: true, kind: 'executed' });
    await expect(env.step('walk to bedroom')).rejects.toThrow(/reset/);
  });

  it('never throws on strings: Nothing happens., Error Input with the SPA prefix rule', async () => {
    const env = createVirtualhomeEnv({ requireActionPrefix: true });
    await env.reset({ taskId: 'new_unseen_test:57' });
    const noPrefix = await env.step('walk to bedroom');
    expect(noPrefix.observation).toBe(VIRTUALHOME_ERROR_INPUT);
    expect(noPrefix.info).toMatchObject({ grounded: true, kind: 'error-input' });
    const bad = await env.step('Action: fly to the moon');
    expect(bad.observation).toBe(VIRTUALHOME_NOTHING_HAPPENS);
    expect(bad.info.grounded).toBe(false);
    const ok = await env.step('Thought: I go.\nAction: walk to bedroom');
    expect(ok.info).toMatchObject({
      grounded: true,
      kind: 'executed',
      scriptLine: '[WALK] <bedroom> (67)',
    });

    const lenient = createVirtualhomeEnv();
    await lenient.reset({ taskId: 'new_unseen_test:57' });
    expect((await lenient.step('walk to bedroom')).info.kind).toBe('executed');
  });

  it('truncates after 40 steps and counts every step', async () => {
    const env = createVirtualhomeEnv();
    await env.reset({ taskId: 'new_unseen_test:57' });
    let steps = 0;
    for (;;) {
      const result = await env.step('xyzzy');
      steps += 1;
      if (result.truncated || result.terminated) {
        expect(result.truncated).toBe(true);
        expect(result.terminated).toBe(false);
        break;
      }
    }
    expect(steps).toBe(VIRTUALHOME_MAX_STEPS);
  });

  it('resets the world, bindings and random stream: same (seed, task, actions) → same episode', async () => {
    const env = createVirtualhomeEnv();
    const actions = [
      'walk to bedroom',
      'grab book',
      'walk to home office',
      'find chair',
      'sit on chair',
    ];
    const play = async (seed: number) => {
      await env.reset({ taskId: 'new_unseen_test:57', seed });
      const out: string[] = [];
      for (const action of actions) {
        const result = await env.step(action);
        out.push(`${result.observation}|${result.info.scriptLine ?? ''}`);
      }
      return out;
    };
    const first = await play(5);
    expect(await play(5)).toEqual(first);
  });

  it('walks the pool in seeded cycles and rejects unknown task ids', async () => {
    const env = createVirtualhomeEnv({ seed: 9 });
    const ids = env.tasks?.taskIds('new_unseen_test') ?? [];
    // 30 exact + the reconstructed ones (README table).
    expect(ids.length).toBe(230);
    const sequence = async () => {
      const out = [(await env.reset({ seed: 9 })).info.taskId];
      for (let i = 0; i < 5; i++) out.push((await env.reset()).info.taskId);
      return out;
    };
    const first = await sequence();
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await sequence()).toEqual(first);
    await expect(env.reset({ taskId: 'new_unseen_test:9999' })).rejects.toSatisfy((error) =>
      UnknownTaskError.isInstance(error),
    );
    expect(() => createVirtualhomeEnv({ split: 'test' as never })).toThrow(/options.split/);
    expect(() => createVirtualhomeEnv({ maxEpisodeSteps: -1 })).toThrow(/maxEpisodeSteps/);
    expect(() => createVirtualhomeEnv({ tags: ['guessed' as never] })).toThrow(/options.tags\[0\]/);
    const exactOnly = createVirtualhomeEnv({ tags: ['exact'] });
    expect(exactOnly.tasks?.taskIds('new_unseen_test')).toHaveLength(30);
  }, 30_000);

  it('plays a training task from its dataset graph; the expert wins via collectEpisode', async () => {
    const env = createVirtualhomeEnv({ split: 'train' });
    const specs = listVirtualhomeTaskSpecs('train');
    const spec = specs[0];
    if (spec === undefined) throw new Error('no training task');
    const episode = await collectEpisode(env, createVirtualhomeExpert(specs), {
      taskId: spec.taskId,
      seed: 0,
    });
    expect(episode.won).toBe(true);
    expect(episode.steps.length).toBeLessThanOrEqual(spec.expertActions.length);
    expect(env.tasks?.taskIds('train')).toHaveLength(specs.length);
  }, 60_000);
});
