/**
 * Cycle model: the cycles a stream of commands takes on the generated array when no stream stalls,
 * equal to the RTL's counters (README "Cycle model"). The top advances in lockstep: a cycle in
 * which a beat it needs is missing (an activation, a weight, or a free result slot) freezes the
 * whole top and is a stall; every other cycle is one step of the deterministic schedule below, so
 * the counters, which count only advancing cycles, do not depend on stalls.
 *
 * Counters: cnt_cycles_o of a command = advancing cycles after the cycle it is accepted up to and
 * including the cycle its last result beat leaves (0 for a refused command); tot_cycles_o = every
 * advancing cycle in which at least one accepted command has not finished (busy_o high).
 *
 * Weight-stationary (top_ws.v.hbs), with E = edgeStages (1, the registered array edge, plus
 * pipeline.edge's register before the encoders) and S = peStages (the
 * PE's extra latency between its operand registers and its partial-sum update), F = ceil(K/R)
 * folds per command, folds numbered g over the whole stream:
 * - a command is accepted when the weight loader is done with the previous command, fewer than
 *   CMD_SLOTS accepted commands are unfinished, (refused commands only) none is unfinished, and
 *   at the earliest CMD_CHECK_STAGES = 1 cycle after it is offered (both tops);
 * - fold g's row r reaches the PEs' bank registers E cycles after it loads (the registered weight
 *   edge, and pipeline.edge's register), within the slack between the row-0 load and the fold's
 *   first beat, which reaches row r E + r cycles after it enters at L + 1 at the earliest: no cycle;
 * - fold g's R weight rows load one per cycle from L_g into weight bank g mod 2, at the earliest
 *   the cycle after its command's acceptance, after fold g-1's rows, and once fold g-2 (same
 *   bank) has passed: L_g >= t_(g-2) + M_(g-2) - 1 + E + C - 1 + S;
 * - fold g's M activation beats enter on t_g .. t_g + M - 1 with t_g >= L_g + 1, after fold g-1's
 *   beats, and, when it accumulates onto fold g-1 (same command), t_g >= t_(g-1) + R + 1 (fold
 *   g-1's partial sum of row m is written to the accumulator buffer before fold g reads it);
 * - a last fold's result beat m leaves R + E + S + C - 1 cycles after activation beat m entered.
 * With M >= max(R + 1, C + S + E - 1), folds stream back to back: one command takes F·M + R + C + S + E cycles
 * alone, and a following command's weight load and first fold overlap its drain.
 *
 * Output-stationary (top_os.v.hbs): a command is accepted once the previous one's beats have
 * entered; its K beats enter from the next cycle, except that its last beat waits until the
 * previous command's results have drained (R + C - 1 + S + M_prev cycles after the previous last
 * beat, since each PE moves its result to an output register when the last beat passes); M
 * result beats leave from E + R + C - 1 + S cycles after the last beat. Alone: K + M + R + C + S + E - 2;
 * back to back, a tile costs K + 1 cycles when K >= R + C + S + M_prev - 2.
 *
 * SCALE-Sim v2 counts 2R + C + M - 2 per fold (its preload included), R + C + K - 2 per OS tile.
 *
 * The requantizing output stage (units/output-stage.ts) adds OUT_STAGE_LATENCY = 0 cycles: it is
 * combinational after the de-skew, and a late parameter beat freezes the top like any other
 * missing beat (a stall, not counted).
 */
export type Dataflow = 'weight-stationary' | 'output-stationary';

export interface ArrayShape {
  rows: number;
  cols: number;
  dataflow: Dataflow;
  /** Extra PE latency (derive(c).peStages); 0 when absent. */
  peStages?: number;
  /** Register stages from the top's control to the array (derive(c).edgeStages); EDGE_STAGES when absent. */
  edgeStages?: number;
}

/** Cycles from the top's control to the array without pipeline.edge: the registered edge stage. */
export const EDGE_STAGES = 1;

/**
 * Cycles from a command's offer (cmd_valid_i rising) to its earliest acceptance, both tops: the
 * refusal check reads the command ports registered (cmd_bad_q), so that its compares are off the
 * handshake's path. It delays only a command offered to an idle front end (a stream's first, a
 * refused one, one after a refused one): the next command is offered the cycle after the previous
 * one's acceptance, and the front end is busy at least until then, so a stream's counters
 * (measured from acceptance) do not change.
 */
export const CMD_CHECK_STAGES = 1;

/** Commands accepted but not finished, at most (weight-stationary top, per-command counter slots). */
export const CMD_SLOTS = 4;

export function foldsOf(k: number, rows: number): number {
  return Math.ceil(k / rows);
}

/** One command of a stream: M×K (N does not change the timing); refused commands move no beat. */
export interface StreamCommand {
  m: number;
  k: number;
  refused?: boolean;
}

export interface StreamCycles {
  /** cnt_cycles_o of each command, in order (0 for a refused one). */
  perCommand: number[];
  /** tot_cycles_o after the stream: cycles with an unfinished command (busy_o high). */
  total: number;
  /** Cycle of each command's acceptance and of its last result (no stalls, first offer at 0). */
  accepted: number[];
  finished: number[];
}

/**
 * The counters of a stream of commands sent back to back (each command offered as soon as the
 * previous one was accepted). Weight-stationary follows the rules in this file's header;
 * output-stationary commands do not overlap.
 */
export function streamCycles(s: ArrayShape, cmds: readonly StreamCommand[]): StreamCycles {
  return s.dataflow === 'weight-stationary' ? wsStream(s, cmds) : osStream(s, cmds);
}

function osStream(s: ArrayShape, cmds: readonly StreamCommand[]): StreamCycles {
  const { rows: R, cols: C } = s;
  const S = s.peStages ?? 0;
  const E = s.edgeStages ?? EDGE_STAGES;
  const accepted: number[] = [];
  const finished: number[] = [];
  const perCommand: number[] = [];
  let injFree = 0; // first cycle the injector takes a command
  let nextOffer = 0;
  let lastBeat = -Infinity; // previous command's last beat
  let hold = 0; // cycles after it before the next last beat
  for (const x of cmds) {
    const a = acceptance(cmds, finished, Math.max(nextOffer + CMD_CHECK_STAGES, injFree), x.refused === true);
    if (x.refused) {
      refuse(a, accepted, finished, perCommand);
      nextOffer = a + 1;
      continue;
    }
    // Beats 0..K-2 on a+1..a+K-1; the last waits until the previous results have drained.
    const last = Math.max(a + x.k, lastBeat + hold);
    const done = last + E + R + C - 1 + S + x.m - 1;
    accepted.push(a);
    finished.push(done);
    perCommand.push(done - a);
    injFree = last + 1;
    nextOffer = a + 1;
    lastBeat = last;
    hold = R + C - 1 + S + x.m;
  }
  return { perCommand, total: busyUnion(cmds, accepted, finished), accepted, finished };
}

/**
 * Cycle the next command is accepted, both dataflows: at `earliest` (offered and the front end
 * free) once one of the CMD_SLOTS counter slots is free, i.e. the command CMD_SLOTS back among the
 * accepted ones has finished; a refused command also waits until every accepted one has finished.
 * `finished` holds the commands before it (refused ones finish when accepted and hold no slot).
 */
function acceptance(cmds: readonly StreamCommand[], finished: number[], earliest: number, refused: boolean): number {
  const live = finished.filter((_, j) => !cmds[j]!.refused);
  let a = earliest;
  if (live.length >= CMD_SLOTS) a = Math.max(a, live[live.length - CMD_SLOTS]! + 1);
  if (refused && live.length) a = Math.max(a, live[live.length - 1]! + 1);
  return a;
}

/** Records a refused command accepted at cycle `a`: finished on the same cycle, counting 0. */
function refuse(a: number, accepted: number[], finished: number[], perCommand: number[]): void {
  accepted.push(a);
  finished.push(a);
  perCommand.push(0);
}

/** Busy cycles: the union of (accepted, finished] over the commands that were not refused. */
function busyUnion(cmds: readonly StreamCommand[], accepted: number[], finished: number[]): number {
  let total = 0;
  let covered = -Infinity;
  for (const [i, x] of cmds.entries()) {
    if (x.refused) continue;
    const from = Math.max(accepted[i]! + 1, covered + 1);
    if (finished[i]! >= from) total += finished[i]! - from + 1;
    covered = Math.max(covered, finished[i]!);
  }
  return total;
}

function wsStream(s: ArrayShape, cmds: readonly StreamCommand[]): StreamCycles {
  const { rows: R, cols: C } = s;
  const S = s.peStages ?? 0;
  const E = s.edgeStages ?? EDGE_STAGES;
  const release = E + C - 1 + S;
  const resultLag = R + E + S + C - 1;
  const accepted: number[] = [];
  const finished: number[] = [];
  const perCommand: number[] = [];
  // Per fold over the stream: row-0 load cycle, first beat, beats.
  const L: number[] = [];
  const T: number[] = [];
  const Ms: number[] = [];
  let loaderFree = 0; // first cycle the loader takes a command
  let nextOffer = 0; // cycle the next command is offered
  for (const x of cmds) {
    const a = acceptance(cmds, finished, Math.max(nextOffer + CMD_CHECK_STAGES, loaderFree), x.refused === true);
    if (x.refused) {
      refuse(a, accepted, finished, perCommand);
      nextOffer = a + 1;
      continue;
    }
    const F = foldsOf(x.k, R);
    let tLast = 0;
    for (let f = 0; f < F; f++) {
      const g = L.length;
      let l = f === 0 ? a + 1 : L[g - 1]! + R;
      if (f === 0 && g > 0) l = Math.max(l, L[g - 1]! + R);
      if (g >= 2) l = Math.max(l, T[g - 2]! + Ms[g - 2]! - 1 + release);
      let t = l + 1;
      if (g > 0) t = Math.max(t, T[g - 1]! + Ms[g - 1]!);
      if (f > 0) t = Math.max(t, T[g - 1]! + R + 1);
      L.push(l);
      T.push(t);
      Ms.push(x.m);
      tLast = t;
    }
    // The loader is busy through the last fold's last row; the command is offered next cycle.
    loaderFree = L[L.length - 1]! + R;
    const done = tLast + x.m - 1 + resultLag;
    accepted.push(a);
    finished.push(done);
    perCommand.push(done - a);
    nextOffer = a + 1;
  }
  return { perCommand, total: busyUnion(cmds, accepted, finished), accepted, finished };
}

/** Cycles of one command alone on an idle array (an M×K tile, M and N within one command's limits). */
export function commandCycles(s: ArrayShape, m: number, k: number): number {
  return streamCycles(s, [{ m, k }]).perCommand[0]!;
}

/**
 * Upper bound of cnt_cycles_o for commands up to maxM×maxK: alone, plus waiting at most two folds
 * and a drain behind the previous command (sizes the counter).
 */
export function commandCyclesBound(s: ArrayShape, maxM: number, maxK: number): number {
  const { rows: R, cols: C } = s;
  const S = s.peStages ?? 0;
  const E = s.edgeStages ?? EDGE_STAGES;
  return commandCycles(s, maxM, maxK) + 2 * Math.max(maxM, R + 1) + 2 * (R + C + S + E) + 4;
}

/** SCALE-Sim v2's figure for the same command (no stalls), for comparison in reports. */
export function scaleSimCycles(s: ArrayShape, m: number, k: number): number {
  const { rows: R, cols: C } = s;
  if (s.dataflow === 'weight-stationary') return foldsOf(k, R) * (2 * R + C + m - 2);
  return R + C + k - 2;
}
