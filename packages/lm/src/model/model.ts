import { createRng, InvalidArgumentError } from '@spa/core';
import * as tf from '@tensorflow/tfjs-core';
import { countParameters, type ModelConfig, parameterShapes, validateModelConfig } from './config';
import {
  applyRotary,
  batchMatMul,
  causalBias,
  foldedCausalAttention,
  gatherRows,
  gelu,
  layerNorm,
  linear,
  matMul2d,
  rotaryTables,
  useFoldedAttention,
} from './ops';

/** One parameter as plain data: its shape and float32 values (row-major). */
export interface WeightData {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Every parameter of a model by name, in the model's fixed order. */
export type NamedWeights = ReadonlyMap<string, WeightData>;

/** Options of {@link TransformerLM.forward}. */
export interface ForwardOptions {
  /**
   * Position of each token, [B, L] int32. Default: 0..L−1 in every row (right-padded batches).
   */
  readonly positions?: tf.Tensor2D;
  /** Additive attention bias over keys, [B, L] (0 = attend, −1e9 = ignore). */
  readonly keyBias?: tf.Tensor2D;
}

let nextInstance = 0;

/**
 * A decoder-only transformer (GPT-2 layout: pre-norm blocks, causal multi-head attention, GELU
 * MLP, final layer norm) with optional tied embeddings, learned or rotary positions and scalar
 * heads, on TensorFlow.js.
 *
 * @remarks
 * Parameters are tfjs variables named by the model's logical names (see
 * {@link parameterShapes}); initial values come from `@spa/core`'s seeded RNG, so the same seed
 * gives the same model on every backend. Every method that returns a tensor leaves its disposal
 * to the caller; wrap calls in `tf.tidy`.
 */
export class TransformerLM {
  /** The model's shape. */
  readonly config: ModelConfig;
  private readonly params = new Map<string, tf.Variable>();
  private disposed = false;

  private constructor(config: ModelConfig, values: NamedWeights) {
    this.config = config;
    const instance = nextInstance++;
    for (const [name, shape] of parameterShapes(config)) {
      const weight = values.get(name);
      if (weight === undefined) throw new Error(`internal: missing initial value of ${name}`);
      // tfjs variable names are global: prefix them so that several models can coexist.
      const initial = tf.tensor(weight.data, [...shape], 'float32');
      this.params.set(name, tf.variable(initial, true, `lm${instance}/${name}`));
      initial.dispose();
    }
  }

  /**
   * A freshly initialised model: weights N(0, initStd²) from the seeded RNG (residual output
   * projections scaled by 1/√(2·depth), GPT-2), layer-norm gains 1, biases 0.
   */
  static create(config: ModelConfig, options: { readonly seed?: number } = {}): TransformerLM {
    validateModelConfig(config);
    return new TransformerLM(config, initialWeights(config, options.seed ?? 0));
  }

  /** A model with the given weights (names and shapes must match `config` exactly). */
  static fromWeights(config: ModelConfig, weights: NamedWeights): TransformerLM {
    validateModelConfig(config);
    checkWeights(config, weights);
    return new TransformerLM(config, weights);
  }

  /** Number of parameters. */
  get parameterCount(): number {
    return countParameters(this.config);
  }

  /** Size of each attention head. */
  get headSize(): number {
    return this.config.width / this.config.heads;
  }

  /** Parameter names in the model's fixed order. */
  parameterNames(): string[] {
    return [...this.params.keys()];
  }

  /** The trainable variables, optionally only those whose name passes `filter`. */
  variables(filter?: (name: string) => boolean): tf.Variable[] {
    this.assertAlive();
    const out: tf.Variable[] = [];
    for (const [name, variable] of this.params) {
      if (filter === undefined || filter(name)) out.push(variable);
    }
    return out;
  }

  /** The logical name of one of this model's variables. */
  nameOf(variable: tf.Variable): string {
    const slash = variable.name.indexOf('/');
    return variable.name.slice(slash + 1);
  }

  /** @internal A parameter by name. */
  param(name: string): tf.Variable {
    this.assertAlive();
    const variable = this.params.get(name);
    if (variable === undefined) throw new Error(`internal: no parameter ${name}`);
    return variable;
  }

  /**
   * Runs the transformer over token ids [B, L] and returns the final hidden states [B·L, D]
   * (after the last layer norm), row-major over (batch, position).
   */
  forward(ids: tf.Tensor2D, options: ForwardOptions = {}): tf.Tensor2D {
    this.assertAlive();
    const [batch, length] = ids.shape;
    const { width, contextLength } = this.config;
    if (length > contextLength) {
      throw new InvalidArgumentError({
        field: 'ids',
        reason: `sequence length ${length} exceeds the model's contextLength ${contextLength}`,
      });
    }
    return tf.tidy(() => {
      const flatIds = tf.reshape(ids, [batch * length]) as tf.Tensor1D;
      let x = gatherRows(this.param('tok_emb') as tf.Tensor2D, flatIds);
      let rotary: { cos: tf.Tensor; sin: tf.Tensor } | undefined;
      if (this.config.positions === 'learned') {
        if (options.positions === undefined) {
          const table = tf.slice(this.param('pos_emb'), [0, 0], [length, width]);
          x = tf.reshape(tf.add(tf.reshape(x, [batch, length, width]), table), [
            batch * length,
            width,
          ]);
        } else {
          const flat = tf.reshape(options.positions, [batch * length]) as tf.Tensor1D;
          x = tf.add(x, gatherRows(this.param('pos_emb') as tf.Tensor2D, flat));
        }
      } else {
        const positions =
          options.positions === undefined
            ? Int32Array.from({ length }, (_, i) => i)
            : options.positions.dataSync();
        const tables = rotaryTables(positions, this.headSize);
        // [L, hs] broadcasts over [B, H, L, hs]; per-row positions become [B, 1, L, hs].
        const shape =
          options.positions === undefined
            ? [length, this.headSize]
            : [batch, 1, length, this.headSize];
        rotary = { cos: tf.reshape(tables.cos, shape), sin: tf.reshape(tables.sin, shape) };
      }
      let bias: tf.Tensor = causalBias(length);
      if (options.keyBias !== undefined) {
        bias = tf.add(bias, tf.reshape(options.keyBias, [batch, 1, 1, length]));
      }
      for (let layer = 0; layer < this.config.depth; layer++) {
        x = this.block(layer, x, batch, length, bias, rotary);
      }
      return layerNorm(x, this.param('ln_f.g'), this.param('ln_f.b'), this.config.layerNormEpsilon);
    });
  }

  /** @internal One transformer block over the residual stream x [B·L, D]. */
  block(
    layer: number,
    x: tf.Tensor2D,
    batch: number,
    length: number,
    bias: tf.Tensor,
    rotary: { cos: tf.Tensor; sin: tf.Tensor } | undefined,
  ): tf.Tensor2D {
    const p = `h${layer}.`;
    const { width, heads, layerNormEpsilon: eps } = this.config;
    const hs = this.headSize;
    const h = layerNorm(x, this.param(`${p}ln1.g`), this.param(`${p}ln1.b`), eps);
    const qkv = linear(h, this.param(`${p}attn.qkv.w`), this.param(`${p}attn.qkv.b`));
    // [B·L, 3D] → three [B, H, L, hs]
    let [q, k, v] = tf
      .split(qkv, 3, 1)
      .map((part) => tf.transpose(tf.reshape(part, [batch, length, heads, hs]), [0, 2, 1, 3])) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
    if (rotary !== undefined) {
      q = applyRotary(q, rotary.cos, rotary.sin);
      k = applyRotary(k, rotary.cos, rotary.sin);
    }
    let attended: tf.Tensor;
    if (bias.rank === 2 && useFoldedAttention(heads, length)) {
      attended = foldedCausalAttention(q, k, v, 1 / Math.sqrt(hs));
    } else {
      const scores = tf.add(tf.mul(batchMatMul(q, k, false, true), 1 / Math.sqrt(hs)), bias);
      attended = batchMatMul(tf.softmax(scores), v);
    }
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [
      batch * length,
      width,
    ]) as tf.Tensor2D;
    const afterAttention = tf.add(
      x,
      linear(merged, this.param(`${p}attn.proj.w`), this.param(`${p}attn.proj.b`)),
    ) as tf.Tensor2D;
    return this.mlp(layer, afterAttention);
  }

  /** @internal The MLP half of block `layer` with its residual connection. */
  mlp(layer: number, x: tf.Tensor2D): tf.Tensor2D {
    const p = `h${layer}.`;
    const h = layerNorm(
      x,
      this.param(`${p}ln2.g`),
      this.param(`${p}ln2.b`),
      this.config.layerNormEpsilon,
    );
    const hidden = gelu(
      linear(h, this.param(`${p}mlp.fc.w`), this.param(`${p}mlp.fc.b`)),
    ) as tf.Tensor2D;
    return tf.add(
      x,
      linear(hidden, this.param(`${p}mlp.proj.w`), this.param(`${p}mlp.proj.b`)),
    ) as tf.Tensor2D;
  }

  /** Next-token logits [M, V] from hidden states [M, D]. */
  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    if (this.config.tieEmbeddings) {
      return matMul2d(hidden, this.param('tok_emb') as tf.Tensor2D, false, true);
    }
    return matMul2d(hidden, this.param('lm_head.w') as tf.Tensor2D);
  }

  /** A scalar head's outputs [M] from hidden states [M, D]. */
  scalar(head: string, hidden: tf.Tensor2D): tf.Tensor1D {
    if (!this.config.scalarHeads.includes(head)) {
      throw new InvalidArgumentError({
        field: 'head',
        reason: `unknown scalar head ${JSON.stringify(head)}; this model has: ${this.config.scalarHeads.join(', ') || '(none)'}`,
      });
    }
    return tf.tidy(() => {
      const y = linear(hidden, this.param(`head.${head}.w`), this.param(`head.${head}.b`));
      return tf.reshape(y, [hidden.shape[0]]) as tf.Tensor1D;
    });
  }

  /** A copy of every parameter as plain float32 data (downloads from the backend). */
  getWeights(): Map<string, WeightData> {
    this.assertAlive();
    const out = new Map<string, WeightData>();
    for (const [name, variable] of this.params) {
      out.set(name, { shape: [...variable.shape], data: Float32Array.from(variable.dataSync()) });
    }
    return out;
  }

  /**
   * Overwrites parameters with `weights`. With `strict` (default) every parameter must be
   * given; otherwise only the given ones change (e.g. a backbone copied into an estimator).
   *
   * @throws InvalidArgumentError — an unknown name, a wrong shape or a missing parameter.
   */
  setWeights(weights: NamedWeights, options: { readonly strict?: boolean } = {}): void {
    this.assertAlive();
    checkWeights(this.config, weights, options.strict ?? true);
    for (const [name, weight] of weights) {
      const variable = this.params.get(name) as tf.Variable;
      tf.tidy(() => variable.assign(tf.tensor(weight.data, [...weight.shape], 'float32')));
    }
  }

  /** An independent copy with the same configuration and weights. */
  clone(): TransformerLM {
    return TransformerLM.fromWeights(this.config, this.getWeights());
  }

  /** Frees every variable; the model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const variable of this.params.values()) variable.dispose();
    this.disposed = true;
  }

  /** Whether {@link dispose} was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('TransformerLM: the model was disposed');
  }
}

function checkWeights(config: ModelConfig, weights: NamedWeights, strict = true): void {
  const shapes = parameterShapes(config);
  for (const [name, weight] of weights) {
    const shape = shapes.get(name);
    if (shape === undefined) {
      throw new InvalidArgumentError({
        field: `weights['${name}']`,
        reason: 'not a parameter of this model configuration',
      });
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (
      weight.shape.length !== shape.length ||
      weight.shape.some((n, i) => n !== shape[i]) ||
      weight.data.length !== size
    ) {
      throw new InvalidArgumentError({
        field: `weights['${name}']`,
        reason: `expected shape [${shape.join(', ')}] (${size} values), got [${weight.shape.join(', ')}] (${weight.data.length} values)`,
      });
    }
  }
  if (strict) {
    for (const name of shapes.keys()) {
      if (!weights.has(name)) {
        throw new InvalidArgumentError({ field: `weights['${name}']`, reason: 'missing' });
      }
    }
  }
}

function initialWeights(config: ModelConfig, seed: number): Map<string, WeightData> {
  const root = createRng(seed).fork('spa-lm-init');
  const out = new Map<string, WeightData>();
  const residualStd = config.initStd / Math.sqrt(2 * config.depth);
  for (const [name, shape] of parameterShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name.endsWith('.g')) {
      data.fill(1);
    } else if (name.endsWith('.w') || name === 'tok_emb' || name === 'pos_emb') {
      const std =
        name.endsWith('attn.proj.w') || name.endsWith('mlp.proj.w') ? residualStd : config.initStd;
      const rng = root.fork(name);
      for (let i = 0; i < size; i++) data[i] = rng.nextNormal() * std;
    }
    out.set(name, { shape, data });
  }
  return out;
}
