import { describe, expect, it } from 'vitest';
import { compileKernelsWat, withoutSimd } from '../../scripts/build-wasm';
import { KERNELS_SIMD_WASM_BASE64, KERNELS_WASM_BASE64 } from './binary';
import { webAssemblyApi } from './webassembly';

describe('the embedded wasm modules', () => {
  it('are kernels.wat compiled (run `npm run build:wasm` after editing the .wat)', async () => {
    const scalar = await compileKernelsWat(false);
    const simd = await compileKernelsWat(true);
    expect(Buffer.from(scalar).toString('base64')).toBe(KERNELS_WASM_BASE64);
    expect(Buffer.from(simd).toString('base64')).toBe(KERNELS_SIMD_WASM_BASE64);
  });

  it('differ by the SIMD section only: the scalar module has no SIMD export', async () => {
    const api = webAssemblyApi() as NonNullable<ReturnType<typeof webAssemblyApi>>;
    const memory = new api.Memory({ initial: 1, maximum: 65_536, shared: true });
    const names = async (simd: boolean) =>
      Object.keys(
        new api.Instance(await api.compile(await compileKernelsWat(simd)), { env: { memory } })
          .exports,
      );
    expect(await names(false)).toEqual(['gae', 'gaeSkip', 'returns']);
    expect(await names(true)).toEqual([
      'gae',
      'gaeSkip',
      'returns',
      'gaeSimd',
      'gaeSkipSimd',
      'returnsSimd',
    ]);
  });

  it('refuses a source without the SIMD markers, naming them', () => {
    expect(() => withoutSimd('(module)')).toThrow(/';; <simd>' … ';; <\/simd>'/);
  });
});
