/**
 * ILM: the golden model against its definition's properties (exact = P0 + mA·mB, never over,
 * zero gives zero, one more correction never hurts), the schema, and lint of the emitted modules.
 * (Reference error figures: test/metrics/reference.test.ts; RTL vs model: exhaustive.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { emitUnit, unitTopModule } from '../../generator/emit/unit.js';
import { ilm, ilmCore, ilmUnit } from '../../generator/units/ilm.js';
import type { UnitContext } from '../../generator/units/types.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { unitVariant } from '../../sim/unit-harness.js';

const s8: UnitContext = { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };
const u8: UnitContext = { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } };

describe('ILM golden model', () => {
  it('basic block + m_A·m_B is exact, and each correction removes the previous residue product', () => {
    for (let a = 1; a < 256; a++) {
      for (let b = 1; b < 256; b++) {
        const ma = a - 2 ** Math.floor(Math.log2(a));
        const mb = b - 2 ** Math.floor(Math.log2(b));
        if (ilmCore(a, b, 0) + ma * mb !== a * b) throw new Error(`P0(${a},${b}) + mA·mB ≠ ${a * b}`);
        for (let i = 1; i <= 3; i++) {
          const p = ilmCore(a, b, i);
          if (p > a * b || p < ilmCore(a, b, i - 1)) throw new Error(`P${i}(${a},${b}) = ${p} is out of order`);
        }
      }
    }
    expect(ilmCore(255, 255, 3)).toBe(255 * 255 - 225);
  });

  it('gives 0 for a zero operand; range never exceeds the exact one', () => {
    for (const signedMode of ['sign-magnitude', 'ones-complement'] as const) {
      const p = { kind: 'ilm' as const, corrections: 2, signedMode, share: true };
      for (let x = -128; x < 128; x++) {
        expect(ilmUnit.multiply(0, x, p, s8)).toBe(0);
        expect(ilmUnit.multiply(x, 0, p, s8)).toBe(0);
      }
      const r = ilmUnit.productRange(p, s8);
      expect(r.max).toBeLessThanOrEqual(128 * 128);
      expect(r.min).toBeGreaterThanOrEqual(-128 * 128 - 1);
    }
    expect(
      ilmUnit.multiply(-1, 5, { kind: 'ilm', corrections: 1, signedMode: 'ones-complement', share: true }, s8),
    ).toBe(-1);
    expect(
      ilmUnit.productRange({ kind: 'ilm', corrections: 3, signedMode: 'sign-magnitude', share: true }, u8),
    ).toEqual({ min: 0, max: 255 * 255 - 225 });
  });
});

describe('ILM config', () => {
  const written = (m: Record<string, unknown>) => ({
    name: 'it',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits: 8 }, weight: { bits: 8 } },
    multiplier: m,
  });
  it('defaults: 1 correction, sign-magnitude, shared', () => {
    expect(resolveConfig(written(ilm())).multiplier).toEqual({
      kind: 'ilm',
      corrections: 1,
      signedMode: 'sign-magnitude',
      share: true,
    });
  });
  it('rejects corrections outside 0..3 naming the path', () => {
    let msg = '';
    try {
      resolveConfig(written({ kind: 'ilm', corrections: 4 }));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      msg = e.message;
    }
    expect(msg).toMatch(/multiplier\.corrections[\s\S]*0 to 3/);
  });
});

describe('ILM RTL', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('il_a', U(8), U(8), { kind: 'ilm', corrections: 3 }),
    unitVariant('il_b', S(8), S(5), { kind: 'ilm', corrections: 0, signedMode: 'ones-complement', share: false }),
    unitVariant('il_c', S(2), U(3), { kind: 'ilm', corrections: 2, signedMode: 'ones-complement' }),
    unitVariant('il_d', S(16), S(16), { kind: 'ilm', corrections: 1 }),
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s is lint-clean in Verilator, Icarus and Yosys', async (_n, c) => {
    expect(lintProblems(await lintFiles(emitUnit(c), unitTopModule(c)))).toBe('');
  });
  it('with share=true the whole per-operand chain is in the edge modules', () => {
    const f = emitUnit(cases[0]!);
    const pre = f.find((x) => x.module === 'il_a_act_pre')!.text;
    expect(pre).toMatch(/stage 3/);
    expect(f.find((x) => x.module === 'il_a_mul')!.text).not.toMatch(/\? 3'd7 :/);
  });
});
