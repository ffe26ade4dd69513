/**
 * Schema validation with ajv. All problems are reported at once; each names the JSON path, what was
 * expected and what was received. The discriminator on `multiplier.kind` makes a wrong kind one
 * focused error instead of one per branch.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { acceleratorSchema } from './schema.js';
import { type ConfigProblem, show } from './errors.js';

function makeAjv(useDefaults: boolean): Ajv {
  // strictRequired is off because `required: ['kind']` beside `oneOf` is what ajv's discriminator needs.
  // validateSchema is off: checking our own fixed schema against the JSON Schema meta-schema cost
  // about 80 ms of every command's start-up; test/cli/startup.test.ts checks it once instead.
  return new Ajv({ allErrors: true, discriminator: true, useDefaults, strict: true, strictRequired: false, validateSchema: false });
}

let checker: ValidateFunction | undefined;
let defaulter: ValidateFunction | undefined;

/** Validator that never changes its input (for checking what the user wrote). */
export function configValidator(): ValidateFunction {
  checker ??= makeAjv(false).compile(acceleratorSchema);
  return checker;
}

/** Validator that fills the schema's `default`s in place (used by the normalizer on a copy). */
export function configDefaulter(): ValidateFunction {
  defaulter ??= makeAjv(true).compile(acceleratorSchema);
  return defaulter;
}

/** Value at a JSON pointer (`/array/rows`), for the "received" part of a message. */
function at(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function dotted(pointer: string, child?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.length === 0 ? '(root)' : parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Schema node at an ajv schemaPath such as `#/properties/array/properties/rows/maximum`. */
function schemaNode(schemaPath: string, root: object = acceleratorSchema): Record<string, unknown> | undefined {
  let cur: unknown = root;
  const parts = schemaPath.replace(/^#\//, '').split('/');
  parts.pop(); // the keyword itself
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur as Record<string, unknown> | undefined;
}

function describeType(node: Record<string, unknown> | undefined, fallback: string): string {
  if (!node) return fallback;
  if (node.oneOf) return `an object whose "kind" is one of ${allowedKinds()}`;
  const props = node.properties as Record<string, unknown> | undefined;
  if (node.type === 'integer') {
    const lo = node.minimum;
    const hi = node.maximum;
    return lo !== undefined && hi !== undefined ? `an integer from ${lo} to ${hi}` : 'an integer';
  }
  if (node.type === 'object' && props) return `an object with keys ${Object.keys(props).map((k) => `"${k}"`).join(', ')}`;
  return fallback;
}

function allowedKinds(): string {
  const m = acceleratorSchema.properties.multiplier.oneOf as readonly { properties: { kind: { const: string } } }[];
  return m.map((b) => `"${b.properties.kind.const}"`).join(', ');
}

/**
 * How another schema (a sweep, …) reuses these messages: its root schema, for the "expected" part
 * of a message, and where an accelerator config is embedded in it (a JSON pointer such as `/base`),
 * so the config's own special cases (the name rules) apply there too.
 */
export interface ProblemContext {
  root: object;
  configAt: string;
}

const CONFIG_CONTEXT: ProblemContext = { root: acceleratorSchema, configAt: '' };

function toProblem(e: ErrorObject, data: unknown, cx: ProblemContext = CONFIG_CONTEXT): ConfigProblem {
  const here = at(data, e.instancePath);
  const node = schemaNode(e.schemaPath, cx.root);
  const nameAt = `${cx.configAt}/name`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((node?.properties as object | undefined) ?? {});
      return {
        path: dotted(e.instancePath, key),
        expected: `no such key (unknown keys are errors; allowed here: ${known.map((k) => `"${k}"`).join(', ') || 'none'})`,
        received: show((here as Record<string, unknown>)[key]),
      };
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      const child = (node?.properties as Record<string, Record<string, unknown>> | undefined)?.[key];
      const what = key === 'kind' ? `one of ${allowedKinds()}` : describeType(child, 'a value');
      return { path: dotted(e.instancePath, key), expected: `${what} (this key is required)`, received: 'nothing' };
    }
    case 'discriminator': {
      const p = e.params as { error: string; tag: string; tagValue?: unknown };
      return { path: dotted(e.instancePath, p.tag), expected: `one of ${allowedKinds()}`, received: show(at(data, `${e.instancePath}/${p.tag}`)) };
    }
    case 'type':
      return { path: dotted(e.instancePath), expected: describeType(node, `a value of type ${(e.params as { type: string }).type}`), received: show(here) };
    case 'minimum':
    case 'maximum':
      return { path: dotted(e.instancePath), expected: describeType(node, `a number ${e.message ?? ''}`), received: show(here) };
    case 'enum':
      return {
        path: dotted(e.instancePath),
        expected: `one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
        received: show(here),
      };
    case 'const':
      return { path: dotted(e.instancePath), expected: JSON.stringify((e.params as { allowedValue: unknown }).allowedValue), received: show(here) };
    case 'pattern':
      if (e.instancePath === nameAt) {
        return {
          path: dotted(nameAt),
          expected: 'a lower-case identifier: a letter, then letters, digits or "_", at most 40 characters (it becomes a Verilog module prefix and a folder name)',
          received: show(here),
        };
      }
      return { path: dotted(e.instancePath), expected: `a string matching ${(e.params as { pattern: string }).pattern}`, received: show(here) };
    case 'not':
      if (e.instancePath === nameAt) {
        return { path: dotted(nameAt), expected: 'a name that is not a Verilog or SystemVerilog keyword (add a suffix, e.g. "_acc")', received: show(here) };
      }
      return { path: dotted(e.instancePath), expected: 'a different value', received: show(here) };
    default:
      return { path: dotted(e.instancePath), expected: `a value that ${e.message ?? 'is valid'}`, received: show(here) };
  }
}

/** Validates what the user wrote; returns every problem (empty when valid). */
export function schemaProblems(data: unknown): ConfigProblem[] {
  const v = configValidator();
  if (v(data)) return [];
  return ajvProblems(v.errors ?? [], data);
}

/**
 * Turns ajv errors into path-naming problems (deduplicated, in ajv's order). Other schemas pass
 * their own context; the default is the accelerator config at the root.
 */
export function ajvProblems(errors: readonly ErrorObject[], data: unknown, cx: ProblemContext = CONFIG_CONTEXT): ConfigProblem[] {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const e of errors) {
    // With the discriminator, a missing kind also reports "tag must be string"; keep one message.
    if (e.keyword === 'discriminator' && (e.params as { error: string }).error === 'tag' && at(data, e.instancePath + '/kind') === undefined) continue;
    const p = toProblem(e, data, cx);
    const key = `${p.path}|${p.expected}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}
