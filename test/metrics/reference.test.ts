/**
 * Error metrics reproduce every reference figure of docs/units.md (8×8 bits, exhaustive), rounded to
 * the precision the reference gives. A figure that does not reproduce is a misreading of the
 * definition in the model, not a tolerance to widen.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';
import { errorMetrics, type ErrorMetrics } from '../../generator/metrics/metrics.js';
import { cornerValues } from '../../generator/metrics/inputs.js';

function cfg(multiplier: Record<string, unknown>, signed = false, extra: Record<string, unknown> = {}): ResolvedConfig {
  return resolveConfig({
    name: 'mref',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits: 8, signed }, weight: { bits: 8, signed } },
    multiplier,
    ...extra,
  });
}

const fixed = (v: number, digits: number) => v.toFixed(digits);
const m = (mult: Record<string, unknown>, signed = false): ErrorMetrics => errorMetrics(cfg(mult, signed));

describe('Mitchell reference figures (docs/units.md)', () => {
  it('plain, unsigned: MRE 3.79 %, WCRE 11.11 %, MAE 606.4, WCE 4096, EP 93.09 %', () => {
    const r = m({ kind: 'mitchell' });
    expect(r.exhaustive).toBe(true);
    expect(r.seed).toBeNull();
    expect(r.samples).toBe(65536);
    expect(fixed(r.mrePct, 2)).toBe('3.79');
    expect(fixed(r.wcrePct, 2)).toBe('11.11');
    expect(fixed(r.mae, 1)).toBe('606.4');
    expect(r.wce).toBe(4096);
    expect(fixed(r.epPct, 2)).toBe('93.09');
    // Plain Mitchell never overestimates: the bias is −MAE.
    expect(r.bias).toBeCloseTo(-r.mae, 9);
    expect(fixed(r.maePct, 3)).toBe(fixed((100 * 606.4) / 65536, 3));
    expect(r.wcePct).toBeCloseTo((100 * 4096) / 65536, 12);
  });

  it('truncation t=4: MRE 6.62 %', () => {
    expect(fixed(m({ kind: 'mitchell', fractionBits: 4 }).mrePct, 2)).toBe('6.62');
  });

  it('unbias t=4: MRE 3.40 %, WCE 5241, mean signed relative error −2.49 %', () => {
    const r = m({ kind: 'mitchell', fractionBits: 4, unbias: true });
    expect(fixed(r.mrePct, 2)).toBe('3.40');
    expect(r.wce).toBe(5241);
    expect(fixed(r.meanRelPct, 2)).toBe('-2.49');
  });

  it('bias compensation: MRE 2.711 %, WCE 2816, mean signed relative error +0.047 %, bias −606 → −38', () => {
    const r = m({ kind: 'mitchell', compensation: 'bias' });
    expect(fixed(r.mrePct, 3)).toBe('2.711');
    expect(r.wce).toBe(2816);
    expect(fixed(r.meanRelPct, 3)).toBe('0.047');
    expect(Math.round(r.bias)).toBe(-38);
  });

  it('sign-magnitude signed: MRE 3.70 %, WCE 1024, bias 0', () => {
    const r = m({ kind: 'mitchell' }, true);
    expect(fixed(r.mrePct, 2)).toBe('3.70');
    expect(r.wce).toBe(1024);
    expect(r.bias).toBeCloseTo(0, 12);
  });

  it("one's complement signed: MRE 7.72 %, WCE 1217, EP 96.19 %", () => {
    const r = m({ kind: 'mitchell', signedMode: 'ones-complement' }, true);
    expect(fixed(r.mrePct, 2)).toBe('7.72');
    expect(r.wce).toBe(1217);
    expect(fixed(r.epPct, 2)).toBe('96.19');
  });
});

describe('ILM reference figures (docs/units.md)', () => {
  it('WCRE 24.8 %, 6.10 %, 1.48 %, 0.35 % for 0–3 corrections; mean error shrinks about 10× per correction', () => {
    const r = [0, 1, 2, 3].map((i) => m({ kind: 'ilm', corrections: i }));
    expect(r.map((x) => fixed(x.wcrePct, 2))).toEqual(['24.80', '6.10', '1.48', '0.35']);
    for (let i = 1; i < 4; i++) {
      expect(r[i - 1]!.mae / r[i]!.mae).toBeGreaterThan(7);
      expect(r[i - 1]!.mae / r[i]!.mae).toBeLessThan(14);
    }
  });
});

describe('metrics describe what the hardware computes', () => {
  it('exact unit: every error metric is 0', () => {
    const r = m({ kind: 'exact' }, true);
    expect([r.mae, r.wce, r.epPct, r.mrePct, r.wcrePct, r.mse, r.bias, r.meanRelPct]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('applies the host weight mapping (ASM {1,3,5,7} floor-quartet: MRE 2.47 %, WCE 4335)', () => {
    const r = m({ kind: 'asm', alphabet: [1, 3, 5, 7], rounding: 'floor-quartet' });
    expect(fixed(r.mrePct, 2)).toBe('2.47');
    expect(r.wce).toBe(4335);
  });

  it('applies zero-skip: skipping |a| ≤ 2 on an exact unit errs exactly on those pairs', () => {
    const r = errorMetrics(cfg({ kind: 'exact' }, false, { zeroSkip: { activation: 2 } }));
    // a ∈ {1, 2} with w ≠ 0 are wrong: 2·255 pairs; the worst is 2·255.
    expect(r.epPct).toBeCloseTo((100 * 2 * 255) / 65536, 12);
    expect(r.wce).toBe(510);
    expect(r.wcePair).toEqual({ a: 2, w: 255, approx: 0, exact: 510 });
    // The label says the figures include the skipping (not "exact" alone).
    expect(r.unit).toMatch(/^exact, zeroSkip\(activation<=2/);
    // zero thresholds change nothing
    expect(errorMetrics(cfg({ kind: 'mitchell' }, true, { zeroSkip: { activation: 0, weight: 0 } })).mrePct).toBe(
      m({ kind: 'mitchell' }, true).mrePct,
    );
  });

  it('samples above 20 operand bits (means over random pairs, maxima over corners too) and says so, replayably', () => {
    const c = resolveConfig({
      name: 'wide',
      array: { rows: 1, cols: 1 },
      precision: { activation: { bits: 12, signed: true }, weight: { bits: 12, signed: true } },
      multiplier: { kind: 'mitchell' },
    });
    const a = errorMetrics(c, { seed: 7, samples: 20_000 });
    const b = errorMetrics(c, { seed: 7, samples: 20_000 });
    const d = errorMetrics(c, { seed: 8, samples: 20_000 });
    expect(a.exhaustive).toBe(false);
    expect(a.seed).toBe(7);
    // The means are over the random pairs; the corner pairs count for the maxima only.
    expect(a.samples).toBe(20_000);
    expect(a.corners).toBeGreaterThan(3_000);
    expect(b).toEqual(a);
    expect(d.mrePct).not.toBe(a.mrePct);
    // Sampled figures of a 12-bit sign-magnitude Mitchell are close to the 8-bit ones.
    expect(a.mrePct).toBeGreaterThan(3);
    expect(a.mrePct).toBeLessThan(4.5);
    // Few random pairs next to the ~4,000 chosen corners: the means still estimate the operand
    // space (corners in the means gave an MRE of 0.99 % here), within sampling error of 20,000 pairs.
    const few = errorMetrics(c, { seed: 1, samples: 1_000 });
    expect(Math.abs(few.mrePct - a.mrePct)).toBeLessThan(0.5);
    // The corner pairs: every pair of the 63 corner values of a 12-bit signed operand.
    expect(few.corners).toBe(cornerValues({ bits: 12, signed: true }).length ** 2);
    expect(few.corners).toBe(3969);
  });
});
