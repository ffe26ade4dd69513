/**
 * What `axgen accuracy` and `axgen infer` refuse as bad input (exit 1, naming the file or option),
 * from a new-user trial: a folder where a model or data file is expected (was exit 3: Node's
 * EISDIR names no path), labels the model cannot predict, no image at all, a --limit above the
 * images there are, a float model of another network or an int8 model as --float-model, a float
 * model as --model, and an --input with another number of elements, or holding NaN.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { checkLabeledImages, type LabeledImages } from '../../generator/data/dataset.js';
import { encodeNpy } from '../../generator/data/npy.js';
import { runAccuracy } from '../../generator/inference/accuracy-run.js';
import { checkFloatModel, checkLabels, loadNetwork } from '../../generator/inference/accuracy.js';
import { ConfigError, formatProblem } from '../../generator/infra/errors.js';
import { readInputFor } from '../../generator/onnx/read.js';
import { runAxgen } from '../helpers/cli.js';
import { written } from '../helpers/configs.js';

const M = 'examples/models';
const cfg = resolveConfig(
  written({ rows: 8, cols: 8, aBits: 8, aSigned: false, wBits: 8, maxK: 2048, accDepth: 64, accBits: 32 }),
  'test',
);

/** The problems of the ConfigError `f` throws, as printed, with the error's source first. */
async function refusal(f: () => unknown): Promise<string> {
  let e: unknown;
  try {
    await f();
  } catch (x) {
    e = x;
  }
  expect(e, 'expected a ConfigError').toBeInstanceOf(ConfigError);
  const c = e as ConfigError;
  return [c.source, ...c.problems.map(formatProblem)].join('\n');
}

/** `n` black images with the given labels, as the dataset loader returns them. */
const images = (labels: number[]): LabeledImages => ({
  count: labels.length,
  images: new Uint8Array(labels.length * 784),
  labels: Uint8Array.from(labels),
  source: { images: 'imgs.npy', labels: 'labels.npy' },
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axgen-nn-inputs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('accuracy: labels, image count, --limit, --float-model', () => {
  const { net } = loadNetwork(`${M}/fashion-cnn-int8.onnx`, cfg);

  it('a label the model cannot predict (10 for 10 classes) is refused, naming the labels file and the index', async () => {
    expect(() => checkLabels(net, images([3, 9, 0]), 3)).not.toThrow();
    const text = await refusal(() => checkLabels(net, images([3, 10, 0]), 3));
    expect(text).toMatch(/^labels\.npy\n/);
    expect(text).toMatch(
      /labels\[1\]: expected a class label 0\.\.9 \(the model's output .* has 10 classes\), received 10/,
    );
    // Only the images run are checked (--limit 1 leaves the bad label out).
    expect(() => checkLabels(net, images([3, 10]), 1)).not.toThrow();
  });

  it('no image at all is refused (every figure would be 0/0)', async () => {
    const text = await refusal(() =>
      checkLabeledImages(
        { dtype: 'uint8', dims: [0, 28, 28], data: new Uint8Array(0) },
        { dtype: 'uint8', dims: [0], data: new Uint8Array(0) },
        { images: 'none.npy', labels: 'none-labels.npy' },
      ),
    );
    expect(text).toMatch(/^none\.npy\n✖ shape: expected at least one image .*received 0×28×28/);
  });

  it('--limit above the number of images is refused rather than silently lowered', async () => {
    const text = await refusal(() => runAccuracy(cfg, `${M}/fashion-cnn-int8.onnx`, images([1, 2, 3]), { limit: 4 }));
    expect(text).toMatch(/--limit: expected at most 3 \(the images in imgs\.npy\), received 4/);
  });

  it("--float-model: another network's float model, or an int8 model, is refused; the right one passes", async () => {
    expect(() => checkFloatModel(`${M}/fashion-cnn.onnx`, net)).not.toThrow();
    const other = await refusal(() => checkFloatModel(`${M}/fashion-mlp.onnx`, net));
    expect(other).toMatch(/graph\.input: expected the int8 model's input shape 1×1×28×28 .*received 1×784/);
    const int8 = await refusal(() => checkFloatModel(`${M}/fashion-mlp-int8.onnx`, net));
    expect(int8).toMatch(/\(QuantizeLinear\): expected a float model \(--float-model\): no quantization ops/);
  });

  it('a float model as --model says it is float and how to quantize it', async () => {
    const text = await refusal(() => loadNetwork(`${M}/fashion-cnn.onnx`, cfg));
    expect(text).toMatch(
      /\(model\): expected an int8 model \(QDQ or operator form\); quantize a float model first: axgen quantize .*received a float model/,
    );
  });
});

describe('infer: --input checked against the model input', () => {
  const { net } = loadNetwork(`${M}/fashion-cnn-int8.onnx`, cfg);
  const decl = net.inputs[0]!;
  const npy = (name: string, dims: number[], data: Float32Array) => {
    const f = join(dir, name);
    writeFileSync(f, encodeNpy({ dtype: 'float32', dims, data }));
    return f;
  };

  it('784 values in any shape pass (row-major, as a Reshape); a batch of two or a NaN are refused naming the file', async () => {
    expect(readInputFor(npy('ok.npy', [1, 1, 28, 28], new Float32Array(784)), decl).dims).toEqual([1, 1, 28, 28]);
    expect(readInputFor(npy('flat.npy', [1, 784], new Float32Array(784)), decl).dims).toEqual([1, 784]);
    const two = npy('two.npy', [2, 1, 28, 28], new Float32Array(2 * 784));
    expect(await refusal(() => readInputFor(two, decl))).toMatch(
      new RegExp(
        `^${two}\\n✖ \\(file\\): expected a float tensor of shape \\[1,1,28,28\\] or another shape of 784 elements .*received float \\[2,1,28,28\\]`,
      ),
    );
    const x = new Float32Array(784);
    x[5] = NaN;
    const nan = npy('nan.npy', [1, 1, 28, 28], x);
    expect(await refusal(() => readInputFor(nan, decl))).toMatch(
      /\(file\)\[5\]: expected .* with finite values, received NaN/,
    );
  });
});

describe('a folder where a file is expected (end to end: was exit 3 with a stack trace)', () => {
  it('accuracy --model and --images, infer --input: exit 1 naming the option, nothing written', async () => {
    const folder = join(dir, 'model.onnx');
    mkdirSync(folder);
    const cfgFile = join(dir, 'c.json');
    writeFileSync(
      cfgFile,
      JSON.stringify(
        written({ rows: 8, cols: 8, aBits: 8, aSigned: false, wBits: 8, maxK: 2048, accDepth: 64, accBits: 32 }),
      ),
    );
    const json = join(dir, 'r.json');
    for (const [args, opt] of [
      [['--model', folder, '--dataset', 'fashion-mnist', '--limit', '1'], '--model'],
      [['--model', `${M}/fashion-cnn-int8.onnx`, '--images', folder, '--labels', folder], '--images'],
    ] as const) {
      const r = await runAxgen(['accuracy', cfgFile, ...args, '--json', json]);
      expect(r.exitCode, r.all).toBe(1);
      expect(r.stderr).toContain(`✖ ${opt} "${folder}": cannot read ${folder}: it is a folder, not a file (EISDIR)`);
      expect(r.all).not.toMatch(/internal error|^\s+at /m);
    }
    const npyFolder = join(dir, 'in.npy');
    mkdirSync(npyFolder);
    const f = await runAxgen(['infer', cfgFile, '--model', `${M}/fashion-cnn-int8.onnx`, '--input', npyFolder]);
    expect(f.exitCode, f.all).toBe(1);
    expect(f.stderr).toContain(
      `✖ --input "${npyFolder}": cannot read ${npyFolder}: it is a folder, not a file (EISDIR)`,
    );
    expect(() => rmSync(json)).toThrow();
  });
});
