/** The golden model's arithmetic and the cycle model, against plain references. */
import { describe, expect, it } from 'vitest';
import { accumulate, gemmModel } from '../../generator/model/gemm.js';
import { commandCycles, scaleSimCycles } from '../../generator/config/cycles.js';
import { schedule } from '../../generator/model/schedule.js';
import { derive } from '../../generator/config/derive.js';
import { config } from '../helpers/configs.js';

describe('accumulate', () => {
  const s8 = { accBits: 8, accSigned: true, saturate: false };
  it("wraps modulo 2^bits in two's complement", () => {
    expect(accumulate(s8, 127n, 1n)).toBe(-128n);
    expect(accumulate(s8, -128n, -1n)).toBe(127n);
    expect(accumulate({ ...s8, accSigned: false }, 255n, 2n)).toBe(1n);
  });
  it('saturates at the range after every addition', () => {
    const sat = { ...s8, saturate: true };
    expect(accumulate(sat, 120n, 100n)).toBe(127n);
    expect(accumulate(sat, -120n, -100n)).toBe(-128n);
    expect(accumulate({ ...sat, accSigned: false }, 250n, 100n)).toBe(255n);
    // the order matters: saturating after each step differs from saturating the total
    let acc = 0n;
    for (const p of [100n, 100n, -100n]) acc = accumulate(sat, acc, p);
    expect(acc).toBe(27n);
  });
  it('handles 64-bit accumulators exactly', () => {
    const a64 = { accBits: 64, accSigned: true, saturate: true };
    expect(accumulate(a64, (1n << 63n) - 2n, 5n)).toBe((1n << 63n) - 1n);
  });
});

describe('gemmModel', () => {
  it('equals a plain integer GEMM for an exact unit without overflow', () => {
    const c = config({ rows: 2, cols: 2, aBits: 8, wBits: 8 });
    const A = [
      [1, -2, 3],
      [-128, 127, 0],
    ];
    const W = [
      [5, -6],
      [7, 8],
      [-128, 1],
    ];
    const Y = gemmModel(c, derive(c), A, W);
    expect(Y).toEqual([
      [1 * 5 - 2 * 7 + 3 * -128, -6 - 16 + 3].map(BigInt),
      [-128 * 5 + 127 * 7, 768 + 1016].map(BigInt),
    ]);
  });
});

describe('cycle model', () => {
  it('weight-stationary: folds back to back, F·M + R + C + 1 alone when M >= max(R + 1, C)', () => {
    const s = { rows: 4, cols: 3, dataflow: 'weight-stationary' as const };
    expect(commandCycles(s, 10, 4)).toBe(1 * 10 + 4 + 3 + 1);
    expect(commandCycles(s, 10, 9)).toBe(3 * 10 + 4 + 3 + 1);
    // SCALE-Sim v2 counts the preload and the fill in every fold
    expect(scaleSimCycles(s, 10, 9)).toBe(3 * (8 + 3 + 10 - 2));
    expect(commandCycles(s, 10, 9)).toBeLessThan(scaleSimCycles(s, 10, 9));
    // A PE pipeline of S stages adds S once, not per fold
    expect(commandCycles({ ...s, peStages: 2 }, 10, 9)).toBe(commandCycles(s, 10, 9) + 2);
  });
  it("output-stationary: alone, SCALE-Sim's R + C + K - 2 plus the registered edge and M drain cycles", () => {
    const s = { rows: 4, cols: 3, dataflow: 'output-stationary' as const };
    expect(commandCycles(s, 4, 20)).toBe(20 + 4 + 3 - 2 + 1 + 4);
    expect(scaleSimCycles(s, 4, 20)).toBe(4 + 3 + 20 - 2);
  });
});

describe('schedule', () => {
  it('tiles M and N, pads with zeros and keeps every element exactly once', () => {
    const c = config({ rows: 2, cols: 3, accDepth: 4 });
    const d = derive(c);
    const A = Array.from({ length: 5 }, (_, m) => Array.from({ length: 3 }, (_, k) => m + k));
    const W = Array.from({ length: 3 }, (_, k) => Array.from({ length: 4 }, (_, n) => k - n));
    const s = schedule(c, d, A, W);
    expect(s.commands.map((x) => [x.m0, x.mLen, x.n0, x.nLen])).toEqual([
      [0, 4, 0, 3],
      [0, 4, 3, 1],
      [4, 1, 0, 3],
      [4, 1, 3, 1],
    ]);
    // 2 folds of K=3 on 2 rows: 4 weight beats and 2*mLen activation beats per command
    expect(s.wBeats).toHaveLength(4 * 4);
    expect(s.aBeats).toHaveLength(2 * (4 + 4 + 1 + 1));
    const seen = s.yRefs.flatMap((r) => r.lanes.filter((l) => l !== null).map((l) => `${l!.m},${l!.n}`));
    expect(new Set(seen).size).toBe(20);
    expect(seen).toHaveLength(20);
    expect(s.commands[1]!.macs).toBe(4 * 3 * 1);
  });
});
