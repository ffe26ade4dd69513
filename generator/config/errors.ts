/** User errors (bad input: exit 1, nothing written) versus internal errors (a generator bug). */

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
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A failure on a valid config: a bug in axgen, reported with the config hash so it can be replayed. */
export class InternalError extends Error {
  constructor(message: string, readonly configHash: string, options?: { cause?: unknown }) {
    super(`internal error (config sha256:${configHash.slice(0, 12)}): ${message}\nThis is a bug in axgen, not in your config; please report it with the config.`, options);
    this.name = 'InternalError';
  }
}

/** Renders a received value compactly for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
