import { createRequire } from 'node:module';
import { type BackendName, BackendUnavailableError, selectBackend } from '@spa/lm';
import { describe, expect, it } from 'vitest';
import { selectWithFallback, timeTfjsBackends } from './tfjs';

/** Whether an optional peer is installed (it is not in this repository's lockfile). */
function installed(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

async function selectLogged(name: BackendName): Promise<{ ran: string; log: string[] }> {
  const log: string[] = [];
  const info = await selectWithFallback(name, (line: string) => log.push(line));
  return { ran: info.name, log };
}

describe('choosing a tfjs backend (@spa/lm)', () => {
  it("selects 'wasm' and 'cpu' as asked, silently", async () => {
    for (const name of ['cpu', 'wasm'] as const) {
      const { ran, log } = await selectLogged(name);
      expect(ran).toBe(name);
      expect(log).toEqual([]);
    }
  });

  it("falls back to 'wasm' with the install command when tfjs-node(-gpu) is missing", async () => {
    for (const name of ['node', 'node-gpu'] as const) {
      const peer = name === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      if (installed(peer)) {
        expect((await selectLogged(name)).ran).toBe(name);
        continue;
      }
      const error = await selectBackend(name).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as BackendUnavailableError).backend).toBe(name);
      const { ran, log } = await selectLogged(name);
      expect(ran).toBe('wasm');
      expect(log).toHaveLength(1);
      expect(log[0]).toContain(`needs ${peer}, which is not installed`);
      expect(log[0]).toContain(`npm i ${peer}@4.22.0`);
      expect(log[0]).toContain("falling back to 'wasm'");
    }
  });

  it('falls back on an unknown name too, listing the accepted ones', async () => {
    const { ran, log } = await selectLogged('webgl' as BackendName);
    expect(ran).toBe('wasm');
    expect(log[0]).toContain('unknown tfjs backend "webgl"; accepted: wasm, cpu, node, node-gpu');
  });

  it('runs the same seeded model on each backend: same tokens, log-probs within 1e-4', async () => {
    const results = await timeTfjsBackends(['wasm', 'cpu', 'node'], () => {});
    expect(results.map((r) => [r.requested, r.ran])).toEqual([
      ['wasm', 'wasm'],
      ['cpu', 'cpu'],
      ['node', installed('@tensorflow/tfjs-node') ? 'node' : 'wasm'],
    ]);
    const [wasm, cpu, node] = results;
    for (const { ms, tokens } of results) {
      expect(ms).toBeGreaterThan(0);
      expect(tokens).toHaveLength(32);
    }
    // Sampled (seed 7) from a near-uniform untrained model: 32 tokens, nearly all distinct, so an
    // agreement is not a coincidence. cpu and wasm differ only by float32 rounding (measured 3e-7).
    expect(new Set(wasm?.tokens).size).toBeGreaterThan(20);
    for (const other of [cpu, node]) {
      expect(other?.tokens).toEqual(wasm?.tokens);
      other?.logProbs?.forEach((logProb, i) => {
        expect(Math.abs(logProb - (wasm?.logProbs?.[i] as number))).toBeLessThan(1e-4);
      });
    }
  });
});
