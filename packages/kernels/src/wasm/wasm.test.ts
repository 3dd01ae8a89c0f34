import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KernelInputError } from '../errors';
import { jsBackend } from '../js';
import { resolveLayout } from '../layout';
import { rowOrder, SORT_FROM_MEAN_LENGTH } from '../order';
import { createKernelRunner, type FallbackEvent } from '../runner';
import { firstDifference, runKernelConformance } from '../testing';
import { mulberry32 } from '../testing/random';
import type { GaeInput, GaeOutput } from '../types';
import { KERNELS_WASM_BASE64 } from './binary';
import { WASM_MIN_ELEMENTS, wasmBackend } from './index';
import { KernelPool, WORKER_SOURCE } from './pool';
import { webAssemblyApi } from './webassembly';

// Every call split over two threads (the calling one and a worker), even the small ones; with the
// SIMD module (the default) and with the scalar one.
runKernelConformance(() => wasmBackend({ threads: 2, minThreadedElements: 0 }), {
  runs: 25,
  label: 'SIMD',
});
runKernelConformance(() => wasmBackend({ threads: 2, minThreadedElements: 0, simd: false }), {
  runs: 25,
  label: 'scalar',
});

/** Uniform in [−1, 1), from a seed. */
function randomFloats(length: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

function gaeInput(numRows: number, numSteps: number, seed: number): GaeInput {
  const n = numRows * numSteps;
  const dones = new Uint8Array(n);
  for (let i = seed % 97; i < n; i += 211) dones[i] = 1;
  return {
    layout: { numRows, numSteps },
    rewards: randomFloats(n, seed),
    values: randomFloats(n, seed + 1),
    dones,
    bootstrapValues: randomFloats(numRows, seed + 2),
    gamma: 0.99,
    lambda: 0.95,
  };
}

function expectSame(expected: GaeOutput, actual: GaeOutput): void {
  expect(firstDifference(expected.advantages, actual.advantages)).toBeUndefined();
  expect(firstDifference(expected.returns, actual.returns)).toBeUndefined();
}

const js = jsBackend();

describe('wasmBackend', () => {
  const backend = wasmBackend({ threads: 3 });
  afterAll(() => backend.dispose());

  it('equals js on a large input split over three threads, and keeps its workers', async () => {
    const input = gaeInput(1000, 513, 7);
    expectSame(
      (await js.kernels.gae?.(input)) as GaeOutput,
      (await backend.kernels.gae?.(input)) as GaeOutput,
    );
    const returns = await backend.kernels.discountedReturns?.(input);
    expect(
      firstDifference(
        (await js.kernels.discountedReturns?.(input)) as Float32Array,
        returns as Float32Array,
      ),
    ).toBeUndefined();
    const stats = backend.stats();
    expect(stats.threadedRuns).toBe(2);
    expect(stats.workers).toBe(2);
    expect(stats.memoryBytes).toBeGreaterThanOrEqual(1000 * 513 * 17);
    expect(stats.singleThreadReason).toBeUndefined();
  });

  it('runs small calls on the calling thread only', async () => {
    const before = backend.stats().threadedRuns;
    const input = gaeInput(8, 100, 3);
    expectSame(
      (await js.kernels.gae?.(input)) as GaeOutput,
      (await backend.kernels.gae?.(input)) as GaeOutput,
    );
    expect(backend.stats().threadedRuns).toBe(before);
  });

  it('runs concurrent calls one at a time on the shared memory, each with its own result', async () => {
    const inputs = [gaeInput(300, 500, 11), gaeInput(7, 33, 12), gaeInput(400, 700, 13)];
    const results = await Promise.all(inputs.map((input) => backend.kernels.gae?.(input)));
    for (const [index, input] of inputs.entries()) {
      expectSame((await js.kernels.gae?.(input)) as GaeOutput, results[index] as GaeOutput);
    }
  });

  it('fills `out` and returns it; rejects a wrong `out` like js', async () => {
    const input = gaeInput(300, 600, 5);
    const out = { advantages: new Float32Array(180_000), returns: new Float32Array(180_000) };
    const result = await backend.kernels.gae?.({ ...input, out });
    expect(result).toBe(out);
    expectSame((await js.kernels.gae?.(input)) as GaeOutput, out);
    const short = { advantages: new Float32Array(10), returns: new Float32Array(180_000) };
    await expect(backend.kernels.gae?.({ ...input, out: short })).rejects.toThrow(
      /out\.advantages.*180000/,
    );
  });

  it('names the first bad entry like js (NaN, Infinity, a done of 2, threaded or not)', async () => {
    for (const size of [[4, 50] as const, [400, 500] as const]) {
      const base = gaeInput(size[0], size[1], 17);
      const n = size[0] * size[1];
      const values = base.values.slice();
      values[n - 3] = Number.NaN;
      const rewards = base.rewards.slice();
      rewards[n >> 1] = Number.POSITIVE_INFINITY;
      const dones = (base.dones as Uint8Array).slice();
      dones[7] = 2;
      for (const bad of [{ values }, { rewards }, { dones }]) {
        const input = { ...base, ...bad };
        const expected = await js.kernels.gae?.(input).catch((error: unknown) => error);
        const actual = await backend.kernels.gae?.(input).catch((error: unknown) => error);
        expect(KernelInputError.isInstance(actual)).toBe(true);
        expect((actual as Error).message).toBe((expected as Error).message);
      }
      // A NaN in the returns' rewards is caught by the up-front check.
      await expect(backend.kernels.discountedReturns?.({ ...base, rewards })).rejects.toThrow(
        /rewards\[/,
      );
    }
  });

  it('returns an f32 overflow of finite inputs as computed, like js', async () => {
    const input: GaeInput = {
      layout: { numRows: 1, numSteps: 3 },
      rewards: Float32Array.of(3e38, 3e38, 3e38),
      values: new Float32Array(3),
      gamma: 1,
      lambda: 1,
    };
    expectSame(
      (await js.kernels.gae?.(input)) as GaeOutput,
      (await backend.kernels.gae?.(input)) as GaeOutput,
    );
  });

  it('grows its memory for larger calls, releases it on dispose and stays usable', async () => {
    const local = wasmBackend({ threads: 2 });
    await local.kernels.gae?.(gaeInput(2, 10, 1));
    const small = local.stats().memoryBytes;
    const input = gaeInput(500, 1000, 2);
    expectSame(
      (await js.kernels.gae?.(input)) as GaeOutput,
      (await local.kernels.gae?.(input)) as GaeOutput,
    );
    expect(local.stats().memoryBytes).toBeGreaterThan(small);
    expect(local.stats().workers).toBe(1);
    await local.dispose();
    expect(local.stats()).toMatchObject({ memoryBytes: 0, workers: 0 });
    expectSame(
      (await js.kernels.gae?.(input)) as GaeOutput,
      (await local.kernels.gae?.(input)) as GaeOutput,
    );
    await local.dispose();
  });

  it('drops a pool whose worker failed, after every thread finished, and starts a new one', async () => {
    const local = wasmBackend({ threads: 2 });
    const input = gaeInput(300, 500, 21);
    const expected = (await js.kernels.gae?.(input)) as GaeOutput;
    expectSame(expected, (await local.kernels.gae?.(input)) as GaeOutput);
    expect(local.stats().workers).toBe(1);
    const run = vi
      .spyOn(KernelPool.prototype, 'run')
      .mockImplementationOnce(() => Promise.reject(new Error('worker lost')));
    await expect(local.kernels.gae?.(input)).rejects.toThrow('worker lost');
    expect(local.stats().workers).toBe(0);
    run.mockRestore();
    expectSame(expected, (await local.kernels.gae?.(input)) as GaeOutput);
    expect(local.stats()).toMatchObject({ workers: 1, threadedRuns: 2 });
    await local.dispose();
  });

  it('reports a worker-side error and keeps the worker usable', async () => {
    const { KERNELS_WASM_BASE64: base64 } = await import('./binary');
    const api = webAssemblyApi() as NonNullable<ReturnType<typeof webAssemblyApi>>;
    const module = await api.compile(Buffer.from(base64, 'base64'));
    const memory = new api.Memory({ initial: 1, maximum: 65_536, shared: true });
    const pool = await KernelPool.start(1, module, memory);
    await expect(pool.run(0, { fn: 'missing' as 'gae', args: [] })).rejects.toThrow(
      /wasm worker: TypeError/,
    );
    await expect(pool.run(0, { fn: 'returns', args: [0, 0, 0, 0, 0, 0, 0, 1] })).resolves.toBe(0);
    await expect(pool.run(1, { fn: 'returns', args: [] })).rejects.toThrow('no wasm worker 1');
    await pool.terminate();
    await expect(pool.run(0, { fn: 'returns', args: [] })).rejects.toThrow(/exited/);
  });

  it('rejects bad options with the field named', () => {
    expect(() => wasmBackend({ threads: 0 })).toThrow(/threads/);
    expect(() => wasmBackend({ threads: 1.5 })).toThrow(/threads/);
    expect(() => wasmBackend({ minThreadedElements: -1 })).toThrow(/minThreadedElements/);
    expect(() => wasmBackend({ simd: 'yes' as unknown as boolean })).toThrow(/simd.*true or false/);
    expect(() => wasmBackend({ sortRows: 1 as unknown as boolean })).toThrow(
      /sortRows.*true or false/,
    );
  });

  it('uses the SIMD module by default and the scalar one on request, with the same bits', async () => {
    // 9 rows: two groups of four in f32x4 lanes, one row left over; 37 steps: blocks of four and
    // single steps.
    const input = gaeInput(9, 37, 5);
    const expected = (await js.kernels.gae?.(input)) as GaeOutput;
    const simd = wasmBackend({ threads: 1 });
    const scalar = wasmBackend({ threads: 1, simd: false });
    expectSame(expected, (await simd.kernels.gae?.(input)) as GaeOutput);
    expectSame(expected, (await scalar.kernels.gae?.(input)) as GaeOutput);
    // Both mask modes, with dones on kept and on masked-out positions.
    const next = mulberry32(11);
    const mask = Uint8Array.from({ length: input.rewards.length }, () => (next() < 0.7 ? 1 : 0));
    const dones = Uint8Array.from({ length: input.rewards.length }, () => (next() < 0.15 ? 1 : 0));
    for (const maskMode of ['skip', 'zero'] as const) {
      const masked: GaeInput = { ...input, dones, mask, maskMode };
      const expectedMasked = (await js.kernels.gae?.(masked)) as GaeOutput;
      expectSame(expectedMasked, (await simd.kernels.gae?.(masked)) as GaeOutput);
      expectSame(expectedMasked, (await scalar.kernels.gae?.(masked)) as GaeOutput);
    }
    const returnsInput = {
      layout: input.layout,
      rewards: input.rewards,
      dones: input.dones,
      bootstrapValues: input.bootstrapValues,
      gamma: 0.97,
    };
    const expectedReturns = (await js.kernels.discountedReturns?.(returnsInput)) as Float32Array;
    for (const backend of [simd, scalar]) {
      const returns = (await backend.kernels.discountedReturns?.(returnsInput)) as Float32Array;
      expect(firstDifference(expectedReturns, returns)).toBeUndefined();
    }
    expect(simd.stats()).toMatchObject({ simd: true, simdReason: undefined });
    expect(scalar.stats()).toMatchObject({ simd: false, simdReason: undefined });
    await simd.dispose();
    await scalar.dispose();
  });

  it('runs long ragged rows longest first (or in order), split over threads, with js’s bits in every mode', async () => {
    // 61 rows of 0–700 positions (mean ≥ SORT_FROM_MEAN_LENGTH): the rows run in sorted order,
    // in groups of four (SIMD), pairs (scalar) and one row left over.
    const next = mulberry32(23);
    const offsets = [0];
    for (let row = 0; row < 61; row++) {
      const length = row === 7 ? 0 : Math.floor(next() * 700);
      offsets.push((offsets[offsets.length - 1] as number) + length);
    }
    const layout = { offsets };
    const resolved = resolveLayout(layout);
    expect(resolved.size).toBeGreaterThanOrEqual(SORT_FROM_MEAN_LENGTH * 61);
    expect(rowOrder(resolved).rows).toBeDefined();
    const size = resolved.size;
    const base: GaeInput = {
      layout,
      rewards: randomFloats(size, 1),
      values: randomFloats(size, 2),
      bootstrapValues: randomFloats(61, 3),
      dones: Uint8Array.from({ length: size }, () => (next() < 0.05 ? 1 : 0)),
      gamma: 0.99,
      lambda: 0.95,
    };
    const mask = Uint8Array.from({ length: size }, () => (next() < 0.7 ? 1 : 0));
    const inputs: GaeInput[] = [
      base,
      { ...base, mask, maskMode: 'skip' },
      { ...base, mask, maskMode: 'zero' },
    ];
    const returnsInput = { ...base, gamma: 0.97 };
    const expectedReturns = (await js.kernels.discountedReturns?.(returnsInput)) as Float32Array;
    for (const [simd, sortRows] of [
      [true, true],
      [false, true],
      [true, false],
    ] as const) {
      const wasm = wasmBackend({ threads: 3, minThreadedElements: 0, simd, sortRows });
      for (const input of inputs) {
        expectSame(
          (await js.kernels.gae?.(input)) as GaeOutput,
          (await wasm.kernels.gae?.(input)) as GaeOutput,
        );
      }
      const returns = (await wasm.kernels.discountedReturns?.(returnsInput)) as Float32Array;
      expect(firstDifference(expectedReturns, returns)).toBeUndefined();
      expect(wasm.stats()).toMatchObject({ simd, threadedRuns: 4, workers: 2 });
      await wasm.dispose();
    }
  });

  it('falls back to the scalar module when the SIMD one does not compile, saying why', async () => {
    vi.resetModules();
    const fresh = await import('./index');
    const api = webAssemblyApi() as NonNullable<ReturnType<typeof webAssemblyApi>>;
    const compile = vi
      .spyOn(api, 'compile')
      .mockRejectedValueOnce(new Error('invalid opcode 0xfd (SIMD)'));
    try {
      const backend = fresh.wasmBackend({ threads: 1 });
      const input = gaeInput(6, 20, 8);
      expectSame(
        (await js.kernels.gae?.(input)) as GaeOutput,
        (await backend.kernels.gae?.(input)) as GaeOutput,
      );
      expect(compile).toHaveBeenCalledTimes(2);
      expect(backend.stats().simd).toBe(false);
      expect(backend.stats().simdReason).toMatch(/SIMD module did not compile.*0xfd/);
      await backend.dispose();
    } finally {
      compile.mockRestore();
    }
  });

  it('is picked by the runner above its thresholds and leaves the rest to js, saying why', async () => {
    const events: FallbackEvent[] = [];
    const runner = createKernelRunner({
      backends: [jsBackend(), wasmBackend({ threads: 1 })],
      onFallback: (event) => events.push(event),
    });
    const large = gaeInput(64, 512, 9);
    expectSame(
      (await js.kernels.gae?.(large)) as GaeOutput,
      (await runner.gae(large)) as GaeOutput,
    );
    expect(runner.backendFor('gae')).toBe('wasm');
    await runner.gae(gaeInput(4, 100, 9));
    expect(runner.backendFor('gae')).toBe('js');
    expect(events.at(-1)?.reason).toBe(
      `400 elements is below wasm's threshold of ${WASM_MIN_ELEMENTS.gae} for gae`,
    );
    await runner.normalizeAdvantages({ values: large.rewards });
    expect(runner.backendFor('normalizeAdvantages')).toBe('js');
    expect(events.at(-1)?.reason).toBe('wasm does not implement normalizeAdvantages');
    await runner.dispose();
  });

  it('starts its eval worker from plain Node, also under --input-type=module', () => {
    // Workers inherit the parent's execArgv, and with --input-type=module Node parses eval'd
    // worker code as an ES module, where `require` is undefined (tsx hides this: no tsx here).
    const body = [
      "const { Worker } = process.getBuiltinModule('node:worker_threads');",
      'const run = async () => {',
      "  const bytes = Buffer.from(process.env.SPA_WASM, 'base64');",
      '  const module = await WebAssembly.compile(bytes);',
      '  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });',
      '  const worker = new Worker(process.env.SPA_WORKER, { eval: true });',
      "  worker.on('error', (error) => { console.log(JSON.stringify(String(error))); process.exit(0); });",
      '  const ask = (message) => new Promise((resolve) => { worker.once("message", resolve); worker.postMessage(message); });',
      '  const init = await ask({ module, memory });',
      "  const task = await ask({ fn: 'returns', args: [0, 0, 0, 0, 0, 0, 0, 1] });",
      '  console.log(JSON.stringify([init, task]));',
      '  await worker.terminate();',
      '};',
      'run();',
    ].join('\n');
    for (const flags of [[], ['--input-type=module']]) {
      const output = execFileSync(process.execPath, [...flags, '-e', body], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, SPA_WASM: KERNELS_WASM_BASE64, SPA_WORKER: WORKER_SOURCE },
      });
      expect(JSON.parse(output), flags.join(' ')).toEqual([{ ok: true, result: 0 }, { ok: true }]);
    }
  }, 40_000);

  it('lets the process exit without dispose() (idle workers do not hold it)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'spa-wasm-'));
    try {
      const script = join(directory, 'exit.mts');
      const entry = pathToFileURL(join(import.meta.dirname, 'index.ts')).href;
      writeFileSync(
        script,
        [
          `import { wasmBackend } from ${JSON.stringify(entry)};`,
          'const backend = wasmBackend({ threads: 2, minThreadedElements: 0 });',
          'const n = 4 * 1000;',
          'const out = await backend.kernels.discountedReturns({ layout: { numRows: 4, numSteps: 1000 }, rewards: new Float32Array(n).fill(1), gamma: 0.5 });',
          'console.log(out[0], backend.stats().threadedRuns, backend.stats().workers);',
        ].join('\n'),
      );
      const output = execFileSync(process.execPath, ['--import', 'tsx', script], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(output.trim()).toBe('2 1 1');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 40_000);
});
