/**
 * The standalone unit harness itself: it passes a correct unit, it names the variant, operands,
 * expected and actual values of a wrong one, and the standalone `<p>_unit` is lint-clean.
 * (The exhaustive checks of every registered unit are in exhaustive.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitUnit, unitTopModule } from '../../generator/emit/unit.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { checkUnits, describeFailures, unitVariant } from '../../sim/unit-harness.js';

describe('unit harness', () => {
  const good = unitVariant('hx_good', { bits: 4, signed: true }, { bits: 6, signed: false }, { kind: 'exact' });
  const bad = unitVariant('hx_bad', { bits: 5, signed: false }, { bits: 5, signed: true }, { kind: 'exact' });

  it('standalone exact unit is lint-clean', async () => {
    expect(lintProblems(await lintFiles(emitUnit(good), unitTopModule(good)))).toBe('');
  });

  it('reports a fault in one variant by name, operands, expected and actual (Icarus)', async () => {
    // Fault: the product is off by one whenever the weight is odd.
    const files = emitUnit(bad).map((f) =>
      f.module === 'hx_bad_mul'
        ? { ...f, text: f.text.replace(/assign p_o = (.+);/, "assign p_o = $1 + $$signed({9'd0, w_enc_i[0]});") }
        : f,
    );
    expect(files.some((f) => f.text.includes('w_enc_i[0]}'))).toBe(true);
    const r = await checkUnits([good, bad], 'icarus', { rtl: { hx_bad: files } });
    expect(r.passed).toBe(false);
    const [g, b] = r.variants;
    expect(g!.errors).toBe(0);
    expect(g!.checked).toBe(16 * 64);
    expect(b!.name).toBe('hx_bad');
    expect(b!.errors).toBe(32 * 16); // 32 activations × 16 odd weights
    const m = b!.mismatches[0]!;
    expect(Number(m.actual)).toBe(m.expected + 1);
    expect(m.expected).toBe(m.a * m.w + 0);
    expect(describeFailures(r)).toMatch(/hx_bad \(exact\): 512 of 1024 vectors wrong/);
  });

  it('treats an X product as a mismatch', async () => {
    const files = emitUnit(good).map((f) =>
      f.module === 'hx_good_mul'
        ? {
            ...f,
            text: f.text.replace(/assign p_o = (.+);/, "assign p_o = (w_enc_i == 6'd5) ? $$signed({10{1'bx}}) : $1;"),
          }
        : f,
    );
    const r = await checkUnits([good], 'icarus', { rtl: { hx_good: files } });
    expect(r.passed).toBe(false);
    expect(r.variants[0]!.errors).toBe(16);
    expect(r.variants[0]!.mismatches[0]!.actual).toMatch(/x/i);
  });

  describe('a split product (px_o, pc_o) is held to p_o', () => {
    // Mitchell at 4×4 signed, sign-magnitude: p_o negates, so the unit also outputs px_o and pc_o.
    const mit = unitVariant('hx_mit', { bits: 4, signed: true }, { bits: 4, signed: true }, { kind: 'mitchell' });

    it('the standalone unit exposes px_o and pc_o, and a correct one passes with every pair checked', async () => {
      const top = emitUnit(mit).find((f) => f.module === 'hx_mit_unit')!;
      expect(top.text).toMatch(/output wire \[\d+:0\] px_o,/);
      expect(top.text).toMatch(/output wire +pc_o/);
      const r = await checkUnits([mit], 'icarus');
      expect(describeFailures(r)).toBe('');
      expect(r.variants[0]!.checked).toBe(256);
      expect(r.variants[0]!.split).toBe(true);
    });

    it('headers name the unit alone: the pipeline and array features of the config are not in it', () => {
      const piped = resolveConfig(
        {
          name: 'hx_pp',
          array: { rows: 2, cols: 2 },
          precision: { activation: { bits: 4, signed: true }, weight: { bits: 4, signed: true } },
          multiplier: { kind: 'mitchell' },
          zeroSkip: { activation: 0 },
          pipeline: { multiplier: 1, macc: 1 },
        },
        'hx_pp',
      );
      for (const f of emitUnit(piped)) {
        expect([f.name, /pipeline\(/.test(f.text)]).toEqual([f.name, false]);
        expect(f.text).toMatch(/standalone unit: combinational/);
        expect(f.text).not.toMatch(/posedge|clk_i/);
      }
    });

    it('fails when px_o + pc_o differs from p_o though p_o is right (the carry-in dropped)', async () => {
      const files = emitUnit(mit).map((f) =>
        f.module === 'hx_mit_mul' ? { ...f, text: f.text.replace('assign pc_o = neg;', "assign pc_o = 1'b0;") } : f,
      );
      expect(files.some((f) => f.text.includes("assign pc_o = 1'b0;"))).toBe(true);
      const r = await checkUnits([mit], 'icarus', { rtl: { hx_mit: files } });
      expect(r.passed).toBe(false);
      // neg = sign(a) ^ sign(w): 8 negative × 8 non-negative values, both ways round.
      expect(r.variants[0]!.errors).toBe(128);
      const m = r.variants[0]!.mismatches[0]!;
      expect(m.actual).toMatch(/^split_px_[0-9a-f]+_pc_0$/);
      expect(Math.sign(m.a) * Math.sign(m.w)).not.toBe(1);
    });
  });
});
