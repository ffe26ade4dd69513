/**
 * The skew / de-skew line (templates/delay.v.hbs) in each of its forms — register chain with reset,
 * circular buffer (block RAM on iCE40, LUT RAM on Xilinx), and a line below RAM_DEPTH with RESET = 0,
 * which stays a register chain (Yosys 0.23 maps a chain without reset to SRLs that ignore the
 * enable, see the template) — against a reference shift register: RTL in Icarus and the synth_ice40 and synth_xilinx
 * netlists with Yosys' cell models, random data and enables, every cycle compared once the line
 * holds defined data. The array co-simulations (test/sim, both simulators) cover the chain forms at
 * the depths small arrays use; the buffer form starts at RAM_DEPTH (16) stages, past them.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitRtl } from '../../generator/emit/rtl.js';
import { runTool } from '../../generator/infra/children.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { cellModels, synthNetlist, type GateFlow } from '../../sim/gate.js';
import type { EmittedFile } from '../../generator/emit/rtl.js';
import { config } from '../helpers/configs.js';

const c = config({ rows: 2, cols: 2, dataflow: 'weight-stationary' });
const delayFile = emitRtl(c).find((f) => f.module === `${c.name}_delay`)!;
const WIDTH = 5;

interface Form {
  label: string;
  depth: number;
  reset: number;
}
const FORMS: Form[] = [
  { label: 'chain with reset', depth: 3, reset: 1 },
  { label: 'short line with RESET 0, kept a register chain', depth: 5, reset: 0 },
  { label: 'circular buffer at RAM_DEPTH', depth: 16, reset: 0 },
  { label: 'circular buffer', depth: 21, reset: 0 },
];

const probe = (f: Form): EmittedFile => ({
  name: 'delay_probe.v',
  module: 'delay_probe',
  template: 'test',
  text: `\`default_nettype none
module delay_probe (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             en_i,
  input  wire [${WIDTH - 1}:0] d_i,
  output wire [${WIDTH - 1}:0] q_o
);
  ${c.name}_delay #(.WIDTH(${WIDTH}), .DEPTH(${f.depth}), .RESET(${f.reset})) u_delay (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i), .d_i(d_i), .q_o(q_o)
  );
endmodule
`,
});

/** A testbench: reset, then 300 cycles of random d_i and en_i; q_o against a reference chain. */
const bench = (f: Form) => `\`timescale 1ns/1ps
module tb;
  reg clk = 0, rst_n = 0, en = 0;
  reg [${WIDTH - 1}:0] d = 0;
  wire [${WIDTH - 1}:0] q;
  reg [${WIDTH * f.depth - 1}:0] ref_q = 0;
  integer cyc, fills, errors, seed;
  delay_probe dut (.clk_i(clk), .rst_ni(rst_n), .en_i(en), .d_i(d), .q_o(q));
  always #5 clk = ~clk;
  initial begin
    seed = 7; errors = 0; fills = 0;
    repeat (3) @(posedge clk);
    #1 rst_n = 1;
    for (cyc = 0; cyc < 300; cyc = cyc + 1) begin
      en = ($random(seed) & 3) != 0;
      d = $random(seed);
      @(posedge clk);
      if (en) begin
        ref_q = {ref_q, d};
        fills = fills + 1;
      end
      #1;
      // Compared once DEPTH beats have entered (the lines without reset hold undefined data before).
      if ((${f.reset} != 0 || fills >= ${f.depth}) && q !== ref_q[${WIDTH * f.depth - 1} -: ${WIDTH}]) begin
        errors = errors + 1;
        if (errors <= 5) $display("MISMATCH cycle %0d: expected %h, actual %h", cyc, ref_q[${WIDTH * f.depth - 1} -: ${WIDTH}], q);
      end
    end
    $display("DONE errors=%0d fills=%0d", errors, fills);
    $finish;
  end
endmodule
`;

async function icarus(files: EmittedFile[], tbText: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'axgen-delay-'));
  try {
    for (const f of files) await writeFile(join(dir, f.name), f.text);
    await writeFile(join(dir, 'tb.v'), tbText);
    const b = await runTool('iverilog', ['-g2005', '-o', 'sim', 'tb.v', ...files.map((f) => f.name)], { cwd: dir });
    if (b.exitCode !== 0) return `iverilog failed:\n${b.all}`;
    const r = await runTool('vvp', ['-n', 'sim'], { cwd: dir });
    return r.all ?? '';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('skew / de-skew line (delay.v.hbs)', () => {
  for (const f of FORMS) {
    it(`${f.label} (DEPTH ${f.depth}, RESET ${f.reset}): lint-clean; RTL and iCE40/Xilinx netlists equal a reference chain`, async () => {
      const files = [delayFile, probe(f)];
      expect(lintProblems(await lintFiles(files, 'delay_probe'))).toBe('');
      const rtl = await icarus(files, bench(f));
      expect(rtl).toMatch(/DONE errors=0 fills=2\d\d/);
      const flows: GateFlow[] = [
        { target: 'ice40', dsp: false },
        { target: 'xilinx', dsp: false },
      ];
      for (const flow of flows) {
        const n = await synthNetlist(files, 'delay_probe', flow);
        const out = await icarus([n.file, ...(await cellModels(flow))], bench(f));
        expect(out, `${flow.target} netlist`).toMatch(/DONE errors=0/);
        const ffs = Object.entries(n.cells)
          .filter(([k]) => /^(SB_DFF|FD)/.test(k))
          .reduce((s, [, v]) => s + v, 0);
        const buffer = f.reset === 0 && f.depth >= 16;
        if (flow.target === 'ice40' && buffer) expect(n.cells.SB_RAM40_4K, JSON.stringify(n.cells)).toBe(1);
        if (flow.target === 'xilinx' && buffer)
          expect(
            Object.keys(n.cells).some((k) => /^RAM(32|64)M$/.test(k)),
            JSON.stringify(n.cells),
          ).toBe(true);
        if (!buffer) expect(ffs).toBe(WIDTH * f.depth);
        // The buffer's flip-flops: the registered read and the write address, not the line.
        else expect(ffs).toBeLessThanOrEqual(WIDTH + 5);
      }
    }, 60_000);
  }
});
