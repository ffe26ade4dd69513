/**
 * Every registered unit kind against its golden model on all 65,536 input pairs at 8 bits (and a few
 * other widths; corners plus seeded random pairs above 20 operand bits), in Icarus and in Verilator: one batched harness build per simulator for all
 * variants (sim/unit-harness.ts). A kind without a parameter spread below is still checked with its
 * defaults, unsigned and signed, so a newly registered unit cannot be missed.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../generator/config/resolve.js';
import { units } from '../../generator/units/index.js';
import { checkUnits, describeFailures, unitVariant } from '../../sim/unit-harness.js';

type Op = { bits: number; signed: boolean };
const U = (bits: number): Op => ({ bits, signed: false });
const S = (bits: number): Op => ({ bits, signed: true });

/** Parameter spreads: [activation, weight, params] per kind. */
const spreads: Record<string, [Op, Op, Record<string, unknown>][]> = {
  exact: [
    [U(8), U(8), {}],
    [S(8), S(8), {}],
  ],
  mitchell: [
    [U(8), U(8), {}],
    [U(8), U(8), { fractionBits: 4 }],
    [U(8), U(8), { fractionBits: 4, unbias: true }],
    [U(8), U(8), { fractionBits: 2, share: false }],
    [U(8), U(8), { compensation: 'bias' }],
    [U(8), U(8), { fractionBits: 5, unbias: true, compensation: 'bias', share: false }],
    [S(8), S(8), {}],
    [S(8), S(8), { signedMode: 'ones-complement' }],
    [S(8), S(8), { fractionBits: 3, unbias: true, signedMode: 'ones-complement', share: false }],
    [S(8), S(8), { compensation: 'bias', share: false }],
    [S(8), U(8), { fractionBits: 6, signedMode: 'ones-complement' }],
    [U(6), S(10), { fractionBits: 4, compensation: 'bias' }],
    [S(2), U(3), { fractionBits: 1, signedMode: 'ones-complement' }],
    [U(5), U(5), { compensation: 'bias' }], // F = 4: C = 1, C/2 = 0
    // above 20 operand bits: corners plus seeded random pairs
    [S(12), S(12), { fractionBits: 9, unbias: true, compensation: 'bias', share: false }],
    [U(16), S(16), { signedMode: 'ones-complement' }],
  ],
  ilm: [
    [U(8), U(8), { corrections: 0 }],
    [U(8), U(8), { corrections: 1 }],
    [U(8), U(8), { corrections: 2, share: false }],
    [U(8), U(8), { corrections: 3 }],
    [S(8), S(8), { corrections: 1 }],
    [S(8), S(8), { corrections: 2, signedMode: 'ones-complement' }],
    [S(8), S(8), { corrections: 3, share: false }],
    [S(8), S(8), { corrections: 0, signedMode: 'ones-complement', share: false }],
    [U(8), S(8), { corrections: 1, signedMode: 'ones-complement' }],
    [S(4), U(12), { corrections: 2 }],
    [S(2), S(3), { corrections: 3, signedMode: 'ones-complement' }],
    [S(16), S(16), { corrections: 2, signedMode: 'ones-complement', share: false }],
  ],
};

function variants(): ResolvedConfig[] {
  const out: ResolvedConfig[] = [];
  for (const u of units) {
    const spread = spreads[u.kind] ?? [
      [U(8), U(8), {}],
      [S(8), S(8), {}],
    ];
    spread.forEach(([a, w, p], i) => out.push(unitVariant(`ex_${u.kind.replace(/[^a-z0-9]/g, '_')}_${i}`, a, w, { kind: u.kind, ...p })));
  }
  return out;
}

describe('every registered unit, exhaustively at 8 bits, in both simulators', () => {
  const vs = variants();

  it('covers every registered kind, signed and unsigned', () => {
    for (const u of units) {
      const mine = vs.filter((c) => c.multiplier.kind === u.kind);
      expect(mine.some((c) => c.precision.activation.signed && c.precision.weight.signed)).toBe(true);
      expect(mine.some((c) => !c.precision.activation.signed && !c.precision.weight.signed)).toBe(true);
    }
  });

  it.each(['icarus', 'verilator'] as const)('%s: RTL = golden model on every pair', async (sim) => {
    const r = await checkUnits(vs, sim);
    expect(describeFailures(r)).toBe('');
    expect(r.passed).toBe(true);
    for (const v of r.variants) {
      if (v.exhaustive) expect(v.checked).toBe(2 ** (vs.find((c) => c.name === v.name)!.precision.activation.bits + vs.find((c) => c.name === v.name)!.precision.weight.bits));
    }
    expect(r.variants.filter((v) => v.vectors === 65536).length).toBeGreaterThanOrEqual(20);
    const sampled = r.variants.filter((v) => !v.exhaustive);
    expect(sampled.length).toBe(3);
    for (const v of sampled) expect(v.checked).toBeGreaterThan(20_000);
  });
});
