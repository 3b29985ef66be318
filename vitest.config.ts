import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: `quick` is what `npm test` runs, in-process against simulators on loopback; `slow` holds the files
 * named `*.slow.test.ts`, which start real processes, terminals, browsers or servers (the SIGKILL matrix, npm pack,
 * Prism, Verdaccio), some of them timed, so one file at a time; CI runs them beside it with `npm run test:slow`.
 */
export default defineConfig({
  test: {
    setupFiles: ['test/helpers/file-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        // a file on every core, in threads (quicker to start than processes): the quick tests wait on their
        // simulators and child processes as much as they compute; a worker keeps its modules from file to file,
        // and test/helpers/file-setup.ts starts each file from nothing
        test: {
          name: 'quick',
          pool: 'threads',
          isolate: false,
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.slow.test.ts'],
          maxWorkers: availableParallelism(),
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'slow', include: ['test/**/*.slow.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
