/**
 * Post-training static quantization of a float ONNX model into the int8 QDQ form that
 * generator/onnx/import.ts reads (`axgen quantize`).
 *
 * Method (documented in docs/networks.md, "Quantization"):
 * - Weights: per output channel, symmetric int8, scale s_w[n] = max|w[n,·]| / 127 (fp32; 1 when
 *   the channel is all zero), q = clamp(roundHalfEven(fp32(w / s_w)), −127, 127), zero point 0.
 * - Activations: per tensor, from calibration statistics: the minimum and maximum of each tensor
 *   over the float model's run on the calibration images (min/max calibration, as ONNX Runtime's
 *   `CalibrationMethod.MinMax`), range widened to include 0. A tensor that feeds a GEMM (the input,
 *   every ReLU / pooling output) is uint8 with scale (max − min)/255 and zero point
 *   roundHalfEven(−min/scale) (0 after a ReLU); a graph output (the logits) is int8 symmetric,
 *   scale max(|min|, |max|)/127, zero point 0. MaxPool, Flatten and Reshape keep their input's
 *   scale and zero point (they commute with the quantization).
 * - Bias: int32, scale s_in · s_w[n] (fp32), q = roundHalfEven(b / scale), zero point 0.
 * The output is a deterministic ModelProto (opset 13, IR 7, producer "axgen"): same float model
 * and calibration images, same bytes.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../infra/errors.js';
import { type FloatModel, runFloat } from '../inference/float.js';
import { roundHalfEven } from '../model/requant.js';
import { onnx, sizeOf, type Tensor, tensorToProto, toNum, type ModelProto } from './read.js';

export interface QuantizeOptions {
  /** Calibration inputs (float tensors of the model's input shape). */
  calibration: Tensor[];
  /** Describes the calibration set in the model's doc string (e.g. "first 1000 fashion-mnist training images"). */
  calibrationNote: string;
}

interface QTensor {
  /** Name of the DequantizeLinear output consumers read. */
  dq: string;
  scale: number;
  zp: number;
  dtype: 'uint8' | 'int8';
}

/** Per-tensor minimum and maximum over the calibration runs (min/max calibration). */
export function calibrate(fm: FloatModel, inputs: Tensor[]): Map<string, { min: number; max: number }> {
  const st = new Map<string, { min: number; max: number }>();
  for (const x of inputs) {
    for (const [name, t] of runFloat(fm, x)) {
      if (fm.consts.has(name)) continue;
      let r = st.get(name);
      if (!r) st.set(name, (r = { min: Infinity, max: -Infinity }));
      for (const v of t.data) {
        if (v < r.min) r.min = v;
        if (v > r.max) r.max = v;
      }
    }
  }
  return st;
}

const f32 = Math.fround;

/** uint8 (or symmetric int8) parameters for a real range; see the module comment. */
export function activationParams(
  r: { min: number; max: number },
  dtype: 'uint8' | 'int8',
): { scale: number; zp: number } {
  const lo = Math.min(0, r.min);
  const hi = Math.max(0, r.max);
  if (dtype === 'int8') {
    const m = Math.max(-lo, hi);
    return { scale: m > 0 ? f32(m / 127) : 1, zp: 0 };
  }
  if (hi - lo <= 0) return { scale: 1, zp: 0 };
  const scale = f32((hi - lo) / 255);
  return { scale, zp: Math.min(255, Math.max(0, roundHalfEven(-lo / scale))) };
}

/**
 * Quantizes `fm` (prepared from `model`) with the calibration inputs; returns the encoded int8
 * QDQ ModelProto. Errors: ConfigError when a Conv/Gemm/MatMul weight is not an initializer, or a
 * GEMM input comes from an op the QDQ form cannot carry.
 */
export function quantizeModel(model: ModelProto, fm: FloatModel, opts: QuantizeOptions): Uint8Array {
  const stats = calibrate(fm, opts.calibration);
  const inits: ReturnType<typeof tensorToProto>[] = [];
  const nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  const q = new Map<string, QTensor>();
  const graphOut = new Set(fm.outputs);
  const consumers = new Map<string, number>();
  for (const n of fm.nodes) for (const i of n.input ?? []) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const fail = (path: string, expected: string, received: string): never => {
    throw new ConfigError(fm.source, [{ path, expected, received }]);
  };
  const init = (name: string, t: Tensor): string => {
    inits.push(tensorToProto(name, t));
    return name;
  };
  const node = (op: string, inputs: string[], output: string, attribute: object[] = []): string => {
    nodes.push(onnx.NodeProto.create({ name: output, opType: op, input: inputs, output: [output], attribute }));
    return output;
  };
  const int = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  /** Q → DQ of float tensor `src` (named `name`) with the given parameters; a graph output's DQ keeps the name. */
  const qdq = (src: string, name: string, p: { scale: number; zp: number }, dtype: 'uint8' | 'int8'): QTensor => {
    const s = init(`${name}_scale`, { dtype: 'float', dims: [], data: Float64Array.of(p.scale) });
    const z = init(`${name}_zero_point`, { dtype, dims: [], data: Float64Array.of(p.zp) });
    const qo = node('QuantizeLinear', [src, s, z], `${name}_quantized`);
    const dq = node('DequantizeLinear', [qo, s, z], graphOut.has(name) ? name : `${name}_dequantized`);
    const t = { dq, scale: p.scale, zp: p.zp, dtype };
    q.set(name, t);
    return t;
  };
  const statOf = (name: string) =>
    stats.get(name) ?? fail(`tensor "${name}"`, 'a tensor the calibration run computed', 'none');
  /** Float name a node writes: a graph output's float value is renamed so its DQ can carry the name. */
  const floatName = (name: string) => (graphOut.has(name) ? `${name}_float` : name);

  qdq(fm.input.name, fm.input.name, activationParams(statOf(fm.input.name), 'uint8'), 'uint8');
  const done = new Set<string>();
  for (const n of fm.nodes) {
    const out = n.output![0]!;
    if (done.has(out)) continue;
    const label = `node "${n.name || out}" (${n.opType})`;
    const ins = n.input ?? [];
    const qin = (i: number) =>
      q.get(ins[i]!) ??
      fail(label, `input ${i} quantized (from the graph input, a Conv/Gemm/MatMul, Relu or pooling)`, `"${ins[i]}"`);
    switch (n.opType) {
      case 'Conv':
      case 'Gemm':
      case 'MatMul': {
        const x = qin(0);
        const w = fm.consts.get(ins[1]!) ?? fail(label, 'a constant weight (initializer)', `"${ins[1]}"`);
        const transB = n.opType === 'Gemm' && toNum(n.attribute?.find((a) => a.name === 'transB')?.i ?? 0) === 1;
        // Output channels: Conv weight [Cout, ...] and Gemm transB [N, K] along axis 0; MatMul / Gemm [K, N] along axis 1.
        const axis = n.opType === 'Conv' || transB ? 0 : 1;
        const N = w.dims[axis]!;
        const inner = sizeOf(w.dims.slice(axis + 1));
        const sw = new Float64Array(N);
        for (let i = 0; i < w.data.length; i++) {
          const ch = Math.floor(i / inner) % N;
          sw[ch] = Math.max(sw[ch]!, Math.abs(w.data[i]!));
        }
        for (let ch = 0; ch < N; ch++) sw[ch] = sw[ch]! > 0 ? f32(sw[ch]! / 127) : 1;
        const wq = w.data.map((v, i) =>
          Math.min(127, Math.max(-127, roundHalfEven(f32(v / sw[Math.floor(i / inner) % N]!)))),
        );
        const wName = ins[1]!;
        init(`${wName}_quantized`, { dtype: 'int8', dims: w.dims, data: wq });
        init(`${wName}_scale`, { dtype: 'float', dims: [N], data: sw });
        init(`${wName}_zero_point`, { dtype: 'int8', dims: [N], data: new Float64Array(N) });
        const wdq = node(
          'DequantizeLinear',
          [`${wName}_quantized`, `${wName}_scale`, `${wName}_zero_point`],
          `${wName}_dequantized`,
          [int('axis', axis)],
        );
        const opIns = [x.dq, wdq];
        const biasName = n.opType === 'MatMul' ? undefined : ins[2];
        if (biasName) {
          const b = fm.consts.get(biasName) ?? fail(label, 'a constant bias (initializer)', `"${biasName}"`);
          if (b.data.length !== N) fail(label, `a bias of ${N} values`, `${b.data.length}`);
          const bs = sw.map((s) => f32(x.scale * s));
          const bq = b.data.map((v, ch) => roundHalfEven(v / bs[ch]!));
          if (bq.some((v) => Math.abs(v) > 2 ** 31 - 1))
            fail(label, 'a bias that fits int32 at scale s_in·s_w', 'a larger one');
          init(`${biasName}_quantized`, { dtype: 'int32', dims: [N], data: bq });
          init(`${biasName}_scale`, { dtype: 'float', dims: [N], data: bs });
          init(`${biasName}_zero_point`, { dtype: 'int32', dims: [N], data: new Float64Array(N) });
          opIns.push(
            node(
              'DequantizeLinear',
              [`${biasName}_quantized`, `${biasName}_scale`, `${biasName}_zero_point`],
              `${biasName}_dequantized`,
              [int('axis', 0)],
            ),
          );
        }
        // Keep the op's own attributes (strides, pads, transB...).
        nodes.push(
          onnx.NodeProto.create({
            name: n.name || out,
            opType: n.opType,
            input: opIns,
            output: [floatName(out)],
            attribute: n.attribute ?? [],
          }),
        );
        // A ReLU that is the only consumer is fused into the group: Conv → Relu → Q.
        const next = fm.nodes.find((m) => m.opType === 'Relu' && m.input?.[0] === out);
        if (next && consumers.get(out) === 1 && !graphOut.has(out)) {
          const r = next.output![0]!;
          node('Relu', [out], floatName(r));
          done.add(r);
          qdq(
            floatName(r),
            r,
            activationParams(statOf(r), graphOut.has(r) ? 'int8' : 'uint8'),
            graphOut.has(r) ? 'int8' : 'uint8',
          );
        } else {
          const dt = graphOut.has(out) ? 'int8' : 'uint8';
          qdq(floatName(out), out, activationParams(statOf(out), dt), dt);
        }
        break;
      }
      case 'Relu':
      case 'MaxPool':
      case 'Flatten':
      case 'Reshape':
      case 'Identity': {
        const x = qin(0);
        const extra = ins.slice(1).map((c) => {
          const t = fm.consts.get(c) ?? fail(label, 'a constant shape', `"${c}"`);
          return init(c, t);
        });
        nodes.push(
          onnx.NodeProto.create({
            name: n.name || out,
            opType: n.opType,
            input: [x.dq, ...extra],
            output: [floatName(out)],
            attribute: n.attribute ?? [],
          }),
        );
        qdq(floatName(out), out, { scale: x.scale, zp: x.zp }, x.dtype);
        break;
      }
      default:
        fail(label, 'Conv, Gemm, MatMul, Relu, MaxPool, Flatten, Reshape or Identity', n.opType!);
    }
  }
  const g = model.graph!;
  const sha = createHash('sha256').update(onnx.ModelProto.encode(model).finish()).digest('hex');
  const out = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'axgen',
    docString:
      `int8 QDQ model by axgen quantize from a float model (sha256 ${sha}): per-output-channel symmetric int8 weights, ` +
      `per-tensor uint8 activations (int8 symmetric graph outputs) from min/max calibration on ${opts.calibrationNote}, int32 biases at scale s_in*s_w`,
    graph: onnx.GraphProto.create({
      name: `${g.name || 'graph'}_int8`,
      node: nodes,
      initializer: inits,
      input: g.input!.filter((i) => !fm.consts.has(i.name!)),
      output: g.output,
    }),
  });
  return onnx.ModelProto.encode(out).finish();
}
