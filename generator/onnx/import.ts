/**
 * ONNX int8 import: turns a quantized ONNX graph into a `Network`, a list of steps in which every
 * MatMul / Gemm / Conv is one integer GEMM layer (`GemmLayer`) for the array and everything else is
 * a small host step in plain integer (or, where ONNX defines it so, fp32) code.
 *
 * Both int8 forms tools emit are read:
 * - operator form: QLinearMatMul, QLinearConv (int8/uint8 in and out, requantized by the float
 *   scale a_scale·w_scale/y_scale), and MatMulInteger, ConvInteger (int32 accumulators out);
 * - QDQ form: DequantizeLinear(x) and DequantizeLinear(constant weight) into MatMul, Gemm or Conv,
 *   an optional bias (Gemm/Conv's third input or an Add, DequantizeLinear of an int32 constant whose
 *   scale is s_x·s_w, as quantizers emit it), an optional Relu, then QuantizeLinear. Relu,
 *   MaxPool, Flatten, Reshape between DequantizeLinear and QuantizeLinear with the same scale and
 *   zero point run on the integers (they commute with an increasing affine map); Clip,
 *   AveragePool, Softmax and a final DequantizeLinear run on fp32 values as ONNX defines them.
 * Conv is lowered to a GEMM by im2col (groups = 1, any strides, pads, dilations; padding takes
 * the input's zero point, as ONNX's QLinearConv / ConvInteger define it).
 *
 * Every check runs before any work: an unsupported node is a ConfigError naming the node, its op
 * type and the supported ops; non-int8/uint8 weights, dynamic (symbolic) shapes, per-tensor
 * parameters that are not constants, groups ≠ 1, or a GEMM output that is never quantized are
 * reported the same way. `checkNetwork` (check.ts) then says whether a given array can run it.
 */
import { ConfigError, show } from '../infra/errors.js';
import { sizeOf, tensorFromProto, toNum, type DType, type ModelProto, type NodeProto, type Tensor } from './read.js';
import { onnxScale } from '../model/requant.js';

/** Operand format of a quantized tensor: element type, scale(s) and zero point(s). */
export interface QParams {
  dtype: DType;
  /** One scale per tensor, or per output channel (weights). */
  scale: Float64Array;
  zeroPoint: Float64Array;
}

/** How a GEMM layer's accumulators leave: requantized to int8/uint8 or raw int32 (…Integer ops). */
export type LayerOutput =
  { kind: 'requant'; scale: Float64Array; zeroPoint: number; dtype: DType; relu: boolean } | { kind: 'int32' };

/**
 * One GEMM layer: Y[M×N] = (X − zx)[M×K] · (W − zw)[K×N] (+ bias), then `output`.
 * M comes from the input's shape at run time (batch × output pixels for a Conv).
 */
export interface GemmLayer {
  /** Node name (or its output's name) and the op type(s) it came from, e.g. `conv1 (DQ→Conv→Q)`. */
  name: string;
  op: string;
  input: string;
  output: string;
  inType: DType;
  /** Activation zero point. */
  inZeroPoint: number;
  /** Weights as stored (not centred), K×N row-major; per-batch for a batched MatMul weight. */
  weights: Float64Array[];
  wType: DType;
  /** Weight zero point per output column (length N). */
  wZeroPoint: Float64Array;
  K: number;
  N: number;
  /** int32 bias per output column, or null. */
  bias: Float64Array | null;
  output_: LayerOutput;
  /** Conv geometry (im2col), or null for a MatMul/Gemm. */
  conv: ConvGeom | null;
  /** Input and output shapes (static). */
  inShape: number[];
  outShape: number[];
  /** QDQ form: the input's and weights' scales (to check a bias' scale and form the output scale). */
  inputScale?: number;
  wScale?: Float64Array;
}

export interface ConvGeom {
  kernel: [number, number];
  strides: [number, number];
  /** top, left, bottom, right */
  pads: [number, number, number, number];
  dilations: [number, number];
}

/** A host step: pooling, activation functions, reshapes, (de)quantization. */
export type HostStep =
  | {
      kind: 'quantize';
      name: string;
      input: string;
      output: string;
      scale: number;
      zeroPoint: number;
      dtype: DType;
      axisScales?: Float64Array;
      axisZps?: Float64Array;
      axis?: number;
    }
  | {
      kind: 'dequantize';
      name: string;
      input: string;
      output: string;
      scale: Float64Array;
      zeroPoint: Float64Array;
      axis: number;
    }
  | { kind: 'relu'; name: string; input: string; output: string; floor: number }
  | {
      kind: 'maxpool' | 'avgpool';
      name: string;
      input: string;
      output: string;
      geom: ConvGeom;
      global: boolean;
      countIncludePad: boolean;
      float: boolean;
    }
  | { kind: 'reshape'; name: string; input: string; output: string; shape: number[] }
  | { kind: 'clip'; name: string; input: string; output: string; min: number; max: number }
  | { kind: 'softmax'; name: string; input: string; output: string; axis: number }
  | { kind: 'alias'; name: string; input: string; output: string };

export type Step = { kind: 'gemm'; layer: GemmLayer } | HostStep;

/** A static tensor description (what a name holds while the graph is read). */
interface Desc {
  dtype: DType;
  shape: number[];
  /** Known quantization of an integer tensor (from the op that made it). */
  q?: { scale: number; zeroPoint: number };
  /** For an fp32 tensor that is exactly DequantizeLinear(int tensor `of`) with a per-tensor scale. */
  dq?: { of: string; scale: number; zeroPoint: number };
  /** Pending MatMul/Gemm/Conv on dequantized inputs, waiting for its QuantizeLinear. */
  acc?: { layer: GemmLayer; relu: boolean; nodes: string[] };
}

export interface Network {
  /** Graph inputs (excluding bound constants) and their static shapes and types. */
  inputs: { name: string; dtype: DType; shape: number[] }[];
  outputs: { name: string; dtype: DType; shape: number[] }[];
  steps: Step[];
  layers: GemmLayer[];
}

export const SUPPORTED_OPS = [
  'QuantizeLinear',
  'DequantizeLinear',
  'QLinearMatMul',
  'QLinearConv',
  'MatMulInteger',
  'ConvInteger',
  'MatMul',
  'Gemm',
  'Conv',
  'Add (of a bias)',
  'Relu',
  'Clip',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'Flatten',
  'Reshape',
  'Softmax (last)',
  'Identity',
  'Constant',
];

const KNOWN_OPS = new Set(SUPPORTED_OPS.map((o) => o.split(' ')[0]!));

/** Options: tensors bound as constants (ONNX conformance data gives weights as graph inputs). */
export interface ImportOptions {
  constants?: Map<string, Tensor>;
  source?: string;
}

const isInt8 = (t: DType) => t === 'int8' || t === 'uint8';

/**
 * Imports a decoded ONNX model. Errors: ConfigError with `source` and a path naming the node,
 * e.g. `node "conv1" (Conv)`, for anything outside the supported subset (see module doc).
 */
/** Ops that make a model quantized: one without any is a float model (not importable; not an int8 model's float reference if it has one). */
export const QUANTIZED_OPS: ReadonlySet<string> = new Set([
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'QLinearConv',
  'QLinearMatMul',
  'ConvInteger',
  'MatMulInteger',
]);

export function importModel(model: ModelProto, opts: ImportOptions = {}): Network {
  const source = opts.source ?? 'model';
  const g = model.graph!;
  const fail = (path: string, expected: string, received: string): never => {
    throw new ConfigError(source, [{ path, expected, received }]);
  };
  // Every unsupported op at once, before anything else is read.
  const unsupported = (g.node ?? []).filter(
    (n) => !KNOWN_OPS.has(n.opType ?? '') || (n.domain && n.domain !== 'ai.onnx'),
  );
  if (unsupported.length > 0)
    throw new ConfigError(
      source,
      unsupported.map((n) => ({
        path: `node "${n.name || n.output?.[0] || '?'}" (${n.domain ? `${n.domain}.` : ''}${n.opType})`,
        expected: `one of the supported ops: ${SUPPORTED_OPS.join(', ')}`,
        received: `${n.opType}`,
      })),
    );
  // A float model (GEMMs but no quantization op at all): say so, and how to quantize it, rather
  // than report its first Conv's input as not coming from DequantizeLinear.
  const ops = new Set((g.node ?? []).map((n) => n.opType ?? ''));
  if (['Conv', 'MatMul', 'Gemm'].some((o) => ops.has(o)) && ![...ops].some((o) => QUANTIZED_OPS.has(o)))
    fail(
      '(model)',
      'an int8 model (QDQ or operator form); quantize a float model first: axgen quantize <model.onnx> --dataset fashion-mnist --out <model-int8.onnx>',
      'a float model (no QuantizeLinear, DequantizeLinear or QLinear op)',
    );
  const consts = new Map<string, Tensor>(opts.constants ?? []);
  for (const init of g.initializer ?? []) consts.set(init.name!, tensorFromProto(init, source));
  const desc = new Map<string, Desc>();
  const inputs: Network['inputs'] = [];
  const typeName = (code: number | null | undefined): DType | null => {
    const m: Record<number, DType> = { 1: 'float', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 11: 'double' };
    return m[code ?? 0] ?? null;
  };
  for (const vi of g.input ?? []) {
    const name = vi.name!;
    if (consts.has(name)) continue;
    const tt = vi.type?.tensorType;
    const dtype = typeName(tt?.elemType);
    if (!dtype)
      fail(`input "${name}"`, 'a float, uint8, int8 or int32 tensor input', `element type ${tt?.elemType ?? 'none'}`);
    const dims = (tt?.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined && d.dimValue !== null && !d.dimParam ? toNum(d.dimValue) : NaN,
    );
    if (!tt?.shape || dims.some((d) => !Number.isInteger(d) || d <= 0))
      fail(
        `input "${name}".shape`,
        'static dimensions (dynamic shapes are not supported: export with a fixed batch size)',
        show((tt?.shape?.dim ?? []).map((d) => d.dimParam || toNum(d.dimValue))),
      );
    inputs.push({ name, dtype: dtype!, shape: dims });
    desc.set(name, { dtype: dtype!, shape: dims });
  }
  const consumers = new Map<string, number>();
  for (const n of g.node ?? []) for (const i of n.input ?? []) if (i) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  for (const o of g.output ?? []) consumers.set(o.name!, (consumers.get(o.name!) ?? 0) + 1);

  const steps: Step[] = [];
  const layers: GemmLayer[] = [];
  // Dequantized constants (weights, biases): kept quantized for the GEMM layer that consumes them.
  const dqConsts: DqConsts = new Map();

  for (const node of g.node ?? []) {
    const op = node.opType ?? '';
    const label = `node "${node.name || node.output?.[0] || '?'}" (${op})`;
    const nodeName = node.name || node.output?.[0] || op;
    const ins = node.input ?? [];
    const out = node.output?.[0] ?? '';
    const attr = (name: string) => node.attribute?.find((a) => a.name === name);
    const attrInt = (name: string, dflt: number) => {
      const a = attr(name);
      return a ? toNum(a.i) : dflt;
    };
    const attrInts = (name: string): number[] | null => {
      const a = attr(name);
      return a ? (a.ints ?? []).map(toNum) : null;
    };
    const autoPad = () => {
      const a = attr('auto_pad');
      return a ? new TextDecoder().decode(a.s ?? new Uint8Array()) : 'NOTSET';
    };
    const attrFloat = (name: string, dflt: number) => {
      const a = attr(name);
      return a ? (a.f ?? dflt) : dflt;
    };
    const c = (i: number, what: string): Tensor => {
      const name = ins[i];
      const t = name ? consts.get(name) : undefined;
      if (!t)
        return fail(
          label,
          `${what} (input ${i}) to be a constant (initializer or Constant)`,
          name ? `"${name}" is computed at run time` : 'no input',
        );
      return t!;
    };
    const optC = (i: number): Tensor | null =>
      ins[i]
        ? (consts.get(ins[i]!) ?? fail(label, `input ${i} to be a constant`, `"${ins[i]}" is computed at run time`))
        : null;
    const d = (i: number): Desc => {
      const name = ins[i];
      const x = name ? desc.get(name) : undefined;
      if (!x)
        return fail(
          label,
          `input ${i} to be a tensor computed earlier in the graph or a graph input`,
          name ? `"${name}"` : 'no input',
        );
      return x!;
    };
    const scalar = (t: Tensor, what: string) => {
      if (t.data.length !== 1) fail(label, `a per-tensor ${what} (one value)`, `${t.data.length} values`);
      return t.data[0]!;
    };
    const checkInt8 = (t: DType, what: string) => {
      if (!isInt8(t)) fail(label, `${what} of type int8 or uint8`, t);
    };
    const newName = (suffix: string) => `${out}::${suffix}`;
    /**
     * An integer-valued op (Relu, MaxPool, Reshape) between DequantizeLinear and its consumer runs
     * on the quantized tensor `q` (already pushed as a step) and is dequantized again with the same
     * scale and zero point, so the QDQ pattern continues after it.
     */
    const dequantizeAgain = (x: Desc, q: string, shape: number[]) => {
      const dq = x.dq!;
      desc.set(q, { ...desc.get(dq.of)!, shape });
      desc.set(out, { dtype: 'float', shape, dq: { ...dq, of: q } });
      steps.push({
        kind: 'dequantize',
        name: nodeName,
        input: q,
        output: out,
        scale: Float64Array.of(dq.scale),
        zeroPoint: Float64Array.of(dq.zeroPoint),
        axis: 1,
      });
    };

    switch (op) {
      case 'Constant': {
        const a = attr('value');
        if (!a?.t) fail(label, 'a Constant with a tensor `value`', 'another attribute');
        consts.set(out, tensorFromProto(a!.t!, source));
        continue;
      }
      case 'Identity': {
        if (consts.has(ins[0]!)) consts.set(out, consts.get(ins[0]!)!);
        else {
          desc.set(out, d(0));
          steps.push({ kind: 'alias', name: nodeName, input: ins[0]!, output: out });
        }
        continue;
      }
      case 'QuantizeLinear': {
        const x = consts.has(ins[0]!) ? null : d(0);
        const sT = c(1, 'y_scale');
        const zT = ins[2] ? c(2, 'y_zero_point') : null;
        const dtype: DType = zT ? zT.dtype : 'uint8';
        checkInt8(dtype, 'y_zero_point');
        if (x === null) fail(label, 'QuantizeLinear of a computed tensor', `the constant "${ins[0]}"`);
        if (sT.data.length !== 1) {
          // Per-axis quantization of an activation (conformance test_quantizelinear_axis).
          const axis = attrInt('axis', 1);
          const ax = axis < 0 ? axis + x!.shape.length : axis;
          steps.push({
            kind: 'quantize',
            name: nodeName,
            input: ins[0]!,
            output: out,
            scale: NaN,
            zeroPoint: NaN,
            dtype,
            axisScales: sT.data,
            axisZps: zT?.data ?? new Float64Array(sT.data.length),
            axis: ax,
          });
          desc.set(out, { dtype, shape: x!.shape });
          continue;
        }
        const scale = scalar(sT, 'y_scale');
        const zp = zT ? scalar(zT, 'y_zero_point') : 0;
        if (x!.acc) {
          // End of a QDQ GEMM pattern: the pending layer gets its requantization.
          const L = x!.acc.layer;
          L.output_ = { kind: 'requant', scale: perCol(L, scale), zeroPoint: zp, dtype, relu: x!.acc.relu };
          L.output = out;
          L.op = [...x!.acc.nodes, 'QuantizeLinear'].join('→');
          layers.push(L);
          steps.push({ kind: 'gemm', layer: L });
          desc.set(out, { dtype, shape: L.outShape, q: { scale, zeroPoint: zp } });
          continue;
        }
        if (x!.dq && x!.dq.scale === scale && x!.dq.zeroPoint === zp && desc.get(x!.dq.of)!.dtype === dtype) {
          steps.push({ kind: 'alias', name: nodeName, input: x!.dq.of, output: out });
          desc.set(out, { dtype, shape: x!.shape, q: { scale, zeroPoint: zp } });
          continue;
        }
        if (x!.dtype !== 'float') fail(label, 'a float input', x!.dtype);
        steps.push({ kind: 'quantize', name: nodeName, input: ins[0]!, output: out, scale, zeroPoint: zp, dtype });
        desc.set(out, { dtype, shape: x!.shape, q: { scale, zeroPoint: zp } });
        continue;
      }
      case 'DequantizeLinear': {
        const sT = c(1, 'x_scale');
        const zT = ins[2] ? c(2, 'x_zero_point') : null;
        if (consts.has(ins[0]!)) {
          // A constant weight or bias: keep it quantized for the GEMM layer that consumes it.
          const t = consts.get(ins[0]!)!;
          dqConsts.set(out, {
            t,
            scale: sT.data,
            zeroPoint: zT?.data ?? new Float64Array(sT.data.length),
            axis: attrInt('axis', 1),
          });
          continue;
        }
        const x = d(0);
        const axis = attrInt('axis', 1);
        steps.push({
          kind: 'dequantize',
          name: nodeName,
          input: ins[0]!,
          output: out,
          scale: sT.data,
          zeroPoint: zT?.data ?? new Float64Array(sT.data.length),
          axis: axis < 0 ? axis + x.shape.length : axis,
        });
        desc.set(out, {
          dtype: 'float',
          shape: x.shape,
          ...(sT.data.length === 1 ? { dq: { of: ins[0]!, scale: sT.data[0]!, zeroPoint: zT ? zT.data[0]! : 0 } } : {}),
        });
        continue;
      }
      case 'QLinearMatMul':
      case 'QLinearConv':
      case 'MatMulInteger':
      case 'ConvInteger': {
        const x = d(0);
        checkInt8(x.dtype, 'input');
        const qlin = op.startsWith('QLinear');
        const iW = qlin ? 3 : 1;
        const w = c(iW, 'weight');
        checkInt8(w.dtype, 'weight');
        const xs = qlin ? scalar(c(1, 'x_scale'), 'x_scale') : 1;
        const xzT = qlin ? c(2, 'x_zero_point') : optC(2);
        const xz = xzT ? scalar(xzT, 'x_zero_point') : 0;
        const ws = qlin ? c(4, 'w_scale').data : null;
        const wzT = qlin ? c(5, 'w_zero_point') : optC(3);
        const conv = op === 'QLinearConv' || op === 'ConvInteger';
        const L = conv
          ? convLayer(label, nodeName, op, ins[0]!, out, x, w, xz, wzT, attrInts, attrInt, fail, autoPad())
          : matmulLayer(label, nodeName, op, ins[0]!, out, x, w, xz, wzT, fail);
        if (qlin) {
          const ys = scalar(c(6, 'y_scale'), 'y_scale');
          const yzT = c(7, 'y_zero_point');
          checkInt8(yzT.dtype, 'y_zero_point');
          const scales = new Float64Array(L.N);
          for (let n = 0; n < L.N; n++) scales[n] = onnxScale(xs, ws!.length === 1 ? ws![0]! : ws![n]!, ys);
          if (ws!.length !== 1 && ws!.length !== L.N) fail(label, `w_scale with 1 or ${L.N} values`, `${ws!.length}`);
          L.output_ = {
            kind: 'requant',
            scale: scales,
            zeroPoint: scalar(yzT, 'y_zero_point'),
            dtype: yzT.dtype,
            relu: false,
          };
          if (op === 'QLinearConv' && ins[8]) {
            const b = c(8, 'bias');
            if (b.dtype !== 'int32' || b.data.length !== L.N)
              fail(label, `an int32 bias of ${L.N} values`, `${b.dtype} × ${b.data.length}`);
            L.bias = b.data;
          }
          desc.set(out, {
            dtype: yzT.dtype,
            shape: L.outShape,
            q: { scale: ys, zeroPoint: scalar(yzT, 'y_zero_point') },
          });
        } else {
          L.output_ = { kind: 'int32' };
          desc.set(out, { dtype: 'int32', shape: L.outShape });
        }
        layers.push(L);
        steps.push({ kind: 'gemm', layer: L });
        continue;
      }
      case 'MatMul':
      case 'Gemm':
      case 'Conv': {
        // QDQ form: both inputs dequantized, the weight from a constant.
        const x = d(0);
        if (!x.dq)
          fail(
            label,
            'its input to come from DequantizeLinear with a per-tensor scale (QDQ form); float GEMMs are not run on the array',
            ins[0] ?? '',
          );
        const wq = dqConsts.get(ins[1]!);
        if (!wq) fail(label, 'its weight to be DequantizeLinear of an int8/uint8 constant (QDQ form)', `"${ins[1]}"`);
        checkInt8(wq!.t.dtype, 'weight');
        const xq = desc.get(x.dq!.of)!;
        checkInt8(xq.dtype, 'input');
        let w = wq!.t;
        const wScale = wq!.scale;
        if (op === 'Gemm') {
          if (attrInt('transA', 0) !== 0) fail(label, 'transA = 0', '1');
          if (attrFloat('alpha', 1) !== 1 || attrFloat('beta', 1) !== 1)
            fail(label, 'alpha = beta = 1', `${attrFloat('alpha', 1)}, ${attrFloat('beta', 1)}`);
          if (attrInt('transB', 0) === 1) w = transpose2(w);
        }
        const zpT: Tensor = { dtype: w.dtype, dims: [wq!.zeroPoint.length], data: wq!.zeroPoint };
        const conv = op === 'Conv';
        const L = conv
          ? convLayer(
              label,
              nodeName,
              op,
              x.dq!.of,
              out,
              { ...xq, shape: x.shape },
              w,
              x.dq!.zeroPoint,
              zpT,
              attrInts,
              attrInt,
              fail,
              autoPad(),
            )
          : matmulLayer(label, nodeName, op, x.dq!.of, out, { ...xq, shape: x.shape }, w, x.dq!.zeroPoint, zpT, fail);
        if (wScale.length !== 1 && wScale.length !== L.N)
          fail(label, `a weight scale with 1 or ${L.N} values`, `${wScale.length}`);
        L.wScale = wScale;
        L.inputScale = x.dq!.scale;
        if ((op === 'Gemm' || op === 'Conv') && ins[2])
          L.bias = biasFrom(label, ins[2]!, x.dq!.scale, wScale, L.N, dqConsts, fail);
        desc.set(out, {
          dtype: 'float',
          shape: L.outShape,
          acc: { layer: L, relu: false, nodes: [`DequantizeLinear→${op}`] },
        });
        continue;
      }
      case 'Add': {
        const x = d(0);
        if (!x.acc || (consumers.get(ins[0]!) ?? 0) !== 1)
          fail(
            label,
            'an Add of a bias right after a MatMul/Gemm/Conv in QDQ form',
            'another Add (elementwise additions of two activations are not supported)',
          );
        const L = x.acc!.layer;
        if (L.bias) fail(label, 'one bias per layer', 'a second bias');
        L.bias = biasFrom(label, ins[1]!, L.inputScale!, L.wScale!, L.N, dqConsts, fail);
        desc.set(out, { ...x, acc: { ...x.acc!, nodes: [...x.acc!.nodes, 'Add'] } });
        continue;
      }
      case 'Relu': {
        const x = d(0);
        if (x.acc) {
          desc.set(out, { ...x, acc: { ...x.acc, relu: true, nodes: [...x.acc.nodes, 'Relu'] } });
          continue;
        }
        if (x.dq) {
          const q = newName('relu');
          steps.push({ kind: 'relu', name: nodeName, input: x.dq.of, output: q, floor: x.dq.zeroPoint });
          dequantizeAgain(x, q, x.shape);
          continue;
        }
        if (x.dtype !== 'float') fail(label, 'a Relu on a dequantized or float tensor', x.dtype);
        steps.push({ kind: 'clip', name: nodeName, input: ins[0]!, output: out, min: 0, max: Infinity });
        desc.set(out, { dtype: 'float', shape: x.shape });
        continue;
      }
      case 'MaxPool':
      case 'GlobalMaxPool':
      case 'AveragePool':
      case 'GlobalAveragePool': {
        const x = d(0);
        if (x.acc) fail(label, 'a pooling after a quantized tensor', 'a GEMM output that was not quantized');
        if (x.shape.length !== 4) fail(label, 'a 4-D NCHW input', `shape [${x.shape.join(',')}]`);
        const global = op.startsWith('Global');
        const geom = poolGeom(label, x.shape, global, attrInts, fail);
        const max = op.endsWith('MaxPool');
        if (attrInt('ceil_mode', 0) !== 0) fail(label, 'ceil_mode = 0', '1');
        if (autoPad() !== 'NOTSET') fail(label, 'explicit pads (auto_pad NOTSET)', `auto_pad ${autoPad()}`);
        const outShape = [x.shape[0]!, x.shape[1]!, ...convOut(x.shape, geom)];
        const step = {
          kind: max ? ('maxpool' as const) : ('avgpool' as const),
          name: nodeName,
          geom,
          global,
          countIncludePad: attrInt('count_include_pad', 0) === 1,
        };
        if (max && x.dq) {
          const q = newName('maxpool');
          steps.push({ ...step, input: x.dq.of, output: q, float: false });
          dequantizeAgain(x, q, outShape);
          continue;
        }
        if (x.dtype !== 'float') fail(label, 'a pooling on a dequantized (QDQ) tensor', x.dtype);
        steps.push({ ...step, input: ins[0]!, output: out, float: true });
        desc.set(out, { dtype: 'float', shape: outShape });
        continue;
      }
      case 'Flatten':
      case 'Reshape': {
        const x = d(0);
        if (x.acc) fail(label, 'a reshape of a quantized tensor', 'a GEMM output that was not quantized');
        let shape: number[];
        if (op === 'Flatten') {
          const axis = attrInt('axis', 1);
          const ax = axis < 0 ? axis + x.shape.length : axis;
          shape = [sizeOf(x.shape.slice(0, ax)), sizeOf(x.shape.slice(ax))];
        } else {
          const s = Array.from(c(1, 'shape').data);
          if (attrInt('allowzero', 0) !== 0) fail(label, 'allowzero = 0', '1');
          shape = s.map((v, i) => (v === 0 ? x.shape[i]! : v));
          const known = sizeOf(shape.filter((v) => v !== -1));
          shape = shape.map((v) => (v === -1 ? sizeOf(x.shape) / known : v));
          if (sizeOf(shape) !== sizeOf(x.shape) || shape.some((v) => !Number.isInteger(v) || v < 1))
            fail(label, `a shape with ${sizeOf(x.shape)} elements`, show(s));
        }
        const src = x.dq ? x.dq.of : ins[0]!;
        const q = x.dq ? newName(op.toLowerCase()) : out;
        steps.push({ kind: 'reshape', name: nodeName, input: src, output: q, shape });
        if (x.dq) dequantizeAgain(x, q, shape);
        else desc.set(out, { ...x, shape });
        continue;
      }
      case 'Clip': {
        const x = d(0);
        if (x.acc) fail(label, 'a Clip after QuantizeLinear (QDQ)', 'a GEMM output that was not quantized');
        const lo = ins[1] ? c(1, 'min').data[0]! : attrFloat('min', -Infinity);
        const hi = ins[2] ? c(2, 'max').data[0]! : attrFloat('max', Infinity);
        if (x.dtype !== 'float') fail(label, 'a Clip on a dequantized or float tensor', x.dtype);
        steps.push({ kind: 'clip', name: nodeName, input: ins[0]!, output: out, min: lo, max: hi });
        desc.set(out, { dtype: 'float', shape: x.shape });
        continue;
      }
      case 'Softmax': {
        const x = d(0);
        if (x.dtype !== 'float' || x.acc)
          fail(
            label,
            'a Softmax on a dequantized (float) tensor',
            x.acc ? 'a GEMM output that was not quantized' : x.dtype,
          );
        const isFinal = (g.output ?? []).some((o) => o.name === out);
        if (!isFinal)
          fail(label, 'Softmax only as the last node (it runs on the host in fp32)', 'a Softmax feeding other nodes');
        const axis = attrInt('axis', -1);
        steps.push({
          kind: 'softmax',
          name: nodeName,
          input: ins[0]!,
          output: out,
          axis: axis < 0 ? axis + x.shape.length : axis,
        });
        desc.set(out, { dtype: 'float', shape: x.shape });
        continue;
      }
      default:
        fail(label, `one of the supported ops: ${SUPPORTED_OPS.join(', ')}`, op);
    }
  }

  const outputs: Network['outputs'] = [];
  for (const o of g.output ?? []) {
    const x = desc.get(o.name!);
    if (!x) fail(`output "${o.name}"`, 'an output computed by the graph', 'a constant or missing tensor');
    if (x!.acc)
      fail(
        `output "${o.name}"`,
        'a quantized output (QuantizeLinear after MatMul/Gemm/Conv)',
        'a float GEMM output; the array produces integers',
      );
    outputs.push({ name: o.name!, dtype: x!.dtype, shape: x!.shape });
  }
  for (const [name, x] of desc)
    if (
      x.acc &&
      !layers.includes(x.acc.layer) &&
      (consumers.get(name) ?? 0) > 0 &&
      !descConsumedByAcc(name, g.node ?? [])
    ) {
      fail(
        `tensor "${name}"`,
        'a MatMul/Gemm/Conv output followed by QuantizeLinear (optionally through Add of a bias and Relu)',
        'another consumer',
      );
    }
  return { inputs, outputs, steps, layers };
}

/** Names whose consumers are only Add/Relu/QuantizeLinear (the pattern continues). */
function descConsumedByAcc(name: string, nodes: NodeProto[]): boolean {
  return nodes
    .filter((n) => (n.input ?? []).includes(name))
    .every((n) => ['Add', 'Relu', 'QuantizeLinear'].includes(n.opType ?? ''));
}

type DqConsts = Map<string, { t: Tensor; scale: Float64Array; zeroPoint: Float64Array; axis: number }>;

type Fail = (path: string, expected: string, received: string) => never;

/** Per-column fp32 requantization scale fp32(fp32(s_x·s_w[n]) / s_y). */
function perCol(L: GemmLayer, ys: number): Float64Array {
  const s = new Float64Array(L.N);
  const ws = L.wScale!;
  for (let n = 0; n < L.N; n++) s[n] = onnxScale(L.inputScale!, ws.length === 1 ? ws[0]! : ws[n]!, ys);
  return s;
}

function biasFrom(
  label: string,
  name: string,
  xs: number,
  ws: Float64Array,
  N: number,
  dq: DqConsts,
  fail: Fail,
): Float64Array {
  const b = dq.get(name);
  if (!b || b.t.dtype !== 'int32')
    return fail(label, 'a bias that is DequantizeLinear of an int32 constant (QDQ form)', `"${name}"`);
  if (b.t.data.length !== N) fail(label, `a bias of ${N} values`, `${b.t.data.length}`);
  for (let n = 0; n < N; n++) {
    const want = Math.fround(xs * (ws.length === 1 ? ws[0]! : ws[n]!));
    const got = b.scale.length === 1 ? b.scale[0]! : b.scale[n]!;
    if (Math.abs(got - want) > 1e-6 * want || (b.zeroPoint[n] ?? b.zeroPoint[0] ?? 0) !== 0)
      fail(label, `a bias scale equal to input scale × weight scale (${want}) and zero point 0`, `${got}`);
  }
  return b.t.data;
}

function transpose2(t: Tensor): Tensor {
  const [r, c] = t.dims as [number, number];
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j]!;
  return { dtype: t.dtype, dims: [c, r], data };
}

function zeroPoints(label: string, wz: Tensor | null, N: number, fail: Fail): Float64Array {
  const z = new Float64Array(N);
  if (!wz) return z;
  if (wz.data.length === 1) z.fill(wz.data[0]!);
  else if (wz.data.length === N) z.set(wz.data);
  else fail(label, `a weight zero point with 1 or ${N} values`, `${wz.data.length}`);
  return z;
}

function matmulLayer(
  label: string,
  name: string,
  op: string,
  input: string,
  output: string,
  x: Desc,
  w: Tensor,
  xz: number,
  wz: Tensor | null,
  fail: Fail,
): GemmLayer {
  if (x.shape.length < 2) fail(label, 'an input of rank ≥ 2', `shape [${x.shape.join(',')}]`);
  const K = x.shape[x.shape.length - 1]!;
  if (w.dims.length < 2) fail(label, 'a weight of rank ≥ 2', `shape [${w.dims.join(',')}]`);
  const wK = w.dims[w.dims.length - 2]!;
  const N = w.dims[w.dims.length - 1]!;
  if (wK !== K) fail(label, `a weight with ${K} rows (the input's last dimension)`, `shape [${w.dims.join(',')}]`);
  const batches = sizeOf(w.dims.slice(0, -2));
  if (batches > 1 && sizeOf(x.shape.slice(0, -2)) !== batches)
    fail(label, 'batched weights matching the input batch', `shape [${w.dims.join(',')}]`);
  const weights = Array.from({ length: batches }, (_, b) => w.data.subarray(b * K * N, (b + 1) * K * N));
  const outShape = [...x.shape.slice(0, -1), N];
  return {
    name,
    op,
    input,
    output,
    inType: x.dtype,
    inZeroPoint: xz,
    weights,
    wType: w.dtype,
    wZeroPoint: zeroPoints(label, wz, N, fail),
    K,
    N,
    bias: null,
    output_: { kind: 'int32' },
    conv: null,
    inShape: x.shape,
    outShape,
  };
}

function convOut(inShape: number[], g: ConvGeom): [number, number] {
  const [H, W] = [inShape[2]!, inShape[3]!];
  const oh = Math.floor((H + g.pads[0] + g.pads[2] - g.dilations[0] * (g.kernel[0] - 1) - 1) / g.strides[0]) + 1;
  const ow = Math.floor((W + g.pads[1] + g.pads[3] - g.dilations[1] * (g.kernel[1] - 1) - 1) / g.strides[1]) + 1;
  return [oh, ow];
}

function geomFrom(label: string, kernel: number[], attrInts: (n: string) => number[] | null, fail: Fail): ConvGeom {
  const s = attrInts('strides') ?? [1, 1];
  const p = attrInts('pads') ?? [0, 0, 0, 0];
  const dl = attrInts('dilations') ?? [1, 1];
  if (kernel.length !== 2 || s.length !== 2 || p.length !== 4 || dl.length !== 2)
    fail(label, '2-D kernels, strides, dilations and 4 pads', show({ kernel, s, p, dl }));
  // ONNX pads are [top, left, bottom, right] (x1_begin, x2_begin, x1_end, x2_end).
  return {
    kernel: [kernel[0]!, kernel[1]!],
    strides: [s[0]!, s[1]!],
    pads: [p[0]!, p[1]!, p[2]!, p[3]!],
    dilations: [dl[0]!, dl[1]!],
  };
}

function poolGeom(
  label: string,
  shape: number[],
  global: boolean,
  attrInts: (n: string) => number[] | null,
  fail: Fail,
): ConvGeom {
  if (global) return { kernel: [shape[2]!, shape[3]!], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] };
  const k = attrInts('kernel_shape');
  if (!k) fail(label, 'kernel_shape', 'none');
  return geomFrom(label, k!, attrInts, fail);
}

function convLayer(
  label: string,
  name: string,
  op: string,
  input: string,
  output: string,
  x: Desc,
  w: Tensor,
  xz: number,
  wz: Tensor | null,
  attrInts: (n: string) => number[] | null,
  attrInt: (n: string, d: number) => number,
  fail: Fail,
  autoPad: string,
): GemmLayer {
  if (autoPad !== 'NOTSET') fail(label, 'explicit pads (auto_pad NOTSET)', `auto_pad ${autoPad}`);
  if (x.shape.length !== 4) fail(label, 'a 4-D NCHW input (2-D convolution)', `shape [${x.shape.join(',')}]`);
  if (w.dims.length !== 4) fail(label, 'a 4-D weight [Cout, Cin, kH, kW]', `shape [${w.dims.join(',')}]`);
  if (attrInt('group', 1) !== 1)
    fail(label, 'group = 1 (grouped and depthwise convolutions are not supported)', `${attrInt('group', 1)}`);
  const [Cout, Cin, kh, kw] = w.dims as [number, number, number, number];
  if (Cin !== x.shape[1]) fail(label, `weights with ${x.shape[1]} input channels`, `${Cin}`);
  const geom = geomFrom(label, attrInts('kernel_shape') ?? [kh, kw], attrInts, fail);
  const K = Cin * kh * kw;
  // W matrix K×N: row k = (ci, i, j) in that order, column n = output channel.
  const Wm = new Float64Array(K * Cout);
  for (let co = 0; co < Cout; co++) for (let k = 0; k < K; k++) Wm[k * Cout + co] = w.data[co * K + k]!;
  const [oh, ow] = convOut(x.shape, geom);
  if (oh < 1 || ow < 1) fail(label, 'an output of at least 1×1', `${oh}×${ow}`);
  return {
    name,
    op,
    input,
    output,
    inType: x.dtype,
    inZeroPoint: xz,
    weights: [Wm],
    wType: w.dtype,
    wZeroPoint: zeroPoints(label, wz, Cout, fail),
    K,
    N: Cout,
    bias: null,
    output_: { kind: 'int32' },
    conv: geom,
    inShape: x.shape,
    outShape: [x.shape[0]!, Cout, oh, ow],
  };
}

export { convOut };
