/** The config schema: bounds, unknown keys, discriminated kinds, messages that name path and fix. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../generator/infra/errors.js';
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';
import { generate } from '../../generator/emit/generate.js';
import { generatedDocs } from '../../generator/docs.js';
import { written } from '../helpers/configs.js';

function problems(cfg: unknown): string[] {
  try {
    resolveConfig(cfg, 'test.json');
  } catch (e) {
    if (e instanceof ConfigError)
      return e.problems.map((p) => `${p.path}: expected ${p.expected}, received ${p.received}`);
    throw e;
  }
  return [];
}

const base = () => written({ rows: 4, cols: 4 }) as Record<string, any>;

function withField(path: string, value: unknown): Record<string, unknown> {
  const c = base();
  const keys = path.split('.');
  let o = c;
  for (const k of keys.slice(0, -1)) o = o[k];
  o[keys.at(-1)!] = value;
  return c;
}

describe('field bounds', () => {
  const cases: [string, unknown[], unknown[]][] = [
    ['array.rows', [1, 64], [0, 65, 2.5, '4']],
    ['array.cols', [1, 64], [0, 65, -1, null]],
    ['array.maxK', [1, 65536], [0, 65537]],
    ['array.accDepth', [1, 4096], [0, 4097]],
    ['precision.activation.bits', [2, 16], [1, 17]],
    ['precision.weight.bits', [2, 16], [1, 17, true]],
    ['precision.accumulator.bits', [64], [1, 65]],
  ];
  for (const [path, good, bad] of cases) {
    it(`${path} accepts ${good.join(', ')}`, () => {
      for (const v of good) {
        const c = withField(path, v);
        if (path.startsWith('precision.accumulator')) (c.precision as any).accumulator.overflow = 'saturate';
        expect(problems(c)).toEqual([]);
      }
    });
    it(`${path} rejects ${bad.map((v) => JSON.stringify(v)).join(', ')} naming the path and the range`, () => {
      for (const v of bad) {
        const p = problems(withField(path, v));
        expect(p).toHaveLength(1);
        expect(p[0]).toContain(`${path}: expected`);
        expect(p[0]).toContain(`received ${JSON.stringify(v)}`);
      }
    });
  }
  it('dataflow and overflow are enums listing the allowed values', () => {
    expect(problems(withField('dataflow', 'row-stationary'))).toEqual([
      'dataflow: expected one of "weight-stationary", "output-stationary", received "row-stationary"',
    ]);
    expect(problems(withField('precision.accumulator.overflow', 'clip'))[0]).toContain('one of "wrap", "saturate"');
  });
});

describe('unknown keys, kinds and names', () => {
  it('an unknown key is an error at its own path, listing the allowed keys', () => {
    const p = problems(withField('array.rowz', 3));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^array\.rowz: expected no such key .*"rows", "cols", "maxK", "accDepth"/);
  });
  it('an unknown key inside the multiplier branch is reported against that branch', () => {
    const p = problems(withField('multiplier', { kind: 'exact', fractionBits: 3 }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^multiplier\.fractionBits: expected no such key/);
  });
  it('a wrong kind gives one focused error listing the registered kinds', () => {
    const p = problems(withField('multiplier', { kind: 'mitchel' }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^multiplier\.kind: expected one of "exact".*received "mitchel"$/);
  });
  it('a missing kind says which kinds exist', () => {
    expect(problems(withField('multiplier', {}))).toEqual([
      expect.stringMatching(/^multiplier\.kind: expected one of "exact"/),
    ]);
  });
  it.each(['module', 'edge', 'wire', 'always_ff', 'a; module evil', '../x', 'A', '1abc', '', 'x'.repeat(41), 'a-b'])(
    'rejects the name %j',
    (name) => {
      const p = problems(withField('name', name));
      expect(p).toHaveLength(1);
      expect(p[0]).toMatch(/^name: expected /);
    },
  );
  it('reports every problem at once', () => {
    const c = withField('array', { rows: 0, cols: 99, extra: 1 });
    (c as any).dataflow = 'sideways';
    expect(problems(c)).toHaveLength(4);
  });
  it('a non-object config is rejected at the root', () => {
    expect(problems(42)[0]).toMatch(/^\(root\): expected an object/);
  });
});

describe('normalization, rules and hash', () => {
  it('fills every default and hashes the canonical JSON', () => {
    const c = resolveConfig({
      name: 'n',
      array: { rows: 2, cols: 3 },
      precision: { activation: { bits: 8 }, weight: { bits: 4 } },
      multiplier: { kind: 'exact' },
    });
    expect(c.array).toEqual({ rows: 2, cols: 3, maxK: 1024, accDepth: 64 });
    expect(c.dataflow).toBe('weight-stationary');
    expect(c.precision.activation.signed).toBe(true);
    expect(c.precision.accumulator).toEqual({ bits: 22, overflow: 'wrap' });
    expect(c.hash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('the hash ignores key order and $schema but not values', () => {
    const a = resolveConfig(written({ rows: 2, cols: 2 }));
    const reverse = (v: unknown): unknown =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reverse(x)]),
          )
        : v;
    const shuffled = reverse(written({ rows: 2, cols: 2 })) as Record<string, unknown>;
    expect(Object.keys(shuffled)[0]).toBe('multiplier');
    const b = resolveConfig({ ...shuffled, $schema: '../schemas/accelerator.schema.json' });
    expect(b.hash).toBe(a.hash);
    expect(resolveConfig(written({ rows: 2, cols: 3 })).hash).not.toBe(a.hash);
  });
  it('a pipeline with every stage 0 is the config without one: same resolved config, hash and emitted bytes', () => {
    const without = written({ rows: 2, cols: 2 }) as Record<string, unknown>;
    const forms = [
      without,
      { ...without, pipeline: {} },
      { ...without, pipeline: { multiplier: 0, macc: 0, edge: 0 } },
    ];
    const [a, ...rest] = forms.map((f) => resolveConfig(f));
    const files = (c: ResolvedConfig) => generate(c).out.map((f) => [f.name, f.text]);
    expect(a!.pipeline).toBeUndefined();
    expect(files(a!).some(([n]) => n === 'manifest.json')).toBe(true);
    for (const c of rest) {
      expect(c).toEqual(a);
      expect(c.hash).toBe(a!.hash);
      expect(files(c)).toEqual(files(a!));
    }
    // Any stage set is kept, and is another config.
    const edge = resolveConfig({ ...without, pipeline: { edge: 1 } });
    expect(edge.pipeline).toEqual({ multiplier: 0, macc: 0, edge: 1 });
    expect(edge.hash).not.toBe(a!.hash);
  });
  it('an accumulator too narrow for the sum says how many bits are needed, unless saturating', () => {
    const narrow = withField('precision.accumulator', { bits: 16, overflow: 'wrap' });
    expect(problems(narrow)).toEqual([
      expect.stringMatching(
        /^precision\.accumulator\.bits: expected at least 22 bits: 16 bits cannot hold 8×8-bit products summed over K=64 .*"saturate", received 16$/,
      ),
    ]);
    expect(problems(withField('precision.accumulator', { bits: 16, overflow: 'saturate' }))).toEqual([]);
  });
  it('an accumulator narrower than one product is an error even when saturating', () => {
    expect(problems(withField('precision.accumulator', { bits: 12, overflow: 'saturate' }))[0]).toMatch(
      /^precision\.accumulator\.bits: expected at least 16 bits, the width of one exact product/,
    );
  });
});

describe('generated files', () => {
  it('schemas/*.schema.json and docs/config.md are current (run `npm run schema`)', () => {
    for (const [rel, text] of Object.entries(generatedDocs())) {
      expect(
        readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8'),
        `${rel} is stale: run npm run schema`,
      ).toBe(text);
    }
  });
});
