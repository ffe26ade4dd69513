/**
 * Array level: GEMMs on small arrays built from the Mitchell and ILM units, shared and not shared,
 * both dataflows, element by element against the golden GEMM model. Icarus runs every case;
 * Verilator builds two (one per unit kind, chosen to cover both dataflows, both sharing modes and
 * both signed conventions between them).
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../generator/metrics/inputs.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { cosim } from '../../sim/cosim.js';
import { expectCosimPassed } from '../helpers/cosim.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { config } from '../helpers/configs.js';

type Flow = 'weight-stationary' | 'output-stationary';

function matrix(rows: number, cols: number, lo: number, hi: number, next: () => number): number[][] {
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => lo + Math.floor(next() * (hi - lo + 1))),
  );
}

interface Case {
  name: string;
  multiplier: Record<string, unknown>;
  dataflow: Flow;
  signed: boolean;
  verilator: boolean;
}

const mults: [string, Record<string, unknown>][] = [
  ['mitchell', { kind: 'mitchell', fractionBits: 5, unbias: true, compensation: 'bias' }],
  ['ilm', { kind: 'ilm', corrections: 1 }],
];

const cases: Case[] = [];
for (const [kind, m] of mults) {
  for (const share of [true, false]) {
    for (const dataflow of ['weight-stationary', 'output-stationary'] as const) {
      const signed = dataflow === 'weight-stationary';
      const signedMode = share ? 'sign-magnitude' : 'ones-complement';
      const name = `al_${kind}_${share ? 'sh' : 'ns'}_${dataflow === 'weight-stationary' ? 'ws' : 'os'}`;
      // Verilator: Mitchell shared weight-stationary sign-magnitude; ILM unshared output-stationary.
      const verilator =
        (kind === 'mitchell' && share && dataflow === 'weight-stationary') ||
        (kind === 'ilm' && !share && dataflow === 'output-stationary');
      cases.push({ name, multiplier: { ...m, share, signedMode }, dataflow, signed: signed || !share, verilator });
    }
  }
}

describe('GEMM co-simulation of 3×4 arrays with log-family units', () => {
  const run = async (cs: Case, simulator: 'icarus' | 'verilator', seed: number) => {
    const c = config({
      name: cs.name,
      rows: 3,
      cols: 4,
      dataflow: cs.dataflow,
      aSigned: cs.signed,
      wSigned: cs.signed,
      multiplier: cs.multiplier,
      maxK: 32,
    });
    const next = rng(seed);
    const lo = cs.signed ? -128 : 0;
    const hi = cs.signed ? 127 : 255;
    const M = cs.dataflow === 'weight-stationary' ? 5 : 3;
    const A = matrix(M, 7, lo, hi, next);
    const W = matrix(7, 6, lo, hi, next);
    // Corners in the data: zeros, extremes.
    A[0]![0] = 0;
    A[1]![1] = lo;
    W[2]![0] = hi;
    W[3]![3] = 0;
    if (cs.signed) W[4]![1] = -1;
    return cosim(c, { simulator, A, W, seed, stall: 40 });
  };

  it.each(cases.filter((c) => c.name.endsWith('_ws') !== c.name.includes('_ns_')).map((c) => [c.name, c] as const))(
    'lint of the whole array: %s',
    async (_n, cs) => {
      const c = config({
        name: cs.name,
        rows: 3,
        cols: 4,
        dataflow: cs.dataflow,
        aSigned: cs.signed,
        wSigned: cs.signed,
        multiplier: cs.multiplier,
        maxK: 32,
      });
      expect(lintProblems(await lintFiles(emitRtl(c), topModule(c)))).toBe('');
    },
  );

  it.each(cases.map((c, i) => [c.name, c, i] as const))('icarus %s', async (_n, cs, i) => {
    const r = await run(cs, 'icarus', 100 + i);
    expectCosimPassed(r);
  });

  it.each(cases.filter((c) => c.verilator).map((c, i) => [c.name, c, i] as const))(
    'verilator %s',
    async (_n, cs, i) => {
      const r = await run(cs, 'verilator', 200 + i);
      expectCosimPassed(r);
    },
  );
});
