/**
 * The TypeScript DSL. It only builds the plain object the JSON Schema describes, so a `.ts` config
 * and a `.json` config go through the same validation; types come from the schema.
 *
 *   import { defineAccelerator, unit } from 'axgen/dsl';
 *   export default defineAccelerator({ name: 'edge_int8', array: { rows: 8, cols: 8 }, multiplier: unit.exact(), ... });
 *
 * `unit.<kind>` is the builder of every registered unit kind (units/registry.ts), so a new unit
 * needs no edit here. The named builders below (exact, asm, mitchell, ilm) are the same functions,
 * kept for configs written before `unit` existed.
 */
import type { AcceleratorConfig } from './config/schema.js';

export type { AcceleratorConfig } from './config/schema.js';
import { unitBuilders } from './units/index.js';

/** DSL builders keyed by unit kind: `multiplier: unit.mitchell({ fractionBits: 4 })`. */
export const unit = unitBuilders;
export { exact } from './units/exact.js';
export { asm } from './units/asm.js';
export { mitchell } from './units/mitchell.js';
export { ilm } from './units/ilm.js';
export { zeroSkip } from './units/zero-skip.js';
export { pipeline } from './units/pipeline.js';
export { outputStage } from './units/output-stage.js';
export { defineSweep } from './sweep/define.js';

/** Identity with types: returns the config unchanged, for `export default`. */
export function defineAccelerator<const C extends AcceleratorConfig>(config: C): C {
  return config;
}
