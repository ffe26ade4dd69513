/**
 * The fast GEMM path is the golden model: fast == gemmModel on random GEMMs for every registered
 * unit (default parameters, signed and unsigned operands, 8 and 9 bits; a unit with fixed operand
 * formats, an imported circuit or binary's packed words, at those, with its first regress set), with and without
 * zero-skip, wrapping and saturating, including accumulators narrow enough to wrap or saturate.
 * Which loop fastGemm takes is checked too: products computed as a·w exactly when the unit's
 * table equals a·w on every pair (exact, alone or with zero-skip of zero operands only), else read
 * from the table; each such case again fast == gemmModel, on activations with many zeros (the
 * rows the loops pass over).
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { fastGemm, fastGemmPath, fromRows } from '../../generator/model/fast-gemm.js';
import { gemmModel, mapWeights } from '../../generator/model/gemm.js';
import { rng } from '../../generator/model/rng.js';
import { operandRange } from '../../generator/units/common.js';
import { samplesOf, units } from '../../generator/units/index.js';
import { config, written } from '../helpers/configs.js';
import { resolveConfig } from '../../generator/config/resolve.js';

const shapes = [
  { aBits: 8, wBits: 8, aSigned: true, wSigned: true },
  { aBits: 8, wBits: 8, aSigned: false, wSigned: true },
  { aBits: 9, wBits: 9, aSigned: true, wSigned: true },
];

function randomMat(r: () => number, rows: number, cols: number, lo: number, hi: number, zeros: number): number[][] {
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => (r() < zeros ? 0 : lo + Math.floor(r() * (hi - lo + 1)))),
  );
}

/**
 * A unit's shapes and parameters: the shapes above with its defaults, or, for a unit with fixed
 * operand formats (`samples.operands`: an imported circuit; binary, whose tiny products need K in the
 * tens of thousands to overflow an 18-bit accumulator), those formats with its first regress set.
 */
function casesOf(u: (typeof units)[number]): { shapes: (typeof shapes)[number][]; params: Record<string, unknown> } {
  const s = samplesOf(u);
  if (!s.operands) return { shapes, params: {} };
  return {
    shapes: s.operands.map((o) => ({
      aBits: o.activation.bits,
      wBits: o.weight.bits,
      aSigned: o.activation.signed,
      wSigned: o.weight.signed,
    })),
    params: s.regress[0] ?? {},
  };
}

/** The product range of a unit (its parameters `multiplier`) on these operands. */
function d0(s: (typeof shapes)[number], multiplier: Record<string, unknown>): { min: number; max: number } {
  const c = resolveConfig(
    written({ rows: 1, cols: 1, maxK: 256, ...s, accBits: 32, overflow: 'saturate', multiplier }),
    'test',
  );
  const d = derive(c);
  return d.unit.productRange(c.multiplier, d.ctx);
}

describe('fastGemm equals gemmModel', () => {
  for (const u of units) {
    const own = casesOf(u);
    const multiplier = { kind: u.kind, ...own.params };
    for (const s of own.shapes) {
      for (const acc of [
        { accBits: 32, overflow: 'wrap' as const },
        { accBits: 18, overflow: 'wrap' as const },
        { accBits: 18, overflow: 'saturate' as const },
      ]) {
        if (s.aBits === 9 && acc.overflow === 'wrap') continue; // keeps the 2^18-pair tables few
        for (const zs of s.aBits === 9 ? [true] : [false, true]) {
          const label = `${u.kind} a${s.aSigned ? 's' : 'u'}${s.aBits} w${s.wSigned ? 's' : 'u'}${s.wBits} acc${acc.accBits} ${acc.overflow}${zs ? ' zero-skip' : ''}`;
          it(label, () => {
            // The config rules refuse a wrapping accumulator that can overflow, so the narrow
            // wrapping case narrows the derived accumulator of a valid config (the models read it there).
            const wrapNarrow = acc.overflow === 'wrap' && acc.accBits < 32;
            // K large enough that an 18-bit accumulator can overflow even for units with small
            // products (ternary: at most |a| per product), so the narrow cases really happen.
            const maxProduct = Math.max(...[d0(s, multiplier)].map((p) => Math.max(Math.abs(p.min), Math.abs(p.max))));
            const K = Math.max(200, Math.ceil((1.5 * 2 ** 17) / maxProduct));
            const w = written({
              rows: 4,
              cols: 4,
              maxK: Math.max(256, K),
              ...s,
              ...(wrapNarrow ? { accBits: 32 } : acc),
              overflow: acc.overflow,
              multiplier,
            });
            if (zs) (w as Record<string, unknown>).zeroSkip = { activation: 2, weight: 1 };
            const c = resolveConfig(w, 'test');
            const d = wrapNarrow ? { ...derive(c), accBits: acc.accBits } : derive(c);
            const r = rng(0xfa57 ^ (label.length * 7919));
            const ar = operandRange(d.ctx.activation);
            const wr = operandRange(d.ctx.weight);
            const M = 5,
              N = 7;
            // extreme operands often, so that narrow accumulators really wrap / saturate
            const A = randomMat(r, M, K, ar.min, ar.max, 0.1).map((row, m) =>
              row.map((v) => (m === 0 ? ar.max : r() < 0.3 ? (r() < 0.5 ? ar.min : ar.max) : v)),
            );
            // Row 0 of A and column 0 of W hold the largest operands: their dot product overflows a narrow
            // accumulator whenever the unit's products (after zero-skip) can reach it.
            const W = mapWeights(
              c,
              d,
              randomMat(r, K, N, wr.min, wr.max, 0.1).map((row) =>
                row.map((v, n) => (n === 0 || r() < 0.3 ? wr.max : v)),
              ),
            );
            const naive = gemmModel(c, d, A, W);
            const fast = fastGemm(c, d, fromRows(A), fromRows(W));
            const fastRows = Array.from({ length: M }, (_, m) =>
              Array.from(fast.subarray(m * N, (m + 1) * N), (v) => BigInt(v)),
            );
            expect(fastRows).toEqual(naive);
            if (acc.accBits === 18) {
              // the narrow accumulator really overflowed somewhere (the case under test happened)
              const lo = -(2 ** 17),
                hi = 2 ** 17 - 1;
              const exact = A.map((row) =>
                Array.from({ length: N }, (_, n) =>
                  row.reduce(
                    (t, a, k) =>
                      t +
                      (zs && (Math.abs(a) <= 2 || Math.abs(W[k]![n]!) <= 1)
                        ? 0
                        : d.unit.multiply(a, W[k]![n]!, c.multiplier, d.ctx)),
                    0,
                  ),
                ),
              );
              // The all-largest row 0 × column 0 overflows unless zero-skip or tiny products make that
              // impossible (ternary with a weight threshold of 1 skips every product); then there is
              // no overflow to test, and the equality above is the whole check.
              const reachable =
                K *
                  Math.abs(d.skip?.(ar.max, W[0]![0]!) ? 0 : d.unit.multiply(ar.max, W[0]![0]!, c.multiplier, d.ctx)) >
                hi;
              if (reachable) expect(exact.flat().some((v) => v < lo || v > hi)).toBe(true);
            }
          });
        }
      }
    }
  }
  it('rejects an operand outside the configured range', () => {
    const c = config({ rows: 2, cols: 2 });
    expect(() => fastGemm(c, derive(c), fromRows([[200]]), fromRows([[1]]))).toThrow(/activation 200 outside/);
  });
  it('checks a cached weight array again under a config with a narrower weight range', () => {
    // Unsigned 9-bit and 8-bit weights share wMin = 0: a cache keyed by wMin alone let 300 through
    // as an offset into the next activation's table row.
    for (const wBits of [12, 9]) {
      const wide = resolveConfig(
        written({ rows: 2, cols: 2, aBits: 8, aSigned: false, wBits, wSigned: false }),
        'test',
      );
      const narrow = resolveConfig(
        written({ rows: 2, cols: 2, aBits: 8, aSigned: false, wBits: 8, wSigned: false }),
        'test',
      );
      const W = fromRows([[300]]);
      const A = fromRows([[3]]);
      expect(Array.from(fastGemm(wide, derive(wide), A, W))).toEqual([900]);
      expect(() => fastGemm(narrow, derive(narrow), A, W)).toThrow(/weight 300 outside/);
    }
  });
});

describe('fastGemm picks its loop by the product table, and each loop equals gemmModel', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, 'wrap' | 'saturate', string][] = [
    ['exact', { kind: 'exact' }, undefined, 'wrap', 'plain'],
    // zero-skip of zero operands skips only zero products: the table is still a·w
    ['exact, zero-skip of zeros', { kind: 'exact' }, { activation: 0, weight: 0 }, 'wrap', 'plain'],
    // skipping |a| ≤ 2 drops nonzero products: not a·w any more
    ['exact, zero-skip |a| ≤ 2', { kind: 'exact' }, { activation: 2 }, 'wrap', 'table-int'],
    ['mitchell', { kind: 'mitchell', fractionBits: 4, unbias: true }, undefined, 'wrap', 'table-int'],
    // an 18-bit saturating accumulator that K products can overflow: clamped after every step
    ['exact, saturating acc18', { kind: 'exact' }, undefined, 'saturate', 'table'],
  ];
  for (const [label, multiplier, zeroSkip, overflow, path] of cases) {
    it(`${label}: ${path}`, () => {
      const narrow = overflow === 'saturate';
      const K = 300;
      const w = written({
        rows: 4,
        cols: 4,
        maxK: 512,
        aBits: 8,
        aSigned: false,
        wBits: 8,
        accBits: narrow ? 18 : 32,
        overflow,
        multiplier,
      });
      if (zeroSkip) (w as Record<string, unknown>).zeroSkip = zeroSkip;
      const c = resolveConfig(w, 'test');
      const d = derive(c);
      expect(fastGemmPath(c, d, K)).toBe(path);
      const r = rng(0x10095 ^ label.length);
      // Half the activations zero (ReLU outputs), a few rows all zero, the rest up to the range's ends.
      const A = randomMat(r, 6, K, 0, 255, 0.5).map((row, m) => (m === 2 ? row.map(() => 0) : row));
      A[0] = A[0]!.map((v) => (v === 0 ? 0 : 255));
      const W = mapWeights(c, d, randomMat(r, K, 9, -128, 127, 0.1));
      W.forEach((row) => (row[0] = 127));
      const naive = gemmModel(c, d, A, W);
      const fast = fastGemm(c, d, fromRows(A), fromRows(W));
      expect(Array.from(fast, (v) => BigInt(v))).toEqual(naive.flat());
      // the narrow case really saturated somewhere
      if (narrow) expect(naive.flat().some((v) => v === BigInt(2 ** 17 - 1))).toBe(true);
    });
  }
});

describe('fastGemm without a product table (operands too wide) equals gemmModel', () => {
  // 12-bit operands: 2^24 pairs, over the table's 2^18, so the unit's model is called per product.
  const cases: [string, Record<string, unknown>, boolean, number, 'wrap' | 'saturate'][] = [
    ['exact acc48 wrap', { kind: 'exact' }, false, 48, 'wrap'],
    ['mitchell zero-skip acc32 saturate', { kind: 'mitchell', fractionBits: 4 }, true, 32, 'saturate'],
    ['exact narrow acc24 wrap', { kind: 'exact' }, false, 24, 'wrap'],
  ];
  for (const [label, multiplier, zs, accBits, overflow] of cases) {
    it(`${label}: per-product`, () => {
      const K = 64;
      // A wrapping accumulator the config rules refuse (it can overflow) is narrowed after derive.
      const wrapNarrow = overflow === 'wrap' && accBits < 48;
      const w = written({
        rows: 4,
        cols: 4,
        maxK: 256,
        aBits: 12,
        wBits: 12,
        accBits: wrapNarrow ? 48 : accBits,
        overflow,
        multiplier,
      });
      if (zs) (w as Record<string, unknown>).zeroSkip = { activation: 2, weight: 1 };
      const c = resolveConfig(w, 'test');
      const d = wrapNarrow ? { ...derive(c), accBits } : derive(c);
      expect(fastGemmPath(c, d, K)).toBe('per-product');
      const r = rng(0x12b ^ label.length);
      const A = randomMat(r, 5, K, -2048, 2047, 0.2);
      A[0] = A[0]!.map(() => 2047);
      const W = mapWeights(c, d, randomMat(r, K, 6, -2048, 2047, 0.2));
      W.forEach((row) => (row[0] = 2047));
      const naive = gemmModel(c, d, A, W);
      expect(Array.from(fastGemm(c, d, fromRows(A), fromRows(W)), (v) => BigInt(v))).toEqual(naive.flat());
      // row 0 × column 0 is 64 · 2047² ≈ 2^28: over a 24-bit accumulator (wrapped), within 32 bits
      if (accBits === 24) expect(naive[0]![0]).not.toBe(BigInt(64 * 2047 * 2047));
    });
  }
});
