/**
 * Array level for the DRUM, truncated, ternary, ALM-SOA and PoT/APoT units: GEMMs on 3×4 arrays,
 * both dataflows, element by element against the golden GEMM model (weights pass through the unit's
 * host mapping). Icarus runs all ten; Verilator builds two (DRUM shared weight-stationary, ternary
 * output-stationary), within the budget of two Verilator builds for the new kinds.
 */
import { describe, expect, it } from 'vitest';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { rng } from '../../generator/metrics/inputs.js';
import { cosim } from '../../sim/cosim.js';
import { expectCosimPassed } from '../helpers/cosim.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { config } from '../helpers/configs.js';

type Flow = 'weight-stationary' | 'output-stationary';

const matrix = (rows: number, cols: number, lo: number, hi: number, next: () => number): number[][] =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => lo + Math.floor(next() * (hi - lo + 1))));

interface Case {
  name: string;
  multiplier: Record<string, unknown>;
  dataflow: Flow;
  signed: boolean;
  verilator: boolean;
}

const cases: Case[] = [
  {
    name: 'an_drum_ws',
    multiplier: { kind: 'drum', k: 4 },
    dataflow: 'weight-stationary',
    signed: true,
    verilator: true,
  },
  {
    name: 'an_drum_os',
    multiplier: { kind: 'drum', k: 3, share: false },
    dataflow: 'output-stationary',
    signed: false,
    verilator: false,
  },
  {
    name: 'an_trunc_ws',
    multiplier: { kind: 'truncated', t: 7, correction: true },
    dataflow: 'weight-stationary',
    signed: false,
    verilator: false,
  },
  {
    name: 'an_trunc_os',
    multiplier: { kind: 'truncated', t: 5 },
    dataflow: 'output-stationary',
    signed: true,
    verilator: false,
  },
  {
    name: 'an_tern_ws',
    multiplier: { kind: 'ternary', threshold: 40 },
    dataflow: 'weight-stationary',
    signed: true,
    verilator: false,
  },
  { name: 'an_tern_os', multiplier: { kind: 'ternary' }, dataflow: 'output-stationary', signed: true, verilator: true },
  {
    name: 'an_alm_ws',
    multiplier: { kind: 'alm-soa', M: 2 },
    dataflow: 'weight-stationary',
    signed: true,
    verilator: false,
  },
  {
    name: 'an_alm_os',
    multiplier: { kind: 'alm-soa', M: 3, share: false },
    dataflow: 'output-stationary',
    signed: false,
    verilator: false,
  },
  {
    name: 'an_pot_ws',
    multiplier: { kind: 'pot', levels: 'apot' },
    dataflow: 'weight-stationary',
    signed: true,
    verilator: false,
  },
  { name: 'an_pot_os', multiplier: { kind: 'pot' }, dataflow: 'output-stationary', signed: false, verilator: false },
];

describe('GEMM co-simulation of 3×4 arrays with the DRUM, truncated, ternary, ALM-SOA and PoT units', () => {
  const cfg = (cs: Case) =>
    config({
      name: cs.name,
      rows: 3,
      cols: 4,
      dataflow: cs.dataflow,
      aSigned: cs.signed,
      wSigned: cs.signed,
      multiplier: cs.multiplier,
      maxK: 32,
    });
  const run = async (cs: Case, simulator: 'icarus' | 'verilator', seed: number) => {
    const next = rng(seed);
    const lo = cs.signed ? -128 : 0;
    const hi = cs.signed ? 127 : 255;
    const M = cs.dataflow === 'weight-stationary' ? 5 : 3;
    const A = matrix(M, 7, lo, hi, next);
    const W = matrix(7, 6, lo, hi, next);
    A[0]![0] = 0;
    A[1]![1] = lo;
    W[2]![0] = hi;
    W[3]![3] = 0;
    if (cs.signed) W[4]![1] = -1;
    return cosim(cfg(cs), { simulator, A, W, seed, stall: 40 });
  };

  it.each(cases.filter((c) => c.verilator).map((c) => [c.name, c] as const))(
    'lint of the whole array: %s',
    async (_n, cs) => {
      expect(lintProblems(await lintFiles(emitRtl(cfg(cs)), topModule(cfg(cs))))).toBe('');
    },
  );

  it.each(cases.map((c, i) => [c.name, c, i] as const))('icarus %s', async (_n, cs, i) => {
    const r = await run(cs, 'icarus', 300 + i);
    expectCosimPassed(r);
  });

  it.each(cases.filter((c) => c.verilator).map((c, i) => [c.name, c, i] as const))(
    'verilator %s',
    async (_n, cs, i) => {
      const r = await run(cs, 'verilator', 400 + i);
      expectCosimPassed(r);
    },
  );
});
