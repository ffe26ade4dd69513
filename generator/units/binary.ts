/**
 * Binary XNOR-popcount (docs/units.md): the ±1 dot product of XNOR-Net (M. Rastegari, V. Ordonez,
 * J. Redmon, A. Farhadi, "XNOR-Net: ImageNet classification using binary convolutional neural
 * networks", ECCV 2016) and BNN (M. Courbariaux, I. Hubara, D. Soudry, R. El-Yaniv, Y. Bengio,
 * "Binarized neural networks", arXiv:1602.02830, 2016). Operands are L-bit packed vectors of ±1
 * (bit 1 = +1, bit 0 = −1), L = the activation width; one PE product is L binary MACs.
 *
 * Padding rule (a zero word is all −1 here, so "a zero operand gives 0" does not hold by itself):
 * the weight word carries a lane count. Weight = {n, bits}: bits = the L weight lanes (low L bits),
 * n = the number of valid lanes counted from bit 0 (the next ubits(L) bits; n ≥ L means all L). The
 * product is Σ_{i<n} a_i·w_i = 2·popcount(XNOR(a, bits) & mask(n)) − n with mask(n) = 2^n − 1.
 * An all-zero weight word has n = 0 and contributes 0 for any activation, so the array's zero
 * padding (K past the command's K, columns past N, a fold's padded rows) contributes nothing, and a
 * GEMM of K binary elements packs into ceil(K/L) words whose last word counts only K − L·(words−1)
 * lanes (`packBinaryGemm`). A count instead of a full L-bit mask: the only padding a packed GEMM
 * needs is at the end of K, it costs ubits(L) bits instead of L on the weight stream, and it keeps
 * the 8-lane unit's 20 operand bits exhaustively checkable.
 *
 * Counters: cnt_macs_o counts binary MACs, L per PE product (`macsPerProduct`), the masked tail
 * lanes of a partial last word included (the hardware sees words, not K).
 */
import { aOrAn } from '../infra/text.js';
import type { FromSchema } from 'json-schema-to-ts';
import { binaryRtl } from './binary-rtl.js';
import { defineUnit, type RuleIssue, type UnitContext } from './types.js';
import { ubits } from './verilog.js';
import { unsignedOp as U } from './common.js';

export const binarySchema = {
  type: 'object',
  title: 'binary XNOR-popcount',
  description:
    'Packed ±1 vectors (bit 1 = +1; XNOR-Net / BNN): the activation is L lanes (L = its width, unsigned, 2..16), the weight ' +
    '{n, lanes} with n = the valid lanes counted from bit 0 (weight width L + ceil(log2(L+1)), unsigned). The product is ' +
    '2·popcount(XNOR(a, w) & mask(n)) − n: L binary MACs per PE per cycle; an all-zero weight word contributes 0.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'binary', description: 'Binary XNOR-popcount on packed ±1 vectors.' },
    popcount: {
      enum: ['logic', 'carry-chain'],
      default: 'logic',
      description:
        "How the PE's popcount is written; the function is the same. 'logic': AND/XOR gates (a Wallace reduction), " +
        'which synthesis maps together with the XNOR for depth: faster on iCE40 LUT4s. ' +
        "'carry-chain': a sum of `+`, which Yosys builds on carry chains: fewer Xilinx LUT6s (README, Binary XNOR-popcount).",
    },
  },
} as const;

export type BinaryParams = FromSchema<typeof binarySchema, { keepDefaultedPropertiesOptional: true }>;
export type BinaryResolved = FromSchema<typeof binarySchema>;

/** DSL helper: `multiplier: binary()`. */
export function binary(p: Omit<BinaryParams, 'kind'> = {}): BinaryParams {
  return { kind: 'binary', ...p };
}

/** Lanes per word: the activation width. */
export const binaryLanes = (ctx: UnitContext): number => ctx.activation.bits;
/** Width of the lane count in a weight word. */
export const binaryCountBits = (L: number): number => ubits(L);
/** Weight width for L lanes: {n, lanes}. */
export const binaryWeightBits = (L: number): number => L + binaryCountBits(L);

/** The weight word's lanes and its valid-lane count (clamped to L). */
export function binaryWeightParts(w: number, L: number): { bits: number; n: number } {
  const m = 2 ** L;
  return { bits: w % m, n: Math.min(Math.floor(w / m), L) };
}

/** Set bits of a non-negative integer below 2^31. */
function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v >>>= 1) c += v & 1;
  return c;
}

/** Golden model: 2·popcount(XNOR(a, bits) & mask(n)) − n (the published XNOR-popcount form). */
export function binaryMultiply(a: number, w: number, ctx: UnitContext): number {
  const L = binaryLanes(ctx);
  const { bits, n } = binaryWeightParts(w, L);
  const mask = 2 ** n - 1;
  return 2 * popcount(~(a ^ bits) & mask) - n;
}

/** The definition the metrics compare with: Σ_{i<n} a_i·w_i over the ±1 lanes (lane i = bit i, 1 → +1). */
export function binaryDot(a: number, w: number, ctx: UnitContext): number {
  const L = binaryLanes(ctx);
  const { bits, n } = binaryWeightParts(w, L);
  let s = 0;
  for (let i = 0; i < n; i++) s += (((a >> i) & 1) * 2 - 1) * (((bits >> i) & 1) * 2 - 1);
  return s;
}

/**
 * Host packing of a ±1 GEMM for an L-lane array: A (M×K, entries ±1) → M×ceil(K/L) activation
 * words, W (K×N, entries ±1) → ceil(K/L)×N weight words {n, lanes}; element k sits in word ⌊k/L⌋,
 * lane k mod L. The last word's n counts only its real lanes, so A_words·W_words with the binary
 * unit equals A·W. Throws on an entry other than ±1 or mismatched shapes.
 */
export function packBinaryGemm(A: number[][], W: number[][], L: number): { A: number[][]; W: number[][] } {
  const K = W.length;
  const N = K > 0 ? W[0]!.length : 0;
  const words = Math.ceil(K / L);
  const bit = (v: number, where: string) => {
    if (v !== 1 && v !== -1) throw new Error(`${where} = ${v}: a binary GEMM takes only +1 and −1`);
    return v === 1 ? 1 : 0;
  };
  const Ap = A.map((row, m) => {
    if (row.length !== K) throw new Error(`A row ${m} has ${row.length} elements, W has K = ${K} rows`);
    return Array.from({ length: words }, (_, j) => {
      let x = 0;
      for (let i = 0; i < L && j * L + i < K; i++) x += bit(row[j * L + i]!, `A[${m}][${j * L + i}]`) * 2 ** i;
      return x;
    });
  });
  const Wp = Array.from({ length: words }, (_, j) =>
    Array.from({ length: N }, (_, n) => {
      const valid = Math.min(L, K - j * L);
      let x = 0;
      for (let i = 0; i < valid; i++) x += bit(W[j * L + i]![n]!, `W[${j * L + i}][${n}]`) * 2 ** i;
      return x + valid * 2 ** L;
    }),
  );
  return { A: Ap, W: Wp };
}

/** Most lanes per word: the weight word {n, lanes} then has 21 bits. */
export const BINARY_MAX_LANES = 16;

/** Operand rules: unsigned L-lane activations (L ≤ 16) and unsigned {n, lanes} weights. */
export function binaryRules(ctx: UnitContext): RuleIssue[] {
  const L = binaryLanes(ctx);
  const out: RuleIssue[] = [];
  if (L > BINARY_MAX_LANES)
    out.push({
      path: 'precision.activation.bits',
      message: `at most ${BINARY_MAX_LANES} lanes with multiplier.kind "binary" (${aOrAn(binaryWeightBits(BINARY_MAX_LANES))} ${binaryWeightBits(BINARY_MAX_LANES)}-bit weight word)`,
    });
  if (ctx.activation.signed)
    out.push({ path: 'precision.activation.signed', message: 'false with multiplier.kind "binary" (packed ±1 lanes)' });
  if (ctx.weight.signed)
    out.push({
      path: 'precision.weight.signed',
      message: 'false with multiplier.kind "binary" (packed {n, lanes} words)',
    });
  if (ctx.weight.bits !== binaryWeightBits(L))
    out.push({
      path: 'precision.weight.bits',
      message: `${binaryWeightBits(L)} with multiplier.kind "binary" and ${L}-lane activations: ${L} lanes and ${aOrAn(binaryCountBits(L))} ${binaryCountBits(L)}-bit valid-lane count`,
    });
  return out;
}

/** Operand precisions of an L-lane binary unit. */
const lanesOf = (L: number) => ({ activation: U(L), weight: U(binaryWeightBits(L)) });

export const binaryUnit = defineUnit({
  kind: 'binary',
  schema: binarySchema,
  dsl: binary,
  // 16 lanes: a 21-bit weight word; products and sums stay small, operands fit the int32 matrices.
  maxOperandBits: binaryWeightBits(BINARY_MAX_LANES),
  samples: {
    regress: [{}],
    area: [{}, { popcount: 'carry-chain' }],
    // 8 lanes: 8 + 12 = 20 operand bits, every pair; 4 and 2 lanes for the small corners.
    exhaustive: [
      ...[8, 4, 2].map((L) => ({ ...lanesOf(L), params: {} })),
      { ...lanesOf(8), params: { popcount: 'carry-chain' } },
    ],
    operands: [lanesOf(8), lanesOf(4), lanesOf(16)],
  },
  describe: (p: BinaryResolved) => (p.popcount === 'logic' ? 'binary' : `binary(popcount=${p.popcount})`),
  targetHints: (p: BinaryResolved, target: 'ice40' | 'xilinx') =>
    target === 'xilinx' && p.popcount === 'logic'
      ? [
          "multiplier.popcount: 'carry-chain' writes the popcount as a sum of `+` on CARRY4 chains, a smaller PE " +
            'on Xilinx (README area table, 8-lane PE: 33 against 42 LUT6)',
        ]
      : target === 'ice40' && p.popcount === 'carry-chain'
        ? [
            "multiplier.popcount: 'logic' (the default) is faster on iCE40, for a few LUT4 more " +
              '(README "Binary XNOR-popcount", 4×4 8-lane array on the hx8k without stages: 87.2 against 82.5 MHz, 1,416 against 1,381 LUT4)',
          ]
        : [],
  rules: (_p: BinaryResolved, ctx: UnitContext) => binaryRules(ctx),
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number, _p: BinaryResolved, ctx: UnitContext) => binaryMultiply(a, w, ctx),
  exact: (a: number, w: number, _p: BinaryResolved, ctx: UnitContext) => binaryDot(a, w, ctx),
  macsPerProduct: (_p: BinaryResolved, ctx: UnitContext) => binaryLanes(ctx),
  productRange: (_p: BinaryResolved, ctx: UnitContext) => ({ min: -binaryLanes(ctx), max: binaryLanes(ctx) }),
  rtl: (p: BinaryResolved, ctx: UnitContext, prefix: string, header: (t: string) => string) =>
    binaryRtl(p, ctx, prefix, header),
});
