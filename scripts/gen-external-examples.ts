/**
 * Writes the imported-circuit examples of examples/external/ (the `external` unit kind): 8×8
 * multipliers in the layout of EvoApproxLib's generic Verilog (a module with ports `A`,
 * `B`, `O`, non-ANSI declarations, and the helper cells PDKGENHAX1 / PDKGENFAX1 re-declared in every
 * file) and C models with its signature `uint64_t f(uint64_t B, uint64_t A)`. The circuits are
 * axgen's own: partial products a_j·b_i (weight 2^(i+j)) reduced column by column with half and
 * full adders, lowest column first, until one bit per column remains.
 *
 *   mul8u_exact   every partial product: the exact product
 *   mul6u_trunc   6×6 unsigned, partial products left out when i + j < 4 (a small circuit for
 *                 the gate-level test, which cuts every unit's operands to 6 bits)
 *   mul8s_exact   the exact product of two's complement operands (modified Baugh-Wooley)
 *   mul8u_trunc   partial products left out when i + j < 6, or when j < 2 and i < 7 (a truncated
 *                 multiplier with a horizontal break on A's two low bits; not symmetric in A and B,
 *                 so a model called with its operands swapped disagrees)
 *
 * Run: npx tsx scripts/gen-external-examples.ts (rewrites the eight files).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from '../generator/root.js';

/**
 * Netlist of one multiplier: partial product (i, j) = B[i] & A[j] at column i + j, kept when
 * `keep(i, j)`; `signed` forms the modified Baugh-Wooley array of two's complement operands
 * (partial products with exactly one sign bit inverted, and a 1 added in columns N and 2N-1,
 * modulo 2^(2N)).
 */
function netlist(name: string, keep: (i: number, j: number) => boolean, what: string, signed = false, N = 8): string {
  const cols: string[][] = Array.from({ length: 2 * N }, () => []);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++)
      if (keep(i, j)) {
        const invert = signed && (i === N - 1) !== (j === N - 1);
        cols[i + j]!.push(invert ? `~(A[${j}] & B[${i}])` : `(A[${j}] & B[${i}])`);
      }
  if (signed) {
    cols[N]!.push("1'b1");
    cols[2 * N - 1]!.push("1'b1");
  }
  const wires: string[] = [];
  const body: string[] = [];
  const out: string[] = [];
  let u = 0;
  for (let c = 0; c < 2 * N; c++) {
    const col = cols[c]!;
    let k = 0;
    while (col.length >= 2) {
      const S = `S_${c}_${k}`;
      const C = `C_${c}_${k}`;
      k++;
      if (c === 2 * N - 1) {
        // The top column: the product is below 2^(2N) (signed: taken modulo 2^(2N)), so its carry is not formed.
        const [x, y] = [col.shift()!, col.shift()!];
        wires.push(S);
        body.push(`  assign ${S} = ${x} ^ ${y};`);
        col.push(S);
        continue;
      }
      wires.push(S, C);
      if (col.length >= 3) {
        const [x, y, z] = [col.shift()!, col.shift()!, col.shift()!];
        body.push(`  PDKGENFAX1 U${u++} (.A(${x}), .B(${y}), .C(${z}), .YS(${S}), .YC(${C}));`);
      } else {
        const [x, y] = [col.shift()!, col.shift()!];
        body.push(`  PDKGENHAX1 U${u++} (.A(${x}), .B(${y}), .YS(${S}), .YC(${C}));`);
      }
      col.push(S);
      cols[c + 1]!.push(C);
    }
    out.push(`  assign O[${c}] = ${col.length === 1 ? col[0]! : "1'b0"};`);
  }
  const wireLines: string[] = [];
  for (let i = 0; i < wires.length; i += 10) wireLines.push(`  wire ${wires.slice(i, i + 10).join(', ')};`);
  return `// axgen example of an imported circuit (examples/external/README.md), written by
// scripts/gen-external-examples.ts in the layout of EvoApproxLib's generic Verilog.
// ${what}

module ${name} ( A, B, O );
  input [${N - 1}:0] A;
  input [${N - 1}:0] B;
  output [${2 * N - 1}:0] O;

${wireLines.join('\n')}

${body.join('\n')}

${out.join('\n')}
endmodule

module PDKGENHAX1 ( A, B, YS, YC );
  input A;
  input B;
  output YS;
  output YC;
  assign YS = A ^ B;
  assign YC = A & B;
endmodule

module PDKGENFAX1 ( A, B, C, YS, YC );
  input A;
  input B;
  input C;
  output YS;
  output YC;
  assign YS = A ^ B ^ C;
  assign YC = (A & B) | (B & C) | (A & C);
endmodule
`;
}

function cModelSigned(name: string, what: string): string {
  return `// axgen example C model (examples/external/README.md), EvoApproxLib's signature: note B first.
// ${what}
#include <stdint.h>

uint64_t ${name}(uint64_t B, uint64_t A) {
  int64_t a = (int8_t)(A & 0xff);
  int64_t b = (int8_t)(B & 0xff);
  return (uint64_t)(a * b) & 0xffff;
}
`;
}

function cModel(name: string, keep: string, what: string, N = 8): string {
  return `// axgen example C model (examples/external/README.md), EvoApproxLib's signature: note B first.
// ${what}
#include <stdint.h>

uint64_t ${name}(uint64_t B, uint64_t A) {
  uint64_t p = 0;
  for (int i = 0; i < ${N}; i++)
    for (int j = 0; j < ${N}; j++)
      if (${keep}) p += (((B >> i) & 1) & ((A >> j) & 1)) << (i + j);
  return p;
}
`;
}

const dir = join(ROOT_DIR, 'examples/external');
const exactWhat = 'Exact 8x8 unsigned array multiplier: O = A * B.';
const truncWhat =
  'Truncated 8x8 unsigned multiplier: partial product B[i]&A[j] left out when i+j < 6, or j < 2 and i < 7.';
writeFileSync(
  join(dir, 'mul8u_exact.v'),
  netlist('mul8u_exact', () => true, exactWhat),
);
writeFileSync(join(dir, 'mul8u_exact.c'), cModel('mul8u_exact', '1', exactWhat));
writeFileSync(
  join(dir, 'mul8u_trunc.v'),
  netlist('mul8u_trunc', (i, j) => !(i + j < 6 || (j < 2 && i < 7)), truncWhat),
);
const small = 'Truncated 6x6 unsigned multiplier: partial product B[i]&A[j] left out when i+j < 4.';
writeFileSync(
  join(dir, 'mul6u_trunc.v'),
  netlist('mul6u_trunc', (i, j) => i + j >= 4, small, false, 6),
);
writeFileSync(join(dir, 'mul6u_trunc.c'), cModel('mul6u_trunc', 'i + j >= 4', small, 6));
const signedWhat = "Exact 8x8 signed (two's complement) multiplier, modified Baugh-Wooley: O = A * B mod 2^16.";
writeFileSync(
  join(dir, 'mul8s_exact.v'),
  netlist('mul8s_exact', () => true, signedWhat, true),
);
writeFileSync(join(dir, 'mul8s_exact.c'), cModelSigned('mul8s_exact', signedWhat));
writeFileSync(join(dir, 'mul8u_trunc.c'), cModel('mul8u_trunc', '!(i + j < 6 || (j < 2 && i < 7))', truncWhat));
