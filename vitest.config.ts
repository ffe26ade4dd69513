import { defineConfig } from 'vitest/config';

// External tools (simulator builds and runs, synthesis, lint) go through the job pool of
// sim/pool.ts. Test files run in `maxWorkers` processes, each with a pool of AXGEN_JOBS slots, so
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
    env: { AXGEN_JOBS: process.env.AXGEN_JOBS ?? String(Math.max(1, Math.floor(availableParallelism() / workers))) },
    reporters: ['default'],
  },
});
