/** Declaration alignment on rendered Verilog, and header wrapping at 100 columns. */
import { describe, expect, it } from 'vitest';
import { alignDeclarations } from '../../generator/emit/align.js';
import { emitRtl, MAX_COLUMNS, wrapComment } from '../../generator/emit/rtl.js';
import { config } from '../helpers/configs.js';

describe('alignDeclarations', () => {
  it('aligns keyword, range, name, initializer and comment columns by the printed text', () => {
    const text = [
      '  input  wire clk_i,',
      '  input  wire [15:0] a_i,  // long range',
      '  output wire [7:0] y_o  // short range',
      '  reg [3:0] n_q;',
      '  wire go = a_i[0];',
      "  wire [10:0] k_ext = {7'd0, n_q};",
    ].join('\n');
    expect(alignDeclarations(text).split('\n')).toEqual([
      '  input  wire        clk_i,',
      '  input  wire [15:0] a_i,  // long range',
      '  output wire [7:0]  y_o   // short range',
      '  reg         [3:0]  n_q;',
      '  wire               go    = a_i[0];',
      "  wire        [10:0] k_ext = {7'd0, n_q};",
    ]);
  });

  it('changes only spaces, and leaves other lines alone', () => {
    const text = 'module m (\n  input  wire    a_i\n);\n  assign   x = y;  // keep\nendmodule';
    const out = alignDeclarations(text);
    expect(out.replace(/ +/g, ' ')).toBe(text.replace(/ +/g, ' '));
    expect(out).toContain('  assign   x = y;  // keep');
  });
});

describe('wrapComment', () => {
  it('breaks after ", " within MAX_COLUMNS and indents continuation lines under the text', () => {
    const items = Array.from({ length: 12 }, (_, i) => `item${i}(value=${i})`);
    const lines = wrapComment('unit', items.join(', ')).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(MAX_COLUMNS);
    expect(lines[0]!.startsWith('// unit: item0')).toBe(true);
    expect(lines[1]!.startsWith('//       item')).toBe(true);
    expect(lines.map((l) => l.slice(8).trim()).join(' ')).toBe(items.join(', '));
  });
});

describe('emitted top and array', () => {
  for (const dataflow of ['weight-stationary', 'output-stationary'] as const) {
    it(`${dataflow}: localparams, a _d/_q sequencer, no _next, headers within ${MAX_COLUMNS} columns`, () => {
      const files = emitRtl(config({ rows: 3, cols: 5, dataflow, name: 'lp' }));
      const top = files.find((f) => f.module === 'lp_top')!.text;
      const array = files.find((f) => f.module === 'lp_array')!.text;
      expect(top).toMatch(/localparam integer ROWS +=  ?3;/);
      expect(top).toMatch(/localparam integer COLS +=  ?5;/);
      expect(array).toContain('[0:ROWS*(COLS+1)-1]');
      // Next state in a combinational block, defaults first; registers only take it.
      expect(top).toMatch(/always @\* begin\n +\w+_d *= \w+_q;/);
      expect(top).toMatch(/inflight_q +<= inflight_d;/);
      expect(top).not.toMatch(/_next\b/);
      for (const f of files) {
        const header = f.text.split('`resetall')[0]!;
        for (const l of header.split('\n')) expect(l.length).toBeLessThanOrEqual(MAX_COLUMNS);
        expect(f.text).not.toMatch(/<< 0\b/);
      }
    });
  }
});
