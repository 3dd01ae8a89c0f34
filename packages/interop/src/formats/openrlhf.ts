import { InvalidArgumentError, type Trajectory } from '@spa/core';
import {
  buildTrajectory,
  decodeSidecar,
  type ExportOptions,
  encodeSidecar,
  type ImportOptions,
  prepareExport,
  type RecordPosition,
  readChatTurns,
  recordReader,
} from '../common';

/** One chat message, as OpenRLHF's `--apply_chat_template` and verl's `prompt` take them. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * One OpenRLHF JSONL row.
 *
 * @remarks
 * OpenRLHF's `PromptDataset` reads the prompt from `--input_key` (a chat message list when
 * `--apply_chat_template` is set) and an optional `--label_key` that is passed through to the
 * reward function (`reward_func(queries, prompts, labels)` or the `--remote_rm_url` server).
 * The SFT dataset reads `--input_key`/`--output_key`. Rows here use `input`, `output` and
 * `label`: the conversation up to the last observation, the last action, and a JSON string
 * `{"step_rewards": [...], "final_reward": R}` for a step-aware reward function.
 */
export interface OpenRlhfRecord {
  /** Chat messages: optional system, then user observation / assistant action pairs, ending with the last observation. */
  readonly input: readonly ChatMessage[];
  /** The last action. */
  readonly output: string;
  /** JSON string `{"step_rewards": number[], "final_reward": number}` for `--label_key label`. */
  readonly label: string;
  /** Per-step rewards as numbers (the same values as in `label`). */
  readonly step_rewards: readonly number[];
  /** Sidecar JSON with what the format cannot hold (with `metadata`, the default). */
  readonly spa?: string;
}

/** Options of {@link exportOpenRlhf}. */
export interface OpenRlhfExportOptions extends ExportOptions {
  /** A system message put first in `input` (e.g. the agent instruction). */
  readonly system?: string;
}

/**
 * Converts trajectories to OpenRLHF JSONL rows.
 *
 * @remarks
 * Lost without `metadata`: `taskId`, `env`, `goal`, `won`, `grounded`, env step rewards,
 * `contributions`, `meta` and step `info` (`final_reward` survives in `label`).
 */
export function exportOpenRlhf(
  trajectories: readonly Trajectory[],
  options: OpenRlhfExportOptions = {},
): OpenRlhfRecord[] {
  if (options.system !== undefined && typeof options.system !== 'string') {
    throw new InvalidArgumentError({ field: 'options.system', reason: 'expected a string' });
  }
  const rewards = prepareExport(trajectories, options);
  return trajectories.map((trajectory, index) => {
    const stepRewards = rewards[index] ?? [];
    const input: ChatMessage[] =
      options.system === undefined ? [] : [{ role: 'system', content: options.system }];
    trajectory.steps.forEach((step, stepIndex) => {
      input.push({ role: 'user', content: step.observation });
      if (stepIndex < trajectory.steps.length - 1) {
        input.push({ role: 'assistant', content: step.action });
      }
    });
    return {
      input,
      output: trajectory.steps[trajectory.steps.length - 1]?.action ?? '',
      label: JSON.stringify({ step_rewards: stepRewards, final_reward: trajectory.finalReward }),
      step_rewards: stepRewards,
      ...(options.metadata === false ? {} : { spa: encodeSidecar(trajectory) }),
    };
  });
}

/**
 * Reads OpenRLHF rows back into trajectories.
 *
 * @throws TrajectoryValidationError naming the record and the field.
 */
export function importOpenRlhf(
  records: readonly unknown[],
  options: ImportOptions = {},
): Trajectory[] {
  return records.map((record, index) =>
    importOpenRlhfRecord(
      record,
      { index, ...(options.source === undefined ? {} : { source: options.source }) },
      options,
    ),
  );
}

/** Imports one row (also used by the JSONL reader with a line number). */
export function importOpenRlhfRecord(
  value: unknown,
  position: RecordPosition,
  options: ImportOptions,
): Trajectory {
  const reader = recordReader(position);
  const record = reader.object(value, '');
  const messages = reader.array(record.input, 'input');
  const output = reader.string(record.output, 'output');
  const { observations, actions } = readChatTurns(reader, messages, 'input');
  actions.push(output);
  let labelRewards: number[] | undefined;
  let finalReward: number | undefined;
  if (record.label !== undefined) {
    const labelText = reader.string(record.label, 'label');
    let parsed: unknown;
    try {
      parsed = JSON.parse(labelText);
    } catch (error) {
      reader.fail('label', 'not valid JSON', error);
    }
    const label = reader.object(parsed, 'label');
    if (label.step_rewards !== undefined) {
      labelRewards = reader.numbers(label.step_rewards, 'label.step_rewards', actions.length);
    }
    if (label.final_reward !== undefined) {
      finalReward = reader.number(label.final_reward, 'label.final_reward');
    }
  }
  const stepRewards =
    record.step_rewards === undefined
      ? labelRewards
      : reader.numbers(record.step_rewards, 'step_rewards', actions.length);
  return buildTrajectory(
    {
      observations,
      actions,
      ...(stepRewards === undefined ? {} : { stepRewards }),
      ...(finalReward === undefined ? {} : { finalReward }),
      ...(record.spa === undefined
        ? {}
        : { sidecar: decodeSidecar(record.spa, actions.length, reader) }),
    },
    reader,
    options,
  );
}
