/**
 * Schema validation with ajv. All problems are reported at once; each names the JSON path, what was
 * expected and what was received. The discriminator on `multiplier.kind` makes a wrong kind one
 * focused error instead of one per branch.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { acceleratorSchema } from './schema.js';
import { type ConfigProblem, didYouMean, show } from '../infra/errors.js';
import { count } from '../infra/text.js';

function makeAjv(useDefaults: boolean): Ajv {
  // strictRequired is off because `required: ['kind']` beside `oneOf` is what ajv's discriminator needs.
  // validateSchema is off: checking our own fixed schema against the JSON Schema meta-schema cost
  // about 80 ms of every command's start-up; test/cli/startup.test.ts checks it once instead.
  return new Ajv({
    allErrors: true,
    discriminator: true,
    useDefaults,
    strict: true,
    strictRequired: false,
    validateSchema: false,
  });
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
  const parts =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.length === 0
    ? '(root)'
    : parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Schema node at an ajv schemaPath such as `#/properties/array/properties/rows/maximum`. */
function schemaNode(schemaPath: string, root: object = acceleratorSchema): Record<string, unknown> | undefined {
  let cur: unknown = root;
  const parts = schemaPath.replace(/^#\//, '').split('/');
  parts.pop(); // the keyword itself
  for (const raw of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    // ajv escapes a schemaPath as a URI fragment ("$gt" appears as "%24gt") and a JSON pointer.
    const p = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
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
  if (node.type === 'object' && props)
    return `an object with keys ${Object.keys(props)
      .map((k) => `"${k}"`)
      .join(', ')}`;
  return fallback;
}

function kinds(): string[] {
  const m = acceleratorSchema.properties.multiplier.oneOf as readonly { properties: { kind: { const: string } } }[];
  return m.map((b) => b.properties.kind.const);
}

function allowedKinds(): string {
  return kinds()
    .map((k) => `"${k}"`)
    .join(', ');
}

/** A schema node as the "expected" part of a message: "an integer from 0 to 65535", "false", "a string"… */
function describeNode(node: Record<string, unknown>): string {
  if ('const' in node) return JSON.stringify(node.const);
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (Array.isArray(node.anyOf)) {
    const alts = (node.anyOf as Record<string, unknown>[]).map(describeNode);
    return alts.length <= 2 ? alts.join(' or ') : `${alts.slice(0, -1).join(', ')} or ${alts[alts.length - 1]}`;
  }
  switch (node.type) {
    case 'integer':
    case 'object':
      return describeType(node, node.type === 'integer' ? 'an integer' : 'an object');
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return 'a list';
    default:
      return 'a value';
  }
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

/**
 * What to do about a function written where a value belongs (a `.ts` config's `mitchell` for
 * `mitchell()`): call it. A unit's builder is named as a unit (the schema node is the unit union).
 */
function callHint(value: unknown, node: Record<string, unknown> | undefined): string {
  if (typeof value !== 'function') return '';
  const name = /^[A-Za-z_$][\w$]*$/.test(value.name) && value.name !== 'default' ? value.name : '';
  const what = node?.oneOf ? 'unit' : 'function';
  return name ? ` (call the ${what}: ${name}())` : ` (call the ${what} and give what it returns)`;
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
      const list = known.map((k) => `"${k}"`).join(', ');
      // An object whose keys are all "$…" is a filter's operator object ({"$gt": 8}).
      if (known.length > 0 && known.every((k) => k.startsWith('$'))) {
        return {
          path: dotted(e.instancePath),
          expected: `a known operator: one of ${list}${didYouMean(key, known)}`,
          received: `the unknown operator ${JSON.stringify(key)}`,
        };
      }
      return {
        path: dotted(e.instancePath, key),
        expected: `no such key${didYouMean(key, known)} (unknown keys are errors; allowed here: ${list || 'none'})`,
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
      const tag = at(data, `${e.instancePath}/${p.tag}`);
      return {
        path: dotted(e.instancePath, p.tag),
        expected: `one of ${allowedKinds()}${didYouMean(tag, kinds())}`,
        received: show(tag),
      };
    }
    case 'type':
      return {
        path: dotted(e.instancePath),
        expected:
          describeType(node, node ? describeNode(node) : `a value of type ${(e.params as { type: string }).type}`) +
          callHint(here, node),
        received: show(here),
      };
    case 'minimum':
    case 'maximum':
      return {
        path: dotted(e.instancePath),
        expected: describeType(node, `a number ${e.message ?? ''}`),
        received: show(here),
      };
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const strings = allowed.filter((v): v is string => typeof v === 'string');
      return {
        path: dotted(e.instancePath),
        expected: `one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}${didYouMean(here, strings)}`,
        received: show(here),
      };
    }
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      const list = here as unknown[];
      return {
        path: dotted(e.instancePath),
        expected: `a list without repeated values ([${j}] and [${i}] are both ${show(list[i])})`,
        received: show(here),
      };
    }
    case 'anyOf':
      return {
        path: dotted(e.instancePath),
        expected: (node ? describeNode({ anyOf: node.anyOf }) : 'one of the allowed forms') + callHint(here, node),
        received: show(here),
      };
    case 'minProperties':
    case 'maxProperties':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength': {
      const limit = (e.params as { limit: number }).limit;
      const bound = e.keyword.startsWith('min') ? 'at least' : 'at most';
      const [what, noun] = e.keyword.endsWith('Properties')
        ? ['an object with', 'key']
        : e.keyword.endsWith('Items')
          ? ['a list of', 'value']
          : ['a string of', 'character'];
      return { path: dotted(e.instancePath), expected: `${what} ${bound} ${count(limit, noun)}`, received: show(here) };
    }
    case 'const':
      return {
        path: dotted(e.instancePath),
        expected: JSON.stringify((e.params as { allowedValue: unknown }).allowedValue),
        received: show(here),
      };
    case 'pattern':
      if (e.instancePath === nameAt) {
        return {
          path: dotted(nameAt),
          expected:
            'a lower-case identifier: a letter, then letters, digits or "_", at most 40 characters (it becomes a Verilog module prefix and a folder name)',
          received: show(here),
        };
      }
      return {
        path: dotted(e.instancePath),
        expected: `a string matching ${(e.params as { pattern: string }).pattern}`,
        received: show(here),
      };
    case 'not':
      if (e.instancePath === nameAt) {
        return {
          path: dotted(nameAt),
          expected: 'a name that is not a Verilog or SystemVerilog keyword (add a suffix, e.g. "_acc")',
          received: show(here),
        };
      }
      return { path: dotted(e.instancePath), expected: 'a different value', received: show(here) };
    default:
      return {
        path: dotted(e.instancePath),
        expected: `a value that ${e.message ?? 'is valid'}`,
        received: show(here),
      };
  }
}

/**
 * ajv reports a value that fits no branch of an `anyOf` once per branch plus "must match a schema
 * in anyOf". When some branch has the value's type (an object for `{"$gtt": 4}`, an integer for -1),
 * only that branch's errors say what is wrong: the other branches' errors and the anyOf error are
 * noise. When no branch has its type, the anyOf error alone stays ("expected an integer from 0 to
 * 65535 or false"). Returns the errors to leave out.
 */
function anyOfNoise(errors: readonly ErrorObject[]): Set<ErrorObject> {
  const drop = new Set<ErrorObject>();
  for (const a of errors) {
    if (a.keyword !== 'anyOf') continue;
    const prefix = `${a.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      if (!e.schemaPath.startsWith(prefix) || !e.instancePath.startsWith(a.instancePath)) continue;
      const b = e.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(b, [...(branches.get(b) ?? []), e]);
    }
    // A branch "does not have the value's type" when its own type/const/enum check failed on the value itself.
    const misfit = (b: string, es: ErrorObject[]) =>
      es.some(
        (e) =>
          e.instancePath === a.instancePath &&
          ['type', 'const', 'enum'].includes(e.keyword) &&
          e.schemaPath === `${prefix}${b}/${e.keyword}`,
      );
    const fitting = [...branches].filter(([b, es]) => !misfit(b, es));
    if (fitting.length > 0) {
      drop.add(a);
      for (const [b, es] of branches) if (!fitting.some(([f]) => f === b)) for (const e of es) drop.add(e);
    } else {
      for (const es of branches.values()) for (const e of es) drop.add(e);
    }
  }
  return drop;
}

/**
 * A sweep spec given where a config is expected (`axgen validate sweep.ts`), or a config given
 * where a sweep is expected, is one problem saying which command to use, not one per key. A sweep
 * has "base" and "axes"; a config has "array", "precision" and "multiplier".
 */
export function otherFileKind(data: unknown, expecting: 'config' | 'sweep'): ConfigProblem | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const has = (k: string) => k in data;
  if (expecting === 'config' && has('base') && has('axes') && !has('array') && !has('multiplier')) {
    return {
      path: '(root)',
      expected: 'an accelerator config (this is a sweep spec: run it with `axgen sweep <spec>`)',
      received: 'a sweep spec (keys "base" and "axes")',
    };
  }
  if (expecting === 'sweep' && has('array') && has('multiplier') && !has('base') && !has('axes')) {
    return {
      path: '(root)',
      expected:
        'a sweep spec (this is an accelerator config: use `axgen validate`, `generate`, `sim` or `synth`, or name it as a sweep\'s "base")',
      received: 'an accelerator config (keys "array" and "multiplier")',
    };
  }
  return undefined;
}

/** Validates what the user wrote; returns every problem (empty when valid). */
export function schemaProblems(data: unknown): ConfigProblem[] {
  const other = otherFileKind(data, 'config');
  if (other) return [other];
  const v = configValidator();
  if (v(data)) return [];
  return ajvProblems(v.errors ?? [], data);
}

/**
 * Turns ajv errors into path-naming problems (deduplicated, in ajv's order). Other schemas pass
 * their own context; the default is the accelerator config at the root.
 */
export function ajvProblems(
  errors: readonly ErrorObject[],
  data: unknown,
  cx: ProblemContext = CONFIG_CONTEXT,
): ConfigProblem[] {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  const dropped = anyOfNoise(errors);
  for (const e of errors) {
    if (dropped.has(e)) continue;
    // With the discriminator, a missing kind also reports "tag must be string"; keep one message.
    if (
      e.keyword === 'discriminator' &&
      (e.params as { error: string }).error === 'tag' &&
      at(data, e.instancePath + '/kind') === undefined
    )
      continue;
    const p = toProblem(e, data, cx);
    const key = `${p.path}|${p.expected}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}
