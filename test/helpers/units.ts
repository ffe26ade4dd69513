/**
 * Checks every unit's test file runs the same way: its emitted modules are lint-clean, and its
 * parameters are sweep axes validated against its schema branch. One place, so a new unit's test
 * calls these instead of copying the blocks.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../generator/config/resolve.js';
import { emitUnit, unitTopModule } from '../../generator/emit/unit.js';
import { resolveSweep } from '../../generator/sweep/spec.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';

/** Registers one test per variant: its standalone unit passes Verilator -Wall, Icarus and Yosys. */
export function itLintsClean(cases: readonly ResolvedConfig[]): void {
  it.each(cases.map((c) => [c.name, c] as const))('%s is lint-clean in Verilator, Icarus and Yosys', async (_n, c) => {
    expect(lintProblems(await lintFiles(emitUnit(c), unitTopModule(c)))).toBe('');
  });
}

/**
 * Registers `<kind> in sweeps`: a sweep over `good` axes resolves, and one over `bad` axes is refused
 * naming the swept path (the axis values are checked against the unit's schema branch).
 */
export function describeSweepAxes(kind: string, good: Record<string, unknown[]>, bad: Record<string, unknown[]>): void {
  const spec = (axes: Record<string, unknown[]>) => ({
    name: 'sw',
    base: {
      name: 'b',
      array: { rows: 1, cols: 1 },
      precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
      multiplier: { kind },
    },
    axes,
    target: 'generic',
  });
  describe(`${kind} in sweeps`, () => {
    it('its parameters are sweep axes, checked against its schema branch', async () => {
      await expect(resolveSweep(spec(good), 'spec.json')).resolves.toBeTruthy();
      const path = Object.keys(bad)[0]!.replace(/\./g, '\\.');
      await expect(resolveSweep(spec(bad), 'spec.json')).rejects.toThrow(new RegExp(path));
    });
  });
}
