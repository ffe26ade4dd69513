/**
 * The sweep report's fmax cell tells a design that does not fit from one whose place and route did
 * not finish (fits not known): a timed-out or unroutable point is not reported as too big.
 */
import { describe, expect, it } from 'vitest';
import { fmaxCell } from '../../generator/sweep/report.js';
import type { Fmax } from '../../generator/sweep/point.js';

const fmax = (x: Partial<Fmax>): Fmax => ({
  device: 'hx8k',
  clockMHz: 50,
  fits: true,
  fmaxMHz: 61.234,
  meetsTiming: true,
  logicCells: 100,
  nextpnr: 'nextpnr-ice40',
  ...x,
});

describe('sweep report fmax cell', () => {
  it('MHz when routed, "does not fit" for an overflow, what stopped place and route when not known', () => {
    expect(fmaxCell(undefined)).toBe('—');
    expect(fmaxCell(fmax({ status: 'routed' }))).toBe('61.23');
    expect(fmaxCell(fmax({ fits: false, status: 'overflow', fmaxMHz: null }))).toBe('does not fit');
    expect(fmaxCell(fmax({ fits: null, status: 'timeout', fmaxMHz: null }))).toBe('timed out');
    expect(fmaxCell(fmax({ fits: null, status: 'unroutable', fmaxMHz: null }))).toBe('did not route');
  });
});
