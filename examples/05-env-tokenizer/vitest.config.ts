import { definePackageProject } from '../../tooling/vitest.preset.ts';

export default definePackageProject('example:05-env-tokenizer');
