// An output-stationary array with alphabet-set multipliers ({1,3,5,7}): weights are mapped to the
// nearest supported value on the host, the pre-computer bank is shared along each row, and an
// AXI4-Stream / AXI4-Lite wrapper is emitted around the core.
import { asm, defineAccelerator } from '../generator/dsl.js';

export default defineAccelerator({
  name: 'edge_asm_os',
  description: '8x8 output-stationary int8 array, ASM {1,3,5,7} MACs, AXI wrapper',
  array: { rows: 8, cols: 8, maxK: 4096 },
  dataflow: 'output-stationary',
  precision: {
    activation: { bits: 8, signed: true },
    weight: { bits: 8, signed: true },
  },
  multiplier: asm({ alphabet: [1, 3, 5, 7], rounding: 'nearest', share: true }),
  interface: 'axi',
});
