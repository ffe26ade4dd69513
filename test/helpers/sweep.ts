/**
 * What the sweep tests share: the smallest base config (1×1, 3-bit unsigned, exact: the fastest
 * Yosys run), the int8 base an accuracy figure needs (the MLP's K = 784 fits maxK 1024), and
 * temporary folders removed after the file's tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A 1×1 exact array of 3-bit unsigned operands. */
export const TINY_BASE = {
  name: 'b',
  array: { rows: 1, cols: 1, maxK: 16, accDepth: 2 },
  precision: { activation: { bits: 3, signed: false }, weight: { bits: 3, signed: false } },
  multiplier: { kind: 'exact' },
};

/** A 1×1 exact array of uint8 activations and int8 weights, as the reference networks' int8 models. */
export const INT8_BASE = {
  name: 'acc',
  array: { rows: 1, cols: 1, maxK: 1024, accDepth: 2 },
  precision: {
    activation: { bits: 8, signed: false },
    weight: { bits: 8, signed: true },
    accumulator: { bits: 32, overflow: 'wrap' },
  },
  multiplier: { kind: 'exact' },
};

/**
 * A maker of temporary folders named `<prefix><random>` under the system's temporary folder, each
 * removed after the calling test file's tests (afterAll, registered here: call at the top level).
 */
export function tempFolders(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
