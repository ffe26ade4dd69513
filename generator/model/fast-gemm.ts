/**
 * The golden GEMM's fast path: the same function as `gemmModel` (gemm.ts), bit for bit, for a
 * network's millions of MACs. `test/model/fast-gemm.test.ts` checks fast == naive on random GEMMs
 * for every registered unit, with and without zero-skip, wrapping and saturating.
 *
 * How it stays exact:
 * - Products come from a table built by calling the unit's own golden model (`multiply`) and the
 *   zero-skip predicate on every operand pair, when the operand ranges have at most 2^18 pairs
 *   (8+8 bits, and the 9+9 bits of zero-point-centred 8-bit operands); otherwise the unit's
 *   model is called per product.
 * - Sums are plain doubles, exact while every partial sum stays below 2^53 (checked from the
 *   unit's product range and K before the fast path is taken).
 * - Wrap: the sum is formed exactly and reduced modulo 2^bits once at the end, equal to wrapping
 *   after every addition because reduction modulo 2^bits is a ring homomorphism.
 *   Saturate: when K·max|p| cannot leave the accumulator's range nothing ever saturates, so the plain
 *   sum is the answer; otherwise the sum is clamped after every addition, k ascending, the
 *   hardware's order.
 * - Otherwise (sums that may pass 2^53) it falls back to `gemmModel` itself.
 * With an output stage in the config, `applyOutputStageFast` turns its accumulators into the stage's
 * results through requant.ts `requantFixed`, the one definition the RTL is checked against.
 */
import type { Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { operandRange } from '../units/common.js';
import { gemmModel } from './gemm.js';
import { requantFixed, type OutputStage, type StageParams } from './requant.js';

/** A row-major integer matrix. */
export interface Mat {
  rows: number;
  cols: number;
  data: Int32Array;
}

/** Largest number of operand pairs for which a product table is built. */
const TABLE_PAIRS = 1 << 18;

interface Plan {
  aMin: number;
  wMin: number;
  wSpan: number;
  table: Float64Array | null;
  /** The same table as int32, when every product fits. */
  intTable: Int32Array | null;
}

const planCache = new WeakMap<ResolvedConfig, Plan>();
const wtCache = new WeakMap<Int32Array, Int32Array>();

function planFor(c: ResolvedConfig, d: Derived): Plan {
  const hit = planCache.get(c);
  if (hit) return hit;
  const ar = operandRange(d.ctx.activation);
  const wr = operandRange(d.ctx.weight);
  const aSpan = ar.max - ar.min + 1;
  const wSpan = wr.max - wr.min + 1;
  let table: Float64Array | null = null;
  if (aSpan * wSpan <= TABLE_PAIRS) {
    table = new Float64Array(aSpan * wSpan);
    for (let a = ar.min; a <= ar.max; a++)
      for (let w = wr.min; w <= wr.max; w++)
        table[(a - ar.min) * wSpan + (w - wr.min)] = d.skip?.(a, w) ? 0 : d.unit.multiply(a, w, c.multiplier, d.ctx);
  }
  const intTable = table && table.every((v) => Math.abs(v) < 2 ** 31) ? Int32Array.from(table) : null;
  const plan = { aMin: ar.min, wMin: wr.min, wSpan, table, intTable };
  planCache.set(c, plan);
  return plan;
}

/** Reduces an exact integer sum (|v| < 2^53) into the accumulator's format by wrapping. */
export function wrapTo(v: number, bits: number, signed: boolean): number {
  if (bits >= 53) return v; // |v| < 2^53 ≤ half the range: nothing wraps
  const m = 2 ** bits;
  const lo = signed ? -m / 2 : 0;
  if (v >= lo && v < lo + m) return v;
  let u = v % m;
  if (u < 0) u += m;
  if (signed && u >= m / 2) u -= m;
  return u;
}

/**
 * Y = A·W with the configured unit, zero-skip and accumulator, as `gemmModel` defines it.
 * A: M×K activations, W: K×N weights already mapped (mapWeights); every value must lie in its
 * operand's configured range (RangeError otherwise: the table would be read out of bounds).
 * Returns Y as M×N exact integers in a Float64Array (accumulators up to 53 bits; wider ones
 * hold any sum below 2^53, the only case this path takes), or, when it cannot be fast,
 * gemmModel's BigInts converted with Number() only if exact; otherwise a RangeError names why.
 */
export function fastGemm(c: ResolvedConfig, d: Derived, A: Mat, W: Mat): Float64Array {
  const M = A.rows;
  const K = A.cols;
  const N = W.cols;
  if (W.rows !== K) throw new RangeError(`fastGemm: A is ${M}×${K} but W is ${W.rows}×${N}`);
  const plan = planFor(c, d);
  const pr = d.unit.productRange(c.multiplier, d.ctx);
  const pMax = Math.max(Math.abs(pr.min), Math.abs(pr.max));
  const Y = new Float64Array(M * N);
  if (K * pMax >= 2 ** 53) {
    const Yb = gemmModel(c, d, toRows(A), toRows(W));
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        const v = Yb[m]![n]!;
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
          throw new RangeError(`fastGemm: result ${v} does not fit a double`);
        Y[m * N + n] = Number(v);
      }
    return Y;
  }
  const accLo = d.accSigned ? -(2 ** (d.accBits - 1)) : 0;
  const accHi = d.accSigned ? 2 ** (d.accBits - 1) - 1 : 2 ** d.accBits - 1;
  // Could any partial sum leave the accumulator's range? (Partial sums lie in [K·pmin, K·pmax] ∪ {0}.)
  const mayOverflow = K * Math.min(pr.min, 0) < accLo || K * Math.max(pr.max, 0) > accHi;
  const stepClamp = d.saturate && mayOverflow;
  const { aMin, wMin, wSpan, table } = plan;
  const ar = operandRange(d.ctx.activation);
  const wr = operandRange(d.ctx.weight);
  for (let i = 0; i < A.data.length; i++) {
    const a = A.data[i]!;
    if (a < ar.min || a > ar.max)
      throw new RangeError(`fastGemm: activation ${a} outside the configured ${ar.min}..${ar.max}`);
  }
  // Weights transposed (N×K) as offsets into a table row (w − wMin), so that one output element
  // is a sum over k in a register, k ascending.
  // Cached per weight array (a network's layers pass the same one on every input; W must not be
  // changed after it was used).
  let wT = wtCache.get(W.data);
  if (!wT || wT.length !== K * N) {
    wT = new Int32Array(K * N);
    for (let k = 0; k < K; k++)
      for (let n = 0; n < N; n++) {
        const w = W.data[k * N + n]!;
        if (w < wr.min || w > wr.max)
          throw new RangeError(`fastGemm: weight ${w} outside the configured ${wr.min}..${wr.max}`);
        wT[n * K + k] = w - wMin;
      }
    wtCache.set(W.data, wT);
  }
  const Ad = A.data;
  const aBase = new Int32Array(K);
  // Products and sums as int32 when they cannot leave ±2^31 (V8 keeps them as small integers).
  const intTable = K * pMax < 2 ** 31 ? plan.intTable : null;
  for (let m = 0; m < M; m++) {
    const aRow = m * K;
    for (let k = 0; k < K; k++) aBase[k] = (Ad[aRow + k]! - aMin) * wSpan;
    const yRow = m * N;
    if (intTable && !stepClamp) {
      intRow(intTable, aBase, wT, K, N, Y, yRow);
      if (!d.saturate)
        for (let n = 0; n < N; n++) {
          const s = Y[yRow + n]!;
          if (s < accLo || s > accHi) Y[yRow + n] = wrapTo(s, d.accBits, d.accSigned);
        }
    } else if (table) {
      for (let n = 0; n < N; n++) {
        const wRow = n * K;
        let s = 0;
        if (stepClamp) {
          for (let k = 0; k < K; k++) {
            s += table[aBase[k]! + wT[wRow + k]!]!;
            s = s < accLo ? accLo : s > accHi ? accHi : s;
          }
        } else for (let k = 0; k < K; k++) s += table[aBase[k]! + wT[wRow + k]!]!;
        Y[yRow + n] = d.saturate || (s >= accLo && s <= accHi) ? s : wrapTo(s, d.accBits, d.accSigned);
      }
    } else {
      for (let n = 0; n < N; n++) {
        const wRow = n * K;
        let s = 0;
        for (let k = 0; k < K; k++) {
          const a = Ad[aRow + k]!;
          const w = wT[wRow + k]! + wMin;
          s += d.skip?.(a, w) ? 0 : d.unit.multiply(a, w, c.multiplier, d.ctx);
          if (stepClamp) s = s < accLo ? accLo : s > accHi ? accHi : s;
        }
        Y[yRow + n] = d.saturate || (s >= accLo && s <= accHi) ? s : wrapTo(s, d.accBits, d.accSigned);
      }
    }
  }
  return Y;
}

/**
 * One output row of the int32 path: Y[yRow + n] = Σ_k table[aBase[k] + wT[n·K + k]], k ascending,
 * in int32 arithmetic (the caller checked that no sum leaves ±2^31). A small monomorphic function,
 * so V8 compiles its loop on its own.
 */
function intRow(
  table: Int32Array,
  aBase: Int32Array,
  wT: Int32Array,
  K: number,
  N: number,
  Y: Float64Array,
  yRow: number,
): void {
  for (let n = 0; n < N; n++) {
    const wRow = n * K;
    let s = 0;
    for (let k = 0; k < K; k++) s = (s + table[aBase[k]! + wT[wRow + k]!]!) | 0;
    Y[yRow + n] = s;
  }
}

/**
 * acc + b in the accumulator's format (wrap or saturate), as gemm.ts `accumulate` defines it, on
 * doubles: exact while |acc + b| < 2^53 (RangeError otherwise).
 */
export function accumulateNum(d: Pick<Derived, 'accBits' | 'accSigned' | 'saturate'>, acc: number, b: number): number {
  const s = acc + b;
  if (!Number.isSafeInteger(s)) throw new RangeError(`accumulateNum: ${acc} + ${b} is not a safe integer`);
  if (!d.saturate) return wrapTo(s, d.accBits, d.accSigned);
  const lo = d.accSigned ? -(2 ** (d.accBits - 1)) : 0;
  const hi = d.accSigned ? 2 ** (d.accBits - 1) - 1 : 2 ** d.accBits - 1;
  return s < lo ? lo : s > hi ? hi : s;
}

/** applyOutputStage on fastGemm's row-major M×N doubles (exact integers), into a new array. */
export function applyOutputStageFast(d: Derived, Y: Float64Array, N: number, p: StageParams): Float64Array {
  if (!d.out) throw new Error('internal error: applyOutputStageFast on a config without an output stage');
  const st: OutputStage = { ...p, out: d.out };
  const r = new Float64Array(Y.length);
  for (let i = 0; i < Y.length; i++) r[i] = requantFixed(BigInt(Y[i]!), i % N, st, d);
  return r;
}

/** A Mat from nested rows (test and schedule convenience). */
export function fromRows(rows: readonly (readonly number[])[]): Mat {
  const r = rows.length;
  const c = r > 0 ? rows[0]!.length : 0;
  const data = new Int32Array(r * c);
  rows.forEach((row, i) => row.forEach((v, j) => (data[i * c + j] = v)));
  return { rows: r, cols: c, data };
}

/** Nested rows from a Mat. */
export function toRows(m: Mat): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}
