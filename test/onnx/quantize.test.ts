/**
 * `axgen quantize` reproduces the shipped int8 reference network byte for byte (the MLP; the CNN
 * takes the same path and is slower to calibrate), and its parameters follow the documented
 * method: per-channel symmetric int8 weights, int32 biases at s_in·s_w, min/max activations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALIBRATION, defaultQuantizedPath, quantizeFile } from '../../generator/commands/quantize.js';
import { activationParams } from '../../generator/onnx/quantize.js';
import { importModel } from '../../generator/onnx/import.js';
import { readModel } from '../../generator/onnx/read.js';

const hasData = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

describe('axgen quantize', () => {
  it.skipIf(!hasData)('reproduces examples/models/fashion-mlp-int8.onnx byte for byte', async () => {
    const bytes = await quantizeFile('examples/models/fashion-mlp.onnx', 'fashion-mnist', DEFAULT_CALIBRATION);
    const shipped = readFileSync('examples/models/fashion-mlp-int8.onnx');
    expect(Buffer.from(bytes).equals(shipped)).toBe(true);
  });

  it('the shipped int8 models import as GEMM layers with int8 per-channel weights and int32 biases', () => {
    for (const [f, layers] of [
      ['examples/models/fashion-mlp-int8.onnx', 2],
      ['examples/models/fashion-cnn-int8.onnx', 4],
    ] as const) {
      const net = importModel(readModel(f), { source: f });
      expect(net.layers.length).toBe(layers);
      for (const L of net.layers) {
        expect(L.wScale!.length).toBe(L.N);
        expect([...L.wZeroPoint].every((z) => z === 0)).toBe(true);
        // symmetric: every channel uses ±127 at its largest weight
        for (let n = 0; n < L.N; n++) {
          let mx = 0;
          for (let k = 0; k < L.K; k++) mx = Math.max(mx, Math.abs(L.weights[0]![k * L.N + n]!));
          expect(mx).toBe(127);
        }
        expect(L.bias).not.toBeNull();
      }
    }
  });

  it('activation parameters: uint8 min/max with zero point, int8 symmetric', () => {
    expect(activationParams({ min: 0, max: 1 }, 'uint8')).toEqual({ scale: Math.fround(1 / 255), zp: 0 });
    expect(activationParams({ min: -1, max: 3 }, 'uint8')).toEqual({ scale: Math.fround(4 / 255), zp: 64 });
    expect(activationParams({ min: -5, max: 2.5 }, 'int8')).toEqual({ scale: Math.fround(5 / 127), zp: 0 });
    expect(defaultQuantizedPath('a/net.onnx')).toBe('a/net-int8.onnx');
  });
});
