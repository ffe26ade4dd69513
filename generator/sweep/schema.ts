/**
 * The one definition of a sweep spec. `schemas/sweep.schema.json` and `docs/sweep.md` are written
 * from this object by `npm run schema`; the TypeScript types are inferred from it.
 *
 * A sweep is a base config, axes (config field paths with the values to try: the grid is their
 * product, first axis outermost) and optional filters that drop points. Every point is resolved
 * through the config pipeline, so a point that is not a valid config is recorded with its error.
 */
import type { FromSchema } from 'json-schema-to-ts';
import { TARGETS } from '../estimate/targets.js';
import { DEVICE_NAMES } from '../fpga/devices.js';

const scalar = [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] as const;

const condition = {
  description:
    'A value the field must equal (string, number, boolean or null), or an operator object: ' +
    '`$in` / `$nin` (list of values), `$ne`, `$lt`, `$le`, `$gt`, `$ge` (all given operators must hold).',
  anyOf: [
    ...scalar,
    {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        $in: { type: 'array', items: { anyOf: scalar }, description: 'The field equals one of these.' },
        $nin: { type: 'array', items: { anyOf: scalar }, description: 'The field equals none of these.' },
        $ne: { anyOf: scalar, description: 'The field differs from this.' },
        $lt: { type: 'number' },
        $le: { type: 'number' },
        $gt: { type: 'number' },
        $ge: { type: 'number' },
      },
    },
  ],
} as const;

const match = {
  type: 'object',
  description:
    'Config field paths (e.g. `multiplier.kind`) and the condition each must meet; all must hold for the filter to match.',
  minProperties: 1,
  propertyNames: { pattern: '^[A-Za-z$][A-Za-z0-9_$]*(\\.[A-Za-z$][A-Za-z0-9_$]*)*$' },
  additionalProperties: condition,
} as const;

export const sweepSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://axgen.dev/schemas/sweep.schema.json',
  title: 'axgen sweep',
  description:
    'A design-space sweep: a base config, axes whose product is the grid of points, and filters that drop points.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'base', 'axes'],
  properties: {
    $schema: { type: 'string', description: 'Optional path or URL of this schema, for editors.' },
    name: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,30}$',
      description:
        'Sweep name: a lower-case identifier (letter first, then letters, digits, `_`; at most 31 characters). ' +
        'Each point config is named `<name>_<8 hex digits of its axis values>`.',
    },
    description: { type: 'string', maxLength: 200, description: 'Free text copied into the results and the report.' },
    base: {
      description:
        'The config every point starts from: a config object (as in a config file; fields an axis sets may be left out) ' +
        'or the path of a `.ts` / `.json` config file, relative to the sweep file.',
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'object' }],
    },
    axes: {
      type: 'object',
      description:
        'Config field path → list of values, e.g. `"array.rows": [4, 8]`, `"multiplier": [{"kind": "exact"}, …]` (whole objects), ' +
        '`"multiplier.fractionBits": [3, 7]`; `null` leaves the field out (`"zeroSkip": [null, {"activation": 0}]`). ' +
        'The grid is the product of all axes, the first axis outermost.',
      minProperties: 1,
      maxProperties: 12,
      propertyNames: { pattern: '^[A-Za-z$][A-Za-z0-9_$]*(\\.[A-Za-z$][A-Za-z0-9_$]*)*$' },
      additionalProperties: { type: 'array', minItems: 1, maxItems: 1000 },
    },
    filters: {
      type: 'array',
      default: [],
      description:
        'Applied in order to each point\'s resolved config (the written point when it does not resolve): `{"drop": match}` ' +
        'removes the points that match, `{"keep": match}` removes those that do not. Filters that remove every point are refused (exit 1).',
      items: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
        properties: { drop: match, keep: match },
      },
    },
    target: {
      enum: TARGETS,
      default: 'ice40',
      description:
        'Synthesis target: `ice40` (LUT4, carries, FFs, SB_MAC16 with `-dsp`), `xilinx` (LUTs, CARRY4, FFs, DSP48E1 and a `-nodsp` figure), ' +
        '`generic` (gate counts and the CMOS transistor estimate). `axgen sweep --target` overrides it.',
    },
    gemm: {
      type: 'object',
      description: 'Reference GEMM Y[M×N] = A[M×K]·W[K×N] whose cycle count (cycle model) each point reports.',
      additionalProperties: false,
      default: {},
      properties: {
        m: { type: 'integer', minimum: 1, maximum: 4096, default: 64, description: 'M: rows of A and Y.' },
        k: {
          type: 'integer',
          minimum: 1,
          maximum: 65536,
          default: 64,
          description:
            "K: the reduction. A point whose array.maxK is below K gets no throughput figure (the host schedule does not split K; the summary names such points); K above every point's array.maxK is refused (exit 1).",
        },
        n: { type: 'integer', minimum: 1, maximum: 4096, default: 64, description: 'N: columns of W and Y.' },
      },
    },
    metrics: {
      type: 'object',
      description:
        "Error metrics of each point's multiplier: exhaustive when the operands have at most 20 bits together, else sampled.",
      additionalProperties: false,
      default: {},
      properties: {
        samples: {
          type: 'integer',
          minimum: 1000,
          maximum: 10000000,
          default: 1000000,
          description: 'Random pairs when not exhaustive.',
        },
        seed: {
          type: 'integer',
          minimum: 0,
          maximum: 4294967295,
          default: 1,
          description: 'Seed of the random pairs.',
        },
      },
    },
    accuracy: {
      type: 'object',
      description:
        "Optional: each point's top-1 accuracy on labelled test images, as `axgen accuracy` computes it (the point's array through its golden model: unit, zero-skip, accumulator), " +
        'with the agreement with exact int8; the report then plots area against accuracy. Cached by content (config, model, images, N). ' +
        'A point whose config cannot run the model (operand types, array.maxK) fails with the reason.',
      additionalProperties: false,
      required: ['model'],
      properties: {
        model: {
          type: 'string',
          minLength: 1,
          description:
            'int8 ONNX model (QDQ or operator form), relative to the sweep file, e.g. `models/fashion-cnn-int8.onnx`.',
        },
        dataset: {
          type: 'string',
          minLength: 1,
          default: 'fashion-mnist',
          description:
            'Its test split: `fashion-mnist`, or a folder in the MNIST layout (relative to the sweep file), as `axgen accuracy --dataset`.',
        },
        images: {
          type: 'integer',
          minimum: 1,
          maximum: 1000000,
          default: 1000,
          description: 'The first N test images (all of them when the split is smaller).',
        },
      },
    },
    placeAndRoute: {
      type: 'object',
      description:
        'Optional: place and route each point with nextpnr-ice40 on this device for fmax (points that do not fit report fits=false). Slow: minutes per large point.',
      additionalProperties: false,
      required: ['device'],
      properties: {
        device: { enum: DEVICE_NAMES, description: 'iCE40 device.' },
        clockMHz: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 1000,
          default: 50,
          description: 'Clock constraint given to nextpnr; the achieved fmax is reported either way.',
        },
        seed: { type: 'integer', minimum: 0, maximum: 2147483647, default: 1, description: 'nextpnr seed.' },
      },
    },
  },
} as const;

/** A sweep as a person writes it. */
export type SweepSpec = FromSchema<typeof sweepSchema, { keepDefaultedPropertiesOptional: true }>;
/** After ajv applied the defaults. */
export type DefaultedSweep = FromSchema<typeof sweepSchema>;
export type SweepFilter = DefaultedSweep['filters'][number];
