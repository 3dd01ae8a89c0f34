import type { Trajectory } from '@spa/core';
import {
  buildTrajectory,
  type ChatTemplate,
  checkTemplate,
  decodeSidecar,
  type ExportOptions,
  encodeSidecar,
  type ImportOptions,
  prepareExport,
  type RecordPosition,
  recordReader,
  renderAssistant,
  renderUser,
  stripAssistant,
  stripUser,
} from '../common';

/**
 * One trajectory in the SPA-RL reference code's step-PPO data: the k-th entries of `prompt`,
 * `response` and `reward` are turn k.
 *
 * @remarks
 * `prm/rl_data_org.py` (WangHanLinHenry/SPA-RL-Agent) writes one JSON object
 * `{ prompt: string[][], response: string[][], reward: number[][] }` (one inner list per
 * trajectory) with prompt_k = the Llama-3 user turn plus the assistant header, response_k = the
 * assistant turn plus `<|eot_id|>`, and reward_k = the step's score. `ppo/step_ppo.py` loads it
 * with `load_dataset('json')`, concatenates prompt_0, response_0, …, prompt_{T−1} into the query
 * and response_{T−1} into the response, and `compute_rewards` puts reward_k on the last token of
 * response_k.
 */
export interface SpaReferenceRecord {
  /** Rendered user turns (observation k), one per step. */
  readonly prompt: readonly string[];
  /** Rendered assistant turns (action k), one per step. */
  readonly response: readonly string[];
  /** Per-step reward (the reference code's score_k = value_k + grounding_k). */
  readonly reward: readonly number[];
  /** Sidecar JSON with what the format cannot hold (only with `metadata: true`). */
  readonly spa?: string;
}

/** The column-oriented JSON object `rl_data_org.py` writes and `step_ppo.py` reads. */
export interface SpaReferenceFile {
  readonly prompt: readonly (readonly string[])[];
  readonly response: readonly (readonly string[])[];
  readonly reward: readonly (readonly number[])[];
  readonly spa?: readonly string[];
}

/** Options of {@link exportSpaReference}. */
export interface SpaReferenceExportOptions extends ExportOptions {
  /** Turn template; default `'llama3'`, the reference code's. `'none'` writes raw text. */
  readonly template?: ChatTemplate;
}

/** Options of {@link importSpaReference}. */
export interface SpaReferenceImportOptions extends ImportOptions {
  /**
   * Leading turns to drop from every record. Files made by the reference code start with the
   * instruction turn (answered "OK") and the in-context example; pass their count to keep only
   * the task's own steps. Default 0.
   */
  readonly skipTurns?: number;
}

/**
 * Converts trajectories to the reference code's step-PPO records.
 *
 * @remarks
 * Lost without `metadata`: `taskId`, `env`, `goal`, `finalReward`, `won`, `grounded`, env step
 * rewards, `contributions`, `meta` and step `info`. The default `metadata: false` writes exactly
 * the three columns the reference trainer reads.
 */
export function exportSpaReference(
  trajectories: readonly Trajectory[],
  options: SpaReferenceExportOptions = {},
): SpaReferenceRecord[] {
  const template = checkTemplate(options.template ?? 'llama3', 'options.template');
  const rewards = prepareExport(trajectories, options);
  return trajectories.map((trajectory, index) => ({
    prompt: trajectory.steps.map((step) => renderUser(step.observation, template)),
    response: trajectory.steps.map((step) => renderAssistant(step.action, template)),
    reward: rewards[index] ?? [],
    ...(options.metadata === true ? { spa: encodeSidecar(trajectory) } : {}),
  }));
}

/**
 * Reads reference step-PPO records back into trajectories (see `buildTrajectory` for the
 * defaults of what a record without sidecar lacks).
 *
 * @throws TrajectoryValidationError naming the record and the field.
 */
export function importSpaReference(
  records: readonly unknown[],
  options: SpaReferenceImportOptions = {},
): Trajectory[] {
  const skipTurns = options.skipTurns ?? 0;
  return records.map((record, index) =>
    importSpaReferenceRecord(record, { index, ...sourceOf(options) }, options, skipTurns),
  );
}

function importSpaReferenceRecord(
  value: unknown,
  position: RecordPosition,
  options: ImportOptions,
  skipTurns: number,
): Trajectory {
  const reader = recordReader(position);
  const record = reader.object(value, '');
  const prompts = reader.strings(record.prompt, 'prompt');
  const responses = reader.strings(record.response, 'response', prompts.length);
  const rewards = reader.numbers(record.reward, 'reward', prompts.length);
  if (prompts.length <= skipTurns) {
    reader.fail('prompt', `has ${prompts.length} turns; skipTurns ${skipTurns} leaves none`);
  }
  const observations = prompts.slice(skipTurns).map(stripUser);
  const actions = responses.slice(skipTurns).map(stripAssistant);
  const stepRewards = rewards.slice(skipTurns);
  return buildTrajectory(
    {
      observations,
      actions,
      stepRewards,
      ...(record.spa === undefined
        ? {}
        : { sidecar: decodeSidecar(record.spa, actions.length, reader) }),
    },
    reader,
    options,
  );
}

/** Turns rows into the column-oriented object the reference code writes. */
export function toSpaReferenceFile(records: readonly SpaReferenceRecord[]): SpaReferenceFile {
  const withSidecar = records.length > 0 && records.every((record) => record.spa !== undefined);
  return {
    prompt: records.map((record) => record.prompt),
    response: records.map((record) => record.response),
    reward: records.map((record) => record.reward),
    ...(withSidecar ? { spa: records.map((record) => record.spa ?? '') } : {}),
  };
}

/**
 * Splits the column-oriented object into rows. An array of row objects is accepted as is.
 *
 * @throws TrajectoryValidationError when the columns are missing or of different lengths.
 */
export function fromSpaReferenceFile(value: unknown, source?: string): unknown[] {
  if (Array.isArray(value)) return value;
  const reader = recordReader(source === undefined ? {} : { source });
  if (value === null || typeof value !== 'object') {
    return reader.fail(
      '',
      'expected an object with prompt/response/reward columns or an array of rows',
    );
  }
  const columns = value as Record<string, unknown>;
  const prompt = reader.array(columns.prompt, 'prompt');
  const response = reader.array(columns.response, 'response', prompt.length);
  const reward = reader.array(columns.reward, 'reward', prompt.length);
  const spa =
    columns.spa === undefined ? undefined : reader.array(columns.spa, 'spa', prompt.length);
  return prompt.map((entry, index) => ({
    prompt: entry,
    response: response[index],
    reward: reward[index],
    ...(spa === undefined ? {} : { spa: spa[index] }),
  }));
}

function sourceOf(options: ImportOptions): { source?: string } {
  return options.source === undefined ? {} : { source: options.source };
}
