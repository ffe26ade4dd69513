/**
 * Binary XNOR-popcount: the golden model against the algebraic identity it implements, Σ(±1·±1)
 * over the unpacked lanes (every pair at 8 lanes), the Hamming form for full words, the host
 * packing of a ±1 GEMM (K not a multiple of L) against the plain ±1 matrix product, the counters
 * (binary MACs), the metrics, the rules, the emitted RTL, and GEMMs on arrays of both dataflows in
 * Icarus and (output-stationary) Verilator. (RTL vs model on every pair at 8, 4 and 2 lanes in both
 * simulators: test/units/exhaustive.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { rng } from '../../generator/metrics/inputs.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import { gemmModel } from '../../generator/model/gemm.js';
import { schedule } from '../../generator/model/schedule.js';
import { binary, binaryUnit, binaryWeightBits, packBinaryGemm } from '../../generator/units/binary.js';
import type { UnitContext } from '../../generator/units/types.js';
import { cosim } from '../../sim/cosim.js';
import { expectCosimPassed } from '../helpers/cosim.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { checkUnits, describeFailures, unitVariant } from '../../sim/unit-harness.js';
import { describeSweepAxes, itLintsClean } from '../helpers/units.js';

const U = (bits: number) => ({ bits, signed: false });
const ctxOf = (L: number): UnitContext => ({ activation: U(L), weight: U(binaryWeightBits(L)) });
const B = { kind: 'binary' as const, popcount: 'logic' as const };
const precisionOf = (L: number) => ({ activation: U(L), weight: U(binaryWeightBits(L)) });

/** Independent definition, straight from the ±1 vectors: Σ_{i<n} a_i·w_i, lane i = bit i (1 → +1). */
function dot(a: number, w: number, L: number): number {
  const lanes = w % 2 ** L;
  const n = Math.min(L, Math.floor(w / 2 ** L));
  let s = 0;
  for (let i = 0; i < n; i++) s += ((a >> i) & 1 ? 1 : -1) * ((lanes >> i) & 1 ? 1 : -1);
  return s;
}
const plainGemm = (A: number[][], W: number[][]) =>
  A.map((row) => W[0]!.map((_, n) => row.reduce((s, a, k) => s + a * W[k]![n]!, 0)));
const pm1 = (r: number, c: number, next: () => number) =>
  Array.from({ length: r }, () => Array.from({ length: c }, () => (next() < 0.5 ? -1 : 1)));

describe('binary golden model', () => {
  it('equals Σ(±1·±1) over the unpacked lanes on every pair at 8 lanes (2^20) and 3 lanes', () => {
    for (const L of [8, 3]) {
      const c = ctxOf(L);
      for (let a = 0; a < 2 ** L; a++)
        for (let w = 0; w < 2 ** binaryWeightBits(L); w++) {
          const got = binaryUnit.multiply(a, w, B, c);
          if (got !== dot(a, w, L)) throw new Error(`L=${L} a=${a} w=${w}: ${got} vs ${dot(a, w, L)}`);
        }
    }
  });

  it('full words: L − 2·Hamming(a, w); an all-zero weight word gives 0 for every activation', () => {
    const c = ctxOf(8);
    const full = 8 * 256;
    expect(binaryUnit.multiply(0b10110010, full + 0b10110010, B, c)).toBe(8);
    expect(binaryUnit.multiply(0b10110010, full + 0b01001101, B, c)).toBe(-8);
    expect(binaryUnit.multiply(0b11110000, full + 0b11111111, B, c)).toBe(8 - 2 * 4);
    // n above L counts as L
    expect(binaryUnit.multiply(0b1, 15 * 256 + 0b1, B, c)).toBe(binaryUnit.multiply(0b1, full + 0b1, B, c));
    for (let a = 0; a < 256; a++) expect(binaryUnit.multiply(a, 0, B, c)).toBe(0);
    expect(binaryUnit.productRange(B, c)).toEqual({ min: -8, max: 8 });
  });

  it('packs a ±1 GEMM with K not a multiple of L; the words through the unit give the plain product', () => {
    const next = rng(7);
    for (const [L, K] of [
      [8, 21],
      [4, 4],
      [12, 13],
      [2, 1],
    ] as const) {
      const A = pm1(3, K, next);
      const W = pm1(K, 5, next);
      const p = packBinaryGemm(A, W, L);
      expect(p.A[0]!.length).toBe(Math.ceil(K / L));
      expect(p.W.length).toBe(Math.ceil(K / L));
      const c = ctxOf(L);
      const Y = p.A.map((row) =>
        p.W[0]!.map((_, n) => row.reduce((s, a, j) => s + binaryUnit.multiply(a, p.W[j]![n]!, B, c), 0)),
      );
      expect(Y).toEqual(plainGemm(A, W));
    }
    expect(() => packBinaryGemm([[0]], [[1]], 8)).toThrow(/A\[0\]\[0\] = 0/);
  });
});

describe('binary config, counters and metrics', () => {
  const written = (precision: object, extra: object = {}) => ({
    name: 'bn',
    array: { rows: 3, cols: 4, maxK: 16 },
    precision,
    multiplier: binary(),
    ...extra,
  });
  it('resolves L-lane operands; the product is 5-bit signed at 8 lanes', () => {
    const c = resolveConfig(written(precisionOf(8)));
    expect(c.multiplier).toEqual({ kind: 'binary', popcount: 'logic' });
    expect(derive(c).product).toMatchObject({ bits: 5, signed: true });
    expect(derive(c).macsPerProduct).toBe(8);
  });
  it('refuses signed operands and a weight width other than L + ceil(log2(L+1)), naming the path', () => {
    for (const [prec, re] of [
      [{ activation: { bits: 8, signed: true }, weight: U(12) }, /precision\.activation\.signed/],
      [{ activation: U(8), weight: { bits: 12, signed: true } }, /precision\.weight\.signed/],
      [{ activation: U(8), weight: U(8) }, /precision\.weight\.bits[\s\S]*12 with multiplier\.kind "binary"[\s\S]*8/],
      [{ activation: U(17), weight: U(21) }, /precision\.activation\.bits[\s\S]*at most 16 lanes/],
      [{ activation: U(16), weight: U(22) }, /precision\.weight\.bits[\s\S]*from 2 to 21[\s\S]*22/],
    ] as const) {
      let msg = '';
      try {
        resolveConfig(written(prec));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        msg = e.message;
      }
      expect(msg).toMatch(re);
    }
  });
  it('operands above 16 bits are only for binary: other units refuse them, naming the path, before anything reads them', () => {
    expect(() =>
      resolveConfig({ ...written({ activation: U(17), weight: U(8) }), multiplier: { kind: 'exact' } }),
    ).toThrow(/precision\.activation\.bits[\s\S]*at most 16 with multiplier\.kind "exact"[\s\S]*17/);
    expect(derive(resolveConfig(written(precisionOf(16)))).product).toMatchObject({ bits: 6, signed: true });
  });
  it('the MAC counter counts binary MACs: L per PE product, the counter wide enough', () => {
    const c = resolveConfig(written(precisionOf(8)));
    const d = derive(c);
    const next = rng(3);
    const p = packBinaryGemm(pm1(5, 21, next), pm1(21, 6, next), 8);
    const s = schedule(c, d, p.A, p.W);
    // Weight-stationary (the default): N = 6 takes two commands of 4 and 2 columns, K = 3 words.
    expect(s.commands.map((x) => x.macs)).toEqual([5 * 3 * 4 * 8, 5 * 3 * 2 * 8]);
    expect(2 ** d.macBits).toBeGreaterThan(d.maxM * d.maxK * d.maxN * 8);
    expect(s.Y.map((r) => r.map(Number))).toEqual(gemmModel(c, d, p.A, p.W).map((r) => r.map(Number)));
  });
  it("metrics: the unit is exact against its own definition (e = 0 on every pair); accuracy is the network's", () => {
    const m = errorMetrics(resolveConfig(written(precisionOf(8))));
    expect(m.exhaustive).toBe(true);
    expect(m.samples).toBe(2 ** 20);
    expect([m.mae, m.wce, m.epPct, m.mrePct]).toEqual([0, 0, 0, 0]);
  });
});

describe('binary RTL', () => {
  const cases = [
    unitVariant('bn_a', U(8), U(12), B),
    unitVariant('bn_b', U(2), U(4), B),
    unitVariant('bn_c', U(16), U(21), B),
    unitVariant('bn_d', U(8), U(12), { kind: 'binary', popcount: 'carry-chain' }),
  ];
  itLintsClean(cases);
  it('16 lanes (37 operand bits): corners and 20,000 seeded pairs in Icarus', async () => {
    const r = await checkUnits([cases[2]!], 'icarus');
    expect(describeFailures(r)).toBe('');
    expect(r.passed).toBe(true);
    expect(r.variants[0]!.exhaustive).toBe(false);
    expect(r.variants[0]!.checked).toBeGreaterThan(20_000);
  }, 120_000);
  it('the PE is an XNOR, a mask and a popcount: no multiplier; the weight edge decodes the mask', () => {
    const f = emitUnit(cases[0]!);
    const mul = f.find((x) => x.module === 'bn_a_mul')!.text;
    expect(mul.replace(/\/\/.*$/gm, '')).not.toMatch(/\*/);
    expect(mul).toMatch(/~\(a_enc_i \^ w_enc_i\[7:0\]\) & w_enc_i\[15:8\]/);
    expect(mul).toMatch(/input +wire \[19:0\] +w_enc_i/);
    const wgt = f.find((x) => x.module === 'bn_a_wgt_pre')!.text;
    expect(wgt).toMatch(/assign mask\[7\] = \(n > 4'd7\);/);
  });
  it("with popcount: 'carry-chain' the popcount is one sum of `+` over the lanes, no gates", () => {
    const mul = emitUnit(cases[3]!).find((x) => x.module === 'bn_d_mul')!.text;
    expect(mul).toMatch(/wire \[3:0\] +pc += \{3'd0, x\[0\]\} \+ \{3'd0, x\[1\]\}( \+ \{3'd0, x\[\d\]\}){6};/);
    expect(mul).not.toMatch(/pc_s\d/);
    expect(mul).toContain('(popcount: carry-chain)');
  });
});

describe('binary target hints (axgen synth --target, axgen fpga)', () => {
  it('suggests the carry-chain popcount on Xilinx and the logic popcount on iCE40, only where the other form is set', async () => {
    const { targetHintsOf } = await import('../../generator/units/index.js');
    const chain = { ...B, popcount: 'carry-chain' as const };
    expect(targetHintsOf(B, 'xilinx')).toEqual([
      expect.stringMatching(/^multiplier\.popcount: 'carry-chain' .*33 against 42 LUT6/),
    ]);
    expect(targetHintsOf(chain, 'ice40')).toEqual([
      expect.stringMatching(/^multiplier\.popcount: 'logic' .*87\.2 against 82\.5 MHz/),
    ]);
    expect(targetHintsOf(B, 'ice40')).toEqual([]);
    expect(targetHintsOf(chain, 'xilinx')).toEqual([]);
  });
});

describe('binary arrays: packed ±1 GEMMs on 3×4 arrays of both dataflows, element by element and counters', () => {
  const flows = [
    { name: 'bn_ws', dataflow: 'weight-stationary' },
    { name: 'bn_os', dataflow: 'output-stationary' },
  ] as const;
  const cfg = (f: (typeof flows)[number]) =>
    resolveConfig({
      name: f.name,
      array: { rows: 3, cols: 4, maxK: 16, accDepth: 8 },
      dataflow: f.dataflow,
      precision: precisionOf(8),
      multiplier: B,
    });
  const run = async (f: (typeof flows)[number], simulator: 'icarus' | 'verilator', seed: number) => {
    const next = rng(seed);
    const M = f.dataflow === 'weight-stationary' ? 5 : 3;
    // K = 37 binary elements: 5 words, the last with 5 valid lanes; 5 words over 3 rows and N = 6
    // over 4 columns pad on both edges.
    const A = pm1(M, 37, next);
    const W = pm1(37, 6, next);
    const p = packBinaryGemm(A, W, 8);
    const c = cfg(f);
    expect(gemmModel(c, derive(c), p.A, p.W).map((r) => r.map(Number))).toEqual(plainGemm(A, W));
    // A second GEMM of raw words: any {n, lanes} word, n above 8 included.
    const raw = (r: number, k: number, max: number) =>
      Array.from({ length: r }, () => Array.from({ length: k }, () => Math.floor(next() * max)));
    return cosim(c, {
      simulator,
      cases: [
        { name: 'packed', A: p.A, W: p.W },
        { name: 'raw', A: raw(M, 7, 256), W: raw(7, 5, 4096) },
      ],
      seed,
      stall: 40,
    });
  };
  it('the output-stationary array is lint-clean', async () => {
    expect(lintProblems(await lintFiles(emitRtl(cfg(flows[1])), topModule(cfg(flows[1]))))).toBe('');
  });
  it.each(flows.map((f, i) => [f.name, f, i] as const))('icarus %s', async (_n, f, i) => {
    const r = await run(f, 'icarus', 600 + i);
    expectCosimPassed(r);
  });
  it('verilator bn_os', async () => {
    const r = await run(flows[1], 'verilator', 610);
    expectCosimPassed(r);
  });
  // The skipped-product counters (weight-stationary: the per-row column beside the array) count L
  // binary MACs per skipped product, as cnt_macs_o does; the schedule predicts them (macsPerProduct).
  it.each(flows.map((f, i) => [f.name, f, i] as const))(
    'icarus %s with zero-skip: skipped products counted as L binary MACs each',
    async (_n, f, i) => {
      const c = resolveConfig({
        name: `${f.name}_zs`,
        array: { rows: 3, cols: 4, maxK: 16, accDepth: 8 },
        dataflow: f.dataflow,
        precision: precisionOf(8),
        multiplier: B,
        zeroSkip: { activation: 0, weight: 0 },
      });
      const next = rng(620 + i);
      const M = f.dataflow === 'weight-stationary' ? 5 : 3;
      // Raw words, a third of them zero (all-(−1) activations, n = 0 weights): both sides skip.
      const raw = (r: number, k: number, max: number) =>
        Array.from({ length: r }, () =>
          Array.from({ length: k }, () => (next() < 0.33 ? 0 : Math.floor(next() * max))),
        );
      const A = raw(M, 7, 256);
      const W = raw(7, 6, 4096);
      const s = schedule(c, derive(c), A, W);
      const skipped = s.commands.reduce((x, k) => x + k.skipped, 0);
      expect(skipped).toBeGreaterThan(0);
      expect(skipped % 8).toBe(0);
      const r = await cosim(c, { simulator: 'icarus', A, W, seed: 620 + i, stall: 40 });
      expectCosimPassed(r);
      // The counters the checker compares (sim/vectors.ts: cycles, MACs, skipped per command) scale by 8.
      const top = emitRtl(c).find((x) => x.module === topModule(c))!.text;
      expect(top).toMatch(f.dataflow === 'weight-stationary' ? /sk_add += .* \* \d+'d8\)/ : /skip_inc_q\} \* \d+'d8\)/);
    },
  );
});

// L is the operand width: a sweep over lane counts sweeps the whole precision (activation and weight together).
describeSweepAxes(
  'binary',
  {
    precision: [precisionOf(4), precisionOf(8)],
    'array.rows': [1, 2],
    'multiplier.popcount': ['logic', 'carry-chain'],
  },
  { 'multiplier.lanes': [8], 'multiplier.popcount': ['adders'] },
);
