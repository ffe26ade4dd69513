/**
 * Reader for IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * Format (Y. LeCun, C. Cortes, C. Burges, "THE MNIST DATABASE of handwritten digits", section
 * "FILE FORMATS FOR THE MNIST DATABASE"): a 4-byte magic number `00 00 <type> <ndim>`, then `ndim`
 * dimension sizes as big-endian uint32, then the elements in row-major order (last dimension
 * fastest), big-endian. Type codes: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
 * 0x0E float64. A file starting with the gzip magic `1f 8b` is decompressed first, whatever its name.
 *
 * Every problem (bad magic number, unknown type, a data size that does not match the dimensions, a
 * truncated or corrupt gzip stream) is a {@link ConfigError} naming the file: the CLI exits 1.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { ConfigError } from '../infra/errors.js';

/** Element type of an IDX file, named like numpy's dtypes. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** Bytes per element of each dtype. */
export const ELEMENT_BYTES: Record<IdxDtype, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};

/** Typed array holding elements of each {@link IdxDtype}, in row-major order. */
export type NumericArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded n-dimensional array: `data.length` equals the product of `dims`. */
export interface NdArray {
  dtype: IdxDtype;
  /** Dimension sizes, outermost first (e.g. [10000, 28, 28] for the test images). */
  dims: number[];
  data: NumericArray;
}

/** IDX type code → element type and size in bytes. */
const IDX_TYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** True when `bytes` start with the gzip magic number 1f 8b (RFC 1952, section 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses `bytes` when they are gzip'd, else returns them unchanged.
 * @throws ConfigError naming `source` when the gzip stream is truncated or corrupt.
 */
export function maybeGunzip(bytes: Uint8Array, source: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new ConfigError(source, [
      {
        path: 'gzip stream',
        expected: 'a complete gzip-compressed file',
        received: `a stream zlib cannot decompress (${(e as Error).message}); the file is truncated or corrupt`,
      },
    ]);
  }
}

/**
 * Decodes an uncompressed IDX file.
 * @param bytes the whole file (already gunzipped).
 * @param source file name for error messages.
 * @returns the array; elements of types wider than a byte are converted from big-endian.
 * @throws ConfigError for a bad magic number, an unknown type code, a zero dimension count, or a
 *   data size that differs from the product of the dimensions (truncated file or trailing bytes).
 */
export function parseIdx(bytes: Uint8Array, source: string): NdArray {
  const fail = (path: string, expected: string, received: string): never => {
    throw new ConfigError(source, [{ path, expected, received }]);
  };
  if (bytes.length < 4)
    fail('magic number', 'an IDX file (4-byte magic number 00 00 <type> <ndim>)', `${bytes.length} byte(s)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail('magic number', 'an IDX file: first two bytes 00 00', `${hex(bytes.subarray(0, 4))}`);
  }
  const type = IDX_TYPES[bytes[2]!];
  if (!type) {
    fail('magic number', 'IDX type code 08 (uint8), 09, 0b, 0c, 0d or 0e in byte 3', `${hex(bytes.subarray(0, 4))}`);
  }
  const { dtype, bytes: size } = type!;
  const ndim = bytes[3]!;
  if (ndim === 0) fail('magic number', 'at least one dimension (byte 4 ≥ 1)', '0 dimensions');
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    fail(
      'header',
      `${headerBytes} header bytes for ${ndim} dimension(s)`,
      `a file of ${bytes.length} bytes (truncated)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const dataBytes = bytes.length - headerBytes;
  if (dataBytes !== count * size) {
    fail(
      'data',
      `${count * size} data bytes for dimensions ${dims.join('×')} of ${dtype}`,
      `${dataBytes} bytes (${dataBytes < count * size ? 'the file is truncated' : 'trailing bytes after the data'})`,
    );
  }
  let data: NumericArray;
  // Copies into plain typed arrays (a Buffer's slice would be a view, and a Buffer besides).
  if (dtype === 'uint8') data = new Uint8Array(bytes.subarray(headerBytes));
  else if (dtype === 'int8') data = Int8Array.from(bytes.subarray(headerBytes), (b) => (b << 24) >> 24);
  else {
    const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[dtype];
    const out = new Ctor(count);
    for (let i = 0; i < count; i++) {
      const at = headerBytes + i * size;
      out[i] =
        dtype === 'int16'
          ? view.getInt16(at, false)
          : dtype === 'int32'
            ? view.getInt32(at, false)
            : dtype === 'float32'
              ? view.getFloat32(at, false)
              : view.getFloat64(at, false);
    }
    data = out;
  }
  return { dtype, dims, data };
}

/**
 * Reads an IDX file from disk, gunzipping it when it starts with the gzip magic number.
 * @throws ConfigError when the file cannot be read or is not a well-formed IDX file.
 */
export async function readIdx(file: string): Promise<NdArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new ConfigError(file, [{ path: '(file)', expected: 'a readable IDX file', received: (e as Error).message }]);
  }
  return parseIdx(maybeGunzip(bytes, file), file);
}

/** The IDX type code of each element type (the inverse of the table above). */
export const IDX_TYPE_CODE: Record<IdxDtype, number> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};

/**
 * Encodes an array as an uncompressed IDX file (the layout {@link parseIdx} reads), for tests and
 * for users converting their data.
 */
export function encodeIdx(array: NdArray): Uint8Array {
  const size = ELEMENT_BYTES[array.dtype];
  const headerBytes = 4 + 4 * array.dims.length;
  const out = new Uint8Array(headerBytes + array.data.length * size);
  const view = new DataView(out.buffer);
  out[2] = IDX_TYPE_CODE[array.dtype];
  out[3] = array.dims.length;
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  writeElements(view, headerBytes, array, false);
  return out;
}

/**
 * Writes `array.data` as consecutive elements of `array.dtype` from byte `at` of `view`, big-endian
 * (IDX) or little-endian (`.npy`): the one element writer of both encoders.
 */
export function writeElements(view: DataView, at: number, array: NdArray, littleEndian: boolean): void {
  const size = ELEMENT_BYTES[array.dtype];
  const set: Record<IdxDtype, (o: number, v: number) => void> = {
    uint8: (o, v) => view.setUint8(o, v),
    int8: (o, v) => view.setInt8(o, v),
    int16: (o, v) => view.setInt16(o, v, littleEndian),
    int32: (o, v) => view.setInt32(o, v, littleEndian),
    float32: (o, v) => view.setFloat32(o, v, littleEndian),
    float64: (o, v) => view.setFloat64(o, v, littleEndian),
  };
  const write = set[array.dtype];
  for (let i = 0; i < array.data.length; i++) write(at + i * size, array.data[i]!);
}
