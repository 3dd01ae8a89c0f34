import { definePackageProject } from '../../tooling/vitest.preset.ts';

export default definePackageProject('example:06-alfworld-ppo');
