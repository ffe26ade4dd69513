// A 4x4 int8 array with Mitchell multipliers behind the AXI wrapper, small enough for an iCE40
// UltraPlus (up5k): `axgen fpga examples/up5k-mitchell.ts --device up5k` places and routes it
// (the README's "What fits" table; the 8x8 examples need a bigger FPGA).
import { defineAccelerator, mitchell } from '../generator/dsl.js';

export default defineAccelerator({
  name: 'up5k_mitchell',
  description:
    '4x4 weight-stationary int8 array, Mitchell (t=3) MACs with shared edge logic, AXI interface; fits an iCE40 up5k',
  array: { rows: 4, cols: 4, maxK: 64, accDepth: 16 },
  dataflow: 'weight-stationary',
  precision: { activation: { bits: 8 }, weight: { bits: 8 } },
  multiplier: mitchell({ fractionBits: 3 }),
  interface: 'axi',
});
