import { KernelInputError } from './errors';
import type { Flags, Layout, RaggedLayout } from './types';

/** A validated layout: `rowStart(r)`…`rowStart(r + 1)`. */
export interface ResolvedLayout {
  readonly numRows: number;
  /** Total number of positions. */
  readonly size: number;
  /** `numRows + 1` row boundaries. */
  readonly bounds: Int32Array;
  /** `numSteps` for a dense layout, undefined for a ragged one. */
  readonly numSteps: number | undefined;
}

const isDense = (layout: Layout): layout is { numRows: number; numSteps: number } =>
  'numRows' in layout;

/** Checks a layout and returns its row boundaries. Throws {@link KernelInputError}. */
export function resolveLayout(layout: Layout, field = 'layout'): ResolvedLayout {
  if (layout === null || typeof layout !== 'object') {
    throw new KernelInputError({ field, reason: 'expected {numRows, numSteps} or {offsets}' });
  }
  if (isDense(layout)) {
    const { numRows, numSteps } = layout;
    for (const [name, value] of [
      ['numRows', numRows],
      ['numSteps', numSteps],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new KernelInputError({
          field: `${field}.${name}`,
          reason: `expected an integer ≥ 1, got ${value}`,
        });
      }
    }
    const bounds = new Int32Array(numRows + 1);
    for (let row = 0; row <= numRows; row++) bounds[row] = row * numSteps;
    return { numRows, size: numRows * numSteps, bounds, numSteps };
  }
  const { offsets } = layout as RaggedLayout;
  if (offsets === undefined || offsets.length < 2) {
    throw new KernelInputError({
      field: `${field}.offsets`,
      reason: 'expected numRows + 1 ≥ 2 row boundaries',
    });
  }
  const bounds = Int32Array.from(offsets as ArrayLike<number>);
  if (bounds[0] !== 0) {
    throw new KernelInputError({
      field: `${field}.offsets[0]`,
      reason: `must be 0, got ${bounds[0]}`,
    });
  }
  for (let row = 1; row < bounds.length; row++) {
    const value = offsets[row] as number;
    if (!Number.isInteger(value) || value < (bounds[row - 1] as number)) {
      throw new KernelInputError({
        field: `${field}.offsets[${row}]`,
        reason: `must be an integer ≥ offsets[${row - 1}] = ${bounds[row - 1]}, got ${value}`,
      });
    }
  }
  return {
    numRows: bounds.length - 1,
    size: bounds[bounds.length - 1] as number,
    bounds,
    numSteps: undefined,
  };
}

/** Checks a Float32Array's length and (unless `scan` is false) finiteness. */
export function checkFloats(
  field: string,
  array: Float32Array | undefined,
  length: number,
  scan = true,
): void {
  if (!(array instanceof Float32Array)) {
    throw new KernelInputError({ field, reason: 'expected a Float32Array' });
  }
  if (array.length !== length) {
    throw new KernelInputError({
      field,
      reason: `expected ${length} entries, got ${array.length}`,
    });
  }
  if (!scan) return;
  // One multiply-add pass: x·0 is NaN exactly when x is NaN or ±Infinity; locate only on failure.
  // Four accumulators keep the additions independent (the loop is otherwise latency-bound).
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  let index = 0;
  for (; index + 4 <= length; index += 4) {
    p0 += (array[index] as number) * 0;
    p1 += (array[index + 1] as number) * 0;
    p2 += (array[index + 2] as number) * 0;
    p3 += (array[index + 3] as number) * 0;
  }
  for (; index < length; index++) p0 += (array[index] as number) * 0;
  if (p0 + p1 + p2 + p3 === 0) return;
  for (let index = 0; index < length; index++) {
    if (!Number.isFinite(array[index])) {
      throw new KernelInputError({
        field: `${field}[${index}]`,
        reason: `expected a finite number, got ${array[index]}`,
      });
    }
  }
}

/** Checks a 0/1 flag array (Uint8Array or Float32Array); `scan: false` checks type and length only. */
export function checkFlags(
  field: string,
  array: Flags | undefined,
  length: number,
  scan = true,
): void {
  if (!(array instanceof Uint8Array) && !(array instanceof Float32Array)) {
    throw new KernelInputError({ field, reason: 'expected a Uint8Array or Float32Array of 0/1' });
  }
  if (array.length !== length) {
    throw new KernelInputError({
      field,
      reason: `expected ${length} entries, got ${array.length}`,
    });
  }
  if (!scan) return;
  // Fast pass: every entry is 0 or 1 exactly when no entry has a bit other than the lowest
  // (Uint8Array) or is outside {0, 1} (Float32Array); locate only on failure.
  let bad = false;
  if (array instanceof Uint8Array) {
    // Four bytes at a time through a 32-bit view of the aligned middle part.
    let bits = 0;
    const head = Math.min(length, (4 - (array.byteOffset % 4)) % 4);
    const words = Math.floor((length - head) / 4);
    for (let index = 0; index < head; index++) bits |= array[index] as number;
    const view = new Uint32Array(array.buffer, array.byteOffset + head, words);
    let wordBits = 0;
    for (let index = 0; index < words; index++) wordBits |= view[index] as number;
    for (let index = head + words * 4; index < length; index++) bits |= array[index] as number;
    bad = (bits & ~1) !== 0 || (wordBits & ~0x01010101) !== 0;
  } else {
    for (let index = 0; index < length; index++) {
      const value = array[index] as number;
      if (value !== 0 && value !== 1) {
        bad = true;
        break;
      }
    }
  }
  if (!bad) return;
  for (let index = 0; index < length; index++) {
    const value = array[index];
    if (value !== 0 && value !== 1) {
      throw new KernelInputError({
        field: `${field}[${index}]`,
        reason: `expected 0 or 1, got ${value}`,
      });
    }
  }
}

/** Checks a scalar in [min, max]. */
export function checkNumber(field: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new KernelInputError({
      field,
      reason: `expected a number in [${min}, ${max}], got ${value}`,
    });
  }
}
