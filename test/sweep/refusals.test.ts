/**
 * Sweeps refused before any point runs (exit 1, the JSON path, expected and received, nothing
 * written): filters that drop every point, a reference GEMM whose K is above every point's
 * array.maxK; a sweep where only some points are below K runs and says which on the terminal. The
 * loader's messages name a sweep file, not a config file.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inProcess } from '../helpers/in-process.js';
import { TINY_BASE, tempFolders } from '../helpers/sweep.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { resolveSweep } from '../../generator/sweep/spec.js';
import { runSweep } from '../../generator/sweep/run.js';

const base = TINY_BASE;
const tmp = tempFolders('axgen-sweep-refuse-');

/** Runs `axgen sweep <spec written to a file>` in a fresh folder; the run's output folder is `out`. */
async function sweepCli(spec: unknown, file = 's.json') {
  const dir = tmp();
  if (spec !== undefined) writeFileSync(join(dir, file), typeof spec === 'string' ? spec : JSON.stringify(spec));
  const r = await inProcess(['sweep', file, '--out', 'out', '--no-progress'], dir, { cache: join(dir, 'cache') });
  return { ...r, wrote: existsSync(join(dir, 'out')) };
}

/** runSweep's refusal, with no point computed. */
async function refusal(spec: unknown): Promise<ConfigError> {
  const s = await resolveSweep(spec, 's.json');
  const err = await runSweep(s, {
    compute: () => {
      throw new Error('no point may run');
    },
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('filters that drop every point', () => {
  const spec = {
    name: 'alldropped',
    base,
    axes: { 'multiplier.kind': ['exact', 'mitchell'], 'array.rows': [1, 2] },
    filters: [{ drop: { 'multiplier.kind': 'exact' } }, { keep: { 'array.rows': { $gt: 2 } } }],
    target: 'generic',
  };

  it('are refused naming each filter and how many points it removed', async () => {
    const e = await refusal(spec);
    expect(e.problems).toEqual([
      {
        path: 'filters',
        expected: "filters that keep at least one of the grid's 4 points",
        received: 'every point removed: filters[0] (drop) removed 2, filters[1] (keep) removed 2',
      },
    ]);
  });

  it('exit 1 from the CLI, writing nothing', async () => {
    const r = await sweepCli(spec);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('✖ filters: expected filters that keep at least one of the grid');
    expect(r.stderr).toContain('Nothing was written.');
    expect(r.stdout).not.toMatch(/✔/);
    expect(r.wrote).toBe(false);
  });
});

describe('gemm.k above array.maxK', () => {
  const spec = (k: number) => ({
    name: 'kbig',
    base,
    axes: { 'array.maxK': [8, 16] },
    target: 'generic',
    gemm: { m: 2, k, n: 2 },
  });

  it('above every point is refused naming gemm.k, the maxK range and K', async () => {
    const e = await refusal(spec(20));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ path: 'gemm.k', received: '20' });
    expect(e.problems[0]!.expected).toMatch(/^at most the points' array\.maxK \(8 to 16\)/);
    const r = await sweepCli(spec(20));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/✖ gemm\.k: expected at most the points' array\.maxK \(8 to 16\).*, received 20$/m);
    expect(r.wrote).toBe(false);
  });

  it('above some points runs them and names those points on the terminal', async () => {
    const r = await sweepCli(spec(12));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^ {2}note: no throughput for 1 of 2 points, whose array\.maxK is below gemm\.k = 12: #0 kbig_[0-9a-f]{8} \(maxK 8\)$/m,
    );
    expect(r.wrote).toBe(true);
  });
});

describe('the sweep file itself', () => {
  it('a missing one is called a sweep file', async () => {
    const r = await sweepCli(undefined, 'nope.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expected an existing .ts or .json sweep file, received "nope.json"');
    expect(r.stderr).not.toContain('config file');
  });

  it('a .ts one that throws is asked to default-export a sweep', async () => {
    const r = await sweepCli("throw new Error('boom');\nexport default {};\n", 'throws.ts');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expected a module that loads and default-exports a sweep (`export default defineSweep');
    expect(r.stderr).toContain('boom');
    expect(r.stderr).not.toContain('default-exports a config');
  });

  it('a grid of one invalid point says so in the singular', async () => {
    const e = await refusal({ name: 'one', base, axes: { 'precision.accumulator.bits': [2] }, target: 'generic' });
    expect(e.problems[0]!.received).toBe('the only point is invalid, with 1 distinct problem');
    expect(e.problems[1]!.received).toMatch(/\(the only point\)$/);
  });
});
