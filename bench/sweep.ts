/**
 * Sweep throughput: points per minute with 1 and 2 workers (each from an empty cache), and the time
 * of a rerun served from the cache. Printed, not asserted: `npm run bench:sweep`.
 * The sweep: 4×4 8-bit signed arrays with six multipliers, ice40 target (hierarchical synthesis).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setJobs } from '../generator/infra/pool.js';
import { resolveSweep } from '../generator/sweep/spec.js';
import { runSweep } from '../generator/sweep/run.js';

const spec = {
  name: 'bench',
  base: {
    name: 'bench',
    array: { rows: 4, cols: 4, maxK: 256, accDepth: 16 },
    precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
  },
  axes: {
    multiplier: [
      { kind: 'exact' },
      { kind: 'mitchell' },
      { kind: 'mitchell', fractionBits: 4 },
      { kind: 'ilm', corrections: 1 },
      { kind: 'asm', alphabet: [1, 3] },
      { kind: 'asm', alphabet: [1, 3, 5, 7] },
    ],
  },
  target: 'ice40',
};

const sweep = await resolveSweep(spec, 'bench/sweep.ts');
const rows: string[] = [];
for (const jobs of [1, 2]) {
  const cache = mkdtempSync(join(tmpdir(), 'axgen-bench-sweep-'));
  process.env.AXGEN_CACHE = cache;
  setJobs(jobs);
  const cold = await runSweep(sweep);
  const warm = await runSweep(sweep);
  rows.push(
    `| ${jobs} | ${cold.stats.points} | ${cold.stats.seconds.toFixed(1)} s | ${((60 * cold.stats.points) / cold.stats.seconds).toFixed(1)} | ${warm.stats.seconds.toFixed(2)} s (${warm.stats.cached} cached) |`,
  );
  rmSync(cache, { recursive: true, force: true });
}
process.stdout.write(
  `sweep benchmark: ${sweep.spec.axes.multiplier!.length} points, 4×4 int8, ice40, hierarchical synthesis\n\n` +
    '| workers | points | cold run | points / minute | cached rerun |\n| --- | --- | --- | --- | --- |\n' +
    rows.join('\n') +
    '\n',
);
