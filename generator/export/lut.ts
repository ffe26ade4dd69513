/**
 * The configured multiplier as a product table, for tools that model approximate multipliers by
 * table (`axgen export-lut`). Entry (a, w) is the product the PE forms for activation a and weight
 * w as the array sees them (zero-point-centred operands): the unit's model applied to a and the
 * unit-mapped weight (ASM's mapping), 0 when the zero-skip predicate skips the pair — the same
 * values generator/model/fast-gemm.ts tabulates for the golden model.
 *
 * Layouts (docs/accuracy.md, "Exported tables", where the readers' code is cited):
 *   tfapprox  8-bit unsigned × 8-bit unsigned: 65,536 uint16 little-endian, no header, entry
 *             a·256 + w — TFApprox reads its `mul_map_file` raw into a uint16 vector and fetches
 *             entry (input << 8) | filter: the activation is the high byte.
 *   adapt     8-bit signed × 8-bit signed: a C++ header defining `const int16_t lut[256][256]`,
 *             indexed by the operands' two's-complement bytes, lut[(uint8_t)a][(uint8_t)w] —
 *             AdaPT's kernels include axx_mults/<name>.h and add lut[(uint8_t)act][(uint8_t)wt].
 *   npy       any operands up to 8 bits: int32 array [A, W] (A, W: the operand ranges' sizes), entry
 *             [a − a_min][w − w_min], NumPy .npy v1.
 */
import { derive } from '../config/derive.js';
import { ConfigError } from '../infra/errors.js';
import { LUT_MARK, lutShaLine } from '../infra/files.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { encodeNpy } from '../data/npy.js';
import { operandRange } from '../units/common.js';

export type LutFormat = 'tfapprox' | 'adapt' | 'npy';
export const LUT_FORMATS: readonly LutFormat[] = ['tfapprox', 'adapt', 'npy'];

/** The product table over both operand ranges: entry (a − aMin)·wSpan + (w − wMin). */
export interface ProductTable {
  aMin: number;
  aSpan: number;
  wMin: number;
  wSpan: number;
  products: Int32Array;
}

/**
 * The configured unit's products for every activation and weight value.
 * @throws ConfigError when an operand is wider than 8 bits (path precision.activation/weight.bits).
 */
export function productTable(c: ResolvedConfig): ProductTable {
  for (const [k, o] of [
    ['activation', c.precision.activation],
    ['weight', c.precision.weight],
  ] as const)
    if (o.bits > 8)
      throw new ConfigError('axgen export-lut', [
        {
          path: `precision.${k}.bits`,
          expected: 'at most 8 (a table of operands up to 8 bits each)',
          received: String(o.bits),
        },
      ]);
  const d = derive(c);
  const ar = operandRange(c.precision.activation);
  const wr = operandRange(c.precision.weight);
  const aSpan = ar.max - ar.min + 1;
  const wSpan = wr.max - wr.min + 1;
  const products = new Int32Array(aSpan * wSpan);
  for (let a = ar.min; a <= ar.max; a++)
    for (let w = wr.min; w <= wr.max; w++) {
      const wm = d.unit.mapWeight(w, c.multiplier, d.ctx);
      products[(a - ar.min) * wSpan + (w - wr.min)] = d.skip?.(a, wm) ? 0 : d.unit.multiply(a, wm, c.multiplier, d.ctx);
    }
  return { aMin: ar.min, aSpan, wMin: wr.min, wSpan, products };
}

function fits(t: ProductTable, min: number, max: number): boolean {
  return t.products.every((v) => v >= min && v <= max);
}

/** Which formats can hold this config's table (for refusals). */
export function formatsFor(c: ResolvedConfig): LutFormat[] {
  const a = c.precision.activation;
  const w = c.precision.weight;
  const out: LutFormat[] = [];
  if (a.bits === 8 && w.bits === 8 && !a.signed && !w.signed) out.push('tfapprox');
  if (a.bits === 8 && w.bits === 8 && a.signed && w.signed) out.push('adapt');
  if (a.bits <= 8 && w.bits <= 8) out.push('npy');
  return out;
}

/**
 * The table in `format`'s bytes. Errors: ConfigError when the config's operands are not the
 * format's (naming the formats that fit) or a product does not fit the format's element type.
 */
export function encodeLut(c: ResolvedConfig, format: LutFormat): Uint8Array {
  const fitsFormats = formatsFor(c);
  const t = productTable(c);
  const op = (o: { bits: number; signed: boolean }) => `${o.bits}-bit ${o.signed ? 'signed' : 'unsigned'}`;
  const have = `activation ${op(c.precision.activation)}, weight ${op(c.precision.weight)}`;
  if (!fitsFormats.includes(format)) {
    const need =
      format === 'tfapprox' ? '8-bit unsigned activations and weights' : '8-bit signed activations and weights';
    throw new ConfigError('--format', [
      {
        path: '--format',
        expected: `a format for ${have}: ${fitsFormats.join(' or ')} (${format} needs ${need})`,
        received: format,
      },
    ]);
  }
  if (format === 'npy') return encodeNpy({ dtype: 'int32', dims: [t.aSpan, t.wSpan], data: t.products });
  if (format === 'tfapprox') {
    if (!fits(t, 0, 65535))
      throw new ConfigError('--format', [
        {
          path: '--format',
          expected: 'products in 0..65535 for tfapprox (uint16)',
          received: 'a product outside; use --format npy',
        },
      ]);
    const buf = new Uint8Array(2 * 65536);
    const dv = new DataView(buf.buffer);
    for (let i = 0; i < 65536; i++) dv.setUint16(2 * i, t.products[i]!, true);
    return buf;
  }
  if (!fits(t, -32768, 32767))
    throw new ConfigError('--format', [
      {
        path: '--format',
        expected: 'products in −32768..32767 for adapt (int16)',
        received: 'a product outside; use --format npy',
      },
    ]);
  const rows: string[] = [];
  for (let ab = 0; ab < 256; ab++) {
    const a = ab < 128 ? ab : ab - 256;
    const row: number[] = [];
    for (let wb = 0; wb < 256; wb++) {
      const w = wb < 128 ? wb : wb - 256;
      row.push(t.products[(a - t.aMin) * t.wSpan + (w - t.wMin)]!);
    }
    rows.push(`  {${row.join(', ')}}`);
  }
  const head =
    `${LUT_MARK} - do not edit; regenerate instead.\n` +
    `// config ${c.name} sha256:${c.hash.slice(0, 12)}: 8-bit signed x 8-bit signed products, lut[(uint8_t)a][(uint8_t)w]\n`;
  const body = `#pragma once\n#include <cstdint>\n\nconst int16_t lut[256][256] = {\n${rows.join(',\n')}\n};\n`;
  // The file's own hash (all but that line): a later export-lut replaces it only while it matches.
  return new TextEncoder().encode(head + lutShaLine(head, body) + body);
}
