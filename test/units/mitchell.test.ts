/**
 * Mitchell family: the golden model against the worked examples and the closed-form error of
 * docs/units.md, the schema and rules, the true product range, and lint of the emitted modules.
 * (Reference error figures: test/metrics/reference.test.ts; RTL vs model: exhaustive.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { emitUnit, unitTopModule } from '../../generator/emit/unit.js';
import { mitchell, mitchellUnit } from '../../generator/units/mitchell.js';
import type { UnitContext } from '../../generator/units/types.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { unitVariant } from '../../sim/unit-harness.js';

const u8: UnitContext = { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } };
const s8: UnitContext = { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };
/** The multiplier params of a resolved config (every default filled by the normalizer), memoized. */
const resolvedParams = new Map<string, unknown>();
function params(p: Record<string, unknown>, ctx: UnitContext): never {
  const key = JSON.stringify([p, ctx]);
  if (!resolvedParams.has(key)) {
    const c = resolveConfig({
      name: 'mt',
      array: { rows: 1, cols: 1 },
      precision: { activation: ctx.activation, weight: ctx.weight },
      multiplier: { kind: 'mitchell', ...p },
    });
    resolvedParams.set(key, c.multiplier);
  }
  return resolvedParams.get(key) as never;
}
const mul = (a: number, w: number, p: Record<string, unknown>, ctx = u8) =>
  mitchellUnit.multiply(a, w, params(p, ctx), ctx);

function written(m: Record<string, unknown>, aBits = 8, wBits = 8, signed = false) {
  return {
    name: 'mt',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits: aBits, signed }, weight: { bits: wBits, signed } },
    multiplier: m,
  };
}
function problems(m: Record<string, unknown>, aBits = 8, wBits = 8): string {
  try {
    resolveConfig(written(m, aBits, wBits));
    return '';
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

describe('mitchell golden model', () => {
  it('reproduces the worked examples of docs/units.md', () => {
    expect(mul(100, 200, {})).toBe(18432);
    expect(mul(100, 20, {})).toBe(1856);
    expect(mul(128, 128, { fractionBits: 4, unbias: true })).toBe(17408);
  });

  it('plain Mitchell errs by exactly m_A·m_B (no carry) or (2^kA−m_A)(2^kB−m_B) (carry), never over', () => {
    for (let a = 1; a < 256; a++) {
      for (let b = 1; b < 256; b++) {
        const ka = Math.floor(Math.log2(a));
        const kb = Math.floor(Math.log2(b));
        const ma = a - 2 ** ka;
        const mb = b - 2 ** kb;
        const carry = ma * 2 ** kb + mb * 2 ** ka >= 2 ** (ka + kb);
        const err = carry ? (2 ** ka - ma) * (2 ** kb - mb) : ma * mb;
        if (a * b - mul(a, b, {}) !== err)
          throw new Error(`${a}×${b}: error ${a * b - mul(a, b, {})}, closed form ${err}`);
      }
    }
  });

  it('gives 0 for a zero operand in every variant and signed mode', () => {
    const variants = [
      {},
      { fractionBits: 3 },
      { fractionBits: 4, unbias: true },
      { compensation: 'bias' },
      { signedMode: 'ones-complement' },
    ];
    for (const v of variants) {
      for (let x = -128; x < 128; x++) {
        expect(mul(0, x, v, s8)).toBe(0);
        expect(mul(x, 0, v, s8)).toBe(0);
      }
    }
  });

  it("signed conventions: sign-magnitude is symmetric and handles −128; one's complement gives (−1)·w = −1", () => {
    expect(mul(-128, -128, {}, s8)).toBe(16384);
    expect(mul(-100, 20, {}, s8)).toBe(-1856);
    expect(mul(100, -20, {}, s8)).toBe(-1856);
    expect(mul(-1, 77, { signedMode: 'ones-complement' }, s8)).toBe(-1);
    expect(mul(-1, -77, { signedMode: 'ones-complement' }, s8)).toBe(mul(0 + 0, 76, {}, s8)); // |−1| ≈ 0 → core 0
    expect(mul(-101, 20, { signedMode: 'ones-complement' }, s8)).toBe(-1856 - 1); // ~(-101) = 100, result ~1856
  });

  it("sizes the product from the variant's own largest product (unbias and compensation overestimate)", () => {
    const range = (m: Record<string, unknown>, ctx = u8) => mitchellUnit.productRange(params(m, ctx), ctx);
    for (const v of [{ fractionBits: 4, unbias: true }, { compensation: 'bias' }]) {
      let trueMax = 0;
      let over = 0;
      for (let a = 0; a < 256; a++) {
        for (let b = 0; b < 256; b++) {
          const p = mul(a, b, v);
          trueMax = Math.max(trueMax, p);
          if (p > a * b) over++;
        }
      }
      expect(over).toBeGreaterThan(0);
      expect(range(v).max).toBe(trueMax);
    }
    expect(range({}).max).toBeLessThanOrEqual(255 * 255);
    expect(range({}, s8)).toEqual({ min: -mul(128, 127, {}), max: 16384 });
    // Wide operands: the proven bound, at least the largest product actually seen.
    const w16: UnitContext = { activation: { bits: 12, signed: false }, weight: { bits: 12, signed: false } };
    const r = range({ compensation: 'bias' }, w16);
    expect(r.max).toBeGreaterThanOrEqual(mul(4095, 4095, { compensation: 'bias' }, w16));
    expect(r.max).toBeLessThan(2 ** 25);
  });
});

describe('mitchell config', () => {
  it('defaults fractionBits to N−1 with N the wider operand', () => {
    const c = resolveConfig(written(mitchell(), 6, 8));
    expect(c.multiplier).toMatchObject({
      kind: 'mitchell',
      fractionBits: 7,
      unbias: false,
      compensation: 'none',
      signedMode: 'sign-magnitude',
      share: true,
    });
  });

  it('rejects fractionBits above N−1, naming the path and the maximum', () => {
    expect(problems({ kind: 'mitchell', fractionBits: 8 })).toMatch(/multiplier\.fractionBits[\s\S]*at most 7/);
    expect(problems({ kind: 'mitchell', fractionBits: 0 })).toMatch(/multiplier\.fractionBits/);
  });

  it('rejects unbias without truncation and says what to change', () => {
    expect(problems({ kind: 'mitchell', unbias: true })).toMatch(/multiplier\.unbias[\s\S]*fractionBits below 7/);
    expect(problems({ kind: 'mitchell', unbias: true, fractionBits: 6 })).toBe('');
  });

  it('rejects bias compensation with fewer than 4 working fraction bits', () => {
    expect(problems({ kind: 'mitchell', compensation: 'bias', fractionBits: 3 })).toMatch(
      /multiplier\.compensation[\s\S]*F ≥ 4 but F = 3[\s\S]*raise multiplier\.fractionBits/,
    );
    expect(problems({ kind: 'mitchell', compensation: 'bias', fractionBits: 3, unbias: true })).toBe('');
    expect(problems({ kind: 'mitchell', compensation: 'bias' }, 4, 4)).toMatch(/operands of at least 5 bits/);
  });

  it('is a closed schema branch', () => {
    expect(problems({ kind: 'mitchell', fractionbits: 3 })).toMatch(/multiplier\.fractionbits/);
    expect(problems({ kind: 'mitchell', signedMode: 'twos' })).toMatch(/multiplier\.signedMode/);
  });
});

describe('mitchell RTL', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('ml_a', U(8), U(8), { kind: 'mitchell', compensation: 'bias' }),
    unitVariant('ml_b', S(8), S(6), {
      kind: 'mitchell',
      fractionBits: 3,
      unbias: true,
      signedMode: 'ones-complement',
      share: false,
    }),
    unitVariant('ml_c', S(2), U(3), { kind: 'mitchell', fractionBits: 1 }),
    unitVariant('ml_d', S(12), S(12), { kind: 'mitchell', fractionBits: 6, compensation: 'bias', share: false }),
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s is lint-clean in Verilator, Icarus and Yosys', async (_n, c) => {
    expect(lintProblems(await lintFiles(emitUnit(c), unitTopModule(c)))).toBe('');
  });

  it('share=true keeps only the adder and shifter in <p>_mul; share=false makes the edge modules identity', () => {
    const shared = emitUnit(cases[0]!);
    expect(shared.find((f) => f.module === 'ml_a_act_pre')!.template).toBe('units/mitchell_enc.v.hbs');
    expect(shared.find((f) => f.module === 'ml_a_mul')!.template).toBe('units/mitchell_core.v.hbs');
    const own = emitUnit(cases[1]!);
    expect(own.find((f) => f.module === 'ml_b_act_pre')!.template).toBe('units/identity_pre.v.hbs');
    expect(own.find((f) => f.module === 'ml_b_mul')!.text).toMatch(/ml_b_enc_act u_enc_act/);
  });
});
