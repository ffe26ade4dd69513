/**
 * Every accelerator config in examples/ is what a new user runs first: it must validate, emit
 * lint-clean RTL (its outermost top, the AXI wrapper included) and co-simulate bit-exactly.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, loadWritten } from '../generator/config/load.js';
import { generate } from '../generator/emit/generate.js';
import { cosim } from '../sim/cosim.js';
import { lintFiles, lintProblems } from '../sim/lint.js';
import { randomMatrix, rng } from '../sim/stimulus.js';

const dir = new URL('../examples/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => /\.(ts|json)$/.test(f));

describe('examples', () => {
  it('include a config for every dataflow and several unit kinds', async () => {
    const configs = await Promise.all(files.filter((f) => !f.startsWith('sweep')).map((f) => loadConfig(join(dir, f))));
    expect(new Set(configs.map((c) => c.dataflow))).toEqual(new Set(['weight-stationary', 'output-stationary']));
    expect(new Set(configs.map((c) => c.multiplier.kind)).size).toBeGreaterThanOrEqual(3);
  });

  it.concurrent.each(files.filter((f) => !f.startsWith('sweep')))(
    '%s validates, lints clean and co-simulates in Icarus',
    async (f) => {
      const written = (await loadWritten(join(dir, f))) as { array?: unknown };
      expect(written.array).toBeDefined();
      const c = await loadConfig(join(dir, f));
      const g = generate(c);
      expect(lintProblems(await lintFiles(g.files, g.manifest.ipTop))).toBe('');
      const next = rng(42);
      const [M, K, N] = [c.array.rows + 3, 2 * c.array.rows + 1, c.array.cols + 2];
      const A = randomMatrix(M, K, c.precision.activation, next, 0.3);
      const W = randomMatrix(K, N, c.precision.weight, next, 0.3);
      const r = await cosim(c, { simulator: 'icarus', A, W, seed: 42, stall: 40 });
      expect(r.mismatches.slice(0, 3)).toEqual([]);
      expect(r.counters).toEqual([]);
      expect(r.problems).toEqual([]);
      expect(r.passed).toBe(true);
    },
  );
});
