/**
 * Floating-point inference of a float ONNX model (the reference networks as trained): what
 * `axgen quantize` calibrates on (its per-tensor min/max, so the shipped int8 models stay what this
 * code computes). `axgen accuracy`'s float accuracy is ONNX Runtime's, not this code's
 * (accuracy.ts `floatPredictions`: the reference runtime for a float model, and 50 times faster on
 * the CNN; on the 10,000 Fashion-MNIST test images both predict the same class for both networks,
 * 2026-12-06).
 *
 * Supported ops: Conv (group 1, 2-D, explicit pads), Gemm (alpha = beta = 1, transA = 0, transB
 * 0 or 1), MatMul (2-D), Add of a constant, Relu, MaxPool (2-D, explicit pads, no ceil_mode),
 * Flatten, Reshape (constant shape), Identity. Sums are computed in double and every op's output is
 * rounded to fp32 (ONNX Runtime sums in fp32 in another order: the logits can differ in their last
 * bits, so a prediction can differ where two logits are within ~1e-6; this is a real-valued
 * reference, not a bit-exact one). Anything else is a user error naming the node.
 */
import { ConfigError } from '../infra/errors.js';
import { type ModelProto, type NodeProto, sizeOf, type Tensor, tensorFromProto, toNum } from '../onnx/read.js';

/** A prepared float model: initializers decoded once, nodes in graph order. */
export interface FloatModel {
  source: string;
  input: { name: string; dims: number[] };
  outputs: string[];
  nodes: NodeProto[];
  consts: Map<string, Tensor>;
}

export const FLOAT_OPS = [
  'Conv',
  'Gemm',
  'MatMul',
  'Add',
  'Relu',
  'MaxPool',
  'Flatten',
  'Reshape',
  'Identity',
] as const;

const fail = (source: string, path: string, expected: string, received: string): never => {
  throw new ConfigError(source, [{ path, expected, received }]);
};

function attr(n: NodeProto, name: string): { i?: number; ints?: number[]; f?: number } | undefined {
  const a = n.attribute?.find((x) => x.name === name);
  if (!a) return undefined;
  return { i: a.i == null ? undefined : toNum(a.i), ints: a.ints?.map(toNum), f: a.f ?? undefined };
}

/**
 * Prepares a float model for {@link runFloat}. Errors (ConfigError naming `source` and the node):
 * more than one graph input, a dynamic input dimension, an op outside {@link FLOAT_OPS}, or an
 * attribute outside the supported forms.
 */
export function prepareFloat(m: ModelProto, source: string): FloatModel {
  const g = m.graph!;
  const consts = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) consts.set(t.name!, tensorFromProto(t, source));
  const ins = (g.input ?? []).filter((i) => !consts.has(i.name!));
  if (ins.length !== 1) fail(source, 'graph.input', 'one graph input', `${ins.length}`);
  const dims = (ins[0]!.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue == null ? NaN : toNum(d.dimValue)));
  if (dims.length === 0 || dims.some((d) => !(d > 0)))
    fail(source, `input "${ins[0]!.name}"`, 'fixed dimensions', `[${dims.join(',')}]`);
  for (const n of g.node ?? []) {
    const label = `node "${n.name || n.output?.[0]}" (${n.opType})`;
    if (!(FLOAT_OPS as readonly string[]).includes(n.opType!))
      fail(source, label, `a float op among ${FLOAT_OPS.join(', ')}`, n.opType!);
    if (n.opType === 'Conv' && (attr(n, 'group')?.i ?? 1) !== 1)
      fail(source, label, 'group = 1', String(attr(n, 'group')?.i));
    if (n.opType === 'Conv' && attr(n, 'auto_pad') !== undefined) fail(source, label, 'explicit pads', 'auto_pad');
    if (
      n.opType === 'Gemm' &&
      ((attr(n, 'alpha')?.f ?? 1) !== 1 || (attr(n, 'beta')?.f ?? 1) !== 1 || (attr(n, 'transA')?.i ?? 0) !== 0)
    )
      fail(source, label, 'alpha = beta = 1, transA = 0', 'other');
    if (n.opType === 'MaxPool' && (attr(n, 'ceil_mode')?.i ?? 0) !== 0)
      fail(source, label, 'ceil_mode = 0', 'ceil_mode = 1');
    if (n.opType === 'Constant') fail(source, label, 'initializers', 'Constant');
  }
  return {
    source,
    input: { name: ins[0]!.name!, dims },
    outputs: (g.output ?? []).map((o) => o.name!),
    nodes: g.node ?? [],
    consts,
  };
}

const f32 = Math.fround;

function conv(n: NodeProto, x: Tensor, w: Tensor, b: Tensor | undefined): Tensor {
  const [B, C, H, W] = x.dims as [number, number, number, number];
  const [CO, CI, KH, KW] = w.dims as [number, number, number, number];
  if (CI !== C) throw new Error(`internal error: conv channels ${CI} vs ${C}`);
  const st = attr(n, 'strides')?.ints ?? [1, 1];
  const pd = attr(n, 'pads')?.ints ?? [0, 0, 0, 0];
  const dl = attr(n, 'dilations')?.ints ?? [1, 1];
  const OH = Math.floor((H + pd[0]! + pd[2]! - dl[0]! * (KH - 1) - 1) / st[0]!) + 1;
  const OW = Math.floor((W + pd[1]! + pd[3]! - dl[1]! * (KW - 1) - 1) / st[1]!) + 1;
  const out = new Float64Array(B * CO * OH * OW);
  const xd = x.data;
  const wd = w.data;
  // Sum order per output: bias, then (ci, i, j) ascending, as a straight loop would; the loops are
  // arranged so that the innermost runs along a row of outputs.
  for (let bi = 0; bi < B; bi++)
    for (let co = 0; co < CO; co++) {
      const obase = (bi * CO + co) * OH * OW;
      if (b) out.fill(b.data[co]!, obase, obase + OH * OW);
      for (let ci = 0; ci < C; ci++)
        for (let i = 0; i < KH; i++)
          for (let j = 0; j < KW; j++) {
            const wv = wd[((co * CI + ci) * KH + i) * KW + j]!;
            const dx = j * dl[1]! - pd[1]!;
            const lo = Math.max(0, Math.ceil(-dx / st[1]!));
            const hi = Math.min(OW, Math.floor((W - 1 - dx) / st[1]!) + 1);
            for (let oy = 0; oy < OH; oy++) {
              const y = oy * st[0]! - pd[0]! + i * dl[0]!;
              if (y < 0 || y >= H) continue;
              const xrow = ((bi * C + ci) * H + y) * W + dx;
              const orow = obase + oy * OW;
              for (let ox = lo; ox < hi; ox++) out[orow + ox]! += wv * xd[xrow + ox * st[1]!]!;
            }
          }
      for (let o = obase; o < obase + OH * OW; o++) out[o] = f32(out[o]!);
    }
  return { dtype: 'float', dims: [B, CO, OH, OW], data: out };
}

function gemm(x: Tensor, w: Tensor, b: Tensor | undefined, transB: boolean): Tensor {
  const M = x.dims.length === 2 ? x.dims[0]! : sizeOf(x.dims.slice(0, -1));
  const K = x.dims[x.dims.length - 1]!;
  const N = transB ? w.dims[0]! : w.dims[1]!;
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let nn = 0; nn < N; nn++) {
      let s = b ? b.data[b.data.length === 1 ? 0 : nn]! : 0;
      if (transB) for (let k = 0; k < K; k++) s += x.data[m * K + k]! * w.data[nn * K + k]!;
      else for (let k = 0; k < K; k++) s += x.data[m * K + k]! * w.data[k * N + nn]!;
      out[m * N + nn] = f32(s);
    }
  return { dtype: 'float', dims: [...x.dims.slice(0, -1), N], data: out };
}

function maxpool(n: NodeProto, x: Tensor): Tensor {
  const [B, C, H, W] = x.dims as [number, number, number, number];
  const k = attr(n, 'kernel_shape')!.ints!;
  const st = attr(n, 'strides')?.ints ?? [1, 1];
  const pd = attr(n, 'pads')?.ints ?? [0, 0, 0, 0];
  const OH = Math.floor((H + pd[0]! + pd[2]! - k[0]!) / st[0]!) + 1;
  const OW = Math.floor((W + pd[1]! + pd[3]! - k[1]!) / st[1]!) + 1;
  const out = new Float64Array(B * C * OH * OW);
  for (let bc = 0; bc < B * C; bc++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        let best = -Infinity;
        for (let i = 0; i < k[0]!; i++)
          for (let j = 0; j < k[1]!; j++) {
            const y = oy * st[0]! - pd[0]! + i;
            const xx = ox * st[1]! - pd[1]! + j;
            if (y >= 0 && y < H && xx >= 0 && xx < W) best = Math.max(best, x.data[(bc * H + y) * W + xx]!);
          }
        out[(bc * OH + oy) * OW + ox] = best;
      }
  return { dtype: 'float', dims: [B, C, OH, OW], data: out };
}

/**
 * Runs the model on one input (float32 values, the declared shape). Returns every tensor the
 * graph computes, by name (the input included). Shapes: NCHW for Conv and MaxPool, [M, K] for Gemm.
 */
export function runFloat(fm: FloatModel, input: Tensor): Map<string, Tensor> {
  const T = new Map<string, Tensor>([[fm.input.name, { dtype: 'float', dims: fm.input.dims, data: input.data }]]);
  const get = (name: string): Tensor => {
    const t = T.get(name) ?? fm.consts.get(name);
    if (!t) fail(fm.source, `tensor "${name}"`, 'a computed tensor or an initializer', 'neither');
    return t!;
  };
  for (const n of fm.nodes) {
    const ins = n.input ?? [];
    let y: Tensor;
    switch (n.opType) {
      case 'Conv':
        y = conv(n, get(ins[0]!), get(ins[1]!), ins[2] ? get(ins[2]) : undefined);
        break;
      case 'Gemm':
        y = gemm(get(ins[0]!), get(ins[1]!), ins[2] ? get(ins[2]) : undefined, (attr(n, 'transB')?.i ?? 0) === 1);
        break;
      case 'MatMul':
        y = gemm(get(ins[0]!), get(ins[1]!), undefined, false);
        break;
      case 'Add': {
        const [a, b] = [get(ins[0]!), get(ins[1]!)];
        const inner = b.data.length;
        y = { dtype: 'float', dims: a.dims, data: a.data.map((v, i) => f32(v + b.data[i % inner]!)) };
        break;
      }
      case 'Relu': {
        const x = get(ins[0]!);
        y = { ...x, data: x.data.map((v) => (v < 0 ? 0 : v)) };
        break;
      }
      case 'MaxPool':
        y = maxpool(n, get(ins[0]!));
        break;
      case 'Flatten': {
        const x = get(ins[0]!);
        const ax = attr(n, 'axis')?.i ?? 1;
        y = { ...x, dims: [sizeOf(x.dims.slice(0, ax)), sizeOf(x.dims.slice(ax))] };
        break;
      }
      case 'Reshape': {
        const x = get(ins[0]!);
        const s = Array.from(get(ins[1]!).data);
        const known = s.reduce((a, v, i) => (v === -1 ? a : a * (v === 0 ? x.dims[i]! : v)), 1);
        y = { ...x, dims: s.map((v, i) => (v === -1 ? sizeOf(x.dims) / known : v === 0 ? x.dims[i]! : v)) };
        break;
      }
      default:
        y = get(ins[0]!);
    }
    T.set(n.output![0]!, y);
  }
  return T;
}

/** The model's input for a 28×28 image: pixel / 255 in fp32, shaped as the model declares. */
export function imageInput(fm: { input: { dims: number[] } }, pixels: Uint8Array, offset: number): Tensor {
  const n = sizeOf(fm.input.dims);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = f32(pixels[offset + i]! / 255);
  return { dtype: 'float', dims: fm.input.dims, data };
}
