/**
 * Generated documentation: the JSON Schema files under schemas/ and the config reference
 * docs/config.md, both rendered from the TypeScript schema objects. Other schemas (sweeps, …)
 * register here too.
 */
import { acceleratorSchema } from './config/schema.js';
import { sweepDocs } from './sweep/docs.js';

type Node = Record<string, unknown>;

function typeOf(n: Node): string {
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (Array.isArray(n.enum)) return (n.enum as unknown[]).map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (n.type === 'integer') {
    const lo = n.minimum;
    const hi = n.maximum;
    return lo !== undefined && hi !== undefined ? `integer ${lo}..${hi}` : 'integer';
  }
  if (n.type === 'array') {
    const items = (n.items ?? {}) as Node;
    return `array of ${typeOf(items)}`;
  }
  if (n.oneOf) return 'one of the kinds below';
  if (Array.isArray(n.anyOf)) return (n.anyOf as Node[]).map(typeOf).join(' or ');
  return String(n.type ?? 'value');
}

function rows(n: Node, path: string, required: boolean, out: string[]): void {
  const props = n.properties as Record<string, Node> | undefined;
  if (path) {
    const def = n.default !== undefined ? `\`${JSON.stringify(n.default)}\`` : required ? 'required' : '—';
    out.push(`| \`${path}\` | ${typeOf(n)} | ${def} | ${String(n.description ?? '').replace(/\|/g, '\\|')} |`);
  }
  if (props) {
    const req = new Set((n.required as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries(props)) {
      if (k === '$schema') continue;
      rows(v, path ? `${path}.${k}` : k, req.has(k), out);
    }
  }
  if (Array.isArray(n.oneOf)) {
    for (const b of n.oneOf as Node[]) {
      const kind = ((b.properties as Record<string, Node>).kind as Node).const as string;
      out.push(`| **${path} \`kind: "${kind}"\`** | | | ${String(b.description ?? '')} |`);
      const req = new Set((b.required as string[] | undefined) ?? []);
      for (const [k, v] of Object.entries(b.properties as Record<string, Node>)) {
        if (k === 'kind') continue;
        rows(v, `${path}.${k}`, req.has(k), out);
      }
    }
  }
}

/** A Markdown table of every field of a schema: path, type and range, default, effect. */
export function schemaTable(schema: Node): string {
  const out = ['| field | type / range | default | effect |', '| --- | --- | --- | --- |'];
  rows(schema, '', true, out);
  return out.join('\n') + '\n';
}

/** Every generated file, by path relative to the repository root. */
export function generatedDocs(): Record<string, string> {
  return {
    'schemas/accelerator.schema.json': JSON.stringify(acceleratorSchema, null, 2) + '\n',
    'docs/config.md':
      '# Config reference\n\n' +
      'Generated from the schema (`npm run schema`); do not edit. A config is a `.ts` file whose default ' +
      'export is `defineAccelerator({...})`, or a `.json` file; both are validated against ' +
      '`schemas/accelerator.schema.json`. Unknown keys are errors.\n\n' +
      schemaTable(acceleratorSchema as unknown as Node),
    ...sweepDocs(schemaTable),
  };
}
