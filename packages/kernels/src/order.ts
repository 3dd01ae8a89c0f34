/**
 * The order in which the `js` and `wasm` kernels process the rows of a layout, and how the `wasm`
 * backend splits that order over threads.
 *
 * @remarks
 * Both run rows in pairs (`js`, and the scalar wasm module) or groups of four (the SIMD wasm
 * module): the rows' common suffix runs as independent dependency chains (or f32x4 lanes), and
 * what is left of each longer row runs alone. On a ragged layout, neighbouring rows can have very
 * different lengths, so most of the work would run alone. Processing the rows longest first gives
 * every pair and group rows of similar lengths. Each row is still computed on its own, position by
 * position, with the same f32 operations, so the order changes the speed and never the bits.
 *
 * @internal
 */
import type { ResolvedLayout } from './layout';

/** Rows in processing order. */
export interface RowOrder {
  /** Layout row of the i-th processed row; undefined when that is the layout's own order. */
  readonly rows: Int32Array | undefined;
  /** `numRows + 1` cumulative positions in processing order (the layout's bounds when `rows` is undefined). */
  readonly prefix: Int32Array;
}

/** The layout's own order. */
export function inLayoutOrder(layout: ResolvedLayout): RowOrder {
  return { rows: undefined, prefix: layout.bounds };
}

/**
 * Rows shorter than this on average keep the layout's order: there, running rows out of memory
 * order cost more than the pairs and groups gained. Measured with alternating runs of both orders
 * in one process (`bench/ragged.ts` and scratch A/B runs): for `wasm`, no gain at a mean of 64
 * positions, a loss at 32, 1.2–1.6× from 128 up; for `js`, a loss of about 0.9× at means of 33 and
 * 66, and 1.17–1.34× at 130, 257 and 996.
 */
export const SORT_FROM_MEAN_LENGTH = 128;

/**
 * The layout's rows longest first, ties in layout order (a stable counting sort,
 * O(numRows + longest row); a comparison sort when the longest row is over 8 times the number of
 * rows), or undefined when the layout keeps its own order: a dense layout, one
 * whose rows all have the same length, or one whose rows are shorter than
 * {@link SORT_FROM_MEAN_LENGTH} on average.
 */
export function longestFirst(layout: ResolvedLayout): Int32Array | undefined {
  const { bounds, numRows } = layout;
  if (layout.numSteps !== undefined || numRows < 2) return undefined;
  let longest = 0;
  let shortest = Number.POSITIVE_INFINITY;
  for (let row = 0; row < numRows; row++) {
    const length = (bounds[row + 1] as number) - (bounds[row] as number);
    if (length > longest) longest = length;
    if (length < shortest) shortest = length;
  }
  if (longest === shortest || layout.size < SORT_FROM_MEAN_LENGTH * numRows) return undefined;
  if (longest > 8 * numRows) return sortedByKey(bounds, numRows, longest);
  // first[key]: where the rows of length `longest − key` begin in the order (longer ones first)
  const first = new Int32Array(longest + 2);
  for (let row = 0; row < numRows; row++) {
    const length = (bounds[row + 1] as number) - (bounds[row] as number);
    first[longest - length + 1] = (first[longest - length + 1] as number) + 1;
  }
  for (let key = 1; key <= longest + 1; key++) {
    first[key] = (first[key] as number) + (first[key - 1] as number);
  }
  const rows = new Int32Array(numRows);
  for (let row = 0; row < numRows; row++) {
    const key = longest - ((bounds[row + 1] as number) - (bounds[row] as number));
    const slot = first[key] as number;
    rows[slot] = row;
    first[key] = slot + 1;
  }
  return rows;
}

/**
 * The same order by a comparison sort, for a few long rows (where the counting sort's table of
 * `longest + 2` entries would be much larger than the rows): keys (longest − length)·numRows + row
 * are distinct integers below 2^53, so sorting them numerically orders by length, then by row.
 */
function sortedByKey(bounds: Int32Array, numRows: number, longest: number): Int32Array {
  const keys = new Float64Array(numRows);
  for (let row = 0; row < numRows; row++) {
    const length = (bounds[row + 1] as number) - (bounds[row] as number);
    keys[row] = (longest - length) * numRows + row;
  }
  keys.sort();
  const rows = new Int32Array(numRows);
  for (let i = 0; i < numRows; i++) rows[i] = (keys[i] as number) % numRows;
  return rows;
}

/** {@link longestFirst}'s order with the cumulative positions in that order. */
export function rowOrder(layout: ResolvedLayout): RowOrder {
  const rows = longestFirst(layout);
  if (rows === undefined) return inLayoutOrder(layout);
  const { bounds, numRows } = layout;
  const prefix = new Int32Array(numRows + 1);
  for (let i = 0; i < numRows; i++) {
    const row = rows[i] as number;
    prefix[i + 1] = (prefix[i] as number) + (bounds[row + 1] as number) - (bounds[row] as number);
  }
  return { rows, prefix };
}

/**
 * Splits rows `[0, numRows)` of the processing order into at most `parts` contiguous ranges of
 * about `size / parts` positions each (fewer when there are fewer rows). A cut is moved to a
 * multiple of four rows when that keeps it inside its range, so that every thread's rows fill
 * whole SIMD groups.
 */
export function splitRows(prefix: Int32Array, parts: number): [number, number][] {
  const numRows = prefix.length - 1;
  const size = prefix[numRows] as number;
  const ranges: [number, number][] = [];
  let first = 0;
  for (let part = 1; part < parts && first < numRows; part++) {
    const target = (size * part) / parts;
    let row = first;
    while (row < numRows && (prefix[row + 1] as number) <= target) row++;
    // Row `row` straddles the target: end the range before or after it, whichever is closer.
    if (row < numRows && (prefix[row + 1] as number) - target < target - (prefix[row] as number)) {
      row++;
    }
    const aligned = Math.round(row / 4) * 4;
    if (aligned > first && aligned < numRows) row = aligned;
    if (row > first && row < numRows) {
      ranges.push([first, row]);
      first = row;
    }
  }
  if (first < numRows) ranges.push([first, numRows]);
  return ranges;
}
