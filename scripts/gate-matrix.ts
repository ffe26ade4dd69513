/**
 * Gate-level matrix (part of `npm run regress:full`, not of `npm test`): larger arrays of every unit
 * kind, both dataflows, signed, unsigned and mixed operands, with and without PE pipelining, synthesized for every flow of
 * sim/gate.ts (ice40 and xilinx with and without DSPs, generic gates) and co-simulated in Icarus
 * with Yosys' cell models against the golden model. Prints one line per job and writes
 * `<out>/gate.json`; exits 4 when any netlist disagrees.
 *   npx tsx scripts/gate-matrix.ts [out-folder] [--seed N] [--only NAME]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../generator/config/resolve.js';
import { toJson, writeFileAtomically } from '../generator/infra/files.js';
import { flowLabel, formatGateReport, GATE_FLOWS, gateCosim, gateSummary } from '../sim/gate.js';

const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(valueOf('--seed') ?? 1);
const only = valueOf('--only');
const out =
  args.find((a, i) => !a.startsWith('--') && !['--seed', '--only'].includes(args[i - 1] ?? '')) ??
  '.ci-out/regress-full';
if (!Number.isSafeInteger(seed) || seed < 0)
  throw new Error(`--seed: expected a non-negative integer, received ${valueOf('--seed')}`);

const s8 = { bits: 8, signed: true };
const u8 = { bits: 8, signed: false };
const mk = (
  name: string,
  rows: number,
  cols: number,
  dataflow: string,
  activation: object,
  weight: object,
  multiplier: object,
  pipeline?: object,
): ResolvedConfig =>
  resolveConfig(
    {
      name,
      array: { rows, cols, maxK: 64, accDepth: 16 },
      dataflow,
      precision: { activation, weight },
      multiplier,
      ...(pipeline ? { pipeline } : {}),
    },
    `gate matrix ${name}`,
  );

const all = [
  mk('gm_exact_ws4', 4, 4, 'weight-stationary', s8, s8, { kind: 'exact' }),
  mk('gm_exact_os4', 4, 4, 'output-stationary', s8, u8, { kind: 'exact' }),
  mk('gm_exact_ws8', 8, 8, 'weight-stationary', u8, s8, { kind: 'exact' }),
  mk('gm_exact_uu', 3, 5, 'weight-stationary', u8, u8, { kind: 'exact' }),
  mk('gm_mitchell', 4, 4, 'weight-stationary', s8, s8, { kind: 'mitchell', fractionBits: 3 }),
  mk('gm_ilm', 4, 4, 'output-stationary', u8, u8, { kind: 'ilm', corrections: 1 }),
  mk('gm_asm', 4, 4, 'weight-stationary', s8, s8, { kind: 'asm', alphabet: [1, 3, 5, 7] }),
  // Pipelined PEs: the exact unit's split product (its cut registers are what Yosys 0.23's
  // xilinx_dsp mis-packed when wider than their multiply), mixed signedness, and approximate units.
  mk('gm_exact_p', 4, 4, 'weight-stationary', s8, s8, { kind: 'exact' }, { multiplier: 1, macc: 1, edge: 1 }),
  mk('gm_exact_p_us', 4, 4, 'output-stationary', u8, s8, { kind: 'exact' }, { multiplier: 1 }),
  mk('gm_exact_p_su', 3, 3, 'weight-stationary', s8, u8, { kind: 'exact' }, { multiplier: 1 }),
  mk(
    'gm_mitchell_p',
    4,
    4,
    'weight-stationary',
    s8,
    s8,
    { kind: 'mitchell', fractionBits: 3 },
    { multiplier: 1, macc: 1 },
  ),
  mk('gm_truncated_p', 4, 4, 'output-stationary', s8, s8, { kind: 'truncated', t: 6 }, { multiplier: 1, macc: 1 }),
];
const configs = only ? all.filter((c) => c.name === only) : all;
if (configs.length === 0)
  throw new Error(`--only: expected one of ${all.map((c) => c.name).join(', ')}, received ${only}`);

mkdirSync(out, { recursive: true });
const results = [];
let failed = 0;
for (const c of configs) {
  for (const flow of GATE_FLOWS) {
    const t0 = performance.now();
    const r = await gateCosim(c, { flow, simulators: ['icarus'], seed, stall: 0.1, source: `(gate matrix ${c.name})` });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    process.stdout.write(`${r.passed ? 'pass' : 'FAIL'}  ${c.name.padEnd(14)} ${flowLabel(flow).padEnd(13)} ${s} s\n`);
    if (!r.passed) {
      failed++;
      process.stdout.write(formatGateReport(r, 3));
    }
    results.push({ config: c.name, hash: c.hash, ...gateSummary(r) });
  }
}
await writeFileAtomically(join(out, 'gate.json'), toJson({ seed, jobs: results.length, failed, results }), {
  arg: 'gate.json',
  kind: 'gate',
});
process.stdout.write(
  `gate-level matrix: ${results.length - failed} passed, ${failed} failed → ${join(out, 'gate.json')}\n`,
);
process.exitCode = failed > 0 ? 4 : 0;
