import { InvalidArgumentError } from '@spa/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TransformerLM } from '../model/model';
import { gatherRows, pickLogProbs } from '../model/ops';

/** Sequences right-padded into one [batch, width] block of ids. */
export interface PaddedBatch {
  readonly ids: Int32Array;
  readonly batch: number;
  readonly width: number;
}

/** Right-pads `sequences` with `padId` (padding is never read: attention is causal). */
export function padSequences(sequences: readonly (readonly number[])[], padId = 0): PaddedBatch {
  if (sequences.length === 0) {
    throw new InvalidArgumentError({
      field: 'sequences',
      reason: 'expected at least one sequence',
    });
  }
  const width = Math.max(...sequences.map((sequence) => sequence.length));
  if (width === 0)
    throw new InvalidArgumentError({ field: 'sequences', reason: 'all sequences are empty' });
  const ids = new Int32Array(sequences.length * width);
  if (padId !== 0) ids.fill(padId);
  sequences.forEach((sequence, row) => {
    ids.set(sequence, row * width);
  });
  return { ids, batch: sequences.length, width };
}

/** Flat row indices (row·width + position) of `positions[row]` in a padded batch. */
export function flatPositions(
  positions: readonly (readonly number[])[],
  lengths: readonly number[],
  width: number,
): Int32Array {
  let count = 0;
  for (const row of positions) count += row.length;
  const out = new Int32Array(count);
  let cursor = 0;
  positions.forEach((row, r) => {
    const length = lengths[r] as number;
    for (const position of row) {
      if (!Number.isInteger(position) || position < 0 || position >= length) {
        throw new InvalidArgumentError({
          field: `positions[${r}]`,
          reason: `position ${position} is outside the sequence of length ${length}`,
        });
      }
      out[cursor++] = r * width + position;
    }
  });
  return out;
}

/**
 * Final hidden states [M, D] at chosen positions of each sequence (in order: row by row), from
 * one batched forward pass. Differentiable with respect to the model's variables.
 */
export function hiddenAt(
  model: TransformerLM,
  sequences: readonly (readonly number[])[],
  positions: readonly (readonly number[])[],
): tf.Tensor2D {
  const padded = padSequences(sequences);
  const rows = flatPositions(
    positions,
    sequences.map((s) => s.length),
    padded.width,
  );
  return tf.tidy(() => {
    const hidden = model.forward(tf.tensor2d(padded.ids, [padded.batch, padded.width], 'int32'));
    return gatherRows(hidden, rows);
  });
}

/**
 * Log-probability of token `sequence[p]` given `sequence[0..p)` for each chosen `p` ≥ 1 of each
 * sequence → [M] (row by row). The basis of behaviour cloning (cross-entropy on action tokens)
 * and of PPO's ratios. Differentiable.
 */
export function tokenLogProbs(
  model: TransformerLM,
  sequences: readonly (readonly number[])[],
  targets: readonly (readonly number[])[],
): tf.Tensor1D {
  const predecessors = targets.map((row) => row.map((p) => p - 1));
  const wanted: number[] = [];
  targets.forEach((row, r) => {
    for (const p of row) {
      if (p < 1)
        throw new InvalidArgumentError({
          field: `targets[${r}]`,
          reason: `position ${p}: the first token has no prediction`,
        });
      wanted.push((sequences[r] as readonly number[])[p] as number);
    }
  });
  return tf.tidy(() => {
    const hidden = hiddenAt(model, sequences, predecessors);
    const logProbs = tf.logSoftmax(model.logits(hidden)) as tf.Tensor2D;
    return pickLogProbs(logProbs, Int32Array.from(wanted));
  });
}
