import { definePackageProject } from '../../tooling/vitest.preset.ts';

export default definePackageProject('example:03-webshop-ppo');
