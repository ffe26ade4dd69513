/** User errors (bad input: exit 1, nothing written) versus internal errors (a generator bug). */
import { count } from './text.js';

export interface ConfigProblem {
  /** JSON path in dotted form, e.g. `array.rows` or `multiplier.kind`; `(root)` for the whole config. */
  path: string;
  /** What was expected, phrased as a fix. */
  expected: string;
  /** What was received, as JSON. */
  received: string;
}

export function formatProblem(p: ConfigProblem): string {
  return `✖ ${p.path}: expected ${p.expected}, received ${p.received}`;
}

/** Bad input from the user: the message lists every problem; the CLI exits 1 and writes nothing. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source}: ${count(problems.length, 'problem')}\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A circuit the user supplied (an imported multiplier) disagrees with its golden model, or does not
 * compile, in the check run before first use (sim/external-check.ts): the CLI exits 4.
 */
export class CircuitMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CircuitMismatchError';
  }
}

/** A failure on a valid config: a bug in axgen, reported with the config hash so it can be replayed. */
export class InternalError extends Error {
  constructor(
    message: string,
    readonly configHash: string,
    options?: { cause?: unknown },
  ) {
    super(
      `internal error (config sha256:${configHash.slice(0, 12)}): ${message}\nThis is a bug in axgen, not in your config; please report it with the config.`,
      options,
    );
    this.name = 'InternalError';
  }
}

/**
 * Renders a received value compactly for an error message: as JSON, except the values a `.ts`
 * config can hold but JSON cannot, which are named as written rather than as JSON.stringify turns
 * them (NaN and Infinity into null, a function into nothing) or refuses them (a BigInt, a cycle):
 * `a function`, `Symbol(x)`, `4n`, `NaN`, `-Infinity`; inside an object or list, `[function f]`
 * and `[circular]`.
 */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  let s: string;
  try {
    s = render(value, new Set());
  } catch {
    // A getter or toJSON that throws: the message about the value must still be printed.
    s = Object.prototype.toString.call(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** JSON text of `v`, with JavaScript-only values written as in JavaScript (see show). */
function render(v: unknown, open: Set<object>): string {
  switch (typeof v) {
    case 'function':
      return v.name ? `[function ${v.name}]` : '[function]';
    case 'symbol':
    case 'bigint':
      return typeof v === 'bigint' ? `${v}n` : String(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : String(v);
    case 'undefined':
      return 'undefined';
    case 'object': {
      if (v === null) return 'null';
      if (open.has(v)) return '[circular]';
      const j = (v as { toJSON?: unknown }).toJSON;
      if (typeof j === 'function') return render((j as () => unknown).call(v), open);
      open.add(v);
      let s: string;
      if (Array.isArray(v)) s = `[${v.map((x) => render(x, open)).join(',')}]`;
      else
        s = `{${Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .map(([k, x]) => `${JSON.stringify(k)}:${render(x, open)}`)
          .join(',')}}`;
      open.delete(v);
      return s;
    }
    default:
      return JSON.stringify(v);
  }
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two strings. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The allowed value a typo most likely meant (`mitchel` → `mitchell`, `$gtt` → `$gt`): the closest
 * by edit distance, ignoring case, if within a third of its length (at least 1); else undefined.
 */
export function closest(typed: unknown, options: readonly string[]): string | undefined {
  if (typeof typed !== 'string' || typed === '') return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dd = distance(typed.toLowerCase(), o.toLowerCase());
    if (dd < bestD) {
      bestD = dd;
      best = o;
    }
  }
  return best !== undefined && best !== typed && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** ` (did you mean "x"?)` for a typo of one of `options`, else ''. */
export function didYouMean(typed: unknown, options: readonly string[]): string {
  const c = closest(typed, options);
  return c === undefined ? '' : ` (did you mean ${JSON.stringify(c)}?)`;
}

/** What a filesystem error code means, and what the user can do about it. */
export const FS_ERRORS: Record<string, { reason: string; advice: string; environment?: boolean }> = {
  ENOENT: {
    reason: 'no such file or folder',
    advice: 'check the path (a file to read must exist; a file or folder to write needs its parent folder)',
  },
  ENOTDIR: { reason: 'a part of the path is a file, not a folder', advice: 'choose a path whose folders are folders' },
  EISDIR: { reason: 'it is a folder, not a file', advice: 'give a file name' },
  EEXIST: { reason: 'it already exists', advice: 'choose another path' },
  ENOTEMPTY: { reason: 'the folder is not empty', advice: 'choose another path' },
  ELOOP: { reason: 'too many symbolic links', advice: 'check the links on the path' },
  ENAMETOOLONG: { reason: 'the name is too long', advice: 'choose a shorter path' },
  EXDEV: {
    reason: 'it is on another file system than its temporary sibling',
    advice: 'choose a path on one file system',
  },
  EACCES: {
    reason: 'permission denied',
    advice: 'choose a location you can write (and read), or change its permissions',
    environment: true,
  },
  EPERM: {
    reason: 'operation not permitted',
    advice: 'choose a location you can write (and read), or change its permissions',
    environment: true,
  },
  EROFS: { reason: 'the file system is read-only', advice: 'choose a writable location', environment: true },
  ENOSPC: {
    reason: 'no space left on the device',
    advice: 'free some space or choose another disk',
    environment: true,
  },
  EDQUOT: { reason: 'disk quota exceeded', advice: 'free some space or choose another disk', environment: true },
};

/**
 * `e` with `path` set to `file` when it is a filesystem error that names no path: Node's EISDIR
 * from reading a folder ("illegal operation on a directory, read") carries none, so the CLI could
 * not tell which option gave it and reported an internal error. Rethrow what this returns.
 */
export function withPath(e: unknown, file: string): unknown {
  if (e instanceof Error && 'code' in e && typeof e.code === 'string' && !('path' in e && e.path))
    (e as NodeJS.ErrnoException).path = file;
  return e;
}

/** A filesystem error as a message clause: its FS_ERRORS reason and code (`permission denied (EACCES)`), else the code or text. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  const reason = FS_ERRORS[code]?.reason;
  return reason ? `${reason} (${code})` : code;
}
