import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Shared vitest project preset: resolves `@spa/*` siblings through their `@spa/source`
 * condition (no build needed), colocated `*.test.ts`, integration tests in `test/`,
 * type tests in `*.test-d.ts`, benchmarks in `bench/`.
 */
export function definePackageProject(
  name: string,
  overrides: UserWorkspaceConfig['test'] = {},
): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ['@spa/source'] },
    ssr: { resolve: { conditions: ['@spa/source'], externalConditions: ['@spa/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Type tests (`*.test-d.ts`) are opt-in per package; `npm run typecheck` covers the rest.
      typecheck: { enabled: false, include: ['src/**/*.test-d.ts'] },
      benchmark: { include: ['bench/**/*.bench.ts'] },
      restoreMocks: true,
      // Heavier tests (fuzzing, model training) share two cores in CI; 5 s made them flaky.
      testTimeout: 30_000,
      ...overrides,
    },
  });
}
