// An array for the trained reference networks (examples/models/fashion-*-int8.onnx): their
// activations are uint8 with zero point 0 (after ReLU) and their weights int8, so the activation
// operand is 8-bit unsigned and K reaches 1568 (the CNN's first dense layer). Mitchell (t=4,
// unbias) MACs, exact zeros skipped. `axgen accuracy examples/fashion-mitchell.ts --model
// examples/models/fashion-cnn-int8.onnx --dataset fashion-mnist`.
import { defineAccelerator, mitchell, zeroSkip } from '../generator/dsl.js';

export default defineAccelerator({
  name: 'fashion_mitchell',
  description:
    '8x8 weight-stationary array for uint8 activations x int8 weights, Mitchell (t=4, unbias) MACs, zero-skip',
  array: { rows: 8, cols: 8, maxK: 2048, accDepth: 64 },
  dataflow: 'weight-stationary',
  precision: {
    activation: { bits: 8, signed: false },
    weight: { bits: 8, signed: true },
    accumulator: { bits: 32, overflow: 'saturate' },
  },
  multiplier: mitchell({ fractionBits: 4, unbias: true, signedMode: 'sign-magnitude', share: true }),
  zeroSkip: zeroSkip({ activation: 0, weight: 0, gating: 'isolate' }),
});
