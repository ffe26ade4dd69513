/**
 * Every registered unit kind against its golden model on all 65,536 input pairs at 8 bits (and a few
 * other widths; corners plus seeded random pairs above 20 operand bits), in Icarus and in Verilator: one batched harness build per simulator for all
 * variants (sim/unit-harness.ts). The variants are each unit's declared `samples.exhaustive`
 * (registryVariants); a kind that declares none is still checked with its defaults, unsigned and
 * signed, so a newly registered unit cannot be missed.
 */
import { describe, expect, it } from 'vitest';
import { samplesOf, units } from '../../generator/units/index.js';
import { checkUnits, describeFailures, registryVariants } from '../../sim/unit-harness.js';

describe('every registered unit, exhaustively at 8 bits, in both simulators', () => {
  const vs = registryVariants();

  it('covers every registered kind, signed and unsigned (as far as the operands a unit declares allow)', () => {
    for (const u of units) {
      const mine = vs.filter((c) => c.multiplier.kind === u.kind);
      const own = samplesOf(u).operands;
      const allows = (signed: boolean) =>
        !own || own.some((o) => o.activation.signed === signed && o.weight.signed === signed);
      for (const signed of [true, false])
        if (allows(signed))
          expect([
            u.kind,
            signed,
            mine.some((c) => c.precision.activation.signed === signed && c.precision.weight.signed === signed),
          ]).toEqual([u.kind, signed, true]);
      expect(mine.length).toBeGreaterThan(0);
    }
  });

  it.each(['icarus', 'verilator'] as const)(
    '%s: RTL = golden model on every pair',
    async (sim) => {
      const r = await checkUnits(vs, sim);
      expect(describeFailures(r)).toBe('');
      expect(r.passed).toBe(true);
      for (const v of r.variants) {
        if (v.exhaustive)
          expect(v.checked).toBe(
            2 **
              (vs.find((c) => c.name === v.name)!.precision.activation.bits +
                vs.find((c) => c.name === v.name)!.precision.weight.bits),
          );
      }
      expect(r.variants.filter((v) => v.vectors === 65536).length).toBeGreaterThanOrEqual(20);
      const sampled = r.variants.filter((v) => !v.exhaustive);
      expect(sampled.length).toBe(3);
      for (const v of sampled) expect(v.checked).toBeGreaterThan(20_000);
      // About 5.4 million pairs (binary's 8 lanes alone are 2^20): Icarus took 187 s at a load average
      // of 10 and passed the default 300 s only barely at 20 (2026-12-06), so this case gets 600 s.
    },
    600_000,
  );
});
