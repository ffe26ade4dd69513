/** derive(): computed once per resolved config, and the product format is read from it. */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { productFormat, resolveConfig } from '../../generator/config/resolve.js';
import { written } from '../helpers/configs.js';

describe('derive', () => {
  it('returns the same Derived for the same config object, a fresh one for another resolution', () => {
    const w = written({ rows: 4, cols: 3 });
    const c = resolveConfig(w);
    const d = derive(c);
    expect(derive(c)).toBe(d);
    const again = derive(resolveConfig(w));
    expect(again).not.toBe(d);
    expect({ ...again, unit: null, skip: null }).toEqual({ ...d, unit: null, skip: null });
  });

  it('carries the product format: exact signed 8x8 is 16 bits, -16256..16384; unsigned 4x4 is 8 bits, 0..225', () => {
    const s = derive(resolveConfig(written({ rows: 2, cols: 2 })));
    expect(s.product).toEqual({ bits: 16, signed: true, min: -16256, max: 16384 });
    const u = resolveConfig(written({ rows: 2, cols: 2, aBits: 4, wBits: 4, aSigned: false, wSigned: false }));
    expect(derive(u).product).toEqual({ bits: 8, signed: false, min: 0, max: 225 });
    expect(derive(u).product).toEqual(productFormat(u));
  });
});
