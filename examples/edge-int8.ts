// An 8x8 weight-stationary int8 array with exact multipliers: the starting point.
import { defineAccelerator, exact } from '../generator/dsl.js';

export default defineAccelerator({
  name: 'edge_int8',
  description: '8x8 weight-stationary int8 array, exact MACs',
  array: { rows: 8, cols: 8, maxK: 1024, accDepth: 64 },
  dataflow: 'weight-stationary',
  precision: {
    activation: { bits: 8, signed: true },
    weight: { bits: 8, signed: true },
    accumulator: { bits: 32, overflow: 'wrap' },
  },
  multiplier: exact(),
});
