/**
 * Imported circuits (units/external.ts): the examples of examples/external/ (EvoApproxLib's layout,
 * written by scripts/gen-external-examples.ts) imported by pointing a config at their files; the
 * product table read from a C model, a .npy and a raw int32 file agree with an independent
 * definition; the circuit is checked against its table on every pair and a wrong table or circuit
 * is refused naming the first differing pair (exit 4); bad files are refused naming the JSON path
 * (exit 1); arrays co-simulate in both dataflows (Icarus both, Verilator output-stationary only:
 * one Verilator build). The exhaustive co-simulation of both examples in both simulators is in
 * test/units/exhaustive.test.ts (the unit's declared samples, batched with every other unit; the
 * two circuits' helper cells share one build, which shows the renaming keeps them apart).
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../generator/config/load.js';
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';
import { encodeNpy } from '../../generator/data/npy.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { unit } from '../../generator/dsl.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { expandGrid, resolveSweep } from '../../generator/sweep/spec.js';
import { ToolMissingError } from '../../generator/infra/tools.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import { rng } from '../../generator/metrics/inputs.js';
import { externalMultiply, type ExternalParams } from '../../generator/units/external.js';
import { renamedModules } from '../../generator/units/external-rtl.js';
import { cosim } from '../../sim/cosim.js';
import { expectCosimPassed } from '../helpers/cosim.js';
import { checkBeforeUse, CircuitMismatchError } from '../../sim/external-check.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { ROOT, runAxgen } from '../helpers/cli.js';

const EX = join(ROOT, 'examples/external');
const U8 = { bits: 8, signed: false };
const CTX = { activation: U8, weight: U8 };

/** The truncated example's definition, independently of its C model: B[i]&A[j] left out when i+j < 6, or j < 2 and i < 7. */
function truncRef(a: number, w: number): number {
  let p = 0;
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) if (!(i + j < 6 || (j < 2 && i < 7))) p += ((w >> i) & (a >> j) & 1) * 2 ** (i + j);
  return p;
}
const refTable = (f: (a: number, w: number) => number) =>
  Int32Array.from({ length: 65536 }, (_, i) => f(Math.floor(i / 256), i % 256));

/** A folder with copies of the truncated example and a config pointing at them by relative paths. */
function workspace(multiplier: Record<string, unknown>, extra: Record<string, Uint8Array | string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'axgen-ext-'));
  for (const f of ['mul8u_trunc.v', 'mul8u_trunc.c']) copyFileSync(join(EX, f), join(dir, f));
  for (const [f, b] of Object.entries(extra)) writeFileSync(join(dir, f), b);
  writeFileSync(
    join(dir, 'cfg.json'),
    JSON.stringify({
      name: 'xt',
      array: { rows: 2, cols: 2, maxK: 16 },
      precision: { activation: U8, weight: U8 },
      multiplier: { kind: 'external', module: 'mul8u_trunc', ...multiplier },
    }),
  );
  return join(dir, 'cfg.json');
}

const raw = (t: Int32Array) => new Uint8Array(t.buffer.slice(0));
const npy = (t: Int32Array) => encodeNpy({ dtype: 'int32', dims: [256, 256], data: t });

describe('an imported circuit', () => {
  it('is imported by pointing at its files (paths relative to the config); the hash follows their content', async () => {
    const cfg = workspace({ verilog: 'mul8u_trunc.v', table: 'mul8u_trunc.c' });
    const c = await loadConfig(cfg);
    const m = c.multiplier as ExternalParams;
    expect(m.verilog).toBe(join(cfg, '..', 'mul8u_trunc.v'));
    expect(m.sha256!.verilog).toMatch(/^[0-9a-f]{64}$/);
    // The resolved config resolves again to itself (synthesis and sim --rtl re-resolve it).
    const { hash: _hash, ...body } = c;
    expect(resolveConfig(structuredClone(body)).hash).toBe(c.hash);
    // The same files in another folder (another checkout): the same hash, so the same RTL.
    const other = await loadConfig(workspace({ verilog: 'mul8u_trunc.v', table: 'mul8u_trunc.c' }));
    expect((other.multiplier as ExternalParams).verilog).not.toBe(m.verilog);
    expect(other.hash).toBe(c.hash);
    expect(emitRtl(other).map((f) => f.text)).toEqual(emitRtl(c).map((f) => f.text));
    writeFileSync(join(cfg, '..', 'mul8u_trunc.c'), readFileSync(join(cfg, '..', 'mul8u_trunc.c'), 'utf8') + '\n');
    expect((await loadConfig(cfg)).hash).not.toBe(c.hash);
  });

  it('has a DSL builder', () => {
    const m = { verilog: 'm.v', module: 'm', table: 'm.npy' };
    expect(unit.external(m)).toEqual({ kind: 'external', ...m });
  });

  it('reads its table from a C model (operands in the order B, A), a .npy or raw int32, all equal to the definition', async () => {
    const ref = refTable(truncRef);
    for (const [table, bytes] of [
      ['mul8u_trunc.c', undefined],
      ['t.npy', npy(ref)],
      ['t.i32', raw(ref)],
    ] as const) {
      const cfg = workspace({ verilog: 'mul8u_trunc.v', table }, bytes ? { [table]: bytes } : {});
      const c = await loadConfig(cfg);
      const got = Int32Array.from({ length: 65536 }, (_, i) =>
        externalMultiply(Math.floor(i / 256), i % 256, c.multiplier as ExternalParams, CTX),
      );
      expect(
        got.findIndex((v, i) => v !== ref[i]),
        table,
      ).toBe(-1);
    }
  });

  it('has the metrics of its table: MRE of the truncated example from the definition, 0 for the exact one', async () => {
    const c = await loadConfig(workspace({ verilog: 'mul8u_trunc.v', table: 'mul8u_trunc.c' }));
    let sum = 0;
    let n = 0;
    for (let a = 0; a < 256; a++)
      for (let w = 0; w < 256; w++)
        if (a * w !== 0) {
          sum += Math.abs(truncRef(a, w) - a * w) / (a * w);
          n++;
        }
    expect(errorMetrics(c).mrePct).toBeCloseTo((100 * sum) / n, 9);
    const exact = resolveConfig({
      name: 'xe',
      array: { rows: 1, cols: 1 },
      precision: { activation: U8, weight: U8 },
      multiplier: {
        kind: 'external',
        verilog: join(EX, 'mul8u_exact.v'),
        module: 'mul8u_exact',
        table: join(EX, 'mul8u_exact.c'),
      },
    });
    expect(errorMetrics(exact).mrePct).toBe(0);
  });

  it('passes the check on every pair, and the verdict is cached', async () => {
    const nonce = `// ${Date.now()} ${Math.random()}\n`;
    const v = readFileSync(join(EX, 'mul8u_trunc.v'), 'utf8') + nonce;
    const c = await loadConfig(workspace({ verilog: 'm.v', table: 'mul8u_trunc.c' }, { 'm.v': v }));
    expect(await checkBeforeUse(c)).toBe(true);
    expect(await checkBeforeUse(c)).toBe(false);
  });

  const refused = async (c: ResolvedConfig) => {
    const e = await checkBeforeUse(c).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CircuitMismatchError);
    return (e as Error).message;
  };

  it('is refused when one table entry is wrong, naming the pair', async () => {
    const t = refTable(truncRef);
    t[3 * 256 + 200] = t[3 * 256 + 200]! + 64;
    const c = await loadConfig(workspace({ verilog: 'mul8u_trunc.v', table: 'bad.i32' }, { 'bad.i32': raw(t) }));
    expect(await refused(c)).toMatch(
      new RegExp(
        `at 1 of 65536 input pairs; first at A = 8'h3 \\(activation 3\\), B = 8'hc8 \\(weight 200\\): table ${truncRef(3, 200) + 64}, circuit ${truncRef(3, 200)}`,
      ),
    );
  });

  it('is refused when the table has the operands swapped (the definition is not symmetric)', async () => {
    const c = await loadConfig(
      workspace(
        { verilog: 'mul8u_trunc.v', table: 'swap.npy' },
        { 'swap.npy': npy(refTable((a, w) => truncRef(w, a))) },
      ),
    );
    expect(await refused(c)).toMatch(/disagrees with its table .*swap\.npy at \d+ of 65536 input pairs; first at A = /);
  });

  it('is refused when the circuit is wrong (one full adder with a wrong carry)', async () => {
    const v = readFileSync(join(EX, 'mul8u_trunc.v'), 'utf8').replace(
      'assign YC = (A & B) | (B & C) | (A & C);',
      'assign YC = (A & B) | (B & C);',
    );
    const c = await loadConfig(workspace({ verilog: 'bad.v', table: 'mul8u_trunc.c' }, { 'bad.v': v }));
    // The first pair whose sum needs a carry from A & C (a-major order).
    expect(await refused(c)).toMatch(
      /first at A = 8'h[0-9a-f]+ \(activation \d+\), B = 8'h[0-9a-f]+ \(weight \d+\): table \d+, circuit \d+/,
    );
  });

  it('renames every module it copies, instantiations included, per config', () => {
    const src = readFileSync(join(EX, 'mul8u_exact.v'), 'utf8');
    const mods = renamedModules(src, 'mul8u_exact', (n) => `p_x_${n}`);
    expect(mods.map((m) => m.name).sort()).toEqual(['p_x_PDKGENFAX1', 'p_x_PDKGENHAX1', 'p_x_mul8u_exact']);
    const top = mods.find((m) => m.original === 'mul8u_exact')!.text;
    expect(top).toMatch(/^module p_x_mul8u_exact /);
    expect(top).not.toMatch(/(?<!p_x_)PDKGEN/);
  });

  it('refuses missing files, a table of the wrong size, a bad module or ports: exit 1 naming the JSON path', async () => {
    const cases: [Record<string, unknown>, Record<string, Uint8Array | string>, RegExp][] = [
      [
        { verilog: 'none.v', table: 'mul8u_trunc.c' },
        {},
        /multiplier\.verilog: expected an existing file .*received "none\.v"/,
      ],
      [
        { verilog: 'mul8u_trunc.v', table: 'none.npy' },
        {},
        /multiplier\.table: expected an existing file .*received "none\.npy"/,
      ],
      [
        { verilog: 'mul8u_trunc.v', table: 'short.i32' },
        { 'short.i32': new Uint8Array(1000) },
        /multiplier\.table: expected raw little-endian int32: 262144 bytes, 65536 products .*received 1000 bytes/,
      ],
      [
        { verilog: 'mul8u_trunc.v', table: 'short.npy' },
        { 'short.npy': encodeNpy({ dtype: 'int32', dims: [16], data: new Int32Array(16) }) },
        /multiplier\.table: expected a \.npy of 65536 products .*received 16 elements/,
      ],
      [
        { verilog: 'mul8u_trunc.v', table: 'one.i32' },
        { 'one.i32': raw(refTable((a, w) => (a === 5 && w === 0 ? 1 : truncRef(a, w)))) },
        /multiplier\.table: expected product 0 whenever an operand is 0 .*received 1 at a = 5, w = 0/,
      ],
      [
        { verilog: 'mul8u_trunc.v', table: 'mul8u_trunc.c', module: 'mul8u_x' },
        {},
        /multiplier\.module: expected a module of mul8u_trunc\.v \(mul8u_trunc, PDKGENHAX1, PDKGENFAX1\), received "mul8u_x"/,
      ],
      [
        { verilog: 'mul8u_trunc.v', table: 'mul8u_trunc.c', module: 'PDKGENHAX1' },
        {},
        /multiplier\.module: expected a module with input A \[7:0\].*received A of 1 bits/,
      ],
      [
        { verilog: 'mul8u_trunc.v', table: 'broken.c', function: 'f' },
        { 'broken.c': 'this is not C' },
        /multiplier\.table: expected a C model that compiles with .* and defines uint64_t f\(uint64_t B, uint64_t A\)/,
      ],
    ];
    for (const [m, files, re] of cases) {
      const cfg = workspace(m, files);
      await expect(loadConfig(cfg)).rejects.toThrow(ConfigError);
      await expect(loadConfig(cfg)).rejects.toThrow(re);
    }
    const r = await runAxgen(['validate', workspace({ verilog: 'mul8u_trunc.v', table: 'none.npy' })], {
      env: { AXGEN_FROM_SOURCE: '1' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/multiplier\.table: expected an existing file/);
  });

  it('without a C compiler, a C model is a missing tool (exit 2)', async () => {
    const cfg = workspace(
      { verilog: 'mul8u_trunc.v', table: 'm.c' },
      { 'm.c': readFileSync(join(EX, 'mul8u_trunc.c'), 'utf8') + `// ${Date.now()} ${Math.random()}\n` },
    );
    const cc = process.env.CC;
    process.env.CC = '/nonexistent/gcc';
    try {
      await expect(loadConfig(cfg)).rejects.toThrow(ToolMissingError);
    } finally {
      if (cc === undefined) delete process.env.CC;
      else process.env.CC = cc;
    }
    const r = await runAxgen(['validate', cfg], { env: { AXGEN_FROM_SOURCE: '1', CC: '/nonexistent/gcc' } });
    expect(r.exitCode).toBe(2);
  });

  it('a command refuses a circuit that disagrees with its table: exit 4 naming the pair', async () => {
    const t = refTable(truncRef);
    t[0x12 * 256 + 0x34] = 7;
    const cfg = workspace({ verilog: 'mul8u_trunc.v', table: 'bad.i32' }, { 'bad.i32': raw(t) });
    const r = await runAxgen(['validate', cfg], { env: { AXGEN_FROM_SOURCE: '1' } });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/first at A = 8'h12 \(activation 18\), B = 8'h34 \(weight 52\): table 7, circuit \d+/);
  });
});

/** A sweep over the multiplier axis: exact and the truncated circuit with `table` (paths relative to the sweep file). */
const externalSweep = (table: string) => ({
  name: 'sw',
  base: {
    name: 'b',
    array: { rows: 2, cols: 2 },
    precision: { activation: U8, weight: U8 },
    multiplier: { kind: 'exact' },
  },
  axes: {
    multiplier: [{ kind: 'exact' }, { kind: 'external', verilog: 'mul8u_trunc.v', module: 'mul8u_trunc', table }],
  },
  target: 'generic',
});

describe('an imported circuit in a sweep', () => {
  it('is a value of the multiplier axis, its paths relative to the sweep file', async () => {
    const dir = join(workspace({ verilog: 'mul8u_trunc.v', table: 'mul8u_trunc.c' }), '..');
    const sweep = await resolveSweep(externalSweep('mul8u_trunc.c'), join(dir, 'sweep.json'));
    const { points } = expandGrid(sweep);
    expect(points.map((p) => p.error ?? p.config!.multiplier.kind)).toEqual(['exact', 'external']);
    expect((points[1]!.config!.multiplier as ExternalParams).table).toBe(join(dir, 'mul8u_trunc.c'));
  });
});

describe('an imported circuit in the sweep command', () => {
  it('is checked before any point runs: a wrong table is exit 4 naming the pair', async () => {
    const t = refTable(truncRef);
    t[0x12 * 256 + 0x34] = 7;
    const dir = join(workspace({ verilog: 'mul8u_trunc.v', table: 'mul8u_trunc.c' }, { 'bad.i32': raw(t) }), '..');
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(externalSweep('bad.i32')));
    const r = await runAxgen(['sweep', join(dir, 'sweep.json'), '--out', join(dir, 'out')], {
      env: { AXGEN_FROM_SOURCE: '1' },
    });
    expect(r.exitCode, r.all).toBe(4);
    expect(r.stderr).toMatch(/first at A = 8'h12 \(activation 18\), B = 8'h34 \(weight 52\): table 7/);
  });
});

describe('arrays of an imported circuit co-simulate bit-exactly', () => {
  const cfg = (dataflow: 'weight-stationary' | 'output-stationary') =>
    resolveConfig({
      name: dataflow === 'weight-stationary' ? 'xa_ws' : 'xa_os',
      array: { rows: 3, cols: 4, maxK: 32, accDepth: 16 },
      dataflow,
      precision: { activation: U8, weight: U8, accumulator: { overflow: 'wrap' } },
      multiplier: {
        kind: 'external',
        verilog: join(EX, 'mul8u_trunc.v'),
        module: 'mul8u_trunc',
        table: join(EX, 'mul8u_trunc.c'),
      },
    });
  const run = (
    dataflow: 'weight-stationary' | 'output-stationary',
    simulator: 'icarus' | 'verilator',
    seed: number,
  ) => {
    const next = rng(seed);
    const m = (r: number, c: number) =>
      Array.from({ length: r }, () => Array.from({ length: c }, () => Math.floor(next() * 256)));
    const A = m(dataflow === 'weight-stationary' ? 5 : 3, 7);
    const W = m(7, 6);
    A[0]![0] = 0;
    A[1]![1] = 255;
    W[2]![0] = 255;
    return cosim(cfg(dataflow), { simulator, A, W, seed, stall: 40 });
  };

  it('the whole array is lint-clean', async () => {
    const c = cfg('output-stationary');
    expect(lintProblems(await lintFiles(emitRtl(c), topModule(c)))).toBe('');
  });

  it.each([
    ['weight-stationary', 'icarus'],
    ['output-stationary', 'icarus'],
    ['output-stationary', 'verilator'],
  ] as const)('%s in %s', async (dataflow, simulator) => {
    const r = await run(dataflow, simulator, 700);
    expectCosimPassed(r);
  });
});
