import { defineLibraryConfig } from '../../tooling/tsup.preset.ts';

// gpu.js (optional peer, loaded lazily by `./gpu`), vitest and fast-check (optional peers of
// `./testing`) are never bundled.
export default defineLibraryConfig(
  {
    index: 'src/index.ts',
    gpu: 'src/gpu/index.ts',
    wasm: 'src/wasm/index.ts',
    testing: 'src/testing/index.ts',
  },
  { external: ['gpu.js', 'webgpu', 'vitest', 'fast-check'] },
);
