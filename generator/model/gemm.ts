/**
 * Golden model of the array: GEMM with the configured unit, adding in the hardware's own order
 * (k ascending: down the column r = 0..R-1, fold after fold, in weight-stationary; k ascending in
 * the PE in output-stationary) and wrapping or saturating after every addition.
 * Accumulators are BigInt: a 64-bit accumulator does not fit a double.
 */
import type { Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';

/** acc + p in the accumulator's format, wrapped or saturated. */
export function accumulate(d: Pick<Derived, 'accBits' | 'accSigned' | 'saturate'>, acc: bigint, p: bigint): bigint {
  const bits = BigInt(d.accBits);
  const sum = acc + p;
  const lo = d.accSigned ? -(1n << (bits - 1n)) : 0n;
  const hi = d.accSigned ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (d.saturate) return sum < lo ? lo : sum > hi ? hi : sum;
  const m = 1n << bits;
  let u = ((sum % m) + m) % m;
  if (d.accSigned && u > hi) u -= m;
  return u;
}

/** Host-side weight mapping (identity except for units such as ASM). */
export function mapWeights(c: ResolvedConfig, d: Derived, W: number[][]): number[][] {
  return W.map((row) => row.map((w) => d.unit.mapWeight(w, c.multiplier, d.ctx)));
}

/** Y = A·W with the configured unit. A is M×K activations, W is K×N weights already mapped. */
export function gemmModel(c: ResolvedConfig, d: Derived, A: number[][], Wm: number[][]): bigint[][] {
  const M = A.length;
  const K = Wm.length;
  const N = K > 0 ? Wm[0]!.length : 0;
  const Y: bigint[][] = [];
  for (let m = 0; m < M; m++) {
    const row: bigint[] = [];
    for (let n = 0; n < N; n++) {
      let acc = 0n;
      for (let k = 0; k < K; k++) {
        const a = A[m]![k]!;
        const w = Wm[k]![n]!;
        const p = d.skip?.(a, w) ? 0 : d.unit.multiply(a, w, c.multiplier, d.ctx);
        acc = accumulate(d, acc, BigInt(p));
      }
      row.push(acc);
    }
    Y.push(row);
  }
  return Y;
}
