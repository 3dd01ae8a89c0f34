import { createRng, type Rng } from '@spa/core';
import { describe, expect, it } from 'vitest';
import { SPA_ACTION_TEMPLATES } from './actions';
import { listVirtualhomeTaskSpecs } from './catalog';
import { createVirtualhomeEnv } from './env';
import { compileGoal } from './goal';
import { EnvironmentGraph, removeDuplicateEdges } from './sim/graph';
import { VIRTUALHOME_ERROR_INPUT, VIRTUALHOME_NOTHING_HAPPENS, VirtualhomeWorld } from './world';

const ODD = [
  'é',
  'ß',
  '你好',
  '🙂',
  '\u0000',
  '\u200b',
  '\t',
  '\n',
  '\r\n',
  'İ',
  'ﬁ',
  '٣',
  '\u001c',
  '\u00a0',
];
const PUNCT = ['<', '>', '[', ']', '(', ')', ':', 'Action:', '{}', '_', '1', '42', ',', '.'];

function randomText(rng: Rng): string {
  const length = rng.nextInt(0, 24);
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = rng.nextFloat();
    if (roll < 0.15) text += rng.choice(ODD);
    else if (roll < 0.35) text += rng.choice(PUNCT);
    else text += String.fromCharCode(rng.nextInt(32, 126));
  }
  return text;
}

/** A template filled with class names, near-misses of names, or junk; sometimes mangled. */
function templated(rng: Rng, classes: readonly string[]): string {
  const { template } = rng.choice(SPA_ACTION_TEMPLATES);
  const filled = template.replace(/\{\}/g, () => {
    const name = rng.choice(classes).replaceAll('_', ' ');
    switch (rng.nextInt(0, 5)) {
      case 0:
        return name.toUpperCase();
      case 1:
        return `${name}${rng.nextInt(0, 9)}`;
      case 2:
        return randomText(rng);
      case 3:
        return `<${name}> (${rng.nextInt(0, 3000)})`;
      default:
        return name;
    }
  });
  switch (rng.nextInt(0, 6)) {
    case 0:
      return `Action: ${filled}`;
    case 1:
      return `${randomText(rng)}: ${filled}`;
    case 2:
      return `[${filled.split(' ')[0]?.toUpperCase()}] ${filled}`;
    case 3:
      return filled.replace(' ', '  ');
    default:
      return filled;
  }
}

describe('fuzz: malformed, near-miss and hostile actions', () => {
  it('100k actions on real tasks: no exception, every outcome well-formed', () => {
    const specs = listVirtualhomeTaskSpecs('new_unseen_test').slice(0, 8);
    const worlds = specs.map((spec) => {
      const json = spec.initialGraph();
      const graph = EnvironmentGraph.fromJson({
        nodes: json.nodes,
        edges: removeDuplicateEdges(json.edges),
      });
      return {
        spec,
        world: new VirtualhomeWorld({
          initialGraph: graph,
          goal: compileGoal(spec.goal),
          objectIdDict: spec.objectIdDict,
        }),
        classes: [...new Set([...graph.nodes()].map((node) => node.className))],
      };
    });
    const rng = createRng(2024);
    const kinds = { executed: 0, failed: 0, 'error-input': 0 };
    let actions = 0;
    for (let episode = 0; actions < 100_000; episode++) {
      const entry = worlds[episode % worlds.length];
      if (entry === undefined) throw new Error('no world');
      entry.world.reset(rng.fork(episode));
      for (let step = 0; step < 40; step++) {
        const roll = rng.nextFloat();
        const action =
          roll < 0.55
            ? templated(rng, entry.classes)
            : roll < 0.65
              ? (entry.spec.expertActions[step] ?? 'stand up')
              : roll < 0.97
                ? randomText(rng)
                : rng.choice([
                    '',
                    ' ',
                    'Action:',
                    'Action: ',
                    'walk to '.repeat(5000),
                    '[WALK] <bedroom> (67)',
                  ]);
        const outcome = rng.nextBoolean(0.2)
          ? entry.world.stepOutput(action)
          : entry.world.act(action);
        actions += 1;
        kinds[outcome.kind] += 1;
        expect(typeof outcome.observation).toBe('string');
        if (outcome.kind === 'failed')
          expect(outcome.observation).toBe(VIRTUALHOME_NOTHING_HAPPENS);
        if (outcome.kind === 'error-input')
          expect(outcome.observation).toBe(VIRTUALHOME_ERROR_INPUT);
        expect(outcome.grounded).toBe(outcome.observation !== VIRTUALHOME_NOTHING_HAPPENS);
      }
    }
    expect(actions).toBeGreaterThanOrEqual(100_000);
    // Every kind of outcome is exercised.
    expect(kinds.executed).toBeGreaterThan(1000);
    expect(kinds.failed).toBeGreaterThan(10_000);
    expect(kinds['error-input']).toBeGreaterThan(100);
  }, 120_000);

  it('the env rejects only non-strings', async () => {
    const env = createVirtualhomeEnv();
    await env.reset({ seed: 1 });
    for (const action of ['', '\u0000', 'Action:', '<<<>>>', '[STANDUP]', ')('.repeat(1000)]) {
      const result = await env.step(action);
      expect(typeof result.observation).toBe('string');
    }
    await expect(env.step(undefined as unknown as string)).rejects.toThrow();
  });
});
