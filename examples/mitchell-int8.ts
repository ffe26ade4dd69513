// The edge array with Mitchell logarithmic multipliers: 4-bit fractions with the unbias half-LSB,
// leading-one detection shared at the array edges, and exact zeros skipped with operand isolation.
import { defineAccelerator, mitchell, zeroSkip } from '../generator/dsl.js';

export default defineAccelerator({
  name: 'edge_mitchell',
  description: '8x8 weight-stationary int8 array, Mitchell (t=4, unbias) MACs, zero-skip',
  array: { rows: 8, cols: 8, maxK: 1024, accDepth: 64 },
  dataflow: 'weight-stationary',
  precision: {
    activation: { bits: 8, signed: true },
    weight: { bits: 8, signed: true },
    accumulator: { bits: 32, overflow: 'saturate' },
  },
  multiplier: mitchell({ fractionBits: 4, unbias: true, signedMode: 'sign-magnitude', share: true }),
  zeroSkip: zeroSkip({ activation: 0, weight: 0, gating: 'isolate' }),
});
