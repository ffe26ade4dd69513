/**
 * The host's side of the dataflow contract: how a GEMM Y[M×N] = A[M×K]·W[K×N] is cut into
 * commands and which beats each stream carries. The co-simulation, the cycle model and the FPGA
 * wrapper's driver all follow it. Weights are mapped (ASM) before they are put in a beat.
 */
import type { Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import {
  commandCycles,
  foldsOf,
  streamCycles,
  type ArrayShape,
  type StreamCommand,
  type StreamCycles,
} from '../config/cycles.js';
import { fastGemm, fromRows } from './fast-gemm.js';
import { mapWeights } from './gemm.js';
import { applyOutputStage, checkStageParams, paramBeatOf, type StageParams } from './requant.js';
import type { ParamBeat } from '../units/output-stage.js';

/** One command: an mLen×K×nLen tile at (m0, n0). */
export interface Command {
  m0: number;
  mLen: number;
  n0: number;
  nLen: number;
  k: number;
  /**
   * Expected counter values at the end of the command. `cycles` with the commands of the stream
   * sent back to back (timeStream); `alone` when the command runs on an idle array (the AXI
   * wrapper's driver starts one at a time). `macs` are MACs of the user's GEMM:
   * Derived.macsPerProduct per PE product.
   */
  cycles: number;
  alone: number;
  macs: number;
  /** Real products the zero-skip logic skips (0 without zero-skip). */
  skipped: number;
  /** The hardware refuses the command (err_o set, no beats, counters 0). */
  refused: boolean;
}

/** Which GEMM element a lane of a result beat holds (-1 for padding lanes, expected 0). */
export interface LaneRef {
  m: number;
  n: number;
}

export interface Schedule {
  commands: Command[];
  /** Beats in stream order; each beat is one value per lane. */
  wBeats: number[][];
  aBeats: number[][];
  /**
   * The result beats as the top sends them: raw accumulators, or with an output stage
   * (config `outputStage`) the requantized results, padding lanes at the zero point.
   */
  yBeats: bigint[][];
  /** With an output stage: one parameter beat per command (not for a refused one); else empty. */
  pBeats: ParamBeat[];
  /** With an output stage: the GEMM's stage parameters (per output channel). */
  stage?: StageParams;
  /** For each result beat: the command it belongs to and the GEMM element of each lane. */
  yRefs: { cmd: number; lanes: (LaneRef | null)[] }[];
  /** The full expected result: the raw accumulators (before any output stage). */
  Y: bigint[][];
  /** tot_cycles_o after the stream (cycles with an unfinished command), commands back to back. */
  totalCycles: number;
}

/** The cycle model's shape of a config (generator/config/cycles.ts). */
export function shapeOf(c: ResolvedConfig, d: Derived): ArrayShape {
  return { rows: d.rows, cols: d.cols, dataflow: c.dataflow, peStages: d.peStages, edgeStages: d.edgeStages };
}

/**
 * The commands an M×K×N GEMM becomes, in schedule() order (M cut by commandLimits(c).m, N by the
 * columns; each command carries the whole K), as the cycle model takes them.
 */
export function gemmCommands(c: ResolvedConfig, d: Derived, M: number, K: number, N: number): StreamCommand[] {
  const mStep = commandLimits(c).m;
  const out: StreamCommand[] = [];
  for (let m0 = 0; m0 < M; m0 += mStep)
    for (let n0 = 0; n0 < N; n0 += d.cols) out.push({ m: Math.min(mStep, M - m0), k: K });
  return out;
}

/** The cycle model of an M×K×N GEMM sent as one stream of commands (no stalls; see cycles.ts). */
export function gemmCycles(c: ResolvedConfig, d: Derived, M: number, K: number, N: number): StreamCycles {
  return streamCycles(shapeOf(c, d), gemmCommands(c, d, M, K, N));
}

/**
 * Sets `cycles` of every command and `totalCycles` for the stream sent back to back, as the cycle
 * model predicts (commands overlap on the weight-stationary top).
 */
export function timeStream(c: ResolvedConfig, d: Derived, s: Schedule): void {
  const t = streamCycles(
    shapeOf(c, d),
    s.commands.map((x) => ({ m: x.mLen, k: x.k, refused: x.refused })),
  );
  s.commands.forEach((x, i) => (x.cycles = t.perCommand[i]!));
  s.totalCycles = t.total;
}

/**
 * The stage parameters used when a config has an output stage and the caller gives none: unity
 * scale (multiplier 1, shift 0), no bias, zero point 0, no ReLU, so a result is its accumulator
 * saturated to the output format.
 */
export function unityStage(N: number): StageParams {
  return {
    bias: null,
    scales: Array.from({ length: N }, () => ({ multiplier: 1, shift: 0 })),
    zeroPoint: 0,
    relu: false,
  };
}

/**
 * The dimensions one command may have (README "Dataflow contract"): 1 ≤ M ≤ `m`, 1 ≤ K ≤ `k`,
 * 1 ≤ N ≤ `n`. Weight-stationary: M ≤ array.accDepth, K ≤ array.maxK, N ≤ C; output-stationary:
 * M ≤ R, K ≤ array.maxK, N ≤ C. The top refuses any other command (emit/rtl.ts prints the same
 * limits into its check).
 */
export function commandLimits(c: ResolvedConfig): { m: number; k: number; n: number } {
  const ws = c.dataflow === 'weight-stationary';
  return { m: ws ? c.array.accDepth : c.array.rows, k: c.array.maxK, n: c.array.cols };
}

/** True when the hardware refuses an M×K×N command (a dimension of 0 or past commandLimits). */
export function refusedCommand(c: ResolvedConfig, m: number, k: number, n: number): boolean {
  const l = commandLimits(c);
  return m < 1 || k < 1 || n < 1 || m > l.m || k > l.k || n > l.n;
}

/**
 * What the model predicts for a command the hardware refuses: accepted, no beat on any stream,
 * the counters 0 and the error flag set. `m`, `k`, `n` are sent as given (they must fit the
 * command port; throws when the command would not be refused).
 */
export function refusedSchedule(c: ResolvedConfig, m: number, k: number, n: number): Schedule {
  if (!refusedCommand(c, m, k, n)) throw new Error(`internal error: command ${m}x${k}x${n} is within the limits`);
  const s = emptySchedule();
  s.commands.push({ m0: 0, mLen: m, n0: 0, nLen: n, k, cycles: 0, alone: 0, macs: 0, skipped: 0, refused: true });
  return s;
}

/** A schedule with no command and no beat (`Y` empty, `totalCycles` 0), to fill or concatenate into. */
export function emptySchedule(): Schedule {
  return { commands: [], wBeats: [], aBeats: [], yBeats: [], pBeats: [], yRefs: [], Y: [], totalCycles: 0 };
}

/**
 * The commands and beats of Y = A·W (A: M×K activations, W: K×N weights as the user gives them).
 * With an output stage, `stage` holds its per-output-channel parameters (unityStage when omitted;
 * RangeError when they do not fit the parameter beat, requant.ts checkStageParams) and the
 * result beats hold the requantized values.
 */
export function schedule(c: ResolvedConfig, d: Derived, A: number[][], W: number[][], stage?: StageParams): Schedule {
  const M = A.length;
  const K = W.length;
  const N = K > 0 ? W[0]!.length : 0;
  const R = d.rows;
  const C = d.cols;
  const Wm = mapWeights(c, d, W);
  // The golden GEMM through its bit-exact fast path (fast-gemm.ts; equal to gemmModel, tested).
  const Yf = fastGemm(c, d, fromRows(A), fromRows(Wm));
  const Y = Array.from({ length: M }, (_, m) => Array.from(Yf.subarray(m * N, (m + 1) * N), (v) => BigInt(v)));
  const ws = c.dataflow === 'weight-stationary';
  const mStep = ws ? c.array.accDepth : R;
  const shape = shapeOf(c, d);
  const at = (mat: number[][], i: number, j: number) => mat[i]?.[j] ?? 0;
  const st = d.out ? (stage ?? unityStage(N)) : undefined;
  if (st) checkStageParams(d, st, N, d.out!);
  // What leaves the array: the accumulators, or the output stage's results.
  const Yout = st ? applyOutputStage(d, Y, st) : Y;
  const pad = st ? BigInt(st.zeroPoint) : 0n;
  const s: Schedule = { ...emptySchedule(), Y };
  if (st) s.stage = st;
  if (K > c.array.maxK) throw new Error(`K=${K} exceeds array.maxK=${c.array.maxK}`);
  for (let m0 = 0; m0 < M; m0 += mStep) {
    const mLen = Math.min(mStep, M - m0);
    for (let n0 = 0; n0 < N; n0 += C) {
      const nLen = Math.min(C, N - n0);
      const cmd = s.commands.length;
      let skipped = 0;
      if (d.skip) {
        for (let m = m0; m < m0 + mLen; m++)
          for (let n = n0; n < n0 + nLen; n++) for (let k = 0; k < K; k++) if (d.skip(A[m]![k]!, Wm[k]![n]!)) skipped++;
      }
      s.commands.push({
        m0,
        mLen,
        n0,
        nLen,
        k: K,
        cycles: 0,
        alone: commandCycles(shape, mLen, K),
        macs: mLen * K * nLen * d.macsPerProduct,
        skipped: skipped * d.macsPerProduct,
        refused: false,
      });
      if (st) s.pBeats.push(paramBeatOf(st, n0, nLen, C));
      const wLane = (k: number, col: number) => (k < K && col < nLen ? at(Wm, k, n0 + col) : 0);
      const aLane = (m: number, k: number) => (m < mLen && k < K ? at(A, m0 + m, k) : 0);
      if (ws) {
        for (let f = 0; f < foldsOf(K, R); f++) {
          for (let r = 0; r < R; r++) s.wBeats.push(Array.from({ length: C }, (_, col) => wLane(f * R + r, col)));
          for (let m = 0; m < mLen; m++) s.aBeats.push(Array.from({ length: R }, (_, r) => aLane(m, f * R + r)));
        }
      } else {
        for (let k = 0; k < K; k++) {
          s.wBeats.push(Array.from({ length: C }, (_, col) => wLane(k, col)));
          s.aBeats.push(Array.from({ length: R }, (_, r) => aLane(r, k)));
        }
      }
      for (let m = 0; m < mLen; m++) {
        s.yBeats.push(Array.from({ length: C }, (_, col) => (col < nLen ? Yout[m0 + m]![n0 + col]! : pad)));
        s.yRefs.push({
          cmd,
          lanes: Array.from({ length: C }, (_, col) => (col < nLen ? { m: m0 + m, n: n0 + col } : null)),
        });
      }
    }
  }
  timeStream(c, d, s);
  return s;
}
