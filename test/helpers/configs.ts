/** Small helpers to build configs in tests. */
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';

export interface Shape {
  name?: string;
  rows: number;
  cols: number;
  dataflow?: 'weight-stationary' | 'output-stationary';
  aBits?: number;
  wBits?: number;
  aSigned?: boolean;
  wSigned?: boolean;
  accBits?: number;
  overflow?: 'wrap' | 'saturate';
  maxK?: number;
  accDepth?: number;
  multiplier?: Record<string, unknown>;
  pipeline?: { multiplier?: number; macc?: 0 | 1 };
}

/** The written (plain JSON) config for a shape. */
export function written(s: Shape): Record<string, unknown> {
  const acc: Record<string, unknown> = { overflow: s.overflow ?? 'wrap' };
  if (s.accBits !== undefined) acc.bits = s.accBits;
  return {
    name: s.name ?? 't',
    array: { rows: s.rows, cols: s.cols, maxK: s.maxK ?? 64, accDepth: s.accDepth ?? 16 },
    dataflow: s.dataflow ?? 'weight-stationary',
    precision: {
      activation: { bits: s.aBits ?? 8, signed: s.aSigned ?? true },
      weight: { bits: s.wBits ?? 8, signed: s.wSigned ?? true },
      accumulator: acc,
    },
    multiplier: s.multiplier ?? { kind: 'exact' },
    ...(s.pipeline ? { pipeline: s.pipeline } : {}),
  };
}

export function config(s: Shape): ResolvedConfig {
  return resolveConfig(written(s), 'test');
}
