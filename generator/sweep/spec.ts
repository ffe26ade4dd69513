/**
 * Sweep spec → validated sweep → grid of points. A spec comes from a `.ts` file (default export
 * `defineSweep({...})`) or a `.json` file; both are validated by ajv against the sweep schema with
 * the same path-naming messages as configs. Every point is base + axis values, resolved through
 * resolveConfig: a point that is not a valid config is kept, with its error.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { NAMED_DATASETS } from '../data/dataset.js';
import { ConfigError, type ConfigProblem, formatProblem, show } from '../infra/errors.js';
import { loadWritten } from '../config/load.js';
import { canonicalJson, resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { acceleratorSchema } from '../config/schema.js';
import { ajvProblems, otherFileKind } from '../config/validate.js';
import type { Target } from '../estimate/targets.js';
import { sweepSchema, type DefaultedSweep, type SweepFilter } from './schema.js';
import { count } from '../infra/text.js';

let checker: ValidateFunction | undefined;
let defaulter: ValidateFunction | undefined;
// validateSchema off as in config/validate.ts (start-up time); test/cli/startup.test.ts checks the schema.
const makeAjv = (useDefaults: boolean, discriminator = false) =>
  new Ajv({ allErrors: true, useDefaults, discriminator, strict: true, strictRequired: false, validateSchema: false });

/** Every schema problem of a written sweep (empty when valid). */
export function sweepSchemaProblems(data: unknown): ConfigProblem[] {
  const other = otherFileKind(data, 'sweep');
  if (other) return [other];
  checker ??= makeAjv(false).compile(sweepSchema);
  if (checker(data)) return [];
  return ajvProblems(checker.errors ?? [], data, { root: sweepSchema, configAt: '/base' }).map((p) =>
    p.path === 'name' && p.expected.startsWith('a string matching')
      ? {
          ...p,
          expected:
            'a lower-case identifier: a letter, then letters, digits or "_", at most 31 characters (it prefixes every point\'s config name)',
        }
      : p.path === 'axes' && p.expected.startsWith('an object with at least')
        ? {
            ...p,
            expected:
              'at least one axis: a config field path and the values to try, e.g. `axes: { "array.rows": [4, 8] }`',
          }
        : p,
  );
}

/** A validated sweep: defaults filled, base loaded, CLI overrides applied. */
export interface Sweep {
  spec: Omit<DefaultedSweep, 'base'> & { base: Record<string, unknown> };
  /** Where the base came from (a file path, or "inline"). */
  baseSource: string;
  /** sha256 of the canonical sweep (everything that determines the results): shards must agree on it. */
  hash: string;
  /** The sweep file (for messages). */
  source?: string;
  /** spec.accuracy with its model file and dataset folder resolved against the sweep file. */
  accuracy?: AccuracyFigure;
}

/** What a sweep's accuracy figure runs (generator/inference/accuracy-run.ts). */
export interface AccuracyFigure {
  /** The int8 ONNX model's path. */
  model: string;
  /** A dataset name (NAMED_DATASETS) or a folder path. */
  dataset: string;
  images: number;
}

/** Value at a dotted path of a plain object (undefined when absent). */
export function getPath(o: unknown, path: string): unknown {
  let cur = o;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * Sets a dotted path, creating objects on the way (a non-object on the way is replaced). `null`
 * removes the field instead: no config field takes null, so an axis value null means "left out"
 * (e.g. `zeroSkip: [null, {activation: 0}]` compares without and with zero-skip).
 */
export function setPath(o: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = o;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === null) delete cur[last];
  else cur[last] = structuredClone(value);
}

type Node = Record<string, unknown>;

/** The schema nodes a dotted config path can name (one per unit branch that has it; none when unknown). */
export function configSchemaNodes(path: string): Node[] {
  let nodes: Node[] = [acceleratorSchema as unknown as Node];
  for (const key of path.split('.')) {
    const next: Node[] = [];
    for (const n of nodes) {
      const branches = Array.isArray(n.oneOf)
        ? (n.oneOf as Node[])
        : Array.isArray(n.anyOf)
          ? (n.anyOf as Node[])
          : [n];
      for (const b of branches) {
        const child = (b.properties as Record<string, Node> | undefined)?.[key];
        if (child && key !== '$schema') next.push(child);
      }
    }
    if (next.length === 0) return [];
    nodes = next;
  }
  // Branches that share a field (e.g. `fractionBits` of several units) often share its definition.
  const seen = new Set<string>();
  return nodes.filter((n) => {
    const k = JSON.stringify(n);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Whether `path` names a field of the accelerator config schema (through unit branches too). */
export function isConfigPath(path: string): boolean {
  return configSchemaNodes(path).length > 0;
}

const nodeValidators = new Map<Node, ValidateFunction>();

/**
 * Every axis value checked on its own against the config schema at its path, before any point is
 * built: a value no branch of the schema accepts there (e.g. `array.rows: 0`) can only give invalid
 * points. Problems are named `axes["<path>"][<i>]` (plus the path inside an object value). `null`
 * (the field left out) and cross-field rules (which depend on the whole point) are left to the points.
 */
export function axisValueProblems(axes: Record<string, readonly unknown[]>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const [path, values] of Object.entries(axes)) {
    if (!isConfigPath(path)) continue;
    values.forEach((value, i) => {
      if (value === null) return;
      out.push(...fieldValueProblems(path, value, `axes["${path}"][${i}]`));
    });
  }
  return out;
}

/**
 * The problems of `value` checked on its own against the config schema at the config path `path`
 * (the first branch's, when no branch accepts it), named `at` plus the path inside the value.
 */
function fieldValueProblems(path: string, value: unknown, at: string): ConfigProblem[] {
  let first: ConfigProblem[] | undefined;
  for (const node of configSchemaNodes(path)) {
    let v = nodeValidators.get(node);
    if (!v) {
      v = makeAjv(false, true).compile(node);
      nodeValidators.set(node, v);
    }
    if (v(value)) return [];
    first ??= ajvProblems(v.errors ?? [], value, { root: node, configAt: '/(none)' });
  }
  return (first ?? []).map((p) => {
    const inner = p.path === '(root)' ? '' : p.path.startsWith('[') ? p.path : `.${p.path}`;
    return { ...p, path: `${at}${inner}` };
  });
}

/**
 * Values in a base (inline, or read from a `.ts` file) that no config field takes and that could
 * not be cloned or hashed: a function (`mitchell` for `mitchell()`), a Symbol or a BigInt. They
 * are refused before the sweep is built, even where every axis overrides them, with the schema's
 * message where the path names a config field (the base's other problems are its points'). `name`
 * turns a dotted path in the base into the path a message gives.
 */
function baseValueProblems(base: unknown, name: (path: string) => string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const walk = (v: unknown, keys: string[], inList: boolean): void => {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      const path = keys.join('.');
      const named = name(path.replace(/\.(\d+)(?=\.|$)/g, '[$1]'));
      const found = inList || !isConfigPath(path) ? [] : fieldValueProblems(path, v, named);
      out.push(
        ...(found.length > 0
          ? found
          : [
              {
                path: named,
                expected: 'a value a config holds: a string, a number, true or false, null, a list or an object',
                received: show(v),
              },
            ]),
      );
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...keys, String(i)], true));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...keys, k], inList);
  };
  if (base !== null && typeof base === 'object') walk(base, [], false);
  return out;
}

function configFields(): string[] {
  return Object.keys(acceleratorSchema.properties).filter((k) => k !== '$schema');
}

/** Validates a written sweep. `source` is its file (for messages and relative base paths). */
export async function resolveSweep(
  written: unknown,
  source: string,
  overrides: { target?: Target } = {},
): Promise<Sweep> {
  const problems = sweepSchemaProblems(written);
  if (problems.length > 0) throw new ConfigError(source, problems);
  // The axes and the inline base are checked before the spec is cloned and hashed: the schema
  // leaves their values open, and a .ts sweep's function (`mitchell` for `mitchell()`) can be
  // neither (a DataCloneError, not the user's message).
  const w = written as Pick<DefaultedSweep, 'axes' | 'base'> & { filters?: SweepFilter[] };
  const pathProblems: ConfigProblem[] = [];
  for (const path of Object.keys(w.axes)) {
    if (!isConfigPath(path)) {
      pathProblems.push({
        path: `axes["${path}"]`,
        expected: `a config field path such as "array.rows", "precision.activation.bits", "multiplier" or "multiplier.fractionBits" (top-level fields: ${configFields().join(', ')})`,
        received: show(path),
      });
    }
  }
  (w.filters ?? []).forEach((f, i) => {
    const m =
      (f as { drop?: Record<string, unknown>; keep?: Record<string, unknown> }).drop ??
      (f as { keep: Record<string, unknown> }).keep;
    for (const path of Object.keys(m)) {
      if (!isConfigPath(path))
        pathProblems.push({
          path: `filters[${i}]["${path}"]`,
          expected: 'a config field path such as "multiplier.kind" or "array.rows"',
          received: show(path),
        });
    }
  });
  pathProblems.push(...axisValueProblems(w.axes), ...baseValueProblems(w.base, (p) => `base.${p}`));
  if (pathProblems.length > 0) throw new ConfigError(source, pathProblems);
  const copy = structuredClone(written) as Record<string, unknown>;
  defaulter ??= makeAjv(true).compile(sweepSchema);
  if (!defaulter(copy))
    throw new ConfigError(source, ajvProblems(defaulter.errors ?? [], copy, { root: sweepSchema, configAt: '/base' }));
  delete copy.$schema;
  const d = copy as unknown as DefaultedSweep;
  let base: Record<string, unknown>;
  let baseSource = 'inline';
  if (typeof d.base === 'string') {
    const file = resolvePath(dirname(resolvePath(source)), d.base);
    let b: unknown;
    try {
      b = await loadWritten(file);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new ConfigError(
        source,
        e.problems.map((p) => ({ ...p, path: p.path === '(file)' ? 'base' : `base (${d.base}): ${p.path}` })),
      );
    }
    if (b === null || typeof b !== 'object' || Array.isArray(b)) {
      throw new ConfigError(source, [
        { path: 'base', expected: 'a config file whose content is an object', received: show(b) },
      ]);
    }
    const unfit = baseValueProblems(b, (p) => `base (${d.base as string}): ${p}`);
    if (unfit.length > 0) throw new ConfigError(source, unfit);
    base = b as Record<string, unknown>;
    baseSource = d.base;
  } else {
    base = d.base as Record<string, unknown>;
  }
  const spec = { ...d, base, target: overrides.target ?? d.target };
  const hash = createHash('sha256').update(canonicalJson(spec)).digest('hex');
  return { spec, baseSource, hash, source, ...(d.accuracy ? { accuracy: accuracyFigure(d.accuracy, source) } : {}) };
}

/**
 * The accuracy figure's files resolved against the sweep file's folder.
 * @throws ConfigError naming `accuracy.model` when the model file does not exist
 */
function accuracyFigure(a: NonNullable<DefaultedSweep['accuracy']>, source: string): AccuracyFigure {
  const dir = dirname(resolvePath(source));
  const model = resolvePath(dir, a.model);
  if (!existsSync(model))
    throw new ConfigError(source, [
      {
        path: 'accuracy.model',
        expected: 'an int8 ONNX file (relative to the sweep file)',
        received: `${a.model} (no such file: ${model})`,
      },
    ]);
  const named = NAMED_DATASETS.some((n) => n.name === a.dataset);
  const folder = resolvePath(dir, a.dataset);
  // A mistyped name or a missing folder is refused before any point runs (the files in a folder are
  // read, and checked, by the first point).
  if (!named && !(existsSync(folder) && statSync(folder).isDirectory()))
    throw new ConfigError(source, [
      {
        path: 'accuracy.dataset',
        expected: `a dataset name (${NAMED_DATASETS.map((n) => n.name).join(', ')}) or a folder of IDX files (relative to the sweep file)`,
        received: `${JSON.stringify(a.dataset)} (no such folder: ${folder})`,
      },
    ]);
  return { model, dataset: named ? a.dataset : folder, images: a.images };
}

/**
 * Loads and validates a sweep file (.ts default export or .json).
 * @throws ConfigError naming the file (a missing file or one that does not load says "sweep file",
 *   not the config loader's "config file") or the sweep's JSON path
 */
export async function loadSweep(file: string, overrides: { target?: Target } = {}): Promise<Sweep> {
  let written: unknown;
  try {
    written = await loadWritten(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(e.source, e.problems.map(asSweepFile));
  }
  return resolveSweep(written, file, overrides);
}

/** A loader problem about the file as a whole, reworded for a sweep file (config/load.ts words it for a config). */
function asSweepFile(p: ConfigProblem): ConfigProblem {
  if (p.path !== '(file)') return p;
  return {
    ...p,
    expected: p.expected
      .replace(/\.json config file/, '.json sweep file')
      .replace('default-exports a config', 'default-exports a sweep (`export default defineSweep({...})`)'),
  };
}

export interface GridPoint {
  /** Position in the grid after filtering (the order of results). */
  index: number;
  /** Config name: `<sweep>_<8 hex of the axis values>`. */
  name: string;
  /** `path=value, …` for people. */
  label: string;
  /** Axis path → value, in axis order. */
  axes: Record<string, unknown>;
  /** Axis path → short text of the value (CSV cells, plot legends). */
  tokens: Record<string, string>;
  written: Record<string, unknown>;
  config?: ResolvedConfig;
  /** Set when the point is not a valid config: the message, and its problems. */
  error?: string;
  problems?: ConfigProblem[];
}

/** Short, deterministic text for an axis value: `8`, `mitchell(fractionBits=4)`, `{a=1,b=2}`. */
export function valueToken(v: unknown): string {
  if (v === null) return 'none';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueToken).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => k !== 'kind' && o[k] !== undefined)
    .sort();
  const inner = keys.map((k) => `${k}=${valueToken(o[k])}`).join(',');
  if (typeof o.kind === 'string') return keys.length ? `${o.kind}(${inner})` : o.kind;
  return `{${inner}}`;
}

function scalarEq(a: unknown, b: unknown): boolean {
  return a === b;
}

function meets(value: unknown, cond: unknown): boolean {
  if (cond === null || typeof cond !== 'object') return scalarEq(value, cond);
  const c = cond as Record<string, unknown>;
  const num = typeof value === 'number';
  if ('$in' in c && !(c.$in as unknown[]).some((x) => scalarEq(value, x))) return false;
  if ('$nin' in c && (c.$nin as unknown[]).some((x) => scalarEq(value, x))) return false;
  if ('$ne' in c && scalarEq(value, c.$ne)) return false;
  if ('$lt' in c && !(num && (value as number) < (c.$lt as number))) return false;
  if ('$le' in c && !(num && (value as number) <= (c.$le as number))) return false;
  if ('$gt' in c && !(num && (value as number) > (c.$gt as number))) return false;
  if ('$ge' in c && !(num && (value as number) >= (c.$ge as number))) return false;
  return true;
}

/** Whether a point survives the filters (applied in order to its resolved config, or the written one). */
export function passes(filters: readonly SweepFilter[], subject: unknown): boolean {
  return droppingFilter(filters, subject) === -1;
}

/** The index of the first filter that removes the point (applied in order), or -1 when it survives them all. */
export function droppingFilter(filters: readonly SweepFilter[], subject: unknown): number {
  for (const [i, f] of filters.entries()) {
    const drop = 'drop' in f && f.drop !== undefined;
    const m = (drop ? f.drop : (f as { keep: Record<string, unknown> }).keep) as Record<string, unknown>;
    const hit = Object.entries(m).every(([path, cond]) => meets(getPath(subject, path), cond));
    if (drop ? hit : !hit) return i;
  }
  return -1;
}

/** A sweep's grid after its filters: the points left, and how many of the `total` each filter removed. */
export interface Grid {
  points: GridPoint[];
  dropped: number;
  /** droppedBy[i]: points filters[i] removed (each point counts for the first filter that removes it). */
  droppedBy: number[];
  total: number;
}

/** The grid: every combination of axis values (first axis outermost), filtered, each resolved. */
export function expandGrid(sweep: Sweep): Grid {
  const s = sweep.spec;
  const paths = Object.keys(s.axes);
  const combos: unknown[][] = [[]];
  for (const p of paths) {
    const next: unknown[][] = [];
    for (const c of combos) for (const v of s.axes[p]!) next.push([...c, v]);
    combos.splice(0, combos.length, ...next);
  }
  const points: GridPoint[] = [];
  let dropped = 0;
  const droppedBy = s.filters.map(() => 0);
  for (const combo of combos) {
    const written = structuredClone(s.base);
    const axes: Record<string, unknown> = {};
    const tokens: Record<string, string> = {};
    paths.forEach((p, i) => {
      setPath(written, p, combo[i]);
      axes[p] = combo[i];
      tokens[p] = valueToken(combo[i]);
    });
    const id = createHash('sha256')
      .update(canonicalJson(paths.map((p) => [p, axes[p]])))
      .digest('hex')
      .slice(0, 8);
    const name = `${s.name}_${id}`;
    written.name = name;
    let config: ResolvedConfig | undefined;
    let error: string | undefined;
    let problems: ConfigProblem[] | undefined;
    try {
      // Paths in the config (an imported circuit's files) are relative to the sweep file.
      config = resolveConfig(written, name, { baseDir: sweep.source ? dirname(resolvePath(sweep.source)) : undefined });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems;
      error = e.problems.map(formatProblem).join('\n');
    }
    const by = droppingFilter(s.filters, config ?? written);
    if (by !== -1) {
      dropped++;
      droppedBy[by]!++;
      continue;
    }
    const label = paths.map((p) => `${p}=${tokens[p]}`).join(', ');
    points.push({
      index: points.length,
      name,
      label,
      axes,
      tokens,
      written,
      ...(config ? { config } : {}),
      ...(error ? { error, problems } : {}),
    });
  }
  const seen = new Map<string, string>();
  for (const p of points) {
    const other = seen.get(p.name);
    if (other !== undefined)
      throw new ConfigError('axes', [
        {
          path: 'axes',
          expected: 'distinct values on each axis',
          received: `two points with the same values: ${p.label}`,
        },
      ]);
    seen.set(p.name, p.label);
  }
  return { points, dropped, droppedBy, total: combos.length };
}

/** Distinct problems listed at most when every point is invalid (the rest are counted). */
const MAX_DISTINCT = 20;

/**
 * The checks of a grid before any point runs, each a user error (exit 1, nothing written):
 * - filters that remove every point: names each filter with how many points it removed;
 * - every point invalid: each distinct problem once (with how many points have it), not one line per point;
 * - `gemm.k` above every valid point's `array.maxK` (no point would have a throughput figure).
 * A grid with a valid point passes; points of it with maxK < gemm.k are listed by shortOfK.
 * `source` names the sweep file in the message.
 * @throws ConfigError
 */
export function checkGrid(grid: Grid, sweep: Sweep, source: string): void {
  const { points } = grid;
  const filters = sweep.spec.filters;
  if (points.length === 0) {
    throw new ConfigError(source, [
      {
        path: 'filters',
        expected: `filters that keep at least one of the grid's ${count(grid.total, 'point')}`,
        received: `every point removed: ${filters.map((f, i) => `filters[${i}] (${'drop' in f && f.drop !== undefined ? 'drop' : 'keep'}) removed ${grid.droppedBy[i]}`).join(', ')}`,
      },
    ]);
  }
  if (!points.some((p) => p.config)) invalidGrid(points, source);
  const k = sweep.spec.gemm.k;
  const valid = points.filter((p) => p.config);
  const short = shortOfK(points, k);
  if (short.length === valid.length) {
    const maxKs = [...new Set(valid.map((p) => p.config!.array.maxK))].sort((a, b) => a - b);
    throw new ConfigError(source, [
      {
        path: 'gemm.k',
        expected: `at most the points' array.maxK (${maxKs.length === 1 ? `${maxKs[0]}` : `${maxKs[0]} to ${maxKs[maxKs.length - 1]}`}): the host schedule does not split K across commands, so no point would have a throughput figure`,
        received: String(k),
      },
    ]);
  }
}

/** The valid points whose array.maxK is below the reference GEMM's K (they get no throughput figure). */
export function shortOfK<T extends { config?: ResolvedConfig | null }>(points: readonly T[], k: number): T[] {
  return points.filter((p) => p.config && p.config.array.maxK < k);
}

/** A grid whose every point is invalid: throws a ConfigError listing each distinct problem once. */
function invalidGrid(points: readonly GridPoint[], source: string): never {
  const counts = new Map<string, { p: ConfigProblem; n: number }>();
  for (const pt of points) {
    for (const p of pt.problems ?? [
      { path: '(point)', expected: 'a valid config', received: pt.error ?? 'an error' },
    ]) {
      const key = `${p.path}\0${p.expected}\0${p.received}`;
      const e = counts.get(key);
      if (e) e.n++;
      else counts.set(key, { p, n: 1 });
    }
  }
  const all = [...counts.values()];
  const shown = all.slice(0, MAX_DISTINCT).map(({ p, n }) => ({
    ...p,
    path: `base + axes, ${p.path}`,
    received: `${p.received} (${n === points.length ? (points.length === 1 ? 'the only point' : 'every point') : `${n} of ${points.length} points`})`,
  }));
  const more = all.length - shown.length;
  const which = points.length === 1 ? 'the only point is invalid' : `all ${points.length} points are invalid`;
  throw new ConfigError(source, [
    {
      path: 'base + axes',
      expected: 'at least one point that is a valid config',
      received: `${which}, with ${count(all.length, 'distinct problem')}${more > 0 ? ` (the first ${MAX_DISTINCT} follow)` : ''}`,
    },
    ...shown,
  ]);
}

/** `--shard i/N` (1 ≤ i ≤ N): every N-th point from the i-th, in grid order. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) {
    throw new ConfigError('--shard', [
      {
        path: '--shard',
        expected: '"i/N" with 1 ≤ i ≤ N, e.g. "2/4" (the second of four shards)',
        received: JSON.stringify(text),
      },
    ]);
  }
  return { index: i, count: n };
}

export function shardOf<T extends { index: number }>(
  points: readonly T[],
  shard: { index: number; count: number } | null,
): T[] {
  if (!shard) return [...points];
  return points.filter((p) => p.index % shard.count === shard.index - 1);
}
