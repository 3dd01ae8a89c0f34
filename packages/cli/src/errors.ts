import { SpaError } from '@spa/core';

/** A run configuration (file or flags) that does not validate; names the field, the value and what is accepted. */
export class ConfigValidationError extends SpaError {
  /** One line per problem: `field: reason (got value)`. */
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[], options: { cause?: unknown } = {}) {
    super(
      'ConfigValidationError',
      `Invalid configuration (${source}):\n- ${problems.join('\n- ')}`,
      options,
    );
    this.problems = problems;
  }
}
