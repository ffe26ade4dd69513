/**
 * Bit-exact inference of an int8 ONNX network on the generated RTL (`axgen infer`): every GEMM
 * layer's tiles of every input run as commands of one co-simulation (sim/cosim.ts, the same
 * checker and mismatch report as `axgen sim`), with the layer's own operands instead of random
 * ones, on one build of the config's RTL per simulator.
 *
 * How one run goes:
 * 1. The model is imported (generator/onnx/import.ts) and checked against the config
 *    (generator/onnx/check.ts); a layer the array cannot run is a ConfigError naming the layer
 *    and the config field it needs changed.
 * 2. The golden model runs every input (generator/inference/run.ts, requantization by the
 *    fixed-point rule of generator/model/requant.ts: the array returns raw accumulators, and the
 *    host requantizes them with the rule the hardware output stage will use). Each GEMM layer
 *    hands over its operands exactly as the golden model feeds the unit: the zero-point-centred
 *    activations (im2col rows for a Conv) and the zero-point-centred weights (the unit's host
 *    mapping, e.g. ASM's, is applied by the schedule, generator/model/schedule.ts).
 * 3. Every layer × input × weight batch becomes one case (sim/cases.ts); all cases are scheduled
 *    into M/N tiles and run back to back in one simulation per simulator. The checker compares
 *    every lane of every result beat with the golden accumulator (an X is a mismatch).
 * 4. When every word matched, the RTL's accumulators are the golden ones word for word, so the
 *    host steps (requantization, pooling, reshapes, Softmax) that produced the later layers' inputs
 *    and the printed outputs ran on the RTL's results. A mismatch names the layer, the input, the
 *    tile, the element, its operands, expected and actual values and the cycle.
 */
import { derive, unitLabel } from '../generator/config/derive.js';
import { ConfigError } from '../generator/config/errors.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl, topModule, type EmittedFile } from '../generator/emit/rtl.js';
import { toRows } from '../generator/model/fast-gemm.js';
import { infer, type LayerGemm } from '../generator/inference/run.js';
import { checkNetwork } from '../generator/onnx/check.js';
import { importModel, type GemmLayer, type Network } from '../generator/onnx/import.js';
import { readInput, readModel } from '../generator/onnx/read.js';
import { scheduleCases, type GemmCase } from './cases.js';
import { cosim, type CosimResult } from './cosim.js';
import type { Activity } from './progress.js';
import { KEEP_MISMATCHES, stallCode } from './run.js';
import type { SimulatorName } from './simulators.js';

export interface NetworkSimOptions {
  simulators: SimulatorName[];
  /** Probability 0..1 of an input gap / result stall per cycle (default 0: inference, not a protocol test). */
  stall?: number;
  seed?: number;
  /** RTL files to simulate instead of emitting them (fault injection). */
  rtl?: EmittedFile[];
  /** Only the golden model: no simulator runs (`axgen infer --golden-only`). */
  goldenOnly?: boolean;
  progress?: Activity;
}

/** One simulated GEMM: which layer, input and weight batch it is, and its size. */
export interface NetworkCase {
  name: string;
  layer: string;
  op: string;
  input: string;
  batch: number;
  m: number;
  k: number;
  n: number;
}

export interface NetworkMismatch {
  layer: string;
  input: string;
  /** Command (tile) index within the layer's GEMM, and the tile's origin. */
  tile: number;
  tileAt: { m0: number; n0: number };
  /** GEMM element (row m, column n = output channel), null for a padding lane. */
  row: number | null;
  column: number | null;
  lane: number;
  operands: string;
  expected: string;
  actual: string;
  cycle: number;
}

export interface NetworkRun {
  simulator: SimulatorName;
  toolVersion: string;
  passed: boolean;
  commands: number;
  resultBeats: number;
  /** Result lanes compared (beats × array columns, padding lanes included: they must read 0). */
  resultWords: number;
  macs: number;
  simCycles: number;
  errors: number;
  mismatches: NetworkMismatch[];
  counters: CosimResult['counters'];
  problems: string[];
  buildCacheHit: boolean;
  buildMs: number;
  runMs: number;
  error?: string;
}

export interface NetworkOutput {
  file: string;
  /** Scores of the first graph output and the index of the largest (ties: the first). */
  scores: number[];
  predicted: number;
}

export interface NetworkReport {
  config: { name: string; hash: string; unit: string; dataflow: string; rows: number; cols: number };
  model: string;
  dut: { top: string; rtl: 'emitted' | 'given' };
  /** Requantization on the host: the fixed-point output stage's rule. */
  requant: 'fixed-point (round half away from zero, requant.ts), on the host';
  layers: { name: string; op: string; k: number; n: number; m: number; macs: number }[];
  inputs: NetworkOutput[];
  cases: NetworkCase[];
  /** GEMM elements (M·N over every case) and MACs of the network, all inputs. */
  elements: number;
  macs: number;
  goldenOnly: boolean;
  passed: boolean;
  runs: NetworkRun[];
}

/** A ConfigError naming each layer the array cannot run and the config field it needs. */
function networkError(model: string, c: ResolvedConfig, net: Network): ConfigError | null {
  const issues = checkNetwork(net, c, derive(c));
  if (issues.length === 0) return null;
  return new ConfigError(
    `${model} on config ${c.name}`,
    issues.map((i) => ({ path: `layer ${i.layer}: ${i.path}`, expected: i.needed, received: i.have })),
  );
}

/** Zero-point-centred weights of batch b as K×N rows (unmapped: the schedule applies the unit's mapping). */
function centredWeights(L: GemmLayer, b: number): number[][] {
  const w = L.weights[b]!;
  return Array.from({ length: L.K }, (_, k) => Array.from({ length: L.N }, (_, n) => w[k * L.N + n]! - L.wZeroPoint[n]!));
}

/**
 * Runs `modelFile` on every file of `inputFiles` (.pb or .npy, one per inference, for the model's
 * single graph input) in the golden model and, unless goldenOnly, every GEMM tile on the RTL.
 * Errors: ConfigError (exit 1) for unreadable or unsupported models and inputs, a model with
 * several graph inputs, or a config that cannot run a layer (naming layer and field). A simulator
 * that throws while another finished: NetworkRunFailed carries the report (the failed run marked
 * with `error`); when every simulator throws, the first error is rethrown as it is.
 */
export async function simulateNetwork(c: ResolvedConfig, modelFile: string, inputFiles: string[], o: NetworkSimOptions): Promise<NetworkReport> {
  const d = derive(c);
  const net = importModel(readModel(modelFile), { source: modelFile });
  const bad = networkError(modelFile, c, net);
  if (bad) throw bad;
  if (net.inputs.length !== 1)
    throw new ConfigError(modelFile, [{ path: 'graph inputs', expected: 'one graph input (one --input file per inference)', received: `${net.inputs.length}: ${net.inputs.map((i) => i.name).join(', ')}` }]);
  const inputName = net.inputs[0]!.name;
  const tensors = inputFiles.map((f) => readInput(f));
  const golden = o.progress?.start(`golden model: ${net.layers.length} GEMM layers × ${inputFiles.length} input${inputFiles.length === 1 ? '' : 's'}`);
  const cases: GemmCase[] = [];
  const meta: NetworkCase[] = [];
  const expected: Float64Array[] = [];
  const inputs: NetworkOutput[] = [];
  const layerSizes = new Map<string, { name: string; op: string; k: number; n: number; m: number; macs: number }>();
  inputFiles.forEach((file, i) => {
    const onGemm = (L: GemmLayer, gemms: LayerGemm[]) => {
      for (const g of gemms) {
        const name = `layer ${L.name} (${L.op}), input ${i}${gemms.length > 1 ? `, batch ${g.batch}` : ''}`;
        cases.push({ name, A: toRows(g.A), W: centredWeights(L, g.batch) });
        meta.push({ name, layer: L.name, op: L.op, input: file, batch: g.batch, m: g.A.rows, k: L.K, n: L.N });
        expected.push(g.accs);
      }
    };
    const res = infer(net, c, d, new Map([[inputName, tensors[i]!]]), { requant: 'fixed-point', onGemm });
    if (i === 0) for (const l of res.layers) layerSizes.set(l.layer.name, { name: l.layer.name, op: l.layer.op, k: l.layer.K, n: l.layer.N, m: l.M, macs: l.macs });
    const scores = Array.from(res.tensors.get(net.outputs[0]!.name)!.data);
    inputs.push({ file, scores, predicted: scores.reduce((best, v, j) => (v > scores[best]! ? j : best), 0) });
  });
  const scheduled = scheduleCases(c, d, cases);
  // The schedule's expected words come from the same golden GEMM (fastGemm) as the layers' accumulators.
  scheduled.parts.forEach((p, i) => {
    const want = expected[i]!;
    const N = meta[i]!.n;
    p.schedule.Y.forEach((row, m) =>
      row.forEach((v, n) => {
        if (Number(v) !== want[m * N + n]) throw new Error(`internal error: ${p.case.name}: schedule expects ${v} at (${m}, ${n}), the golden layer computed ${want[m * N + n]}`);
      }),
    );
  });
  golden?.();
  const elements = meta.reduce((s, x) => s + x.m * x.n, 0);
  const macs = meta.reduce((s, x) => s + x.m * x.k * x.n, 0);
  const rtl = o.rtl ?? emitRtl(c);
  const settled = await Promise.allSettled(
    (o.goldenOnly ? [] : o.simulators).map(async (sim): Promise<NetworkRun> => {
      const end = o.progress?.start(`${sim}: build and simulate ${scheduled.all.commands.length} tiles`);
      const r = await cosim(c, { simulator: sim, scheduled, rtl, seed: o.seed ?? 1, stall: stallCode(o.stall ?? 0) });
      end?.(`${r.passed ? 'pass' : 'FAIL'}, build ${r.buildCacheHit ? 'cached' : `${(r.buildMs / 1000).toFixed(1)} s`}`);
      return runOf(sim, r, meta, d.cols);
    }),
  );
  const runs = settled.map((x, i) => (x.status === 'fulfilled' ? x.value : failedRun(o.simulators[i]!, x.reason)));
  const report: NetworkReport = {
    config: { name: c.name, hash: c.hash, unit: unitLabel(c, d), dataflow: c.dataflow, rows: c.array.rows, cols: c.array.cols },
    model: modelFile,
    dut: { top: topModule(c), rtl: o.rtl ? 'given' : 'emitted' },
    requant: 'fixed-point (round half away from zero, requant.ts), on the host',
    layers: [...layerSizes.values()],
    inputs,
    cases: meta,
    elements,
    macs,
    goldenOnly: o.goldenOnly ?? false,
    passed: runs.every((r) => r.passed),
    runs,
  };
  const rejected = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (rejected) {
    if (settled.every((x) => x.status === 'rejected')) throw rejected.reason;
    throw new NetworkRunFailed(report, rejected.reason);
  }
  return report;
}

/** One simulator threw while another finished: the report holds both (the failed one with `error`). */
export class NetworkRunFailed extends Error {
  constructor(
    readonly report: NetworkReport,
    readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'NetworkRunFailed';
  }
}

function runOf(sim: SimulatorName, r: CosimResult, meta: NetworkCase[], cols: number): NetworkRun {
  const byName = new Map(meta.map((m) => [m.name, m]));
  return {
    simulator: sim,
    toolVersion: r.toolVersion,
    passed: r.passed,
    commands: r.commands,
    resultBeats: r.results,
    resultWords: r.results * cols,
    macs: r.macs,
    simCycles: r.simCycles,
    errors: r.errors,
    mismatches: r.mismatches.slice(0, KEEP_MISMATCHES).map((m) => {
      const x = byName.get(m.caseName);
      return {
        layer: x ? `${x.layer} (${x.op})${x.batch > 0 ? ` batch ${x.batch}` : ''}` : m.caseName,
        input: x?.input ?? '',
        tile: m.caseCommand,
        tileAt: { m0: m.m0, n0: m.n0 },
        row: m.m,
        column: m.n,
        lane: m.lane,
        operands: m.operands,
        expected: String(m.expected),
        actual: m.actual,
        cycle: m.cycle,
      };
    }),
    counters: r.counters,
    problems: r.problems,
    buildCacheHit: r.buildCacheHit,
    buildMs: Math.round(r.buildMs),
    runMs: Math.round(r.runMs),
  };
}

function failedRun(sim: SimulatorName, e: unknown): NetworkRun {
  const message = ((e as Error)?.message ?? String(e)).split('\n')[0]!;
  return {
    simulator: sim, toolVersion: '', passed: false, commands: 0, resultBeats: 0, resultWords: 0, macs: 0, simCycles: 0, errors: -1,
    mismatches: [], counters: [], problems: [`${sim} did not finish: ${message}`], buildCacheHit: false, buildMs: 0, runMs: 0, error: message,
  };
}

/** Human-readable report: what was simulated, each simulator's verdict and first mismatches, then the outputs. */
export function formatNetworkReport(r: NetworkReport, maxShown = 10): string {
  const lines: string[] = [];
  const cfg = `${r.config.name} (${r.config.rows}x${r.config.cols} ${r.config.dataflow}, ${r.config.unit}, sha256:${r.config.hash.slice(0, 12)})`;
  const verdict = r.goldenOnly ? '•' : r.passed ? '✔' : '✖';
  lines.push(`${verdict} ${r.model} on ${cfg}: ${r.layers.length} GEMM layers, ${r.inputs.length} input${r.inputs.length === 1 ? '' : 's'}`);
  for (const l of r.layers) lines.push(`  layer ${l.name} (${l.op}): GEMM ${l.m}x${l.k}x${l.n}, ${l.macs} MACs per input`);
  if (r.goldenOnly) lines.push(`  golden model only (--golden-only): ${r.cases.length} GEMMs, ${r.elements} result words, ${r.macs} MACs; nothing simulated`);
  else
    lines.push(
      `  simulated ${r.dut.top} (${r.dut.rtl === 'emitted' ? 'emitted RTL' : 'given RTL'}) through its streams: ${r.cases.length} GEMMs ` +
        `(every layer of every input), ${r.elements} result words, ${r.macs} MACs; raw accumulators, requantized on the host (fixed point, round half away from zero)`,
    );
  for (const run of r.runs) {
    if (run.error !== undefined) {
      lines.push(`  ${run.simulator.padEnd(9)} FAIL  did not finish: ${run.error}`);
      continue;
    }
    lines.push(
      `  ${run.simulator.padEnd(9)} ${run.passed ? 'pass' : 'FAIL'}  ${run.commands} tiles, ${run.resultBeats} result beats (${run.resultWords} words compared), ${run.macs} MACs, ` +
        `${run.simCycles} cycles, build ${run.buildCacheHit ? 'cached' : `${(run.buildMs / 1000).toFixed(1)} s`}, run ${(run.runMs / 1000).toFixed(2)} s  [${run.toolVersion}]`,
    );
    for (const p of run.problems) lines.push(`    problem: ${p}`);
    for (const m of run.mismatches.slice(0, maxShown)) {
      const where = m.row === null ? `lane ${m.lane} (padding)` : `row ${m.row}, column ${m.column}`;
      lines.push(`    mismatch: layer ${m.layer}, input ${m.input}, tile ${m.tile} (at m0=${m.tileAt.m0}, n0=${m.tileAt.n0}), ${where}: expected ${m.expected}, actual ${m.actual}, cycle ${m.cycle}`);
      lines.push(`      operands: ${m.operands}`);
    }
    if (run.errors > run.mismatches.length + run.counters.length && run.mismatches.length > 0)
      lines.push(`    … ${run.errors} errors in all (the first ${Math.min(maxShown, run.mismatches.length)} shown)`);
    for (const k of run.counters.slice(0, maxShown)) lines.push(`    counter ${k.name}: tile ${k.command} expected ${k.expected}, actual ${k.actual}, cycle ${k.cycle}`);
  }
  const source = r.goldenOnly ? 'golden model' : r.passed ? 'RTL results, equal to the golden model word for word' : 'golden model; the RTL differs, see above';
  for (const i of r.inputs) lines.push(`  ${i.file}: class ${i.predicted}  scores ${i.scores.map((v) => v.toFixed(4)).join(' ')}  (${source})`);
  return lines.join('\n') + '\n';
}
