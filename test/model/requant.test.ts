/**
 * The fixed-point output stage (round half away from zero of acc·m/2^shift) against its
 * definition, and how often it differs from ONNX's fp32 rule on the example networks' real layers.
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { infer } from '../../generator/inference/run.js';
import {
  quantizeScale,
  requantFixed,
  roundHalfEven,
  roundedScale,
  outRange,
  requantFloat,
} from '../../generator/model/requant.js';
import { rng } from '../../generator/model/rng.js';
import { importModel } from '../../generator/onnx/import.js';
import { readModel } from '../../generator/onnx/read.js';
import { fashionImages, imageTensor, patternImage } from '../../scripts/make-example-models.js';
import { written } from '../helpers/configs.js';

const acc32 = { accBits: 32, accSigned: true, saturate: false };

describe('fixed-point requantization', () => {
  it('quantizeScale: a 31-bit multiplier in [2^30, 2^31) within 2^-31 relative error', () => {
    expect(quantizeScale(0.5)).toEqual({ multiplier: 2 ** 30, shift: 31 });
    expect(quantizeScale(1)).toEqual({ multiplier: 2 ** 30, shift: 30 });
    expect(quantizeScale(0)).toEqual({ multiplier: 0, shift: 0 });
    const r = rng(7);
    for (let i = 0; i < 1000; i++) {
      const s = 2 ** (-20 + r() * 22);
      const q = quantizeScale(s);
      expect(q.multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(q.multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs(q.multiplier / 2 ** q.shift - s) / s).toBeLessThanOrEqual(2 ** -31);
    }
    expect(() => quantizeScale(-1)).toThrow(RangeError);
    expect(() => quantizeScale(2 ** 40)).toThrow(RangeError);
  });
  it('rounds half away from zero (ties differ from round half to even)', () => {
    const half = { multiplier: 2 ** 30, shift: 31 }; // × 0.5
    expect([5n, 3n, -3n, -5n, 4n].map((v) => roundedScale(v, half))).toEqual([3n, 2n, -2n, -3n, 2n]);
    expect([2.5, 1.5, -2.5, -1.5].map(roundHalfEven)).toEqual([2, 2, -2, -2]);
    // exact for accumulators whose product with the multiplier exceeds 2^53
    expect(roundedScale(2n ** 31n - 1n, { multiplier: 2 ** 31 - 1, shift: 40 })).toBe(
      ((2n ** 31n - 1n) ** 2n + 2n ** 39n) >> 40n,
    );
  });
  it('adds the bias in the accumulator format, clamps ReLU at the zero point, saturates to the output width', () => {
    const st = {
      bias: [10],
      scales: [{ multiplier: 2 ** 30, shift: 30 }],
      zeroPoint: 3,
      relu: false,
      out: { bits: 4, signed: true },
    };
    expect(requantFixed(2n, 0, st, acc32)).toBe(7); // (2 + 10)·1 + 3 = 15 → 7
    expect(requantFixed(-20n, 0, st, acc32)).toBe(-7);
    expect(requantFixed(-20n, 0, { ...st, relu: true }, acc32)).toBe(3);
    // a saturating 8-bit accumulator clamps acc + bias before scaling
    expect(
      requantFixed(
        120n,
        0,
        { ...st, out: { bits: 16, signed: true } },
        { accBits: 8, accSigned: true, saturate: true },
      ),
    ).toBe(127 + 3);
    // a wrapping one wraps it
    expect(
      requantFixed(
        120n,
        0,
        { ...st, out: { bits: 16, signed: true } },
        { accBits: 8, accSigned: true, saturate: false },
      ),
    ).toBe(-126 + 3);
    expect(() => outRange({ bits: 1, signed: true })).toThrow(RangeError);
    expect(() => outRange({ bits: 17, signed: false })).toThrow(RangeError);
    expect(outRange({ bits: 16, signed: false })).toEqual({ min: 0, max: 65535 });
    expect(requantFloat(5, 0.5, 0, false, { bits: 8, signed: true })).toBe(2); // half to even
  });
  it("differs from ONNX's fp32 rule rarely and by one step on the example CNN and MLP (measured)", () => {
    const c = resolveConfig(written({ rows: 8, cols: 8, aBits: 8, aSigned: false, maxK: 1024, accBits: 32 }), 'test');
    const d = derive(c);
    const imgs = fashionImages(20) ?? Array.from({ length: 20 }, (_, i) => patternImage(100 + i));
    for (const [name, dims] of [
      ['cnn', [1, 1, 28, 28]],
      ['mlp', [1, 784]],
    ] as const) {
      const net = importModel(readModel(`examples/models/${name}-int8.onnx`));
      let diffs = 0;
      let outs = 0;
      let maxStep = 0;
      for (const px of imgs) {
        const input = new Map([['input', imageTensor(px, [...dims])]]);
        const a = infer(net, c, d, input, { compareRules: true });
        const b = infer(net, c, d, input, { requant: 'fixed-point' });
        for (const L of a.layers) {
          const x = a.tensors.get(L.layer.output)!.data;
          const y = b.tensors.get(L.layer.output)!.data;
          const seen = Array.from(x).filter((v, i) => v !== y[i]!).length;
          // each layer's count compares both rules on the same accumulators: it is what the outputs show
          if (L === a.layers[0]) expect(seen).toBe(L.requantDiffs);
          diffs += L.requantDiffs;
          outs += L.outputs;
          for (let i = 0; i < x.length; i++) maxStep = Math.max(maxStep, Math.abs(x[i]! - y[i]!));
        }
      }
      console.log(
        `${name}: fixed-point output stage vs ONNX fp32 rule: ${diffs} of ${outs} layer outputs differ (${((100 * diffs) / outs).toFixed(3)} %) over ${imgs.length} inputs`,
      );
      expect(outs).toBeGreaterThan(0);
      expect(diffs / outs).toBeLessThan(0.01);
      expect(maxStep).toBeLessThanOrEqual(1);
    }
  });
});
