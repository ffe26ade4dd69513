/**
 * Golden-model inference of an imported network (generator/onnx/import.ts), layer by layer, with
 * the configured unit, zero-skip and accumulator.
 *
 * A GEMM layer is the array's golden model applied to the layer's GEMM: the operands are centred
 * on their zero points (the multiplier sees x − z_x and w − z_w, one bit wider and signed when a
 * zero point is not 0), the weights are mapped by the unit (ASM), and the product sum is the array's
 * (`gemmModel`, through its bit-exact fast path `fastGemm`). Cutting the GEMM into the host
 * schedule's M/N tiles (generator/model/schedule.ts) does not change any element's sum, which runs
 * k ascending over the whole K (K ≤ array.maxK, checked by check.ts), so the layer's result is the
 * tiles' results put together. The bias is added in the accumulator's format, then the layer's
 * output is requantized by the chosen rule (requant.ts):
 *   'onnx-float'  ONNX's definition as ONNX Runtime computes it (fp32 scale, round half to even);
 *   'fixed-point' the output stage's integer multiplier and shift (round half away from zero).
 * With an output stage in the config (`outputStage`), a requantized layer leaves the array through
 * it: that layer always uses the fixed-point rule (the stage's, applyOutputStage), whatever
 * `requant` says, because that is what the hardware computes.
 * Host steps (pooling, ReLU, reshapes, (de)quantization, Softmax) run in plain integer code, or
 * in fp32 where ONNX defines them on dequantized values (AveragePool, Clip, Softmax).
 */
import type { Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { accumulateNum, fastGemm, type Mat } from '../model/fast-gemm.js';
import {
  clampTo,
  dequantizeLinear,
  quantizeLinearIn,
  quantizeScale,
  requantFixed,
  outRange,
  requantFloatIn,
  type OutFormat,
  type OutputStage,
} from '../model/requant.js';
import { intRange, sizeOf, type DType, type Tensor } from '../onnx/read.js';
import type { GemmLayer, Network, Step } from '../onnx/import.js';
import { ConfigError } from '../infra/errors.js';

export type RequantRule = 'onnx-float' | 'fixed-point';

export interface InferOptions {
  requant?: RequantRule;
  /** Also apply the other rule to every output and count where they differ (LayerRun.requantDiffs). */
  compareRules?: boolean;
  /**
   * Layer-by-layer comparison with another implementation: when a step's output is in this map,
   * the following steps read this value instead of axgen's (result.tensors keeps axgen's own),
   * so a difference in one layer does not propagate into the next ones.
   */
  feed?: Map<string, Tensor>;
  /**
   * Called once per GEMM layer with the GEMM(s) it ran (one per weight batch: a Conv is one GEMM
   * of its im2col rows, a batched MatMul one per batch): A the zero-point-centred activations
   * (M×K), accs the array's accumulators before the bias (M×N, row-major), batch the index into
   * layer.weights. What `axgen infer` co-simulates on the RTL (sim/network.ts).
   */
  onGemm?: (layer: GemmLayer, gemms: LayerGemm[]) => void;
  /**
   * Accumulators computed elsewhere (the RTL's result words, sim/network.ts): when this returns an
   * M×N array for a layer's weight batch, it replaces the golden GEMM's, and the bias add,
   * requantization and the following steps run on it.
   */
  accumulators?: (layer: GemmLayer, batch: number) => Float64Array | undefined;
  /**
   * With an output stage: a requantized layer's results computed elsewhere (the RTL's output-stage
   * words, sim/network.ts), M×N per weight batch; when given for every batch they are the layer's
   * outputs and the following steps run on them.
   */
  stageOutputs?: (layer: GemmLayer, batch: number) => Float64Array | undefined;
  /**
   * Skip the host steps whose output nothing needs: neither a graph output nor read (directly or
   * through other steps) by a graph output or a GEMM layer (e.g. a DequantizeLinear of a layer's
   * output that only the float graph would read). Every GEMM layer still runs; result.tensors
   * then lacks the skipped steps' tensors. What `axgen accuracy` uses: its runs read the graph
   * output and the layers' outputs only.
   */
  liveOnly?: boolean;
}

/** One GEMM a layer ran: centred activations and the golden accumulators (see InferOptions.onGemm). */
export interface LayerGemm {
  batch: number;
  A: Mat;
  accs: Float64Array;
  /** With an output stage on a requantized layer: the stage's results for these accumulators (M×N). */
  outs?: Float64Array;
}

/** What one GEMM layer did: its size and, for requantized layers, both rules' outputs compared. */
export interface LayerRun {
  layer: GemmLayer;
  M: number;
  macs: number;
  /** Output elements where the fixed-point and the fp32 rule give different integers (with compareRules; else 0). */
  requantDiffs: number;
  /** Output elements compared for requantDiffs (0 without compareRules or for int32 outputs). */
  outputs: number;
}

export interface InferResult {
  /** Every tensor computed, by name (graph outputs and every layer's output included). */
  tensors: Map<string, Tensor>;
  layers: LayerRun[];
}

export function formatOf(t: DType): OutFormat {
  const r = intRange(t);
  if (!r) throw new Error(`internal error: ${t} is not an integer type`);
  return { bits: t.endsWith('8') ? 8 : t.endsWith('16') ? 16 : 32, signed: t.startsWith('int') };
}

/**
 * Runs `net` on `inputs` (one tensor per graph input, matching its declared type and shape).
 * Errors: a missing input or one whose shape/type differs → ConfigError naming it.
 */
export function infer(
  net: Network,
  c: ResolvedConfig,
  d: Derived,
  inputs: Map<string, Tensor>,
  opts: InferOptions = {},
): InferResult {
  const rule = opts.requant ?? 'onnx-float';
  const T = new Map<string, Tensor>();
  for (const i of net.inputs) {
    const t = inputs.get(i.name);
    if (!t)
      throw new ConfigError('input', [
        {
          path: `input "${i.name}"`,
          expected: `${/^[aeiou]/.test(i.dtype) ? 'an' : 'a'} ${i.dtype} tensor of shape [${i.shape.join(',')}]`,
          received: 'nothing',
        },
      ]);
    if (t.dtype !== i.dtype || sizeOf(t.dims) !== sizeOf(i.shape))
      throw new ConfigError('input', [
        {
          path: `input "${i.name}"`,
          expected: `${/^[aeiou]/.test(i.dtype) ? 'an' : 'a'} ${i.dtype} tensor of shape [${i.shape.join(',')}]`,
          received: `${t.dtype} [${t.dims.join(',')}]`,
        },
      ]);
    T.set(i.name, { ...t, dims: i.shape });
  }
  const layers: LayerRun[] = [];
  const env = new Map(T);
  const get = (n: string) => {
    const t = env.get(n);
    if (!t) throw new Error(`internal error: tensor "${n}" not computed`);
    return t;
  };
  const live = opts.liveOnly ? liveSteps(net) : null;
  for (const s of net.steps) {
    if (live && !live.has(s)) continue;
    if (s.kind === 'gemm') {
      const { out, run } = runGemm(
        s.layer,
        get(s.layer.input),
        c,
        d,
        rule,
        opts.compareRules ?? false,
        opts.onGemm,
        opts.accumulators,
        opts.stageOutputs,
      );
      T.set(s.layer.output, out);
      env.set(s.layer.output, opts.feed?.get(s.layer.output) ?? out);
      layers.push(run);
    } else {
      const out = runHost(s, get(s.input));
      T.set(s.output, out);
      env.set(s.output, opts.feed?.get(s.output) ?? out);
    }
  }
  return { tensors: T, layers };
}

const liveCache = new WeakMap<Network, Set<Step>>();

/** The steps a graph output or a GEMM layer needs (every GEMM step included), see InferOptions.liveOnly. */
function liveSteps(net: Network): Set<Step> {
  let live = liveCache.get(net);
  if (live) return live;
  live = new Set();
  const needed = new Set(net.outputs.map((o) => o.name));
  for (let i = net.steps.length - 1; i >= 0; i--) {
    const s = net.steps[i]!;
    const [input, output] = s.kind === 'gemm' ? [s.layer.input, s.layer.output] : [s.input, s.output];
    if (s.kind === 'gemm' || needed.has(output)) {
      live.add(s);
      needed.add(input);
    }
  }
  liveCache.set(net, live);
  return live;
}

/** im2col of an NCHW input, centred on the zero point: rows (b, oy, ox), columns (ci, i, j). */
export function im2col(L: GemmLayer, x: Tensor): Mat {
  const g = L.conv!;
  const [B, C, H, W] = x.dims as [number, number, number, number];
  const [OH, OW] = [L.outShape[2]!, L.outShape[3]!];
  const [kh, kw] = g.kernel;
  const K = C * kh * kw;
  const M = B * OH * OW;
  const data = new Int32Array(M * K);
  const z = L.inZeroPoint;
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        const row = ((b * OH + oy) * OW + ox) * K;
        let k = 0;
        for (let ci = 0; ci < C; ci++)
          for (let i = 0; i < kh; i++) {
            const y = oy * g.strides[0] - g.pads[0] + i * g.dilations[0];
            for (let j = 0; j < kw; j++, k++) {
              const xx = ox * g.strides[1] - g.pads[1] + j * g.dilations[1];
              // Padding holds the zero point: centred, it is 0.
              data[row + k] = y < 0 || y >= H || xx < 0 || xx >= W ? 0 : x.data[((b * C + ci) * H + y) * W + xx]! - z;
            }
          }
      }
  return { rows: M, cols: K, data };
}

const weightCache = new WeakMap<GemmLayer, WeakMap<ResolvedConfig, Mat[]>>();

/** Centred, unit-mapped weights of batch b (K×N), computed once per layer and config. */
export function weightMat(L: GemmLayer, b: number, c: ResolvedConfig, d: Derived): Mat {
  let byConfig = weightCache.get(L);
  if (!byConfig) weightCache.set(L, (byConfig = new WeakMap()));
  let mats = byConfig.get(c);
  if (!mats) byConfig.set(c, (mats = []));
  return (mats[b] ??= centredWeights(L, b, c, d));
}

function centredWeights(L: GemmLayer, b: number, c: ResolvedConfig, d: Derived): Mat {
  const src = L.weights[b]!;
  const data = new Int32Array(L.K * L.N);
  for (let k = 0; k < L.K; k++)
    for (let n = 0; n < L.N; n++)
      data[k * L.N + n] = d.unit.mapWeight(src[k * L.N + n]! - L.wZeroPoint[n]!, c.multiplier, d.ctx);
  return { rows: L.K, cols: L.N, data };
}

/** The fixed-point output stage of a requantized layer (scales from its fp32 scales). */
export function outputStage(L: GemmLayer): OutputStage {
  if (L.output_.kind !== 'requant') throw new Error(`internal error: layer ${L.name} has no requantization`);
  return {
    bias: L.bias ? Array.from(L.bias) : null,
    scales: Array.from(L.output_.scale, (s) => quantizeScale(s)),
    zeroPoint: L.output_.zeroPoint,
    relu: L.output_.relu,
    out: formatOf(L.output_.dtype),
  };
}

function runGemm(
  L: GemmLayer,
  x: Tensor,
  c: ResolvedConfig,
  d: Derived,
  ruleIn: RequantRule,
  compare: boolean,
  onGemm?: InferOptions['onGemm'],
  given?: InferOptions['accumulators'],
  givenOuts?: InferOptions['stageOutputs'],
): { out: Tensor; run: LayerRun } {
  // The array's output stage requantizes this layer: its rule is the stage's.
  const inStage = d.out !== null && L.output_.kind === 'requant';
  const rule: RequantRule = inStage ? 'fixed-point' : ruleIn;
  const gemm = (b: number, A: Mat): Float64Array => {
    const y = given?.(L, b);
    if (y && y.length !== A.rows * L.N)
      throw new Error(`internal error: ${L.name}: ${y.length} given accumulators for a ${A.rows}×${L.N} result`);
    return y ?? fastGemm(c, d, A, weightMat(L, b, c, d));
  };
  const batches = L.weights.length;
  const Y: Float64Array[] = [];
  const gemms: LayerGemm[] = [];
  let M = 0;
  if (L.conv) {
    const A = im2col(L, x);
    M = A.rows;
    Y.push(gemm(0, A));
    if (onGemm) gemms.push({ batch: 0, A, accs: Y[0]! });
  } else {
    const rows = sizeOf(x.dims) / L.K;
    M = rows;
    const per = rows / batches;
    for (let b = 0; b < batches; b++) {
      const data = new Int32Array(per * L.K);
      for (let i = 0; i < data.length; i++) data[i] = x.data[b * per * L.K + i]! - L.inZeroPoint;
      Y.push(gemm(b, { rows: per, cols: L.K, data }));
      if (onGemm) gemms.push({ batch: b, A: { rows: per, cols: L.K, data }, accs: Y[b]! });
    }
  }
  // Y rows in batch order, M×N overall.
  const N = L.N;
  let accs = Y[0]!;
  if (Y.length > 1) {
    accs = new Float64Array(M * N);
    let o = 0;
    for (const y of Y) {
      accs.set(y, o);
      o += y.length;
    }
  }
  const outLen = M * N;
  const res = new Float64Array(outLen);
  let diffs = 0;
  // acc + bias in the accumulator's format: the plain sum while it lies in the accumulator's range
  // (and is a safe integer), else accumulateNum, which wraps or saturates it.
  const bias = L.bias;
  const accLo = Math.max(d.accSigned ? -(2 ** (d.accBits - 1)) : 0, -Number.MAX_SAFE_INTEGER);
  const accHi = Math.min(d.accSigned ? 2 ** (d.accBits - 1) - 1 : 2 ** d.accBits - 1, Number.MAX_SAFE_INTEGER);
  const withBias = (v: number, n: number): number => {
    if (!bias) return v;
    const s = v + bias[n]!;
    return s >= accLo && s <= accHi ? s : accumulateNum(d, v, bias[n]!);
  };
  if (L.output_.kind === 'int32') {
    for (let i = 0; i < outLen; i++) res[i] = withBias(accs[i]!, i % N);
  } else {
    const q = L.output_;
    const st = rule === 'fixed-point' || compare ? outputStage(L) : null;
    const { min, max } = outRange(formatOf(q.dtype));
    for (let m = 0, i = 0; m < M; m++)
      for (let n = 0; n < N; n++, i++) {
        const fixed = st ? requantFixed(BigInt(accs[i]!), n, st, d) : 0;
        let flt = 0;
        if (rule === 'onnx-float' || compare)
          flt = requantFloatIn(withBias(accs[i]!, n), q.scale[n]!, q.zeroPoint, q.relu, min, max);
        if (compare && fixed !== flt) diffs++;
        res[i] = rule === 'fixed-point' ? fixed : flt;
      }
  }
  if (inStage) {
    // Results the RTL's output stage produced replace the model's, batch by batch.
    let at = 0;
    Y.forEach((y, b) => {
      const got = givenOuts?.(L, b);
      if (got) {
        if (got.length !== y.length)
          throw new Error(`internal error: ${L.name}: ${got.length} given stage outputs for ${y.length} results`);
        res.set(got, at);
      }
      if (onGemm) gemms[b]!.outs = res.slice(at, at + y.length);
      at += y.length;
    });
  }
  onGemm?.(L, gemms);
  // Back to the output layout: Conv rows (b, oy, ox) → NCHW.
  let data = res;
  if (L.conv) {
    const [B, Cout, OH, OW] = L.outShape as [number, number, number, number];
    data = new Float64Array(outLen);
    for (let b = 0; b < B; b++)
      for (let p = 0; p < OH * OW; p++)
        for (let n = 0; n < Cout; n++) data[(b * Cout + n) * OH * OW + p] = res[(b * OH * OW + p) * N + n]!;
  }
  const dtype: DType = L.output_.kind === 'int32' ? 'int32' : L.output_.dtype;
  return {
    out: { dtype, dims: L.outShape, data },
    run: {
      layer: L,
      M,
      macs: M * L.K * N,
      requantDiffs: diffs,
      outputs: L.output_.kind === 'int32' || !compare ? 0 : outLen,
    },
  };
}

function pool(s: Extract<Step, { kind: 'maxpool' | 'avgpool' }>, x: Tensor): Tensor {
  const [B, C, H, W] = x.dims as [number, number, number, number];
  const g = s.geom;
  const OH = Math.floor((H + g.pads[0] + g.pads[2] - g.dilations[0] * (g.kernel[0] - 1) - 1) / g.strides[0]) + 1;
  const OW = Math.floor((W + g.pads[1] + g.pads[3] - g.dilations[1] * (g.kernel[1] - 1) - 1) / g.strides[1]) + 1;
  const data = new Float64Array(B * C * OH * OW);
  if (s.kind === 'maxpool') {
    // The maximum alone (padding never wins: it is not a value).
    for (let bc = 0; bc < B * C; bc++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let best = -Infinity;
          for (let i = 0; i < g.kernel[0]; i++) {
            const y = oy * g.strides[0] - g.pads[0] + i * g.dilations[0];
            if (y < 0 || y >= H) continue;
            for (let j = 0; j < g.kernel[1]; j++) {
              const xx = ox * g.strides[1] - g.pads[1] + j * g.dilations[1];
              if (xx < 0 || xx >= W) continue;
              const v = x.data[(bc * H + y) * W + xx]!;
              if (v > best) best = v;
            }
          }
          data[(bc * OH + oy) * OW + ox] = best;
        }
    return { dtype: x.dtype, dims: [B, C, OH, OW], data };
  }
  // AveragePool: fp32 sum, divided by the count (with or without the padding, count_include_pad).
  for (let bc = 0; bc < B * C; bc++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        let sum = 0;
        let count = 0;
        for (let i = 0; i < g.kernel[0]; i++)
          for (let j = 0; j < g.kernel[1]; j++) {
            const y = oy * g.strides[0] - g.pads[0] + i * g.dilations[0];
            const xx = ox * g.strides[1] - g.pads[1] + j * g.dilations[1];
            if (y < 0 || y >= H || xx < 0 || xx >= W) {
              if (s.countIncludePad) count++;
              continue;
            }
            const v = x.data[(bc * H + y) * W + xx]!;
            sum = Math.fround(sum + v);
            count++;
          }
        data[(bc * OH + oy) * OW + ox] = Math.fround(sum / count);
      }
  return { dtype: x.dtype, dims: [B, C, OH, OW], data };
}

function runHost(s: Exclude<Step, { kind: 'gemm' }>, x: Tensor): Tensor {
  switch (s.kind) {
    case 'alias':
      return x;
    case 'reshape':
      return { ...x, dims: s.shape };
    case 'relu':
      return { ...x, data: x.data.map((v) => (v < s.floor ? s.floor : v)) };
    case 'maxpool':
    case 'avgpool':
      return pool(s, x);
    case 'clip':
      return { ...x, data: x.data.map((v) => Math.fround(clampTo(v, { min: s.min, max: s.max }))) };
    case 'quantize': {
      const { min, max } = outRange(formatOf(s.dtype));
      if (s.axisScales) {
        const inner = sizeOf(x.dims.slice(s.axis! + 1));
        const chans = x.dims[s.axis!]!;
        return {
          dtype: s.dtype,
          dims: x.dims,
          data: x.data.map((v, i) => {
            const ch = Math.floor(i / inner) % chans;
            return quantizeLinearIn(v, s.axisScales![ch]!, s.axisZps![ch]!, min, max);
          }),
        };
      }
      return {
        dtype: s.dtype,
        dims: x.dims,
        data: x.data.map((v) => quantizeLinearIn(v, s.scale, s.zeroPoint, min, max)),
      };
    }
    case 'dequantize': {
      const inner = sizeOf(x.dims.slice(s.axis + 1));
      const chans = x.dims[s.axis] ?? 1;
      return {
        dtype: 'float',
        dims: x.dims,
        data: x.data.map((v, i) => {
          const ch = s.scale.length === 1 ? 0 : Math.floor(i / inner) % chans;
          return dequantizeLinear(v, s.scale[ch]!, s.zeroPoint[ch] ?? 0);
        }),
      };
    }
    case 'softmax': {
      const inner = sizeOf(x.dims.slice(s.axis + 1));
      const n = x.dims[s.axis]!;
      const data = new Float64Array(x.data.length);
      const outer = x.data.length / (n * inner);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          const at = (k: number) => (o * n + k) * inner + i;
          let mx = -Infinity;
          for (let k = 0; k < n; k++) mx = Math.max(mx, x.data[at(k)]!);
          let sum = 0;
          for (let k = 0; k < n; k++) sum += Math.exp(x.data[at(k)]! - mx);
          for (let k = 0; k < n; k++) data[at(k)] = Math.fround(Math.exp(x.data[at(k)]! - mx) / sum);
        }
      return { dtype: 'float', dims: x.dims, data };
    }
  }
}
