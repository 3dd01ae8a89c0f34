import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, ensureBackend, selectBackend } from './backend';

describe('selectBackend', () => {
  it('selects wasm (SIMD) by default and cpu on request, reporting versions', async () => {
    const wasm = await selectBackend();
    expect(wasm).toMatchObject({
      name: 'wasm',
      tfBackend: 'wasm',
      tfjsVersion: tf.version_core,
      simd: true,
    });
    expect(wasm.threads).toBeGreaterThanOrEqual(1);
    expect(await selectBackend('cpu')).toEqual({
      name: 'cpu',
      tfBackend: 'cpu',
      tfjsVersion: tf.version_core,
    });
    expect((await ensureBackend()).name).toBe('cpu');
    await selectBackend('wasm');
    expect((await ensureBackend()).name).toBe('wasm');
  });

  it.each(['node', 'node-gpu'] as const)(
    'explains how to install the optional %s peer',
    async (name) => {
      const error = await selectBackend(name).catch((e: unknown) => e);
      expect(BackendUnavailableError.isInstance(error)).toBe(true);
      expect((error as BackendUnavailableError).backend).toBe(name);
      expect((error as Error).message).toMatch(/not installed.*npm i @tensorflow\/tfjs-node/);
      expect(tf.getBackend()).toBe('wasm');
    },
  );

  it('rejects unknown names with the accepted list', async () => {
    await expect(selectBackend('webgl' as 'wasm')).rejects.toThrow(
      /accepted: wasm, cpu, node, node-gpu/,
    );
  });
});
