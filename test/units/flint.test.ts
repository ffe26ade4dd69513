/**
 * flint weights (ANT, MICRO 2022): the grids against the published value tables, the 4-bit codes,
 * the host mapping against an independent nearest-level definition (ties to the smaller
 * magnitude; docs/units.md), the golden model against a·level, the (mantissa, shift) decoding, the
 * schema and rules, and the emitted RTL (lint, a small multiply and a shift in the PE). (RTL vs
 * model, exhaustively at 8 bits in both simulators: test/units/exhaustive.test.ts; with raw
 * weights: below.)
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { rng } from '../../generator/metrics/inputs.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import {
  flint,
  flintCode,
  flintDecode,
  flintLevels,
  flintUnit,
  flintValue,
  FLINT_SIGNED_MAGNITUDES,
  FLINT_UNSIGNED,
} from '../../generator/units/flint.js';
import type { UnitContext } from '../../generator/units/types.js';
import { cosim } from '../../sim/cosim.js';
import { expectCosimPassed } from '../helpers/cosim.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { checkUnits, describeFailures, unitVariant } from '../../sim/unit-harness.js';
import { config } from '../helpers/configs.js';
import { describeSweepAxes, itLintsClean } from '../helpers/units.js';

const ctx = (bits: number, signed: boolean, abits = 8): UnitContext => ({
  activation: { bits: abits, signed },
  weight: { bits, signed },
});
const F = { kind: 'flint' as const };

/** Independent definition: sort the candidates by (distance to w, magnitude) and take the first. */
function nearest(w: number, candidates: number[]): number {
  return [...candidates].sort((x, y) => Math.abs(w - x) - Math.abs(w - y) || Math.abs(x) - Math.abs(y))[0]!;
}

describe('flint grids and codes', () => {
  it('are the published value grids (ANT, MICRO 2022)', () => {
    expect([...FLINT_UNSIGNED]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 24, 32, 64]);
    expect([...FLINT_SIGNED_MAGNITUDES]).toEqual([0, 1, 2, 3, 4, 6, 8, 16]);
    expect(flintLevels({ bits: 8, signed: false })).toEqual([...FLINT_UNSIGNED]);
    expect(flintLevels({ bits: 8, signed: true })).toEqual([-16, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 16]);
    // Levels outside the weight's range are not used.
    expect(flintLevels({ bits: 4, signed: true })).toEqual([-8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6]);
    expect(flintLevels({ bits: 5, signed: false })).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 24]);
  });

  it('4-bit codes in increasing order of value, round trip on every code', () => {
    for (let code = 0; code < 16; code++) {
      expect(flintCode(flintValue(code, false), false)).toBe(code);
      if (code !== 8) expect(flintCode(flintValue(code, true), true)).toBe(code);
    }
    expect(flintValue(8, true)).toBe(0); // the −0 code
    expect(flintValue(0b1111, true)).toBe(-16);
    expect(flintValue(0b1101, false)).toBe(24);
    for (let c = 1; c < 16; c++) expect(flintValue(c, false)).toBeGreaterThan(flintValue(c - 1, false));
    expect(() => flintCode(9, false)).toThrow(/not a unsigned flint value/);
  });

  it('decodes every level into mantissa·2^shift with a 3-bit mantissa', () => {
    for (const v of [...FLINT_UNSIGNED, ...FLINT_SIGNED_MAGNITUDES]) {
      const { mantissa, shift } = flintDecode(v);
      expect(mantissa * 2 ** shift).toBe(v);
      expect(mantissa).toBeLessThanOrEqual(7);
    }
    expect(flintDecode(64)).toEqual({ mantissa: 4, shift: 4 });
    expect(flintDecode(24)).toEqual({ mantissa: 6, shift: 2 });
    expect(flintDecode(14)).toEqual({ mantissa: 7, shift: 1 });
  });
});

describe('flint host mapping and golden model', () => {
  it('matches a value table, ties going to the smaller magnitude', () => {
    const table: [number, boolean, number][] = [
      // [w, signed, level]
      [9, false, 8], // tie 8 | 10
      [11, false, 10], // tie 10 | 12
      [20, false, 16], // tie 16 | 24
      [21, false, 24],
      [48, false, 32], // tie 32 | 64
      [49, false, 64],
      [255, false, 64],
      [5, true, 4], // tie 4 | 6
      [7, true, 6], // tie 6 | 8
      [12, true, 8], // tie 8 | 16
      [13, true, 16],
      [-12, true, -8],
      [-128, true, -16],
      [127, true, 16],
    ];
    for (const [w, s, v] of table) expect([w, flintUnit.mapWeight(w, F, ctx(8, s))]).toEqual([w, v]);
  });

  it('equals the independent nearest-level definition on every weight, 2..10 bits, and is idempotent', () => {
    for (let bits = 2; bits <= 10; bits++)
      for (const signed of [false, true]) {
        const lo = signed ? -(2 ** (bits - 1)) : 0;
        const hi = lo + 2 ** bits - 1;
        const mags: readonly number[] = signed ? FLINT_SIGNED_MAGNITUDES : FLINT_UNSIGNED;
        const cand = mags.flatMap((m) => [m, -m]).filter((v) => v >= lo && v <= hi);
        for (let w = lo; w <= hi; w++) {
          const got = flintUnit.mapWeight(w, F, ctx(bits, signed));
          if (got !== nearest(w, cand)) throw new Error(`${bits}-bit ${signed ? 's' : 'u'}: ${w} → ${got}`);
          if (flintUnit.mapWeight(got, F, ctx(bits, signed)) !== got) throw new Error(`not idempotent at ${w}`);
        }
      }
  });

  it('the product is a·level, the range its extremes', () => {
    const c = ctx(8, true);
    for (let a = -128; a < 128; a += 3)
      for (let w = -128; w < 128; w += 5)
        expect(flintUnit.multiply(a, w, F, c)).toBe(a * nearest(w, [...flintLevels(c.weight)]) + 0);
    expect(flintUnit.productRange(F, c)).toEqual({ min: -128 * 16, max: -128 * -16 });
    expect(flintUnit.productRange(F, ctx(8, false))).toEqual({ min: 0, max: 255 * 64 });
  });

  it('metrics count the mapping error against a·w (8×8 unsigned: wrong on every weight off the grid)', () => {
    const c = resolveConfig({
      name: 'fl',
      array: { rows: 1, cols: 1 },
      precision: { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } },
      multiplier: flint(),
    });
    const m = errorMetrics(c);
    // 240 of the 256 weights are off the grid; a = 0 is right on every weight.
    expect(m.epPct).toBeCloseTo((100 * 240 * 255) / 65536, 9);
    // Worst: w = 255 → 64, a = 255: |255·64 − 255·255|.
    expect(m.wce).toBe(255 * 191);
  });
});

describe('flint config', () => {
  const written = (bits: number, signed = true) => ({
    name: 'fl',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits: 8 }, weight: { bits, signed } },
    multiplier: flint(),
  });
  it('resolves with no parameters; the DSL builder gives the kind', () => {
    expect(resolveConfig(written(8)).multiplier).toEqual({ kind: 'flint' });
  });
  it('rejects weights above 10 bits and unknown parameters, naming the path', () => {
    for (const [w, re] of [
      [written(12), /precision\.weight\.bits[\s\S]*at most 10[\s\S]*12/],
      [{ ...written(8), multiplier: { kind: 'flint', exponent: 2 } }, /multiplier/],
    ] as const) {
      let msg = '';
      try {
        resolveConfig(w);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        msg = e.message;
      }
      expect(msg).toMatch(re);
    }
  });
});

describe('flint RTL', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('fl_a', S(8), S(8), F),
    unitVariant('fl_b', U(8), U(8), F),
    unitVariant('fl_c', S(16), U(3), F),
    unitVariant('fl_d', U(4), S(10), F),
  ];
  itLintsClean(cases);
  it('the PE multiplies by a 3-bit mantissa and shifts; the weight edge holds the level table', () => {
    const f = emitUnit(cases[1]!);
    const mul = f.find((x) => x.module === 'fl_b_mul')!.text;
    expect(mul).toMatch(/wire \[2:0\] +mant += w_enc_i\[2:0\];/);
    expect(mul).toMatch(/wire \[2:0\] +shift += w_enc_i\[5:3\];/);
    expect(mul).toMatch(/am += \{3'd0, a_enc_i\} \* \{8'd0, mant\}/);
    expect(mul).toMatch(/<< shift/);
    // pipeline.multiplier 1: a·mantissa, the shift and the sign are registered at the `product` cut
    expect(flintUnit.cuts!({ kind: 'flint' }, ctx(8, true))).toEqual(['product']);
    const piped = flintUnit
      .rtl({ kind: 'flint' }, ctx(8, true), 'fp', () => '', 1)
      .modules.find((m) => m.module === 'fp_mul')!;
    expect(piped.view.productCut).toMatch(/am_c <= am;[\s\S]*shift_c <= shift;[\s\S]*neg_c <= w_enc_i\[5\];/);
    expect(piped.view.neg).toBe('neg_c');
    expect(piped.view.amP).toMatch(/am_c/);
    // 49 → 64 = 4·2^4: {shift 100, mantissa 100}
    expect(/8'd49: code = 6'd(\d+);/.exec(f.find((x) => x.module === 'fl_b_wgt_pre')!.text)![1]).toBe(String(0b100100));
    // signed: −13 → −16 = −(4·2^2): {neg 1, shift 10, mantissa 100} (the signed grid needs 2 shift bits)
    expect(
      /8'd243: code = 6'd(\d+);/.exec(emitUnit(cases[0]!).find((x) => x.module === 'fl_a_wgt_pre')!.text)![1],
    ).toBe(String(0b110100));
  });
  it('raw (unmapped) weights reach the RTL and still match the model (the edge maps them)', async () => {
    const r = await checkUnits(cases.slice(2), 'icarus', { mapWeights: false });
    expect(describeFailures(r)).toBe('');
    expect(r.passed).toBe(true);
  }, 120_000);
});

// flint has no parameter of its own: its sweep axes are the operand precisions (the grid follows the weight's).
describe('flint arrays: GEMMs on 3×4 arrays of both dataflows, element by element against the golden model', () => {
  const flows = [
    { name: 'fl_ws', dataflow: 'weight-stationary', signed: true, verilator: true },
    { name: 'fl_os', dataflow: 'output-stationary', signed: false, verilator: false },
  ] as const;
  const cfg = (f: (typeof flows)[number]) =>
    config({
      name: f.name,
      rows: 3,
      cols: 4,
      dataflow: f.dataflow,
      aSigned: f.signed,
      wSigned: f.signed,
      multiplier: F,
      maxK: 32,
    });
  const run = (f: (typeof flows)[number], simulator: 'icarus' | 'verilator', seed: number) => {
    const next = rng(seed);
    const lo = f.signed ? -128 : 0;
    const hi = f.signed ? 127 : 255;
    const mat = (r: number, c: number) =>
      Array.from({ length: r }, () => Array.from({ length: c }, () => lo + Math.floor(next() * (hi - lo + 1))));
    // K = 7 is not a multiple of the 3 rows; N = 6 is not a multiple of the 4 columns: padding on both.
    const A = mat(f.dataflow === 'weight-stationary' ? 5 : 3, 7);
    const W = mat(7, 6);
    A[1]![1] = lo;
    W[2]![0] = hi;
    W[3]![3] = 0;
    W[4]![1] = f.signed ? -13 : 49; // mapped to ∓16 / 64
    return cosim(cfg(f), { simulator, A, W, seed, stall: 40 });
  };
  it('the weight-stationary array is lint-clean', async () => {
    expect(lintProblems(await lintFiles(emitRtl(cfg(flows[0])), topModule(cfg(flows[0]))))).toBe('');
  });
  it.each(flows.map((f, i) => [f.name, f, i] as const))('icarus %s', async (_n, f, i) => {
    const r = await run(f, 'icarus', 500 + i);
    expectCosimPassed(r);
  });
  it('verilator fl_ws', async () => {
    const r = await run(flows[0], 'verilator', 510);
    expectCosimPassed(r);
  });
});

describeSweepAxes('flint', { 'precision.weight.bits': [4, 8] }, { 'multiplier.exponent': [1] });
