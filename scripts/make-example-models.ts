/**
 * Builds the example int8 networks in real ONNX QDQ structure (as ONNX Runtime's quantizer emits
 * them: QuantizeLinear / DequantizeLinear around Gemm and Conv, uint8 activations, int8 weights,
 * int32 biases with scale s_x·s_w) and an input file, deterministically (seeded weights, no
 * training: the networks exist to check bit-exactness, not to classify well):
 *
 *   examples/models/mlp-int8.onnx   [1,784] float → Q → Gemm 784×64 + bias → Relu → Q
 *                                   → Gemm 64×10 + bias → Q → DQ → Softmax        (~51 kMAC)
 *   examples/models/cnn-int8.onnx   [1,1,28,28] float → Q → Conv 8×3×3 pad 1 + bias → Relu → Q
 *                                   → MaxPool 2×2 → Conv 16×3×3 pad 1, per-channel weights → Relu
 *                                   → Q → MaxPool 2×2 → Flatten → Gemm 784×10 + bias → Q → DQ
 *                                   → Softmax                                       (~0.3 MMAC)
 *   examples/models/input-0.pb      a 28×28 image as float [1,1,28,28] in [0, 1] (pixel / 255):
 *                                   the first Fashion-MNIST test image when the Debian package
 *                                   dataset-fashion-mnist is installed, else a seeded pattern.
 *
 * Run: npx tsx scripts/make-example-models.ts [outDir]   (default examples/models)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { rng } from '../generator/model/rng.js';
import { runAsScript } from '../generator/infra/entry.js';
import { onnx, tensorToProto, type Tensor } from '../generator/onnx/read.js';

const FASHION = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

/** Fashion-MNIST test images [count][784] as bytes, or null without the dataset package. */
export function fashionImages(count: number): Uint8Array[] | null {
  if (!existsSync(FASHION)) return null;
  const b = gunzipSync(readFileSync(FASHION));
  return Array.from({ length: count }, (_, i) => b.subarray(16 + i * 784, 16 + (i + 1) * 784));
}

/** An image as the models' float input [1,1,28,28] (or [1,784]), pixel / 255 in fp32. */
export function imageTensor(px: Uint8Array, dims: number[]): Tensor {
  return { dtype: 'float', dims, data: Float64Array.from(px, (p) => Math.fround(p / 255)) };
}

/** A seeded 28×28 pattern used when the dataset is absent. */
export function patternImage(seed: number): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: 784 }, (_, i) => (Math.floor(i / 28) % 7 < 3 ? Math.floor(r() * 256) : 0));
}

type Node = ReturnType<typeof onnx.NodeProto.create>;

class Builder {
  nodes: Node[] = [];
  inits: ReturnType<typeof tensorToProto>[] = [];
  constructor(readonly r: () => number) {}
  init(name: string, t: Tensor): string {
    this.inits.push(tensorToProto(name, t));
    return name;
  }
  scalar(name: string, dtype: Tensor['dtype'], v: number): string {
    return this.init(name, { dtype, dims: [], data: Float64Array.of(dtype === 'float' ? Math.fround(v) : v) });
  }
  node(op: string, inputs: string[], output: string, attrs: Record<string, number | number[]> = {}): string {
    const attribute = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v)
        ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
        : { name, type: onnx.AttributeProto.AttributeType.INT, i: v },
    );
    return this.nodeWith(op, inputs, output, attribute);
  }
  nodeWith(op: string, inputs: string[], output: string, attribute: object[]): string {
    this.nodes.push(onnx.NodeProto.create({ name: output, opType: op, input: inputs, output: [output], attribute }));
    return output;
  }
  /** Q then DQ of x with (scale, zp uint8): returns the DQ output. */
  qdq(x: string, name: string, scale: number, zp: number): { q: string; dq: string } {
    const s = this.scalar(`${name}_scale`, 'float', scale);
    const z = this.scalar(`${name}_zp`, 'uint8', zp);
    const q = this.node('QuantizeLinear', [x, s, z], `${name}_q`);
    const dq = this.node('DequantizeLinear', [q, s, z], `${name}_dq`);
    return { q, dq };
  }
  /** DQ of a seeded int8 weight (per-tensor or per-channel along `axis`), or uint8 with zero point `uZp`. */
  weight(name: string, dims: number[], scales: number[], axis: number, uZp?: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const u = uZp !== undefined;
    const w = this.init(`${name}_w`, {
      dtype: u ? 'uint8' : 'int8',
      dims,
      data: Float64Array.from({ length: n }, () => Math.floor(this.r() * 255) - (u ? 0 : 127)),
    });
    const sT = this.init(`${name}_w_scale`, {
      dtype: 'float',
      dims: scales.length === 1 ? [] : [scales.length],
      data: Float64Array.from(scales, Math.fround),
    });
    const zT = this.init(`${name}_w_zp`, {
      dtype: u ? 'uint8' : 'int8',
      dims: scales.length === 1 ? [] : [scales.length],
      data: new Float64Array(scales.length).fill(uZp ?? 0),
    });
    const attrs: Record<string, number> = scales.length === 1 ? {} : { axis };
    return this.node('DequantizeLinear', [w, sT, zT], `${name}_w_dq`, attrs);
  }
  /** DQ of a seeded int32 bias with scale s_x·s_w (per channel). */
  bias(name: string, n: number, sx: number, sw: number[]): string {
    const b = this.init(`${name}_b`, {
      dtype: 'int32',
      dims: [n],
      data: Float64Array.from({ length: n }, () => Math.floor(this.r() * 2001) - 1000),
    });
    const scales = Array.from({ length: n }, (_, i) =>
      Math.fround(Math.fround(sx) * Math.fround(sw.length === 1 ? sw[0]! : sw[i]!)),
    );
    const sT = this.init(`${name}_b_scale`, {
      dtype: 'float',
      dims: sw.length === 1 ? [] : [n],
      data: Float64Array.from(sw.length === 1 ? [scales[0]!] : scales),
    });
    const zT = this.init(`${name}_b_zp`, {
      dtype: 'int32',
      dims: sw.length === 1 ? [] : [n],
      data: new Float64Array(sw.length === 1 ? 1 : n),
    });
    return this.node('DequantizeLinear', [b, sT, zT], `${name}_b_dq`, sw.length === 1 ? {} : { axis: 0 });
  }
  model(name: string, input: { name: string; dims: number[] }, output: { name: string; dims: number[] }): Uint8Array {
    const vi = (n: string, dims: number[]) => ({
      name: n,
      type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
    });
    const m = onnx.ModelProto.create({
      irVersion: 7,
      producerName: 'axgen scripts/make-example-models.ts',
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name,
        node: this.nodes,
        initializer: this.inits,
        input: [vi(input.name, input.dims)],
        output: [vi(output.name, output.dims)],
      },
    });
    return onnx.ModelProto.encode(m).finish();
  }
}

/** Per-tensor weight scale that keeps a K-input dot product of unit-range inputs near unit range. */
const wScale = (K: number) => 1 / (127 * Math.sqrt(K));
// Scales of the activations (uint8): inputs are pixel/255; ReLU outputs use zero point 0.
const S_IN = 1 / 255;
const S_ACT = 1.5 / 255;
const S_LOGIT = 4 / 128;

export function buildMlp(): Uint8Array {
  const b = new Builder(rng(0x4d4c50));
  const x = b.qdq('input', 'in', S_IN, 0);
  const sw1 = wScale(784);
  const h = b.node('Gemm', [x.dq, b.weight('fc1', [784, 64], [sw1], 1), b.bias('fc1', 64, S_IN, [sw1])], 'fc1');
  const r = b.node('Relu', [h], 'fc1_relu');
  const a1 = b.qdq(r, 'fc1_out', S_ACT, 0);
  const sw2 = wScale(64);
  const y = b.node('Gemm', [a1.dq, b.weight('fc2', [64, 10], [sw2], 1), b.bias('fc2', 10, S_ACT, [sw2])], 'fc2');
  const logits = b.qdq(y, 'logits', S_LOGIT, 128);
  b.node('Softmax', [logits.dq], 'probabilities', { axis: 1 });
  return b.model('mlp_int8', { name: 'input', dims: [1, 784] }, { name: 'probabilities', dims: [1, 10] });
}

export function buildCnn(): Uint8Array {
  const b = new Builder(rng(0x434e4e));
  const x = b.qdq('input', 'in', S_IN, 0);
  const sw1 = wScale(9);
  const c1 = b.node(
    'Conv',
    [x.dq, b.weight('conv1', [8, 1, 3, 3], [sw1], 0), b.bias('conv1', 8, S_IN, [sw1])],
    'conv1',
    { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
  );
  const a1 = b.qdq(b.node('Relu', [c1], 'conv1_relu'), 'conv1_out', S_ACT, 0);
  const p1 = b.qdq(
    b.node('MaxPool', [a1.dq], 'pool1', { kernel_shape: [2, 2], strides: [2, 2] }),
    'pool1_out',
    S_ACT,
    0,
  );
  // Per-channel weight scales on the second convolution.
  const sw2 = Array.from({ length: 16 }, (_, i) => wScale(72) * (0.75 + 0.05 * i));
  const c2 = b.node(
    'Conv',
    [p1.dq, b.weight('conv2', [16, 8, 3, 3], sw2, 0), b.bias('conv2', 16, S_ACT, sw2)],
    'conv2',
    { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
  );
  const a2 = b.qdq(b.node('Relu', [c2], 'conv2_relu'), 'conv2_out', S_ACT, 0);
  const p2 = b.qdq(
    b.node('MaxPool', [a2.dq], 'pool2', { kernel_shape: [2, 2], strides: [2, 2] }),
    'pool2_out',
    S_ACT,
    0,
  );
  const f = b.qdq(b.node('Flatten', [p2.dq], 'flatten', { axis: 1 }), 'flatten_out', S_ACT, 0);
  const sw3 = wScale(784);
  const y = b.node('Gemm', [f.dq, b.weight('fc', [784, 10], [sw3], 1), b.bias('fc', 10, S_ACT, [sw3])], 'fc');
  const logits = b.qdq(y, 'logits', S_LOGIT, 128);
  b.node('Softmax', [logits.dq], 'probabilities', { axis: 1 });
  return b.model('cnn_int8', { name: 'input', dims: [1, 1, 28, 28] }, { name: 'probabilities', dims: [1, 10] });
}

/**
 * The remaining supported ops in QDQ form, with non-zero zero points: activations with zero point
 * 7 after the first layer, a uint8 weight with zero point 114 on a MatMul whose bias comes through
 * an Add, AveragePool, Clip, GlobalAveragePool and Reshape (test model: examples/models/ops-int8.onnx).
 */
export function buildOps(): Uint8Array {
  const b = new Builder(rng(0x4f5053));
  const x = b.qdq('input', 'in', S_IN, 0);
  const sw1 = wScale(9);
  const c1 = b.node(
    'Conv',
    [x.dq, b.weight('conv1', [6, 1, 3, 3], [sw1], 0), b.bias('conv1', 6, S_IN, [sw1])],
    'conv1',
    { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 1, 1, 0] },
  );
  const a1 = b.qdq(c1, 'conv1_out', S_ACT, 7);
  const p1 = b.qdq(
    b.node('AveragePool', [a1.dq], 'avgpool', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
    'avgpool_out',
    S_ACT,
    7,
  );
  const lo = b.scalar('clip_min', 'float', -0.25);
  const hi = b.scalar('clip_max', 'float', 0.75);
  const cl = b.qdq(b.node('Clip', [p1.dq, lo, hi], 'clip'), 'clip_out', S_ACT, 7);
  const g = b.qdq(b.node('GlobalAveragePool', [cl.dq], 'gap'), 'gap_out', S_ACT / 4, 7);
  const shape = b.init('shape', { dtype: 'int64', dims: [2], data: Float64Array.of(1, -1) });
  const r = b.qdq(b.node('Reshape', [g.dq, shape], 'reshape'), 'reshape_out', S_ACT / 4, 7);
  const sw2 = 0.02;
  const mm = b.node('MatMul', [r.dq, b.weight('fc', [6, 10], [sw2], 1, 114)], 'fc');
  const y = b.node('Add', [mm, b.bias('fc', 10, S_ACT / 4, [sw2])], 'fc_bias');
  const logits = b.qdq(y, 'logits', S_LOGIT / 8, 128);
  b.node('Softmax', [logits.dq], 'probabilities', { axis: 1 });
  return b.model('ops_int8', { name: 'input', dims: [1, 1, 28, 28] }, { name: 'probabilities', dims: [1, 10] });
}

export function exampleInput(): Uint8Array {
  const px = fashionImages(1)?.[0] ?? patternImage(1);
  return onnx.TensorProto.encode(tensorToProto('input', imageTensor(px, [1, 1, 28, 28]))).finish();
}

if (runAsScript(import.meta.url)) {
  const out = process.argv[2] ?? 'examples/models';
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'mlp-int8.onnx'), buildMlp());
  writeFileSync(join(out, 'cnn-int8.onnx'), buildCnn());
  writeFileSync(join(out, 'ops-int8.onnx'), buildOps());
  writeFileSync(join(out, 'input-0.pb'), exampleInput());
  console.log(`wrote ${out}/mlp-int8.onnx, cnn-int8.onnx, ops-int8.onnx, input-0.pb`);
}
