/**
 * Weight-grid units (PoT / APoT, flint): every weight is one of a fixed set of levels. This is
 * their one mapping rule and their one weight-edge table, so the units differ only in their level
 * sets and in how a level is packed for the PE (docs/units.md, "Weight grids").
 *
 * - `gridLevels`: ± each level magnitude that lies in the weight's range, ascending.
 * - `nearestLevel`: the host mapping. The level nearest to w; a tie (w exactly halfway between two
 *   levels) goes to the level of smaller magnitude. A level maps to itself.
 * - `levelCaseLines`: the weight edge applies the same mapping as a table over the weight's 2^W
 *   values, so the RTL and the golden model agree on every weight, mapped by the host or not.
 */
import { operandRange, toBits } from './common.js';
import type { OperandSpec, ProductRange, RuleIssue, UnitContext } from './types.js';
import { lit } from './verilog.js';

/** ± each magnitude in `mags` that lies in the range of `weight`, ascending, without repeats. */
export function gridLevels(mags: readonly number[], weight: OperandSpec): number[] {
  const r = operandRange(weight);
  const out = new Set<number>();
  for (const m of mags) for (const v of [m, -m]) if (v >= r.min && v <= r.max) out.add(v + 0);
  return [...out].sort((x, y) => x - y);
}

/** The level nearest to w; on a tie the one of smaller magnitude. `levels` must contain 0. */
export function nearestLevel(w: number, levels: readonly number[]): number {
  let best = 0;
  for (const v of levels) {
    const d = Math.abs(w - v);
    const db = Math.abs(w - best);
    if (d < db || (d === db && Math.abs(v) < Math.abs(best))) best = v;
  }
  return best;
}

/**
 * The weight edge's case items: for every weight value whose level is not 0, the line
 * `<W>'d<bits>: code = <WE>'d<code(level)>;  // w -> level` (the case default is the code of 0).
 */
export function levelCaseLines(
  weight: OperandSpec,
  levels: readonly number[],
  wEncBits: number,
  code: (level: number) => number,
): string[] {
  const W = weight.bits;
  const lo = weight.signed ? -(2 ** (W - 1)) : 0;
  const lines: string[] = [];
  for (let w = lo; w < lo + 2 ** W; w++) {
    const v = nearestLevel(w, levels);
    if (v !== 0) lines.push(`${lit(W, toBits(w, W))}: code = ${lit(wEncBits, code(v))};  // ${w} -> ${v}`);
  }
  return lines;
}

/** Product range of a·level: the extremes over the activation's ends and the smallest and largest level (bilinear, so exact). */
export function gridProductRange(activation: OperandSpec, levels: readonly number[]): ProductRange {
  const a = operandRange(activation);
  const ends = [levels[0]!, levels[levels.length - 1]!];
  const corners = [a.min, a.max].flatMap((x) => ends.map((v) => x * v + 0));
  return { min: Math.min(0, ...corners), max: Math.max(0, ...corners) };
}

/** Widest weight a weight-grid unit accepts: its weight edge is a table over every weight value. */
export const GRID_MAX_WEIGHT_BITS = 10;

/** The weight-grid units' rule: a weight of at most GRID_MAX_WEIGHT_BITS bits, naming the path. */
export function gridWeightRules(kind: string, ctx: UnitContext): RuleIssue[] {
  if (ctx.weight.bits <= GRID_MAX_WEIGHT_BITS) return [];
  return [
    {
      path: 'precision.weight.bits',
      message: `at most ${GRID_MAX_WEIGHT_BITS} with multiplier.kind "${kind}" (the weight edge is a table over every weight value)`,
    },
  ];
}
