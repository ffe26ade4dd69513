/**
 * Bit-exact inference of an int8 ONNX network on the generated RTL (`axgen infer`): every GEMM
 * layer's tiles of every input run as commands of one co-simulation (sim/cosim.ts, the same
 * checker and mismatch report as `axgen sim`), with the layer's own operands instead of random
 * ones, on one build of the config's RTL per simulator.
 *
 * How one run goes:
 * Steps:
 * 1. The model is imported (generator/onnx/import.ts) and checked against the config
 *    (generator/onnx/check.ts); a layer the array cannot run is a ConfigError naming the layer
 *    and the config field it needs changed.
 * 2. The golden model runs every input alone (generator/inference/run.ts; requantization by the
 *    fixed-point rule of generator/model/requant.ts: the array returns raw accumulators and the
 *    host requantizes them with the rule the hardware output stage will use): the reference
 *    outputs.
 * 3. Then, per simulator, layer by layer: the host computes the layer's operands for every input
 *    from the RTL's results of the layers before (requantized, pooled, reshaped on the host),
 *    exactly as the golden model feeds the unit — the zero-point-centred activations (im2col rows
 *    for a Conv) and the zero-point-centred weights (the unit's host mapping, e.g. ASM's, is
 *    applied by the schedule, generator/model/schedule.ts). Every input × weight batch of the
 *    layer becomes one case (sim/cases.ts), all scheduled into M/N tiles and run back to back in
 *    one simulation of the one build (cached by content hash). The checker compares every lane of
 *    every result beat with the golden accumulator for those operands (an X is a mismatch) and
 *    writes the beats it received (+ydump), which become the layer's accumulators on the host.
 *    With an output stage in the config (`outputStage`), a requantized layer's cases carry the
 *    layer's stage parameters (bias, fixed-point scales, zero point, ReLU; one parameter beat per
 *    command), the checker compares the stage's result words, and those words are the layer's
 *    outputs on the host (InferOptions.stageOutputs): the host no longer requantizes.
 * 4. The outputs are computed on the host from the RTL's results of every layer; when every word
 *    matched they equal the golden outputs (checked). A mismatch names the layer, the input, the
 *    tile, the element, its operands, expected and actual values and the cycle; the later layers
 *    still run, on the RTL's (wrong) results, each checked against the golden model for its inputs.
 */
import { derive, unitLabel } from '../generator/config/derive.js';
import { ConfigError } from '../generator/infra/errors.js';
import { count } from '../generator/infra/text.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl, topModule, type EmittedFile } from '../generator/emit/rtl.js';
import { toRows } from '../generator/model/fast-gemm.js';
import { infer, outputStage, type InferResult, type LayerGemm } from '../generator/inference/run.js';
import { checkNetwork, networkConfigError } from '../generator/onnx/check.js';
import { importModel, type GemmLayer, type Network } from '../generator/onnx/import.js';
import { readInputFor, readModel } from '../generator/onnx/read.js';
import { scheduleCases, type GemmCase, type MultiSchedule } from './cases.js';
import { cosim, type CosimResult } from './cosim.js';
import type { Activity } from '../generator/infra/progress.js';
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
  /** Every layer simulated, every word and counter equal to the golden model's. */
  passed: boolean;
  /** GEMM layers simulated (all of them unless the RTL's results could not be read back). */
  layersRun: number;
  /** Simulations run: one per GEMM layer, all inputs' tiles of the layer in it (one build). */
  simulations: number;
  /** Per simulated layer: its tiles and the errors the checker counted (mismatched words, counters, problems). */
  perLayer: { layer: string; tiles: number; errors: number; passed: boolean }[];
  /**
   * The network's outputs computed on the host from this simulator's result words (requantized,
   * pooled, …): what the RTL infers. Equal to the golden outputs when `passed`; empty when a
   * layer's results could not be read back.
   */
  outputs: NetworkOutput[];
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
  requant:
    | 'fixed-point (round half away from zero, requant.ts), on the host'
    | "fixed-point (round half away from zero, requant.ts), in the RTL's output stage";
  /** GEMM layers in step order, with the first input's M (batch × output pixels for a Conv). */
  layers: { name: string; op: string; k: number; n: number; m: number; macs: number }[];
  /** The golden model's outputs per input file (each run's own, from the RTL's words, are in runs[].outputs). */
  inputs: NetworkOutput[];
  /** Every GEMM of the network: one per layer × input × weight batch. */
  cases: NetworkCase[];
  /** GEMM elements (M·N over every case) and MACs of the network, all inputs. */
  elements: number;
  macs: number;
  goldenOnly: boolean;
  /** Every run passed (true with --golden-only, where nothing ran). */
  passed: boolean;
  runs: NetworkRun[];
}

/** A ConfigError naming each layer the array cannot run and the config field it needs. */
function networkError(model: string, c: ResolvedConfig, net: Network): ConfigError | null {
  const issues = checkNetwork(net, c, derive(c));
  return issues.length === 0 ? null : networkConfigError(model, c.name, issues);
}

/** Zero-point-centred weights of batch b as K×N rows (unmapped: the schedule applies the unit's mapping). */
function centredWeights(L: GemmLayer, b: number): number[][] {
  const w = L.weights[b]!;
  return Array.from({ length: L.K }, (_, k) =>
    Array.from({ length: L.N }, (_, n) => w[k * L.N + n]! - L.wZeroPoint[n]!),
  );
}

/**
 * Runs `modelFile` on every file of `inputFiles` (.pb or .npy, one per inference, for the model's
 * single graph input) in the golden model and, unless goldenOnly, every GEMM tile on the RTL.
 * Errors: ConfigError (exit 1) for unreadable or unsupported models and inputs, a model with
 * several graph inputs, or a config that cannot run a layer (naming layer and field). A simulator
 * that throws while another finished: NetworkRunFailed carries the report (the failed run marked
 * with `error`); when every simulator throws, the first error is rethrown as it is.
 */
export async function simulateNetwork(
  c: ResolvedConfig,
  modelFile: string,
  inputFiles: string[],
  o: NetworkSimOptions,
): Promise<NetworkReport> {
  const d = derive(c);
  const net = importModel(readModel(modelFile), { source: modelFile });
  const bad = networkError(modelFile, c, net);
  if (bad) throw bad;
  // A network with no GEMM layer gives the array nothing to run: never report a pass for it.
  if (net.layers.length === 0)
    throw new ConfigError(modelFile, [
      {
        path: 'graph',
        expected: 'at least one MatMul / Gemm / Conv layer (QDQ or QLinear) for the array to run',
        received: 'none',
      },
    ]);
  if (net.inputs.length !== 1)
    throw new ConfigError(modelFile, [
      {
        path: 'graph inputs',
        expected: 'one graph input (one --input file per inference)',
        received: `${net.inputs.length}: ${net.inputs.map((i) => i.name).join(', ')}`,
      },
    ]);
  const inputName = net.inputs[0]!.name;
  const tensors = inputFiles.map((f) => new Map([[inputName, readInputFor(f, net.inputs[0]!)]]));
  const output = (res: InferResult): { scores: number[]; predicted: number } => {
    const scores = Array.from(res.tensors.get(net.outputs[0]!.name)!.data);
    return { scores, predicted: scores.reduce((best, v, j) => (v > scores[best]! ? j : best), 0) };
  };
  // The golden model alone: the reference outputs, and every GEMM the network runs.
  const golden = o.progress?.start(
    `golden model: ${net.layers.length} GEMM layers × ${count(inputFiles.length, 'input')}`,
  );
  const meta: NetworkCase[] = [];
  const layerSizes = new Map<string, NetworkReport['layers'][number]>();
  const inputs: NetworkOutput[] = inputFiles.map((file, i) => {
    const onGemm = (L: GemmLayer, gemms: LayerGemm[]) => {
      for (const g of gemms)
        meta.push({
          name: caseName(L, i, g.batch, gemms.length),
          layer: L.name,
          op: L.op,
          input: file,
          batch: g.batch,
          m: g.A.rows,
          k: L.K,
          n: L.N,
        });
    };
    const res = infer(net, c, d, tensors[i]!, { requant: 'fixed-point', onGemm });
    if (i === 0)
      for (const l of res.layers)
        layerSizes.set(l.layer.name, {
          name: l.layer.name,
          op: l.layer.op,
          k: l.layer.K,
          n: l.layer.N,
          m: l.M,
          macs: l.macs,
        });
    return { file, ...output(res) };
  });
  golden?.();
  const elements = meta.reduce((s, x) => s + x.m * x.n, 0);
  const macs = meta.reduce((s, x) => s + x.m * x.k * x.n, 0);
  const rtl = o.rtl ?? emitRtl(c);
  // GEMM layers in the order the steps run them (a layer's input depends only on earlier ones).
  const order = net.steps.flatMap((s) => (s.kind === 'gemm' ? [s.layer] : []));
  const settled = await Promise.allSettled(
    (o.goldenOnly ? [] : o.simulators).map(async (sim): Promise<NetworkRun> => {
      const run = emptyRun(sim, d.cols);
      // The RTL's accumulators per input, layer and weight batch: what the host continues from.
      const rtlAccs = inputFiles.map(() => new Map<GemmLayer, Float64Array[]>());
      const fromRtl = (i: number) => (L: GemmLayer, b: number) => rtlAccs[i]!.get(L)?.[b];
      // With an output stage: the RTL's requantized words per input, layer and weight batch.
      const rtlOuts = inputFiles.map(() => new Map<GemmLayer, Float64Array[]>());
      const fromRtlOuts = (i: number) => (L: GemmLayer, b: number) => rtlOuts[i]!.get(L)?.[b];
      for (const [li, L] of order.entries()) {
        // This layer's operands for every input, computed by the host from the RTL's results of the layers before.
        const cases: GemmCase[] = [];
        const caseMeta: NetworkCase[] = [];
        const expected: Float64Array[] = [];
        const expectedOuts: (Float64Array | undefined)[] = [];
        // The array's output stage requantizes this layer (else the host does, from raw accumulators).
        const inStage = d.out !== null && L.output_.kind === 'requant';
        const stage = inStage ? (({ out: _out, ...p }) => p)(outputStage(L)) : undefined;
        inputFiles.forEach((file, i) => {
          const onGemm = (layer: GemmLayer, gemms: LayerGemm[]) => {
            if (layer !== L) return;
            for (const g of gemms) {
              const name = caseName(L, i, g.batch, gemms.length);
              cases.push({ name, A: toRows(g.A), W: centredWeights(L, g.batch), ...(stage ? { stage } : {}) });
              caseMeta.push({
                name,
                layer: L.name,
                op: L.op,
                input: file,
                batch: g.batch,
                m: g.A.rows,
                k: L.K,
                n: L.N,
              });
              expected.push(g.accs);
              expectedOuts.push(g.outs);
            }
          };
          infer(net, c, d, tensors[i]!, {
            requant: 'fixed-point',
            onGemm,
            accumulators: fromRtl(i),
            stageOutputs: fromRtlOuts(i),
          });
        });
        const scheduled = scheduleCases(c, d, cases);
        // The schedule's expected words come from the same golden GEMM (fastGemm) as the layer's accumulators.
        scheduled.parts.forEach((p, j) => {
          const want = expected[j]!;
          const N = caseMeta[j]!.n;
          p.schedule.Y.forEach((row, m) =>
            row.forEach((v, n) => {
              if (Number(v) !== want[m * N + n])
                throw new Error(
                  `internal error: ${p.case.name}: schedule expects ${v} at (${m}, ${n}), the golden layer computed ${want[m * N + n]}`,
                );
            }),
          );
          // With the stage, the result words are the layer's requantized outputs.
          const outs = expectedOuts[j];
          if (outs)
            p.schedule.yRefs.forEach((ref, b) =>
              ref.lanes.forEach((el, lane) => {
                if (el && Number(p.schedule.yBeats[b]![lane]) !== outs[el.m * N + el.n])
                  throw new Error(
                    `internal error: ${p.case.name}: schedule expects output ${p.schedule.yBeats[b]![lane]} at (${el.m}, ${el.n}), the golden layer computed ${outs[el.m * N + el.n]}`,
                  );
              }),
            );
        });
        const end = o.progress?.start(
          `${sim}: layer ${L.name}, ${scheduled.all.commands.length} tiles${li === 0 ? ' (and the build)' : ''}`,
        );
        const r = await cosim(c, {
          simulator: sim,
          scheduled,
          rtl,
          seed: o.seed ?? 1,
          stall: stallCode(o.stall ?? 0),
          collect: true,
        });
        end?.(
          `${r.passed ? 'pass' : 'FAIL'}${li === 0 ? `, build ${r.buildCacheHit ? 'cached' : `${(r.buildMs / 1000).toFixed(1)} s`}` : ''}`,
        );
        addRun(run, r, caseMeta, li === 0);
        run.layersRun = li + 1;
        // The RTL's words, element by element, into each case's M×N accumulators.
        const got = received(scheduled, r, caseMeta);
        if (!got) {
          run.problems.push(
            `layer ${L.name}: the RTL's results are incomplete or unknown (X/Z), so the layers after it were not run`,
          );
          break;
        }
        const into = inStage ? rtlOuts : rtlAccs;
        caseMeta.forEach((x, j) => {
          const i = inputFiles.indexOf(x.input);
          const per = into[i]!.get(L) ?? [];
          per[x.batch] = got[j]!;
          into[i]!.set(L, per);
        });
      }
      run.passed = run.passed && run.layersRun === order.length;
      if (run.layersRun === order.length)
        run.outputs = inputFiles.map((file, i) => ({
          file,
          ...output(
            infer(net, c, d, tensors[i]!, {
              requant: 'fixed-point',
              accumulators: fromRtl(i),
              stageOutputs: fromRtlOuts(i),
            }),
          ),
        }));
      // Every word equal to the golden model's must give the golden outputs: anything else is a bug here.
      if (run.passed && run.outputs.some((x, i) => x.scores.some((v, j) => !Object.is(v, inputs[i]!.scores[j]))))
        throw new Error(
          `internal error: ${sim} matched every result word, yet the outputs computed from them differ from the golden model's`,
        );
      const { cols: _cols, ...result } = run;
      return result;
    }),
  );
  const runs = settled.map((x, i) => (x.status === 'fulfilled' ? x.value : failedRun(o.simulators[i]!, x.reason)));
  const report: NetworkReport = {
    config: {
      name: c.name,
      hash: c.hash,
      unit: unitLabel(c, d),
      dataflow: c.dataflow,
      rows: c.array.rows,
      cols: c.array.cols,
    },
    model: modelFile,
    dut: { top: topModule(c), rtl: o.rtl ? 'given' : 'emitted' },
    requant: d.out
      ? "fixed-point (round half away from zero, requant.ts), in the RTL's output stage"
      : 'fixed-point (round half away from zero, requant.ts), on the host',
    layers: [...layerSizes.values()],
    inputs,
    cases: meta,
    elements,
    macs,
    goldenOnly: o.goldenOnly ?? false,
    passed: (o.goldenOnly || runs.length > 0) && runs.every((r) => r.passed),
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

const caseName = (L: GemmLayer, input: number, batch: number, batches: number) =>
  `layer ${L.name} (${L.op}), input ${input}${batches > 1 ? `, batch ${batch}` : ''}`;

function emptyRun(sim: SimulatorName, cols: number): NetworkRun & { cols: number } {
  return {
    simulator: sim,
    toolVersion: '',
    passed: true,
    layersRun: 0,
    simulations: 0,
    perLayer: [],
    commands: 0,
    resultBeats: 0,
    resultWords: 0,
    macs: 0,
    simCycles: 0,
    errors: 0,
    mismatches: [],
    counters: [],
    problems: [],
    buildCacheHit: false,
    buildMs: 0,
    runMs: 0,
    outputs: [],
    cols,
  };
}

/** Adds one layer's simulation to a simulator's run. */
function addRun(run: NetworkRun & { cols: number }, r: CosimResult, meta: NetworkCase[], first: boolean): void {
  const byName = new Map(meta.map((m) => [m.name, m]));
  run.toolVersion = r.toolVersion;
  run.passed &&= r.passed;
  run.simulations += 1;
  run.commands += r.commands;
  run.resultBeats += r.results;
  run.resultWords += r.results * run.cols;
  run.macs += r.macs;
  run.simCycles += r.simCycles;
  run.errors += Math.max(r.errors, r.passed ? 0 : 1);
  run.perLayer.push({
    layer: meta[0] ? `${meta[0].layer} (${meta[0].op})` : '',
    tiles: r.commands,
    errors: Math.max(r.errors, r.passed ? 0 : 1),
    passed: r.passed,
  });
  if (first) run.buildCacheHit = r.buildCacheHit;
  run.buildMs += Math.round(r.buildMs);
  run.runMs += Math.round(r.runMs);
  for (const m of r.mismatches) {
    if (run.mismatches.length >= KEEP_MISMATCHES) break;
    const x = byName.get(m.caseName);
    run.mismatches.push({
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
    });
  }
  const layer = meta[0] ? `layer ${meta[0].layer}: ` : '';
  for (const k of r.counters) run.counters.push({ ...k, name: `${layer}${k.name}` });
  for (const p of r.problems) run.problems.push(`${layer}${p}`);
}

/**
 * The RTL's result words of each case as M×N accumulators (row-major), from the beats the checker
 * received (cosim `collect`); null when a beat is missing or holds X/Z bits.
 */
function received(ms: MultiSchedule, r: CosimResult, meta: NetworkCase[]): Float64Array[] | null {
  const beats = r.received;
  if (!beats || beats.length !== ms.all.yBeats.length) return null;
  const out = meta.map((x) => new Float64Array(x.m * x.n));
  let part = 0;
  for (let b = 0; b < beats.length; b++) {
    const ref = ms.all.yRefs[b]!;
    while (part + 1 < ms.parts.length && ms.parts[part + 1]!.firstCommand <= ref.cmd) part++;
    const N = meta[part]!.n;
    for (const [lane, el] of ref.lanes.entries()) {
      if (!el) continue;
      const v = beats[b]![lane];
      if (v === null || v === undefined) return null;
      out[part]![el.m * N + el.n] = Number(v);
    }
  }
  return out;
}

function failedRun(sim: SimulatorName, e: unknown): NetworkRun {
  const message = ((e as Error)?.message ?? String(e)).split('\n')[0]!;
  return {
    simulator: sim,
    toolVersion: '',
    passed: false,
    layersRun: 0,
    simulations: 0,
    perLayer: [],
    outputs: [],
    commands: 0,
    resultBeats: 0,
    resultWords: 0,
    macs: 0,
    simCycles: 0,
    errors: -1,
    mismatches: [],
    counters: [],
    problems: [`${sim} did not finish: ${message}`],
    buildCacheHit: false,
    buildMs: 0,
    runMs: 0,
    error: message,
  };
}

/** Human-readable report: what was simulated, each simulator's verdict and first mismatches, then the outputs. */
export function formatNetworkReport(r: NetworkReport, maxShown = 10): string {
  const lines: string[] = [];
  const cfg = `${r.config.name} (${r.config.rows}x${r.config.cols} ${r.config.dataflow}, ${r.config.unit}, sha256:${r.config.hash.slice(0, 12)})`;
  const verdict = r.goldenOnly ? '•' : r.passed ? '✔' : '✖';
  lines.push(`${verdict} ${r.model} on ${cfg}: ${r.layers.length} GEMM layers, ${count(r.inputs.length, 'input')}`);
  for (const l of r.layers)
    lines.push(`  layer ${l.name} (${l.op}): GEMM ${l.m}x${l.k}x${l.n}, ${l.macs} MACs per input`);
  if (r.goldenOnly)
    lines.push(
      `  golden model only (--golden-only): ${r.cases.length} GEMMs, ${r.elements} result words, ${r.macs} MACs; nothing simulated`,
    );
  else
    lines.push(
      `  simulated ${r.dut.top} (${r.dut.rtl === 'emitted' ? 'emitted RTL' : 'given RTL'}) through its streams, layer by layer, each layer's input computed on the host ` +
        `from the RTL's results: ${r.cases.length} GEMMs, ${r.elements} result words, ${r.macs} MACs; ${r.requant.endsWith('on the host') ? 'raw accumulators, requantized on the host' : "requantized in the RTL's output stage"} (fixed point, round half away from zero)`,
    );
  for (const run of r.runs) {
    if (run.error !== undefined) {
      lines.push(`  ${run.simulator.padEnd(9)} FAIL  did not finish: ${run.error}`);
      continue;
    }
    lines.push(
      `  ${run.simulator.padEnd(9)} ${run.passed ? 'pass' : 'FAIL'}  ${run.layersRun} of ${r.layers.length} layers (one simulation each), ${run.commands} tiles, ` +
        `${run.resultBeats} result beats (${run.resultWords} words compared), ${run.macs} MACs, ${run.simCycles} cycles, ` +
        `build ${run.buildCacheHit ? 'cached' : `${(run.buildMs / 1000).toFixed(1)} s`}, run ${(run.runMs / 1000).toFixed(2)} s  [${run.toolVersion}]`,
    );
    if (!run.passed)
      lines.push(
        `    layers: ${run.perLayer.map((l) => `${l.layer} ${l.passed ? 'pass' : `FAIL (${l.errors} errors)`}`).join(', ')}`,
      );
    for (const p of run.problems) lines.push(`    problem: ${p}`);
    for (const m of run.mismatches.slice(0, maxShown)) {
      const where = m.row === null ? `lane ${m.lane} (padding)` : `row ${m.row}, column ${m.column}`;
      lines.push(
        `    mismatch: layer ${m.layer}, input ${m.input}, tile ${m.tile} (at m0=${m.tileAt.m0}, n0=${m.tileAt.n0}), ${where}: expected ${m.expected}, actual ${m.actual}, cycle ${m.cycle}`,
      );
      lines.push(`      operands: ${m.operands}`);
    }
    if (run.errors > run.mismatches.length + run.counters.length && run.mismatches.length > 0)
      lines.push(`    … ${run.errors} errors in all (the first ${Math.min(maxShown, run.mismatches.length)} shown)`);
    for (const k of run.counters.slice(0, maxShown))
      lines.push(
        `    counter ${k.name}: tile ${k.command} expected ${k.expected}, actual ${k.actual}, cycle ${k.cycle}`,
      );
  }
  const scores = (x: NetworkOutput) => `class ${x.predicted}  scores ${x.scores.map((v) => v.toFixed(4)).join(' ')}`;
  const all = r.runs.length > 0 && r.passed;
  for (const i of r.inputs) {
    if (all) {
      lines.push(`  ${i.file}: ${scores(i)}  (from the RTL's results, equal to the golden model's)`);
      continue;
    }
    lines.push(`  ${i.file}: ${scores(i)}  (golden model)`);
    for (const run of r.runs) {
      const o = run.outputs.find((x) => x.file === i.file);
      if (o)
        lines.push(
          `  ${' '.repeat(i.file.length)}  ${scores(o)}  (computed from ${run.simulator}'s RTL results${run.passed ? '' : ', which have mismatched words'})`,
        );
    }
  }
  return lines.join('\n') + '\n';
}
