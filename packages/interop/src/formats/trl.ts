import { InvalidArgumentError, type Trajectory } from '@spa/core';
import {
  buildTrajectory,
  decodeSidecar,
  type ExportOptions,
  encodeSidecar,
  type ImportOptions,
  prepareExport,
  type RecordPosition,
  recordReader,
  type Sidecar,
} from '../common';

/**
 * One row of TRL's stepwise-supervision dataset type (standard format), which `PRMTrainer`
 * trains on.
 *
 * @remarks
 * TRL's dataset-format guide defines the type by three columns: `prompt` (string),
 * `completions` (list of step strings) and `labels` (one label per step; `trl-lib/math_shepherd`
 * stores `sequence: bool`). `PRMTrainer` joins the completions with its `step_separator` and
 * puts each label on the last token of its step. Here step k's completion is
 * `observation_k + separator + action_k`, so the label sits at the end of the action, where
 * SPA reads c_t.
 */
export interface TrlStepwiseRecord {
  /** The task goal. */
  readonly prompt: string;
  /** One text per step: the observation, the separator, the action. */
  readonly completions: readonly string[];
  /** One label per step: booleans (`labels: 'boolean'`) or the step rewards. */
  readonly labels: readonly boolean[] | readonly number[];
  /** Sidecar JSON with what the format cannot hold (with `metadata`, the default). */
  readonly spa?: string;
}

/** Options of {@link exportTrl}. */
export interface TrlExportOptions extends ExportOptions {
  /**
   * `'boolean'` (default) writes `r_t > threshold`, the label type PRMTrainer classifies;
   * `'reward'` writes the step rewards as floats.
   */
  readonly labels?: 'boolean' | 'reward';
  /** Threshold of boolean labels (default 0: a step is "good" when its reward is positive). */
  readonly threshold?: number;
  /** Text between a step's observation and its action (default `'\nAction: '`). */
  readonly separator?: string;
}

/** Options of {@link importTrl}. */
export interface TrlImportOptions extends ImportOptions {
  /** Separator used at export (default `'\nAction: '`); splits steps without a sidecar. */
  readonly separator?: string;
}

const DEFAULT_SEPARATOR = '\nAction: ';

/**
 * Converts trajectories to TRL stepwise-supervision rows.
 *
 * @remarks
 * Lost without `metadata`: everything but the goal, observations, actions and the labels; with
 * boolean labels the reward magnitudes too.
 */
export function exportTrl(
  trajectories: readonly Trajectory[],
  options: TrlExportOptions = {},
): TrlStepwiseRecord[] {
  const labelMode = options.labels ?? 'boolean';
  if (labelMode !== 'boolean' && labelMode !== 'reward') {
    throw new InvalidArgumentError({
      field: 'options.labels',
      reason: `expected 'boolean' or 'reward', got ${String(labelMode)}`,
    });
  }
  const threshold = options.threshold ?? 0;
  if (!Number.isFinite(threshold)) {
    throw new InvalidArgumentError({ field: 'options.threshold', reason: 'must be finite' });
  }
  const separator = options.separator ?? DEFAULT_SEPARATOR;
  const rewards = prepareExport(trajectories, options);
  return trajectories.map((trajectory, index) => {
    const stepRewards = rewards[index] ?? [];
    return {
      prompt: trajectory.goal,
      completions: trajectory.steps.map((step) => `${step.observation}${separator}${step.action}`),
      labels:
        labelMode === 'boolean' ? stepRewards.map((reward) => reward > threshold) : stepRewards,
      ...(options.metadata === false
        ? {}
        : {
            spa: encodeSidecar(trajectory, {
              observationLengths: trajectory.steps.map((step) => step.observation.length),
            }),
          }),
    };
  });
}

/**
 * Reads TRL stepwise-supervision rows back into trajectories. Numeric labels become `rewards`;
 * boolean labels carry no reward (the sidecar's `rewards` are used when present).
 *
 * @throws TrajectoryValidationError naming the record and the field.
 */
export function importTrl(
  records: readonly unknown[],
  options: TrlImportOptions = {},
): Trajectory[] {
  return records.map((record, index) =>
    importTrlRecord(
      record,
      {
        index,
        ...(options.source === undefined ? {} : { source: options.source }),
      },
      options,
    ),
  );
}

/** Imports one row (also used by the JSONL reader with a line number). */
export function importTrlRecord(
  value: unknown,
  position: RecordPosition,
  options: TrlImportOptions,
): Trajectory {
  const reader = recordReader(position);
  const record = reader.object(value, '');
  const prompt = reader.string(record.prompt, 'prompt');
  const completions = reader.strings(record.completions, 'completions');
  const labels = reader.array(record.labels, 'labels', completions.length);
  let stepRewards: number[] | undefined;
  if (labels.every((label) => typeof label === 'boolean')) {
    stepRewards = undefined;
  } else {
    stepRewards = labels.map((label, index) => reader.number(label, `labels[${index}]`));
  }
  const sidecar: Sidecar | undefined =
    record.spa === undefined ? undefined : decodeSidecar(record.spa, completions.length, reader);
  const separator = options.separator ?? DEFAULT_SEPARATOR;
  const observations: string[] = [];
  const actions: string[] = [];
  completions.forEach((completion, index) => {
    const length = sidecar?.observationLengths?.[index];
    const cut = length ?? completion.indexOf(separator);
    if (cut < 0 || cut + separator.length > completion.length) {
      reader.fail(
        `completions[${index}]`,
        `no separator ${JSON.stringify(separator)} between observation and action`,
      );
    }
    observations.push(completion.slice(0, cut));
    actions.push(completion.slice(cut + separator.length));
  });
  return buildTrajectory(
    {
      observations,
      actions,
      goal: prompt,
      ...(stepRewards === undefined ? {} : { stepRewards }),
      ...(sidecar === undefined ? {} : { sidecar }),
    },
    reader,
    options,
  );
}
