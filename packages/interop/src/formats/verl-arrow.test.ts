import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../__fixtures__/trajectories';
import { writeVerlFile } from '../files';
import { exportVerl } from './verl';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spa-verl-arrow-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Arrow values as plain JSON: Int64 comes back as BigInt, nested rows as Arrow row objects. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object') return value;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return plain(json.call(value));
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, plain(v)]));
}

// An independent reader: Apache Arrow's Rust parquet implementation (arrow-rs, compiled to wasm
// as `parquet-wasm`), not hyparquet, which our own reader uses. verl loads its datasets with
// `datasets`/pyarrow, so the columns must come out as the nested types below.
describe('verl parquet through Apache Arrow (parquet-wasm)', () => {
  it('reads every row back with verl’s schema and our values', async () => {
    const path = join(directory, 'train.parquet');
    const options = { system: 'You are an agent in a household.', dataSource: 'spa/alfworld' };
    await writeVerlFile(path, fixtures, options);
    const table = tableFromIPC(readParquet(new Uint8Array(await readFile(path))).intoIPCStream());

    const types = Object.fromEntries(
      table.schema.fields.map((field) => [field.name, String(field.type)]),
    );
    expect(types).toEqual({
      data_source: 'Utf8',
      prompt: 'List<Struct<{role:Utf8, content:Utf8}>>',
      ability: 'Utf8',
      reward_model: 'Struct<{style:Utf8, ground_truth:Utf8}>',
      extra_info:
        'Struct<{index:Int64, split:Utf8, response:Utf8, transcript:Utf8, step_rewards:List<Float64>, step_char_start:List<Int64>, step_char_end:List<Int64>, step_message_index:List<Int64>, spa:Utf8}>',
    });

    const expected = exportVerl(fixtures, options);
    expect(table.numRows).toBe(expected.length);
    const rows = table.toArray().map(plain);
    expect(rows).toEqual(expected.map((record) => plain(record)));
  });
});
