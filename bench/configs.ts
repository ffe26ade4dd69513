/**
 * The configs the unit benchmarks measure, built from the unit registry and each unit's declared
 * parameter sets (`samples.metrics`, `samples.area`; types.ts UnitSamples), so a new unit gets its
 * benchmark rows without editing a bench file. No side effects: test/units/seam.test.ts imports it.
 */
import { resolveConfig, type ResolvedConfig } from '../generator/config/resolve.js';
import { samplesOf, units } from '../generator/units/index.js';

/**
 * bench:metrics rows: every unit × its metrics sets × unsigned/signed 8×8 operands (or the formats
 * the unit is restricted to, `samples.operands`) on a 1×1 array.
 */
export function metricsConfigs(): ResolvedConfig[] {
  const out: ResolvedConfig[] = [];
  for (const u of units) {
    const s = samplesOf(u);
    const formats =
      s.operands ?? [false, true].map((signed) => ({ activation: { bits: 8, signed }, weight: { bits: 8, signed } }));
    for (const p of s.metrics)
      for (const f of formats)
        out.push(
          resolveConfig({
            name: 'bench_metrics',
            array: { rows: 1, cols: 1 },
            precision: { activation: f.activation, weight: f.weight },
            multiplier: { kind: u.kind, ...p },
          }),
        );
  }
  return out;
}

/**
 * bench:unit-area rows: every unit × its area sets (× share true/false when its schema has `share`),
 * 8-bit signed operands (or the unit's first `samples.operands` format) on a 4×4 weight-stationary array. `share` is '—' for a unit without it.
 */
export function areaConfigs(): { c: ResolvedConfig; share: string }[] {
  const configs: { c: ResolvedConfig; share: string }[] = [];
  let i = 0;
  for (const u of units) {
    const hasShare = 'share' in ((u.schema as { properties?: object }).properties ?? {});
    const s = samplesOf(u);
    const f = s.operands?.[0] ?? { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };
    for (const p of s.area) {
      for (const share of hasShare ? [true, false] : [null]) {
        const multiplier = { kind: u.kind, ...p, ...(share === null ? {} : { share }) };
        const c = resolveConfig({
          name: `area${i++}`,
          array: { rows: 4, cols: 4, maxK: 256 },
          precision: { activation: f.activation, weight: f.weight },
          multiplier,
        });
        configs.push({ c, share: share === null ? '—' : String(share) });
      }
    }
  }
  return configs;
}
