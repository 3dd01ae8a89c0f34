/**
 * VirtualHome benchmark (`npm run bench` in this package), one core (Node's main thread).
 *
 * Metrics (bench/results.json, flat; bench/results.md):
 * - `world_steps_per_second`: `VirtualhomeWorld.act` calls per second on the 30 exact unseen
 *   tasks, a seeded mix of expert actions (≈40 %), templated actions on random class names
 *   (≈40 %) and junk (≈20 %), episodes of 40 steps;
 * - `env_steps_per_second`: the same through the `TextEnv` (`createVirtualhomeEnv`: async, with
 *   the time-limit and order-enforcing wrappers and the info object), resetting at episode end;
 * - `expert_episode_steps_per_second`: expert replays of all 55 exact tasks through the env
 *   (every step executes a line; the realistic "good agent" mix);
 * - `reset_cold_ms_mean`: building a task's world (graph from JSON, SPA's `remove_duplicate_edge`,
 *   indexes, goal) plus the first reset; `reset_warm_ms_mean`: `env.reset` of a built task;
 * - `train_split_load_ms`: first `loadVirtualhomeTrainTasks('recommended')` (replays 348 programs);
 * - `peak_rss_mb`, `heap_used_after_load_mb`.
 * Target (issue #5): ≥ 10,000 steps/s. The original (Python, research/virtualhome.md §4): a full
 * SPA step ~50–130 ms, ~3.7 s per reset (remove_duplicate_edge alone).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@spa/core';
import { SPA_ACTION_TEMPLATES } from '../src/actions';
import { listVirtualhomeTaskSpecs, type VirtualhomeTaskSpec } from '../src/catalog';
import { createVirtualhomeEnv } from '../src/env';
import { compileGoal } from '../src/goal';
import { EnvironmentGraph, removeDuplicateEdges } from '../src/sim/graph';
import { loadVirtualhomeTrainTasks } from '../src/train-split';
import { VirtualhomeWorld } from '../src/world';

const here = dirname(fileURLToPath(import.meta.url));
let peakRss = process.memoryUsage().rss;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

const unseen = listVirtualhomeTaskSpecs('new_unseen_test');
const exact = [
  ...listVirtualhomeTaskSpecs('new_seen_test', { tags: ['exact'] }),
  ...unseen.filter((s) => s.tag === 'exact'),
];

function build(spec: VirtualhomeTaskSpec): VirtualhomeWorld {
  const json = spec.initialGraph();
  return new VirtualhomeWorld({
    initialGraph: EnvironmentGraph.fromJson({
      nodes: json.nodes,
      edges: removeDuplicateEdges(json.edges),
    }),
    goal: compileGoal(spec.goal),
    objectIdDict: spec.objectIdDict,
  });
}

// ── cold builds ──
const cold: number[] = [];
const worlds: { spec: VirtualhomeTaskSpec; world: VirtualhomeWorld; classes: string[] }[] = [];
for (const spec of exact) {
  const started = performance.now();
  const world = build(spec);
  world.reset();
  cold.push(performance.now() - started);
  worlds.push({
    spec,
    world,
    classes: [...new Set([...world.initialGraph.nodes()].map((n) => n.className))],
  });
}
sample();
const heapAfterLoad = process.memoryUsage().heapUsed;

// ── the action mix ──
function mix(seed: number, count: number): { task: number; action: string }[][] {
  const rng = createRng(seed);
  const episodes: { task: number; action: string }[][] = [];
  let total = 0;
  while (total < count) {
    const task = rng.nextInt(0, worlds.length - 1);
    const entry = worlds[task];
    if (entry === undefined) break;
    const episode: { task: number; action: string }[] = [];
    for (let step = 0; step < 40; step++) {
      const roll = rng.nextFloat();
      let action: string;
      if (roll < 0.4)
        action = entry.spec.expertActions[step % entry.spec.expertActions.length] ?? 'stand up';
      else if (roll < 0.8) {
        const { template } = rng.choice(SPA_ACTION_TEMPLATES);
        action = template.replace(/\{\}/g, () => rng.choice(entry.classes).replaceAll('_', ' '));
      } else
        action = rng.choice([
          'look around',
          'pick up cup',
          '',
          'walk to kitchen',
          'Action: xyzzy',
          'open',
        ]);
      episode.push({ task, action });
    }
    episodes.push(episode);
    total += episode.length;
  }
  return episodes;
}

function runWorld(episodes: { task: number; action: string }[][]): number {
  let steps = 0;
  const started = performance.now();
  for (const [index, episode] of episodes.entries()) {
    const entry = worlds[episode[0]?.task ?? 0];
    if (entry === undefined) continue;
    entry.world.reset(createRng(index));
    for (const { action } of episode) {
      steps += 1;
      if (entry.world.act(action).won) break;
    }
  }
  return steps / ((performance.now() - started) / 1000);
}

runWorld(mix(1, 20_000)); // warm-up
const worldRates = [2, 3, 4].map((seed) => runWorld(mix(seed, 60_000)));
sample();

// ── env steps ──
const env = createVirtualhomeEnv({ tasks: exact, maxCachedWorlds: 128 });
async function runEnv(episodes: { task: number; action: string }[][]): Promise<number> {
  let steps = 0;
  const started = performance.now();
  for (const [index, episode] of episodes.entries()) {
    const entry = worlds[episode[0]?.task ?? 0];
    if (entry === undefined) continue;
    await env.reset({ taskId: entry.spec.taskId, seed: index });
    for (const { action } of episode) {
      steps += 1;
      const result = await env.step(action);
      if (result.terminated || result.truncated) break;
    }
  }
  return steps / ((performance.now() - started) / 1000);
}
await runEnv(mix(5, 10_000));
const envRate = await runEnv(mix(6, 60_000));

// ── expert episodes ──
let expertSteps = 0;
const expertStarted = performance.now();
for (let round = 0; round < 20; round++) {
  for (const spec of exact) {
    await env.reset({ taskId: spec.taskId, seed: round });
    for (const action of spec.expertActions) {
      expertSteps += 1;
      if ((await env.step(action)).terminated) break;
    }
  }
}
const expertRate = expertSteps / ((performance.now() - expertStarted) / 1000);

// ── warm resets ──
const warmRounds = 50;
const warmStarted = performance.now();
for (let round = 0; round < warmRounds; round++)
  for (const spec of exact) await env.reset({ taskId: spec.taskId });
const warmMs = (performance.now() - warmStarted) / (warmRounds * exact.length);
sample();

// ── training split ──
const trainStarted = performance.now();
const trainTasks = loadVirtualhomeTrainTasks('recommended');
const trainMs = performance.now() - trainStarted;
sample();

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (value: number, digits = 0) => Number(value.toFixed(digits));
const results = {
  world_steps_per_second: round(median(worldRates)),
  env_steps_per_second: round(envRate),
  expert_episode_steps_per_second: round(expertRate),
  reset_cold_ms_mean: round(mean(cold), 2),
  reset_warm_ms_mean: round(warmMs, 4),
  train_split_load_ms: round(trainMs),
  train_tasks: trainTasks.length,
  exact_tasks: exact.length,
  peak_rss_mb: round(peakRss / 2 ** 20, 1),
  heap_used_after_load_mb: round(heapAfterLoad / 2 ** 20, 1),
  node: process.version,
  cpus: cpus().length,
  date: new Date().toISOString(),
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
const md = [
  '# @spa/env-virtualhome benchmark',
  '',
  `Node ${results.node}, ${results.cpus} CPUs (one used), ${results.date}. Reproduce: \`npm run bench\` in the package.`,
  '',
  '| metric | value | reference |',
  '| --- | --- | --- |',
  `| world steps/s (mixed actions) | ${results.world_steps_per_second} | target ≥ 10,000; original ≈ 8–20 (50–130 ms per SPA step) |`,
  `| env steps/s (TextEnv, mixed) | ${results.env_steps_per_second} | |`,
  `| expert episodes, steps/s (env) | ${results.expert_episode_steps_per_second} | |`,
  `| cold reset (build world), ms | ${results.reset_cold_ms_mean} | original ≈ 3,700 ms (remove_duplicate_edge) |`,
  `| warm reset, ms | ${results.reset_warm_ms_mean} | |`,
  `| training split first load (${results.train_tasks} tasks), ms | ${results.train_split_load_ms} | |`,
  `| peak RSS, MB | ${results.peak_rss_mb} | |`,
  `| heap after building ${results.exact_tasks} worlds, MB | ${results.heap_used_after_load_mb} | |`,
  '',
];
writeFileSync(join(here, 'results.md'), md.join('\n'));
process.stdout.write(`${md.join('\n')}\n`);
