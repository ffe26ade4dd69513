/** `axgen export-lut`: every layout read back independently and compared with the unit's model. */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { parseNpy } from '../../generator/data/npy.js';
import { encodeLut, formatsFor } from '../../generator/export/lut.js';
import { written } from '../helpers/configs.js';

const mk = (
  aSigned: boolean,
  wSigned: boolean,
  multiplier: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => resolveConfig({ ...written({ rows: 2, cols: 2, aSigned, wSigned, multiplier }), ...extra }, 'test');

/** The product the PE forms: the unit's model on a and the mapped weight, 0 when skipped. */
const derived = new WeakMap<object, ReturnType<typeof derive>>();
function model(c: ReturnType<typeof mk>, a: number, w: number): number {
  let d = derived.get(c);
  if (!d) derived.set(c, (d = derive(c)));
  const wm = d.unit.mapWeight(w, c.multiplier, d.ctx);
  return d.skip?.(a, wm) ? 0 : d.unit.multiply(a, wm, c.multiplier, d.ctx);
}

describe('export-lut', () => {
  it('tfapprox: 65,536 uint16 little-endian at a·256 + w (8×8 unsigned Mitchell)', () => {
    const c = mk(false, false, { kind: 'mitchell', fractionBits: 3 });
    const b = encodeLut(c, 'tfapprox');
    expect(b.length).toBe(131072);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let approx = 0;
    for (let a = 0; a < 256; a++)
      for (let w = 0; w < 256; w++) {
        const want = model(c, a, w);
        expect(dv.getUint16(2 * (a * 256 + w), true)).toBe(want);
        if (want !== a * w) approx++;
      }
    expect(approx).toBeGreaterThan(1000); // really an approximate table
  });

  it('adapt: int16 lut[(uint8_t)a][(uint8_t)w] in a C++ header (8×8 signed ASM with zero-skip)', () => {
    const c = mk(true, true, { kind: 'asm', alphabet: [1, 3] }, { zeroSkip: { activation: 0, weight: 0 } });
    const text = new TextDecoder().decode(encodeLut(c, 'adapt'));
    const rows = text
      .slice(text.indexOf('{\n') + 2)
      .split('\n')
      .filter((l) => l.startsWith('  {'))
      .map((l) =>
        l
          .replace(/[ {},]+$/g, '')
          .replace(/^[ {]+/, '')
          .split(', ')
          .map(Number),
      );
    expect(rows.length).toBe(256);
    for (let ab = 0; ab < 256; ab += 3)
      for (let wb = 0; wb < 256; wb++)
        expect(rows[ab]![wb]).toBe(model(c, ab < 128 ? ab : ab - 256, wb < 128 ? wb : wb - 256));
  });

  it('npy: int32 [A, W] at [a − a_min][w − w_min]; mixed signedness fits only npy, and other formats are refused naming it', () => {
    const c = mk(false, true, { kind: 'ilm', corrections: 1 });
    expect(formatsFor(c)).toEqual(['npy']);
    const arr = parseNpy(encodeLut(c, 'npy'), 't.npy');
    expect(arr.dtype).toBe('int32');
    expect(arr.dims).toEqual([256, 256]);
    for (let a = 0; a < 256; a += 5)
      for (let w = -128; w < 128; w++) expect(arr.data[a * 256 + (w + 128)]).toBe(model(c, a, w));
    expect(() => encodeLut(c, 'tfapprox')).toThrow(/npy \(tfapprox needs 8-bit unsigned/);
    expect(() => encodeLut(c, 'adapt')).toThrow(/npy \(adapt needs 8-bit signed/);
  });
});
