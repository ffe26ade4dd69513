/**
 * The requantizing output stage's golden model (model/requant.ts requantFixed through
 * applyOutputStage, the function the co-simulation compares the RTL with): rounding ties of both
 * signs, shift 0 and the largest shift, saturation, ReLU at the zero point, the bias add in the
 * accumulator's own format, and the parameter-beat layout.
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import {
  applyOutputStage,
  checkStageParams,
  paramBeatOf,
  ROUNDING_RULE,
  type StageParams,
} from '../../generator/model/requant.js';
import { MULT_BITS, packParamBeat, paramBeatBits } from '../../generator/units/output-stage.js';
import { written } from '../helpers/configs.js';
import { applyOutputStageFast } from '../../generator/model/fast-gemm.js';

const cfg = (out: { bits?: number; signed?: boolean }, acc?: { bits: number; overflow: 'wrap' | 'saturate' }) =>
  derive(
    resolveConfig(
      {
        ...written({ name: 'st', rows: 2, cols: 2, maxK: 4, accBits: acc?.bits, overflow: acc?.overflow }),
        outputStage: out,
      },
      'test',
    ),
  );

/** One element through the stage: acc with bias b, multiplier m, shift s, zero point z, relu r. */
function one(d: ReturnType<typeof cfg>, acc: bigint, p: { b?: number; m: number; s: number; z?: number; r?: boolean }) {
  const st: StageParams = {
    bias: [p.b ?? 0],
    scales: [{ multiplier: p.m, shift: p.s }],
    zeroPoint: p.z ?? 0,
    relu: p.r ?? false,
  };
  return Number(applyOutputStage(d, [[acc]], st)[0]![0]!);
}

describe('output stage model', () => {
  const d8 = cfg({ bits: 8, signed: true }, { bits: 32, overflow: 'wrap' });

  // ROUNDING_RULE is OUTPUT_ROUNDING by definition (model/requant.ts), so comparing the two could not
  // fail; the next test checks the model does what the name says, test/sim/output-stage.test.ts the RTL.
  it('names its rounding rule', () => {
    expect(ROUNDING_RULE).toBe('round-half-away-from-zero');
  });

  it('rounds ties away from zero on both signs, and other fractions to nearest', () => {
    // s·1/2: ±1.5 → ±2, ±0.5 → ±1, ±2.5 → ±3 (half to even would give ±2, 0, ±2).
    expect([3n, -3n, 1n, -1n, 5n, -5n].map((a) => one(d8, a, { m: 1, s: 1 }))).toEqual([2, -2, 1, -1, 3, -3]);
    // s·3/4: 2 → 1.5 → 2; -2 → -2; 1 → 0.75 → 1; -1 → -1; 3 → 2.25 → 2; -3 → -2.
    expect([2n, -2n, 1n, -1n, 3n, -3n].map((a) => one(d8, a, { m: 3, s: 2 }))).toEqual([2, -2, 1, -1, 2, -2]);
  });

  it('shift 0 multiplies, the largest shift leaves only the zero point', () => {
    expect(one(d8, 5n, { m: 7, s: 0 })).toBe(35);
    expect(one(d8, -5n, { m: 7, s: 0 })).toBe(-35);
    expect(one(d8, 2n ** 31n - 1n, { m: 2 ** MULT_BITS - 1, s: 127, z: 3 })).toBe(3);
    expect(one(d8, -(2n ** 31n), { m: 2 ** MULT_BITS - 1, s: 127, z: -3 })).toBe(-3);
    // Shift 62 with the largest product: |s|·m ≈ 2^62 → 1 (just under 2^62 rounds to 1).
    expect(one(d8, -(2n ** 31n), { m: 2 ** 31 - 1, s: 62 })).toBe(-1);
  });

  it('saturates to the output width, signed and unsigned, any width 2..16', () => {
    expect(one(d8, 1000n, { m: 1, s: 0 })).toBe(127);
    expect(one(d8, -1000n, { m: 1, s: 0 })).toBe(-128);
    const u8 = cfg({ bits: 8, signed: false });
    expect(one(u8, 1000n, { m: 1, s: 0 })).toBe(255);
    expect(one(u8, -3n, { m: 1, s: 0, z: 2 })).toBe(0);
    const s2 = cfg({ bits: 2, signed: true });
    expect([5n, -5n, 1n].map((a) => one(s2, a, { m: 1, s: 0 }))).toEqual([1, -2, 1]);
    const u16 = cfg({ bits: 16, signed: false });
    expect(one(u16, 70000n, { m: 1, s: 0 })).toBe(65535);
  });

  it('adds the zero point and clamps at it with ReLU', () => {
    expect(one(d8, -40n, { m: 1, s: 0, z: -5 })).toBe(-45);
    expect(one(d8, -40n, { m: 1, s: 0, z: -5, r: true })).toBe(-5);
    expect(one(d8, 40n, { m: 1, s: 0, z: -5, r: true })).toBe(35);
    const u8 = cfg({ bits: 8, signed: false });
    expect(one(u8, -4n, { m: 1, s: 0, z: 128, r: true })).toBe(128);
    expect(one(u8, -4n, { m: 1, s: 0, z: 128 })).toBe(124);
  });

  it("adds the bias in the accumulator's format: wrapping or saturating", () => {
    const wrap = cfg({ bits: 16, signed: true }, { bits: 18, overflow: 'wrap' });
    const sat = cfg({ bits: 16, signed: true }, { bits: 18, overflow: 'saturate' });
    const top = 2n ** 17n - 1n;
    // acc + bias at the accumulator's top, scaled by 1/4: wrapped to the bottom or held at the top.
    expect(one(wrap, top, { b: 1, m: 1, s: 2 })).toBe(-32768);
    expect(one(sat, top, { b: 1, m: 1, s: 2 })).toBe(32768 - 1);
    expect(one(wrap, -top - 1n, { b: -1, m: 1, s: 2 })).toBe(32767);
    expect(one(sat, -top - 1n, { b: -1, m: 1, s: 2 })).toBe(-32768);
  });

  it('the fast path equals the BigInt path', () => {
    const st: StageParams = {
      bias: [5, -7, 100],
      scales: [
        { multiplier: 1 << 30, shift: 33 },
        { multiplier: 1234567, shift: 20 },
        { multiplier: 3, shift: 1 },
      ],
      zeroPoint: -3,
      relu: true,
    };
    const Y = [
      [-1000n, 77n, 3n],
      [999n, -5n, -4n],
    ];
    const fast = applyOutputStageFast(d8, Float64Array.from(Y.flat(), Number), 3, st);
    expect(Array.from(fast)).toEqual(applyOutputStage(d8, Y, st).flat().map(Number));
  });

  it('refuses parameters the beat cannot carry, naming the field and channel', () => {
    const ok: StageParams = {
      bias: [0, 0],
      scales: [
        { multiplier: 1, shift: 0 },
        { multiplier: 1, shift: 0 },
      ],
      zeroPoint: 0,
      relu: false,
    };
    expect(() => checkStageParams(d8, ok, 2, { bits: 8, signed: true })).not.toThrow();
    const bad = (p: Partial<StageParams>) => () => checkStageParams(d8, { ...ok, ...p }, 2, { bits: 8, signed: true });
    expect(
      bad({
        scales: [
          { multiplier: 2 ** 31, shift: 0 },
          { multiplier: 1, shift: 0 },
        ],
      }),
    ).toThrow(/multiplier of channel 0/);
    expect(
      bad({
        scales: [
          { multiplier: 1, shift: 0 },
          { multiplier: 1, shift: 128 },
        ],
      }),
    ).toThrow(/shift of channel 1/);
    expect(bad({ zeroPoint: 128 })).toThrow(/zero point must lie in -128\.\.127/);
    expect(bad({ bias: [0, 2 ** 40] })).toThrow(/bias of channel 1/);
  });

  it('packs a parameter beat lane by lane: bias, multiplier, shift, then zero point and relu', () => {
    const st: StageParams = {
      bias: [-1, 2],
      scales: [
        { multiplier: 5, shift: 3 },
        { multiplier: 6, shift: 4 },
      ],
      zeroPoint: -2,
      relu: true,
    };
    const acc = d8.accBits;
    const lane = acc + 31 + 7;
    const word = packParamBeat(paramBeatOf(st, 1, 1, 2), acc, 2, 8);
    const field = (at: number, bits: number) => (word >> BigInt(at)) & ((1n << BigInt(bits)) - 1n);
    expect(field(0, acc)).toBe(2n);
    expect(field(acc, 31)).toBe(6n);
    expect(field(acc + 31, 7)).toBe(4n);
    expect(field(lane, lane)).toBe(0n); // lane 1 past the command's N: zeros
    expect(field(2 * lane, 8)).toBe(0xfen);
    expect(field(2 * lane + 8, 1)).toBe(1n);
    expect(word >> BigInt(paramBeatBits(acc, 2, 8))).toBe(0n);
  });
});
