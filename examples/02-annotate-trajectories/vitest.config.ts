import { definePackageProject } from '../../tooling/vitest.preset.ts';

export default definePackageProject('example:02-annotate-trajectories');
