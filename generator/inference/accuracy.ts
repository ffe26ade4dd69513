/**
 * What the approximation costs a network (`axgen accuracy`): top-1 accuracy on labelled images of
 * the float model, the int8 model with the exact multiplier, and the configured array (its unit,
 * zero-skip, accumulator width and overflow mode, through the golden model the RTL is checked
 * against), with the agreement of the array's predictions with exact int8, per-layer output error,
 * the zero-skip rate on the real activations, MACs, cycles and images/s. Definitions in
 * docs/accuracy.md.
 */
import { createHash } from 'node:crypto';
import { derive, type Derived } from '../config/derive.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { agreement, argmax, top1Accuracy, type AccuracySummary } from '../data/accuracy.js';
import { IMAGE_PIXELS, type LabeledImages } from '../data/dataset.js';
import { checkNetwork, type NetworkIssue } from '../onnx/check.js';
import { importModel, QUANTIZED_OPS, type GemmLayer, type Network } from '../onnx/import.js';
import { decodeModel, intRange, readBytes, readModel, sizeOf, toNum, type Tensor } from '../onnx/read.js';
import { ConfigError } from '../infra/errors.js';
import { DependencyMissingError } from '../infra/tools.js';
import { infer, weightMat, type InferOptions } from './run.js';
import { gemmCycles } from '../model/schedule.js';

/** Error of one layer's int8 outputs on the configured array against exact int8 (docs/accuracy.md). */
export interface LayerError {
  layer: string;
  /** Output elements compared (over all images compared). */
  outputs: number;
  /** Mean |a − e| in output steps (a: the array's output, e: exact int8's). */
  meanAbs: number;
  /** Largest |a − e| in output steps. */
  worstAbs: number;
  /** Mean of |a − e| / |e − z| over outputs with e ≠ z (z: the output zero point); NaN if none. */
  meanRel: number;
  /** 10·log10(Σ(e − z)² / Σ(a − e)²) in dB; Infinity when the outputs are equal. */
  snrDb: number;
}

export interface AccuracyReport {
  images: number;
  float: AccuracySummary | null;
  exact: AccuracySummary;
  array: AccuracySummary;
  /** Fraction of images where the array predicts the class exact int8 predicts. */
  agreement: number;
  layers: LayerError[];
  /** Images the per-layer errors are computed on (the first ones). */
  layerErrorImages: number;
  /** Skipped MACs / all MACs on the images run, or null without zero-skip. */
  zeroSkipRate: number | null;
  macsPerImage: number;
  cyclesPerImage: number;
}

/** sha256 of a file's bytes. */
export function fileHash(file: string): string {
  return createHash('sha256').update(readBytes(file)).digest('hex');
}

/** sha256 over the first `n` images and labels. */
export function datasetHash(ds: LabeledImages, n: number): string {
  return createHash('sha256')
    .update(ds.images.subarray(0, n * IMAGE_PIXELS))
    .update(ds.labels.subarray(0, n))
    .digest('hex');
}

/**
 * The exact-multiplier counterpart of a config: same array and operand widths, exact unit, no
 * zero-skip, a 32-bit wrapping accumulator (ONNX's int32). Throws ConfigError if the widths make
 * that config invalid.
 */
export function exactConfig(c: ResolvedConfig): ResolvedConfig {
  const { hash: _h, ...body } = c as ResolvedConfig & Record<string, unknown>;
  void _h;
  const w = structuredClone(body) as Record<string, unknown> & { precision: { accumulator: unknown } };
  w.multiplier = { kind: 'exact' };
  delete w.zeroSkip;
  w.precision.accumulator = { bits: 32, overflow: 'wrap' };
  return resolveConfig(w, `${c.name} (exact counterpart)`);
}

/**
 * Cycles of one image on the array: every layer's GEMM cut into commands as the host schedule
 * does, each layer one stream of back-to-back commands (the next layer waits for its results).
 */
export function cyclesPerImage(net: Network, c: ResolvedConfig, d: Derived, rowsOf: (L: GemmLayer) => number): number {
  let cycles = 0;
  for (const L of net.layers) {
    const M = rowsOf(L);
    if (M > 0) cycles += gemmCycles(c, d, M, L.K, L.N).total;
  }
  return cycles;
}

/** Per layer and activation value: how many of a row's N products the zero-skip predicate skips. */
function skipTables(
  net: Network,
  c: ResolvedConfig,
  d: Derived,
): Map<GemmLayer, { table: Int32Array; amin: number; span: number }> {
  const out = new Map<GemmLayer, { table: Int32Array; amin: number; span: number }>();
  if (!d.skip) return out;
  for (const L of net.layers) {
    // Centred activations span the input type's range minus the zero point.
    const r = intRange(L.inType) ?? { min: 0, max: 255 };
    const amin = r.min - L.inZeroPoint;
    const span = r.max - r.min + 1;
    const W = weightMat(L, 0, c, d);
    // The predicate on every (activation, weight) pair once, then counted per weight row.
    let wmin = 0;
    let wmax = 0;
    for (const w of W.data) {
      if (w < wmin) wmin = w;
      if (w > wmax) wmax = w;
    }
    const wspan = wmax - wmin + 1;
    const skipAW = new Uint8Array(span * wspan);
    for (let a = 0; a < span; a++)
      for (let w = 0; w < wspan; w++) skipAW[a * wspan + w] = d.skip(a + amin, w + wmin) ? 1 : 0;
    const table = new Int32Array(L.K * span);
    for (let k = 0; k < L.K; k++)
      for (let a = 0; a < span; a++) {
        let n = 0;
        const row = a * wspan - wmin;
        for (let j = 0; j < L.N; j++) n += skipAW[row + W.data[k * L.N + j]!]!;
        table[k * span + a] = n;
      }
    out.set(L, { table, amin, span });
  }
  return out;
}

export interface AccuracyRun {
  /** Predicted classes, one per image. */
  predictions: Uint8Array;
}

/** Prediction of one image's network outputs (argmax of the first graph output). */
function predict(net: Network, tensors: Map<string, Tensor>): number {
  return argmax(tensors.get(net.outputs[0]!.name)!.data);
}

/**
 * onnxruntime-node, imported on first use (axgen's start-up does not load it).
 * @throws DependencyMissingError (exit 2) when the package or its native CPU library does not load,
 *   with the command that reinstalls it (its install script is told to skip the CUDA download, README)
 */
export async function loadOnnxRuntime(): Promise<typeof import('onnxruntime-node')> {
  try {
    return await import('onnxruntime-node');
  } catch (e) {
    // The innermost cause is the loader's own message (e.g. the native library it could not open).
    let cause: unknown = e;
    while (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
    throw new DependencyMissingError(
      'onnxruntime-node',
      `it did not load: ${String((cause as Error)?.message ?? cause).split('\n')[0]}`,
      'ONNXRUNTIME_NODE_INSTALL=skip npm ci (in the axgen checkout; scripts/setup.sh does the same)',
    );
  }
}

/** What to do when ONNX Runtime refuses the float model (said in its ConfigError). */
const FLOAT_FIX = ' (give another with --float-model, or --no-float to leave the float reference out)';

/** Images per ONNX Runtime run when the float model's batch dimension is free. */
const FLOAT_BATCH = 250;

/**
 * Float model predictions (argmax of the first graph output) for the first `n` images, computed
 * by ONNX Runtime (onnxruntime-node, CPU, one intra-op thread): the reference runtime for a float
 * ONNX model, so the float accuracy is what a user's own ORT would give. The model's one graph input
 * takes pixel / 255 in fp32, 784 values per image: a fixed shape (e.g. [1, 784] or [1, 1, 28, 28])
 * runs one image per run; a free first (batch) dimension runs FLOAT_BATCH images per run. ORT is
 * imported here, on first use, so that axgen's start-up does not load it. `tick` after each image.
 * @throws ConfigError naming the file when it does not decode, its input is not a float tensor of
 *   784 values per image, or ONNX Runtime cannot load or run it (with ORT's message)
 */
export async function floatPredictions(
  floatFile: string,
  ds: LabeledImages,
  n: number,
  tick: () => void = () => undefined,
): Promise<Uint8Array> {
  const bytes = readBytes(floatFile);
  const g = decodeModel(bytes, floatFile).graph!;
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const ins = (g.input ?? []).filter((i) => !inits.has(i.name));
  const bad = (path: string, expected: string, received: string): never => {
    throw new ConfigError(floatFile, [{ path, expected, received }]);
  };
  if (ins.length !== 1) bad('graph.input', 'one graph input (the image)', String(ins.length));
  const inp = ins[0]!;
  const tt = inp.type?.tensorType;
  const dims = (tt?.shape?.dim ?? []).map((d) => (d.dimValue == null ? NaN : toNum(d.dimValue)));
  const shape = `[${dims.map((d) => (Number.isNaN(d) ? '?' : d)).join(',')}]`;
  if (tt?.elemType !== 1) bad(`input "${inp.name}"`, 'a float (fp32) tensor', `element type ${tt?.elemType ?? 'none'}`);
  const batched = dims.length > 1 && Number.isNaN(dims[0]!) && dims.slice(1).every((d) => d > 0);
  if (
    !(batched || (dims.length > 0 && dims.every((d) => d > 0))) ||
    sizeOf(batched ? dims.slice(1) : dims) !== IMAGE_PIXELS
  )
    bad(`input "${inp.name}"`, `${IMAGE_PIXELS} values per image (fixed dimensions, or a free first one)`, shape);
  const ort = await loadOnnxRuntime();
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    return bad('(file)', `a float ONNX model ONNX Runtime can load${FLOAT_FIX}`, (e as Error).message.split('\n')[0]!);
  }
  const outName = session.outputNames[0]!;
  const out = new Uint8Array(n);
  const per = batched ? FLOAT_BATCH : 1;
  try {
    for (let i0 = 0; i0 < n; i0 += per) {
      const b = Math.min(per, n - i0);
      const x = new Float32Array(b * IMAGE_PIXELS);
      for (let j = 0; j < x.length; j++) x[j] = ds.images[i0 * IMAGE_PIXELS + j]! / 255;
      const r = await session.run({
        [inp.name!]: new ort.Tensor('float32', x, batched ? [b, ...dims.slice(1)] : dims),
      });
      const y = r[outName]!.data as Float32Array;
      const classes = y.length / b;
      for (let j = 0; j < b; j++) {
        out[i0 + j] = argmax(y.subarray(j * classes, (j + 1) * classes));
        tick();
      }
    }
  } catch (e) {
    return bad(
      '(file)',
      `a float ONNX model ONNX Runtime can run on the images${FLOAT_FIX}`,
      (e as Error).message.split('\n')[0]!,
    );
  } finally {
    await session.release();
  }
  return out;
}

/** Classes the network predicts among: the size of its (first) output's last dimension. */
export function classCount(net: Network): number {
  const shape = net.outputs[0]!.shape;
  return shape[shape.length - 1]!;
}

/**
 * Checks that every label of the first `n` images names one of the network's classes (0 to
 * classCount − 1): a label the network cannot predict would count as a wrong answer and lower
 * every accuracy alike, so it is bad input rather than data.
 * @throws ConfigError naming the labels file, the first such label and its index
 */
export function checkLabels(net: Network, ds: LabeledImages, n: number): void {
  const classes = classCount(net);
  const bad = ds.labels.subarray(0, n).findIndex((v) => v >= classes);
  if (bad >= 0)
    throw new ConfigError(ds.source.labels, [
      {
        path: `labels[${bad}]`,
        expected: `a class label 0..${classes - 1} (the model's output "${net.outputs[0]!.name}" has ${classes} classes)`,
        received: String(ds.labels[bad]),
      },
    ]);
}

/**
 * Checks that `floatFile` can be the float reference of the int8 network `net`: no quantization
 * ops, and the same input shape (the first, batch, dimension aside) and number of classes. A
 * float model of another network would report its own accuracy as this one's float figure.
 * @throws ConfigError naming the float model and what differs
 */
export function checkFloatModel(floatFile: string, net: Network): void {
  const g = readModel(floatFile).graph!;
  const bad = (path: string, expected: string, received: string): never => {
    throw new ConfigError(floatFile, [{ path, expected, received }]);
  };
  const q = (g.node ?? []).find((x) => QUANTIZED_OPS.has(x.opType ?? ''));
  if (q)
    bad(`node "${q.name ?? ''}" (${q.opType})`, 'a float model (--float-model): no quantization ops', String(q.opType));
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  type ValueInfo = NonNullable<typeof g.input>[number];
  const dimsOf = (vi: ValueInfo | undefined): string[] =>
    (vi?.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue == null ? '?' : String(toNum(d.dimValue))));
  const fin = dimsOf((g.input ?? []).find((i) => !inits.has(i.name)));
  const want = net.inputs[0]!.shape.map(String);
  if (fin.slice(1).join('×') !== want.slice(1).join('×'))
    bad(
      'graph.input',
      `the int8 model's input shape ${want.join('×')} (the first, batch, dimension aside): the float model of the same network`,
      fin.join('×') || 'none',
    );
  const fout = dimsOf((g.output ?? [])[0]);
  const classes = classCount(net);
  if (fout.at(-1) !== String(classes))
    bad(
      'graph.output',
      `${classes} classes in the last dimension, as the int8 model's output: the float model of the same network`,
      fout.join('×') || 'none',
    );
}

/** Imports an int8 model and checks that config `c` can run it: the issues when it cannot. */
export function loadNetwork(modelFile: string, c: ResolvedConfig): { net: Network; issues: NetworkIssue[] } {
  const net = importModel(readModel(modelFile), { source: modelFile });
  return { net, issues: checkNetwork(net, c, derive(c)) };
}

/** One image as the network's input tensor (pixel / 255 in fp32, or the raw pixels for a uint8 input). */
function inputOf(net: Network, ds: LabeledImages, i: number): Map<string, Tensor> {
  const inp = net.inputs[0]!;
  const n = sizeOf(inp.shape);
  const px = ds.images.subarray(i * IMAGE_PIXELS, i * IMAGE_PIXELS + n);
  const data = inp.dtype === 'float' ? Float64Array.from(px, (p) => Math.fround(p / 255)) : Float64Array.from(px);
  return new Map([[inp.name, { dtype: inp.dtype, dims: inp.shape, data }]]);
}

/** Exact-int8 predictions for the first `n` images. */
export function exactPredictions(
  net: Network,
  c: ResolvedConfig,
  ds: LabeledImages,
  n: number,
  tick: () => void = () => undefined,
): Uint8Array {
  const e = exactConfig(c);
  const de = derive(e);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = predict(net, infer(net, e, de, inputOf(net, ds, i), { liveOnly: true }).tensors);
    tick();
  }
  return out;
}

/** Sums behind one layer's LayerError (added across shards, then finished by {@link finishLayers}). */
export interface LayerSums {
  outputs: number;
  sumAbs: number;
  worst: number;
  sumRel: number;
  rels: number;
  sig: number;
  noise: number;
}

/** What the configured array did on a range of images. */
export interface ArrayRun {
  /** Predicted class of each image of the range. */
  predictions: Uint8Array;
  /** Per GEMM layer (network order): error sums against exact int8. */
  sums: LayerSums[];
  skipped: number;
  macs: number;
  /** Per GEMM layer: its M (rows of the GEMM) for one image. */
  rows: number[];
  /** Exact-int8 predicted class of each image of the range, when asked for (arrayRun's `withExact`). */
  exact?: Uint8Array;
}

/**
 * Runs the configured array over images [start, end): predictions, zero-skip counts, and the
 * per-layer error sums against exact int8 on the images with index < `layerImages`; with
 * `withExact`, also exact int8's predictions of the range (what {@link exactPredictions} gives,
 * from the same exact-int8 inference the layer errors use).
 */
export function arrayRun(
  net: Network,
  c: ResolvedConfig,
  ds: LabeledImages,
  end: number,
  layerImages: number,
  tick: () => void = () => undefined,
  start = 0,
  withExact = false,
): ArrayRun {
  const d = derive(c);
  const e = exactConfig(c);
  const de = derive(e);
  const skip = skipTables(net, c, d);
  const sums = net.layers.map(() => ({ outputs: 0, sumAbs: 0, worst: 0, sumRel: 0, rels: 0, sig: 0, noise: 0 }));
  const predictions = new Uint8Array(end - start);
  const exact = withExact ? new Uint8Array(end - start) : undefined;
  const rows = net.layers.map(() => 0);
  const index = new Map(net.layers.map((L, i) => [L, i]));
  let skipped = 0;
  let macs = 0;
  // Skipped products counted on the centred activations each GEMM ran (its im2col rows for a Conv).
  const countSkips: InferOptions = { liveOnly: true };
  if (skip.size > 0)
    countSkips.onGemm = (L, gemms) => {
      const st = skip.get(L)!;
      for (const { A } of gemms)
        for (let m = 0; m < A.rows; m++)
          for (let k = 0; k < A.cols; k++) skipped += st.table[k * st.span + A.data[m * A.cols + k]! - st.amin]!;
    };
  for (let i = start; i < end; i++) {
    const input = inputOf(net, ds, i);
    const r = infer(net, c, d, input, countSkips);
    predictions[i - start] = predict(net, r.tensors);
    for (const l of r.layers) {
      macs += l.macs;
      rows[index.get(l.layer)!] = l.M;
    }
    const x = i < layerImages || exact ? infer(net, e, de, input, { liveOnly: true }).tensors : null;
    if (exact) exact[i - start] = predict(net, x!);
    if (x && i < layerImages) {
      net.layers.forEach((L, li) => {
        const a = r.tensors.get(L.output)!.data;
        const ex = x.get(L.output)!.data;
        const z = L.output_.kind === 'requant' ? L.output_.zeroPoint : 0;
        const s = sums[li]!;
        for (let j = 0; j < a.length; j++) {
          const err = Math.abs(a[j]! - ex[j]!);
          s.outputs++;
          s.sumAbs += err;
          if (err > s.worst) s.worst = err;
          const ref = ex[j]! - z;
          if (ref !== 0) {
            s.sumRel += err / Math.abs(ref);
            s.rels++;
          }
          s.sig += ref * ref;
          s.noise += err * err;
        }
      });
    }
    tick();
  }
  return { predictions, sums, skipped, macs, rows, ...(exact ? { exact } : {}) };
}

/** Runs over consecutive image ranges put together (shards of one run, in order). */
export function mergeRuns(runs: ArrayRun[]): ArrayRun {
  const total = runs.reduce((a, r) => a + r.predictions.length, 0);
  const predictions = new Uint8Array(total);
  const withExact = runs.every((r) => r.exact);
  const exact = withExact ? new Uint8Array(total) : undefined;
  let o = 0;
  for (const r of runs) {
    predictions.set(r.predictions, o);
    exact?.set(r.exact!, o);
    o += r.predictions.length;
  }
  const sums = runs[0]!.sums.map((_, li) => {
    const all = runs.map((r) => r.sums[li]!);
    return {
      outputs: all.reduce((a, s) => a + s.outputs, 0),
      sumAbs: all.reduce((a, s) => a + s.sumAbs, 0),
      worst: Math.max(...all.map((s) => s.worst)),
      sumRel: all.reduce((a, s) => a + s.sumRel, 0),
      rels: all.reduce((a, s) => a + s.rels, 0),
      sig: all.reduce((a, s) => a + s.sig, 0),
      noise: all.reduce((a, s) => a + s.noise, 0),
    };
  });
  return {
    predictions,
    sums,
    skipped: runs.reduce((a, r) => a + r.skipped, 0),
    macs: runs.reduce((a, r) => a + r.macs, 0),
    rows: runs.find((r) => r.predictions.length > 0)?.rows ?? runs[0]!.rows,
    ...(exact ? { exact } : {}),
  };
}

/** The LayerErrors (docs/accuracy.md) from the sums. */
export function finishLayers(net: Network, sums: LayerSums[]): LayerError[] {
  return net.layers.map((L, li) => {
    const s = sums[li]!;
    return {
      layer: L.name,
      outputs: s.outputs,
      meanAbs: s.outputs ? s.sumAbs / s.outputs : NaN,
      worstAbs: s.worst,
      meanRel: s.rels ? s.sumRel / s.rels : NaN,
      snrDb: s.noise === 0 ? Infinity : 10 * Math.log10(s.sig / s.noise),
    };
  });
}

/** Assembles the report from the three runs' predictions. */
export function accuracyReport(
  net: Network,
  c: ResolvedConfig,
  ds: LabeledImages,
  n: number,
  floatPred: Uint8Array | null,
  exactPred: Uint8Array,
  run: ArrayRun,
  layerImages: number,
): AccuracyReport {
  const labels = ds.labels.subarray(0, n);
  const d = derive(c);
  return {
    images: n,
    float: floatPred ? top1Accuracy(floatPred, labels, ds.classNames) : null,
    exact: top1Accuracy(exactPred, labels, ds.classNames),
    array: top1Accuracy(run.predictions, labels, ds.classNames),
    agreement: agreement(run.predictions, exactPred),
    layers: finishLayers(net, run.sums),
    layerErrorImages: Math.min(n, layerImages),
    zeroSkipRate: d.skip ? run.skipped / run.macs : null,
    macsPerImage: run.macs / n,
    cyclesPerImage: cyclesPerImage(net, c, d, (L) => run.rows[net.layers.indexOf(L)] ?? 0),
  };
}

/** What one shard process runs (accuracy-shard.ts). */
export interface ShardJob {
  config: ResolvedConfig;
  model: string;
  images: string;
  labels: string;
  start: number;
  end: number;
  layerImages: number;
  /** Also exact int8's predictions of the range (ArrayRun.exact). */
  withExact: boolean;
}

/** Images per shard below which a run stays in this process (a shard's start-up costs about half a second). */
export const MIN_SHARD_IMAGES = 250;

export interface ParallelOptions {
  /** Shard processes at most (each takes a slot of the job pool while it runs). */
  jobs: number;
  /** Images per shard below which the run stays in this process (default MIN_SHARD_IMAGES). */
  minShard?: number;
  /** Called once per image finished. */
  tick?: () => void;
  /** Also exact int8's predictions (ArrayRun.exact), computed in the same processes. */
  withExact?: boolean;
}

/**
 * The configured-array run (and, with `o.withExact`, exact int8's predictions) over the first `n` images, split into consecutive ranges run by up to
 * `jobs` shard processes in parallel when each gets at least `minShard` images; else in this
 * process. A shard is a node process running accuracy-shard (with this process's loader flags),
 * started through runTool, so it is tracked and ended with axgen like every other tool, and it
 * takes a slot of the job pool (generator/infra/pool.ts). Same result either way (ranges put
 * together in order, sums added; test/inference/accuracy.test.ts checks it).
 * @throws Error naming the shard and its images when a shard process fails
 */
export async function arrayRunParallel(
  net: Network,
  modelFile: string,
  c: ResolvedConfig,
  ds: LabeledImages,
  n: number,
  layerImages: number,
  o: ParallelOptions,
): Promise<ArrayRun> {
  const tick = o.tick ?? (() => undefined);
  const shards = Math.max(1, Math.min(o.jobs, Math.floor(n / Math.max(1, o.minShard ?? MIN_SHARD_IMAGES))));
  const withExact = o.withExact ?? false;
  if (shards < 2) return arrayRun(net, c, ds, n, layerImages, tick, 0, withExact);
  const [{ fileURLToPath }, { runTool }, { jobPool }] = await Promise.all([
    import('node:url'),
    import('../infra/children.js'),
    import('../infra/pool.js'),
  ]);
  const entry = fileURLToPath(import.meta.url).replace(/accuracy\.(ts|js)$/, 'accuracy-shard.$1');
  // From the TypeScript sources (tsx, vitest), the shard needs tsx's loader too.
  const loader =
    entry.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx'))
      ? ['--import', import.meta.resolve('tsx')]
      : [];
  const runs = await Promise.all(
    Array.from({ length: shards }, (_, s) => {
      const start = Math.floor((s * n) / shards);
      const end = Math.floor(((s + 1) * n) / shards);
      const job: ShardJob = {
        config: c,
        model: modelFile,
        images: ds.source.images,
        labels: ds.source.labels,
        start,
        end,
        layerImages,
        withExact,
      };
      return jobPool.run(async () => {
        const r = await runTool(process.execPath, [...process.execArgv, ...loader, entry], {
          input: JSON.stringify(job),
          onStderr: (chunk) => {
            for (const ch of chunk) if (ch === '\x01') tick();
          },
        });
        if (r.exitCode !== 0 || r.failed) {
          const err = String(r.stderr ?? '')
            .replaceAll('\x01', '')
            .trim();
          throw new Error(
            `accuracy shard ${s} (images ${start}..${end - 1}) ${r.exitCode === undefined ? 'could not start' : `exited ${r.exitCode}`}: ${err || r.message}`,
          );
        }
        const out = JSON.parse(String(r.stdout)) as Omit<ArrayRun, 'predictions' | 'exact'> & {
          predictions: number[];
          exact?: number[];
        };
        const { exact, ...rest } = out;
        return {
          ...rest,
          predictions: Uint8Array.from(out.predictions),
          ...(exact ? { exact: Uint8Array.from(exact) } : {}),
        };
      });
    }),
  );
  return mergeRuns(runs);
}
