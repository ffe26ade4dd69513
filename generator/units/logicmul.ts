/**
 * Sums of bits written as plain AND/XOR/OR logic (a Wallace tree of full and half adders, then a
 * ripple of the last two rows): a small unsigned multiplier (logicMulLines: DRUM's k×k product,
 * then its shifter) and any column sum (columnSumLines: binary's popcount, after its XNOR), for
 * cores whose sum feeds or follows more logic in the same cycle.
 *
 * Why not `a * b`: Yosys maps `*` to an array of adders on SB_CARRY chains (iCE40) or CARRY4
 * (Xilinx), and ABC, which maps the LUT logic around them, sees a carry chain's outputs as inputs
 * arriving at time 0. The logic after the product (DRUM's shifter) is then mapped as if the product
 * were early. Written as logic, the product, the shifter and the sign form one cone that ABC maps
 * for depth. Measured on the 4×4 int8 DRUM(k = 4) array, stream top, hx8k (2026-12-06, best of
 * seeds 1–3, README "fmax per unit kind"): 64.3 MHz with `*`, 71.9 MHz with this form, 50 more
 * LUT4 in the array; the PE LUT6 count on Xilinx grows (README area table), so both units keep the
 * `*` / `+` form as an option (DRUM's `product`, binary's `popcount`: 'carry-chain'). Binary's popcount the
 * same way: 82.5 → 87.2 MHz without stages, 99.3 → 110.9 with them (seeds 1–5). It does not pay
 * for two-operand adders: Mitchell's fraction adder as logic fell from 69.6 to 56.2 MHz (seed 1),
 * so everything else keeps `+` and its carry chain.
 */

/**
 * Verilog lines declaring `out` ([outBits-1:0]) = the sum of the bits in `columns` (column k: 1-bit
 * signals of weight 2^k) mod 2^outBits, as AND/XOR/OR logic: a Wallace reduction of full and half
 * adders to two rows, then a ripple of the two. Columns at or above outBits are dropped. The
 * internal wires are named `<out>_s<n>` and `<out>_c<n>` (sum and carry), so `out` must not be
 * the prefix of another name in the module that is followed by those letters and a number.
 */
export function columnSumLines(columns: readonly (readonly string[])[], out: string, outBits: number): string {
  const lines: string[] = [];
  let n = 0;
  const wire = (prefix: string, expr: string): string => {
    const name = `${out}_${prefix}${n++}`;
    lines.push(`  wire ${name} = ${expr};`);
    return name;
  };
  // Column k holds the bits of weight 2^k still to be added; columns at or above outBits are dropped.
  let cols: string[][] = Array.from({ length: outBits }, (_, k) => [...(columns[k] ?? [])]);
  const add = (bits: string[], k: number, next: string[][]): void => {
    const [x, y, z] = bits;
    const xy = z === undefined ? `${x} ^ ${y}` : `${x} ^ ${y} ^ ${z}`;
    next[k]!.push(wire('s', xy));
    if (k + 1 < outBits)
      next[k + 1]!.push(wire('c', z === undefined ? `${x} & ${y}` : `(${x} & ${y}) | (${z} & (${x} ^ ${y}))`));
  };
  // Wallace reduction: full adders on every three bits of a column; a half adder on a leftover pair
  // only in a column that was taller than two.
  while (cols.some((c) => c.length > 2)) {
    const next: string[][] = Array.from({ length: outBits }, () => []);
    cols.forEach((c, k) => {
      let rest = c;
      while (rest.length >= 3) {
        add(rest.slice(0, 3), k, next);
        rest = rest.slice(3);
      }
      if (rest.length === 2 && c.length > 2) add(rest, k, next);
      else next[k]!.push(...rest);
    });
    cols = next;
  }
  // Ripple of the last two rows.
  const bits: string[] = [];
  let carry: string | null = null;
  cols.forEach((c, k) => {
    const col = carry === null ? c : [...c, carry];
    carry = null;
    if (col.length === 0) bits.push("1'b0");
    else if (col.length === 1) bits.push(col[0]!);
    else {
      const next: string[][] = Array.from({ length: outBits + 1 }, () => []);
      add(col, k, next);
      bits.push(next[k]![0]!);
      carry = next[k + 1]?.[0] ?? null;
    }
  });
  lines.push(`  wire [${outBits - 1}:0] ${out} = {${bits.reverse().join(', ')}};`);
  return lines.join('\n');
}

/** Verilog lines declaring `out` ([outBits-1:0]) = a ([aBits-1:0]) × b ([bBits-1:0]) mod 2^outBits, unsigned. */
export function logicMulLines(
  a: string,
  aBits: number,
  b: string,
  bBits: number,
  out: string,
  outBits: number,
): string {
  const cols: string[][] = Array.from({ length: outBits }, () => []);
  const pp: string[] = [];
  for (let i = 0; i < bBits; i++)
    for (let j = 0; j < aBits; j++)
      if (i + j < outBits) {
        const name = `${out}_pp${pp.length}`;
        pp.push(`  wire ${name} = ${a}[${j}] & ${b}[${i}];`);
        cols[i + j]!.push(name);
      }
  return [...pp, columnSumLines(cols, out, outBits)].join('\n');
}
