import { definePackageProject } from '../../tooling/vitest.preset.ts';

export default definePackageProject('example:07-virtualhome-ppo');
