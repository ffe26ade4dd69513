/**
 * Reading and importing ONNX: malformed files are user errors naming the file; anything outside
 * the supported subset is rejected before any work, naming the node, its op type and what is
 * supported; the network check names the layer and the config field that must change.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { infer } from '../../generator/inference/run.js';
import { checkNetwork, formatIssues } from '../../generator/onnx/check.js';
import { importModel } from '../../generator/onnx/import.js';
import {
  decodeModel,
  onnx,
  readInput,
  readNpy,
  readTensorPb,
  tensorToProto,
  type Tensor,
} from '../../generator/onnx/read.js';
import { written } from '../helpers/configs.js';
import { buildCnn, buildMlp, buildOps } from '../../scripts/make-example-models.js';

const tmp = mkdtempSync(join(tmpdir(), 'axgen-onnx-'));
const t = (dtype: Tensor['dtype'], dims: number[], data: number[]): Tensor => ({
  dtype,
  dims,
  data: Float64Array.from(data),
});
const vi = (name: string, elemType: number, dims: (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  },
});

/** One-node model: x (graph input) → op → y, with initializers. */
/** A model of `nodes` reading graph input `x`, with `inits` as initializers and output `y`. */
function graphModel(nodes: object[], inits: [string, Tensor][], x: ReturnType<typeof vi>) {
  return onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      node: nodes,
      initializer: inits.map(([n, v]) => tensorToProto(n, v)),
      input: [x],
      output: [{ name: 'y' }],
    },
  });
}

function oneNode(
  op: string,
  inputs: string[],
  inits: [string, Tensor][],
  x: ReturnType<typeof vi>,
  attrs: object[] = [],
) {
  return graphModel([{ name: 'n1', opType: op, input: inputs, output: ['y'], attribute: attrs }], inits, x);
}

const expectUserError = (f: () => unknown, ...patterns: RegExp[]) => {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
};

describe('example networks', () => {
  it('scripts/make-example-models.ts rebuilds the committed models byte for byte (seeded, deterministic)', () => {
    expect(Buffer.from(buildMlp()).equals(readFileSync('examples/models/mlp-int8.onnx'))).toBe(true);
    expect(Buffer.from(buildCnn()).equals(readFileSync('examples/models/cnn-int8.onnx'))).toBe(true);
    expect(Buffer.from(buildOps()).equals(readFileSync('examples/models/ops-int8.onnx'))).toBe(true);
  });
});

describe('reading files', () => {
  const model = readFileSync('examples/models/cnn-int8.onnx');
  it('a truncated model is a user error, never a crash, wherever it is cut', () => {
    for (const frac of [0.05, 0.3, 0.6, 0.9, 0.999]) {
      const cut = model.subarray(0, Math.floor(model.length * frac));
      expectUserError(() => importModel(decodeModel(cut, 'cut.onnx'), { source: 'cut.onnx' }), /cut\.onnx/);
    }
  });
  it('bytes that are not ONNX are a user error', () => {
    expectUserError(
      () => decodeModel(new TextEncoder().encode('hello, not a model'), 'x.onnx'),
      /x\.onnx/,
      /ONNX model/,
    );
  });
  it('a truncated TensorProto .pb names the file and the element count', () => {
    const full = onnx.TensorProto.encode(tensorToProto('a', t('uint8', [2, 3], [1, 2, 3, 4, 5, 6]))).finish();
    writeFileSync(join(tmp, 'ok.pb'), full);
    expect(Array.from(readTensorPb(join(tmp, 'ok.pb')).data)).toEqual([1, 2, 3, 4, 5, 6]);
    writeFileSync(join(tmp, 'cut.pb'), full.subarray(0, full.length - 2));
    expectUserError(() => readTensorPb(join(tmp, 'cut.pb')), /cut\.pb/);
  });
  it('reads .npy arrays and rejects truncated or unsupported ones', () => {
    const header = "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const h = header + ' '.repeat(pad) + '\n';
    const bytes = new Uint8Array([
      0x93,
      0x4e,
      0x55,
      0x4d,
      0x50,
      0x59,
      1,
      0,
      h.length & 255,
      h.length >> 8,
      ...new TextEncoder().encode(h),
      1,
      255,
      3,
      128,
    ]);
    writeFileSync(join(tmp, 'a.npy'), bytes);
    const a = readInput(join(tmp, 'a.npy'));
    expect(a.dims).toEqual([2, 2]);
    expect(Array.from(a.data)).toEqual([1, -1, 3, -128]);
    writeFileSync(join(tmp, 'b.npy'), bytes.subarray(0, bytes.length - 1));
    expectUserError(() => readNpy(join(tmp, 'b.npy')), /b\.npy/, /4 data bytes .* received 3 bytes/);
    writeFileSync(join(tmp, 'c.npy'), new TextEncoder().encode('not npy'));
    expectUserError(() => readNpy(join(tmp, 'c.npy')), /\.npy file/);
    expectUserError(() => readInput(join(tmp, 'x.bin')), /\.pb.*\.npy/);
  });
});

describe('import rejects before any work', () => {
  const u8 = vi('x', 2, [1, 4]);
  it('an unsupported op, naming the node, the op and the supported ones', () => {
    expectUserError(
      () => importModel(oneNode('Sigmoid', ['x'], [], vi('x', 1, [1, 4]))),
      /node "n1" \(Sigmoid\)/,
      /QLinearConv/,
      /received Sigmoid/,
    );
  });
  it('every unsupported op of a model at once', () => {
    const m = oneNode('Sigmoid', ['x'], [], vi('x', 1, [1, 4]));
    m.graph!.node!.push(onnx.NodeProto.create({ name: 'n2', opType: 'LSTM', input: ['y'], output: ['z'] }));
    expectUserError(
      () => importModel(m, { source: 'two.onnx' }),
      /two\.onnx: 2 problems/,
      /node "n1" \(Sigmoid\)/,
      /node "n2" \(LSTM\)/,
    );
  });
  it('weights that are not int8/uint8', () => {
    const m = oneNode('MatMulInteger', ['x', 'w'], [['w', t('int32', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])]], u8);
    expectUserError(() => importModel(m), /MatMulInteger/, /weight of type int8 or uint8/, /int32/);
  });
  it('dynamic shapes', () => {
    const m = oneNode(
      'MatMulInteger',
      ['x', 'w'],
      [['w', t('int8', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])]],
      vi('x', 2, ['batch', 4]),
    );
    expectUserError(() => importModel(m), /input "x"\.shape/, /dynamic shapes are not supported/, /batch/);
  });
  it('grouped convolutions', () => {
    const m = oneNode('ConvInteger', ['x', 'w'], [['w', t('int8', [2, 1, 1, 1], [1, 2])]], vi('x', 2, [1, 2, 3, 3]), [
      { name: 'group', type: 2, i: 2 },
    ]);
    expectUserError(() => importModel(m), /ConvInteger/, /group = 1/);
  });
  it('a float model (a GEMM and no quantization op): says so and how to quantize it', () => {
    const m = oneNode('MatMul', ['x', 'w'], [['w', t('float', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])]], vi('x', 1, [1, 4]));
    expectUserError(() => importModel(m), /an int8 model \(QDQ or operator form\)/, /axgen quantize/, /a float model/);
  });

  it('a float GEMM input in a model with quantization ops: names the GEMM and DequantizeLinear', () => {
    const m = graphModel(
      [
        { name: 'dq', opType: 'DequantizeLinear', input: ['wq', 'ws', 'wz'], output: ['w'] },
        { name: 'mm', opType: 'MatMul', input: ['x', 'w'], output: ['y'] },
      ],
      [
        ['wq', t('int8', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])],
        ['ws', t('float', [], [0.5])],
        ['wz', t('int8', [], [0])],
      ],
      vi('x', 1, [1, 4]),
    );
    expectUserError(() => importModel(m), /MatMul/, /DequantizeLinear/);
  });
});

describe('operands the model needs and the network check', () => {
  // QLinearMatMul, uint8 activations (zero point 3) × uint8 weights with zero point 255: the
  // multiplier sees x − 3 in −3..252 and w − 255 in −255..0 (an effective weight of −255).
  const W = [255, 0, 1, 254, 128, 255, 0, 7];
  const m = graphModel(
    [{ name: 'mm', opType: 'QLinearMatMul', input: ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz'], output: ['y'] }],
    [
      ['xs', t('float', [], [0.05])],
      ['xz', t('uint8', [], [3])],
      ['w', t('uint8', [4, 2], W)],
      ['ws', t('float', [], [0.01])],
      ['wz', t('uint8', [], [255])],
      ['ys', t('float', [], [0.3])],
      ['yz', t('uint8', [], [100])],
    ],
    vi('x', 2, [1, 4]),
  );
  const net = importModel(m);
  it('an 8-bit signed array cannot run it: the check names the layer and precision.activation / precision.weight', () => {
    const c = resolveConfig(written({ rows: 2, cols: 2 }), 't');
    const issues = checkNetwork(net, c, derive(c));
    expect(issues.map((i) => i.path)).toEqual(['precision.activation', 'precision.weight']);
    const text = formatIssues(issues);
    expect(text).toMatch(
      /layer mm \(QLinearMatMul\): precision\.weight needs w − z_w in -255\.\.0 \(9 bits signed at least\)/,
    );
    expect(text).toMatch(/precision\.activation needs x − z_x in -3\.\.252 \(9 bits signed/);
  });
  it('maxK and the accumulator are checked too', () => {
    const c = resolveConfig(
      written({ rows: 2, cols: 2, aBits: 9, wBits: 9, maxK: 2, overflow: 'wrap', accBits: 20 }),
      't',
    );
    expect(checkNetwork(net, c, derive(c)).map((i) => i.path)).toEqual(['array.maxK']);
  });
  it('a 9-bit signed array runs it and computes sum((x − 3)(w − 255)) exactly', () => {
    const c = resolveConfig(written({ rows: 2, cols: 2, aBits: 9, wBits: 9 }), 't');
    const d = derive(c);
    expect(checkNetwork(net, c, d)).toEqual([]);
    const x = [10, 200, 3, 255];
    const res = infer(net, c, d, new Map([['x', t('uint8', [1, 4], x)]]));
    const acc = [0, 1].map((n) => x.reduce((s, v, k) => s + (v - 3) * (W[k * 2 + n]! - 255), 0));
    const want = acc.map((a) =>
      Math.min(255, Math.max(0, Math.round(Math.fround(a * Math.fround(Math.fround(0.05 * 0.01) / 0.3))) + 100)),
    );
    expect(Array.from(res.tensors.get('y')!.data)).toEqual(want);
    expect(acc[0]).toBeLessThan(0); // the effective weight −255 really took part
  });
});
