import {
  InvalidArgumentError,
  type JsonValue,
  type Trajectory,
  type TrajectoryStep,
  TrajectoryValidationError,
  validateTrajectory,
} from '@spa/core';

/** Where the per-step training reward of an exported record comes from. */
export type RewardSource = 'rewards' | 'env';

/** Options every `export…` function accepts. */
export interface ExportOptions {
  /**
   * Which per-step value becomes the format's step reward: `'rewards'` (default) reads the
   * trajectory's `rewards` (e.g. SPA's r_t = α·c_t + β·g_t from `assignStepRewards`) and throws
   * when a trajectory has none; `'env'` uses each step's own env `reward` (sparse).
   */
  readonly rewardSource?: RewardSource;
  /**
   * Adds a `spa` sidecar column (a JSON string) holding everything the format has no field for,
   * so that importing the rows gives back the original trajectories exactly.
   */
  readonly metadata?: boolean;
}

/** Options every `import…` function accepts. */
export interface ImportOptions {
  /** Label of the input for error messages (usually the file name). */
  readonly source?: string;
  /** `env` of trajectories whose record has no `spa` sidecar (default `'unknown'`). */
  readonly env?: string;
}

/** Where one record sits in its input, for error messages. */
export interface RecordPosition {
  /** 0-based index of the record in its input; absent for file-level problems. */
  readonly index?: number;
  /** 1-based line of the record in a JSONL input. */
  readonly line?: number;
  /** File name or other label of the input. */
  readonly source?: string;
}

/** The sidecar stored in the `spa` column: everything a format cannot carry itself. */
export interface Sidecar {
  readonly format: typeof SIDECAR_FORMAT;
  readonly taskId: string;
  readonly env: string;
  readonly goal: string;
  readonly finalReward: number;
  readonly won: boolean;
  readonly grounded: readonly boolean[];
  readonly envRewards: readonly number[];
  readonly contributions?: readonly number[];
  readonly rewards?: readonly number[];
  readonly meta?: { readonly [key: string]: JsonValue };
  readonly infos?: readonly ({ readonly [key: string]: JsonValue } | null)[];
  /** Length of each step's observation inside a combined step text (formats that join them). */
  readonly observationLengths?: readonly number[];
}

/** Version tag of the sidecar JSON. */
export const SIDECAR_FORMAT = 'spa-interop/1';

/** The substring the reference code tests for an invalid action (`prm/rl_data_org.py` L76–88). */
export const NOTHING_HAPPENS = 'Nothing happens';

/**
 * Throws {@link TrajectoryValidationError} naming the input, the record and the field.
 *
 * @remarks
 * With a line number (JSONL inputs) the message reads `file:line: field: reason`; otherwise the
 * record index is part of the field path: `file: records[3].labels[1]: reason`.
 */
export function recordError(
  position: RecordPosition,
  field: string,
  reason: string,
  cause?: unknown,
): TrajectoryValidationError {
  const path =
    position.line === undefined && position.index !== undefined
      ? `records[${position.index}]${field === '' ? '' : `.${field}`}`
      : field;
  return new TrajectoryValidationError({
    field: path,
    reason,
    ...(position.source === undefined ? {} : { source: position.source }),
    ...(position.line === undefined ? {} : { line: position.line }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

/** Typed field readers bound to one record; each throws a located error on mismatch. */
export interface RecordReader {
  readonly position: RecordPosition;
  object(value: unknown, field: string): Record<string, unknown>;
  string(value: unknown, field: string): string;
  number(value: unknown, field: string): number;
  boolean(value: unknown, field: string): boolean;
  array(value: unknown, field: string, length?: number): unknown[];
  strings(value: unknown, field: string, length?: number): string[];
  numbers(value: unknown, field: string, length?: number): number[];
  fail(field: string, reason: string, cause?: unknown): never;
}

/** Creates a {@link RecordReader} for the record at `position`. */
export function recordReader(position: RecordPosition): RecordReader {
  const fail = (field: string, reason: string, cause?: unknown): never => {
    throw recordError(position, field, reason, cause);
  };
  const reader: RecordReader = {
    position,
    fail,
    object(value, field) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        fail(field, `expected an object, got ${describeValue(value)}`);
      }
      return value as Record<string, unknown>;
    },
    string(value, field) {
      if (typeof value !== 'string') fail(field, `expected a string, got ${describeValue(value)}`);
      return value as string;
    },
    number(value, field) {
      // Parquet INT64 columns decode to bigint.
      const numeric = typeof value === 'bigint' ? Number(value) : value;
      if (typeof numeric !== 'number' || !Number.isFinite(numeric)) {
        fail(field, `expected a finite number, got ${describeValue(value)}`);
      }
      return numeric as number;
    },
    boolean(value, field) {
      if (typeof value !== 'boolean')
        fail(field, `expected a boolean, got ${describeValue(value)}`);
      return value as boolean;
    },
    array(value, field, length) {
      if (!Array.isArray(value)) fail(field, `expected an array, got ${describeValue(value)}`);
      const values = value as unknown[];
      if (length !== undefined && values.length !== length) {
        fail(field, `expected ${length} entries (one per step), got ${values.length}`);
      }
      return values;
    },
    strings(value, field, length) {
      return reader
        .array(value, field, length)
        .map((entry, index) => reader.string(entry, `${field}[${index}]`));
    },
    numbers(value, field, length) {
      return reader
        .array(value, field, length)
        .map((entry, index) => reader.number(entry, `${field}[${index}]`));
    },
  };
  return reader;
}

/**
 * Checks the exporter's input and returns the per-step training rewards of each trajectory.
 *
 * @throws TrajectoryValidationError for a malformed trajectory (field path `trajectories[i]…`).
 * @throws InvalidArgumentError when `rewardSource` is `'rewards'` and a trajectory has none.
 */
export function prepareExport(
  trajectories: readonly Trajectory[],
  options: ExportOptions,
): number[][] {
  const rewardSource = options.rewardSource ?? 'rewards';
  if (rewardSource !== 'rewards' && rewardSource !== 'env') {
    throw new InvalidArgumentError({
      field: 'options.rewardSource',
      reason: `expected 'rewards' or 'env', got ${describeValue(rewardSource)}`,
    });
  }
  if (!Array.isArray(trajectories)) {
    throw new InvalidArgumentError({ field: 'trajectories', reason: 'expected an array' });
  }
  return trajectories.map((trajectory: Trajectory, index: number) => {
    try {
      validateTrajectory(trajectory);
    } catch (error) {
      if (TrajectoryValidationError.isInstance(error)) {
        throw new TrajectoryValidationError({
          field: `trajectories[${index}]${error.field === '' ? '' : `.${error.field}`}`,
          reason: error.reason,
          cause: error,
        });
      }
      throw error;
    }
    if (rewardSource === 'env') return trajectory.steps.map((step) => step.reward);
    if (trajectory.rewards === undefined) {
      throw new InvalidArgumentError({
        field: `trajectories[${index}].rewards`,
        reason:
          'the trajectory has no per-step rewards; annotate it first (assignStepRewards / computeSpaRewards) or pass rewardSource: "env"',
      });
    }
    return [...trajectory.rewards];
  });
}

/** The sidecar JSON of a trajectory. */
export function encodeSidecar(
  trajectory: Trajectory,
  extra: { readonly observationLengths?: readonly number[] } = {},
): string {
  const hasInfo = trajectory.steps.some((step) => step.info !== undefined);
  const sidecar: Sidecar = {
    format: SIDECAR_FORMAT,
    taskId: trajectory.taskId,
    env: trajectory.env,
    goal: trajectory.goal,
    finalReward: trajectory.finalReward,
    won: trajectory.won,
    grounded: trajectory.steps.map((step) => step.grounded),
    envRewards: trajectory.steps.map((step) => step.reward),
    ...(trajectory.contributions === undefined ? {} : { contributions: trajectory.contributions }),
    ...(trajectory.rewards === undefined ? {} : { rewards: trajectory.rewards }),
    ...(trajectory.meta === undefined ? {} : { meta: trajectory.meta }),
    ...(hasInfo ? { infos: trajectory.steps.map((step) => step.info ?? null) } : {}),
    ...extra,
  };
  return JSON.stringify(sidecar);
}

/** Parses and checks a sidecar for a record of `numSteps` steps. */
export function decodeSidecar(
  value: unknown,
  numSteps: number,
  reader: RecordReader,
  field = 'spa',
): Sidecar {
  const text = reader.string(value, field);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    reader.fail(field, 'not valid JSON', error);
  }
  const record = reader.object(parsed, field);
  if (record.format !== SIDECAR_FORMAT) {
    reader.fail(
      `${field}.format`,
      `expected ${JSON.stringify(SIDECAR_FORMAT)}, got ${describeValue(record.format)}`,
    );
  }
  reader.string(record.taskId, `${field}.taskId`);
  reader.string(record.env, `${field}.env`);
  reader.string(record.goal, `${field}.goal`);
  reader.number(record.finalReward, `${field}.finalReward`);
  reader.boolean(record.won, `${field}.won`);
  reader.array(record.grounded, `${field}.grounded`, numSteps).forEach((entry, index) => {
    reader.boolean(entry, `${field}.grounded[${index}]`);
  });
  reader.numbers(record.envRewards, `${field}.envRewards`, numSteps);
  if (record.contributions !== undefined) {
    reader.numbers(record.contributions, `${field}.contributions`, numSteps);
  }
  if (record.rewards !== undefined) reader.numbers(record.rewards, `${field}.rewards`, numSteps);
  if (record.infos !== undefined) reader.array(record.infos, `${field}.infos`, numSteps);
  if (record.observationLengths !== undefined) {
    reader.numbers(record.observationLengths, `${field}.observationLengths`, numSteps);
  }
  return record as unknown as Sidecar;
}

/** Everything an importer read from one record. */
export interface ImportedRecord {
  readonly observations: readonly string[];
  readonly actions: readonly string[];
  /** The format's per-step reward, when it has one. */
  readonly stepRewards?: readonly number[];
  readonly sidecar?: Sidecar;
  /** Fallbacks when there is no sidecar. */
  readonly goal?: string;
  readonly taskId?: string;
  readonly finalReward?: number;
  readonly grounded?: readonly boolean[];
}

/**
 * Builds and validates a trajectory from an imported record.
 *
 * @remarks
 * With a sidecar, every field comes back as exported. Without one: `taskId` is
 * `<source>#<index>` unless the format has an id, `env` is `options.env ?? 'unknown'`,
 * `grounded` follows the reference code's rule (the next observation does not contain
 * "Nothing happens"; the last step counts as grounded), env step rewards are 0 except
 * `finalReward` on the last step, `won` is `finalReward >= 1`, and `rewards` is the format's
 * step reward.
 */
export function buildTrajectory(
  record: ImportedRecord,
  reader: RecordReader,
  options: ImportOptions,
): Trajectory {
  const { observations, actions, sidecar } = record;
  const numSteps = actions.length;
  if (numSteps === 0) reader.fail('', 'a trajectory needs at least one step');
  let trajectory: Trajectory;
  if (sidecar !== undefined) {
    const steps: TrajectoryStep[] = actions.map((action, index) => {
      const info = sidecar.infos?.[index];
      return {
        observation: observations[index] ?? '',
        action,
        grounded: sidecar.grounded[index] ?? true,
        reward: sidecar.envRewards[index] ?? 0,
        ...(info === null || info === undefined ? {} : { info }),
      };
    });
    trajectory = {
      taskId: sidecar.taskId,
      env: sidecar.env,
      goal: sidecar.goal,
      steps,
      finalReward: sidecar.finalReward,
      won: sidecar.won,
      ...(sidecar.contributions === undefined ? {} : { contributions: sidecar.contributions }),
      ...(sidecar.rewards === undefined
        ? record.stepRewards === undefined
          ? {}
          : { rewards: record.stepRewards }
        : { rewards: sidecar.rewards }),
      ...(sidecar.meta === undefined ? {} : { meta: sidecar.meta }),
    };
  } else {
    const finalReward = record.finalReward ?? 0;
    const grounded = record.grounded ?? groundedFromObservations(observations);
    trajectory = {
      taskId: record.taskId ?? `${options.source ?? 'import'}#${reader.position.index ?? 0}`,
      env: options.env ?? 'unknown',
      goal: record.goal ?? '',
      steps: actions.map((action, index) => ({
        observation: observations[index] ?? '',
        action,
        grounded: grounded[index] ?? true,
        reward: index === numSteps - 1 ? finalReward : 0,
      })),
      finalReward,
      won: finalReward >= 1,
      ...(record.stepRewards === undefined ? {} : { rewards: record.stepRewards }),
    };
  }
  try {
    return validateTrajectory(trajectory);
  } catch (error) {
    if (TrajectoryValidationError.isInstance(error)) {
      reader.fail(error.field, error.reason, error);
    }
    throw error;
  }
}

/**
 * The reference code's grounding rule (`prm/rl_data_org.py` L76–88): step k is grounded when the
 * observation after it does not contain "Nothing happens"; the last step always counts as
 * grounded.
 */
export function groundedFromObservations(observations: readonly string[]): boolean[] {
  return observations.map((_, index) => {
    const next = observations[index + 1];
    return next === undefined || !next.includes(NOTHING_HAPPENS);
  });
}

/** Llama-3 chat template pieces, exactly as `prm/rl_data_org.py` writes them. */
export const LLAMA3_TEMPLATE = {
  userPrefix: '<|start_header_id|>user<|end_header_id|>\n\n',
  userSuffix: '<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
  assistantSuffix: '<|eot_id|>',
} as const;

/** How turns are rendered into text: the reference code's Llama-3 template or plain text. */
export type ChatTemplate = 'llama3' | 'none';

/** Renders one user turn (the observation) with `template`. */
export function renderUser(text: string, template: ChatTemplate): string {
  return template === 'llama3'
    ? `${LLAMA3_TEMPLATE.userPrefix}${text}${LLAMA3_TEMPLATE.userSuffix}`
    : text;
}

/** Renders one assistant turn (the action) with `template`. */
export function renderAssistant(text: string, template: ChatTemplate): string {
  return template === 'llama3' ? `${text}${LLAMA3_TEMPLATE.assistantSuffix}` : text;
}

/** Strips the Llama-3 user template when present; plain text is returned unchanged. */
export function stripUser(text: string): string {
  const { userPrefix, userSuffix } = LLAMA3_TEMPLATE;
  if (text.startsWith(userPrefix) && text.endsWith(userSuffix)) {
    return text.slice(userPrefix.length, text.length - userSuffix.length);
  }
  return text;
}

/** Strips the Llama-3 assistant suffix when present. */
export function stripAssistant(text: string): string {
  const { assistantSuffix } = LLAMA3_TEMPLATE;
  return text.endsWith(assistantSuffix) ? text.slice(0, -assistantSuffix.length) : text;
}

/** Validates a {@link ChatTemplate} option. */
export function checkTemplate(template: unknown, field: string): ChatTemplate {
  if (template !== 'llama3' && template !== 'none') {
    throw new InvalidArgumentError({
      field,
      reason: `expected 'llama3' or 'none', got ${describeValue(template)}`,
    });
  }
  return template;
}

/**
 * Reads chat messages (an optional leading `system` message, then alternating `user` observations
 * and `assistant` actions, ending with a `user` message) into observations and actions; a bad
 * message fails naming `field[index].role` or `.content`.
 */
export function readChatTurns(
  reader: RecordReader,
  messages: readonly unknown[],
  field: string,
): { observations: string[]; actions: string[] } {
  const observations: string[] = [];
  const actions: string[] = [];
  let expected = 'user' as 'user' | 'assistant';
  messages.forEach((entry, index) => {
    const message = reader.object(entry, `${field}[${index}]`);
    const role = reader.string(message.role, `${field}[${index}].role`);
    const content = reader.string(message.content, `${field}[${index}].content`);
    if (role === 'system' && index === 0) return;
    if (role !== expected) {
      reader.fail(`${field}[${index}].role`, `expected "${expected}", got ${JSON.stringify(role)}`);
    }
    if (role === 'user') observations.push(content);
    else actions.push(content);
    expected = role === 'user' ? 'assistant' : 'user';
  });
  if (expected !== 'assistant') {
    reader.fail(field, 'must end with a user message (the last observation)');
  }
  return { observations, actions };
}
