/**
 * The unit registry. Adding a unit kind is one module in this folder, its templates, its test file
 * and one entry in `units` below; the config schema, the DSL, the models and the emitters pick it up.
 */
import { asmUnit } from './asm.js';
import { exactUnit } from './exact.js';
import { ilmUnit } from './ilm.js';
import { mitchellUnit } from './mitchell.js';
import type { UnitDef } from './types.js';

export const units = [exactUnit, asmUnit, mitchellUnit, ilmUnit] as const;

/** The `multiplier` branches of the config schema, in registry order (a tuple, for type inference). */
type SchemasOf<T extends readonly unknown[]> = { [I in keyof T]: T[I] extends { schema: infer S } ? S : never };
export type UnitSchemas = SchemasOf<typeof units>;
export const unitSchemas = units.map((u) => u.schema) as unknown as UnitSchemas;

/** Finds a unit by kind. The schema's discriminator has already rejected unknown kinds. */
export function unitFor(kind: string): UnitDef<string, object, unknown> {
  const u = units.find((x) => x.kind === kind);
  if (!u) throw new Error(`internal error: no unit of kind "${kind}" is registered`);
  return u as unknown as UnitDef<string, object, unknown>;
}
