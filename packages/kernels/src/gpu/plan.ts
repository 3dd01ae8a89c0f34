import type { ResolvedLayout } from '../layout';

/**
 * How the backward recurrences of one layout are split into checkpoint segments (see
 * `sources.ts`).
 *
 * @internal
 */
export interface RecurrencePlan {
  /** Checkpoint stride K (positions per segment). */
  readonly stride: number;
  /** Number of saved states: one per non-empty row (its end) plus one per checkpoint. */
  readonly stateCount: number;
  /** Per state: the position the state follows (row end, or the checkpoint position). */
  readonly statePos: Float32Array;
  /** Per state: its row. */
  readonly stateRow: Int32Array;
  /** Per state: 1 for a row-end state (bootstrap), 0 for a checkpoint. */
  readonly isRowEnd: Uint8Array;
  /** Per position: the state its thread starts from (pass 2). */
  readonly seg: Float32Array;
  /**
   * Pass 1: one cell per checkpoint, packed as [position, row-end state] pairs (at least one
   * pair, so the argument is never empty).
   */
  readonly cells: Float32Array;
  /** Pass 1: per cell, the checkpoint's own state index. */
  readonly cellState: Int32Array;
}

/** Rows up to this length run without checkpoints (one dispatch, T²/2 work per row). */
const CHECKPOINT_FROM = 64;

/** f32 represents integers exactly below 2^24; indices travel as f32. */
export const MAX_INDEX = 2 ** 24;

/** Builds the checkpoint plan of a layout. */
export function planRecurrence(layout: ResolvedLayout): RecurrencePlan {
  const { bounds, numRows, size } = layout;
  let maxLength = 0;
  for (let row = 0; row < numRows; row++) {
    const length = (bounds[row + 1] as number) - (bounds[row] as number);
    if (length > maxLength) maxLength = length;
  }
  const stride = maxLength > CHECKPOINT_FROM ? Math.ceil(Math.sqrt(maxLength)) : maxLength || 1;
  let stateCount = 0;
  let cellCount = 0;
  for (let row = 0; row < numRows; row++) {
    const length = (bounds[row + 1] as number) - (bounds[row] as number);
    if (length === 0) continue;
    const checkpoints = Math.floor((length - 1) / stride);
    stateCount += 1 + checkpoints;
    cellCount += checkpoints;
  }
  const statePos = new Float32Array(stateCount);
  const stateRow = new Int32Array(stateCount);
  const isRowEnd = new Uint8Array(stateCount);
  const seg = new Float32Array(size);
  const cells = new Float32Array(2 * Math.max(cellCount, 1));
  const cellState = new Int32Array(cellCount);
  let state = 0;
  let cell = 0;
  for (let row = 0; row < numRows; row++) {
    const start = bounds[row] as number;
    const end = bounds[row + 1] as number;
    const length = end - start;
    if (length === 0) continue;
    const checkpoints = Math.floor((length - 1) / stride);
    const base = state;
    statePos[base] = end;
    stateRow[base] = row;
    isRowEnd[base] = 1;
    for (let j = 1; j <= checkpoints; j++) {
      statePos[base + j] = start + stride * j;
      stateRow[base + j] = row;
      cells[2 * cell] = start + stride * j;
      cells[2 * cell + 1] = base;
      cellState[cell] = base + j;
      cell++;
    }
    for (let i = 0; i < length; i++) {
      const j = Math.floor(i / stride) + 1;
      seg[start + i] = j <= checkpoints ? base + j : base;
    }
    state += 1 + checkpoints;
  }
  return { stride, stateCount, statePos, stateRow, isRowEnd, seg, cells, cellState };
}
