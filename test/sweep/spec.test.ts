/** Sweep specs: validation messages, axis paths, grid, filters, point names, shards, Pareto. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { expandGrid, isConfigPath, parseShard, resolveSweep, shardOf, valueToken } from '../../generator/sweep/spec.js';
import { paretoFront } from '../../generator/sweep/results.js';

const base = {
  name: 'b',
  array: { rows: 2, cols: 2, maxK: 16, accDepth: 4 },
  precision: { activation: { bits: 4 }, weight: { bits: 4 } },
  multiplier: { kind: 'exact' },
};

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

describe('sweep validation', () => {
  it('accepts a minimal sweep and fills the defaults', async () => {
    const s = await resolveSweep({ name: 's', base, axes: { 'array.rows': [1, 2] } }, 'spec.json');
    expect(s.spec.target).toBe('ice40');
    expect(s.spec.gemm).toEqual({ m: 64, k: 64, n: 64 });
    expect(s.spec.filters).toEqual([]);
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the JSON path, what was expected and what was received', async () => {
    expect(await problems({ name: 'Bad', base, axes: { 'array.rows': [1] } })).toEqual([
      'name: expected a lower-case identifier: a letter, then letters, digits or "_", at most 31 characters (it prefixes every point\'s config name), received "Bad"',
    ]);
    expect(await problems({ name: 's', base, axes: { 'array.rows': [] } })).toEqual([
      'axes.array.rows: expected a list of at least 1 value, received []',
    ]);
    expect(await problems({ name: 's', base, axes: { 'array.rows': [1] }, target: 'asic' })).toEqual([
      'target: expected one of "ice40", "xilinx", "generic", received "asic"',
    ]);
    expect(await problems({ name: 's', base, axes: { 'array.rows': [1] }, extra: 1 })).toEqual([
      expect.stringMatching(/^extra: expected no such key/),
    ]);
    expect(await problems({ name: 's', axes: { 'array.rows': [1] } })).toEqual([
      expect.stringMatching(/^base: expected .*\(this key is required\), received nothing$/),
    ]);
    expect(await problems({ name: 's', base, axes: { 'array.rows': [1] }, gemm: { m: 0 } })).toEqual([
      'gemm.m: expected an integer from 1 to 4096, received 0',
    ]);
  });

  it('checks axis and filter paths against the config schema, unit fields included', async () => {
    expect(isConfigPath('array.rows')).toBe(true);
    expect(isConfigPath('multiplier')).toBe(true);
    expect(isConfigPath('multiplier.fractionBits')).toBe(true);
    expect(isConfigPath('zeroSkip')).toBe(true);
    expect(isConfigPath('array.rowz')).toBe(false);
    const p = await problems({
      name: 's',
      base,
      axes: { 'array.rowz': [1] },
      filters: [{ drop: { 'multiplier.kindd': 'exact' } }],
    });
    expect(p).toEqual([
      expect.stringMatching(/^axes\["array\.rowz"\]: expected a config field path/),
      expect.stringMatching(/^filters\[0\]\["multiplier\.kindd"\]: expected a config field path/),
    ]);
  });
});

describe('grid', () => {
  it('is the product of the axes, first axis outermost, with deterministic names', async () => {
    const s = await resolveSweep(
      {
        name: 'g',
        base,
        axes: { 'array.rows': [1, 2], multiplier: [{ kind: 'exact' }, { kind: 'mitchell', fractionBits: 2 }] },
      },
      'spec.json',
    );
    const g = expandGrid(s);
    expect(g.total).toBe(4);
    expect(g.points.map((p) => p.label)).toEqual([
      'array.rows=1, multiplier=exact',
      'array.rows=1, multiplier=mitchell(fractionBits=2)',
      'array.rows=2, multiplier=exact',
      'array.rows=2, multiplier=mitchell(fractionBits=2)',
    ]);
    expect(g.points.every((p) => /^g_[0-9a-f]{8}$/.test(p.name) && p.config?.name === p.name)).toBe(true);
    expect(expandGrid(s).points.map((p) => p.name)).toEqual(g.points.map((p) => p.name));
    expect(new Set(g.points.map((p) => p.name)).size).toBe(4);
  });

  it('keeps a point that is not a valid config, with its error', async () => {
    const s = await resolveSweep({ name: 'g', base, axes: { 'multiplier.fractionBits': [2] } }, 'spec.json');
    const [p] = expandGrid(s).points;
    expect(p!.config).toBeUndefined();
    expect(p!.error).toMatch(/multiplier\.fractionBits: expected no such key/);
  });

  it('drops and keeps points by filters on the resolved config', async () => {
    const s = await resolveSweep(
      {
        name: 'f',
        base,
        axes: { 'array.rows': [1, 2, 4], 'multiplier.kind': ['exact', 'mitchell'] },
        filters: [
          { drop: { 'multiplier.kind': 'exact', 'array.rows': { $gt: 1 } } },
          { keep: { dataflow: 'weight-stationary' } },
        ],
      },
      'spec.json',
    );
    const g = expandGrid(s);
    expect(g.dropped).toBe(2);
    expect(g.points.map((p) => p.label)).toEqual([
      'array.rows=1, multiplier.kind=exact',
      'array.rows=1, multiplier.kind=mitchell',
      'array.rows=2, multiplier.kind=mitchell',
      'array.rows=4, multiplier.kind=mitchell',
    ]);
    expect(g.points.map((p) => p.index)).toEqual([0, 1, 2, 3]);
  });

  it('leaves a field out for an axis value null', async () => {
    const s = await resolveSweep({ name: 'z', base, axes: { zeroSkip: [null, { activation: 0 }] } }, 'spec.json');
    const g = expandGrid(s);
    expect(g.points.map((p) => p.label)).toEqual(['zeroSkip=none', 'zeroSkip={activation=0}']);
    expect(g.points[0]!.config).toBeDefined();
    expect('zeroSkip' in g.points[0]!.config!).toBe(false);
    expect(g.points[1]!.config!.zeroSkip).toMatchObject({ activation: 0 });
  });

  it('renders axis values as short tokens', () => {
    expect(valueToken(8)).toBe('8');
    expect(valueToken({ kind: 'asm', alphabet: [1, 3] })).toBe('asm(alphabet=[1,3])');
    expect(valueToken({ activation: 0, weight: false })).toBe('{activation=0,weight=false}');
  });
});

describe('shards', () => {
  it('partition the points deterministically', () => {
    const pts = Array.from({ length: 10 }, (_, index) => ({ index }));
    const parts = [1, 2, 3].map((i) => shardOf(pts, { index: i, count: 3 }).map((p) => p.index));
    expect(parts).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', 'x', '1/0']) expect(() => parseShard(bad)).toThrow(/--shard: expected "i\/N"/);
  });
});

describe('paretoFront', () => {
  const obj = [
    { value: (p: number[]) => p[0]!, sense: 'min' as const },
    { value: (p: number[]) => p[1]!, sense: 'min' as const },
  ];
  it('marks exactly the non-dominated points', () => {
    const pts = [
      [1, 10],
      [2, 5],
      [3, 5],
      [4, 1],
      [5, 2],
      [2, 5],
      [NaN, 0],
    ];
    expect(paretoFront(pts, obj)).toEqual([true, true, false, true, false, true, false]);
  });
  it('handles maximised objectives and empty input', () => {
    expect(
      paretoFront(
        [
          [1, 100],
          [2, 200],
          [3, 150],
        ],
        [obj[0]!, { value: (p: number[]) => p[1]!, sense: 'max' }],
      ),
    ).toEqual([true, true, false]);
    expect(paretoFront([], obj)).toEqual([]);
  });
});

describe('example sweeps', () => {
  it('examples/sweep-8bit.ts and .json are the same sweep and every point is a valid config', async () => {
    const { loadSweep } = await import('../../generator/sweep/spec.js');
    const ts = await loadSweep('examples/sweep-8bit.ts');
    const json = await loadSweep('examples/sweep-8bit.json');
    expect(json.spec).toEqual(ts.spec);
    expect(json.hash).toBe(ts.hash);
    const g = expandGrid(ts);
    expect(g.points.filter((p) => p.error)).toEqual([]);
    expect(new Set(g.points.map((p) => p.config!.multiplier.kind))).toEqual(
      new Set(['exact', 'mitchell', 'ilm', 'asm']),
    );
  });

  it('examples/sweep-fashion-accuracy.json: every point is a valid config that can run the int8 CNN, the model resolved beside it', async () => {
    const { loadSweep } = await import('../../generator/sweep/spec.js');
    const { loadNetwork } = await import('../../generator/inference/accuracy.js');
    const s = await loadSweep('examples/sweep-fashion-accuracy.json');
    expect(s.accuracy).toMatchObject({ dataset: 'fashion-mnist', images: 1000 });
    expect(s.accuracy!.model).toMatch(/examples\/models\/fashion-cnn-int8\.onnx$/);
    const g = expandGrid(s);
    expect(g.points.filter((p) => p.error)).toEqual([]);
    for (const p of g.points) expect(loadNetwork(s.accuracy!.model, p.config!).issues).toEqual([]);
  });
});
