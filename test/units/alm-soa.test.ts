/**
 * ALM-SOA: the golden model against an independent, bit-string reading of the definition (Liu et
 * al., TCAS-I 2018; docs/units.md) for every M at 8 bits, the published 8×8 error figures, the
 * schema and rules, and lint of the emitted modules. (RTL vs model, exhaustively at 8 bits in both
 * simulators: test/units/exhaustive.test.ts, from the unit's declared samples.)
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import { almSoa, almSoaUnit } from '../../generator/units/alm-soa.js';
import type { UnitContext } from '../../generator/units/types.js';
import { unitVariant } from '../../sim/unit-harness.js';
import { describeSweepAxes, itLintsClean } from '../helpers/units.js';

/**
 * The definition on bit strings, 8-bit operands (F = 7, a 3-bit k): the log word is k's 3 bits then
 * the 7 bits after the leading one; the set-one sum is (upper parts + carry-in) followed by M ones;
 * the antilog shifts 1.f left by K = the sum's bits above F and drops the fraction (BigInt).
 */
function almByString(A: number, B: number, M: number): number {
  if (A === 0 || B === 0) return 0;
  const word = (v: number) => {
    const s = v.toString(2);
    return (s.length - 1).toString(2).padStart(3, '0') + s.slice(1).padEnd(7, '0');
  };
  const wa = word(A);
  const wb = word(B);
  const cin = wa[10 - M] === '1' && wb[10 - M] === '1' ? 1 : 0;
  const hi = parseInt(wa.slice(0, 10 - M), 2) + parseInt(wb.slice(0, 10 - M), 2) + cin;
  const sum = hi.toString(2) + '1'.repeat(M);
  const K = BigInt(parseInt(sum.slice(0, -7) || '0', 2));
  const mant = BigInt(parseInt('1' + sum.slice(-7).padStart(7, '0'), 2));
  return Number((mant << K) >> 7n);
}

const u8: UnitContext = { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } };
const s8: UnitContext = { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };
const full = (M: number, share = true) => ({ kind: 'alm-soa' as const, M, share });

describe('ALM-SOA golden model', () => {
  it('equals the bit-string definition on every 8-bit pair, M = 1..7, unsigned and sign-magnitude', () => {
    for (let M = 1; M <= 7; M++) {
      for (let a = 0; a < 256; a++)
        for (let b = 0; b < 256; b++) {
          const want = almByString(a, b, M);
          if (almSoaUnit.multiply(a, b, full(M), u8) !== want) throw new Error(`M=${M}: ${a}·${b}`);
        }
      for (let a = -128; a < 128; a++)
        for (let b = -128; b < 128; b++) {
          const m = almByString(Math.abs(a), Math.abs(b), M);
          const want = a < 0 !== b < 0 ? -m : m;
          if (almSoaUnit.multiply(a, b, full(M), s8) !== want) throw new Error(`M=${M} signed: ${a}·${b}`);
        }
    }
    // Worked example, M = 2: 3 → {001, 1000000}, 5 → {010, 0100000}; upper parts 00110000 + 01001000 +
    // carry-in (bit 1: 0 & 0) = 01111000, then 11: {011, 1100011} → 1.1100011b · 2^3 = 14.77 → 14.
    expect(almSoaUnit.multiply(3, 5, full(2), u8)).toBe(14);
    expect(almSoaUnit.multiply(0, 77, full(3), u8)).toBe(0);
  });

  it('reproduces the published 8×8 unsigned MRE: 3.532 / 3.253 / 3.085 % for M = 1 / 2 / 3', () => {
    const mre = [1, 2, 3].map((M) => {
      const c = resolveConfig({
        name: 'al',
        array: { rows: 1, cols: 1 },
        precision: { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } },
        multiplier: almSoa({ M }),
      });
      const m = errorMetrics(c);
      expect(m.exhaustive).toBe(true);
      return m.mrePct.toFixed(3);
    });
    expect(mre).toEqual(['3.532', '3.253', '3.085']);
  });

  it('the set-one bits can overestimate: the range exceeds 255²', () => {
    const r = almSoaUnit.productRange(full(3), u8);
    expect(r.min).toBe(0);
    // 255 → {111, 1111111}: upper parts 1111111 + 1111111 + carry-in 1, then 111: {1111, 1111111} → 1.1111111b · 2^15 = 65,280.
    expect(r.max).toBe(65280);
    expect(r.max).toBeGreaterThan(255 * 255);
  });
});

describe('ALM-SOA config', () => {
  const written = (m: Record<string, unknown>, bits = 8) => ({
    name: 'al',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits }, weight: { bits } },
    multiplier: m,
  });
  it('defaults: M = 3, shared', () => {
    expect(resolveConfig(written(almSoa())).multiplier).toEqual({ kind: 'alm-soa', M: 3, share: true });
  });
  it('rejects M below 1 and M above N−1, naming the path', () => {
    for (const [m, bits, re] of [
      [{ kind: 'alm-soa', M: 0 }, 8, /multiplier\.M/],
      [
        { kind: 'alm-soa', M: 5 },
        5,
        /multiplier\.M: expected at most 4 \(N−1, the log word.s fraction bits\), received 5$/m,
      ],
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

describe('ALM-SOA RTL', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('al_a', U(8), U(8), { kind: 'alm-soa', M: 3 }),
    unitVariant('al_b', S(8), U(5), { kind: 'alm-soa', M: 1, share: false }),
    unitVariant('al_c', S(2), S(16), { kind: 'alm-soa', M: 6 }),
  ];
  itLintsClean(cases);
  it("with share=true the encoder (Mitchell's) is at the edge; the PE keeps the set-one adder and the shifter", () => {
    const f = emitUnit(cases[0]!);
    expect(f.find((x) => x.module === 'al_a_act_pre')!.text).toMatch(/wire +z2 += \(nrm3\[7:4\] == 4'd0\);/);
    const mul = f.find((x) => x.module === 'al_a_mul')!.text;
    expect(mul).toMatch(/wire +cin += la\[2\] & lw\[2\];/);
    expect(mul).toMatch(/wire \[10:0\] +s += \{hi, 3'd7\};/);
    expect(mul).not.toMatch(/nrm3|mag\[7\] \?/);
  });
});

describeSweepAxes('alm-soa', { 'multiplier.M': [1, 2, 3], 'multiplier.share': [true, false] }, { 'multiplier.M': [0] });
