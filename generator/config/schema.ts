/**
 * The one definition of an accelerator config. `schemas/accelerator.schema.json` is written from
 * this object by `npm run schema` (a test fails when the file is stale); the TypeScript types below
 * are inferred from it, so the schema, the JSON file and the types cannot drift.
 *
 * Static defaults live here as `default` keywords and are applied by ajv in the normalizer; the
 * defaults that depend on other fields (the accumulator width) are computed in normalize.ts.
 */
import type { FromSchema } from 'json-schema-to-ts';
import { maxOperandBits, unitSchemas, units } from '../units/index.js';
import { DEFAULT_MAX_OPERAND_BITS } from '../units/types.js';
import { zeroSkipSchema } from '../units/zero-skip.js';
import { pipelineSchema } from '../units/pipeline.js';
import { outputStageSchema } from '../units/output-stage.js';
import { VERILOG_KEYWORDS } from './keywords.js';

/**
 * The schema's operand limit: the widest any registered unit accepts (UnitDef.maxOperandBits). Each
 * unit's own limit (DEFAULT_MAX_OPERAND_BITS unless it declares another) is a rule of
 * config/resolve.ts, checked before anything else reads the operands.
 */
const MAX_OPERAND_BITS = Math.max(DEFAULT_MAX_OPERAND_BITS, ...units.map((u) => maxOperandBits(u)));
const WIDER_UNITS = units
  .filter((u) => maxOperandBits(u) > DEFAULT_MAX_OPERAND_BITS)
  .map((u) => `${u.kind} ${maxOperandBits(u)}`)
  .join(', ');

const operand = (what: string) =>
  ({
    type: 'object',
    description: `Precision of the ${what} operand.`,
    additionalProperties: false,
    required: ['bits'],
    properties: {
      bits: {
        type: 'integer',
        minimum: 2,
        maximum: MAX_OPERAND_BITS,
        description: `Width of one ${what} in bits: at most ${DEFAULT_MAX_OPERAND_BITS}${WIDER_UNITS ? ` (with multiplier.kind ${WIDER_UNITS})` : ''}.`,
      },
      signed: {
        type: 'boolean',
        default: true,
        description: `Two's complement ${what}s when true, unsigned when false.`,
      },
    },
  }) as const;

export const acceleratorSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://axgen.dev/schemas/accelerator.schema.json',
  title: 'axgen accelerator config',
  description: 'One systolic-array accelerator: array shape, dataflow, operand precisions and arithmetic unit.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'array', 'precision', 'multiplier'],
  properties: {
    $schema: { type: 'string', description: 'Optional path or URL of this schema, for editors.' },
    name: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      not: { enum: VERILOG_KEYWORDS },
      description:
        'Module prefix of every emitted module and the output folder name: a lower-case identifier ' +
        '(letter first, then letters, digits, `_`; at most 40 characters) that is not a Verilog or ' +
        'SystemVerilog keyword.',
    },
    description: { type: 'string', maxLength: 200, description: 'Free text copied into the manifest.' },
    array: {
      type: 'object',
      description: 'Shape of the processing-element array.',
      additionalProperties: false,
      required: ['rows', 'cols'],
      properties: {
        rows: {
          type: 'integer',
          minimum: 1,
          maximum: 64,
          description: 'R: PE rows (the reduction dimension in weight-stationary).',
        },
        cols: { type: 'integer', minimum: 1, maximum: 64, description: 'C: PE columns (output lanes).' },
        maxK: {
          type: 'integer',
          minimum: 1,
          maximum: 65536,
          default: 1024,
          description:
            'Longest reduction K one command may ask for; sizes the command port, the counters and the accumulator-width rule.',
        },
        accDepth: {
          type: 'integer',
          minimum: 1,
          maximum: 4096,
          default: 64,
          description:
            'Weight-stationary only: depth of the accumulator buffer below each column, i.e. the largest M one command may ask for.',
        },
      },
    },
    dataflow: {
      enum: ['weight-stationary', 'output-stationary'],
      default: 'weight-stationary',
      description: 'Which operand stays in the PEs: the weights (partial sums move down the columns) or the outputs.',
    },
    precision: {
      type: 'object',
      description: 'Operand and accumulator precisions.',
      additionalProperties: false,
      required: ['activation', 'weight'],
      properties: {
        activation: operand('activation'),
        weight: operand('weight'),
        accumulator: {
          type: 'object',
          description: 'Accumulator precision; its signedness follows the product (signed when either operand is).',
          additionalProperties: false,
          default: {},
          properties: {
            bits: {
              type: 'integer',
              minimum: 2,
              maximum: 64,
              description: 'Accumulator width. Default: just wide enough that no sum of maxK products overflows.',
            },
            overflow: {
              enum: ['wrap', 'saturate'],
              default: 'wrap',
              description: 'On overflow: wrap modulo 2^bits, or saturate after every addition.',
            },
          },
        },
      },
    },
    multiplier: {
      type: 'object',
      description: 'The multiplier in every PE, chosen by `kind`.',
      required: ['kind'],
      discriminator: { propertyName: 'kind' },
      oneOf: unitSchemas,
    },
    zeroSkip: zeroSkipSchema,
    pipeline: pipelineSchema,
    outputStage: outputStageSchema,
    interface: {
      enum: ['stream', 'axi'],
      default: 'stream',
      description:
        'Top-level interface. `stream`: the bare valid/ready command, weight, activation and result streams of `<name>_top`. ' +
        '`axi`: additionally emit `<name>_axi_top`, which wraps `<name>_top` with AXI4-Stream slaves (weights, activations), an ' +
        'AXI4-Stream master (results), an AXI4-Lite control/status slave and a reset synchronizer (one clock domain), plus the ' +
        'register map as regmap.h, regmap.md and regmap.json.',
    },
  },
} as const;

/** A config as a person writes it: defaulted fields optional. */
export type AcceleratorConfig = FromSchema<typeof acceleratorSchema, { keepDefaultedPropertiesOptional: true }>;
/** A config after ajv applied the schema's defaults (computed defaults still optional). */
export type DefaultedConfig = FromSchema<typeof acceleratorSchema>;
