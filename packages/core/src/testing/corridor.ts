/**
 * A long-horizon scripted task where only the first action matters, and a least-squares
 * progress estimator — the SPA paper's claim in miniature (used by `@spa/ppo`'s tests and the
 * CLI demo).
 */
import type { StepInfo, StepResult, TextEnv } from '../env/text-env';
import { withDefaultWrappers } from '../env/wrappers';
import { EnvClosedError, InvalidActionError, UnknownTaskError } from '../errors/env-errors';
import type { EstimatorFitReport, ProgressEstimator } from '../estimator/progress-estimator';
import type { Trajectory } from '../trajectory/trajectory';

export const COLOURS = ['red', 'blue', 'green'] as const;
/** The key that opens every door (the one decision that matters). */
export const CORRECT_KEY = 'red';
const DOORS = ['north', 'south', 'east', 'west'] as const;

/** Task ids `corridor/<door>`. */
export const CORRIDOR_TASKS: readonly string[] = DOORS.map((door) => `corridor/${door}`);

/**
 * "Open the north door": take one of three keys (the only decision that matters: the red one
 * fits every door), walk the corridor (`walk forward`, `walks` times), then `open door`.
 * Reward 1 at the end when the key fits, else 0 — a delayed reward decided by the first action.
 * Any other string is "Nothing happens." (ungrounded).
 */
export function createCorridorEnv(options: { readonly walks?: number } = {}): TextEnv<StepInfo> {
  const walks = options.walks ?? 6;
  let task: { id: string; door: string } | undefined;
  let held: string | undefined;
  let walked = 0;
  let closed = false;
  const goalOf = (t: NonNullable<typeof task>): string => `open the ${t.door} door.`;
  const admissible = (): string[] =>
    held === undefined
      ? COLOURS.map((c) => `take ${c} key`)
      : walked < walks
        ? ['walk forward']
        : ['open door'];
  const info = (grounded: boolean, won: boolean): StepInfo => ({
    won,
    grounded,
    score: won ? 1 : 0,
    admissibleActions: admissible(),
    goal: task ? goalOf(task) : '',
    taskId: task?.id ?? '',
    taskType: task?.door ?? '',
  });
  const raw: TextEnv<StepInfo> = {
    specificationVersion: 'v1',
    id: 'corridor-v0',
    metadata: { rewardRange: [0, 1], taskCount: CORRIDOR_TASKS.length },
    tasks: {
      splits: ['train'],
      taskIds: () => [...CORRIDOR_TASKS],
    },
    async reset(resetOptions = {}) {
      if (closed) throw new EnvClosedError({ envId: 'corridor-v0', method: 'reset' });
      const id =
        resetOptions.taskId ?? CORRIDOR_TASKS[(resetOptions.seed ?? 0) % CORRIDOR_TASKS.length];
      const match = /^corridor\/(north|south|east|west)$/.exec(id ?? '');
      if (id === undefined || match === null) {
        throw new UnknownTaskError({ taskId: String(id), envId: 'corridor-v0' });
      }
      task = { id, door: match[1] as string };
      held = undefined;
      walked = 0;
      return {
        observation:
          'You are at the start of a corridor. There is a red key, a blue key and a green key.',
        info: info(true, false),
      };
    },
    async step(action: string): Promise<StepResult<StepInfo>> {
      if (typeof action !== 'string')
        throw new InvalidActionError({ action, envId: 'corridor-v0' });
      const command = action.trim();
      const nothing = (): StepResult<StepInfo> => ({
        observation: 'Nothing happens.',
        reward: 0,
        terminated: false,
        truncated: false,
        info: info(false, false),
      });
      if (held === undefined) {
        const colour = COLOURS.find((c) => command === `take ${c} key`);
        if (colour === undefined) return nothing();
        held = colour;
        return {
          observation: `You take the ${colour} key.`,
          reward: 0,
          terminated: false,
          truncated: false,
          info: info(true, false),
        };
      }
      if (walked < walks) {
        if (command !== 'walk forward') return nothing();
        walked += 1;
        return {
          observation: walked < walks ? 'You walk forward.' : 'You reach the door.',
          reward: 0,
          terminated: false,
          truncated: false,
          info: info(true, false),
        };
      }
      if (command !== 'open door') return nothing();
      const won = held === CORRECT_KEY;
      return {
        observation: won ? 'The door opens.' : 'The key does not fit.',
        reward: won ? 1 : 0,
        terminated: true,
        truncated: false,
        info: info(true, won),
      };
    },
    async close() {
      closed = true;
    },
    async [Symbol.asyncDispose]() {
      closed = true;
    },
  };
  return withDefaultWrappers(raw, { maxEpisodeSteps: walks + 4 });
}

/** A demonstration that takes the `keyColour` key, walks and opens (won when it is the red one). */
export function corridorDemonstration(taskId: string, keyColour: string, walks = 6): Trajectory {
  const door = taskId.replace('corridor/', '');
  const steps = [
    {
      observation:
        'You are at the start of a corridor. There is a red key, a blue key and a green key.',
      action: `take ${keyColour} key`,
      grounded: true,
      reward: 0,
    },
    ...Array.from({ length: walks }, (_, i) => ({
      observation: i === 0 ? `You take the ${keyColour} key.` : 'You walk forward.',
      action: 'walk forward',
      grounded: true,
      reward: 0,
    })),
  ];
  const won = keyColour === CORRECT_KEY;
  steps.push({
    observation: 'You reach the door.',
    action: 'open door',
    grounded: true,
    reward: won ? 1 : 0,
  });
  return {
    taskId,
    env: 'corridor-v0',
    goal: `open the ${door} door.`,
    steps,
    finalReward: won ? 1 : 0,
    won,
  };
}

/**
 * A progress estimator with one weight per (goal, action) pair, fitted by gradient descent on
 * the paper's objective mean (Σ_t c_t − R)² (plus a small ridge term). Small, exact and fast:
 * the transformer estimator lives in `@spa/estimator`, which `@spa/ppo` may not import.
 */
export class TabularProgressEstimator implements ProgressEstimator {
  readonly specificationVersion = 'v1' as const;
  private readonly weights = new Map<string, number>();

  async fit(trajectories: readonly Trajectory[]): Promise<EstimatorFitReport> {
    const keyed = trajectories.map((t) => ({
      keys: t.steps.map((s) => `${t.goal}|${s.action}`),
      target: t.finalReward,
    }));
    for (const { keys } of keyed)
      for (const key of keys) this.weights.set(key, this.weights.get(key) ?? 0);
    const rate = 0.05;
    const ridge = 1e-3;
    let loss = 0;
    for (let epoch = 0; epoch < 400; epoch++) {
      const grad = new Map<string, number>();
      loss = 0;
      for (const { keys, target } of keyed) {
        const error = keys.reduce((s, k) => s + (this.weights.get(k) as number), 0) - target;
        loss += error * error;
        for (const key of keys) grad.set(key, (grad.get(key) ?? 0) + (2 * error) / keyed.length);
      }
      loss /= keyed.length;
      for (const [key, g] of grad) {
        const w = this.weights.get(key) as number;
        this.weights.set(key, w - rate * (g + ridge * w));
      }
    }
    return { steps: 400, trainLoss: loss };
  }

  async predict(trajectories: readonly Trajectory[]): Promise<number[][]> {
    return trajectories.map((t) =>
      t.steps.map((s) => this.weights.get(`${t.goal}|${s.action}`) ?? 0),
    );
  }

  async save(): Promise<void> {}

  async load(): Promise<void> {}
}
