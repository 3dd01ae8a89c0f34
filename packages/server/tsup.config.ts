import { defineLibraryConfig } from '../../tooling/tsup.preset.ts';

export default defineLibraryConfig({ index: 'src/index.ts' });
