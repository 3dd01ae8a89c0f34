import { SpaError } from '@spa/core';

const formatMarker = 'spa.error.tokenizer-format';
const formatSymbol = Symbol.for(formatMarker);

/**
 * A serialised tokenizer (or the merge table handed to the `Tokenizer` constructor) is malformed.
 *
 * @remarks
 * The message reads `field: problem`, e.g.
 * `merges[12][1]: id 9000 is not defined before merge 12 (...)`; `field` is `''` when the value
 * as a whole is wrong (not an object). Test for it with {@link TokenizerFormatError.isInstance},
 * which also recognises instances from a second copy of the package (ESM and CJS side by side).
 */
export class TokenizerFormatError extends SpaError {
  protected readonly [formatSymbol] = true;
  /** Path of the offending field, e.g. `merges[12][1]`; `''` for the value as a whole. */
  readonly field: string;
  /** What was wrong with it. */
  readonly reason: string;

  /**
   * @param field - Path of the offending field (`''` for the value as a whole).
   * @param reason - What was wrong with it.
   * @param options - Standard error options (`cause`).
   */
  constructor(field: string, reason: string, options: { readonly cause?: unknown } = {}) {
    super('TokenizerFormatError', `${field === '' ? 'tokenizer' : field}: ${reason}`, options);
    this.field = field;
    this.reason = reason;
  }

  /**
   * Whether `error` is a {@link TokenizerFormatError}, from this or another copy of the package.
   *
   * @param error - Any caught value.
   */
  static override isInstance(error: unknown): error is TokenizerFormatError {
    return SpaError.hasMarker(error, formatMarker);
  }
}
