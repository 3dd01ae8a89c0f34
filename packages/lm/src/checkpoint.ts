import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type JsonValue, SpaError } from '@spa/core';
import { writeFileAtomic } from '@spa/core/node';
import type { WeightData } from './model/model';

/** Name of the JSON file of a checkpoint directory. */
export const CHECKPOINT_FILE = 'model.json';
/** Format tag of {@link CHECKPOINT_FILE}. */
export const CHECKPOINT_FORMAT = 'spa-lm-checkpoint';
/** Version of the checkpoint format this package writes and reads. */
export const CHECKPOINT_VERSION = 1;

/** A checkpoint cannot be read: missing file, bad JSON, wrong format, checksum or shape. */
export class CheckpointError extends SpaError {
  /** The file at fault. */
  readonly file: string;

  constructor(file: string, message: string, options: { readonly cause?: unknown } = {}) {
    super('CheckpointError', `${file}: ${message}`, options);
    this.file = file;
  }
}

/** Everything a checkpoint holds. */
export interface CheckpointContent {
  /** Free JSON: the model configuration, the tokenizer, training metadata… */
  readonly json: { readonly [key: string]: JsonValue };
  /** Named groups of float32 tensors (e.g. `model`, `optimizer.m`, `optimizer.v`). */
  readonly tensors: ReadonlyMap<string, ReadonlyMap<string, WeightData>>;
}

interface TensorEntry {
  readonly group: string;
  readonly name: string;
  readonly shape: number[];
  readonly offset: number;
  readonly length: number;
}

interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  readonly weightsFile: string;
  readonly byteLength: number;
  readonly sha256: string;
  readonly tensors: TensorEntry[];
  readonly content: { readonly [key: string]: JsonValue };
}

/**
 * Writes a checkpoint directory: `model.json` (format, content JSON, tensor manifest, SHA-256)
 * and `weights-<hash>.bin` (every tensor as little-endian float32, back to back).
 *
 * @remarks Crash-safe: the weights go to a new content-named file first, then `model.json` is
 * replaced atomically, then unreferenced weight files are removed. A crash at any point leaves
 * either the previous checkpoint or the new one, never a mix. Float32 values round-trip exactly.
 */
export async function saveCheckpoint(directory: string, content: CheckpointContent): Promise<void> {
  await mkdir(directory, { recursive: true });
  const entries: TensorEntry[] = [];
  let total = 0;
  for (const [group, tensors] of content.tensors) {
    for (const [name, weight] of tensors) {
      const size = weight.shape.reduce((a, b) => a * b, 1);
      if (size !== weight.data.length) {
        throw new CheckpointError(
          directory,
          `tensor ${group}/${name}: shape [${weight.shape.join(', ')}] does not hold ${weight.data.length} values`,
        );
      }
      entries.push({ group, name, shape: [...weight.shape], offset: total, length: size });
      total += size * 4;
    }
  }
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let cursor = 0;
  for (const tensors of content.tensors.values()) {
    for (const weight of tensors.values()) {
      for (let i = 0; i < weight.data.length; i++, cursor += 4) {
        view.setFloat32(cursor, weight.data[i] as number, true);
      }
    }
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const weightsFile = `weights-${sha256.slice(0, 16)}.bin`;
  await writeFileAtomic(join(directory, weightsFile), bytes);
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    weightsFile,
    byteLength: total,
    sha256,
    tensors: entries,
    content: content.json,
  };
  await writeFileAtomic(join(directory, CHECKPOINT_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  for (const file of await readdir(directory)) {
    if (/^weights-[0-9a-f]{16}\.bin$/.test(file) && file !== weightsFile) {
      await rm(join(directory, file), { force: true });
    }
  }
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}, verifying format, version, byte length,
 * SHA-256 and every tensor's extent.
 *
 * @throws CheckpointError naming the file and what is wrong with it.
 */
export async function loadCheckpoint(directory: string): Promise<CheckpointContent> {
  const jsonPath = join(directory, CHECKPOINT_FILE);
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (error) {
    throw new CheckpointError(jsonPath, 'cannot read the checkpoint (missing or unreadable)', {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(jsonPath, `not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const manifest = checkManifest(jsonPath, parsed);
  const binPath = join(directory, manifest.weightsFile);
  let bytes: Buffer;
  try {
    bytes = await readFile(binPath);
  } catch (error) {
    throw new CheckpointError(binPath, 'cannot read the weights file named by model.json', {
      cause: error,
    });
  }
  if (bytes.length !== manifest.byteLength) {
    throw new CheckpointError(
      binPath,
      `expected ${manifest.byteLength} bytes, found ${bytes.length} (truncated or replaced)`,
    );
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== manifest.sha256) {
    throw new CheckpointError(
      binPath,
      `SHA-256 mismatch (expected ${manifest.sha256}, got ${digest}): the weights are corrupt`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = new Map<string, Map<string, WeightData>>();
  for (const entry of manifest.tensors) {
    const data = new Float32Array(entry.length);
    for (let i = 0; i < entry.length; i++) data[i] = view.getFloat32(entry.offset + 4 * i, true);
    let group = tensors.get(entry.group);
    if (group === undefined) {
      group = new Map();
      tensors.set(entry.group, group);
    }
    group.set(entry.name, { shape: entry.shape, data });
  }
  return { json: manifest.content, tensors };
}

function checkManifest(file: string, value: unknown): CheckpointManifest {
  const fail = (field: string, reason: string): never => {
    throw new CheckpointError(file, `field \`${field}\`: ${reason}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail('(root)', 'expected an object');
  const m = value as Record<string, unknown>;
  if (m.format !== CHECKPOINT_FORMAT)
    fail('format', `expected '${CHECKPOINT_FORMAT}', got ${JSON.stringify(m.format)}`);
  if (m.version !== CHECKPOINT_VERSION) {
    fail(
      'version',
      `this package reads version ${CHECKPOINT_VERSION}, got ${JSON.stringify(m.version)}`,
    );
  }
  if (typeof m.weightsFile !== 'string' || !/^weights-[0-9a-f]{16}\.bin$/.test(m.weightsFile)) {
    fail('weightsFile', `expected 'weights-<16 hex>.bin', got ${JSON.stringify(m.weightsFile)}`);
  }
  const byteLength = m.byteLength;
  if (
    typeof byteLength !== 'number' ||
    !Number.isInteger(byteLength) ||
    byteLength < 0 ||
    byteLength % 4 !== 0
  ) {
    fail('byteLength', `expected a non-negative multiple of 4, got ${JSON.stringify(byteLength)}`);
  }
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256))
    fail('sha256', 'expected 64 hex digits');
  if (m.content === null || typeof m.content !== 'object' || Array.isArray(m.content)) {
    fail('content', 'expected an object');
  }
  if (!Array.isArray(m.tensors)) fail('tensors', 'expected an array');
  const seen = new Set<string>();
  (m.tensors as unknown[]).forEach((raw, index) => {
    const field = `tensors[${index}]`;
    if (raw === null || typeof raw !== 'object') fail(field, 'expected an object');
    const t = raw as Record<string, unknown>;
    if (typeof t.group !== 'string' || typeof t.name !== 'string')
      fail(field, 'expected string `group` and `name`');
    const key = `${t.group}/${t.name}`;
    if (seen.has(key)) fail(field, `duplicate tensor ${key}`);
    seen.add(key);
    const shape = t.shape;
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0))
      fail(`${field}.shape`, 'expected non-negative integers');
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (t.length !== size)
      fail(
        `${field}.length`,
        `expected ${size} (the shape's size), got ${JSON.stringify(t.length)}`,
      );
    const offset = t.offset;
    if (
      typeof offset !== 'number' ||
      !Number.isInteger(offset) ||
      offset < 0 ||
      offset % 4 !== 0 ||
      offset + size * 4 > (byteLength as number)
    ) {
      fail(
        `${field}.offset`,
        `${JSON.stringify(offset)} is not a 4-byte-aligned offset inside ${byteLength} bytes`,
      );
    }
  });
  return m as unknown as CheckpointManifest;
}
