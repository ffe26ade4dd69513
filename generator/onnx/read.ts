/**
 * Reading ONNX files: models (`ModelProto`) and tensors (`TensorProto` `.pb`, as ONNX's conformance
 * data ships them), through the schema compiled by protobufjs in the `onnx-proto` package (ONNX
 * v1.10.2's onnx.proto), plus NumPy `.npy` arrays for inputs. A malformed, truncated or unsupported
 * file is a user error (`ConfigError`: exit 1, naming the file, what was expected and what was
 * found), never a crash.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { ConfigError, show, withPath } from '../infra/errors.js';
import { maybeGunzip, type IdxDtype } from '../data/idx.js';
import { parseNpy } from '../data/npy.js';

export const { onnx } = onnxProto;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProtoT = onnxProto.onnx.ITensorProto;

/** Element types axgen handles; the names are ONNX's (TensorProto.DataType), lower case. */
export type DType = 'float' | 'double' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64';

const DTYPE_OF: Record<number, DType> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  11: 'double',
};
export const DTYPE_CODE: Record<DType, number> = {
  float: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  double: 11,
};

/**
 * A dense tensor. `data` holds every element as an exact number in row-major (C) order: integers
 * of every listed type up to ±2^53 and float32 values are represented exactly by a double.
 */
export interface Tensor {
  dtype: DType;
  dims: number[];
  data: Float64Array;
}

/** Number of elements of a shape. */
export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Smallest and largest value of an integer element type. */
export function intRange(t: DType): { min: number; max: number } | null {
  switch (t) {
    case 'uint8':
      return { min: 0, max: 255 };
    case 'int8':
      return { min: -128, max: 127 };
    case 'uint16':
      return { min: 0, max: 65535 };
    case 'int16':
      return { min: -32768, max: 32767 };
    case 'int32':
      return { min: -(2 ** 31), max: 2 ** 31 - 1 };
    default:
      return null;
  }
}

const fail = (source: string, path: string, expected: string, received: unknown): never => {
  throw new ConfigError(source, [
    { path, expected, received: typeof received === 'string' ? received : show(received) },
  ]);
};

/** protobufjs gives int64 fields as Long objects or numbers. */
export function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

/**
 * A file's bytes; a filesystem error goes up with the path on it (withPath), for the CLI to name
 * the option that gave the file.
 */
export function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    // A missing or unreadable path goes up as it is: the CLI's error handler names the option that
    // gave it (--model, --input) and the reason (commands/common.ts, describeFailure).
    if ((e as NodeJS.ErrnoException).code !== undefined) throw withPath(e, file);
    return fail(file, '(file)', 'a readable file', (e as Error).message);
  }
}

/**
 * Decodes an ONNX model. Errors: unreadable file, protobuf that does not decode (truncated,
 * not ONNX), or a model without a graph → ConfigError naming the file.
 */
export function readModel(file: string): ModelProto {
  return decodeModel(readBytes(file), file);
}

/** As readModel, from bytes; `source` names them in errors. */
export function decodeModel(bytes: Uint8Array, source: string): ModelProto {
  let m: ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return fail(source, '(file)', 'an ONNX model (protobuf ModelProto)', `undecodable bytes (${(e as Error).message})`);
  }
  if (!m.graph || !m.graph.node || m.graph.node.length === 0)
    fail(source, 'graph', 'an ONNX model with a graph of nodes', 'no graph (not an ONNX model, or truncated)');
  return m;
}

/** Decodes a TensorProto `.pb` file (ONNX's conformance data format). */
export function readTensorPb(file: string): Tensor {
  const bytes = readBytes(file);
  let t: TensorProtoT;
  try {
    t = onnx.TensorProto.decode(bytes);
  } catch (e) {
    return fail(file, '(file)', 'an ONNX TensorProto', `undecodable bytes (${(e as Error).message})`);
  }
  return tensorFromProto(t, file);
}

/**
 * The values of a TensorProto (raw_data little-endian, or the typed repeated fields), checked
 * against its dims. Errors: unsupported element type, external data, element count ≠ product of
 * dims → ConfigError with `source` and the tensor's name.
 */
export function tensorFromProto(t: TensorProtoT, source: string): Tensor {
  const name = t.name ? `tensor "${t.name}"` : 'tensor';
  const dtype = DTYPE_OF[t.dataType ?? 0];
  if (!dtype)
    fail(
      source,
      name,
      `element type one of ${Object.keys(DTYPE_CODE).join(', ')}`,
      `TensorProto.DataType ${t.dataType ?? 0}`,
    );
  const dims = (t.dims ?? []).map(toNum);
  if (dims.some((d) => !Number.isInteger(d) || d < 0))
    fail(source, `${name}.dims`, 'non-negative integer dimensions', dims);
  if (t.dataLocation === 1) fail(source, name, 'tensor data inside the file', 'external data');
  const n = sizeOf(dims);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const data = new Float64Array(n);
  let count: number;
  if (raw) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const size = { float: 4, double: 8, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8 }[dtype!];
    count = raw.byteLength / size;
    if (count === n) {
      for (let i = 0; i < n; i++) {
        const o = i * size;
        switch (dtype) {
          case 'float':
            data[i] = dv.getFloat32(o, true);
            break;
          case 'double':
            data[i] = dv.getFloat64(o, true);
            break;
          case 'uint8':
            data[i] = dv.getUint8(o);
            break;
          case 'int8':
            data[i] = dv.getInt8(o);
            break;
          case 'uint16':
            data[i] = dv.getUint16(o, true);
            break;
          case 'int16':
            data[i] = dv.getInt16(o, true);
            break;
          case 'int32':
            data[i] = dv.getInt32(o, true);
            break;
          case 'int64':
            data[i] = Number(dv.getBigInt64(o, true));
            break;
        }
      }
    }
  } else {
    // Typed fields: float_data (float), int32_data (int32 and narrower ints), int64_data, double_data.
    const src: unknown[] =
      dtype === 'float'
        ? (t.floatData ?? [])
        : dtype === 'double'
          ? (t.doubleData ?? [])
          : dtype === 'int64'
            ? (t.int64Data ?? [])
            : (t.int32Data ?? []);
    count = src.length;
    if (count === n) for (let i = 0; i < n; i++) data[i] = toNum(src[i]);
  }
  if (count !== n)
    fail(source, name, `${n} elements for dims [${dims.join(',')}]`, `${count} (truncated or inconsistent)`);
  return { dtype: dtype!, dims, data };
}

/** Encodes a tensor as a TensorProto (raw_data, little-endian); used for test data and examples. */
export function tensorToProto(name: string, t: Tensor): TensorProtoT {
  const size = { float: 4, double: 8, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8 }[t.dtype];
  const buf = new Uint8Array(t.data.length * size);
  const dv = new DataView(buf.buffer);
  t.data.forEach((v, i) => {
    const o = i * size;
    switch (t.dtype) {
      case 'float':
        dv.setFloat32(o, v, true);
        break;
      case 'double':
        dv.setFloat64(o, v, true);
        break;
      case 'uint8':
        dv.setUint8(o, v);
        break;
      case 'int8':
        dv.setInt8(o, v);
        break;
      case 'uint16':
        dv.setUint16(o, v, true);
        break;
      case 'int16':
        dv.setInt16(o, v, true);
        break;
      case 'int32':
        dv.setInt32(o, v, true);
        break;
      case 'int64':
        dv.setBigInt64(o, BigInt(v), true);
        break;
    }
  });
  return { name, dataType: DTYPE_CODE[t.dtype], dims: t.dims, rawData: buf };
}

/** `.npy` element types (generator/data/npy.ts) as ONNX element types. */
const NPY_DTYPE: Record<IdxDtype, DType> = {
  uint8: 'uint8',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  float32: 'float',
  float64: 'double',
};

/**
 * Reads a NumPy `.npy` array (plain or gzip'd) as a tensor, through the one `.npy` reader
 * (generator/data/npy.ts: format versions 1–3, little-endian, C order). Errors: bad magic,
 * unsupported dtype or Fortran order, data size not matching the shape → ConfigError naming the file.
 */
export function readNpy(file: string): Tensor {
  const a = parseNpy(maybeGunzip(readBytes(file), file), file);
  return { dtype: NPY_DTYPE[a.dtype], dims: a.dims, data: Float64Array.from(a.data) };
}

/**
 * Reads the input of a one-input network from `file` (readInput) and checks it against the input
 * the model declares: the same element type, the same number of elements (read in row-major
 * order, as an ONNX Reshape would: an MNIST image stored as [1,1,28,28] feeds an MLP's [1,784]
 * input; a batch of two does not fit a one-image input) and finite values.
 * @throws ConfigError naming the file, the input and what differs
 */
export function readInputFor(file: string, declared: { name: string; dtype: DType; shape: number[] }): Tensor {
  const t = readInput(file);
  const want = `${/^[aeiou]/.test(declared.dtype) ? 'an' : 'a'} ${declared.dtype} tensor of shape [${declared.shape.join(',')}] or another shape of ${sizeOf(declared.shape)} elements (model input "${declared.name}")`;
  if (t.dtype !== declared.dtype || sizeOf(t.dims) !== sizeOf(declared.shape))
    fail(file, '(file)', want, `${t.dtype} [${t.dims.join(',')}]`);
  const bad = t.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(file, `(file)[${bad}]`, `${want} with finite values`, String(t.data[bad]));
  return t;
}

/** Reads an input tensor from a `.pb` (TensorProto) or `.npy` file, chosen by extension. */
export function readInput(file: string): Tensor {
  if (file.endsWith('.npy')) return readNpy(file);
  if (file.endsWith('.pb')) return readTensorPb(file);
  return fail(file, '(file)', 'an input file ending in .pb (ONNX TensorProto) or .npy (NumPy)', file);
}
