/**
 * What a failed co-simulation says in a test: the checker's problems, the first mismatches (element,
 * operands, expected, actual, cycle) and every counter that differs. Empty when the run is clean, so
 * `expect(explainCosim(r)).toBe('')` prints the reason when it fails.
 */
import { expect } from 'vitest';
import type { CosimResult } from '../../sim/cosim.js';

export function explainCosim(r: CosimResult, maxShown = 5): string {
  return [
    ...r.problems,
    ...r.mismatches
      .slice(0, maxShown)
      .map(
        (m) =>
          `${m.caseName} Y[${m.m}][${m.n}] expected ${m.expected}, got ${m.actual} at cycle ${m.cycle} (${m.operands})`,
      ),
    ...r.counters.map(
      (c) => `command ${c.command} ${c.name}: expected ${c.expected}, got ${c.actual} at cycle ${c.cycle}`,
    ),
  ].join('\n');
}

/** The run is clean (no problem, mismatch or counter difference) and the checker passed it. */
export function expectCosimPassed(r: CosimResult): void {
  expect(explainCosim(r)).toBe('');
  expect(r.passed).toBe(true);
}

/** The verdict with the first problems, counters and mismatches as JSON (bigints as strings), for an expect message. */
export function cosimSummary(r: CosimResult): string {
  return JSON.stringify(
    { passed: r.passed, problems: r.problems, counters: r.counters.slice(0, 2), mismatches: r.mismatches.slice(0, 2) },
    (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
  );
}
