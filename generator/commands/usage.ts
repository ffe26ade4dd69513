/**
 * Usage line and description of every CLI command, in one place: the command modules declare them
 * from here, and generator/commands/index.ts lists them for the top-level help without importing the
 * modules (so `axgen --help` starts fast).
 */
export const USAGE = {
  validate: {
    command: 'validate <config>',
    describe: 'Check a config (.ts or .json) and print its resolved form; writes nothing',
  },
  generate: {
    command: 'generate <config>',
    describe: 'Emit the Verilog, manifest.json and files.f of a config into rtl-out/<name>/ (or --out)',
  },
  sim: {
    command: 'sim [config]',
    describe:
      'Co-simulate what a config generates (its AXI top for interface "axi", else its stream top; or a generated folder, --rtl) against its golden model in Icarus and/or Verilator',
  },
  regress: {
    command: 'regress',
    describe:
      'Co-simulate a suite of configs (every unit kind, both dataflows, several shapes) on both simulators in parallel',
  },
  fpga: {
    command: 'fpga <config>',
    describe:
      'Synthesize, place and route the IP on an iCE40 (Yosys, nextpnr-ice40, icepack); report utilisation and fmax (--seeds tries several in parallel and keeps the best; --pnr-time-limit stops a run that does not route)',
  },
  synth: {
    command: 'synth <config>',
    describe:
      'Synthesize a config with Yosys (hierarchically: the PE once) and print its area for a target; --verify also co-simulates the netlists',
  },
  sweep: {
    command: 'sweep <spec>',
    describe:
      'Run a design-space sweep: synthesize every point, measure its error and throughput, write results.{json,csv} and report.{md,html}',
  },
  sweepMerge: {
    command: 'sweep-merge <shards..>',
    aliases: ['merge'],
    describe:
      'Combine the results folders of all shards of one sweep into one results folder and report (identical to an unsharded run)',
  },
  unit: {
    command: 'unit <config>',
    describe:
      'Emit the configured multiplier as a standalone, combinational <name>_unit module (edge preprocessing + PE multiplier; ports a_i, w_i, p_o, and px_o/pc_o where the product is split) and optionally check it',
  },
  metrics: {
    command: 'metrics <config>',
    describe:
      'Error metrics of the configured multiplier (MAE, WCE, EP, MRE, WCRE, MSE, bias): exhaustive up to 20 operand bits, else seeded sampling',
  },
  infer: {
    command: 'infer <config>',
    describe:
      'Run an int8 ONNX model on input files through the generated RTL: every GEMM tile co-simulated and compared with the golden model word for word; prints class scores',
  },
  quantize: {
    command: 'quantize <model>',
    describe:
      'Post-training static quantization of a float ONNX model to the int8 QDQ form axgen imports (per-channel int8 weights, min/max-calibrated activations)',
  },
  accuracy: {
    command: 'accuracy <config>',
    describe:
      'Top-1 accuracy of an int8 ONNX network on labelled images: float, exact int8 and the configured array (golden model), with per-layer error, zero-skip rate and throughput',
  },
  exportLut: {
    command: 'export-lut <config>',
    describe:
      "Write the configured multiplier's 8×8-bit product table for TFApprox (uint16 binary), AdaPT (C++ header) or NumPy (.npy)",
  },
} as const satisfies Record<string, { command: string; aliases?: readonly string[]; describe: string }>;
