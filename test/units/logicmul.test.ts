/**
 * The multiplier written as logic (generator/units/logicmul.ts, DRUM's k×k product) and the
 * popcount (binary's XNOR-popcount): Yosys' SAT solver proves them equal to `a * b` and to a sum of
 * `+` for every input, for square, mixed and single-bit widths, a product cut below its full width
 * and popcounts of 1 to 16 bits, one Yosys run each (test/helpers/sat.ts). DRUM's whole core
 * is also proved against the definition (drum.test.ts) and simulated exhaustively (exhaustive.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { columnSumLines, logicMulLines } from '../../generator/units/logicmul.js';
import { expectEquivalent, modulePair, type EquivPair } from '../helpers/sat.js';

/** [a bits, b bits, product bits] */
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1],
  [1, 4, 5],
  [2, 3, 5],
  [3, 3, 6],
  [4, 4, 8],
  [4, 4, 7],
  [5, 3, 8],
  [6, 6, 12],
];

function pair([A, B, P]: readonly [number, number, number]): EquivPair {
  const ports = `(input wire [${A - 1}:0] a, input wire [${B - 1}:0] b, output wire [${P - 1}:0] p_o)`;
  return modulePair(
    ports,
    {
      name: `star_${A}_${B}_${P}`,
      body: `  wire [${A + B - 1}:0] full = {${B}'d0, a} * {${A}'d0, b};\n  assign p_o = full[${P - 1}:0];`,
    },
    { name: `logic_${A}_${B}_${P}`, body: `${logicMulLines('a', A, 'b', B, 'mp', P)}\n  assign p_o = mp;` },
  );
}

/** Popcount widths [bits, count bits]. */
const POPCOUNTS: readonly [number, number][] = [
  [1, 1],
  [2, 2],
  [3, 2],
  [7, 3],
  [8, 4],
  [16, 5],
];

function popPair([L, NB]: readonly [number, number]): EquivPair {
  const ports = `(input wire [${L - 1}:0] x, output wire [${NB - 1}:0] pc_o)`;
  const sum = Array.from({ length: L }, (_, i) => `{${NB > 1 ? `${NB - 1}'d0, ` : ''}x[${i}]}`).join(' + ');
  const bits = Array.from({ length: L }, (_, i) => `x[${i}]`);
  return modulePair(
    ports,
    { name: `plus_${L}`, body: `  assign pc_o = ${sum};` },
    { name: `logic_${L}`, body: `${columnSumLines([bits], 'pc', NB)}\n  assign pc_o = pc;` },
  );
}

describe('multiplier as logic', () => {
  it('uses neither * nor + (Yosys would map them to carry chains)', () => {
    const text = logicMulLines('ka', 4, 'kw', 4, 'mp', 8);
    expect(text).not.toMatch(/[*+]/);
    expect(text).toContain('wire [7:0] mp = {');
    const pc = columnSumLines([['x[0]', 'x[1]', 'x[2]', 'x[3]']], 'pc', 3);
    expect(pc).not.toMatch(/[*+]/);
    expect(pc).toContain('wire [2:0] pc = {');
  });

  it(`popcount equals a sum of + for ${POPCOUNTS.map(([L]) => L).join(', ')} bits (Yosys SAT)`, async () => {
    await expectEquivalent(POPCOUNTS.map(popPair));
  });

  it(`equals a * b for ${SHAPES.map((s) => s.join('×').replace(/×(\d+)$/, ' → $1')).join(', ')} (Yosys SAT)`, async () => {
    await expectEquivalent(SHAPES.map(pair));
  });
});
