/**
 * Property-based tests (fast-check, ~20 runs each, arrays up to 8×8 in the default run; set
 * AXGEN_PROPERTY_RUNS for more). Random valid configs emit RTL that passes the three tools;
 * random invalid ones are rejected with a message naming a JSON path, and nothing is written.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../generator/infra/errors.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { generateTo } from '../../generator/emit/generate.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { written } from '../helpers/configs.js';

const runs = Number(process.env.AXGEN_PROPERTY_RUNS ?? 20);
const seed = Number(process.env.AXGEN_PROPERTY_SEED ?? 20261122);

/** Saturating accumulators may be narrower than the exact sum, down to one product's width. */
function narrowed(w: Record<string, any>, extra: number): Record<string, any> {
  if (w.precision.accumulator.overflow !== 'saturate') return w;
  const full = resolveConfig(w).precision.accumulator.bits;
  const one = w.precision.activation.bits + w.precision.weight.bits;
  w.precision.accumulator.bits = Math.min(64, Math.max(full - 6 + extra, one));
  return w;
}

const validShape = fc.record({
  rows: fc.integer({ min: 1, max: 8 }),
  cols: fc.integer({ min: 1, max: 8 }),
  dataflow: fc.constantFrom('weight-stationary' as const, 'output-stationary' as const),
  aBits: fc.integer({ min: 2, max: 16 }),
  wBits: fc.integer({ min: 2, max: 16 }),
  aSigned: fc.boolean(),
  wSigned: fc.boolean(),
  overflow: fc.constantFrom('wrap' as const, 'saturate' as const),
  maxK: fc.integer({ min: 1, max: 5000 }),
  accDepth: fc.integer({ min: 1, max: 300 }),
});

describe('random valid configs', () => {
  it('emit RTL that Verilator, Icarus and Yosys accept without a warning', async () => {
    await fc.assert(
      fc.asyncProperty(validShape, fc.integer({ min: 0, max: 6 }), async (s, extra) => {
        const c = resolveConfig(narrowed(written({ ...s, name: 'prop' }), extra));
        const results = await lintFiles(emitRtl(c), topModule(c));
        expect(lintProblems(results)).toBe('');
      }),
      { numRuns: runs, seed },
    );
  });
});

const hostileName = fc.constantFrom(
  'a; module evil',
  '../x',
  'x/../../etc',
  'module',
  'wire',
  'Top',
  '',
  ' a',
  'a b',
  'a\nb',
  'é',
  '$x',
  'x'.repeat(41),
);
const mutation = fc.oneof(
  fc.record({ path: fc.constant('name'), value: fc.oneof(hostileName, fc.integer(), fc.constant(null)) }),
  fc.record({
    path: fc.constantFrom('array.rows', 'array.cols'),
    value: fc.oneof(
      fc.integer({ min: -5, max: 0 }),
      fc.integer({ min: 65, max: 1000 }),
      fc.double({ min: 1.1, max: 2.9, noInteger: true }),
      fc.string(),
    ),
  }),
  fc.record({
    path: fc.constantFrom('precision.activation.bits', 'precision.weight.bits'),
    // Above the schema's limit (the widest unit's, binary's 21 bits): 17..21 pass the schema and are
    // refused by the unit's own rule after it, so they would not be reported beside a schema problem.
    value: fc.oneof(fc.integer({ min: -3, max: 1 }), fc.integer({ min: 22, max: 99 }), fc.boolean()),
  }),
  fc.record({
    path: fc.constantFrom('array.unknownKey', 'precision.extra', 'multiplier.fraction', 'bogus'),
    value: fc.anything(),
  }),
  fc.record({
    path: fc.constant('multiplier.kind'),
    value: fc.oneof(fc.constantFrom('mitchel', 'EXACT', '', 'exact '), fc.integer()),
  }),
  fc.record({ path: fc.constant('dataflow'), value: fc.oneof(fc.string(), fc.integer()) }),
);

function set(obj: Record<string, any>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k];
  o[keys.at(-1)!] = value;
}

describe('random invalid configs', () => {
  it('are rejected with a message naming the JSON path, and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axgen-prop-'));
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (muts) => {
        const w = written({ rows: 2, cols: 2, name: 'ok' });
        for (const m of muts) set(w, m.path, m.value);
        let err: unknown;
        try {
          const c = resolveConfig(w, 'prop.json');
          await generateTo(c, join(dir, 'out'));
        } catch (e) {
          err = e;
        }
        // Some mutations can be valid by chance (e.g. dataflow set to a valid string): skip those.
        if (err === undefined) return;
        expect(err).toBeInstanceOf(ConfigError);
        const paths = (err as ConfigError).problems.map((p) => p.path);
        expect(paths.length).toBeGreaterThan(0);
        for (const m of muts) {
          const top = m.path.split('.')[0]!;
          expect(paths.some((p) => p.startsWith(top) || p === '(root)')).toBe(true);
        }
        expect((err as Error).message).toMatch(/✖ \S+: expected .+, received /);
        expect(readdirSync(dir)).toEqual([]);
      }),
      { numRuns: runs * 5, seed },
    );
  });
});

describe('random valid configs in co-simulation', () => {
  it('compute random GEMMs bit-exactly in Icarus, counters included', async () => {
    const { cosim } = await import('../../sim/cosim.js');
    const { randomMatrix, rng } = await import('../../sim/stimulus.js');
    await fc.assert(
      fc.asyncProperty(
        validShape,
        fc.record({
          m: fc.integer({ min: 1, max: 12 }),
          k: fc.integer({ min: 1, max: 20 }),
          n: fc.integer({ min: 1, max: 10 }),
          stall: fc.integer({ min: 0, max: 150 }),
          seed: fc.integer({ min: 1, max: 1e6 }),
          extra: fc.integer({ min: 0, max: 6 }),
        }),
        async (s, g) => {
          const w = written({ ...s, name: 'propsim', maxK: Math.max(s.maxK, g.k), accDepth: Math.min(s.accDepth, 16) });
          const c = resolveConfig(narrowed(w, g.extra));
          const next = rng(g.seed);
          const A = randomMatrix(g.m, g.k, c.precision.activation, next);
          const W = randomMatrix(g.k, g.n, c.precision.weight, next);
          const r = await cosim(c, { simulator: 'icarus', A, W, stall: g.stall, seed: g.seed });
          expect(r.problems).toEqual([]);
          expect(r.mismatches.length).toBe(0);
          expect(r.counters).toEqual([]);
          expect(r.passed).toBe(true);
        },
      ),
      { numRuns: Math.max(5, Math.round(runs / 2)), seed },
    );
  });
});
