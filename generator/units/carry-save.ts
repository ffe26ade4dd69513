/**
 * The weight-stationary partial sum in carry-save form: a unit may ask (UnitDef.sumChains), and a
 * config may set (`pipeline.sumChains`), the PE's accumulator adder as n carry chains instead of
 * one. The partial sum that travels down a column is then an A-bit vector plus n − 1 carry bits,
 * each of weight 2^b at a chain boundary b:
 *
 *   value = ps + Σ_i psc[i] · 2^b_i   (modulo 2^A)
 *
 * Each PE adds its product chain by chain: chain i adds bits b_i .. b_(i+1) − 1 of the partial sum
 * and of the product, with the carry that arrived at b_i as its carry-in, and passes its own carry
 * out to the next row as psc[i]. The value the PE passes on equals the one-chain sum, so the
 * golden model, the counters and the cycle model do not change; the array adds the last row's
 * carries in below the column (one add, off the PEs' paths), so the top sees plain sums.
 *
 * Why: a product whose bits all settle at once (a shifter's output, as in the log units) enters
 * the one-chain adder at bit 0 and waits for the whole A-bit carry chain; in carry-save form it
 * waits for the longest chain only. An exact multiplier's high product bits settle last, where
 * the chain already is, so it gains little (two chains within the seed spread, three slower:
 * README "fmax per unit kind"). The technique is
 * the carry-save accumulation of multiply-accumulate pipelines (the redundant carry travels beside
 * the sum and is resolved once, at the end).
 *
 * Only wrapping accumulators (a saturating sum needs the whole sum in every PE) and only
 * weight-stationary (an output-stationary PE accumulates in place and drains its sum, which would
 * need resolving in every PE).
 */
import { lit, msb } from './verilog.js';

/**
 * Whether a config's PEs may add in carry-save form: weight-stationary with a wrapping accumulator
 * (the one condition the default, the derived count and the config rule all use).
 */
export function carrySaveAllowed(ws: boolean, saturate: boolean): boolean {
  return ws && !saturate;
}

/**
 * The chains a config's PEs get without `pipeline.sumChains`: the unit's (UnitDef.sumChains, else
 * 1) in weight-stationary with a wrapping accumulator, else 1.
 */
export function defaultSumChains(unitChains: number | undefined, ws: boolean, saturate: boolean): number {
  return carrySaveAllowed(ws, saturate) ? (unitChains ?? 1) : 1;
}

/**
 * The chains a config's PEs have (config/derive.ts `Derived.sumChains`): `pipeline.sumChains`, else
 * the default above; 1 outside weight-stationary with a wrapping accumulator (config validation
 * refuses more there); at most one chain per accumulator bit.
 */
export function sumChainsIn(
  configured: number | undefined,
  unitChains: number | undefined,
  x: { ws: boolean; saturate: boolean; accBits: number },
): number {
  if (!carrySaveAllowed(x.ws, x.saturate)) return 1;
  return Math.min(configured ?? defaultSumChains(unitChains, x.ws, x.saturate), x.accBits);
}

/**
 * The chain boundaries b_1 < … < b_(n−1) for n chains over an A-bit sum: b_i = ⌈A·i/n⌉, so the
 * lowest chain is the longest (by at most one bit). [] for n = 1. Throws when a chain would be
 * empty (n > A).
 */
export function chainBoundaries(accBits: number, chains: number): number[] {
  if (!Number.isInteger(chains) || chains < 1 || chains > accBits)
    throw new Error(`internal error: ${chains} carry chains over a ${accBits}-bit sum`);
  return Array.from({ length: chains - 1 }, (_, i) => Math.ceil((accBits * (i + 1)) / chains));
}

/** The chains of an A-bit sum as [lsb, msb] bit ranges, lowest first. */
export function chainRanges(accBits: number, chains: number): [number, number][] {
  const b = [0, ...chainBoundaries(accBits, chains), accBits];
  return b.slice(0, -1).map((lo, i) => [lo, b[i + 1]! - 1]);
}

/**
 * The body of the carry-save accumulator adder (templates/acc_add.v.hbs): one `wire [w:0] chain<i>`
 * per chain, summing acc_i and p_ext over the chain's bits plus its carry-in (pc_i, when the
 * product is in split form, for the lowest chain; acc_c_i[i−1] above it), its low w bits driving
 * sum_o and its top bit driving c_o[i] (the top chain's carry out falls off: the sum wraps).
 */
export function carrySaveAdderLines(accBits: number, chains: number, productCarry: boolean): string {
  const out: string[] = [];
  chainRanges(accBits, chains).forEach(([lo, hi], i) => {
    const w = hi - lo + 1;
    const cin = i === 0 ? (productCarry ? 'pc_i' : null) : `acc_c_i[${i - 1}]`;
    const terms = [`{1'b0, acc_i[${hi}:${lo}]}`, `{1'b0, p_ext[${hi}:${lo}]}`];
    if (cin) terms.push(`{${lit(w, 0)}, ${cin}}`);
    out.push(`  wire [${w}:0] chain${i} = ${terms.join(' + ')};`);
    out.push(`  assign sum_o[${hi}:${lo}] = chain${i}[${msb(w)}:0];`);
    if (i < chains - 1) out.push(`  assign c_o[${i}] = chain${i}[${w}];`);
    else out.push(`  wire   unused_top_carry = chain${i}[${w}];  // the sum wraps modulo 2^${accBits}`);
  });
  return out.join('\n');
}

/**
 * The carries `c` ([n−2:0]) of a carry-save partial sum as one A-bit vector with each at its
 * boundary, zeros elsewhere: the array's resolving addend (`ps + carries`).
 */
export function carryVectorExpr(c: string, accBits: number, chains: number): string {
  const b = chainBoundaries(accBits, chains);
  const parts: string[] = [];
  let top = accBits;
  for (let i = b.length - 1; i >= 0; i--) {
    const gap = top - b[i]! - 1;
    if (gap > 0) parts.push(lit(gap, 0));
    parts.push(`${c}[${i}]`);
    top = b[i]!;
  }
  parts.push(lit(top, 0));
  return `{${parts.join(', ')}}`;
}

/** `bits 0-10 and 11-21` style description of the chains (a one-bit chain as `bit 3`), for comments. */
export function describeChains(accBits: number, chains: number): string {
  const r = chainRanges(accBits, chains).map(([lo, hi]) => (lo === hi ? `bit ${lo}` : `bits ${lo}-${hi}`));
  return r.length === 1 ? r[0]! : `${r.slice(0, -1).join(', ')} and ${r[r.length - 1]}`;
}
