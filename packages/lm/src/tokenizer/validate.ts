/**
 * A problem found in a value, located by a path relative to the value (`''` for the value itself,
 * `[2]` for its third element) so callers can prefix the field name and pick their error class.
 *
 * @internal
 */
export interface Problem {
  /** Path below the checked value, e.g. `[2]`; `''` for the value itself. */
  readonly path: string;
  /** What is wrong. */
  readonly reason: string;
  /** `'type'` for a value of the wrong type, `'value'` for a well-typed but unacceptable value. */
  readonly kind: 'type' | 'value';
}

/**
 * Describes the runtime type of a value for error messages (`array`, `null`, `string "abc"`, ...).
 *
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') {
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return typeof value;
}

/**
 * Checks a list of special tokens: an array of distinct non-empty strings.
 *
 * @returns The first problem found, or `undefined` when the list is acceptable.
 * @internal
 */
export function findSpecialTokensProblem(value: unknown): Problem | undefined {
  if (!Array.isArray(value)) {
    return {
      path: '',
      reason: `must be an array of distinct non-empty strings, got ${describeValue(value)}`,
      kind: 'type',
    };
  }
  const firstIndex = new Map<string, number>();
  for (let index = 0; index < value.length; index++) {
    const token: unknown = value[index];
    if (typeof token !== 'string') {
      return {
        path: `[${index}]`,
        reason: `must be a non-empty string, got ${describeValue(token)}`,
        kind: 'type',
      };
    }
    if (token.length === 0) {
      return {
        path: `[${index}]`,
        reason: 'must be a non-empty string, got the empty string',
        kind: 'value',
      };
    }
    const previous = firstIndex.get(token);
    if (previous !== undefined) {
      return {
        path: `[${index}]`,
        reason: `duplicate special token ${JSON.stringify(token)} (first at index ${previous}); special tokens must be distinct`,
        kind: 'value',
      };
    }
    firstIndex.set(token, index);
  }
  return undefined;
}

/**
 * The byte-token ids of a string's UTF-8 encoding: `byteOffset + byte` for each byte.
 *
 * @remarks
 * ASCII text (nearly all chunks of env text) skips `TextEncoder`, whose per-call overhead
 * dominates for short strings. Lone surrogates become U+FFFD (`EF BF BD`), as with `TextEncoder`.
 *
 * @internal
 */
export function utf8ByteIds(
  text: string,
  byteOffset: number,
  encoder: { encode(input: string): Uint8Array },
): number[] {
  const ids = new Array<number>(text.length);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) {
      const bytes = encoder.encode(text);
      const utf8Ids = new Array<number>(bytes.length);
      for (let byteIndex = 0; byteIndex < bytes.length; byteIndex++) {
        utf8Ids[byteIndex] = byteOffset + bytes[byteIndex]!;
      }
      return utf8Ids;
    }
    ids[index] = byteOffset + code;
  }
  return ids;
}
