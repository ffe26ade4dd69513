/**
 * The check an imported circuit (units/external.ts) passes before first use: its Verilog, wrapped
 * as the standalone unit, against its product table on every input pair (2^(n_a+n_w), 65,536 at
 * 8×8), in Icarus through the batched unit harness (sim/unit-harness.ts). The verdict is cached
 * under .axgen-cache/external-verdict by the files' sha256, the module, the operand formats and the
 * generator version, so the check runs once per circuit and table.
 *
 * A circuit that disagrees is refused with a CircuitMismatchError naming the first differing pair
 * (in the order a-major, w-minor) and the count; the CLI exits 4, the code of a check that ran and
 * found a difference (as for Verilog read from the user's folder that does not compile), because
 * the refusal comes from a simulation, not from reading the config: the config and both files are
 * well-formed, and exit 1 stays the code of input that cannot even be read.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { contentKey, usableCacheRoot } from '../generator/infra/cache.js';
import { CircuitMismatchError } from '../generator/infra/errors.js';
import { SimulatorCompileError } from '../generator/infra/tools.js';
import { toBits } from '../generator/units/common.js';
import { unitFor } from '../generator/units/index.js';
import { GENERATOR_VERSION } from '../generator/version.js';
import { checkUnits, unitVariant } from './unit-harness.js';

export { CircuitMismatchError };

interface Imported {
  verilog: string;
  module: string;
  table: string;
  sha256: { verilog: string; table: string };
}

const hex = (v: number, bits: number) => `${bits}'h${toBits(v, bits).toString(16)}`;

/**
 * Checks the config's unit against its golden model when the unit asks for it (UnitDef
 * `checkBeforeUse`: an imported circuit); returns at once for every other unit and for a circuit
 * whose verdict is cached.
 * @returns whether a simulation ran (false: not needed, or the cached verdict).
 * @throws CircuitMismatchError when the circuit disagrees or does not compile; ToolMissingError
 *   (exit 2) without Icarus.
 */
export async function checkBeforeUse(c: ResolvedConfig): Promise<boolean> {
  if (!unitFor(c.multiplier.kind).checkBeforeUse) return false;
  const m = c.multiplier as unknown as Imported & { function?: string };
  const a = c.precision.activation;
  const w = c.precision.weight;
  const key = contentKey([
    'external-verdict v1',
    GENERATOR_VERSION,
    m.sha256.verilog,
    m.sha256.table,
    m.module,
    m.function ?? '',
    JSON.stringify([a.bits, a.signed, w.bits, w.signed]),
  ]);
  const dir = join(usableCacheRoot(), 'external-verdict');
  const file = join(dir, key.slice(0, 24));
  if (existsSync(file)) return false;
  const v = unitVariant(
    'ext_check',
    { bits: a.bits, signed: a.signed },
    { bits: w.bits, signed: w.signed },
    m as never,
  );
  let r;
  try {
    r = await checkUnits([v], 'icarus', { mapWeights: false });
  } catch (e) {
    if (e instanceof SimulatorCompileError)
      throw new CircuitMismatchError(
        `multiplier.verilog: the imported circuit ${m.module} (${m.verilog}) does not compile in Icarus:\n${e.toolOutput.trim()}`,
      );
    throw e;
  }
  const res = r.variants[0]!;
  if (!r.passed) {
    const first = res.mismatches[0];
    // No differing pair: the check itself did not finish (a problem, not a disagreement).
    if (!first && res.errors <= 0)
      throw new CircuitMismatchError(
        `multiplier: the check of the imported circuit ${m.module} (${m.verilog}) against its table ${m.table} did not ` +
          `finish in Icarus (${res.vectors} input pairs, ${res.checked < 0 ? 'none' : res.checked} compared): ` +
          `${r.problems.join('; ')}. Nothing was written; run again, and report it if it repeats.`,
      );
    const where = first
      ? `first at A = ${hex(first.a, a.bits)} (activation ${first.a}), B = ${hex(first.w, w.bits)} (weight ${first.w}): ` +
        `table ${first.expected}, circuit ${first.actual}`
      : r.problems.join('; ');
    throw new CircuitMismatchError(
      `multiplier: the imported circuit ${m.module} (${m.verilog}) disagrees with its table ${m.table} ` +
        `at ${res.errors} of ${res.vectors} input pairs; ${where}. Fix the circuit or the table; nothing was written.`,
    );
  }
  // The cached verdict stands for every input pair: never for a sampled check.
  if (!res.exhaustive || res.vectors !== 2 ** (a.bits + w.bits))
    throw new Error(
      `internal error: the check of ${m.module} compared ${res.vectors} sampled pairs, not all ${2 ** (a.bits + w.bits)}`,
    );
  await mkdir(dir, { recursive: true });
  const part = `${file}.${process.pid}.tmp`;
  await writeFile(part, `passed ${res.vectors} pairs in Icarus ${r.toolVersion}\n`);
  await rename(part, file);
  return true;
}
