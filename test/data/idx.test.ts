/** IDX and .npy readers: round trips, and every malformed file is a ConfigError naming the problem. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { encodeIdx, parseIdx, readIdx, type NdArray } from '../../generator/data/idx.js';
import { encodeNpy, parseNpy, readNpy } from '../../generator/data/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'axgen-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 3 images of 2×2 pixels whose values are their own index (0..11). */
const small: NdArray = { dtype: 'uint8', dims: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i) };

function problemOf(fn: () => unknown): { source: string; path: string; expected: string; received: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const err = e as ConfigError;
    return { source: err.source, ...err.problems[0]! };
  }
  throw new Error('expected a ConfigError');
}

describe('IDX', () => {
  it('encodes the header as the MNIST page describes: 00 00 08 <ndim>, big-endian dims', () => {
    const bytes = encodeIdx(small);
    expect([...bytes.subarray(0, 16)]).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2]);
    expect(bytes.length).toBe(16 + 12);
  });

  it("reads plain and gzip'd files alike (gzip found by content, not by name)", async () => {
    const plain = join(dir, 'plain-idx3-ubyte');
    const gz = join(dir, 'gz-idx3-ubyte'); // no .gz suffix on purpose
    writeFileSync(plain, encodeIdx(small));
    writeFileSync(gz, gzipSync(encodeIdx(small)));
    for (const file of [plain, gz]) {
      const a = await readIdx(file);
      expect(a.dtype).toBe('uint8');
      expect(a.dims).toEqual([3, 2, 2]);
      expect([...a.data]).toEqual([...small.data]);
    }
  });

  it('round-trips wider big-endian types', () => {
    for (const a of [
      { dtype: 'int16', dims: [3], data: Int16Array.of(-300, 0, 300) },
      { dtype: 'int32', dims: [2], data: Int32Array.of(-70000, 123456789) },
      { dtype: 'float32', dims: [2], data: Float32Array.of(0.5, -1.25) },
      { dtype: 'float64', dims: [1], data: Float64Array.of(Math.PI) },
      { dtype: 'int8', dims: [2], data: Int8Array.of(-128, 127) },
    ] as NdArray[]) {
      const back = parseIdx(encodeIdx(a), 't');
      expect(back.dtype).toBe(a.dtype);
      expect([...back.data]).toEqual([...a.data]);
    }
    // big-endian on disk: int16 -300 = 0xFED4
    expect([...encodeIdx({ dtype: 'int16', dims: [1], data: Int16Array.of(-300) }).subarray(8)]).toEqual([0xfe, 0xd4]);
  });

  it('rejects a bad magic number, naming the file and the bytes found', () => {
    const bad = encodeIdx(small);
    bad[0] = 0x50; // e.g. a PNG or text file
    const p = problemOf(() => parseIdx(bad, 'images.idx'));
    expect(p.source).toBe('images.idx');
    expect(p.path).toBe('magic number');
    expect(p.received).toContain('50 00 08 03');
    const badType = encodeIdx(small);
    badType[2] = 0x07;
    expect(problemOf(() => parseIdx(badType, 'x')).expected).toContain('type code');
    expect(problemOf(() => parseIdx(Uint8Array.of(0, 0), 'x')).path).toBe('magic number');
  });

  it('rejects a truncated file and trailing bytes, with the sizes', () => {
    const full = encodeIdx(small);
    const cut = problemOf(() => parseIdx(full.subarray(0, full.length - 1), 'x'));
    expect(cut.path).toBe('data');
    expect(cut.expected).toContain('12 data bytes for dimensions 3×2×2');
    expect(cut.received).toContain('11 bytes (the file is truncated)');
    const long = new Uint8Array(full.length + 2);
    long.set(full);
    expect(problemOf(() => parseIdx(long, 'x')).received).toContain('trailing bytes');
    // a header cut inside the dimensions
    expect(problemOf(() => parseIdx(full.subarray(0, 9), 'x')).path).toBe('header');
  });

  it('rejects a truncated gzip stream as a user error, not a crash', async () => {
    const gz = gzipSync(encodeIdx(small));
    const file = join(dir, 'cut.gz');
    writeFileSync(file, gz.subarray(0, gz.length - 6));
    const err = await readIdx(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('truncated or corrupt');
    const missing = await readIdx(join(dir, 'nope')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as ConfigError).message).toContain('ENOENT');
  });
});

describe('.npy', () => {
  it('writes the header numpy.save writes (v1.0, padded to 64 bytes) and reads it back', () => {
    const bytes = encodeNpy(small);
    const headerLen = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLen) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
    expect(header).toMatch(/^\{'descr': '\|u1', 'fortran_order': False, 'shape': \(3, 2, 2\), \} *\n$/);
    const back = parseNpy(bytes, 't');
    expect(back.dims).toEqual([3, 2, 2]);
    expect([...back.data]).toEqual([...small.data]);
    // a 1-d shape is written as a one-element tuple
    expect(new TextDecoder().decode(encodeNpy({ dtype: 'uint8', dims: [5], data: new Uint8Array(5) }))).toContain(
      "'shape': (5,)",
    );
  });

  it("reads little-endian types, int64 labels as numbers, and gzip'd files", async () => {
    const f = { dtype: 'float32', dims: [2], data: Float32Array.of(1.5, -2) } as NdArray;
    expect([...parseNpy(encodeNpy(f), 't').data]).toEqual([1.5, -2]);
    // int64 labels as numpy writes them by default: patch the descr of an int32 file and widen
    const i64 = encodeNpy({ dtype: 'float64', dims: [2], data: new Float64Array(2) });
    const text = new TextDecoder('latin1').decode(i64).replace("'<f8'", "'<i8'");
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    view.setBigInt64(bytes.length - 16, 7n, true);
    view.setBigInt64(bytes.length - 8, 9n, true);
    const labels = parseNpy(bytes, 't');
    expect([...labels.data]).toEqual([7, 9]);
    const file = join(dir, 'images.npy.gz');
    writeFileSync(file, gzipSync(encodeNpy(small)));
    expect((await readNpy(file)).dims).toEqual([3, 2, 2]);
  });

  it('rejects bad magic, unsupported dtype, Fortran order and truncation with a fix', () => {
    expect(problemOf(() => parseNpy(encodeIdx(small), 'a.npy')).path).toBe('magic string');
    const patch = (from: string, to: string): Uint8Array => {
      const text = new TextDecoder('latin1').decode(encodeNpy(small)).replace(from, to);
      return Uint8Array.from(text, (c) => c.charCodeAt(0));
    };
    const dtype = problemOf(() => parseNpy(patch("'|u1'", "'>i2'"), 'a.npy'));
    expect(dtype.path).toBe('descr');
    expect(dtype.received).toBe('">i2"');
    const fortran = problemOf(() => parseNpy(patch('False', 'True '), 'a.npy'));
    expect(fortran.path).toBe('fortran_order');
    expect(fortran.expected).toContain('ascontiguousarray');
    const full = encodeNpy(small);
    const cut = problemOf(() => parseNpy(full.subarray(0, full.length - 3), 'a.npy'));
    expect(cut.path).toBe('data');
    expect(cut.received).toContain('truncated');
    expect(problemOf(() => parseNpy(full.subarray(0, 40), 'a.npy')).path).toBe('header');
  });
});
