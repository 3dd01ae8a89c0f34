import type { Trajectory, TrajectoryStep } from '@spa/core';

/** Observations that mark the previous action as not grounded (ALFWorld, VirtualHome, SPA-RL). */
const UNGROUNDED = /^(?:nothing happens\.?|invalid action\.?.*)$/is;
const MARKER = /^[ \t]*(Goal|Task|Observation|Thought|Action)[ \t]*:[ \t]?/gim;

/**
 * Reads a ReAct transcript (the OpenRLHF `query` string) into a {@link Trajectory}.
 *
 * @remarks
 * Grammar (line-oriented, markers case-insensitive, each at the start of a line):
 *
 * - `Goal: …` or `Task: …` sets the goal (the first one wins). Without one, the goal is the text
 *   before the first marker (the prompt), trimmed.
 * - `Observation: …` is the env's text; it runs until the next marker.
 * - `Thought: …` is dropped (the estimator reads actions, not thoughts).
 * - `Action: …` closes a step: its observation is the last `Observation:` before it (`''` if
 *   none since the previous action, or the prompt text for the first action when there is no
 *   observation at all).
 * - A step is grounded unless the observation right after its action reads `Nothing happens.`
 *   or starts with `Invalid action` (ALFWorld/VirtualHome/SPA-RL's signal). The last action has
 *   no observation after it and counts as grounded (core's `lastStep: 'always-grounded'`).
 *
 * Returns `undefined` when the transcript has no `Action:` line.
 */
export function parseReactTranscript(
  text: string,
  meta: { taskId: string; env: string; finalReward: number },
): Trajectory | undefined {
  const parts: { kind: string; text: string }[] = [];
  let preamble = '';
  let last = 0;
  let kind: string | undefined;
  for (const match of text.matchAll(MARKER)) {
    const body = text.slice(last, match.index);
    if (kind === undefined) preamble = body;
    else parts.push({ kind, text: body.trim() });
    kind = (match[1] as string).toLowerCase();
    last = match.index + match[0].length;
  }
  if (kind === undefined) return undefined;
  parts.push({ kind, text: text.slice(last).trim() });

  let goal: string | undefined;
  const steps: TrajectoryStep[] = [];
  let observation: string | undefined;
  let pendingAction: string | undefined;
  const closeStep = (next: string | undefined): void => {
    if (pendingAction === undefined) return;
    steps.push({
      observation: observation ?? (steps.length === 0 ? preamble.trim() : ''),
      action: pendingAction,
      grounded: next === undefined ? true : !UNGROUNDED.test(next),
      reward: 0,
    });
    pendingAction = undefined;
    observation = undefined;
  };
  for (const part of parts) {
    if (part.kind === 'goal' || part.kind === 'task') {
      goal ??= part.text;
    } else if (part.kind === 'observation') {
      if (pendingAction !== undefined) closeStep(part.text);
      observation = part.text;
    } else if (part.kind === 'action') {
      closeStep(undefined);
      pendingAction = part.text;
    }
  }
  closeStep(undefined);
  if (steps.length === 0) return undefined;
  const lastStep = steps[steps.length - 1] as TrajectoryStep;
  steps[steps.length - 1] = { ...lastStep, reward: meta.finalReward };
  return {
    taskId: meta.taskId,
    env: meta.env,
    goal: goal ?? preamble.trim(),
    steps,
    finalReward: meta.finalReward,
    won: meta.finalReward >= 1,
  };
}
