/**
 * Labelled image sets for accuracy runs: a named dataset installed by the setup (Fashion-MNIST), a
 * folder laid out like it, or a user's own images and labels as IDX or `.npy` files.
 *
 * The layout every source must have (checked; anything else is a ConfigError, exit 1):
 * - images: uint8 pixels 0..255, shaped N×28×28, N×784 or N×1×28×28 (row-major, row 0 of the image
 *   first), e.g. `numpy.save('images.npy', x.astype(numpy.uint8))`;
 * - labels: N integers 0..255 (uint8, or any integer dtype whose values fit), one per image, in the
 *   same order.
 * The networks see the pixels scaled as x / 255 (see scripts/train-fashion.py); the importer's
 * input quantization maps them onto int8.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, withPath } from '../infra/errors.js';
import { ToolMissingError } from '../infra/tools.js';
import { maybeGunzip, parseIdx, type NdArray } from './idx.js';
import { isNpy, parseNpy } from './npy.js';

/** Image height and width the reference networks take. */
export const IMAGE_ROWS = 28;
export const IMAGE_COLS = 28;
export const IMAGE_PIXELS = IMAGE_ROWS * IMAGE_COLS;

/** N labelled 28×28 grey images. */
export interface LabeledImages {
  /** Number of images N. */
  count: number;
  /** N×784 uint8 pixels, image after image, each row-major (row 0 first). */
  images: Uint8Array;
  /** N labels. */
  labels: Uint8Array;
  /** Where the images and labels came from (file paths), for reports and cache keys. */
  source: { images: string; labels: string };
  /** Class names by label when the dataset defines them (Fashion-MNIST does), else undefined. */
  classNames?: readonly string[];
}

/** A dataset known by name; its files follow the MNIST naming inside `dir`. */
export interface NamedDataset {
  name: string;
  dir: string;
  /** The Debian package that installs `dir`. */
  debianPackage: string;
  classNames: readonly string[];
  /** Figures that describe it, with their source (for docs and error messages). */
  description: string;
}

/**
 * Datasets known by name. Fashion-MNIST: 60,000 training and 10,000 test images of 10 clothing
 * classes (Xiao, Rasul, Vollgraf, arXiv:1708.07747), from Debian's dataset-fashion-mnist package.
 * Class names from the dataset's README ("Labels" table).
 */
export const NAMED_DATASETS: readonly NamedDataset[] = [
  {
    name: 'fashion-mnist',
    dir: '/usr/share/datasets/fashion-mnist',
    debianPackage: 'dataset-fashion-mnist',
    classNames: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
    description: 'Fashion-MNIST: 60,000 training and 10,000 test 28×28 images, 10 classes',
  },
];

/** Which part of a named dataset or dataset folder. */
export type Split = 'train' | 'test';

/** MNIST file names (without `.gz`) of each split, as the datasets ship them. */
const SPLIT_FILES: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

const exists = async (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/** The gzip'd or plain file `base` in `dir`, whichever exists (gzip'd first), or undefined. */
async function findSplitFile(dir: string, base: string): Promise<string | undefined> {
  for (const name of [`${base}.gz`, base]) {
    if (await exists(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Reads an images file and a labels file (IDX, gzip'd IDX or `.npy`, told apart by content) and
 * checks them against the layout in this module's header.
 * @throws ConfigError naming the file and what is wrong (dtype, shape, count mismatch, label range).
 */
export async function loadLabeledImages(
  imagesFile: string,
  labelsFile: string,
  classNames?: readonly string[],
): Promise<LabeledImages> {
  const [imagesArray, labelsArray] = await Promise.all([readArray(imagesFile), readArray(labelsFile)]);
  return checkLabeledImages(imagesArray, labelsArray, { images: imagesFile, labels: labelsFile }, classNames);
}

/**
 * Reads an IDX or `.npy` file, either possibly gzip'd, told apart by content: a file starting with
 * the `.npy` magic string (after gunzip) is read as `.npy`, anything else as IDX.
 * @throws ConfigError when the file cannot be read or is malformed.
 */
export async function readArray(file: string): Promise<NdArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    // A missing or unreadable path goes up as it is: the CLI names the option that gave it (--images,
    // --labels) and what to do (commands/common.ts, describeFailure).
    if ((e as NodeJS.ErrnoException).code !== undefined) throw withPath(e, file);
    throw new ConfigError(file, [
      { path: '(file)', expected: 'a readable IDX or .npy file', received: (e as Error).message },
    ]);
  }
  bytes = maybeGunzip(bytes, file);
  return isNpy(bytes) ? parseNpy(bytes, file) : parseIdx(bytes, file);
}

/**
 * Checks decoded images and labels against the documented layout and packs them.
 * @param images uint8 array shaped N×28×28, N×784 or N×1×28×28.
 * @param labels integer array shaped N (or N×1) with values 0..255.
 * @throws ConfigError naming the offending file.
 */
export function checkLabeledImages(
  images: NdArray,
  labels: NdArray,
  source: { images: string; labels: string },
  classNames?: readonly string[],
): LabeledImages {
  const layout = 'uint8 images shaped N×28×28, N×784 or N×1×28×28';
  if (images.dtype !== 'uint8') {
    throw new ConfigError(source.images, [
      {
        path: 'dtype',
        expected: `${layout} (pixels 0..255; convert with astype(numpy.uint8))`,
        received: images.dtype,
      },
    ]);
  }
  const d = images.dims;
  const shapeOk =
    (d.length === 3 && d[1] === IMAGE_ROWS && d[2] === IMAGE_COLS) ||
    (d.length === 2 && d[1] === IMAGE_PIXELS) ||
    (d.length === 4 && d[1] === 1 && d[2] === IMAGE_ROWS && d[3] === IMAGE_COLS);
  if (!shapeOk) {
    throw new ConfigError(source.images, [{ path: 'shape', expected: layout, received: d.join('×') }]);
  }
  const count = d[0]!;
  // No image: every figure of a run would be 0/0 (accuracy, MACs per image, images/s).
  if (count === 0)
    throw new ConfigError(source.images, [
      { path: 'shape', expected: `at least one image (${layout})`, received: d.join('×') },
    ]);
  const ld = labels.dims;
  if (!(ld.length === 1 || (ld.length === 2 && ld[1] === 1))) {
    throw new ConfigError(source.labels, [
      { path: 'shape', expected: `labels shaped N (one per image, N = ${count})`, received: ld.join('×') },
    ]);
  }
  if (ld[0] !== count) {
    throw new ConfigError(source.labels, [
      { path: 'shape', expected: `${count} labels, one per image in ${source.images}`, received: `${ld[0]} labels` },
    ]);
  }
  let packed: Uint8Array;
  if (labels.dtype === 'uint8') packed = labels.data as Uint8Array;
  else {
    packed = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const v = labels.data[i]!;
      if (!Number.isInteger(v) || v < 0 || v > 255) {
        throw new ConfigError(source.labels, [
          { path: `labels[${i}]`, expected: 'an integer class label 0..255', received: String(v) },
        ]);
      }
      packed[i] = v;
    }
  }
  if (classNames) {
    const bad = packed.findIndex((v) => v >= classNames.length);
    if (bad >= 0) {
      throw new ConfigError(source.labels, [
        {
          path: `labels[${bad}]`,
          expected: `a class label 0..${classNames.length - 1}`,
          received: String(packed[bad]),
        },
      ]);
    }
  }
  return { count, images: images.data as Uint8Array, labels: packed, source, ...(classNames ? { classNames } : {}) };
}

/**
 * Loads a split of a dataset given by name (`fashion-mnist`) or by a folder holding the MNIST file
 * names (`t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`, and `train-…` likewise).
 * @param dataset a name from {@link NAMED_DATASETS} or a folder path.
 * @param split `test` (10,000 images for Fashion-MNIST) or `train` (60,000).
 * @param registry the datasets known by name (tests substitute their own).
 * @throws ToolMissingError (exit 2) when a named dataset's Debian package is not installed;
 *   ConfigError (exit 1) for an unknown name, a folder without the files, or malformed files.
 */
export async function loadDataset(
  dataset: string,
  split: Split = 'test',
  registry: readonly NamedDataset[] = NAMED_DATASETS,
): Promise<LabeledImages> {
  const named = registry.find((d) => d.name === dataset);
  const dir = named ? named.dir : dataset;
  const files = SPLIT_FILES[split];
  const images = await findSplitFile(dir, files.images);
  const labels = await findSplitFile(dir, files.labels);
  if (!images || !labels) {
    if (named) {
      throw new ToolMissingError(
        `the ${named.name} dataset`,
        named.debianPackage,
        `${named.dir} has no ${files.images}.gz / ${files.labels}.gz`,
      );
    }
    const known = registry.map((d) => d.name).join(', ');
    throw new ConfigError('--dataset', [
      {
        path: 'dataset',
        expected: `a dataset name (${known}) or a folder with ${files.images}[.gz] and ${files.labels}[.gz]`,
        received: JSON.stringify(dataset),
      },
    ]);
  }
  return loadLabeledImages(images, labels, named?.classNames);
}
