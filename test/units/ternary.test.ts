/**
 * Ternary weights: the golden model against a value table (product = a·t for t ∈ {−1, 0, +1}, the
 * host mapping by threshold), the product range, the schema, and lint of the emitted modules
 * (no `*` in the PE). (RTL vs model, exhaustively at 8 bits in both simulators:
 * test/units/exhaustive.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import { ternary, ternaryUnit } from '../../generator/units/ternary.js';
import type { UnitContext } from '../../generator/units/types.js';
import { unitVariant } from '../../sim/unit-harness.js';
import { describeSweepAxes, itLintsClean } from '../helpers/units.js';

const s8: UnitContext = { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };
const u8: UnitContext = { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } };
const p = (threshold = 0) => ({ kind: 'ternary' as const, threshold });

describe('ternary golden model', () => {
  it('maps weights by threshold and multiplies as the value table says', () => {
    // [w, threshold, mapped]
    const map: [number, number, number][] = [
      [0, 0, 0],
      [1, 0, 1],
      [-1, 0, -1],
      [-128, 0, -1],
      [127, 0, 1],
      [3, 3, 0],
      [-3, 3, 0],
      [4, 3, 1],
      [-4, 3, -1],
    ];
    for (const [w, t, m] of map) expect(ternaryUnit.mapWeight(w, p(t), s8)).toBe(m);
    const table = new Map([
      [-1, (a: number) => -a],
      [0, () => 0],
      [1, (a: number) => a],
    ]);
    for (let a = -128; a < 128; a++)
      for (const t of [-1, 0, 1]) expect(ternaryUnit.multiply(a, t, p(), s8)).toBe(table.get(t)!(a) + 0);
  });

  it('product range: −a of the most negative activation is 128', () => {
    expect(ternaryUnit.productRange(p(), s8)).toEqual({ min: -128, max: 128 });
    expect(ternaryUnit.productRange(p(), u8)).toEqual({ min: 0, max: 255 });
    expect(
      ternaryUnit.productRange(p(), { activation: { bits: 8, signed: false }, weight: { bits: 2, signed: true } }),
    ).toEqual({ min: -255, max: 255 });
  });

  it('metrics count the mapping: with 2-bit signed weights only w = −2 (mapped to −1) is in error', () => {
    const c = resolveConfig({
      name: 'te',
      array: { rows: 1, cols: 1 },
      precision: { activation: { bits: 8, signed: true }, weight: { bits: 2, signed: true } },
      multiplier: ternary(),
    });
    const m = errorMetrics(c);
    // |a·(−2) − a·(−1)| = |a| ≤ 128: wrong on 255 of the 1,024 pairs (w = −2, a ≠ 0).
    expect(m.wce).toBe(128);
    expect(m.epPct).toBeCloseTo((100 * 255) / 1024, 9);
  });
});

describe('ternary config and RTL', () => {
  it('defaults: threshold 0', () => {
    expect(
      resolveConfig({
        name: 'te',
        array: { rows: 2, cols: 2 },
        precision: { activation: { bits: 8 }, weight: { bits: 2, signed: true } },
        multiplier: ternary(),
      }).multiplier,
    ).toEqual({ kind: 'ternary', threshold: 0 });
  });
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('te_a', S(8), S(2), { kind: 'ternary' }),
    unitVariant('te_b', U(16), U(3), { kind: 'ternary', threshold: 1 }),
  ];
  itLintsClean(cases);
  it('the PE holds no multiplier and a 2-bit weight code', () => {
    const mul = emitUnit(cases[0]!).find((x) => x.module === 'te_a_mul')!.text;
    expect(mul).not.toMatch(/\*/);
    expect(mul).toMatch(/input +wire \[1:0\] w_enc_i/);
  });
});

describeSweepAxes('ternary', { 'multiplier.threshold': [0, 2, 8] }, { 'multiplier.threshold': ['x'] });
