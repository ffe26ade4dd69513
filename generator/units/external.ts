/**
 * Imported circuit (docs/units.md "external"): a user's combinational multiplier in Verilog (for
 * example an EvoApproxLib 8×8 circuit: module ports `A`, `B`, `O`) with its golden model given as a
 * product table, so it is a unit like any other: the table is the golden model the array, the
 * metrics, the co-simulation and the sweeps read.
 *
 * Operands and the table: the activation drives port A, the weight port B. The table holds
 * 2^(n_a+n_w) products, entry a·2^(n_w) + w for the operand BIT PATTERNS a, w (a signed operand's
 * pattern is its two's complement: activation −1 at 8 bits is pattern 255). It is one of
 *   - a `.npy` file of integers (any shape with 2^(n_a+n_w) elements, C order);
 *   - a C model (`.c`) with EvoApproxLib's signature `uint64_t f(uint64_t B, uint64_t A)` (B, the
 *     weight, first), compiled with the system C compiler ($CC, default gcc) to fill the table: it
 *     is called with the operand VALUES (a signed operand sign-extended to 64 bits, so a model
 *     declared with int64_t operands also works); its result is read modulo 2^(n_a+n_w), as two's
 *     complement when either operand is signed;
 *   - any other file: raw little-endian int32, 4·2^(n_a+n_w) bytes.
 * Paths are relative to the config file's folder; the resolved config holds them absolute with the
 * files' sha256 (`sha256`), so every cache key and the determinism checks follow
 * the files' content. A file that changed after resolution is refused when it is read again.
 *
 * The circuit is checked against the table on every input pair before first use
 * (sim/external-check.ts, called when a command loads its config); this module only reads and
 * validates the files.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import type { FromSchema } from 'json-schema-to-ts';
import { contentKey, usableCacheRoot } from '../infra/cache.js';
import { ConfigError, type ConfigProblem } from '../infra/errors.js';
import { ToolMissingError } from '../infra/tools.js';
import { runToolSync } from '../infra/children.js';
import { ROOT_DIR } from '../root.js';
import { parseNpy } from '../data/npy.js';
import { fromBits, toBits } from './common.js';
import { externalRtl, parseVerilog, portWidths } from './external-rtl.js';
import { defineUnit, type ProductRange, type UnitContext, type UnitWhere } from './types.js';

const SHA = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

export const externalSchema = {
  type: 'object',
  title: 'imported circuit',
  description:
    "A user's combinational multiplier (Verilog module with ports A = activation, B = weight, O = product, " +
    'e.g. an EvoApproxLib generic .v) with its golden model as a product table of 2^(n_a+n_w) entries indexed ' +
    'by a·2^(n_w) + w over the operand bit patterns (a .npy file, a raw little-endian int32 file, or a C model ' +
    '`uint64_t f(uint64_t B, uint64_t A)`). Paths are relative to the config file. axgen checks the circuit ' +
    'against the table on every input pair before first use.',
  additionalProperties: false,
  required: ['kind', 'verilog', 'module', 'table'],
  properties: {
    kind: { const: 'external', description: 'Imported circuit.' },
    verilog: {
      type: 'string',
      minLength: 1,
      description:
        "The Verilog file holding the circuit and the helper modules it instantiates (relative to the config file's folder).",
    },
    module: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description:
        'The circuit module in that file: ports A [n_a-1:0], B [n_w-1:0], O (at most 32 bits). Modules are renamed `<config name>_x_<module>` in the emitted RTL.',
    },
    table: {
      type: 'string',
      minLength: 1,
      description:
        'The golden model: a .npy of integers, a C model (.c, compiled with $CC or gcc), or raw little-endian int32 (any other name); 2^(n_a+n_w) products indexed a·2^(n_w) + w.',
    },
    function: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description: "The C model's function, `uint64_t f(uint64_t B, uint64_t A)` (default: the module name).",
    },
    sha256: {
      type: 'object',
      additionalProperties: false,
      required: ['verilog', 'table'],
      description:
        "The files' sha256, filled in when axgen resolves the config; written by hand, it pins the files (a file with other content is refused).",
      properties: {
        verilog: { ...SHA, description: 'sha256 of the Verilog file.' },
        table: { ...SHA, description: 'sha256 of the table file (or of the C model).' },
      },
    },
  },
} as const;

export type ExternalParams = FromSchema<typeof externalSchema>;

/** DSL helper: `multiplier: external({ verilog: 'mul8u_X.v', module: 'mul8u_X', table: 'mul8u_X.c' })`. */
export function external(p: Omit<ExternalParams, 'kind'>): ExternalParams {
  return { kind: 'external', ...p };
}

/** Largest n_a + n_w a table may cover (2^20 entries, 4 MiB). */
export const MAX_TABLE_BITS = 20;

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const productSigned = (ctx: UnitContext): boolean => ctx.activation.signed || ctx.weight.signed;

interface Loaded {
  table: Int32Array;
  min: number;
  max: number;
}

/** Tables by content: sha256 of the file, operand formats, C function. */
const tables = new Map<string, Loaded>();

const tableKey = (p: ExternalParams, ctx: UnitContext): string =>
  JSON.stringify([p.sha256?.table, p.function ?? p.module, ctx.activation, ctx.weight]);

function fail(source: string, problems: ConfigProblem[]): never {
  throw new ConfigError(source, problems);
}

/** A file the config names, read; a problem at `path` when it is missing or a folder. */
function readUserFile(abs: string, written: string, path: string, base: string, source: string): Buffer {
  if (!existsSync(abs) || statSync(abs).isDirectory())
    fail(source, [
      {
        path,
        expected: `an existing file (a path relative to the config's folder ${base})`,
        received: JSON.stringify(written),
      },
    ]);
  return readFileSync(abs);
}

/** The table from a .npy, a raw int32 file or a C model; `bytes` is the file's content. */
function decodeTable(p: ExternalParams, bytes: Buffer, ctx: UnitContext, source: string): Int32Array {
  const n = 2 ** (ctx.activation.bits + ctx.weight.bits);
  const sizeNote = `${n} products (2^(n_a+n_w), n_a = ${ctx.activation.bits}, n_w = ${ctx.weight.bits})`;
  const ext = extname(p.table).toLowerCase();
  let values: ArrayLike<number>;
  if (ext === '.npy') {
    const arr = parseNpy(bytes, p.table);
    if (arr.data.length !== n)
      fail(source, [
        {
          path: 'multiplier.table',
          expected: `a .npy of ${sizeNote}`,
          received: `${arr.data.length} elements (shape [${arr.dims.join(', ')}])`,
        },
      ]);
    if (arr.dtype === 'float32' || (arr.dtype === 'float64' && !Array.from(arr.data).every(Number.isInteger)))
      fail(source, [
        {
          path: 'multiplier.table',
          expected: 'a .npy of integers (int8, int16, int32, int64, uint8)',
          received: `dtype ${arr.dtype}`,
        },
      ]);
    values = arr.data;
  } else if (ext === '.c') {
    values = compileTable(p, bytes, ctx, source);
  } else {
    if (bytes.length !== 4 * n)
      fail(source, [
        {
          path: 'multiplier.table',
          expected: `raw little-endian int32: ${4 * n} bytes, ${sizeNote}`,
          received: `${bytes.length} bytes`,
        },
      ]);
    values = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }
  const out = Int32Array.from(values);
  for (let i = 0; i < n; i++)
    if (out[i] !== values[i])
      fail(source, [
        { path: 'multiplier.table', expected: 'products that fit int32', received: `${values[i]} at entry ${i}` },
      ]);
  return out;
}

/** The C driver that calls the model on every pair and writes the low 32 bits of each result. */
function driverSource(fn: string, ctx: UnitContext): string {
  const na = ctx.activation.bits;
  const nw = ctx.weight.bits;
  const val = (v: string, bits: number, signed: boolean) =>
    signed
      ? `((int64_t)(${v}) >= ${2 ** (bits - 1)} ? (int64_t)(${v}) - ${2 ** bits} : (int64_t)(${v}))`
      : `(int64_t)(${v})`;
  return `#include <stdint.h>
#include <stdio.h>
uint64_t ${fn}(uint64_t B, uint64_t A);
int main(int argc, char **argv) {
  FILE *f = fopen(argv[argc - 1], "wb");
  if (!f) return 2;
  for (uint64_t a = 0; a < ${2 ** na}u; a++)
    for (uint64_t w = 0; w < ${2 ** nw}u; w++) {
      uint64_t r = ${fn}((uint64_t)${val('w', nw, ctx.weight.signed)}, (uint64_t)${val('a', na, ctx.activation.signed)});
      uint32_t lo = (uint32_t)r;
      if (fwrite(&lo, 4, 1, f) != 1) return 3;
    }
  return fclose(f) == 0 ? 0 : 4;
}
`;
}

/** How long the compiled C model may run to fill its table. */
const MODEL_TIMEOUT_MS = 60_000;

/**
 * Fills the table from a C model: compiled with $CC (default gcc) next to a driver, run once, the
 * result cached under .axgen-cache/external-table by the model's sha256, the function name and the
 * operand formats. Synchronous (infra/children.ts runToolSync) because config resolution is: the golden model must be
 * known when the product range is. A missing compiler is a ToolMissingError (exit 2); a model that
 * does not compile or run is bad input at `multiplier.table` (exit 1).
 */
function compileTable(p: ExternalParams, bytes: Buffer, ctx: UnitContext, source: string): Int32Array {
  const fn = p.function ?? p.module;
  const n = 2 ** (ctx.activation.bits + ctx.weight.bits);
  const P = ctx.activation.bits + ctx.weight.bits;
  const cc = process.env.CC || 'gcc';
  // The table depends on the model, the driver that calls it, the operand formats and the compiler.
  const key = contentKey(['external-table v2', sha(bytes), sha(Buffer.from(driverSource(fn, ctx))), cc]);
  const dir = join(usableCacheRoot(), 'external-table');
  const file = join(dir, `${key.slice(0, 24)}.i32`);
  if (!existsSync(file)) {
    const tmp = mkdtempSync(join(tmpdir(), 'axgen-cmodel-'));
    try {
      writeFileSync(join(tmp, 'driver.c'), driverSource(fn, ctx));
      const exe = join(tmp, 'model');
      const c = runToolSync(cc, ['-O1', '-o', exe, join(tmp, 'driver.c'), resolve(p.table)], {
        timeout: MODEL_TIMEOUT_MS,
      });
      if (c.notStarted)
        throw new ToolMissingError(
          cc,
          'gcc',
          `needed to compile the C model ${p.table}; ${c.notStarted === 'ENOENT' ? 'not found on PATH' : `cannot be started (${c.notStarted})`}${process.env.CC ? ' (from $CC)' : ''}`,
        );
      if (c.exitCode !== 0)
        fail(source, [
          {
            path: 'multiplier.table',
            expected: `a C model that compiles with ${cc} and defines uint64_t ${fn}(uint64_t B, uint64_t A)`,
            received: JSON.stringify(
              c.timedOut
                ? `${cc} still running after ${MODEL_TIMEOUT_MS / 1000} s`
                : c.all.trim().split('\n').slice(0, 4).join(' | '),
            ),
          },
        ]);
      const out = join(tmp, 'table.bin');
      const r = runToolSync(exe, [out], { timeout: MODEL_TIMEOUT_MS });
      if (r.exitCode !== 0 || !existsSync(out))
        fail(source, [
          {
            path: 'multiplier.table',
            expected: `a C model that returns for every operand pair within ${MODEL_TIMEOUT_MS / 1000} s`,
            received: r.timedOut
              ? `the model program still running after ${MODEL_TIMEOUT_MS / 1000} s (a loop that does not end?)`
              : `the model program ended with ${r.signal ?? `status ${r.exitCode}`}`,
          },
        ]);
      mkdirSync(dir, { recursive: true });
      const part = `${file}.${process.pid}.tmp`;
      writeFileSync(part, readFileSync(out));
      renameSync(part, file);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const raw = readFileSync(file);
  const u = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
  if (u.length !== n) throw new Error(`internal error: cached C-model table ${file} has ${u.length} entries, not ${n}`);
  return Int32Array.from(u, (v) => fromBits(v, P, productSigned(ctx)));
}

function remember(key: string, table: Int32Array): Loaded {
  let min = Infinity;
  let max = -Infinity;
  for (const v of table) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const l = { table, min, max };
  if (tables.size > 16) tables.clear();
  tables.set(key, l);
  return l;
}

/**
 * The table of resolved params (absolute paths, sha256 filled), from memory or read again (a worker
 * process, a re-resolved config). A file whose content changed since resolution is refused.
 */
export function externalTable(p: ExternalParams, ctx: UnitContext, source = 'multiplier'): Loaded {
  const key = tableKey(p, ctx);
  const hit = tables.get(key);
  if (hit) return hit;
  const bytes = readUserFile(p.table, p.table, 'multiplier.table', '/', source);
  if (p.sha256 && sha(bytes) !== p.sha256.table)
    fail(source, [
      {
        path: 'multiplier.table',
        expected: `the file with sha256 ${p.sha256.table} (it changed since the config was resolved)`,
        received: `sha256 ${sha(bytes)}`,
      },
    ]);
  return remember(key, decodeTable(p, bytes, ctx, source));
}

/** The product: the table entry of the operands' bit patterns. */
export function externalMultiply(a: number, w: number, p: ExternalParams, ctx: UnitContext): number {
  const t = externalTable(p, ctx).table;
  return t[toBits(a, ctx.activation.bits) * 2 ** ctx.weight.bits + toBits(w, ctx.weight.bits)]!;
}

/**
 * Resolves the file paths against the config's folder, reads and checks both files (the module and
 * its ports, the table's size), and fills `sha256`. Throws ConfigError naming the JSON path.
 */
function normalizeExternal(p: ExternalParams, ctx: UnitContext, where: UnitWhere): ExternalParams {
  const { baseDir, source } = where;
  const na = ctx.activation.bits;
  const nw = ctx.weight.bits;
  if (na + nw > MAX_TABLE_BITS)
    fail(source, [
      {
        path: 'precision',
        expected: `n_a + n_w at most ${MAX_TABLE_BITS} for an imported circuit (a table of 2^(n_a+n_w) products)`,
        received: String(na + nw),
      },
    ]);
  const verilog = resolve(baseDir, p.verilog);
  const table = resolve(baseDir, p.table);
  const vBytes = readUserFile(verilog, p.verilog, 'multiplier.verilog', baseDir, source);
  const tBytes = readUserFile(table, p.table, 'multiplier.table', baseDir, source);
  const hashes = { verilog: sha(vBytes), table: sha(tBytes) };
  const problems: ConfigProblem[] = [];
  for (const k of ['verilog', 'table'] as const)
    if (p.sha256 && p.sha256[k] !== hashes[k])
      problems.push({
        path: `multiplier.sha256.${k}`,
        expected: `the sha256 of ${p[k]} (${hashes[k]})`,
        received: JSON.stringify(p.sha256[k]),
      });
  if (problems.length > 0) fail(source, problems);

  const mods = parseVerilog(vBytes.toString('utf8'));
  const mod = mods.find((m) => m.name === p.module);
  if (!mod)
    fail(source, [
      {
        path: 'multiplier.module',
        expected: `a module of ${p.verilog} (${mods.map((m) => m.name).join(', ') || 'none found'})`,
        received: JSON.stringify(p.module),
      },
    ]);
  const ports = portWidths(mod);
  const want: [string, number][] = [
    ['A', na],
    ['B', nw],
  ];
  for (const [port, bits] of want)
    if (ports[port] !== bits)
      problems.push({
        path: 'multiplier.module',
        expected: `a module with input ${port} [${bits - 1}:0] (${port === 'A' ? 'activation' : 'weight'}: precision.${port === 'A' ? 'activation' : 'weight'}.bits = ${bits})`,
        received: ports[port] === undefined ? `${p.module} without port ${port}` : `${port} of ${ports[port]} bits`,
      });
  const oBits = ports.O;
  if (oBits === undefined || oBits > 32)
    problems.push({
      path: 'multiplier.module',
      expected: 'a module with output O of at most 32 bits',
      received: oBits === undefined ? `${p.module} without port O` : `O of ${oBits} bits`,
    });
  if (problems.length > 0) fail(source, problems);

  const resolved: ExternalParams = { ...p, verilog, table, sha256: hashes };
  const l = remember(tableKey(resolved, ctx), decodeTable(resolved, tBytes, ctx, source));
  // Padding and zero-skip rely on a zero operand giving 0 (docs/units.md).
  const nz = l.table.findIndex((v, i) => v !== 0 && (i < 2 ** nw || i % 2 ** nw === 0));
  if (nz >= 0)
    fail(source, [
      {
        path: 'multiplier.table',
        expected: 'product 0 whenever an operand is 0 (the array pads with zeros and zero-skip drops such products)',
        received: `${l.table[nz]} at a = ${Math.floor(nz / 2 ** nw)}, w = ${nz % 2 ** nw} (entry ${nz})`,
      },
    ]);
  const lo = -(2 ** (oBits! - 1));
  const fits = l.min < 0 ? l.min >= lo && l.max <= -lo - 1 : l.max < 2 ** oBits!;
  if (!fits)
    fail(source, [
      {
        path: 'multiplier.table',
        expected: `products that port O (${oBits} bits) can carry`,
        received: `products from ${l.min} to ${l.max}`,
      },
    ]);
  return resolved;
}

function externalRange(p: ExternalParams, ctx: UnitContext): ProductRange {
  const l = externalTable(p, ctx);
  return { min: Math.min(0, l.min), max: Math.max(0, l.max) };
}

const U8 = { bits: 8, signed: false };
const EX = (f: string) => join(ROOT_DIR, 'examples/external', f);
/** The examples of examples/external/ (written by scripts/gen-external-examples.ts). */
export const EXTERNAL_EXAMPLES = {
  trunc: { verilog: EX('mul8u_trunc.v'), module: 'mul8u_trunc', table: EX('mul8u_trunc.c') },
  exact: { verilog: EX('mul8u_exact.v'), module: 'mul8u_exact', table: EX('mul8u_exact.c') },
  small: { verilog: EX('mul6u_trunc.v'), module: 'mul6u_trunc', table: EX('mul6u_trunc.c') },
  signedExact: { verilog: EX('mul8s_exact.v'), module: 'mul8s_exact', table: EX('mul8s_exact.c') },
};
const S8 = { bits: 8, signed: true };
const U6 = { bits: 6, signed: false };

export const externalUnit = defineUnit({
  kind: 'external',
  schema: externalSchema,
  dsl: external,
  samples: {
    operands: [{ activation: U8, weight: U8 }],
    regress: [EXTERNAL_EXAMPLES.trunc],
    // The first is 6×6: the gate-level test (test/sim/gate.test.ts) runs every kind's first sample.
    exhaustive: [
      { activation: U6, weight: U6, params: EXTERNAL_EXAMPLES.small },
      { activation: U8, weight: U8, params: EXTERNAL_EXAMPLES.trunc },
      { activation: U8, weight: U8, params: EXTERNAL_EXAMPLES.exact },
      { activation: S8, weight: S8, params: EXTERNAL_EXAMPLES.signedExact },
    ],
    metrics: [EXTERNAL_EXAMPLES.trunc, EXTERNAL_EXAMPLES.exact],
    area: [EXTERNAL_EXAMPLES.trunc, EXTERNAL_EXAMPLES.exact],
  },
  checkBeforeUse: true,
  normalize: (p: ExternalParams, ctx: UnitContext, where: UnitWhere) => normalizeExternal(p, ctx, where),
  // The files' contents (sha256) and names decide every output; their folder is the checkout's.
  hashed: (p: ExternalParams) => ({ ...p, verilog: basename(p.verilog), table: basename(p.table) }),
  describe: (p: ExternalParams) => `external(${p.module})`,
  rules: () => [],
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number, p: ExternalParams, ctx: UnitContext) => externalMultiply(a, w, p, ctx),
  productRange: (p: ExternalParams, ctx: UnitContext) => externalRange(p, ctx),
  rtl: (p: ExternalParams, ctx: UnitContext, prefix: string, header: (t: string) => string) =>
    externalRtl(p, ctx, externalRange(p, ctx), prefix, header),
});
