/**
 * Cycle model: the busy cycles one command takes on the generated array when no stream stalls,
 * equal to the RTL's cnt_cycles_o, which counts every busy cycle that is not a stall (a cycle
 * spent waiting for an input beat, for the result stream, or for a later fold's weights). With no
 * stall, busy_o is high for exactly this many cycles. See README "Cycle model".
 *
 * Weight-stationary, F = ceil(K/R) folds: R cycles to load the first fold's weights (the fold
 * starts in the cycle its last weight row arrives), then per fold M + R + C - 1 cycles (M beats
 * in, R + C - 1 to fill and drain the skewed pipeline). Later folds' weights load into shadow
 * registers during the previous fold, so their R cycles are hidden. A refused command (a
 * dimension of 0 or past the limits, model/schedule.ts refusedCommand) takes 0 cycles.
 * SCALE-Sim v2 counts 2R + C + M - 2 per fold (its preload included).
 *
 * Output-stationary: K + R + C - 2 cycles to stream and flush (SCALE-Sim's per-fold figure), then
 * M cycles to shift the results out of row 0.
 *
 * The requantizing output stage (units/output-stage.ts) adds OUT_STAGE_LATENCY = 0 cycles: it is
 * combinational after the de-skew, and a late parameter beat is a result-stream stall (not counted).
 */
export type Dataflow = 'weight-stationary' | 'output-stationary';

export interface ArrayShape {
  rows: number;
  cols: number;
  dataflow: Dataflow;
}

export function foldsOf(k: number, rows: number): number {
  return Math.ceil(k / rows);
}

/** Cycles of one command computing an M×K×N tile (M, N within one command's limits). */
export function commandCycles(s: ArrayShape, m: number, k: number): number {
  const { rows: R, cols: C } = s;
  if (s.dataflow === 'weight-stationary') return R + foldsOf(k, R) * (m + R + C - 1);
  return k + R + C - 2 + m;
}

/** SCALE-Sim v2's figure for the same command (no stalls), for comparison in reports. */
export function scaleSimCycles(s: ArrayShape, m: number, k: number): number {
  const { rows: R, cols: C } = s;
  if (s.dataflow === 'weight-stationary') return foldsOf(k, R) * (2 * R + C + m - 2);
  return R + C + k - 2;
}
