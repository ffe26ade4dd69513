/**
 * The TypeScript DSL. It only builds the plain object the JSON Schema describes, so a `.ts` config
 * and a `.json` config go through the same validation; types come from the schema.
 *
 *   import { defineAccelerator, unit } from 'axgen/dsl';
 *   export default defineAccelerator({ name: 'edge_int8', array: { rows: 8, cols: 8 }, multiplier: unit.exact(), ... });
 *
 * `unit.<kind>` is the builder of every registered unit kind (units/registry.ts), so a new unit
 * needs no edit here. The named builders below (exact, asm, mitchell, ilm) build the same objects,
 * kept for configs written before `unit` existed. Every builder checks its argument (`checked`).
 */
import type { AcceleratorConfig } from './config/schema.js';

export type { AcceleratorConfig } from './config/schema.js';
import { show } from './infra/errors.js';
import { unitBuilders } from './units/index.js';
import { exact as exactRaw } from './units/exact.js';
import { asm as asmRaw } from './units/asm.js';
import { mitchell as mitchellRaw } from './units/mitchell.js';
import { ilm as ilmRaw } from './units/ilm.js';
import { zeroSkip as zeroSkipRaw } from './units/zero-skip.js';
import { pipeline as pipelineRaw } from './units/pipeline.js';
import { outputStage as outputStageRaw } from './units/output-stage.js';

/**
 * `build` with its one argument checked: nothing, or one plain object of parameters. The builders
 * spread their argument into the result, so `mitchell(4)` gave `{ kind: 'mitchell' }` (fractionBits
 * silently the default) and `asm([1, 3])` keys "0" and "1"; they now throw, which a .ts config
 * reports as exit 1 naming the file and the call.
 */
function checked<F extends (p?: never) => unknown>(name: string, example: string, build: F): F {
  const wrapped = (...args: unknown[]) => {
    const p = args[0];
    if (args.length > 1 || (p !== undefined && (typeof p !== 'object' || p === null || Array.isArray(p))))
      throw new TypeError(
        `${name}(): expected nothing or one object of parameters, e.g. ${name}(${example}), received ${args.map((a) => show(a)).join(', ')}`,
      );
    return (build as (p?: unknown) => unknown)(p);
  };
  // The builder's own name, which a message about a forgotten call quotes ("call the unit: mitchell()").
  Object.defineProperty(wrapped, 'name', { value: build.name || name });
  return wrapped as F;
}

/** DSL builders keyed by unit kind: `multiplier: unit.mitchell({ fractionBits: 4 })`. */
export const unit = Object.fromEntries(
  Object.entries(unitBuilders).map(([kind, b]) => [
    kind,
    checked(`unit.${kind}`, '{ … }', b as (p?: never) => unknown),
  ]),
) as unknown as typeof unitBuilders;
export const exact = checked('exact', '{}', exactRaw);
export const asm = checked('asm', '{ alphabet: [1, 3] }', asmRaw);
export const mitchell = checked('mitchell', '{ fractionBits: 4 }', mitchellRaw);
export const ilm = checked('ilm', '{ corrections: 1 }', ilmRaw);
export const zeroSkip = checked('zeroSkip', '{ activation: 0 }', zeroSkipRaw);
export const pipeline = checked('pipeline', '{ multiplier: 1 }', pipelineRaw);
export const outputStage = checked('outputStage', '{ bits: 8, signed: false }', outputStageRaw);
export { defineSweep } from './sweep/define.js';

/** Identity with types: returns the config unchanged, for `export default`. */
export function defineAccelerator<const C extends AcceleratorConfig>(config: C): C {
  return config;
}
