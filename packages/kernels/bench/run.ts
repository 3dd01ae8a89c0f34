/**
 * GAE kernel benchmark (`npm run bench` in this package): the same seeded data, in one run,
 * through every implementation we compare against.
 *
 * Data per shape N×T (rows × steps, row-major): rewards and values uniform in [−1, 1), 5 % dones
 * (`Uint8Array` for the kernels, the same flags as float32 for numpy), one bootstrap value per
 * row; γ = 0.99, λ = 0.95; step-level GAE (no mask). Every implementation computes both the
 * advantages A and the returns A + V, and (except `js (kernel only)`) allocates its outputs.
 *
 * Rows (per shape):
 * - `js`: `jsBackend().kernels.gae`, the public API (validation + allocation + kernel);
 * - `js (out)`: the same call with the caller's output arrays (`out`), as a training loop that
 *   reuses its buffers would make it: the difference to `js` is the allocation of the outputs;
 * - `js (kernel only)`: the exported `gaeRows` on an input prepared once with `prepareGae`, into
 *   preallocated outputs: the difference to `js (out)` is the up-front checks;
 * - `js (checks before the kernel)`: `prepareGae` as the API calls it (types, lengths, layout,
 *   bootstrap values; the kernel itself checks r, V and dones as it goes);
 * - `js (full value scan)`: `prepareGae` with every value scanned up front (what the webasm and
 *   webgpu backends run);
 * - `naive JS`: the textbook backward loop in f64 `number` arithmetic (no `Math.fround`);
 * - `webasm (1/2 threads)`: `webasmBackend({ threads })` from `src/gpu/index.ts`, loaded
 *   dynamically; skipped with a note when the module is missing or fails;
 * - `wasm (1/2 threads)`, `wasm (out)`: `wasmBackend({ threads })` from `src/wasm/index.ts`,
 *   our hand-written WebAssembly recurrences (the input is copied into wasm memory and the
 *   outputs out), without and with caller-provided output arrays; with its SIMD module (the
 *   default), plus `wasm (out)` on 1 thread with the scalar module (`simd: false`);
 * - `numpy loop`: CleanRL's `for t in reversed(range(T))` loop vectorised over N on `[N, T]`
 *   arrays (verl / TRL layout), float32 like the data, then the same in float64;
 * - `numpy per-trajectory`: a verl-agent-style Python loop per trajectory over numpy scalars
 *   (slow: 1–5 calls, no warm-up).
 *
 * Then ragged layouts (`ragged.ts`): packed rows of random lengths through `js`, `js` on the
 * same rows padded to `[N, T]`, and `js` and `wasm` with rows longest first and in layout order;
 * discounted returns (`returns.ts`): `js`, the one-row loop and `wasm`; and the thresholds
 * `calibrateThresholds` measures for `wasm` and `webasm` against `js` (`thresholds.ts`).
 *
 * Timing: warm-up, then the median of several calls (Node: `performance.now()`; Python:
 * `time.perf_counter()` inside the subprocess). Throughput model: 16 bytes per element (read
 * r, V, done, write A, as in peers.md §3.3); it is nominal (the kernels read 1-byte dones and also
 * write the returns). Checks: js vs webasm bit-identical (A and returns), max |A_js − A_numpy|.
 *
 * Targets (the issue): `js` ≥ 150 M elements/s on one core; `js` ≥ 50× the numpy loop; webasm
 * threaded ≥ 1.5× `js` at ≥ 1 M elements.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gaeRows, jsBackend, prepareGae } from '../src/js';
import type { GaeOutput, KernelBackend } from '../src/types';
import { wasmBackend } from '../src/wasm/index';
import {
  type BenchData,
  BYTES_PER_ELEMENT,
  bitIdentical,
  DONE_RATE,
  GAMMA,
  LAMBDA,
  makeData,
  maxAbsDiff,
  measure,
  round,
  SHAPES,
  type Timing,
} from './common';
import { benchRagged } from './ragged';
import { benchReturns } from './returns';
import { benchThresholds } from './thresholds';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET_JS_MELEM = 150;
const TARGET_VS_NUMPY = 50;
const TARGET_WEBASM_VS_JS = 1.5;
const WEBASM_MIN_ELEMENTS = 1 << 20;

const notes: string[] = [];
const results: Record<string, number | string> = {};

// ── the naive loop ──

/** The textbook backward GAE loop: f64 `number` arithmetic on Float32Arrays, no rounding. */
function naiveGae(data: BenchData): GaeOutput {
  const { numRows, numSteps, rewards, values, dones, bootstrap } = data;
  const advantages = new Float32Array(data.size);
  const returns = new Float32Array(data.size);
  for (let row = 0; row < numRows; row++) {
    const start = row * numSteps;
    let nextValue = bootstrap[row] as number;
    let lastGae = 0;
    for (let t = start + numSteps - 1; t >= start; t--) {
      const nonTerminal = 1 - (dones[t] as number);
      const value = values[t] as number;
      const delta = (rewards[t] as number) + GAMMA * nextValue * nonTerminal - value;
      lastGae = delta + GAMMA * LAMBDA * nonTerminal * lastGae;
      advantages[t] = lastGae;
      returns[t] = lastGae + value;
      nextValue = value;
    }
  }
  return { advantages, returns };
}

// ── webasm (optional: src/gpu/index.ts may not exist yet) ──

type WebasmFactory = (options?: { threads?: number }) => KernelBackend;

async function loadWebasm(): Promise<WebasmFactory | undefined> {
  const path = join(here, '..', 'src', 'gpu', 'index.ts');
  if (!existsSync(path)) {
    notes.push('webasm rows skipped: `src/gpu/index.ts` does not exist yet.');
    return undefined;
  }
  try {
    const module = (await import(pathToFileURL(path).href)) as { webasmBackend?: unknown };
    if (typeof module.webasmBackend !== 'function') {
      notes.push('webasm rows skipped: `src/gpu/index.ts` does not export `webasmBackend`.');
      return undefined;
    }
    return module.webasmBackend as WebasmFactory;
  } catch (error) {
    notes.push(`webasm rows skipped: importing \`src/gpu/index.ts\` failed: ${message(error)}`);
    return undefined;
  }
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** A ready backend, or undefined (with a note the first time, when `report`). */
async function openWebasm(
  factory: WebasmFactory | undefined,
  threads: number,
  report: boolean,
): Promise<KernelBackend | undefined> {
  if (factory === undefined) return undefined;
  const push = (note: string) => {
    if (report) notes.push(note);
  };
  try {
    const backend = factory({ threads });
    if (!(await backend.isAvailable())) {
      push(
        `webasm ${threads} thread(s) skipped: unavailable (${backend.unavailableReason?.() ?? 'isAvailable() resolved false'}).`,
      );
      await backend.dispose?.();
      return undefined;
    }
    if (backend.kernels.gae === undefined) {
      push(`webasm ${threads} thread(s) skipped: the backend has no gae kernel.`);
      await backend.dispose?.();
      return undefined;
    }
    return backend;
  } catch (error) {
    push(`webasm ${threads} thread(s) skipped: ${message(error)}`);
    return undefined;
  }
}

// ── numpy (python3 subprocess) ──

const PYTHON = `
import json, sys, time
import numpy as np

folder, N, T = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
gamma, lam = 0.99, 0.95

def load(name, shape):
    return np.fromfile(f"{folder}/{name}.f32", dtype=np.float32).reshape(shape)

rewards, values, dones = load("rewards", (N, T)), load("values", (N, T)), load("dones", (N, T))
bootstrap = load("bootstrap", (N,))
js_advantages = load("js_advantages", (N, T))

def gae_loop(rewards, values, dones, next_value):
    # CleanRL ppo.py's backward loop, vectorised over N on [N, T] arrays (verl / TRL layout).
    # Our dones[t] = the episode ends after t, so nextnonterminal uses dones[:, t].
    T = rewards.shape[1]
    advantages = np.zeros_like(rewards)
    lastgaelam = 0
    for t in reversed(range(T)):
        nextnonterminal = 1.0 - dones[:, t]
        nextvalues = next_value if t == T - 1 else values[:, t + 1]
        delta = rewards[:, t] + gamma * nextvalues * nextnonterminal - values[:, t]
        advantages[:, t] = lastgaelam = delta + gamma * lam * nextnonterminal * lastgaelam
    returns = advantages + values
    return advantages, returns

def gae_per_trajectory(rewards, values, dones, next_value):
    # verl-agent-style: a Python loop per trajectory over numpy scalars.
    N, T = rewards.shape
    advantages = np.zeros_like(rewards)
    for i in range(N):
        lastgaelam = 0.0
        nextvalue = next_value[i]
        for t in reversed(range(T)):
            nonterminal = 1.0 - dones[i, t]
            delta = rewards[i, t] + gamma * nextvalue * nonterminal - values[i, t]
            lastgaelam = delta + gamma * lam * nonterminal * lastgaelam
            advantages[i, t] = lastgaelam
            nextvalue = values[i, t]
    returns = advantages + values
    return advantages, returns

def measure(fn, args, budget=1.5, min_reps=3, max_reps=30, warmup=True):
    if warmup:
        fn(*args)
    started = time.perf_counter()
    out = fn(*args)
    samples = [time.perf_counter() - started]
    reps = max(min_reps, min(max_reps, int(budget / max(samples[0], 1e-9))))
    for _ in range(reps - 1):
        started = time.perf_counter()
        out = fn(*args)
        samples.append(time.perf_counter() - started)
    samples.sort()
    m = len(samples) // 2
    median = samples[m] if len(samples) % 2 else (samples[m - 1] + samples[m]) / 2
    return median * 1000, len(samples), out

result = {"numpy": np.__version__, "python": sys.version.split()[0]}
f32 = (rewards, values, dones, bootstrap)
ms, reps, (a32, _) = measure(gae_loop, f32)
result.update(loop_ms=ms, loop_reps=reps)
f64 = tuple(x.astype(np.float64) for x in f32)
ms, reps, (a64, _) = measure(gae_loop, f64)
result.update(loop_f64_ms=ms, loop_f64_reps=reps)
js64 = js_advantages.astype(np.float64)
result["max_abs_diff_js_vs_f64"] = float(np.max(np.abs(js64 - a64)))
result["max_abs_diff_js_vs_f32"] = float(np.max(np.abs(js64 - a32.astype(np.float64))))
result["max_abs_diff_f32_vs_f64"] = float(np.max(np.abs(a32.astype(np.float64) - a64)))
result["max_abs_advantage"] = float(np.max(np.abs(a64)))
ms, reps, (at, _) = measure(gae_per_trajectory, f32, budget=2.0, min_reps=1, max_reps=5, warmup=False)
result.update(per_trajectory_ms=ms, per_trajectory_reps=reps)
result["max_abs_diff_js_vs_per_trajectory"] = float(np.max(np.abs(js64 - at.astype(np.float64))))
print(json.dumps(result))
`;

interface NumpyResult {
  readonly numpy: string;
  readonly python: string;
  readonly loop_ms: number;
  readonly loop_reps: number;
  readonly loop_f64_ms: number;
  readonly loop_f64_reps: number;
  readonly max_abs_diff_js_vs_f64: number;
  readonly max_abs_diff_js_vs_f32: number;
  readonly max_abs_diff_f32_vs_f64: number;
  readonly max_abs_advantage: number;
  readonly per_trajectory_ms: number;
  readonly per_trajectory_reps: number;
  readonly max_abs_diff_js_vs_per_trajectory: number;
}

function checkNumpy(): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (error) {
    notes.push(`numpy rows skipped: \`python3 -c "import numpy"\` failed: ${message(error)}`);
    return undefined;
  }
}

function runNumpy(folder: string, data: BenchData, jsAdvantages: Float32Array): NumpyResult {
  const bytes = (array: Float32Array) =>
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  writeFileSync(join(folder, 'rewards.f32'), bytes(data.rewards));
  writeFileSync(join(folder, 'values.f32'), bytes(data.values));
  writeFileSync(join(folder, 'dones.f32'), bytes(Float32Array.from(data.dones)));
  writeFileSync(join(folder, 'bootstrap.f32'), bytes(data.bootstrap));
  writeFileSync(join(folder, 'js_advantages.f32'), bytes(jsAdvantages));
  const stdout = execFileSync(
    'python3',
    [join(folder, 'gae.py'), folder, String(data.numRows), String(data.numSteps)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as NumpyResult;
}

// ── run ──

interface Row {
  readonly id: string;
  readonly label: string;
  readonly ms: number;
  readonly reps: number;
}

const webasmFactory = await loadWebasm();
let webasmRan = false;
const numpyVersion = checkNumpy();
const folder = mkdtempSync(join(tmpdir(), 'spa-kernels-bench-'));
if (numpyVersion !== undefined) writeFileSync(join(folder, 'gae.py'), PYTHON);
const js = jsBackend();
const jsGae = js.kernels.gae as NonNullable<typeof js.kernels.gae>;
const perShape: { key: string; size: number; rows: Row[]; numpy: NumpyResult | undefined }[] = [];
let pythonVersion: string | undefined;

const benchStarted = performance.now();
try {
  for (const [index, [numRows, numSteps]] of SHAPES.entries()) {
    const key = `${numRows}x${numSteps}`;
    const data = makeData(numRows, numSteps, 1000 + index);
    const rows: Row[] = [];
    const add = (id: string, label: string, timing: Timing) => {
      rows.push({ id, label, ...timing });
      results[`gae_${id}_${key}_ms`] = round(timing.ms, 4);
      results[`gae_${id}_${key}_melem_per_s`] = round(data.size / timing.ms / 1000, 1);
      results[`gae_${id}_${key}_gb_per_s`] = round(
        (data.size * BYTES_PER_ELEMENT) / timing.ms / 1e6,
        3,
      );
    };

    // js through its public API (validates and allocates)
    const reference = await jsGae(data.input);
    add('js', '`js` (`jsBackend().kernels.gae`)', await measure(() => jsGae(data.input)));
    const reused: GaeOutput = {
      advantages: new Float32Array(data.size),
      returns: new Float32Array(data.size),
    };
    add(
      'js_out',
      '`js (out)` (the same call with `out`: caller-provided output arrays)',
      await measure(() => jsGae({ ...data.input, out: reused })),
    );

    // js kernel only: gaeRows on a prepared input, preallocated outputs
    const prepared = prepareGae(data.input);
    const out: GaeOutput = {
      advantages: new Float32Array(data.size),
      returns: new Float32Array(data.size),
    };
    add(
      'js_kernel',
      '`js (kernel only)` (`gaeRows`, prepared input, preallocated outputs)',
      await measure(() => gaeRows(prepared, 0, numRows, out)),
    );
    add(
      'js_validate',
      '`js (checks before the kernel)` (`prepareGae(input, { deferValueChecks: true })`)',
      await measure(() => prepareGae(data.input, { deferValueChecks: true })),
    );
    add(
      'js_validate_full',
      '`js (full value scan)` (`prepareGae(input)`)',
      await measure(() => prepareGae(data.input)),
    );
    if (!bitIdentical(out.advantages, reference.advantages)) {
      notes.push(`${key}: gaeRows output differs from jsBackend's (unexpected).`);
    }

    // naive f64 loop
    const naive = naiveGae(data);
    add('naive_js', 'naive JS loop (f64 `number`, no fround)', await measure(() => naiveGae(data)));
    results[`max_abs_diff_js_vs_naive_js_${key}`] = maxAbsDiff(
      reference.advantages,
      naive.advantages,
    );

    /** Records whether a backend's output has js's bits (and a note when it does not). */
    const checkIdentical = (name: string, threads: number, output: GaeOutput) => {
      const identical =
        bitIdentical(output.advantages, reference.advantages) &&
        bitIdentical(output.returns, reference.returns);
      results[`js_${name}_${threads}t_bit_identical_${key}`] = identical ? 1 : 0;
      if (!identical) {
        notes.push(
          `${key}: ${name} ${threads} thread(s) output is NOT bit-identical to js (max |ΔA| = ${maxAbsDiff(output.advantages, reference.advantages)}).`,
        );
      }
    };

    // webasm, 1 and 2 threads: opened after the js rows and disposed right after their own
    // rows, so that their worker pools and heap use do not disturb the other measurements
    for (const threads of [1, 2]) {
      const backend = await openWebasm(webasmFactory, threads, index === 0);
      if (backend === undefined) continue;
      webasmRan = true;
      const gae = backend.kernels.gae as NonNullable<KernelBackend['kernels']['gae']>;
      try {
        checkIdentical('webasm', threads, await gae(data.input));
        add(
          `webasm_${threads}t`,
          `\`webasm\` ${threads} thread${threads === 1 ? '' : 's'}`,
          await measure(() => gae(data.input)),
        );
      } catch (error) {
        notes.push(`${key}: webasm ${threads} thread(s) failed: ${message(error)}`);
      } finally {
        await backend.dispose?.();
      }
    }

    // wasm (ours, src/wasm): 1 and 2 threads, and 2 threads with `out`; bit-identity checked
    for (const threads of [1, 2]) {
      const backend = wasmBackend({ threads });
      const gae = backend.kernels.gae as NonNullable<KernelBackend['kernels']['gae']>;
      try {
        checkIdentical('wasm', threads, await gae(data.input));
        const plural = threads === 1 ? '' : 's';
        add(
          `wasm_${threads}t`,
          `\`wasm\` ${threads} thread${plural} (\`wasmBackend\`, hand-written WebAssembly)`,
          await measure(() => gae(data.input)),
        );
        add(
          `wasm_${threads}t_out`,
          `\`wasm (out)\` ${threads} thread${plural}, caller-provided output arrays`,
          await measure(() => gae({ ...data.input, out: reused })),
        );
        if (threads > 1 && data.size >= 1 << 17 && backend.stats().threadedRuns === 0) {
          notes.push(
            `${key}: wasm ${threads} threads ran on one thread: ${backend.stats().singleThreadReason}`,
          );
        }
      } catch (error) {
        notes.push(`${key}: wasm ${threads} thread(s) failed: ${message(error)}`);
      } finally {
        await backend.dispose();
      }
    }

    // wasm without SIMD (the module runtimes without WebAssembly SIMD load), 1 thread with `out`
    {
      const backend = wasmBackend({ threads: 1, simd: false });
      const gae = backend.kernels.gae as NonNullable<KernelBackend['kernels']['gae']>;
      try {
        checkIdentical('wasm_scalar', 1, await gae(data.input));
        add(
          'wasm_scalar_1t_out',
          '`wasm (out)` 1 thread, scalar module (`simd: false`)',
          await measure(() => gae({ ...data.input, out: reused })),
        );
      } catch (error) {
        notes.push(`${key}: wasm scalar failed: ${message(error)}`);
      } finally {
        await backend.dispose();
      }
    }

    // numpy
    let numpy: NumpyResult | undefined;
    if (numpyVersion !== undefined) {
      try {
        numpy = runNumpy(folder, data, reference.advantages);
        pythonVersion = numpy.python;
        add('numpy_loop', 'numpy loop, float32 (CleanRL-style, vectorised over N)', {
          ms: numpy.loop_ms,
          reps: numpy.loop_reps,
        });
        add('numpy_loop_f64', 'numpy loop, float64', {
          ms: numpy.loop_f64_ms,
          reps: numpy.loop_f64_reps,
        });
        add('numpy_per_traj', 'Python loop per trajectory over numpy scalars (verl-agent-style)', {
          ms: numpy.per_trajectory_ms,
          reps: numpy.per_trajectory_reps,
        });
        results[`max_abs_diff_js_vs_numpy_per_traj_${key}`] =
          numpy.max_abs_diff_js_vs_per_trajectory;
        results[`max_abs_diff_js_vs_numpy_f64_${key}`] = numpy.max_abs_diff_js_vs_f64;
        results[`max_abs_diff_js_vs_numpy_f32_${key}`] = numpy.max_abs_diff_js_vs_f32;
        results[`max_abs_advantage_${key}`] = round(numpy.max_abs_advantage, 4);
      } catch (error) {
        notes.push(`${key}: numpy run failed: ${message(error)}`);
      }
    }

    const msOf = (id: string) => rows.find((row) => row.id === id)?.ms;
    const jsMs = msOf('js') as number;
    const speedup = (name: string, slower: number | undefined, faster: number | undefined) => {
      if (slower !== undefined && faster !== undefined)
        results[`speedup_${name}_${key}`] = round(slower / faster, 2);
    };
    speedup('js_vs_numpy', msOf('numpy_loop'), jsMs);
    speedup('js_vs_numpy_f64', msOf('numpy_loop_f64'), jsMs);
    speedup('js_vs_numpy_per_traj', msOf('numpy_per_traj'), jsMs);
    speedup('js_kernel_vs_numpy', msOf('numpy_loop'), msOf('js_kernel'));
    speedup('js_vs_naive_js', msOf('naive_js'), jsMs);
    speedup('webasm_1t_vs_js', jsMs, msOf('webasm_1t'));
    speedup('webasm_2t_vs_js', jsMs, msOf('webasm_2t'));
    speedup('wasm_1t_vs_js', jsMs, msOf('wasm_1t'));
    speedup('wasm_2t_vs_js', jsMs, msOf('wasm_2t'));
    speedup('wasm_2t_out_vs_js_out', msOf('js_out'), msOf('wasm_2t_out'));
    perShape.push({ key, size: data.size, rows, numpy });
    console.error(`${key}: done (${((performance.now() - benchStarted) / 1000).toFixed(1)} s)`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
const raggedLines = await benchRagged(results, notes);
const returnsLines = await benchReturns(results, notes);
const thresholdLines = await benchThresholds(results, notes, webasmFactory);

// ── targets ──

interface TargetRow {
  readonly shape: string;
  readonly text: string;
  readonly met: boolean | undefined;
  readonly informational?: boolean;
}
const targets: TargetRow[] = [];
for (const { key, size } of perShape) {
  const melem = results[`gae_js_${key}_melem_per_s`] as number;
  targets.push({
    shape: key,
    text: `\`js\` ≥ ${TARGET_JS_MELEM} M elements/s: ${melem}`,
    met: melem >= TARGET_JS_MELEM,
  });
  const melemOut = results[`gae_js_out_${key}_melem_per_s`] as number;
  targets.push({
    shape: key,
    text: `(informational) \`js (out)\`, the same call reusing output arrays: ${melemOut} M elements/s`,
    met: undefined,
    informational: true,
  });
  const vsNumpy = results[`speedup_js_vs_numpy_${key}`] as number | undefined;
  targets.push({
    shape: key,
    text: `\`js\` ≥ ${TARGET_VS_NUMPY}× numpy loop: ${vsNumpy === undefined ? 'n/a' : `${vsNumpy}×`}`,
    met: vsNumpy === undefined ? undefined : vsNumpy >= TARGET_VS_NUMPY,
  });
  const vsPerTrajectory = results[`speedup_js_vs_numpy_per_traj_${key}`] as number | undefined;
  if (vsPerTrajectory !== undefined) {
    targets.push({
      shape: key,
      text: `(informational) \`js\` vs the per-trajectory Python loop: ${vsPerTrajectory}×`,
      met: undefined,
      informational: true,
    });
  }
  if (size >= WEBASM_MIN_ELEMENTS) {
    const vsJs = results[`speedup_webasm_2t_vs_js_${key}`] as number | undefined;
    targets.push({
      shape: key,
      text: `\`webasm\` 2 threads ≥ ${TARGET_WEBASM_VS_JS}× \`js\`: ${vsJs === undefined ? 'n/a' : `${vsJs}×`}`,
      met: vsJs === undefined ? undefined : vsJs >= TARGET_WEBASM_VS_JS,
    });
    const wasmVsJs = results[`speedup_wasm_2t_vs_js_${key}`] as number | undefined;
    const wasmOutVsJsOut = results[`speedup_wasm_2t_out_vs_js_out_${key}`] as number | undefined;
    targets.push({
      shape: key,
      text: `(informational) \`wasm\` 2 threads (our WebAssembly backend) vs \`js\`: ${wasmVsJs === undefined ? 'n/a' : `${wasmVsJs}×`}; with \`out\` on both: ${wasmOutVsJsOut === undefined ? 'n/a' : `${wasmOutVsJsOut}×`}`,
      met: undefined,
      informational: true,
    });
  }
}
const summarize = (prefix: string): number | undefined => {
  const relevant = targets.filter((target) => target.text.startsWith(prefix));
  if (relevant.length === 0 || relevant.some((target) => target.met === undefined))
    return undefined;
  return relevant.every((target) => target.met) ? 1 : 0;
};
const targetSummary = {
  js_melem: summarize(`\`js\` ≥ ${TARGET_JS_MELEM}`),
  vs_numpy: summarize(`\`js\` ≥ ${TARGET_VS_NUMPY}×`),
  webasm: summarize('`webasm`'),
};

const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
const output: Record<string, number | string> = {
  ...results,
  bytes_per_element_model: BYTES_PER_ELEMENT,
  done_rate: DONE_RATE,
  gamma: GAMMA,
  lambda: LAMBDA,
  target_js_melem_per_s: TARGET_JS_MELEM,
  target_speedup_js_vs_numpy: TARGET_VS_NUMPY,
  target_speedup_webasm_threaded_vs_js: TARGET_WEBASM_VS_JS,
  webasm_available: webasmRan ? 1 : 0,
  numpy_available: numpyVersion !== undefined ? 1 : 0,
  ...(targetSummary.js_melem === undefined ? {} : { target_js_melem_met: targetSummary.js_melem }),
  ...(targetSummary.vs_numpy === undefined ? {} : { target_vs_numpy_met: targetSummary.vs_numpy }),
  ...(targetSummary.webasm === undefined ? {} : { target_webasm_met: targetSummary.webasm }),
  bench_seconds: round((performance.now() - benchStarted) / 1000, 1),
  ...(numpyVersion === undefined ? {} : { numpy: numpyVersion }),
  ...(pythonVersion === undefined ? {} : { python: pythonVersion }),
  node: process.version,
  cpus: cpus().length,
  date: new Date().toISOString(),
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(output, null, 2)}\n`);

// ── markdown ──

const fmt = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sci = (value: number) => (value === 0 ? '0' : value.toExponential(2));
const mark = (target: TargetRow) =>
  target.informational === true
    ? '–'
    : target.met === undefined
      ? 'not measured'
      : target.met
        ? 'met'
        : 'NOT met';
const lines: string[] = [
  '# @spa/kernels GAE benchmark',
  '',
  `Step-level GAE (no mask) on dense N×T row-major Float32Arrays: rewards and values uniform in [−1, 1), ${DONE_RATE * 100} % dones, one bootstrap value per row, γ = ${GAMMA}, λ = ${LAMBDA}; seeded (mulberry32), the same data for every row of a shape, in one run. Every implementation computes advantages and returns; all but \`js (kernel only)\` allocate their outputs. Time: the median of several calls after a warm-up (\`performance.now()\` in Node; \`time.perf_counter()\` inside the Python subprocess). Node code runs on one core (the main thread) except \`webasm\` and \`wasm\` with 2 threads.`,
  '',
  `Throughput model: **${BYTES_PER_ELEMENT} bytes per element** (read r, V, done, write A; peers.md §3.3), GB/s = elements × ${BYTES_PER_ELEMENT} B / time. It is nominal: the kernels read 1-byte dones and also write the returns.`,
  '',
  '## Targets',
  '',
  '| shape | target | status |',
  '| --- | --- | --- |',
  ...targets.map((target) => `| ${target.shape} | ${target.text} | ${mark(target)} |`),
  '',
];
for (const { key, size, rows, numpy } of perShape) {
  const jsMs = rows.find((row) => row.id === 'js')?.ms as number;
  const numpyMs = rows.find((row) => row.id === 'numpy_loop')?.ms;
  lines.push(
    `## ${key} (${fmt(size, 0)} elements)`,
    '',
    '| implementation | ms / call | M elements/s | GB/s | speed vs `js` | speed vs numpy loop | reps |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const row of rows) {
    lines.push(
      `| ${row.label} | ${fmt(row.ms, row.ms < 1 ? 4 : 2)} | ${fmt(size / row.ms / 1000, 1)} | ${fmt((size * BYTES_PER_ELEMENT) / row.ms / 1e6, 2)} | ${fmt(jsMs / row.ms, 2)}× | ${numpyMs === undefined ? 'n/a' : `${fmt(numpyMs / row.ms, 1)}×`} | ${row.reps} |`,
    );
  }
  const checks: string[] = [];
  for (const backendName of ['webasm', 'wasm', 'wasm_scalar']) {
    for (const threads of [1, 2]) {
      const identical = results[`js_${backendName}_${threads}t_bit_identical_${key}`];
      if (identical !== undefined)
        checks.push(
          `js vs ${backendName} ${threads} thread(s): ${identical === 1 ? 'bit-identical' : '**not bit-identical**'}`,
        );
    }
  }
  if (numpy !== undefined) {
    checks.push(
      `max |A_js − A_numpy,f64| = ${sci(numpy.max_abs_diff_js_vs_f64)}`,
      `max |A_js − A_numpy,f32| = ${sci(numpy.max_abs_diff_js_vs_f32)}`,
      `max |A_numpy,f32 − A_numpy,f64| = ${sci(numpy.max_abs_diff_f32_vs_f64)}`,
      `max |A| = ${fmt(numpy.max_abs_advantage, 2)}`,
    );
  }
  checks.push(
    `max |A_js − A_naive| = ${sci(results[`max_abs_diff_js_vs_naive_js_${key}`] as number)}`,
  );
  lines.push('', `Checks: ${checks.join('; ')}.`, '');
}
lines.push(...raggedLines, ...returnsLines, ...thresholdLines);
if (notes.length > 0) lines.push('## Notes', '', ...notes.map((note) => `- ${note}`), '');
lines.push(
  '## Machine and reproduction',
  '',
  `Node ${process.version}, ${cpus().length} CPUs (${cpuModel}), ${numpyVersion === undefined ? 'numpy unavailable' : `Python ${pythonVersion ?? '?'} with numpy ${numpyVersion}`}, ${output.date}; the whole run took ${output.bench_seconds} s.`,
  '',
  'Reproduce: `npm run bench` in `packages/kernels` (writes `bench/results.json` and `bench/results.md`). The numpy rows need `python3` with numpy on the PATH; the `webasm` rows need `src/gpu/index.ts` (`webasmBackend`).',
  '',
  'The numpy loop follows CleanRL `ppo.py` (`for t in reversed(range(T))`, vectorised over N) on `[N, T]` arrays as verl / TRL hold them, so each step reads a strided column; `dones[:, t]` means the episode ends after t (this package’s convention). The per-trajectory row is a Python loop over numpy scalars per trajectory (verl-agent style), timed over 1–5 calls without warm-up.',
  '',
);
const markdown = lines.join('\n');
writeFileSync(join(here, 'results.md'), markdown);
console.log(markdown);
