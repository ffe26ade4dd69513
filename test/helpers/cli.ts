/**
 * Runs the axgen CLI as a user does: `node <root>/bin/axgen.js …` with this Node binary, never
 * rejecting, stdout and stderr captured (also interleaved in `all`). Exit 3 means a bug in axgen,
 * so a call that ends with exit 3 fails the test unless it declares `{ internalError: true }` (a
 * test that provokes an internal error on purpose).
 */
import { execa, type Options, type Result, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { expect } from 'vitest';

/** The repository root (where bin/axgen.js is). */
export const ROOT = join(import.meta.dirname, '..', '..');
export const AXGEN_BIN = join(ROOT, 'bin', 'axgen.js');

export interface AxgenOptions extends Omit<Options, 'reject' | 'all'> {
  /** This call provokes an internal error (exit 3) on purpose. */
  internalError?: boolean;
}

type AxgenResult = Result<{ all: true; reject: false }>;

/** Starts axgen and returns the running process (for tests that signal it); see runAxgen. */
export function startAxgen(
  args: readonly string[],
  opts: AxgenOptions = {},
): ResultPromise<{ all: true; reject: false }> {
  const { internalError: _internalError, ...rest } = opts;
  return execa(process.execPath, [AXGEN_BIN, ...args], {
    cwd: ROOT,
    ...rest,
    reject: false,
    all: true,
  }) as unknown as ResultPromise<{ all: true; reject: false }>;
}

/** Fails the test when `r` is an exit 3 the call did not declare. */
export function expectNoUndeclaredInternalError(
  args: readonly string[],
  r: AxgenResult,
  opts: Pick<AxgenOptions, 'internalError'> = {},
): void {
  if (r.exitCode === 3 && !opts.internalError) {
    expect.fail(
      `axgen ${args.join(' ')} exited 3 (an internal error, a bug in axgen), which this test did not declare:\n${r.all ?? ''}`,
    );
  }
}

/** Runs axgen to the end; fails the test on an undeclared exit 3. */
export async function runAxgen(args: readonly string[], opts: AxgenOptions = {}): Promise<AxgenResult> {
  const r = (await startAxgen(args, opts)) as AxgenResult;
  expectNoUndeclaredInternalError(args, r, opts);
  return r;
}
