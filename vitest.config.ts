import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // dashboards are rendered to PNG only by the tests that check snapshots (they pass --snapshot)
    env: { TZ: 'UTC', GTM_SNAPSHOT: 'never' },
  },
});
