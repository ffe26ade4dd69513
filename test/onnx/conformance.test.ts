/**
 * ONNX's own node conformance data (Debian's libonnx-testdata, installed by scripts/setup.sh):
 * with the exact multiplier, axgen's golden model reproduces every expected output exactly for
 * QuantizeLinear, DequantizeLinear, QLinearMatMul, QLinearConv, MatMulInteger and ConvInteger.
 * Weights, scales and zero points arrive as graph inputs (input_1.pb, …); they are bound as
 * constants, input_0 is the activation. The fixed-point output stage is compared too, and its
 * differences from ONNX's float definition are counted (and must be few, each by one step).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { infer } from '../../generator/inference/run.js';
import { checkNetwork } from '../../generator/onnx/check.js';
import { importModel } from '../../generator/onnx/import.js';
import { readModel, readTensorPb, type Tensor } from '../../generator/onnx/read.js';
import { written } from '../helpers/configs.js';

const ROOT = '/usr/share/libonnx-testdata/data/node';
const CASES = [
  'test_quantizelinear',
  'test_quantizelinear_axis',
  'test_dequantizelinear',
  'test_dequantizelinear_axis',
  'test_qlinearmatmul_2D',
  'test_qlinearmatmul_3D',
  'test_qlinearconv',
  'test_matmulinteger',
  'test_basic_convinteger',
  'test_convinteger_with_padding',
  'test_convinteger_without_padding',
];
const present = existsSync(ROOT);
if (!present)
  console.warn(
    `conformance tests SKIPPED: ${ROOT} is missing; install the Debian package libonnx-testdata (bash scripts/setup.sh does)`,
  );

// 9-bit signed operands hold any uint8/int8 value minus any zero point of its type.
const exact9 = resolveConfig(written({ rows: 4, cols: 4, aBits: 9, wBits: 9, maxK: 1024, accBits: 32 }), 'test');

describe.skipIf(!present)('ONNX conformance data (libonnx-testdata)', () => {
  for (const name of CASES) {
    it(name, () => {
      const dir = join(ROOT, name);
      const model = readModel(join(dir, 'model.onnx'));
      for (const set of readdirSync(dir).filter((f) => f.startsWith('test_data_set_'))) {
        const files = readdirSync(join(dir, set));
        const ins = files
          .filter((f) => f.startsWith('input_'))
          .sort()
          .map((f) => readTensorPb(join(dir, set, f)));
        const outs = files
          .filter((f) => f.startsWith('output_'))
          .sort()
          .map((f) => readTensorPb(join(dir, set, f)));
        const gin = model.graph!.input!.map((i) => i.name!);
        const constants = new Map<string, Tensor>(gin.slice(1).map((n, i) => [n, ins[i + 1]!]));
        const net = importModel(model, { constants, source: name });
        const d = derive(exact9);
        expect(checkNetwork(net, exact9, d)).toEqual([]);
        const res = infer(net, exact9, d, new Map([[gin[0]!, ins[0]!]]));
        model.graph!.output!.forEach((o, i) => {
          const got = res.tensors.get(o.name!)!;
          expect(got.dtype).toBe(outs[i]!.dtype);
          expect(Array.from(got.data)).toEqual(Array.from(outs[i]!.data));
          expect(got.data.length).toBeGreaterThan(0);
        });
        if (net.layers.some((L) => L.output_.kind === 'requant')) {
          const fx = infer(net, exact9, d, new Map([[gin[0]!, ins[0]!]]), { requant: 'fixed-point' });
          const out = model.graph!.output![0]!.name!;
          const a = fx.tensors.get(out)!.data;
          const b = outs[0]!.data;
          const diffs = Array.from(a).filter((v, i) => v !== b[i]);
          console.log(
            `${name}: fixed-point output stage differs from ONNX's float rule in ${diffs.length} of ${a.length} outputs`,
          );
          for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1);
        }
      }
    });
  }
});
