/**
 * Every emitted file of a matrix of configs passes verilator --lint-only -Wall, iverilog -g2005
 * -Wall and Yosys (read_verilog, hierarchy -check, proc, check -assert) with no warning.
 * The matrix covers each shape (1×1, 1×8, 8×1, 3×5, 8×8, 16×16), both dataflows, signed and
 * unsigned operands, 4, 8 and 16 bits, wrap and saturate, without a full cross product.
 */
import { describe, expect, it } from 'vitest';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { config, type Shape } from '../helpers/configs.js';

const matrix: Shape[] = [
  { rows: 1, cols: 1, dataflow: 'weight-stationary', aBits: 8, wBits: 8 },
  {
    rows: 1,
    cols: 1,
    dataflow: 'output-stationary',
    aBits: 4,
    wBits: 4,
    aSigned: false,
    wSigned: false,
    overflow: 'saturate',
    accBits: 9,
  },
  { rows: 1, cols: 8, dataflow: 'weight-stationary', aBits: 16, wBits: 16, overflow: 'saturate', accBits: 40 },
  { rows: 1, cols: 8, dataflow: 'output-stationary', aBits: 8, wBits: 4, wSigned: false },
  {
    rows: 8,
    cols: 1,
    dataflow: 'weight-stationary',
    aBits: 4,
    wBits: 8,
    aSigned: false,
    overflow: 'saturate',
    accBits: 14,
  },
  { rows: 8, cols: 1, dataflow: 'output-stationary', aBits: 16, wBits: 16, aSigned: false, wSigned: false },
  {
    rows: 3,
    cols: 5,
    dataflow: 'weight-stationary',
    aBits: 8,
    wBits: 8,
    aSigned: false,
    wSigned: false,
    accDepth: 60,
    maxK: 3,
  },
  { rows: 3, cols: 5, dataflow: 'output-stationary', aBits: 8, wBits: 8, overflow: 'saturate', accBits: 17 },
  { rows: 8, cols: 8, dataflow: 'weight-stationary', aBits: 8, wBits: 8, overflow: 'saturate', accBits: 20 },
  { rows: 8, cols: 8, dataflow: 'output-stationary', aBits: 4, wBits: 4 },
  { rows: 16, cols: 16, dataflow: 'weight-stationary', aBits: 16, wBits: 8, wSigned: false, maxK: 4096, accDepth: 256 },
  {
    rows: 16,
    cols: 16,
    dataflow: 'output-stationary',
    aBits: 8,
    wBits: 8,
    aSigned: false,
    overflow: 'saturate',
    accBits: 24,
  },
];

const label = (s: Shape) =>
  `${s.rows}x${s.cols} ${s.dataflow} a${s.aBits}${s.aSigned === false ? 'u' : 's'} w${s.wBits}${s.wSigned === false ? 'u' : 's'} ${s.overflow ?? 'wrap'}`;

describe('emitted RTL is lint-clean in Verilator, Icarus and Yosys', () => {
  it.concurrent.each(matrix.map((s) => [label(s), s] as const))('%s', async (_l, s) => {
    const c = config({ ...s, name: 'lint_cfg' });
    const files = emitRtl(c);
    const results = await lintFiles(files, topModule(c));
    expect(lintProblems(results)).toBe('');
    expect(results.map((r) => r.tool)).toEqual(['verilator', 'iverilog', 'yosys']);
  });
});
