/**
 * The unit plug-in seam: a unit registered by its one registry line (units/registry.ts, replaced
 * here by a mock that appends a fixture unit, test/units/fixtures/fixture-unit.ts) reaches the
 * config schema, the DSL builders, the regression suites, the exhaustive unit list and both unit
 * benchmarks with its own declared parameter sets, and no other file is edited.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../generator/units/registry.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../generator/units/registry.js')>();
  const { fixtureUnit } = await import('./fixtures/fixture-unit.js');
  return { units: [...orig.units, fixtureUnit] };
});

const { resolveConfig } = await import('../../generator/config/resolve.js');
const { ConfigError } = await import('../../generator/infra/errors.js');
const { acceleratorSchema } = await import('../../generator/config/schema.js');
const { unit } = await import('../../generator/dsl.js');
const { suite } = await import('../../sim/suite.js');
const { registryVariants } = await import('../../sim/unit-harness.js');
const { metricsConfigs, areaConfigs } = await import('../../bench/configs.js');
const { emitRtl } = await import('../../generator/emit/rtl.js');

const K = 'fixture_exact';
const P = {
  activation: { bits: 4, signed: true },
  weight: { bits: 4, signed: true },
  accumulator: { overflow: 'wrap' },
};
const mult = (c: { multiplier: unknown }) => c.multiplier as { kind: string; tag?: number };

describe('a fixture unit registered by one registry line', () => {
  it('gets a schema branch: its configs validate, with its defaults filled', () => {
    const branches = (
      acceleratorSchema.properties.multiplier as unknown as { oneOf: { properties: { kind: { const: string } } }[] }
    ).oneOf;
    expect(branches.map((b) => b.properties.kind.const)).toContain(K);
    const c = resolveConfig({ name: 'fx', array: { rows: 2, cols: 2 }, precision: P, multiplier: { kind: K } });
    expect(mult(c)).toEqual({ kind: K, tag: 0 });
    expect(() =>
      resolveConfig({ name: 'fx', array: { rows: 2, cols: 2 }, precision: P, multiplier: { kind: K, tag: -1 } }),
    ).toThrow(ConfigError);
  });

  it('gets a DSL builder', () => {
    const b = (unit as unknown as Record<string, (p?: object) => object>)[K]!;
    expect(b({ tag: 5 })).toEqual({ kind: K, tag: 5 });
    expect(b()).toEqual({ kind: K });
  });

  it('runs its regress sets in the default and full suites, on both dataflows', () => {
    for (const name of ['default', 'full'] as const) {
      const mine = suite(name).filter((e) => (e.written.multiplier as { kind: string }).kind === K);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(mine.every((e) => (e.written.multiplier as { tag?: number }).tag === 1)).toBe(true);
      expect(new Set(mine.map((e) => e.written.dataflow))).toEqual(new Set(['weight-stationary', 'output-stationary']));
    }
  });

  it('is in the exhaustive unit list with its declared variants', () => {
    const mine = registryVariants().filter((c) => mult(c).kind === K);
    expect(
      mine.map((c) => [
        c.name,
        c.precision.activation.bits,
        c.precision.weight.bits,
        c.precision.weight.signed,
        mult(c).tag,
      ]),
    ).toEqual([
      ['ex_fixture_exact_0', 4, 4, false, 2],
      ['ex_fixture_exact_1', 4, 3, true, 2],
    ]);
  });

  it('gets metrics and area benchmark rows', () => {
    expect(
      metricsConfigs()
        .filter((c) => mult(c).kind === K)
        .map((c) => [mult(c).tag, c.precision.activation.signed]),
    ).toEqual([
      [3, false],
      [3, true],
    ]);
    expect(
      areaConfigs()
        .filter(({ c }) => mult(c).kind === K)
        .map(({ c, share }) => [mult(c).tag, share]),
    ).toEqual([[4, '—']]);
  });

  it('is emitted by the array emitter', () => {
    const c = resolveConfig({ name: 'fx', array: { rows: 2, cols: 2 }, precision: P, multiplier: { kind: K } });
    const names = emitRtl(c).map((f) => f.name);
    expect(names).toContain('fx_mul.v');
  });
});
