// The exact / Mitchell / ILM / ASM trade-off at 8 bits: area (iCE40 LUT4s, hierarchical synthesis)
// against mean relative error, on 4x4 and 8x8 weight-stationary arrays. Runs in about a minute on 2
// idle cores (a few while other work shares them):
//   axgen sweep examples/sweep-8bit.ts --jobs 2
// A rerun is served from the cache.
// examples/sweep-8bit.json is the same sweep written as JSON.
import { asm, defineSweep, exact, ilm, mitchell } from '../generator/dsl.js';

export default defineSweep({
  name: 'int8_units',
  description: 'Exact, Mitchell, ILM and ASM multipliers in 8-bit signed arrays: area vs error',
  base: {
    name: 'int8_units',
    array: { rows: 4, cols: 4, maxK: 256, accDepth: 16 },
    dataflow: 'weight-stationary',
    precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
  },
  axes: {
    array: [
      { rows: 4, cols: 4, maxK: 256, accDepth: 16 },
      { rows: 8, cols: 8, maxK: 256, accDepth: 16 },
    ],
    multiplier: [
      exact(),
      mitchell(),
      mitchell({ fractionBits: 4 }),
      ilm({ corrections: 0 }),
      ilm({ corrections: 1 }),
      asm({ alphabet: [1, 3] }),
      asm({ alphabet: [1, 3, 5, 7] }),
    ],
  },
  target: 'ice40',
  gemm: { m: 64, k: 256, n: 64 },
});
