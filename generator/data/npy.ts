/**
 * Reader and writer for NumPy `.npy` files (what `numpy.save` writes), plain or gzip-compressed.
 *
 * Format (NumPy's `numpy.lib.format` documentation, "The .npy format", versions 1.0–3.0): the magic
 * string `\x93NUMPY`, a major and a minor version byte, the header length (little-endian uint16 in
 * version 1, uint32 in versions 2 and 3), then an ASCII (version 3: UTF-8) header that is a Python
 * dict literal with the keys `descr` (the dtype, e.g. `'|u1'`, `'<f4'`), `fortran_order` and
 * `shape` (a tuple), padded with spaces and a newline; then the elements.
 *
 * Supported dtypes: `|u1` `|i1` `<i2` `<i4` `<f4` `<f8` (and `<i8`/`<u8` whose values fit in a
 * double exactly, read into float64), C order only. Anything else is a {@link ConfigError} naming
 * the file and saying how to convert: the CLI exits 1.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../infra/errors.js';
import { ELEMENT_BYTES, maybeGunzip, writeElements, type IdxDtype, type NdArray, type NumericArray } from './idx.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** True when `bytes` start with the `.npy` magic string `\x93NUMPY`. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** numpy descr → element type, size in bytes and little-endian reader. */
const DESCRS: Record<string, { dtype: IdxDtype; bytes: number; read?: (v: DataView, at: number) => number }> = {
  '|u1': { dtype: 'uint8', bytes: 1 },
  '<u1': { dtype: 'uint8', bytes: 1 },
  '|i1': { dtype: 'int8', bytes: 1 },
  '<i1': { dtype: 'int8', bytes: 1 },
  '<i2': { dtype: 'int16', bytes: 2, read: (v, at) => v.getInt16(at, true) },
  '<i4': { dtype: 'int32', bytes: 4, read: (v, at) => v.getInt32(at, true) },
  '<f4': { dtype: 'float32', bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  '<f8': { dtype: 'float64', bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  '<i8': { dtype: 'float64', bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  '<u8': { dtype: 'float64', bytes: 8, read: (v, at) => Number(v.getBigUint64(at, true)) },
};

const CTORS = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array } as const;

/**
 * Decodes a `.npy` file (already gunzipped).
 * @param bytes the whole file.
 * @param source file name for error messages.
 * @returns the array in C (row-major) order; `int64`/`uint64` data come back as float64 and must
 *   lie within ±2^53 (checked).
 * @throws ConfigError for a bad magic string, an unsupported version or dtype, Fortran order, a
 *   header that is not the dict numpy writes, or a data size that does not match the shape.
 */
export function parseNpy(bytes: Uint8Array, source: string): NdArray {
  const fail = (path: string, expected: string, received: string): never => {
    throw new ConfigError(source, [{ path, expected, received }]);
  };
  if (bytes.length < 10 || !isNpy(bytes)) {
    fail(
      'magic string',
      'a .npy file (starting with \\x93NUMPY, as numpy.save writes)',
      JSON.stringify(String.fromCharCode(...bytes.subarray(0, 6))),
    );
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) fail('version', '.npy format version 1, 2 or 3', `${major}.${bytes[7]}`);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : -1;
  const headerStart = major === 1 ? 10 : 12;
  if (headerLen < 0 || headerStart + headerLen > bytes.length) {
    fail('header', `a header of ${headerLen} bytes`, `a file of ${bytes.length} bytes (truncated)`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLen),
  );
  const descrMatch = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch || !fortranMatch || !shapeMatch) {
    fail(
      'header',
      "a dict with 'descr', 'fortran_order' and 'shape' (as numpy.save writes)",
      JSON.stringify(header.trim()),
    );
  }
  const descr = descrMatch![1]!;
  const type = DESCRS[descr];
  if (!type) {
    fail(
      'descr',
      `one of ${Object.keys(DESCRS).join(' ')} (convert with array.astype(numpy.uint8) for images)`,
      JSON.stringify(descr),
    );
  }
  if (fortranMatch![1] === 'True') {
    fail('fortran_order', 'False (save numpy.ascontiguousarray(array) instead)', 'True');
  }
  const shapeText = shapeMatch![1]!.trim();
  const parts =
    shapeText === ''
      ? []
      : shapeText
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  if (parts.some((s) => !/^\d+$/.test(s))) fail('shape', 'a tuple of non-negative integers', `(${shapeText})`);
  const dims = parts.map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const dataBytes = bytes.length - dataStart;
  const { dtype, bytes: size, read } = type!;
  if (dataBytes !== count * size) {
    fail(
      'data',
      `${count * size} data bytes for shape (${dims.join(', ')}) of ${descr}`,
      `${dataBytes} bytes (${dataBytes < count * size ? 'the file is truncated' : 'trailing bytes after the data'})`,
    );
  }
  let data: NumericArray;
  // Copies into plain typed arrays (a Buffer's slice would be a view, and a Buffer besides).
  if (dtype === 'uint8') data = new Uint8Array(bytes.subarray(dataStart));
  else if (dtype === 'int8') data = Int8Array.from(bytes.subarray(dataStart), (b) => (b << 24) >> 24);
  else {
    const out = new CTORS[dtype](count);
    for (let i = 0; i < count; i++) out[i] = read!(view, dataStart + i * size);
    if (descr === '<i8' || descr === '<u8') {
      const bad = out.findIndex((v) => !Number.isSafeInteger(v));
      if (bad >= 0) fail(`data[${bad}]`, `${descr} values within ±2^53`, String(out[bad]));
    }
    data = out;
  }
  return { dtype, dims, data };
}

/**
 * Reads a `.npy` file from disk (gunzipped first when it starts with the gzip magic number).
 * @throws ConfigError when the file cannot be read or is not a supported `.npy` file.
 */
export async function readNpy(file: string): Promise<NdArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new ConfigError(file, [{ path: '(file)', expected: 'a readable .npy file', received: (e as Error).message }]);
  }
  return parseNpy(maybeGunzip(bytes, file), file);
}

/** numpy descr written for each element type. */
const DESCR_OF: Record<IdxDtype, string> = {
  uint8: '|u1',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  float32: '<f4',
  float64: '<f8',
};

/**
 * Encodes an array as a version 1.0 `.npy` file in C order, byte for byte what `numpy.save` writes
 * for the same array (header padded with spaces to a multiple of 64 bytes, ending in a newline).
 */
export function encodeNpy(array: NdArray): Uint8Array {
  const shape = array.dims.length === 1 ? `(${array.dims[0]},)` : `(${array.dims.join(', ')})`;
  let header = `{'descr': '${DESCR_OF[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = MAGIC.length + 4 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const size = ELEMENT_BYTES[array.dtype];
  const start = MAGIC.length + 4 + header.length;
  const out = new Uint8Array(start + array.data.length * size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  writeElements(view, start, array, true);
  return out;
}
