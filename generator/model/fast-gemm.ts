/**
 * The golden GEMM's fast path: the same function as `gemmModel` (gemm.ts), bit for bit, for a
 * network's millions of MACs. `test/model/fast-gemm.test.ts` checks fast == naive on random GEMMs
 * for every registered unit, with and without zero-skip, wrapping and saturating.
 *
 * How it stays exact:
 * - Products come from a table built by calling the unit's own golden model (`multiply`) and the
 *   zero-skip predicate on every operand pair, when the operand ranges have at most 2^18 pairs
 *   (8+8 bits, and the 9+9 bits of zero-point-centred 8-bit operands); otherwise the unit's
 *   model is called per product. When the table equals a·w on every pair (the exact unit, found
 *   by comparing, not by the unit's name) the product is computed instead of read.
 * - Each row of A is taken k ascending, adding a_k's products with row k of W into the N sums, so
 *   every sum still runs k ascending (the hardware's order); an activation whose table row is all
 *   zeros (a = 0, or what zero-skip skips) adds nothing and is passed over.
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
  /** Per activation a (index a − aMin): 1 when the table's row of a is all zeros (those products add nothing). */
  zeroRow: Uint8Array | null;
  /**
   * Whether the table equals a·w on every pair (the exact unit; zero-skip that only skips zero
   * products keeps it so): the product is then computed, not read from the table.
   */
  plain: boolean;
}

const planCache = new WeakMap<ResolvedConfig, Plan>();
/** Weights transposed (N×K), with the weight range they were checked against (a hit needs the same range). */
const wtCache = new WeakMap<Int32Array, { min: number; max: number; wT: Int32Array }>();
/** Weights as offsets w − wMin into a table row, K×N like W, checked against the range once. */
const wOffCache = new WeakMap<Int32Array, { min: number; max: number; off: Int32Array }>();

function planFor(c: ResolvedConfig, d: Derived): Plan {
  const hit = planCache.get(c);
  if (hit) return hit;
  const ar = operandRange(d.ctx.activation);
  const wr = operandRange(d.ctx.weight);
  const aSpan = ar.max - ar.min + 1;
  const wSpan = wr.max - wr.min + 1;
  let table: Float64Array | null = null;
  let zeroRow: Uint8Array | null = null;
  let plain = false;
  if (aSpan * wSpan <= TABLE_PAIRS) {
    table = new Float64Array(aSpan * wSpan);
    zeroRow = new Uint8Array(aSpan);
    plain = true;
    for (let a = ar.min; a <= ar.max; a++) {
      let zero = true;
      for (let w = wr.min; w <= wr.max; w++) {
        const p = d.skip?.(a, w) ? 0 : d.unit.multiply(a, w, c.multiplier, d.ctx);
        table[(a - ar.min) * wSpan + (w - wr.min)] = p;
        if (p !== 0) zero = false;
        if (p !== a * w) plain = false;
      }
      zeroRow[a - ar.min] = zero ? 1 : 0;
    }
  }
  const intTable = table && table.every((v) => Math.abs(v) < 2 ** 31) ? Int32Array.from(table) : null;
  const plan = { aMin: ar.min, wMin: wr.min, wSpan, table, intTable, zeroRow, plain };
  planCache.set(c, plan);
  return plan;
}

/**
 * Which loop fastGemm takes for config `c` and depth K (for tests and benchmarks):
 * 'plain' (products a·w computed: the table equals a·w on every pair, sums in int32),
 * 'table-int' (products read from the table, sums in int32), 'table' (table, sums in doubles,
 * clamped per step when a saturating accumulator can overflow), 'per-product' (the unit's
 * `multiply` per product: operand ranges too wide for a table), 'bigint' (sums may pass 2^53:
 * gemmModel itself).
 */
export function fastGemmPath(
  c: ResolvedConfig,
  d: Derived,
  K: number,
): 'plain' | 'table-int' | 'table' | 'per-product' | 'bigint' {
  const plan = planFor(c, d);
  const pr = d.unit.productRange(c.multiplier, d.ctx);
  const pMax = Math.max(Math.abs(pr.min), Math.abs(pr.max));
  if (K * pMax >= 2 ** 53) return 'bigint';
  if (!plan.table) return 'per-product';
  const accLo = d.accSigned ? -(2 ** (d.accBits - 1)) : 0;
  const accHi = d.accSigned ? 2 ** (d.accBits - 1) - 1 : 2 ** d.accBits - 1;
  const stepClamp = d.saturate && (K * Math.min(pr.min, 0) < accLo || K * Math.max(pr.max, 0) > accHi);
  if (stepClamp || !plan.intTable || K * pMax >= 2 ** 31) return 'table';
  return plan.plain ? 'plain' : 'table-int';
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
  const Y = new Float64Array(M * N);
  // The loop is chosen by fastGemmPath alone, so what the tests ask of it is what runs here.
  const path = fastGemmPath(c, d, K);
  if (path === 'bigint') {
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
  const { aMin, wMin, wSpan, table, zeroRow } = plan;
  const ar = operandRange(d.ctx.activation);
  const wr = operandRange(d.ctx.weight);
  const Ad = A.data;
  const intTable = path === 'plain' || path === 'table-int' ? plan.intTable : null;
  // The int32 loops check each activation as they list a row's live k; the others here.
  if (!intTable)
    for (let i = 0; i < Ad.length; i++) {
      const a = Ad[i]!;
      if (a < ar.min || a > ar.max)
        throw new RangeError(`fastGemm: activation ${a} outside the configured ${ar.min}..${ar.max}`);
    }
  if (path !== 'per-product' && table && zeroRow) {
    // Row by row of A, k ascending, each k adding a_k's products with row k of W into the N
    // running sums (every sum still runs k ascending, as the array adds them). The table's row
    // of a_k is one contiguous run (cache-resident, where the column order read it at random),
    // and an activation whose products are all zero (a = 0 for nearly every unit, and what
    // zero-skip skips) adds nothing, so its k is passed over: exact, since adding 0 to a sum
    // inside the accumulator's range changes nothing, even when it is clamped after each step.
    const off = weightOffsets(W, wMin, wr);
    if (intTable) {
      const acc = new Int32Array(N);
      const kN = new Int32Array(K);
      const av = new Int32Array(K);
      for (let m = 0; m < M; m++) {
        acc.fill(0);
        if (path === 'plain') plainRow(Ad, m * K, aMin, zeroRow, W.data, K, N, acc, kN, av);
        else intTableRow(Ad, m * K, aMin, wSpan, zeroRow, intTable, off, K, N, acc, kN, av);
        const yRow = m * N;
        for (let n = 0; n < N; n++) {
          const s = acc[n]!;
          Y[yRow + n] = d.saturate || (s >= accLo && s <= accHi) ? s : wrapTo(s, d.accBits, d.accSigned);
        }
      }
    } else {
      const acc = new Float64Array(N);
      for (let m = 0; m < M; m++) {
        acc.fill(0);
        tableRow(Ad, m * K, aMin, wSpan, zeroRow, table, off, K, N, acc, stepClamp, accLo, accHi);
        const yRow = m * N;
        for (let n = 0; n < N; n++) {
          const s = acc[n]!;
          Y[yRow + n] = d.saturate || (s >= accLo && s <= accHi) ? s : wrapTo(s, d.accBits, d.accSigned);
        }
      }
    }
    return Y;
  }
  // No table (operand ranges too wide): the unit's model per product, weights transposed (N×K)
  // so that one output element is a sum over k in a register, k ascending. Cached per weight
  // array (a network's layers pass the same one on every input; W must not be changed after it
  // was used).
  const wtHit = wtCache.get(W.data);
  let wT = wtHit && wtHit.min === wr.min && wtHit.max === wr.max ? wtHit.wT : undefined;
  if (!wT || wT.length !== K * N) {
    wT = new Int32Array(K * N);
    for (let k = 0; k < K; k++)
      for (let n = 0; n < N; n++) {
        const w = W.data[k * N + n]!;
        if (w < wr.min || w > wr.max)
          throw new RangeError(`fastGemm: weight ${w} outside the configured ${wr.min}..${wr.max}`);
        wT[n * K + k] = w;
      }
    wtCache.set(W.data, { min: wr.min, max: wr.max, wT });
  }
  for (let m = 0; m < M; m++) {
    const aRow = m * K;
    const yRow = m * N;
    for (let n = 0; n < N; n++) {
      const wRow = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = Ad[aRow + k]!;
        const w = wT[wRow + k]!;
        s += d.skip?.(a, w) ? 0 : d.unit.multiply(a, w, c.multiplier, d.ctx);
        if (stepClamp) s = s < accLo ? accLo : s > accHi ? accHi : s;
      }
      Y[yRow + n] = d.saturate || (s >= accLo && s <= accHi) ? s : wrapTo(s, d.accBits, d.accSigned);
    }
  }
  return Y;
}

/**
 * W's weights as offsets w − wMin into a table row (K×N, W's layout), each checked against the
 * configured range (RangeError otherwise). Cached per weight array (W must not be changed after
 * it was used).
 */
function weightOffsets(W: Mat, wMin: number, wr: { min: number; max: number }): Int32Array {
  const hit = wOffCache.get(W.data);
  // Checked against this range (the same array under a narrower config must be checked again)
  if (hit && hit.min === wr.min && hit.max === wr.max && hit.off.length === W.data.length) return hit.off;
  const off = new Int32Array(W.data.length);
  for (let i = 0; i < W.data.length; i++) {
    const w = W.data[i]!;
    if (w < wr.min || w > wr.max)
      throw new RangeError(`fastGemm: weight ${w} outside the configured ${wr.min}..${wr.max}`);
    off[i] = w - wMin;
  }
  wOffCache.set(W.data, { min: wr.min, max: wr.max, off });
  return off;
}

/*
 * The row loops: acc[n] += product(A[aRow + k], W[k][n]) for k ascending, k skipped where the
 * table's row of A[aRow + k] is all zeros. Small monomorphic functions, so V8 compiles each loop
 * on its own. The int32 ones are called only when no partial sum can leave ±2^31 (K·max|p| < 2^31).
 */

/**
 * The k of row aRow of A whose table row is not all zeros, in ascending order: kN[j] = k·N (the
 * start of W's row k) and av[j] = A[aRow + k] − aMin. Returns how many. RangeError for an
 * activation outside the table's rows (the configured range).
 */
function liveKs(
  Ad: Int32Array,
  aRow: number,
  aMin: number,
  zeroRow: Uint8Array,
  K: number,
  N: number,
  kN: Int32Array,
  av: Int32Array,
): number {
  let j = 0;
  for (let k = 0; k < K; k++) {
    const ai = Ad[aRow + k]! - aMin;
    if (!(ai >= 0 && ai < zeroRow.length))
      throw new RangeError(
        `fastGemm: activation ${ai + aMin} outside the configured ${aMin}..${aMin + zeroRow.length - 1}`,
      );
    if (zeroRow[ai] === 1) continue;
    kN[j] = k * N;
    av[j++] = ai;
  }
  return j;
}

/**
 * Products a·w computed (the table equals a·w on every pair): Math.imul is exact below 2^31.
 * Four k at a time (one load and store of the running sum per four products), then the rest.
 */
function plainRow(
  Ad: Int32Array,
  aRow: number,
  aMin: number,
  zeroRow: Uint8Array,
  Wd: Int32Array,
  K: number,
  N: number,
  acc: Int32Array,
  kN: Int32Array,
  av: Int32Array,
): void {
  const live = liveKs(Ad, aRow, aMin, zeroRow, K, N, kN, av);
  let j = 0;
  for (; j + 3 < live; j += 4) {
    const a0 = av[j]! + aMin;
    const a1 = av[j + 1]! + aMin;
    const a2 = av[j + 2]! + aMin;
    const a3 = av[j + 3]! + aMin;
    const w0 = kN[j]!;
    const w1 = kN[j + 1]!;
    const w2 = kN[j + 2]!;
    const w3 = kN[j + 3]!;
    for (let n = 0; n < N; n++)
      acc[n] =
        (acc[n]! +
          Math.imul(a0, Wd[w0 + n]!) +
          Math.imul(a1, Wd[w1 + n]!) +
          Math.imul(a2, Wd[w2 + n]!) +
          Math.imul(a3, Wd[w3 + n]!)) |
        0;
  }
  for (; j < live; j++) {
    const a0 = av[j]! + aMin;
    const w0 = kN[j]!;
    for (let n = 0; n < N; n++) acc[n] = (acc[n]! + Math.imul(a0, Wd[w0 + n]!)) | 0;
  }
}

/** Products read from the int32 table, four k at a time as in plainRow. */
function intTableRow(
  Ad: Int32Array,
  aRow: number,
  aMin: number,
  wSpan: number,
  zeroRow: Uint8Array,
  table: Int32Array,
  off: Int32Array,
  K: number,
  N: number,
  acc: Int32Array,
  kN: Int32Array,
  av: Int32Array,
): void {
  const live = liveKs(Ad, aRow, aMin, zeroRow, K, N, kN, av);
  let j = 0;
  for (; j + 3 < live; j += 4) {
    const t0 = av[j]! * wSpan;
    const t1 = av[j + 1]! * wSpan;
    const t2 = av[j + 2]! * wSpan;
    const t3 = av[j + 3]! * wSpan;
    const w0 = kN[j]!;
    const w1 = kN[j + 1]!;
    const w2 = kN[j + 2]!;
    const w3 = kN[j + 3]!;
    for (let n = 0; n < N; n++)
      acc[n] =
        (acc[n]! +
          table[t0 + off[w0 + n]!]! +
          table[t1 + off[w1 + n]!]! +
          table[t2 + off[w2 + n]!]! +
          table[t3 + off[w3 + n]!]!) |
        0;
  }
  for (; j < live; j++) {
    const t0 = av[j]! * wSpan;
    const w0 = kN[j]!;
    for (let n = 0; n < N; n++) acc[n] = (acc[n]! + table[t0 + off[w0 + n]!]!) | 0;
  }
}

/** Products read from the table, sums in doubles (exact below 2^53), clamped after each step when `clamp`. */
function tableRow(
  Ad: Int32Array,
  aRow: number,
  aMin: number,
  wSpan: number,
  zeroRow: Uint8Array,
  table: Float64Array,
  off: Int32Array,
  K: number,
  N: number,
  acc: Float64Array,
  clamp: boolean,
  lo: number,
  hi: number,
): void {
  for (let k = 0; k < K; k++) {
    const ai = Ad[aRow + k]! - aMin;
    if (zeroRow[ai] === 1) continue;
    const t = ai * wSpan;
    const wk = k * N;
    if (clamp)
      for (let n = 0; n < N; n++) {
        const s = acc[n]! + table[t + off[wk + n]!]!;
        acc[n] = s < lo ? lo : s > hi ? hi : s;
      }
    else for (let n = 0; n < N; n++) acc[n] = acc[n]! + table[t + off[wk + n]!]!;
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
