/**
 * PoT / APoT weights: the host mapping against a value table and an independent nearest-level
 * definition (ties to the smaller magnitude; docs/units.md), the golden model against a·level, the
 * schema and rules, and the emitted RTL (lint, no multiplier in the PE). (RTL vs model, exhaustively
 * at 8 bits in both simulators and with raw weights: test/units/exhaustive.test.ts and below.)
 */
import { describeSweepAxes, itLintsClean } from '../helpers/units.js';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { pot, potUnit } from '../../generator/units/pot.js';
import type { UnitContext } from '../../generator/units/types.js';
import { checkUnits, describeFailures, unitVariant } from '../../sim/unit-harness.js';

const ctx = (bits: number, signed: boolean, abits = 8): UnitContext => ({
  activation: { bits: abits, signed },
  weight: { bits, signed },
});
const P = { kind: 'pot' as const, levels: 'pot' as const };
const A = { kind: 'pot' as const, levels: 'apot' as const };

/** Independent definition: sort the candidate values by (distance to w, magnitude) and take the first. */
function nearest(w: number, candidates: number[]): number {
  return [...candidates].sort((x, y) => Math.abs(w - x) - Math.abs(w - y) || Math.abs(x) - Math.abs(y))[0]!;
}
const APOT = [0, 1, 2, 3, 4, 6, 8, 9, 12, 16, 18, 24, 32, 33, 36, 48];

describe('PoT / APoT host mapping', () => {
  it('matches a value table (8-bit signed), ties going to the smaller magnitude', () => {
    const table: [number, number, number][] = [
      // [w, PoT, APoT]
      [0, 0, 0],
      [1, 1, 1],
      [3, 2, 3], // PoT tie 2 | 4
      [5, 4, 4], // APoT tie 4 | 6
      [6, 4, 6], // PoT tie 4 | 8
      [7, 8, 6], // APoT tie 6 | 8
      [10, 8, 9],
      [11, 8, 12],
      [14, 16, 12], // APoT tie 12 | 16
      [24, 16, 24], // PoT tie 16 | 32
      [42, 32, 36], // APoT tie 36 | 48
      [43, 32, 48],
      [96, 64, 48], // PoT tie 64 | 128, and 128 is not a signed 8-bit value anyway
      [127, 64, 48],
      [-3, -2, -3],
      [-96, -64, -48],
      [-127, -128, -48],
      [-128, -128, -48],
    ];
    for (const [w, p, a] of table) {
      expect([w, potUnit.mapWeight(w, P, ctx(8, true))]).toEqual([w, p]);
      expect([w, potUnit.mapWeight(w, A, ctx(8, true))]).toEqual([w, a]);
    }
    expect(potUnit.mapWeight(255, P, ctx(8, false))).toBe(128);
    expect(potUnit.mapWeight(192, P, ctx(8, false))).toBe(128); // tie 128 | 256
  });

  it('equals the independent nearest-level definition on every weight, 2..10 bits, both level sets', () => {
    for (let bits = 2; bits <= 10; bits++)
      for (const signed of [false, true]) {
        const lo = signed ? -(2 ** (bits - 1)) : 0;
        const hi = lo + 2 ** bits - 1;
        const pows = [0];
        for (let m = 1; m <= 2 ** bits; m *= 2) pows.push(m);
        for (const [p, mags] of [
          [P, pows],
          [A, APOT],
        ] as const) {
          const cand = mags.flatMap((m) => [m, -m]).filter((v) => v >= lo && v <= hi);
          for (let w = lo; w <= hi; w++) {
            const got = potUnit.mapWeight(w, p, ctx(bits, signed));
            if (got !== nearest(w, cand))
              throw new Error(`${p.levels} ${bits}-bit ${signed ? 's' : 'u'}: ${w} → ${got}`);
            // mapping a level again changes nothing
            if (potUnit.mapWeight(got, p, ctx(bits, signed)) !== got) throw new Error(`not idempotent at ${w}`);
          }
        }
      }
  });

  it('the product is a·level, the range its extremes', () => {
    const c = ctx(8, true);
    for (let a = -128; a < 128; a += 3)
      for (let w = -128; w < 128; w += 5)
        expect(potUnit.multiply(a, w, A, c)).toBe(
          a *
            nearest(
              w,
              APOT.flatMap((m) => [m, -m]),
            ),
        );
    expect(potUnit.productRange(P, c)).toEqual({ min: 127 * -128, max: -128 * -128 });
    expect(potUnit.productRange(A, c)).toEqual({ min: -128 * 48, max: 128 * 48 });
    expect(potUnit.productRange(A, ctx(8, false))).toEqual({ min: 0, max: 255 * 48 });
  });
});

describe('PoT config', () => {
  const written = (m: Record<string, unknown>, bits = 8) => ({
    name: 'po',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits: 8 }, weight: { bits } },
    multiplier: m,
  });
  it('defaults: levels pot', () => {
    expect(resolveConfig(written(pot())).multiplier).toEqual({ kind: 'pot', levels: 'pot' });
  });
  it('rejects an unknown level set and weights above 10 bits, naming the path', () => {
    for (const [m, bits, re] of [
      [{ kind: 'pot', levels: 'apot3' }, 8, /multiplier\.levels/],
      [{ kind: 'pot' }, 12, /precision\.weight\.bits[\s\S]*at most 10[\s\S]*12/],
    ] as const) {
      let msg = '';
      try {
        resolveConfig(written(m, bits));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        msg = e.message;
      }
      expect(msg).toMatch(re);
    }
  });
});

describe('PoT RTL', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('po_a', S(8), S(8), { kind: 'pot', levels: 'apot' }),
    unitVariant('po_b', U(8), S(4), { kind: 'pot' }),
    unitVariant('po_c', S(16), U(3), { kind: 'pot', levels: 'apot' }),
  ];
  itLintsClean(cases);
  it('the PE shifts and adds, with no multiplier; the weight edge holds the level table', () => {
    const f = emitUnit(cases[0]!);
    const mul = f.find((x) => x.module === 'po_a_mul')!.text;
    expect(mul).not.toMatch(/\*/);
    expect(mul).toMatch(/a_ext << s1/);
    expect(mul).toMatch(/t1 \+ t2/);
    // 43 → 48 = 32 + 16: {neg 0, e2 1, s2 100, e1 1, s1 101}
    expect(f.find((x) => x.module === 'po_a_wgt_pre')!.text).toMatch(/8'd43: code = 9'd(\d+);/);
    expect(/8'd43: code = 9'd(\d+);/.exec(f.find((x) => x.module === 'po_a_wgt_pre')!.text)![1]).toBe(
      String(0b011001101),
    );
  });
  it('raw (unmapped) weights reach the RTL and still match the model (the edge maps them)', async () => {
    const r = await checkUnits(cases.slice(1), 'icarus', { mapWeights: false });
    expect(describeFailures(r)).toBe('');
    expect(r.passed).toBe(true);
  }, 120_000);
});

describeSweepAxes('pot', { 'multiplier.levels': ['pot', 'apot'] }, { 'multiplier.levels': ['int'] });
