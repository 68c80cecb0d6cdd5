// Two projects: fast pure unit tests, and integration tests against a real moto server.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/unit-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/moto-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One moto server is shared; files run in parallel but each uses its own accounts.
          fileParallelism: true,
          // The committed bundles run as Node runs them (not through Vitest's module runner), so their own lazy
          // chunks (`import("./<n>.index.js")`) resolve next to them as they do on Lambda and on a runner.
          server: { deps: { external: [/\/dist\//] } },
        },
      },
    ],
  },
});
