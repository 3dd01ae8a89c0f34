const marker = Symbol.for('spa.error.kernel-input');

/**
 * A kernel input is invalid. `field` names it (e.g. `rewards`, `layout.offsets[3]`), `reason` says
 * what is wrong and what is accepted.
 *
 * @remarks
 * `@spa/kernels` has no dependency; this mirrors `@spa/core`'s `InvalidArgumentError` shape
 * (`field`, `reason`) and is recognised across copies of the package with
 * {@link KernelInputError.isInstance}.
 */
export class KernelInputError extends Error {
  readonly field: string;
  readonly reason: string;
  readonly [marker] = true;

  constructor(options: { field: string; reason: string }) {
    super(`Invalid kernel input ${options.field}: ${options.reason}`);
    this.name = 'KernelInputError';
    this.field = options.field;
    this.reason = options.reason;
  }

  /** True for a {@link KernelInputError} from any copy of this package. */
  static isInstance(error: unknown): error is KernelInputError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[marker] === true
    );
  }
}

const unavailable = Symbol.for('spa.error.kernel-backend-unavailable');

/** The backend asked for with `prefer` cannot run (not installed, no adapter, …). */
export class KernelBackendUnavailableError extends Error {
  readonly backend: string;
  readonly [unavailable] = true;

  constructor(backend: string, reason: string) {
    super(`Kernel backend "${backend}" is unavailable: ${reason}`);
    this.name = 'KernelBackendUnavailableError';
    this.backend = backend;
  }

  static isInstance(error: unknown): error is KernelBackendUnavailableError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[unavailable] === true
    );
  }
}
