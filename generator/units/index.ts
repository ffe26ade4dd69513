/**
 * What the rest of axgen knows of the units, all derived from the registry line
 * (units/registry.ts): the config schema's `multiplier` branches, lookup by kind, each unit's
 * representative parameter sets (for suites, tests and benchmarks) and the DSL builders.
 */
import { units } from './registry.js';
import type { OperandSpec, UnitDef, UnitSample } from './types.js';

export { units };

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

/** Every list of UnitSamples, filled with its documented default. */
export interface ResolvedSamples {
  regress: readonly Record<string, unknown>[];
  exhaustive: readonly UnitSample[];
  metrics: readonly Record<string, unknown>[];
  area: readonly Record<string, unknown>[];
  /** Operand formats the unit is restricted to, or undefined (types.ts UnitSamples.operands). */
  operands?: readonly { activation: OperandSpec; weight: OperandSpec }[];
}

const U8: OperandSpec = { bits: 8, signed: false };
const S8: OperandSpec = { bits: 8, signed: true };

/** A unit's representative parameter sets (types.ts UnitSamples), defaults filled in. */
export function samplesOf(u: { samples?: UnitDef['samples'] }): ResolvedSamples {
  const s = u.samples ?? {};
  const regress = s.regress ?? [{}];
  return {
    regress,
    exhaustive:
      s.exhaustive ?? regress.flatMap((params) => [U8, S8].map((op) => ({ activation: op, weight: op, params }))),
    metrics: s.metrics ?? regress,
    area: s.area ?? regress,
    operands: s.operands,
  };
}

/** `(p = {}) => ({ kind, ...p })`: the builder of a unit that declares none. */
type DefaultBuilder<K extends string> = (p?: Record<string, unknown>) => { kind: K } & Record<string, unknown>;
type BuilderOf<U> = U extends { kind: infer K extends string; dsl?: infer D }
  ? unknown extends D
    ? DefaultBuilder<K>
    : D
  : never;
export type UnitBuilders = { [U in (typeof units)[number] as U['kind']]: BuilderOf<U> };

/** The DSL builders keyed by kind (`unit.drum({ k: 4 })`), one per registered unit. */
export const unitBuilders = Object.fromEntries(
  units.map((u) => {
    const own = (u as { dsl?: unknown }).dsl;
    return [u.kind, own ?? ((p: Record<string, unknown> = {}) => ({ kind: u.kind, ...p }))];
  }),
) as unknown as UnitBuilders;
