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
 * output-stationary commands do not overlap. Time and memory are linear in the commands (and
 * folds); streamTotal gives `total` of long repetitive streams without the per-command lists.
 */
export function streamCycles(s: ArrayShape, cmds: readonly StreamCommand[]): StreamCycles {
  const st = stepper(s);
  const out: StreamCycles = { perCommand: [], total: 0, accepted: [], finished: [] };
  for (const x of cmds) {
    const { accepted, finished } = st.step(x);
    out.accepted.push(accepted);
    out.finished.push(finished);
    out.perCommand.push(x.refused ? 0 : finished - accepted);
  }
  out.total = st.busy();
  return out;
}

/** `count` copies of one command, back to back (a run of a stream). */
export interface CommandRun extends StreamCommand {
  count: number;
}

/** Distinct stepper states remembered per run while looking for the run's period (memory bound). */
const PERIOD_SEARCH = 4096;

/**
 * `streamCycles(s, cmds).total` for the stream of the runs' commands in order, in time and memory
 * that do not grow with the counts: a run of identical commands reaches a periodic regime (the
 * model is max-plus, so a state that recurs shifted by δ cycles recurs every period from then
 * on, adding the same busy cycles each time), which is detected and skipped over. The same
 * stepper as streamCycles, so the two cannot drift (test/sweep/throughput.test.ts). Cycles
 * (an integer); runs with count 0 add nothing.
 * @throws RangeError when a count is negative or not an integer
 */
export function streamTotal(s: ArrayShape, runs: readonly CommandRun[]): number {
  const st = stepper(s);
  for (const run of runs) {
    if (!Number.isInteger(run.count) || run.count < 0)
      throw new RangeError(`command run count: expected a non-negative integer, received ${run.count}`);
    const seen = new Map<string, { i: number; ref: number; busy: number }>();
    let i = 0;
    while (i < run.count) {
      st.step(run);
      i++;
      const key = st.key();
      const prev = seen.get(key);
      if (prev && i < run.count) {
        const period = i - prev.i;
        const times = Math.floor((run.count - i) / period);
        st.advance(times * (st.ref() - prev.ref), times * (st.busy() - prev.busy));
        i += times * period;
        seen.clear();
      } else {
        if (seen.size >= PERIOD_SEARCH) seen.clear();
        seen.set(key, { i, ref: st.ref(), busy: st.busy() });
      }
    }
  }
  return st.busy();
}

/**
 * The model's state between commands, bounded whatever the stream's length: `step` takes the next
 * command and gives the cycles it is accepted and finishes (a refused one finishes when accepted);
 * `busy` is tot_cycles_o so far; `key` is the state relative to `ref` (two states with the same key
 * evolve alike, shifted); `advance` shifts every time by `dt` and adds `dbusy` busy cycles.
 */
interface Stepper {
  step(x: StreamCommand): { accepted: number; finished: number };
  busy(): number;
  ref(): number;
  key(): string;
  advance(dt: number, dbusy: number): void;
}

/** Acceptance slots and busy cycles (both dataflows) around the dataflow's own timing. */
function stepper(s: ArrayShape): Stepper {
  const timing = s.dataflow === 'weight-stationary' ? wsTiming(s) : osTiming(s);
  // Finish cycles of the last CMD_SLOTS accepted commands that were not refused.
  let live: number[] = [];
  let nextOffer = 0; // cycle the next command is offered
  let covered = -Infinity; // last busy cycle so far
  let busy = 0;
  return {
    step(x) {
      const refused = x.refused === true;
      const a = acceptance(live, Math.max(nextOffer + CMD_CHECK_STAGES, timing.free()), refused);
      nextOffer = a + 1;
      if (refused) return { accepted: a, finished: a };
      const done = timing.run(x, a);
      // Busy cycles: the union of (accepted, finished] over the commands that were not refused.
      const from = Math.max(a + 1, covered + 1);
      if (done >= from) busy += done - from + 1;
      covered = Math.max(covered, done);
      live.push(done);
      if (live.length > CMD_SLOTS) live.shift();
      return { accepted: a, finished: done };
    },
    busy: () => busy,
    ref: () => nextOffer,
    key: () =>
      [covered, ...live, ...timing.times()].map((t) => t - nextOffer).join(',') +
      `|${live.length}|${timing.sizes().join(',')}`,
    advance(dt, dbusy) {
      nextOffer += dt;
      covered += dt;
      live = live.map((t) => t + dt);
      timing.shift(dt);
      busy += dbusy;
    },
  };
}

/**
 * Cycle the next command is accepted, both dataflows: at `earliest` (offered and the front end
 * free) once one of the CMD_SLOTS counter slots is free, i.e. the command CMD_SLOTS back among the
 * accepted ones has finished; a refused command also waits until every accepted one has finished.
 * `live` holds the finish cycles of the last (up to CMD_SLOTS) accepted commands that were not refused.
 */
function acceptance(live: readonly number[], earliest: number, refused: boolean): number {
  let a = earliest;
  if (live.length >= CMD_SLOTS) a = Math.max(a, live[live.length - CMD_SLOTS]! + 1);
  if (refused && live.length) a = Math.max(a, live[live.length - 1]! + 1);
  return a;
}

/**
 * A dataflow's timing of accepted commands: `free` is the first cycle its front end takes a
 * command, `run` the finish cycle of a command accepted at `a`; `times` and `sizes` are its state
 * (cycles, and beat counts that are not cycles), `shift` moves every cycle of it by `dt`.
 */
interface Timing {
  free(): number;
  run(x: StreamCommand, a: number): number;
  times(): number[];
  sizes(): number[];
  shift(dt: number): void;
}

function osTiming(s: ArrayShape): Timing {
  const { rows: R, cols: C } = s;
  const S = s.peStages ?? 0;
  const E = s.edgeStages ?? EDGE_STAGES;
  let injFree = 0; // first cycle the injector takes a command
  let lastBeat = -Infinity; // previous command's last beat
  let hold = 0; // cycles after it before the next last beat
  return {
    free: () => injFree,
    run(x, a) {
      // Beats 0..K-2 on a+1..a+K-1; the last waits until the previous results have drained.
      const last = Math.max(a + x.k, lastBeat + hold);
      injFree = last + 1;
      lastBeat = last;
      hold = R + C - 1 + S + x.m;
      return last + E + R + C - 1 + S + x.m - 1;
    },
    times: () => [injFree, lastBeat],
    sizes: () => [hold],
    shift(dt) {
      injFree += dt;
      lastBeat += dt;
    },
  };
}

/** One fold of the weight-stationary stream: row-0 load cycle, first beat, beats. */
interface Fold {
  L: number;
  T: number;
  M: number;
}

function wsTiming(s: ArrayShape): Timing {
  const { rows: R, cols: C } = s;
  const S = s.peStages ?? 0;
  const E = s.edgeStages ?? EDGE_STAGES;
  const release = E + C - 1 + S;
  const resultLag = R + E + S + C - 1;
  let loaderFree = 0; // first cycle the loader takes a command
  // The last two folds of the stream (the rules look back at most two folds).
  let p1: Fold | null = null;
  let p2: Fold | null = null;
  return {
    free: () => loaderFree,
    run(x, a) {
      const F = foldsOf(x.k, R);
      let tLast = 0;
      for (let f = 0; f < F; f++) {
        let l = f === 0 ? a + 1 : p1!.L + R;
        if (f === 0 && p1) l = Math.max(l, p1.L + R);
        if (p2) l = Math.max(l, p2.T + p2.M - 1 + release);
        let t = l + 1;
        if (p1) t = Math.max(t, p1.T + p1.M);
        if (f > 0) t = Math.max(t, p1!.T + R + 1);
        p2 = p1;
        p1 = { L: l, T: t, M: x.m };
        tLast = t;
      }
      // The loader is busy through the last fold's last row; the command is offered next cycle.
      loaderFree = p1!.L + R;
      return tLast + x.m - 1 + resultLag;
    },
    times: () => [loaderFree, ...(p1 ? [p1.L, p1.T] : []), ...(p2 ? [p2.L, p2.T] : [])],
    sizes: () => [p1?.M ?? -1, p2?.M ?? -1],
    shift(dt) {
      loaderFree += dt;
      for (const p of [p1, p2]) {
        if (p) {
          p.L += dt;
          p.T += dt;
        }
      }
    },
  };
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
