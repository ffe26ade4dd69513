/**
 * The sweep report's fmax cell tells a design that does not fit from one whose place and route did
 * not finish (fits not known): a timed-out or unroutable point is not reported as too big. The
 * note on hierarchical synthesis cites only figures the README measured (a range copied from an
 * old measurement outlived the RTL it was measured on).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmaxCell, reportNotes } from '../../generator/sweep/report.js';
import type { SweepResults } from '../../generator/sweep/results.js';
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

describe('the note on hierarchical synthesis', () => {
  it('cites only figures the README measured, with the same date', () => {
    const r = {
      sweep: { target: 'ice40', metrics: { samples: 1, seed: 1 }, gemm: { m: 1, k: 1, n: 1 }, placeAndRoute: null },
      tools: { yosys: 'Yosys 0.23', nextpnr: null },
      generatorVersion: '0',
      points: [],
    } as unknown as SweepResults;
    const note = reportNotes(r).find((n) => n.includes('HIERARCHICAL'))!;
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const para = readme.slice(
      readme.indexOf('- _Synthesis_ (generator/estimate'),
      readme.indexOf('`hierarchical: true`'),
    );
    const pcts = [...note.matchAll(/\+(\d+(?:\.\d+)?) %/g)].map((m) => m[1]!);
    expect(pcts.length).toBeGreaterThan(0);
    for (const p of pcts) expect(para, `+${p} %`).toContain(`+${p} %`);
    const date = /measured (\d{4}-\d{2}-\d{2})/.exec(note)?.[1];
    expect(date).toBeDefined();
    expect(para).toContain(`Measured ${date}`);
  });
});
