/**
 * First co-simulation: exact GEMMs through the generated top in Icarus, every output element and
 * every counter compared with the golden model, for both dataflows, signed and unsigned operands,
 * wrap and saturate, with and without stream stalls.
 */
import { describe, expect, it } from 'vitest';
import { cosim } from '../../sim/cosim.js';
import { randomMatrix, rng } from '../../sim/stimulus.js';
import { config, type Shape } from '../helpers/configs.js';

interface Case extends Shape {
  gemm: [number, number, number];
  stall: number;
}

const cases: Case[] = [
  { rows: 3, cols: 4, dataflow: 'weight-stationary', gemm: [9, 10, 7], stall: 0 },
  {
    rows: 3,
    cols: 4,
    dataflow: 'weight-stationary',
    aSigned: false,
    wSigned: false,
    gemm: [20, 7, 9],
    stall: 90,
    accDepth: 8,
  },
  {
    rows: 4,
    cols: 2,
    dataflow: 'weight-stationary',
    aBits: 4,
    wBits: 4,
    overflow: 'saturate',
    accBits: 9,
    gemm: [6, 13, 5],
    stall: 40,
  },
  { rows: 1, cols: 1, dataflow: 'weight-stationary', gemm: [3, 5, 2], stall: 60, accDepth: 1 },
  { rows: 3, cols: 4, dataflow: 'output-stationary', gemm: [7, 11, 9], stall: 0 },
  { rows: 3, cols: 4, dataflow: 'output-stationary', aSigned: false, gemm: [5, 6, 5], stall: 120 },
  {
    rows: 2,
    cols: 3,
    dataflow: 'output-stationary',
    aBits: 16,
    wBits: 16,
    overflow: 'saturate',
    accBits: 33,
    gemm: [4, 9, 3],
    stall: 30,
  },
  { rows: 1, cols: 1, dataflow: 'output-stationary', aBits: 4, wBits: 8, wSigned: false, gemm: [2, 3, 2], stall: 60 },
];

describe('exact GEMM co-simulation in Icarus', () => {
  it.concurrent.each(
    cases.map((c, i) => [`${c.rows}x${c.cols} ${c.dataflow} ${c.gemm.join('x')} stall ${c.stall}`, c, i] as const),
  )('%s', async (_l, cs, i) => {
    const c = config({ ...cs, name: `cosim${i}` });
    const next = rng(1000 + i);
    const [M, K, N] = cs.gemm;
    const A = randomMatrix(M, K, c.precision.activation, next);
    const W = randomMatrix(K, N, c.precision.weight, next);
    const r = await cosim(c, { simulator: 'icarus', A, W, seed: i + 1, stall: cs.stall });
    expect(r.problems).toEqual([]);
    expect(r.mismatches.slice(0, 3)).toEqual([]);
    expect(r.counters).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.results).toBeGreaterThanOrEqual(M);
  });

  it("saturation happens in the hardware's order (column, then fold) and the model agrees", async () => {
    // 4-bit operands into a 9-bit saturating accumulator: large runs of max products overflow.
    const c = config({ rows: 2, cols: 2, aBits: 4, wBits: 4, overflow: 'saturate', accBits: 8, name: 'satorder' });
    const A = [
      [7, 7, 7, -8, -8, -8, 7],
      [-8, -8, -8, -8, 7, 7, 7],
    ];
    const W = [
      [7, -8],
      [7, -8],
      [7, -8],
      [7, 7],
      [7, 7],
      [7, 7],
      [-8, 7],
    ];
    const r = await cosim(c, { simulator: 'icarus', A, W });
    expect(
      r.passed,
      JSON.stringify(r.mismatches.slice(0, 2), (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    ).toBe(true);
  });

  it('reports a wrong expected value as an element-level mismatch (the checker can fail)', async () => {
    const c = config({ rows: 2, cols: 2, name: 'canfail' });
    const A = [
      [1, 2],
      [3, 4],
    ];
    const W = [
      [5, 6],
      [7, 8],
    ];
    const { emitRtl } = await import('../../generator/emit/rtl.js');
    const rtl = emitRtl(c).map((f) =>
      f.module === 'canfail_mul'
        ? { ...f, text: f.text.replace(/assign p_o = (.+);/, "assign p_o = $1 + 16'sd1;") }
        : f,
    );
    const r = await cosim(c, { simulator: 'icarus', A, W, rtl });
    expect(r.passed).toBe(false);
    expect(r.mismatches[0]).toMatchObject({ m: 0, n: 0, expected: 19n, actual: '21', operands: '1*5 + 2*7' });
  });
});
