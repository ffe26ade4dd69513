import { defineConfig } from 'vitest/config';

// External tools (simulator builds and runs, synthesis, lint) go through the job pool of
// generator/infra/pool.ts. Test files run in `maxWorkers` processes, each with a pool of AXGEN_JOBS slots, so
// that the processes together run at most as many tools at once as there are cores.
import { availableParallelism } from 'node:os';

const workers = Math.max(1, Math.min(2, availableParallelism()));
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: workers,
    // AXGEN_FROM_SOURCE: a CLI that a test spawns through bin/axgen.js runs the TypeScript sources
    // under test, never a dist/ build that may be older.
    env: {
      AXGEN_FROM_SOURCE: '1',
      AXGEN_JOBS: process.env.AXGEN_JOBS ?? String(Math.max(1, Math.floor(availableParallelism() / workers))),
    },
    reporters: ['default'],
  },
});
