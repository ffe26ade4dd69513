import { defineConfig } from 'vitest/config';

// Simulator builds and tool runs share one job pool per worker (sim/pool.ts); two workers on two
// cores keep the machine busy without oversubscribing it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
