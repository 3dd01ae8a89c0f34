import { InvalidArgumentError, type Trajectory } from '@spa/core';
import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
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
  readChatTurns,
  recordReader,
  renderAssistant,
  renderUser,
} from '../common';
import type { ChatMessage } from './openrlhf';

/**
 * One row of a verl RL dataset, with SPA's step rewards and where each belongs.
 *
 * @remarks
 * verl's data-preparation guide (`docs/preparation/prepare_data.rst`, "Data Preparation for
 * Post-Training") fixes five columns: `data_source` (selects the reward function), `prompt`
 * (chat messages), `ability`, `reward_model` (`{style, ground_truth}`) and `extra_info`
 * (free-form; verl passes it to `compute_score(data_source, solution_str, ground_truth,
 * extra_info)`). Everything step-level goes into `extra_info`.
 *
 * Token-level placement: `extra_info.transcript` is the whole episode rendered as the reference
 * trainer's query + response (prompt_0, response_0, …, prompt_{T−1}, response_{T−1}) and
 * `[step_char_start[k], step_char_end[k])` is response k inside it. Step k's reward belongs on
 * the token that contains character `step_char_end[k] − 1` (the last token of the step's
 * response, as in the reference `compute_rewards`); with a fast tokenizer,
 * `return_offsets_mapping=True` finds that token. `step_message_index[k]` is the same position as
 * a message index in `prompt` + the final assistant message.
 */
export interface VerlRecord {
  readonly data_source: string;
  /** The conversation up to the last observation (the query the final action answers). */
  readonly prompt: readonly ChatMessage[];
  readonly ability: string;
  readonly reward_model: { readonly style: string; readonly ground_truth: string };
  readonly extra_info: VerlExtraInfo;
}

/** `extra_info` of a {@link VerlRecord}. */
export interface VerlExtraInfo {
  /** Position of the row in the exported set. */
  readonly index: number;
  readonly split: string;
  /** The last action (the reference trainer's `response`). */
  readonly response: string;
  /** The episode rendered with the chat template; offsets below index into it. */
  readonly transcript: string;
  /** r_t, one per step. */
  readonly step_rewards: readonly number[];
  /** Start of response k in `transcript` (UTF-16 code units, as Python `str` on BMP text). */
  readonly step_char_start: readonly number[];
  /** End (exclusive) of response k in `transcript`; the reward goes on the token holding `end − 1`. */
  readonly step_char_end: readonly number[];
  /** Index of step k's assistant message in `[...prompt, {role: 'assistant', content: response}]`. */
  readonly step_message_index: readonly number[];
  /** Sidecar JSON with what the format cannot hold, or `null` without `metadata`. */
  readonly spa: string | null;
}

/** Options of {@link exportVerl}. */
export interface VerlExportOptions extends ExportOptions {
  /** `data_source` of every row (default `spa/<env>`). */
  readonly dataSource?: string;
  /** `ability` of every row (default `'agent'`). */
  readonly ability?: string;
  /** `extra_info.split` (default `'train'`). */
  readonly split?: string;
  /** `reward_model.style` (default `'spa-step'`). */
  readonly style?: string;
  /** Template of `transcript` (default `'llama3'`, the reference code's). */
  readonly template?: ChatTemplate;
  /** A system message put first in `prompt`. */
  readonly system?: string;
}

/**
 * Converts trajectories to verl dataset rows.
 *
 * @remarks
 * `reward_model.ground_truth` is the final reward R as a decimal string. Lost without
 * `metadata`: `taskId`, `env`, `goal`, `won`, `grounded`, env step rewards, `contributions`,
 * `meta` and step `info` (R survives in `ground_truth`).
 */
export function exportVerl(
  trajectories: readonly Trajectory[],
  options: VerlExportOptions = {},
): VerlRecord[] {
  const template = checkTemplate(options.template ?? 'llama3', 'options.template');
  for (const key of ['dataSource', 'ability', 'split', 'style', 'system'] as const) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidArgumentError({ field: `options.${key}`, reason: 'expected a string' });
    }
  }
  const rewards = prepareExport(trajectories, options);
  return trajectories.map((trajectory, index) => {
    const prompt: ChatMessage[] =
      options.system === undefined ? [] : [{ role: 'system', content: options.system }];
    const starts: number[] = [];
    const ends: number[] = [];
    const messageIndex: number[] = [];
    let transcript = '';
    trajectory.steps.forEach((step, stepIndex) => {
      prompt.push({ role: 'user', content: step.observation });
      messageIndex.push(prompt.length);
      if (stepIndex < trajectory.steps.length - 1) {
        prompt.push({ role: 'assistant', content: step.action });
      }
      transcript += renderUser(step.observation, template);
      starts.push(transcript.length);
      transcript += renderAssistant(step.action, template);
      ends.push(transcript.length);
    });
    return {
      data_source: options.dataSource ?? `spa/${trajectory.env}`,
      prompt,
      ability: options.ability ?? 'agent',
      reward_model: {
        style: options.style ?? 'spa-step',
        ground_truth: String(trajectory.finalReward),
      },
      extra_info: {
        index,
        split: options.split ?? 'train',
        response: trajectory.steps[trajectory.steps.length - 1]?.action ?? '',
        transcript,
        step_rewards: rewards[index] ?? [],
        step_char_start: starts,
        step_char_end: ends,
        step_message_index: messageIndex,
        spa: options.metadata === false ? null : encodeSidecar(trajectory),
      },
    };
  });
}

/**
 * Reads verl rows (e.g. from {@link fromVerlParquet}) back into trajectories.
 *
 * @throws TrajectoryValidationError naming the record and the field.
 */
export function importVerl(records: readonly unknown[], options: ImportOptions = {}): Trajectory[] {
  return records.map((record, index) =>
    importVerlRecord(
      record,
      { index, ...(options.source === undefined ? {} : { source: options.source }) },
      options,
    ),
  );
}

function importVerlRecord(
  value: unknown,
  position: RecordPosition,
  options: ImportOptions,
): Trajectory {
  const reader = recordReader(position);
  const record = reader.object(value, '');
  reader.string(record.data_source, 'data_source');
  const rewardModel = reader.object(record.reward_model, 'reward_model');
  const groundTruth = reader.string(rewardModel.ground_truth, 'reward_model.ground_truth');
  const finalReward = Number(groundTruth);
  if (groundTruth.trim() === '' || !Number.isFinite(finalReward)) {
    reader.fail(
      'reward_model.ground_truth',
      `expected a number, got ${JSON.stringify(groundTruth)}`,
    );
  }
  const extra = reader.object(record.extra_info, 'extra_info');
  const response = reader.string(extra.response, 'extra_info.response');
  const messages = reader.array(record.prompt, 'prompt');
  const { observations, actions } = readChatTurns(reader, messages, 'prompt');
  actions.push(response);
  const stepRewards = reader.numbers(extra.step_rewards, 'extra_info.step_rewards', actions.length);
  const spa = extra.spa;
  return buildTrajectory(
    {
      observations,
      actions,
      stepRewards,
      finalReward,
      ...(spa === undefined || spa === null
        ? {}
        : { sidecar: decodeSidecar(spa, actions.length, reader, 'extra_info.spa') }),
    },
    reader,
    options,
  );
}

// Parquet schema of a verl row: `prompt` is list<struct<role, content>> and the two dict
// columns are structs, which is how `datasets`/pandas store verl's own preprocessed rows
// (e.g. `examples/data_preprocess/gsm8k.py` via `Dataset.to_parquet`).
const text = (name: string) =>
  ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }) as const;
const list = (name: string, type: 'DOUBLE' | 'INT64') =>
  [
    { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type, repetition_type: 'OPTIONAL' },
  ] as const;
const VERL_SCHEMA = [
  { name: 'root', num_children: 5 },
  text('data_source'),
  { name: 'prompt', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  text('role'),
  text('content'),
  text('ability'),
  { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 2 },
  text('style'),
  text('ground_truth'),
  { name: 'extra_info', repetition_type: 'OPTIONAL', num_children: 9 },
  { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' },
  text('split'),
  text('response'),
  text('transcript'),
  ...list('step_rewards', 'DOUBLE'),
  ...list('step_char_start', 'INT64'),
  ...list('step_char_end', 'INT64'),
  ...list('step_message_index', 'INT64'),
  text('spa'),
];

const toBigInts = (values: readonly number[]) => values.map((value) => BigInt(value));

/** Encodes verl rows as a parquet file (SNAPPY, pure JS via `hyparquet-writer`). */
export function toVerlParquet(records: readonly VerlRecord[]): Uint8Array {
  if (records.length === 0) {
    throw new InvalidArgumentError({ field: 'records', reason: 'parquet needs at least one row' });
  }
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'data_source', data: records.map((record) => record.data_source) },
      { name: 'prompt', data: records.map((record) => record.prompt) },
      { name: 'ability', data: records.map((record) => record.ability) },
      { name: 'reward_model', data: records.map((record) => record.reward_model) },
      {
        name: 'extra_info',
        data: records.map(({ extra_info: extra }) => ({
          ...extra,
          index: BigInt(extra.index),
          step_char_start: toBigInts(extra.step_char_start),
          step_char_end: toBigInts(extra.step_char_end),
          step_message_index: toBigInts(extra.step_message_index),
        })),
      },
    ],
    // hyparquet-writer's SchemaElement type is structural; the literal above matches it.
    schema: VERL_SCHEMA as unknown as NonNullable<
      Parameters<typeof parquetWriteBuffer>[0]['schema']
    >,
  });
  return new Uint8Array(buffer);
}

/**
 * Decodes a parquet file into plain rows (INT64 become numbers), for {@link importVerl}.
 *
 * @throws TrajectoryValidationError when the bytes are not a readable parquet file.
 */
export async function fromVerlParquet(bytes: Uint8Array, source?: string): Promise<unknown[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: file as ArrayBuffer });
  } catch (error) {
    throw recordReader(source === undefined ? {} : { source }).fail(
      '',
      `not a readable parquet file (${error instanceof Error ? error.message : String(error)})`,
      error,
    );
  }
  return rows.map((row) => toPlain(row));
}

function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, entry]) => [key, toPlain(entry)]),
    );
  }
  return value;
}
