/**
 * `axgen accuracy` on the shipped int8 MLP and a few hundred Fashion-MNIST test images: exact int8
 * predictions equal onnxruntime's, an exact array agrees with exact int8 everywhere with zero layer
 * error, an approximate array is measured (not equal), the zero-skip rate equals a brute-force
 * count, a second run comes from the cache, and the parallel path (shard processes) equals the
 * in-process run, exact int8's predictions computed in the shards included.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { runAccuracy } from '../../generator/inference/accuracy-run.js';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { argmax } from '../../generator/data/accuracy.js';
import { loadDataset } from '../../generator/data/dataset.js';
import {
  arrayRun,
  arrayRunParallel,
  exactConfig,
  exactPredictions,
  finishLayers,
  loadNetwork,
} from '../../generator/inference/accuracy.js';
import { im2col, infer, weightMat } from '../../generator/inference/run.js';
import { written } from '../helpers/configs.js';

const hasData = existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz');
const MODEL = 'examples/models/fashion-mlp-int8.onnx';
const base = { rows: 8, cols: 8, aBits: 8, aSigned: false, wBits: 8, maxK: 2048, accDepth: 64 };
const exact = resolveConfig(written({ ...base, accBits: 32 }), 'test');
const mitchell = resolveConfig(
  {
    ...written({ ...base, accBits: 24, overflow: 'saturate', multiplier: { kind: 'mitchell', fractionBits: 3 } }),
    zeroSkip: { activation: 0, weight: 0 },
  },
  'test',
);

describe.skipIf(!hasData)('axgen accuracy (MLP, 300 images)', () => {
  it('exact int8 predictions equal onnxruntime on the same model and images', async () => {
    const ds = await loadDataset('fashion-mnist', 'test');
    const { net } = loadNetwork(MODEL, exact);
    const n = 300;
    const ours = exactPredictions(net, exact, ds, n);
    const session = await ort.InferenceSession.create(MODEL);
    let same = 0;
    for (let i = 0; i < n; i++) {
      const x = Float32Array.from(ds.images.subarray(i * 784, (i + 1) * 784), (p) => Math.fround(p / 255));
      const r = await session.run({ input: new ort.Tensor('float32', x, [1, 784]) });
      if (argmax(r.logits!.data as Float32Array) === ours[i]) same++;
    }
    expect(same).toBe(n);
  });

  it('an exact array agrees everywhere; Mitchell with a narrow saturating accumulator is measured; the cache answers the second run', async () => {
    process.env.AXGEN_CACHE = mkdtempSync(join(tmpdir(), 'axgen-acc-'));
    const ds = await loadDataset('fashion-mnist', 'test');
    const e = await runAccuracy(exact, MODEL, ds, {
      limit: 300,
      layerImages: 50,
      floatModel: 'examples/models/fashion-mlp.onnx',
    });
    // Nothing cached yet: exact int8 was computed (alongside the array run) and cached.
    expect([e.cache.float, e.cache.exact, e.cache.array]).toEqual([false, false, false]);
    expect(e.report.agreement).toBe(1);
    expect(e.report.array.correct).toBe(e.report.exact.correct);
    for (const l of e.report.layers) expect([l.meanAbs, l.worstAbs, l.snrDb]).toEqual([0, 0, Infinity]);
    expect(e.report.float!.accuracy).toBeGreaterThan(0.8);
    expect(e.report.exact.accuracy).toBeGreaterThan(0.8);
    expect(e.report.macsPerImage).toBe(784 * 128 + 128 * 10);
    expect(e.report.zeroSkipRate).toBeNull();
    const m = await runAccuracy(mitchell, MODEL, ds, { limit: 300, layerImages: 50 });
    expect(m.cache.exact).toBe(true);
    expect(m.cache.array).toBe(false);
    expect(m.report.layers[0]!.meanAbs).toBeGreaterThan(0);
    expect(m.report.layers[0]!.snrDb).toBeGreaterThan(10);
    expect(m.report.agreement).toBeGreaterThan(0.9);
    expect(m.report.zeroSkipRate).toBeGreaterThan(0.2);
    const again = await runAccuracy(mitchell, MODEL, ds, { limit: 300, layerImages: 50 });
    expect(again.cache.array).toBe(true);
    expect(again.report).toEqual(m.report);
  });

  it('liveOnly inference (what the accuracy runs use) gives the same graph output and layer outputs, skipping dead steps', async () => {
    const ds = await loadDataset('fashion-mnist', 'test');
    const cnn = 'examples/models/fashion-cnn-int8.onnx';
    const { net } = loadNetwork(cnn, exact);
    const d = derive(exact);
    for (let i = 0; i < 3; i++) {
      const x = Float64Array.from(ds.images.subarray(i * 784, (i + 1) * 784), (p) => Math.fround(p / 255));
      const input = new Map([['input', { dtype: 'float' as const, dims: [1, 1, 28, 28], data: x }]]);
      const all = infer(net, exact, d, input).tensors;
      const live = infer(net, exact, d, input, { liveOnly: true }).tensors;
      for (const name of [...net.outputs.map((o) => o.name), ...net.layers.map((L) => L.output)])
        expect(live.get(name)).toEqual(all.get(name));
      // the DequantizeLinear steps only the float graph reads were skipped
      expect(live.size).toBeLessThan(all.size);
    }
  });

  it('the zero-skip rate equals a brute-force count over every product of two images', async () => {
    const ds = await loadDataset('fashion-mnist', 'test');
    const { net } = loadNetwork(MODEL, mitchell);
    const d = derive(mitchell);
    const run = arrayRun(net, mitchell, ds, 2, 0);
    let skipped = 0;
    for (let i = 0; i < 2; i++) {
      const x = Float64Array.from(ds.images.subarray(i * 784, (i + 1) * 784), (p) => Math.fround(p / 255));
      const r = infer(net, mitchell, d, new Map([['input', { dtype: 'float' as const, dims: [1, 784], data: x }]]));
      for (const L of net.layers) {
        const t = r.tensors.get(L.input)!;
        const A = L.conv
          ? im2col(L, t)
          : { rows: t.data.length / L.K, cols: L.K, data: Int32Array.from(t.data, (v) => v - L.inZeroPoint) };
        const W = weightMat(L, 0, mitchell, d);
        for (let mm = 0; mm < A.rows; mm++)
          for (let k = 0; k < L.K; k++)
            for (let nn = 0; nn < L.N; nn++) if (d.skip!(A.data[mm * L.K + k]!, W.data[k * L.N + nn]!)) skipped++;
      }
    }
    expect(run.skipped).toBe(skipped);
    expect(run.macs).toBe(2 * (784 * 128 + 128 * 10));
    expect(exactConfig(mitchell).multiplier).toEqual({ kind: 'exact' });
  });

  it('the parallel path (shard processes through runTool) equals the in-process run on 40 images', async () => {
    const ds = await loadDataset('fashion-mnist', 'test');
    const { net } = loadNetwork(MODEL, mitchell);
    const one = arrayRun(net, mitchell, ds, 40, 25);
    let ticks = 0;
    const par = await arrayRunParallel(net, MODEL, mitchell, ds, 40, 25, {
      jobs: 2,
      minShard: 10,
      tick: () => ticks++,
    });
    expect(ticks).toBe(40);
    expect(Array.from(par.predictions)).toEqual(Array.from(one.predictions));
    expect(par.exact).toBeUndefined();
    // Exact int8's predictions computed in the shards (and in this process) equal onnxruntime's on
    // the int8 model (an independent computation), and so exactPredictions.
    const session = await ort.InferenceSession.create(MODEL);
    const exactRef: number[] = [];
    for (let i = 0; i < 40; i++) {
      const x = Float32Array.from(ds.images.subarray(i * 784, (i + 1) * 784), (p) => Math.fround(p / 255));
      const r = await session.run({ input: new ort.Tensor('float32', x, [1, 784]) });
      exactRef.push(argmax(r.logits!.data as Float32Array));
    }
    await session.release();
    expect(Array.from(exactPredictions(net, mitchell, ds, 40))).toEqual(exactRef);
    const parEx = await arrayRunParallel(net, MODEL, mitchell, ds, 40, 25, { jobs: 2, minShard: 10, withExact: true });
    expect(Array.from(parEx.exact!)).toEqual(exactRef);
    expect(Array.from(parEx.predictions)).toEqual(Array.from(one.predictions));
    expect(Array.from(arrayRun(net, mitchell, ds, 40, 25, undefined, 0, true).exact!)).toEqual(exactRef);
    expect([par.skipped, par.macs, par.rows]).toEqual([one.skipped, one.macs, one.rows]);
    const [a, b] = [finishLayers(net, par.sums), finishLayers(net, one.sums)];
    a.forEach((l, i) => {
      expect(l.outputs).toBe(b[i]!.outputs);
      expect(l.worstAbs).toBe(b[i]!.worstAbs);
      expect(l.meanAbs).toBeCloseTo(b[i]!.meanAbs, 12);
      expect(l.snrDb).toBeCloseTo(b[i]!.snrDb, 9);
    });
    // Fewer images than minShard per shard: stays in this process (no shard started, same result).
    const inProc = await arrayRunParallel(net, 'no-such-model.onnx', mitchell, ds, 40, 25, { jobs: 2, minShard: 30 });
    expect(Array.from(inProc.predictions)).toEqual(Array.from(one.predictions));
    // Only the shard processes read the model file: a missing one proves the shards ran, and a
    // failed shard is reported by number, image range and its error.
    await expect(
      arrayRunParallel(net, 'no-such-model.onnx', mitchell, ds, 40, 25, { jobs: 2, minShard: 10 }),
    ).rejects.toThrow(/accuracy shard 0 \(images 0\.\.19\) exited 1: .*no-such-model\.onnx/s);
  });
});
