/** Labelled image sets: the documented layout is enforced, and the installed Fashion-MNIST reads. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { loadDataset, loadLabeledImages, NAMED_DATASETS } from '../../generator/data/dataset.js';
import { encodeIdx, readIdx, type NdArray } from '../../generator/data/idx.js';
import { encodeNpy } from '../../generator/data/npy.js';
import { ToolMissingError } from '../../generator/infra/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'axgen-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 4;
/** Image i has every pixel equal to 10·i + (pixel index mod 10). */
const pixels = Uint8Array.from({ length: N * 784 }, (_, k) => 10 * Math.floor(k / 784) + (k % 10));
const images = (dims: number[]): NdArray => ({ dtype: 'uint8', dims, data: pixels });
const labels: NdArray = { dtype: 'uint8', dims: [N], data: Uint8Array.of(3, 0, 9, 1) };

function write(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

async function userError(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe("a user's own images and labels", () => {
  it("reads IDX and .npy in every documented image shape, gzip'd or not", async () => {
    const pairs: [string, string][] = [
      [write('a-images', encodeIdx(images([N, 28, 28]))), write('a-labels', encodeIdx(labels))],
      [write('b-images.gz', gzipSync(encodeIdx(images([N, 784])))), write('b-labels.gz', gzipSync(encodeIdx(labels)))],
      [write('c-images.npy', encodeNpy(images([N, 1, 28, 28]))), write('c-labels.npy', encodeNpy(labels))],
      // .npy told apart by content, whatever the name
      [write('d-images.bin', encodeNpy(images([N, 28, 28]))), write('d-labels.idx', encodeIdx(labels))],
    ];
    for (const [img, lab] of pairs) {
      const set = await loadLabeledImages(img, lab);
      expect(set.count).toBe(N);
      expect(set.images).toEqual(pixels);
      expect([...set.labels]).toEqual([3, 0, 9, 1]);
      expect(set.source).toEqual({ images: img, labels: lab });
    }
  });

  it("accepts integer labels of any width (numpy's default int64 included) when they fit 0..255", async () => {
    const wide = write('wide-labels.npy', encodeNpy({ dtype: 'int32', dims: [N], data: Int32Array.of(3, 0, 9, 1) }));
    const set = await loadLabeledImages(write('w-images.npy', encodeNpy(images([N, 784]))), wide);
    expect([...set.labels]).toEqual([3, 0, 9, 1]);
    const bad = write('neg-labels.npy', encodeNpy({ dtype: 'int32', dims: [N], data: Int32Array.of(3, -1, 9, 1) }));
    const e = await userError(loadLabeledImages(write('x-images.npy', encodeNpy(images([N, 784]))), bad));
    expect(e.problems[0]).toMatchObject({ path: 'labels[1]', received: '-1' });
  });

  it('refuses float images, a wrong shape, a count mismatch and labels beyond the classes', async () => {
    const img = write('ok-images', encodeIdx(images([N, 28, 28])));
    const floats = write(
      'f-images.npy',
      encodeNpy({ dtype: 'float32', dims: [N, 784], data: new Float32Array(N * 784) }),
    );
    let e = await userError(loadLabeledImages(floats, write('l1', encodeIdx(labels))));
    expect(e.source).toBe(floats);
    expect(e.problems[0]).toMatchObject({ path: 'dtype', received: 'float32' });
    expect(e.problems[0]!.expected).toContain('astype(numpy.uint8)');

    const square = write('s-images', encodeIdx({ dtype: 'uint8', dims: [N, 32, 32], data: new Uint8Array(N * 1024) }));
    e = await userError(loadLabeledImages(square, write('l2', encodeIdx(labels))));
    expect(e.problems[0]).toMatchObject({ path: 'shape', received: '4×32×32' });

    const three = write('l3', encodeIdx({ dtype: 'uint8', dims: [3], data: Uint8Array.of(1, 2, 3) }));
    e = await userError(loadLabeledImages(img, three));
    expect(e.source).toBe(three);
    expect(e.problems[0]!.expected).toContain('4 labels');

    e = await userError(loadLabeledImages(img, write('l4', encodeIdx(labels)), ['a', 'b', 'c']));
    expect(e.problems[0]).toMatchObject({ path: 'labels[0]', received: '3' });
  });
});

describe('datasets by name or folder', () => {
  it('reads a folder with the MNIST file names, preferring nothing but what exists', async () => {
    const folder = join(dir, 'mnist-like');
    mkdirSync(folder);
    writeFileSync(join(folder, 't10k-images-idx3-ubyte.gz'), gzipSync(encodeIdx(images([N, 28, 28]))));
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte'), encodeIdx(labels));
    const set = await loadDataset(folder, 'test');
    expect(set.count).toBe(N);
    expect([...set.labels]).toEqual([3, 0, 9, 1]);
    const e = await userError(loadDataset(folder, 'train'));
    expect(e.problems[0]!.expected).toContain('train-images-idx3-ubyte[.gz]');
    const unknown = await userError(loadDataset('cifar-10'));
    expect(unknown.problems[0]!.expected).toContain('fashion-mnist');
  });

  const fashion = NAMED_DATASETS.find((d) => d.name === 'fashion-mnist')!;
  const installed = existsSync(join(fashion.dir, 't10k-images-idx3-ubyte.gz'));
  if (!installed) {
    console.warn(
      `skipping the Fashion-MNIST header test: ${fashion.dir} is absent (install Debian's ${fashion.debianPackage}, or run scripts/setup.sh)`,
    );
  }

  it.skipIf(!installed)('finds the installed Fashion-MNIST test set: 10,000 uint8 images of 28×28', async () => {
    // Read only the first bytes of the gzip'd file: the header and the first image.
    const fh = await open(join(fashion.dir, 't10k-images-idx3-ubyte.gz'));
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(4096), 0, 4096, 0);
    await fh.close();
    const head = gunzipSync(buffer.subarray(0, bytesRead), { finishFlush: 2 /* Z_SYNC_FLUSH: a partial stream */ });
    expect([...head.subarray(0, 4)]).toEqual([0, 0, 8, 3]);
    const view = new DataView(head.buffer, head.byteOffset);
    expect([view.getUint32(4), view.getUint32(8), view.getUint32(12)]).toEqual([10000, 28, 28]);
    // and the whole reader agrees on the labels file (10 kB): 1,000 images of each of 10 classes
    const labelsFile = await readIdx(join(fashion.dir, 't10k-labels-idx1-ubyte.gz'));
    expect(labelsFile.dims).toEqual([10000]);
    // and the whole test split by name (about 0.1 s): 1,000 images of each class, as published
    const set = await loadDataset('fashion-mnist', 'test');
    expect(set.count).toBe(10000);
    expect(set.images.length).toBe(10000 * 784);
    const perClass = new Array<number>(10).fill(0);
    for (const l of set.labels) perClass[l]! += 1;
    expect(perClass).toEqual(new Array(10).fill(1000));
    expect(set.classNames?.[set.labels[0]!]).toBe('Ankle boot'); // the first test image
  });

  it('says which Debian package to install when a named dataset is missing', async () => {
    const registry = [{ ...fashion, dir: join(dir, 'not-installed') }];
    const e = await loadDataset('fashion-mnist', 'test', registry).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ToolMissingError);
    expect((e as Error).message).toContain('apt-get install -y dataset-fashion-mnist');
  });
});
