import { describe, expect, it } from 'vitest';
import { compileKernelsWat } from '../../scripts/build-wasm';
import { KERNELS_WASM_BASE64 } from './binary';

describe('the embedded wasm module', () => {
  it('is kernels.wat compiled (run `npm run build:wasm` after editing the .wat)', async () => {
    const binary = await compileKernelsWat();
    expect(Buffer.from(binary).toString('base64')).toBe(KERNELS_WASM_BASE64);
  });
});
