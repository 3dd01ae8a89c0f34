// Example 01: SPA step rewards vs sparse and uniform ones on a scripted env.
import { pathToFileURL } from 'node:url';
import {
  assignStepRewards,
  collectEpisode,
  collectPrefixReturns,
  mcRewards,
  type Trajectory,
} from '@spa/core';
import { createScriptedEnv, createScriptedExpert, generateScriptedTasks } from '@spa/core/testing';

export type StepKind = 'key' | 'distractor' | 'invalid';
const KINDS: readonly StepKind[] = ['key', 'distractor', 'invalid'];

/** Key steps advance the task (the env's `progress` counter rises); invalid ones are ungrounded. */
export function stepKinds(trajectory: Trajectory): StepKind[] {
  return trajectory.steps.map((step, t) => {
    if (!step.grounded) return 'invalid';
    const before = t === 0 ? 0 : Number(trajectory.steps[t - 1]?.info?.progress ?? 0);
    return Number(step.info?.progress ?? 0) > before ? 'key' : 'distractor';
  });
}

export async function runDemo({ seed = 1, rolloutsPerTask = 4, continuations = 32 } = {}) {
  const tasks = generateScriptedTasks();
  const env = createScriptedEnv({ tasks, maxEpisodeSteps: 10 });
  const noisy = { mistakeRate: 0.5, invalidActionRate: 0.5 };
  const behaviour = createScriptedExpert(tasks, { seed, ...noisy });
  // Continuations: own stream, so exploration does not depend on their number.
  const policy = createScriptedExpert(tasks, { seed: seed + 1, ...noisy });
  const rollouts = continuations;
  const trajectories: Trajectory[] = [];
  for (const [index, task] of tasks.filter((t) => t.split === 'train').entries()) {
    for (let rollout = 0; rollout < rolloutsPerTask; rollout++) {
      // 1. Exploration: N rollouts per training task (the paper's stage 2).
      const trajectory = await collectEpisode(env, behaviour, {
        seed: seed * 10_000 + index * rolloutsPerTask + rollout,
        taskId: task.id,
        keepInfo: true,
      });
      // 2. Progress c_t = v_t − v_{t−1}, v_t = P(success | first t actions) from Monte-Carlo
      //    continuations: a stand-in for the trained estimator (example 02).
      const prefixReturns = await collectPrefixReturns({ env, policy, trajectory, rollouts });
      const contributions = mcRewards({ prefixReturns, finalReward: trajectory.finalReward });
      trajectories.push({ ...trajectory, contributions });
    }
  }
  // 3. Step rewards per scheme (SPA: r_t = α·c_t + β·g_t, α = 1, β = 0.5), averaged per kind.
  const meanReward: Record<string, Record<StepKind, number>> = {};
  for (const scheme of ['sparse', 'uniform', 'spa'] as const) {
    const rewards = assignStepRewards({ trajectories, scheme });
    const pairs = trajectories.flatMap((t, row) =>
      stepKinds(t).map((kind, i) => [kind, rewards[row]?.[i] ?? 0] as const),
    );
    const mean = (kind: StepKind) => {
      const values = pairs.filter(([k]) => k === kind).map(([, r]) => r);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    meanReward[scheme] = Object.fromEntries(KINDS.map((k) => [k, mean(k)])) as Record<
      StepKind,
      number
    >;
  }
  const successRate = trajectories.filter((t) => t.won).length / trajectories.length;
  return { trajectories, successRate, meanReward };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { trajectories, successRate, meanReward } = await runDemo();
  const steps = trajectories.reduce((n, t) => n + t.steps.length, 0);
  const rate = (100 * successRate).toFixed(1);
  console.log(
    `Explored ${trajectories.length} episodes, ${steps} steps; success rate ${rate} %.\n`,
  );
  console.log('mean step reward   key steps   distractors   invalid actions');
  for (const [scheme, row] of Object.entries(meanReward)) {
    const cells = KINDS.map((k, i) => row[k].toFixed(3).padStart([11, 14, 18][i] ?? 0));
    console.log(`${scheme.padEnd(16)}${cells.join('')}`);
  }
}
