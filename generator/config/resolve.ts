/**
 * written config → validate (schema) → normalize (defaults) → rules (cross-field) → ResolvedConfig.
 * Nothing downstream reads the written config or re-derives a default.
 */
import { createHash } from 'node:crypto';
import type { DefaultedConfig } from './schema.js';
import { ConfigError, type ConfigProblem, show } from '../infra/errors.js';
import { configDefaulter, schemaProblems } from './validate.js';
import { bitsFor } from '../units/common.js';
import { cutsOf, maxOperandBits, unitFor } from '../units/index.js';
import { pipelineRules } from '../units/pipeline.js';
import { defaultSumChains } from '../units/carry-save.js';
import type { UnitContext } from '../units/types.js';
import { ARRAY_FEATURES } from './features.js';
import { acceleratorSchema } from './schema.js';

type Overflow = 'wrap' | 'saturate';

/** Every default filled in, plus the content hash. */
export type ResolvedConfig = Omit<DefaultedConfig, 'precision'> & {
  precision: Omit<DefaultedConfig['precision'], 'accumulator'> & {
    accumulator: { bits: number; overflow: Overflow };
  };
  /** sha256 of the canonical JSON of everything above (keys sorted, `$schema` dropped). */
  hash: string;
};

/**
 * Optional config objects whose every field at its schema default means the same as the object
 * absent (the schema says "Absent: no stage"): `pipeline: {}` or all stages 0 is the same hardware
 * as no `pipeline`. The normalizer drops such an object after ajv filled its defaults, so the
 * resolved config, its hash and every emitted file are those of the config without it, as a field
 * left at its default (`interface: "stream"`) hashes as the field omitted. `pipeline.sumChains`,
 * which has no schema default, is dropped first when it equals what the config gets without it.
 * Not zeroSkip or outputStage: present with defaults, they switch a feature on.
 */
export const ABSENT_WHEN_DEFAULT = ['pipeline'] as const;

/** Deletes each ABSENT_WHEN_DEFAULT object of `c` whose every field equals its schema default. */
function dropNeutral(c: Record<string, unknown>): void {
  for (const field of ABSENT_WHEN_DEFAULT) {
    const v = c[field] as Record<string, unknown> | undefined;
    if (v === undefined) continue;
    const props = acceleratorSchema.properties[field].properties as Record<string, { default?: unknown }>;
    // A field without a default (pipeline.sumChains) is neutral only when absent.
    if (Object.entries(props).every(([k, p]) => (p.default !== undefined ? v[k] === p.default : v[k] === undefined)))
      delete c[field];
  }
}

/** Canonical JSON: keys sorted at every level, no whitespace. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * sha256 (hex) of a resolved config body (without `hash`): its canonical JSON, the multiplier as
 * its unit's `hashed` gives it (UnitDef.hashed; an imported circuit: file names and contents, not
 * the checkout's folders), so the same config hashes the same in every checkout.
 */
export function configHash(body: Omit<ResolvedConfig, 'hash'>): string {
  const unit = unitFor(body.multiplier.kind);
  const hashed = unit.hashed ? { ...body, multiplier: unit.hashed(body.multiplier) } : body;
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}

export function unitContext(c: { precision: DefaultedConfig['precision'] }): UnitContext {
  return {
    activation: { bits: c.precision.activation.bits, signed: c.precision.activation.signed },
    weight: { bits: c.precision.weight.bits, signed: c.precision.weight.signed },
  };
}

/** Product format of a unit: width and signedness (units/common.ts bitsFor) and the range they hold. */
export interface ProductFormat {
  bits: number;
  signed: boolean;
  /** Smallest and largest product the unit returns for these operand formats (UnitDef.productRange). */
  min: number;
  max: number;
}

/**
 * Product format of the configured unit, from its own largest and smallest product. Computed once
 * per config: resolveConfig passes it to the rules, and derive() (memoised per ResolvedConfig) puts
 * it in `Derived.product`, which is where every later reader takes it from.
 */
export function productFormat(c: {
  precision: DefaultedConfig['precision'];
  multiplier: DefaultedConfig['multiplier'];
}): ProductFormat {
  const unit = unitFor(c.multiplier.kind);
  const r = unit.productRange(c.multiplier, unitContext(c));
  return { ...bitsFor(r.min, r.max), min: r.min, max: r.max };
}

/** Accumulator width that holds any sum of `maxK` products of format `p` without overflow. */
export function exactSumBits(p: ProductFormat, maxK: number): number {
  return bitsFor(p.min * maxK, p.max * maxK).bits;
}

/** Named cross-field rules. Each returns problems phrased as what to change. */
const rules: { name: string; check(c: ResolvedConfig, p: ProductFormat): ConfigProblem[] }[] = [
  {
    name: 'accumulator-holds-product',
    check(c, p) {
      const acc = c.precision.accumulator.bits;
      if (acc >= p.bits) return [];
      return [
        {
          path: 'precision.accumulator.bits',
          expected: `at least ${p.bits} bits, the width of one ${c.multiplier.kind} product of these operands`,
          received: show(acc),
        },
      ];
    },
  },
  {
    name: 'accumulator-holds-sum',
    check(c, p) {
      if (c.precision.accumulator.overflow === 'saturate') return [];
      const need = exactSumBits(p, c.array.maxK);
      const acc = c.precision.accumulator.bits;
      if (acc >= need || acc < p.bits) return [];
      const a = c.precision.activation;
      const w = c.precision.weight;
      return [
        {
          path: 'precision.accumulator.bits',
          expected:
            `at least ${need} bits: ${acc} bits cannot hold ${a.bits}×${w.bits}-bit products summed over K=${c.array.maxK} ` +
            `(array.maxK); widen the accumulator, lower array.maxK, or set precision.accumulator.overflow to "saturate"`,
          received: show(acc),
        },
      ];
    },
  },
  {
    name: 'array-features',
    check(c) {
      return ARRAY_FEATURES.flatMap((f) => f.rules(c, unitContext(c))).map((i) => ({
        path: i.path,
        expected: i.message,
        received: show(i.path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], c)),
      }));
    },
  },
  {
    name: 'pipeline-cuts',
    check(c) {
      const cuts = cutsOf(unitFor(c.multiplier.kind), c.multiplier, unitContext(c));
      const flow = {
        ws: c.dataflow === 'weight-stationary',
        saturate: c.precision.accumulator.overflow === 'saturate',
      };
      return pipelineRules(c.pipeline, c.multiplier.kind, cuts, flow).map((i) => ({
        path: i.path,
        expected: i.message,
        received: show(i.path === 'pipeline.sumChains' ? c.pipeline?.sumChains : c.pipeline?.multiplier),
      }));
    },
  },
  {
    name: 'unit-rules',
    check(c) {
      return unitFor(c.multiplier.kind)
        .rules(c.multiplier, unitContext(c))
        .map((i) => ({
          path: i.path,
          expected: i.message,
          received: show(
            i.path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], c),
          ),
        }));
    },
  },
];

/**
 * Validates and resolves a written config. Throws ConfigError listing every problem.
 * `source` names where the config came from, for messages; `opts.baseDir` is the folder paths in it
 * are relative to (a unit's files: the imported circuit), default the working folder.
 */
export function resolveConfig(written: unknown, source = 'config', opts: { baseDir?: string } = {}): ResolvedConfig {
  const problems = schemaProblems(written);
  if (problems.length > 0) throw new ConfigError(source, problems);

  const copy = structuredClone(written) as Record<string, unknown>;
  if (!configDefaulter()(copy)) throw new ConfigError(source, schemaProblems(copy));
  const d = copy as unknown as DefaultedConfig;
  const unit = unitFor(d.multiplier.kind);
  // The unit's operand limit, before its normalizer or product range sees the operands.
  const widest = maxOperandBits(unit);
  const tooWide = (['activation', 'weight'] as const)
    .filter((o) => d.precision[o].bits > widest)
    .map((o) => ({
      path: `precision.${o}.bits`,
      expected: `at most ${widest} with multiplier.kind "${d.multiplier.kind}"`,
      received: show(d.precision[o].bits),
    }));
  if (tooWide.length > 0) throw new ConfigError(source, tooWide);
  if (unit.normalize)
    (copy as { multiplier: unknown }).multiplier = unit.normalize(d.multiplier, unitContext(d), {
      baseDir: opts.baseDir ?? process.cwd(),
      source,
    });
  const accumulator = d.precision.accumulator as { bits?: number; overflow: Overflow };
  // The unit's normalized parameters decide the product format; the rules and the default share it.
  const product = productFormat(d);
  accumulator.bits ??= exactSumBits(product, d.array.maxK);
  delete (copy as { $schema?: unknown }).$schema;
  // pipeline.sumChains as the config gets it anyway (the unit's choice, else 1) is the same
  // hardware as the field absent, so it hashes as absent (a value the rules refuse never equals it).
  const pipe = (copy as { pipeline?: { sumChains?: number } }).pipeline;
  const ws = d.dataflow === 'weight-stationary';
  if (pipe?.sumChains === defaultSumChains(unit.sumChains, ws, accumulator.overflow === 'saturate'))
    delete pipe.sumChains;
  dropNeutral(copy);

  const body = copy as unknown as Omit<ResolvedConfig, 'hash'>;
  const resolved: ResolvedConfig = { ...body, hash: configHash(body) };

  const ruleProblems = rules.flatMap((r) => r.check(resolved, product));
  if (ruleProblems.length > 0) throw new ConfigError(source, ruleProblems);
  return resolved;
}
