/**
 * Truncated (broken-array) multiplier: the golden model against an independent definition (each
 * partial-product row with its bits below column t cleared, and a hand value table), the
 * correction constant, the schema and rules, and lint of the emitted module. (RTL vs model,
 * exhaustively at 8 bits in both simulators: test/units/exhaustive.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { truncCorrection, truncated, truncatedUnit } from '../../generator/units/truncated.js';
import type { UnitContext } from '../../generator/units/types.js';
import { unitVariant } from '../../sim/unit-harness.js';
import { describeSweepAxes, itLintsClean } from '../helpers/units.js';

const u8: UnitContext = { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } };
const s8: UnitContext = { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };

/** Row form: Σ over set bits i of A of (B with its t − i lowest bits cleared)·2^i. */
function byRows(A: number, B: number, t: number): number {
  let s = 0;
  for (let i = 0; i < 8; i++) {
    if (((A >> i) & 1) === 0) continue;
    const drop = Math.max(0, t - i);
    s += ((B >> drop) << drop) << i;
  }
  return s;
}

describe('truncated multiplier golden model', () => {
  it('equals the row form on every 8-bit pair for t = 0..15, unsigned and sign-magnitude', () => {
    for (let t = 0; t <= 15; t++) {
      const p = { kind: 'truncated' as const, t, correction: false };
      for (let a = 0; a < 256; a++)
        for (let b = 0; b < 256; b++)
          if (truncatedUnit.multiply(a, b, p, u8) !== byRows(a, b, t)) throw new Error(`t=${t}: ${a}·${b}`);
      for (let a = -128; a < 128; a += 3)
        for (let b = -128; b < 128; b++) {
          const m = byRows(Math.abs(a), Math.abs(b), t);
          if (truncatedUnit.multiply(a, b, p, s8) !== (a < 0 !== b < 0 ? -m : m))
            throw new Error(`t=${t} signed: ${a}·${b}`);
        }
    }
  });

  it('matches a hand value table', () => {
    const p = (t: number, correction = false) => ({ kind: 'truncated' as const, t, correction });
    // 255·255 = 65025; columns 0..3 hold 1+2·2+3·4+4·8 = 49 → 64976 at t = 4.
    expect(truncatedUnit.multiply(255, 255, p(4), u8)).toBe(64976);
    // 15·15 = 225 lies wholly in columns 0..6: columns 4..6 keep 3·16 + 2·32 + 1·64 = 176.
    expect(truncatedUnit.multiply(15, 15, p(4), u8)).toBe(176);
    expect(truncatedUnit.multiply(15, 15, p(7), u8)).toBe(0);
    expect(truncatedUnit.multiply(200, 100, p(0), u8)).toBe(20000);
    // correction at t = 8, 8×8: Σ_{c<8} (c+1)·2^c / 4 = 1793/4 = 448.25 → 1.75·256 → 2·256 = 512.
    expect(truncCorrection(8, 8, 8)).toBe(512);
    expect(truncatedUnit.multiply(15, 15, p(8, true), u8)).toBe(512);
    expect(truncatedUnit.multiply(0, 15, p(8, true), u8)).toBe(0);
    expect(truncatedUnit.multiply(-15, 15, p(8, true), s8)).toBe(-512);
  });

  it('the correction removes most of the bias (8×8 unsigned, t = 8)', () => {
    let plain = 0;
    let corr = 0;
    for (let a = 0; a < 256; a++)
      for (let b = 0; b < 256; b++) {
        plain += truncatedUnit.multiply(a, b, { kind: 'truncated', t: 8, correction: false }, u8) - a * b;
        corr += truncatedUnit.multiply(a, b, { kind: 'truncated', t: 8, correction: true }, u8) - a * b;
      }
    expect(plain / 65536).toBeLessThan(-400);
    expect(Math.abs(corr / 65536)).toBeLessThan(100);
  });
});

describe('truncated multiplier config', () => {
  const written = (m: Record<string, unknown>) => ({
    name: 'tr',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits: 8 }, weight: { bits: 8 } },
    multiplier: m,
  });
  it('defaults: t = 6, no correction', () => {
    expect(resolveConfig(written(truncated())).multiplier).toEqual({ kind: 'truncated', t: 6, correction: false });
  });
  it('rejects t ≥ n_a + n_w naming the path', () => {
    let msg = '';
    try {
      resolveConfig(written({ kind: 'truncated', t: 16 }));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      msg = e.message;
    }
    expect(msg).toMatch(/multiplier\.t: expected below 16 \(n_a \+ n_w\), received 16$/m);
  });
});

describe('truncated multiplier RTL', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('tr_a', U(8), U(8), { kind: 'truncated', t: 9, correction: true }),
    unitVariant('tr_b', S(8), U(5), { kind: 'truncated', t: 0 }),
    unitVariant('tr_c', S(2), S(16), { kind: 'truncated', t: 14, correction: true }),
  ];
  itLintsClean(cases);
  it('leaves out the rows wholly below column t', () => {
    const mul = emitUnit(cases[0]!).find((x) => x.module === 'tr_a_mul')!.text;
    expect(mul).not.toMatch(/ r1 /);
    expect(mul).toMatch(/r2 += ma\[2\] \?/);
  });
  it('a signed operand arrives as {sign, magnitude} from the edge: no absolute value in the PE', () => {
    const f = emitUnit(cases[1]!);
    const act = f.find((x) => x.module === 'tr_b_act_pre')!.text;
    expect(act).toMatch(/output wire \[8:0\] a_enc_o/);
    expect(act).toMatch(/wire \[7:0\] mag = a_i\[7\] \? \(8'd0 - a_i\) : a_i;/);
    expect(act).toMatch(/assign a_enc_o = \{a_i\[7\], mag\};/);
    // the unsigned weight passes unchanged
    expect(f.find((x) => x.module === 'tr_b_wgt_pre')!.text).toMatch(/assign w_enc_o = w_i;/);
    const mul = f.find((x) => x.module === 'tr_b_mul')!.text;
    expect(mul).toMatch(/wire \[7:0\] +ma += a_enc_i\[7:0\];/);
    expect(mul).toMatch(/wire +neg += a_enc_i\[8\] \^ 1'b0;/);
    expect(mul).not.toMatch(/'d0 - a_enc_i/);
  });
});

describeSweepAxes(
  'truncated',
  { 'multiplier.t': [0, 6, 8], 'multiplier.correction': [false, true] },
  { 'multiplier.t': [-1] },
);
