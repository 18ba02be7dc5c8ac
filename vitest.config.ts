import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'shared',
          root: 'packages/shared',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'server',
          root: 'packages/server',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['src/testing/global-setup.ts'],
          // each file holds its own database clone (an in-memory PGlite is ~0.8 GB): two at a time on 2 cores
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          // a ceiling, not a timing check: on a shared 2-core machine a long API test can take several times its idle time
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      'packages/web',
    ],
  },
});
