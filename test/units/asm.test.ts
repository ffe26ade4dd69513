/**
 * ASM (alphabet set multiplier): the golden model against the reference figures of
 * docs/units.md, the mapping rules, config validation, the standalone unit
 * exhaustively in Icarus and Verilator (all variants in ONE build per simulator), lint, and GEMMs
 * on arrays of ASM PEs in co-simulation.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { emitUnit, unitTopModule } from '../../generator/emit/unit.js';
import {
  asm,
  asmMapWeight,
  asmMultiply,
  floorQuartet,
  magnitudeSupported,
  quartetWidths,
  supportedMagnitudes,
  type AsmParams,
} from '../../generator/units/asm.js';
import type { UnitContext } from '../../generator/units/types.js';
import { cosim } from '../../sim/cosim.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { randomMatrix, rng } from '../../sim/stimulus.js';
import { checkUnits, describeFailures, unitVariant } from '../../sim/unit-harness.js';
import { config, written } from '../helpers/configs.js';

const ctx = (aSigned: boolean, wSigned: boolean, aBits = 8, wBits = 8): UnitContext => ({
  activation: { bits: aBits, signed: aSigned },
  weight: { bits: wBits, signed: wSigned },
});
const U8 = ctx(false, false);
const S8 = ctx(true, true);
const p = (alphabet: number[], rounding: 'nearest' | 'floor-quartet' = 'nearest'): AsmParams =>
  asm({ alphabet: alphabet as never, rounding });

describe('ASM model', () => {
  it('supported 8-bit magnitudes: 25 / 64 / 144 unsigned (largest 136, 204, 238), 21 / 49 / 97 signed', () => {
    const counts = [[1], [1, 3], [1, 3, 5, 7]].map((al) => {
      const u = supportedMagnitudes(al, 8, 255);
      const s = supportedMagnitudes(al, 8, 128);
      return [u.length, u[u.length - 1], s.length];
    });
    expect(counts).toEqual([
      [25, 136, 21],
      [64, 204, 49],
      [144, 238, 97],
    ]);
    expect(supportedMagnitudes([1, 3, 5, 7, 9, 11, 13, 15], 8, 255).length).toBe(256);
  });

  it('quartets from the least significant end, the top one narrower', () => {
    expect(quartetWidths(8)).toEqual([4, 4]);
    expect(quartetWidths(6)).toEqual([4, 2]);
    expect(quartetWidths(9)).toEqual([4, 4, 1]);
    // 6-bit magnitude 0b11_0101 = 53: top quartet 3 (2 bits), low quartet 5.
    expect(magnitudeSupported(53, 6, [1, 3, 5])).toBe(true);
    expect(magnitudeSupported(53, 6, [1, 5])).toBe(false);
    expect(floorQuartet(53, 6, [1, 5])).toBe(0b10_0101);
  });

  it('floor-quartet: 9→8, 11→10, 13→12, 15→14 per quartet for {1,3,5,7}', () => {
    const f = (w: number) => asmMapWeight(w, p([1, 3, 5, 7], 'floor-quartet'), U8);
    expect([9, 11, 13, 15].map(f)).toEqual([8, 10, 12, 14]);
    expect(f(0x9b)).toBe(0x8a);
    expect(f(0xff)).toBe(0xee);
    expect(f(31)).toBe(30);
  });

  it('nearest: over the whole set, ties to the smaller magnitude, carries into the next quartet, clamps above the largest', () => {
    const n = (w: number, al = [1, 3, 5, 7], c = U8) => asmMapWeight(w, p(al, 'nearest'), c);
    expect(n(31)).toBe(30); // 30 and 32 are both 1 away: the smaller wins
    expect(n(0x2f)).toBe(0x2e); // 47: 46 and 48 are both 1 away: the smaller wins
    expect(n(0x8f, [1])).toBe(0x88); // 143: 136 is 7 away, 144 is not a supported 8-bit magnitude
    expect(n(255)).toBe(238);
    expect(n(250, [1])).toBe(136);
    expect(n(0x1f, [1])).toBe(0x20); // 31: 24 is 7 away, 32 is 1 away: carries
    // Every result is supported and no supported magnitude is closer.
    for (const al of [[1], [1, 3], [1, 3, 5, 7]]) {
      const sup = supportedMagnitudes(al, 8, 255);
      for (let w = 0; w < 256; w++) {
        const m = n(w, al);
        expect(sup).toContain(m);
        const best = Math.min(...sup.map((s) => Math.abs(s - w)));
        expect(Math.abs(m - w)).toBe(best);
        if (sup.includes(w)) expect(m).toBe(w);
      }
    }
  });

  it('signed weights are sign-magnitude: map |w|, restore the sign; -128 works; positive stays below 128', () => {
    const n = (w: number, al: number[], r: 'nearest' | 'floor-quartet' = 'nearest') => asmMapWeight(w, p(al, r), S8);
    expect(n(-128, [1])).toBe(-128);
    expect(n(127, [1])).toBe(0x48); // 128 is not a positive 8-bit value: clamp to the largest below 128
    expect(n(-127, [1])).toBe(-128);
    expect(n(-31, [1, 3, 5, 7])).toBe(-30);
    expect(n(-9, [1, 3, 5, 7], 'floor-quartet')).toBe(-8);
    const sup = supportedMagnitudes([1, 3], 8, 128);
    for (let w = -128; w < 128; w++) {
      const m = n(w, [1, 3]);
      expect(Math.sign(m) === Math.sign(w) || m === 0).toBe(true);
      expect(sup).toContain(Math.abs(m));
      expect(m).toBeGreaterThanOrEqual(-128);
      expect(m).toBeLessThanOrEqual(127);
      // Same mapping for both signs, except where only the negative side can reach 128.
      if (w > -128 && w < 0 && m !== -128) expect(m).toBe(-n(-w, [1, 3]));
    }
    expect(asmMultiply(-128, -128, p([1]), S8)).toBe(16384);
    expect(asmMultiply(-5, 0, p([1]), S8)).toBe(0);
    expect(Object.is(asmMultiply(0, -3, p([1, 3]), S8), 0)).toBe(true);
  });

  it('the model is exact on supported weights and floors the quartets of an unsupported one', () => {
    for (const al of [[1], [1, 3], [1, 3, 5, 7]]) {
      for (let w = 0; w < 256; w += 1) {
        const fq = floorQuartet(w, 8, al);
        for (const a of [0, 1, 7, 200, 255]) expect(asmMultiply(a, w, p(al), U8)).toBe(a * fq);
      }
    }
    expect(asmMultiply(-3, -100, p([1, 3, 5, 7, 9, 11, 13, 15]), S8)).toBe(300);
  });

  it('{1,3,5,7} floor-quartet 8-bit unsigned, exhaustive with weights mapped: MRE 2.47 %, WCE 4335', () => {
    const q = p([1, 3, 5, 7], 'floor-quartet');
    let rel = 0;
    let nz = 0;
    let wce = 0;
    for (let w = 0; w < 256; w++) {
      const wm = asmMapWeight(w, q, U8);
      for (let a = 0; a < 256; a++) {
        const e = Math.abs(asmMultiply(a, wm, q, U8) - a * w);
        wce = Math.max(wce, e);
        if (a * w !== 0) {
          rel += e / (a * w);
          nz++;
        }
      }
    }
    expect(wce).toBe(4335);
    expect(((100 * rel) / nz).toFixed(2)).toBe('2.47');
  });

  it('the same figures through the metrics module (axgen metrics)', () => {
    const c = config({
      rows: 1,
      cols: 1,
      aSigned: false,
      wSigned: false,
      multiplier: { kind: 'asm', alphabet: [1, 3, 5, 7], rounding: 'floor-quartet' },
    });
    const m = errorMetrics(c);
    expect(m.exhaustive).toBe(true);
    expect(m.wce).toBe(4335);
    expect(m.mrePct.toFixed(2)).toBe('2.47');
    // The full alphabet is exact.
    const e = errorMetrics(
      config({ rows: 1, cols: 1, multiplier: { kind: 'asm', alphabet: [1, 3, 5, 7, 9, 11, 13, 15] } }),
    );
    expect([e.wce, e.epPct]).toEqual([0, 0]);
  });

  it("product range comes from the unit's own largest product", () => {
    const c = config({ rows: 2, cols: 2, aSigned: false, wSigned: false, multiplier: { kind: 'asm', alphabet: [1] } });
    // 255 * 136 = 34680 needs 16 bits; {1,3,5,7}: 255*238 = 60690, 16 bits; signed {1}: -128*-128 = 16384 -> 16 bits signed.
    expect(emitRtl(c).find((f) => f.module === 't_mul')!.text).toMatch(/output wire \[15:0\] p_o/);
    const c4 = config({
      rows: 2,
      cols: 2,
      aBits: 4,
      wBits: 4,
      aSigned: false,
      wSigned: false,
      multiplier: { kind: 'asm', alphabet: [1] },
    });
    // 4-bit weights, {1}: largest 8, 15*8 = 120 -> 7 bits (exact would need 8).
    expect(emitRtl(c4).find((f) => f.module === 't_mul')!.text).toMatch(/output wire \[6:0\] p_o/);
  });
});

describe('ASM config', () => {
  it('alphabet is sorted in the resolved config, defaults filled', () => {
    const c = resolveConfig(written({ rows: 2, cols: 2, multiplier: { kind: 'asm', alphabet: [7, 1, 3] } }));
    expect(c.multiplier).toEqual({ kind: 'asm', alphabet: [1, 3, 7], rounding: 'nearest', share: true });
  });

  const bad: [string, unknown, RegExp][] = [
    ['even member', [1, 2], /multiplier\.alphabet\[1\]/],
    ['member above 15', [1, 17], /multiplier\.alphabet\[1\]/],
    ['duplicate', [1, 3, 3], /multiplier\.alphabet/],
    ['empty', [], /multiplier\.alphabet/],
    ['without 1', [3, 5], /multiplier\.alphabet.*contains 1/s],
  ];
  it.each(bad)('rejects an alphabet: %s', (_l, alphabet, msg) => {
    let err: unknown;
    try {
      resolveConfig(written({ rows: 2, cols: 2, multiplier: { kind: 'asm', alphabet } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toMatch(msg);
  });

  it('rejects an unknown rounding and a ones-complement mode', () => {
    expect(() => resolveConfig(written({ rows: 2, cols: 2, multiplier: { kind: 'asm', rounding: 'up' } }))).toThrow(
      /multiplier\.rounding/,
    );
    expect(() =>
      resolveConfig(written({ rows: 2, cols: 2, multiplier: { kind: 'asm', signedMode: 'ones-complement' } })),
    ).toThrow(/signedMode/);
  });
});

/** The standalone variants checked exhaustively (8×8 unless noted), one build per simulator. */
function variants() {
  const v: ReturnType<typeof unitVariant>[] = [];
  const alphabets = [[1], [1, 3], [1, 3, 5, 7], [1, 3, 5, 7, 9, 11, 13, 15]];
  let i = 0;
  for (const al of alphabets)
    for (const signed of [false, true])
      for (const share of [true, false]) {
        const rounding = i % 2 === 0 ? 'nearest' : 'floor-quartet';
        v.push(
          unitVariant(
            `asm_v${i++}`,
            { bits: 8, signed },
            { bits: 8, signed },
            { kind: 'asm', alphabet: al, rounding, share },
          ),
        );
      }
  // Mixed signedness and a narrow top quartet (6-bit weight: quartets 4 + 2).
  v.push(
    unitVariant(
      `asm_v${i++}`,
      { bits: 8, signed: true },
      { bits: 8, signed: false },
      { kind: 'asm', alphabet: [1, 3], rounding: 'floor-quartet' },
    ),
  );
  v.push(
    unitVariant(
      `asm_v${i++}`,
      { bits: 8, signed: false },
      { bits: 8, signed: true },
      { kind: 'asm', alphabet: [1, 5, 11], share: false },
    ),
  );
  v.push(
    unitVariant(
      `asm_v${i++}`,
      { bits: 7, signed: true },
      { bits: 6, signed: true },
      { kind: 'asm', alphabet: [1, 3, 13] },
    ),
  );
  return v;
}

describe('ASM standalone unit in simulation (exhaustive, batched)', () => {
  const vs = variants();

  it('every variant is lint-clean in the three tools', async () => {
    const probs = await Promise.all(
      [vs[0]!, vs[3]!, vs[13]!, vs[17]!, vs[18]!].map(async (c) =>
        lintProblems(await lintFiles(emitUnit(c), unitTopModule(c))),
      ),
    );
    expect(probs.join('')).toBe('');
  });

  it('Icarus: all 65,536 pairs per variant, raw weights (the RTL floors unsupported quartets, as the model says)', async () => {
    const r = await checkUnits(vs, 'icarus', { mapWeights: false });
    expect(describeFailures(r)).toBe('');
    expect(r.passed).toBe(true);
    expect(r.variants.every((x) => x.exhaustive && x.checked === x.vectors)).toBe(true);
  });

  it('Verilator: all pairs per variant, raw weights, one build', async () => {
    const r = await checkUnits(vs, 'verilator', { mapWeights: false });
    expect(describeFailures(r)).toBe('');
    expect(r.passed).toBe(true);
  });

  it('a fault in the decode (15 decoded as 12 instead of 14) is caught', async () => {
    const v = vs.find(
      (x) =>
        JSON.stringify((x.multiplier as AsmParams).alphabet) === '[1,3,5,7]' &&
        !x.precision.weight.signed &&
        (x.multiplier as AsmParams).share,
    )!;
    expect(v).toBeDefined();
    const files = emitUnit(v).map((f) =>
      f.module === `${v.name}_act_pre` || !f.text.includes("4'd15: q0_enc")
        ? f
        : { ...f, text: f.text.replace(/4'd15: q0_enc = 6'b\d+;/, "4'd15: q0_enc = 6'b100010;") },
    );
    expect(files.some((f) => f.text.includes("4'd15: q0_enc = 6'b100010;"))).toBe(true);
    const r = await checkUnits([v], 'icarus', { mapWeights: false, rtl: { [v.name]: files } });
    expect(r.passed).toBe(false);
    expect(r.variants[0]!.errors).toBe(255 * 16); // every nonzero activation × the 16 weights with low quartet 15
  });
});

describe('ASM arrays in co-simulation', () => {
  const cases = [
    {
      rows: 3,
      cols: 4,
      dataflow: 'weight-stationary' as const,
      multiplier: { kind: 'asm', alphabet: [1, 3, 5, 7], rounding: 'nearest' },
      gemm: [7, 8, 6],
      stall: 30,
    },
    {
      rows: 3,
      cols: 2,
      dataflow: 'weight-stationary' as const,
      aSigned: false,
      wSigned: false,
      multiplier: { kind: 'asm', alphabet: [1], rounding: 'floor-quartet', share: false },
      gemm: [5, 7, 3],
      stall: 0,
    },
    {
      rows: 2,
      cols: 3,
      dataflow: 'output-stationary' as const,
      multiplier: { kind: 'asm', alphabet: [1, 3], share: true },
      gemm: [3, 9, 5],
      stall: 40,
    },
    {
      rows: 3,
      cols: 3,
      dataflow: 'output-stationary' as const,
      wSigned: false,
      multiplier: { kind: 'asm', alphabet: [1, 3, 5, 7], rounding: 'floor-quartet', share: false },
      gemm: [3, 6, 3],
      stall: 0,
    },
  ];
  it.concurrent.each(
    cases.map((c, i) => [`${c.rows}x${c.cols} ${c.dataflow} ${JSON.stringify(c.multiplier)}`, c, i] as const),
  )('%s (Icarus)', async (_l, cs, i) => {
    const c = config({ ...cs, name: `asm_cos${i}` });
    const next = rng(4000 + i);
    const [M, K, N] = cs.gemm;
    const A = randomMatrix(M, K, c.precision.activation, next);
    const W = randomMatrix(K, N, c.precision.weight, next);
    const r = await cosim(c, { simulator: 'icarus', A, W, seed: i + 7, stall: cs.stall });
    expect(r.problems).toEqual([]);
    expect(r.mismatches.slice(0, 3)).toEqual([]);
    expect(r.counters).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it('emitted ASM arrays are lint-clean', async () => {
    const c = config({ ...cases[0]!, name: 'asm_lint' });
    expect(lintProblems(await lintFiles(emitRtl(c), topModule(c)))).toBe('');
  });
});
