/**
 * What the rest of axgen knows of the units, all derived from the registry line
 * (units/registry.ts): the config schema's `multiplier` branches, lookup by kind, each unit's
 * representative parameter sets (for suites, tests and benchmarks) and the DSL builders.
 */
import { units } from './registry.js';
import {
  DEFAULT_MAX_OPERAND_BITS,
  type OperandSpec,
  type UnitContext,
  type UnitDef,
  type UnitSample,
  type UnitSamples,
} from './types.js';

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

/** The unit's advice for a synthesis target (UnitDef.targetHints) on an array with or without PE stages, [] when it has none. */
export function targetHintsOf(
  multiplier: { kind: string },
  target: string,
  array: { stages: boolean } = { stages: false },
): string[] {
  if (target !== 'ice40' && target !== 'xilinx') return [];
  return unitFor(multiplier.kind).targetHints?.(multiplier, target, array) ?? [];
}

/** The unit's pipeline cut points (UnitDef.cuts), [] when it declares none. */
export function cutsOf(u: UnitDef<string, object, unknown>, p: unknown, ctx: UnitContext): readonly string[] {
  return u.cuts?.(p, ctx) ?? [];
}

/** Every list of UnitSamples, filled with its documented default. */
export interface ResolvedSamples {
  regress: readonly Record<string, unknown>[];
  exhaustive: readonly UnitSample[];
  metrics: readonly Record<string, unknown>[];
  area: readonly Record<string, unknown>[];
  /** Extra unpipelined rows of bench:fmax (types.ts UnitSamples.fmax). */
  fmax: readonly Record<string, unknown>[];
  /** The pipeline settings to run parameter set `params` with (8-bit operands), see UnitSamples.pipeline. */
  pipeline(params: Record<string, unknown>): { multiplier: number; macc: 0 | 1 }[];
  /** Operand formats the unit is restricted to, or undefined for each consumer's 8-bit defaults (types.ts UnitSamples.operands). */
  operands: UnitSamples['operands'];
}

const U8: OperandSpec = { bits: 8, signed: false };
const S8: OperandSpec = { bits: 8, signed: true };

/** A unit's representative parameter sets (types.ts UnitSamples), defaults filled in. */
export function samplesOf(u: { kind: string; samples?: UnitDef['samples'] }): ResolvedSamples {
  const s = u.samples ?? {};
  const regress = s.regress ?? [{}];
  return {
    regress,
    exhaustive:
      s.exhaustive ??
      regress.flatMap((params) =>
        (s.operands ?? [U8, S8].map((op) => ({ activation: op, weight: op }))).map((ops) => ({ ...ops, params })),
      ),
    metrics: s.metrics ?? regress,
    area: s.area ?? regress,
    fmax: s.fmax ?? [],
    pipeline: (params) => {
      const unit = u as UnitDef<string, object, unknown>;
      const n = cutsOf(unit, { kind: unit.kind, ...params }, { activation: S8, weight: S8 }).length;
      const listed =
        s.pipeline ?? (n > 0 ? [{ multiplier: n, macc: 1 as const }, { macc: 1 as const }] : [{ macc: 1 as const }]);
      return listed.map((x) => ({ multiplier: Math.min(x.multiplier ?? 0, n), macc: x.macc ?? 0 }));
    },
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

/** The widest operand a unit accepts (UnitDef.maxOperandBits, default DEFAULT_MAX_OPERAND_BITS). */
export function maxOperandBits(u: { maxOperandBits?: number }): number {
  return u.maxOperandBits ?? DEFAULT_MAX_OPERAND_BITS;
}
