/**
 * Yosys SAT equivalence for tests: each pair of modules is proved equal for every input
 * (`miter -equiv`, then `sat -verify -prove-asserts`), all pairs in one Yosys run through the
 * test job pool.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runTool } from '../../generator/infra/children.js';
import { jobPool } from '../../generator/infra/pool.js';

/** One proof: `gold` and `gate`, modules of the Verilog text `source`, with the same ports. */
export interface EquivPair {
  source: string;
  gold: string;
  gate: string;
  /** Outputs of `gold` that are x (don't care) are not compared (`miter -ignore_gold_x`). */
  ignoreGoldX?: boolean;
}

/**
 * One pair from two module bodies with the same port list: `module <gold.name> <ports>; <gold.body>
 * endmodule`, then the same for `gate` (ports: the parenthesised list, e.g. "(input wire [3:0] a,
 * output wire [7:0] p_o)").
 */
export function modulePair(
  ports: string,
  gold: { name: string; body: string },
  gate: { name: string; body: string },
): EquivPair {
  const mod = (m: { name: string; body: string }) => [`module ${m.name} ${ports};`, m.body, 'endmodule'];
  return { source: [...mod(gold), ...mod(gate), ''].join('\n'), gold: gold.name, gate: gate.name };
}

/**
 * Proves every pair equal and asserts it: Yosys exits 0 and prints one SAT success per pair (a
 * failed proof exits non-zero with a counterexample, shown in the assertion message).
 */
export async function expectEquivalent(pairs: readonly EquivPair[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'axgen-sat-'));
  try {
    const script: string[] = [];
    for (const [i, p] of pairs.entries()) {
      await writeFile(join(dir, `pair${i}.v`), p.source);
      script.push(
        `design -reset; read_verilog pair${i}.v; prep; flatten`,
        `miter -equiv -flatten -make_assert${p.ignoreGoldX ? ' -ignore_gold_x' : ''} ${p.gold} ${p.gate} miter`,
        'sat -verify -prove-asserts miter',
      );
    }
    const r = await jobPool.run(() => runTool('yosys', ['-p', script.join('; ')], { cwd: dir }));
    const log = r.all ?? '';
    expect(r.exitCode, log.slice(-2000)).toBe(0);
    expect(log.match(/SAT proof finished - no model found: SUCCESS!/g)?.length ?? 0).toBe(pairs.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
