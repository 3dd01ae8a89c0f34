import { definePackageProject } from '../../tooling/vitest.preset.ts';

export default definePackageProject('example:04-kernel-backends');
