import { defineConfig } from 'vitest/config';

/**
 * Two projects: `quick` is what `npm test` runs, in-process against simulators on loopback; `slow` holds the files
 * named `*.slow.test.ts`, which start real processes, terminals, browsers or servers (the SIGKILL matrix, npm pack,
 * Prism, Verdaccio) and run in CI beside it with `npm run test:slow`.
 */
export default defineConfig({
  test: {
    setupFiles: ['test/helpers/leak-guard.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: ['test/**/*.slow.test.ts'] } },
      { extends: true, test: { name: 'slow', include: ['test/**/*.slow.test.ts'] } },
    ],
  },
});
