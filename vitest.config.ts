import { defineConfig } from 'vitest/config';

// Unit and integration tests live under test/. Integration tests read ALPHALAB_TEST_PG_URL,
// ALPHALAB_TEST_REDIS_URL and ALPHALAB_TEST_CHROMIUM and skip themselves with a printed reason when those
// are not set (architecture.md §10). `.ci/run` sets ALPHALAB_VITEST_JSON to get a JSON report as well.
const json = process.env.ALPHALAB_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // FC_SEED fixes fast-check's seed (test/setup/fast-check.ts)
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
