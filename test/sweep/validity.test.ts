/**
 * Invalid sweeps are refused before any point runs (issue 9): axis values are checked against the
 * config schema with the axis path in the message; a grid whose every point is invalid is a user
 * error (exit 1) with one message per distinct problem, not per point; a sweep with some invalid
 * points says how many in its summary and exits 5. No synthesis where the refusal comes first.
 */
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { axisValueProblems, resolveSweep } from '../../generator/sweep/spec.js';
import { runSweep } from '../../generator/sweep/run.js';
import { TINY_BASE, tempFolders } from '../helpers/sweep.js';

const ROOT = join(import.meta.dirname, '..', '..');
const axgen = (args: string[], env: Record<string, string>) =>
  execa(process.execPath, [join(ROOT, 'bin', 'axgen.js'), ...args], { cwd: ROOT, reject: false, all: true, env });

const base = TINY_BASE;
const tmp = tempFolders('axgen-sweep-valid-');

async function problems(spec: unknown): Promise<string[]> {
  try {
    await resolveSweep(spec, 'spec.json');
  } catch (e) {
    if (e instanceof ConfigError)
      return e.problems.map((p) => `${p.path}: expected ${p.expected}, received ${p.received}`);
    throw e;
  }
  return [];
}

describe('axis values', () => {
  it('are checked against the config schema at their path, named by axis and index', async () => {
    const p = await problems({
      name: 's',
      base,
      axes: {
        'array.rows': [2, 0, 99],
        multiplier: [{ kind: 'exact' }, { kind: 'mitchel' }, { kind: 'mitchell', fractionBits: 'x' }],
        'precision.activation': [{ bits: 4 }, { bitz: 4 }],
      },
    });
    expect(p).toEqual([
      expect.stringMatching(/^axes\["array\.rows"\]\[1\]: expected an integer from 1 to \d+, received 0$/),
      expect.stringMatching(/^axes\["array\.rows"\]\[2\]: expected an integer from 1 to \d+, received 99$/),
      expect.stringMatching(
        /^axes\["multiplier"\]\[1\]\.kind: expected one of "exact", .*"mitchell".*, received "mitchel"$/,
      ),
      expect.stringMatching(/^axes\["multiplier"\]\[2\]\.fractionBits: expected .*, received "x"$/),
      expect.stringMatching(
        /^axes\["precision\.activation"\]\[1\]\.bits: expected an integer .*\(this key is required\), received nothing$/,
      ),
      expect.stringMatching(/^axes\["precision\.activation"\]\[1\]\.bitz: expected no such key/),
    ]);
  });

  it('accept a value some branch of the schema takes there, and null (the field left out)', () => {
    // fractionBits is no field of the exact unit, but of mitchell: valid when another axis picks mitchell.
    expect(
      axisValueProblems({
        'multiplier.kind': ['exact', 'mitchell'],
        'multiplier.fractionBits': [2, 4],
        zeroSkip: [null, { activation: 0 }],
      }),
    ).toEqual([]);
    expect(axisValueProblems({ 'array.rows': [1, 64] })).toEqual([]);
    expect(axisValueProblems({ 'array.rows': [65] }).map((p) => p.path)).toEqual(['axes["array.rows"][0]']);
  });
});

describe('a grid whose every point is invalid', () => {
  // The issue's case: a base without `multiplier` on a 64×64×4 grid (16,384 points).
  const { multiplier: _m, ...noMultiplier } = base;
  const big = {
    name: 'allbad',
    base: noMultiplier,
    axes: {
      'array.rows': Array.from({ length: 64 }, (_, i) => i + 1),
      'array.cols': Array.from({ length: 64 }, (_, i) => i + 1),
      'precision.activation.bits': [2, 4, 6, 8],
    },
    target: 'generic',
  };

  it('is refused before any point runs, with each distinct problem once', async () => {
    const s = await resolveSweep(big, 'allbad.json');
    let computed = 0;
    const err = await runSweep(s, {
      compute: async () => {
        computed++;
        throw new Error('no point may run');
      },
    }).catch((e: unknown) => e);
    expect(computed).toBe(0);
    expect(err).toBeInstanceOf(ConfigError);
    const ps = (err as ConfigError).problems;
    expect(ps).toHaveLength(2);
    expect(ps[0]!.received).toBe('all 16384 points are invalid, with 1 distinct problem');
    expect(ps[1]!.path).toBe('base + axes, multiplier');
    expect(ps[1]!.received).toMatch(/\(every point\)$/);
  });

  it('exits 1 from the CLI with a few lines, writing nothing', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'allbad.json'), JSON.stringify(big));
    const out = join(dir, 'out');
    const r = await axgen(['sweep', join(dir, 'allbad.json'), '--out', out, '--no-progress'], {
      AXGEN_CACHE: join(dir, 'cache'),
      AXGEN_JOBS: '1',
    });
    expect(r.exitCode, r.all.slice(0, 2000)).toBe(1);
    expect(r.all).toMatch(/all 16384 points are invalid/);
    expect(r.all).toMatch(/multiplier: expected .*\(this key is required\), received nothing \(every point\)/);
    expect(r.all.split('\n').length).toBeLessThan(12);
    expect(r.all).not.toMatch(/✔/);
    expect(existsSync(out)).toBe(false);
  });

  it('lists distinct problems with how many points have each', async () => {
    const s = await resolveSweep(
      { name: 'twobad', base, axes: { 'precision.accumulator.bits': [2, 3] }, target: 'generic' },
      'twobad.json',
    );
    const err = (await runSweep(s).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems[0]!.received).toBe('all 2 points are invalid, with 2 distinct problems');
    expect(err.problems.slice(1).map((p) => p.path)).toEqual([
      'base + axes, precision.accumulator.bits',
      'base + axes, precision.accumulator.bits',
    ]);
    expect(err.problems.slice(1).every((p) => / \(1 of 2 points\)$/.test(p.received))).toBe(true);
  });
});

describe('a sweep with some invalid points', () => {
  it('runs the valid ones, counts the invalid in its summary and exits 5', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'some.json'),
      JSON.stringify({
        name: 'somebad',
        base,
        axes: { 'precision.accumulator.bits': [2, 12], 'array.maxK': [16, 32] },
        target: 'generic',
        // K above one valid point's maxK (16): that point has no throughput, and the notes say why.
        gemm: { m: 4, k: 20, n: 4 },
      }),
    );
    const out = join(dir, 'out');
    const r = await axgen(['sweep', join(dir, 'some.json'), '--out', out, '--no-progress'], {
      AXGEN_CACHE: join(dir, 'cache'),
      AXGEN_JOBS: '2',
    });
    expect(r.exitCode, r.all).toBe(5);
    expect(r.all).toMatch(/✖ sweep somebad: 4 points \(2 ok, 2 invalid, 0 failed/);
    expect(r.all).toMatch(/2 of 4 points have no figures \(2 invalid configs, 0 failed runs\)/);
    expect(r.all).toMatch(
      /note: no throughput for 1 of 4 points, whose array\.maxK is below gemm\.k = 20: #2 somebad_/,
    );
    expect(existsSync(join(out, 'results.csv'))).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /No throughput for #2 \(maxK 16\): the GEMM's K = 20 is above their array\.maxK/,
    );
  });
});
