/**
 * `defineSweep` for `.ts` sweep files: identity with types. The object it returns is validated like
 * a `.json` sweep (schemas/sweep.schema.json); the base may be a config object, complete or missing
 * the fields an axis sets, or the path of a config file relative to the sweep file.
 */
import type { AcceleratorConfig } from '../config/schema.js';
import type { SweepSpec } from './schema.js';

export type { SweepSpec } from './schema.js';

/** A sweep as written in TypeScript: the schema's type, with the base typed as (part of) a config. */
export type SweepDefinition = Omit<SweepSpec, 'base'> & { base: string | Partial<AcceleratorConfig> };

export function defineSweep<const S extends SweepDefinition>(sweep: S): S {
  return sweep;
}
