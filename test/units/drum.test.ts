/**
 * DRUM: the golden model against an independent, bit-string reading of the definition (Hashemi,
 * Bahar, Reda, ICCAD 2015; docs/units.md) for every k at 8 bits, the published 8×8 error figures,
 * the schema and rules, and lint of the emitted modules. (RTL vs model, exhaustively at 8 bits in
 * both simulators: test/units/exhaustive.test.ts, from the unit's declared samples.)
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import { drum, drumUnit } from '../../generator/units/drum.js';
import type { UnitContext } from '../../generator/units/types.js';
import { unitVariant } from '../../sim/unit-harness.js';
import { describeSweepAxes, itLintsClean } from '../helpers/units.js';

/** The definition on bit strings: keep k characters from the first '1', set the last kept to '1', pad with '0'. */
function keptByString(A: number, k: number): number {
  const bits = A.toString(2);
  if (bits.length <= k) return A;
  const kept = bits.slice(0, k - 1) + '1';
  return parseInt(kept + '0'.repeat(bits.length - k), 2);
}

const u8: UnitContext = { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } };
const s8: UnitContext = { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };
const full = (k: number, share = true) => ({ kind: 'drum' as const, k, share });

describe('DRUM golden model', () => {
  it('equals the bit-string definition on every 8-bit pair, k = 3..8, unsigned and sign-magnitude', () => {
    for (let k = 3; k <= 8; k++) {
      for (let a = 0; a < 256; a++)
        for (let b = 0; b < 256; b++) {
          const want = keptByString(a, k) * keptByString(b, k);
          if (drumUnit.multiply(a, b, full(k), u8) !== want) throw new Error(`k=${k}: ${a}·${b}`);
        }
      for (let a = -128; a < 128; a++)
        for (let b = -128; b < 128; b++) {
          const m = keptByString(Math.abs(a), k) * keptByString(Math.abs(b), k);
          const want = a < 0 !== b < 0 ? -m : m;
          if (drumUnit.multiply(a, b, full(k), s8) !== want) throw new Error(`k=${k} signed: ${a}·${b}`);
        }
    }
    // Worked example: 200 = 11001000b, k = 4 keeps 1100 → 1101, times 2^4 = 208; 6 passes exactly.
    expect(drumUnit.multiply(200, 6, full(4), u8)).toBe(208 * 6);
    expect(drumUnit.multiply(8, 8, full(8), u8)).toBe(64);
  });

  it('k = N is exact; sign-magnitude errors are symmetric; the range includes the overestimate of |−128|', () => {
    for (let a = 0; a < 256; a += 7)
      for (let b = 0; b < 256; b += 5) expect(drumUnit.multiply(a, b, full(8), u8)).toBe(a * b);
    expect(drumUnit.multiply(-100, 37, full(4), s8)).toBe(-drumUnit.multiply(100, 37, full(4), s8));
    // |−128| with k = 3: 100 kept → 101 · 2^5 = 160, so (−128)(−128) gives 25,600 > 128²; 127 keeps 111 · 2^4 = 112, so the most negative is −160·112.
    expect(drumUnit.productRange(full(3), s8)).toEqual({ min: -17920, max: 25600 });
  });

  it('reproduces the published 8×8 unsigned MRE: 12.10 / 5.89 / 2.84 / 1.30 % for k = 3 / 4 / 5 / 6', () => {
    const mre = [3, 4, 5, 6].map((k) => {
      const c = resolveConfig({
        name: 'dr',
        array: { rows: 1, cols: 1 },
        precision: { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } },
        multiplier: drum({ k }),
      });
      const m = errorMetrics(c);
      expect(m.exhaustive).toBe(true);
      return m.mrePct.toFixed(2);
    });
    expect(mre).toEqual(['12.10', '5.89', '2.84', '1.30']);
  });
});

describe('DRUM config', () => {
  const written = (m: Record<string, unknown>, bits = 8) => ({
    name: 'dr',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits }, weight: { bits } },
    multiplier: m,
  });
  it('defaults: k = 6, shared', () => {
    expect(resolveConfig(written(drum())).multiplier).toEqual({ kind: 'drum', k: 6, share: true });
  });
  it('rejects k below 3 and k above the operand width, naming the path', () => {
    for (const [m, bits, re] of [
      [{ kind: 'drum', k: 2 }, 8, /multiplier\.k/],
      [{ kind: 'drum', k: 9 }, 8, /multiplier\.k: expected at most 8 \(the wider operand width\), received 9$/m],
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

describe('DRUM RTL', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('dr_a', U(8), U(8), { kind: 'drum', k: 4 }),
    unitVariant('dr_b', S(8), U(5), { kind: 'drum', k: 5, share: false }),
    unitVariant('dr_c', S(2), S(16), { kind: 'drum', k: 3 }),
  ];
  itLintsClean(cases);
  it('with share=true the leading-one logic is at the edge and the PE keeps a k×k multiplier', () => {
    const f = emitUnit(cases[0]!);
    expect(f.find((x) => x.module === 'dr_a_act_pre')!.text).toMatch(/mag\[7\] \? 3'd4 :/);
    const mul = f.find((x) => x.module === 'dr_a_mul')!.text;
    expect(mul).toMatch(/wire \[7:0\] +mp += \{4'd0, ka\} \* \{4'd0, kw\};/);
    expect(mul).not.toMatch(/mag\[7\] \?/);
  });
});

describeSweepAxes('drum', { 'multiplier.k': [3, 4, 6], 'multiplier.share': [true, false] }, { 'multiplier.k': [2] });
