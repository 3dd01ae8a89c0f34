import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums the rows of `values` ([M, D]) into `numRows` rows by `indices` ([M], int32): the gradient
 * of a row gather.
 *
 * @remarks tfjs's wasm backend has no `UnsortedSegmentSum` kernel, so `tf.gather`'s own gradient
 * fails there. Where the kernel is missing the sum runs in JavaScript (a download of `values`,
 * M·D float32 additions in index order, so it is deterministic); elsewhere tfjs's kernel is used.
 */
export function scatterAddRows(
  values: tf.Tensor2D,
  indices: Int32Array,
  numRows: number,
): tf.Tensor2D {
  // tfjs-cpu's UnsortedSegmentSum runs several kernels per segment (1.7 s for 65,536 segments
  // against 0.1 ms here); only a native backend's kernel is worth calling.
  if (
    tf.getBackend() === 'tensorflow' &&
    tf.getKernel('UnsortedSegmentSum', 'tensorflow') !== undefined
  ) {
    return tf.tidy(() => tf.unsortedSegmentSum(values, tf.tensor1d(indices, 'int32'), numRows));
  }
  const [count, width] = values.shape;
  const data = values.dataSync();
  const out = new Float32Array(numRows * width);
  for (let i = 0; i < count; i++) {
    const target = (indices[i] as number) * width;
    const source = i * width;
    for (let j = 0; j < width; j++) {
      out[target + j] = (out[target + j] as number) + (data[source + j] as number);
    }
  }
  return tf.tensor2d(out, [numRows, width]);
}

/**
 * `table[indices]` for a 2-D table, with a gradient that works on every backend (see
 * {@link scatterAddRows}). The indices are copied to JavaScript once, so the gradient does not
 * depend on the index tensor's lifetime.
 */
export function gatherRows(table: tf.Tensor2D, indices: tf.Tensor1D | Int32Array): tf.Tensor2D {
  const numRows = table.shape[0];
  const rows = indices instanceof Int32Array ? indices : Int32Array.from(indices.dataSync());
  const gather = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.tidy(() => tf.gather(inputs[0] as tf.Tensor, tf.tensor1d(rows, 'int32'))),
    gradFunc: (dy: tf.Tensor) => scatterAddRows(dy as tf.Tensor2D, rows, numRows),
  }));
  return gather(table) as tf.Tensor2D;
}

/**
 * `logProbs[i, targets[i]]` for every row of `logProbs` ([M, V]) → [M].
 *
 * @remarks A one-hot product rather than a gather: its gradient is a dense [M, V] multiply, not
 * a scatter over M·V segments (tfjs-cpu's `UnsortedSegmentSum` runs several kernels per segment
 * and measured over 10⁴× slower than this on a 1,016 × 4,096 batch).
 */
export function pickLogProbs(
  logProbs: tf.Tensor2D,
  targets: tf.Tensor1D | Int32Array,
): tf.Tensor1D {
  return tf.tidy(() => {
    const ids = targets instanceof Int32Array ? tf.tensor1d(targets, 'int32') : targets;
    const mask = tf.oneHot(ids, logProbs.shape[1]);
    return tf.sum(tf.mul(logProbs, mask), 1) as tf.Tensor1D;
  });
}

/** Layer norm over the last axis of `x` ([M, D]) with gain `g` and bias `b` ([D]). */
export function layerNorm(
  x: tf.Tensor2D,
  g: tf.Tensor,
  b: tf.Tensor,
  epsilon: number,
): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), g), b) as tf.Tensor2D;
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (Hendrycks & Gimpel 2016; GPT-2's choice). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/**
 * Whether matrix products should avoid tfjs's own `BatchMatMul` paths that are slow on this
 * backend. tfjs-backend-wasm 4.22 sends only un-transposed, batch-1 products to XNNPACK; with a
 * transposed operand or a batch > 1 it falls back to a naive loop that measured 15–30× slower
 * (512² product: 11 ms plain, 170 ms transposed-B, 348 ms transposed-A; 32×148×16×148 batch:
 * 24 ms batched vs 5 ms as 2-D products). The gradients of `tf.matMul` use both slow forms.
 */
function avoidSlowMatMul(): boolean {
  return tf.getBackend() === 'wasm';
}

function plain2d(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transposeA: boolean,
  transposeB: boolean,
): tf.Tensor2D {
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}

/**
 * `op(a) @ op(b)` for 2-D tensors (op = optional transpose), computed and differentiated with
 * explicit transposes and un-transposed products only (see the wasm note above); on other
 * backends simply `tf.matMul`.
 */
export function matMul2d(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transposeA = false,
  transposeB = false,
): tf.Tensor2D {
  if (!avoidSlowMatMul()) return tf.matMul(a, b, transposeA, transposeB);
  const product = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, y]);
    return {
      value: tf.tidy(() => plain2d(x, y, transposeA, transposeB)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = dy as tf.Tensor2D;
        // C = op(A)·op(B): dop(A) = dC·op(B)ᵀ, dop(B) = op(A)ᵀ·dC.
        const dOpA = plain2d(g, sy, false, !transposeB);
        const dOpB = plain2d(sx, g, !transposeA, false);
        return [transposeA ? tf.transpose(dOpA) : dOpA, transposeB ? tf.transpose(dOpB) : dOpB];
      },
    };
  });
  return product(a, b) as tf.Tensor2D;
}

/** Output matrix size from which {@link batchMatMul} loops over 2-D products on wasm. */
const LOOP_THRESHOLD = 131_072;

function batched(
  a: tf.Tensor3D,
  b: tf.Tensor3D,
  transposeA: boolean,
  transposeB: boolean,
): tf.Tensor3D {
  // Matrices are picked with GatherV2 (a C kernel reading only the rows it needs); tfjs-wasm's
  // Slice and Unpack copy the whole input to JavaScript for every slice.
  const [count, ar, ac] = a.shape;
  const [, br, bc] = b.shape;
  const products: tf.Tensor2D[] = [];
  for (let i = 0; i < count; i++) {
    const index = tf.scalar(i, 'int32');
    const x = tf.reshape(tf.gather(a, index), [ar, ac]) as tf.Tensor2D;
    const y = tf.reshape(tf.gather(b, index), [br, bc]) as tf.Tensor2D;
    products.push(plain2d(x, y, transposeA, transposeB));
  }
  return tf.stack(products) as tf.Tensor3D;
}

/**
 * Batched `op(a[i]) @ op(b[i])` over the leading axes (rank ≥ 3, same leading shape), as a
 * loop of 2-D products on wasm (see the note above), `tf.matMul` elsewhere. Differentiable.
 */
export function batchMatMul(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA = false,
  transposeB = false,
): tf.Tensor {
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const outputSize = (transposeA ? ac : ar) * (transposeB ? br : bc);
  // Measured on wasm (two attention products, batch·heads matrices): the per-matrix loop wins
  // from 512×512 outputs (876 vs 1,425 ms at 32×512×512×64) and loses below 256×256 (290 vs
  // 172 ms at 128×148×148×16), where tfjs's per-op overhead dominates.
  if (!avoidSlowMatMul() || outputSize < LOOP_THRESHOLD)
    return tf.matMul(a, b, transposeA, transposeB);
  const lead = a.shape.slice(0, -2);
  const count = lead.reduce((x, y) => x * y, 1);
  const product = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    save([x, y]);
    return {
      value: tf.tidy(() => batched(x, y, transposeA, transposeB)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor3D, tf.Tensor3D];
        const g = dy as tf.Tensor3D;
        const dOpA = batched(g, sy, false, !transposeB);
        const dOpB = batched(sx, g, !transposeA, false);
        return [
          transposeA ? tf.transpose(dOpA, [0, 2, 1]) : dOpA,
          transposeB ? tf.transpose(dOpB, [0, 2, 1]) : dOpB,
        ];
      },
    };
  });
  const out = product(tf.reshape(a, [count, ar, ac]), tf.reshape(b, [count, br, bc]));
  return tf.reshape(out, [...lead, ...out.shape.slice(-2)]);
}

/** `x @ w + b` for a 2-D `x`. */
export function linear(x: tf.Tensor2D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor2D {
  const y = matMul2d(x, w as tf.Tensor2D);
  return (b === undefined ? y : tf.add(y, b)) as tf.Tensor2D;
}

/** Additive causal mask [L, L]: 0 where key ≤ query, −1e9 above the diagonal. */
export function causalBias(length: number): tf.Tensor2D {
  const data = new Float32Array(length * length);
  for (let q = 0; q < length; q++) {
    for (let k = q + 1; k < length; k++) data[q * length + k] = -1e9;
  }
  return tf.tensor2d(data, [length, length]);
}

/**
 * Rotary tables for the given positions: `cos` and `sin` of shape [N, headSize], each angle
 * repeated in both halves (RoFormer, Su et al. 2021, base 10000, rotate-half layout).
 */
export function rotaryTables(
  positions: ArrayLike<number>,
  headSize: number,
): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const half = headSize / 2;
  const count = positions.length;
  const cos = new Float32Array(count * headSize);
  const sin = new Float32Array(count * headSize);
  for (let i = 0; i < count; i++) {
    const position = positions[i] as number;
    for (let j = 0; j < half; j++) {
      const angle = position / 10000 ** ((2 * j) / headSize);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[i * headSize + j] = c;
      cos[i * headSize + half + j] = c;
      sin[i * headSize + j] = s;
      sin[i * headSize + half + j] = s;
    }
  }
  return { cos: tf.tensor2d(cos, [count, headSize]), sin: tf.tensor2d(sin, [count, headSize]) };
}

/** Applies rotary embeddings to `x` ([..., headSize]) with tables broadcastable to it. */
export function applyRotary(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  const headSize = x.shape[x.shape.length - 1] as number;
  const half = headSize / 2;
  const [first, second] = tf.split(x, [half, half], -1) as [tf.Tensor, tf.Tensor];
  const rotated = tf.concat([tf.neg(second), first], -1);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}

/** Largest heads·length for which {@link foldedCausalAttention} is used on wasm. */
export const FOLDED_ATTENTION_LIMIT = 2048;

/** Most heads for which folding pays for its wasted cross-head products. */
export const FOLDED_ATTENTION_MAX_HEADS = 4;

/**
 * Whether the model's attention should take the folded path for this shape (wasm only).
 *
 * @remarks Measured (cross-entropy training step, B = 8, wasm, one core): `tiny` (4 heads)
 * 1,408 ms folded vs 1,505 ms batched at L = 128 and 3,260 vs 4,052 ms at L = 256; `small`
 * (8 heads) 5,009 vs 4,191 ms at L = 128, so folding is used up to 4 heads.
 */
export function useFoldedAttention(heads: number, length: number): boolean {
  return (
    avoidSlowMatMul() &&
    heads > 1 &&
    heads <= FOLDED_ATTENTION_MAX_HEADS &&
    heads * length <= FOLDED_ATTENTION_LIMIT
  );
}

/** Additive mask over folded heads [H·L, H·L]: causal inside each head's block, −1e9 elsewhere. */
export function foldedCausalBias(heads: number, length: number): tf.Tensor2D {
  const size = heads * length;
  const data = new Float32Array(size * size).fill(-1e9);
  for (let h = 0; h < heads; h++) {
    for (let q = 0; q < length; q++) {
      const row = (h * length + q) * size + h * length;
      data.fill(0, row, row + q + 1);
    }
  }
  return tf.tensor2d(data, [size, size]);
}

/**
 * Causal multi-head attention for q, k, v of shape [B, H, L, hs] → [B, H, L, hs], with the
 * heads of each sequence folded into one 2-D product per sequence.
 *
 * @remarks tfjs-wasm runs batched products (B·H small matrices) on a naive path at about
 * 1 GFLOP/s, but one un-transposed 2-D product on XNNPACK at 10–20 GFLOP/s. Folding the H heads
 * of a sequence into one [H·L, hs] × [hs, H·L] product wastes a factor H on cross-head blocks
 * (masked to −1e9, so their softmax weights are exactly 0) and still comes out several times
 * faster, with B products instead of B·H. Mathematically the same attention; float32 results
 * differ from the batched path only by summation order.
 */
export function foldedCausalAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  scale: number,
): tf.Tensor {
  const [batch, heads, length, hs] = q.shape as [number, number, number, number];
  const folded = heads * length;
  const bias = foldedCausalBias(heads, length);
  // Rows picked with gatherRows (its own gradient): the list-op gradients registered by the tfjs
  // umbrella package (Unpack → stack, SplitV → concat) reject the tensors that custom gradients
  // produce in Node ("Pass at least one tensor to concat").
  const split = (t: tf.Tensor): tf.Tensor2D[] => {
    const table = tf.reshape(t, [batch, folded * hs]) as tf.Tensor2D;
    return Array.from(
      { length: batch },
      (_, b) => tf.reshape(gatherRows(table, Int32Array.of(b)), [folded, hs]) as tf.Tensor2D,
    );
  };
  const qs = split(q);
  const ks = split(k);
  const vs = split(v);
  const outputs = qs.map((qb, b) => {
    const scores = tf.add(tf.mul(matMul2d(qb, ks[b] as tf.Tensor2D, false, true), scale), bias);
    return matMul2d(tf.softmax(scores) as tf.Tensor2D, vs[b] as tf.Tensor2D);
  });
  return tf.reshape(tf.concat(outputs, 0), [batch, heads, length, hs]);
}
