/**
 * Golden inference of the shipped example on approximate arrays: the network check refuses a
 * config whose operands cannot hold the model's, and an array that can runs every input.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../generator/config/load.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { formatGoldenReport, goldenInference } from '../../generator/inference/golden.js';
import { written } from '../helpers/configs.js';

describe('goldenInference', () => {
  it('the Mitchell example (signed 8-bit activations) cannot run uint8 activations: the report says which field', async () => {
    const c = await loadConfig('examples/mitchell-int8.ts');
    const r = goldenInference(c, 'examples/models/cnn-int8.onnx', ['examples/models/input-0.pb']);
    expect(r.inputs).toEqual([]);
    expect(r.issues.map((i) => i.path)).toEqual([
      'precision.activation',
      'precision.activation',
      'precision.activation',
    ]);
    expect(formatGoldenReport(r)).toMatch(/layer conv1 .*precision\.activation needs x − z_x in 0\.\.255/);
  });
  it('approximate arrays with unsigned 8-bit activations run the CNN; their layer outputs differ from the exact array', () => {
    const file = ['examples/models/input-0.pb'];
    const run = (multiplier: Record<string, unknown>) =>
      goldenInference(
        resolveConfig(
          written({
            rows: 8,
            cols: 8,
            aBits: 8,
            aSigned: false,
            maxK: 1024,
            accBits: 32,
            overflow: 'saturate',
            multiplier,
          }),
          't',
        ),
        'examples/models/cnn-int8.onnx',
        file,
      );
    const exact = run({ kind: 'exact' });
    expect(exact.issues).toEqual([]);
    expect(exact.inputs[0]!.scores).toHaveLength(10);
    expect(exact.inputs[0]!.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const mitchell = run({ kind: 'mitchell' });
    expect(mitchell.issues).toEqual([]);
    expect(mitchell.inputs[0]!.layers.map((l) => l.macs)).toEqual(exact.inputs[0]!.layers.map((l) => l.macs));
    // the approximate unit really changed what the layers compute
    const conv1 = (r: typeof exact) => Array.from(r.inputs[0]!.layerOutputs.get('conv1_out_q')!.data);
    expect(conv1(mitchell)).toHaveLength(8 * 28 * 28);
    expect(conv1(mitchell)).not.toEqual(conv1(exact));
    expect(formatGoldenReport(mitchell)).toMatch(/3 GEMM layers, 290080 MACs per input\n.*input-0\.pb: class \d/);
  });
});
