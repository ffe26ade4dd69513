/**
 * The layers of the code, lowest first (DESIGN.md "Layers of the code"). A module may import from
 * its own layer or a lower one, never a higher one; test/architecture/layers.test.ts checks every
 * relative import of generator/ and sim/ against this table, and docs/architecture.md shows it.
 *
 * Each entry is a path prefix from the repository root (a folder ending in `/`, or one file); the
 * longest matching prefix decides a file's layer. A file that matches none is an error, so a new
 * folder has to be placed here.
 */
export interface Layer {
  /** 1 = lowest. */
  level: number;
  name: string;
  paths: readonly string[];
}

export const LAYERS: readonly Layer[] = [
  {
    level: 1,
    name: 'infrastructure',
    paths: ['generator/infra/', 'generator/root.ts', 'generator/version.ts'],
  },
  {
    level: 2,
    name: 'config, units, features, data',
    paths: ['generator/config/', 'generator/units/', 'generator/data/'],
  },
  {
    level: 3,
    name: 'emit, model, metrics, interfaces',
    paths: [
      'generator/emit/',
      'generator/model/',
      'generator/metrics/',
      'generator/interface/',
      'generator/axi/',
      'generator/regmap/',
      'generator/onnx/',
      'generator/export/',
    ],
  },
  {
    level: 4,
    name: 'sweep, fpga, estimate, sim, inference',
    // onnx/quantize.ts calibrates with the float inference of generator/inference/, so it sits here.
    paths: [
      'generator/sweep/',
      'generator/fpga/',
      'generator/estimate/',
      'generator/inference/',
      'generator/onnx/quantize.ts',
      'sim/',
    ],
  },
  {
    level: 5,
    name: 'commands and entry points',
    // dsl.ts is the `axgen/dsl` entry a config or sweep file imports (it re-exports defineSweep).
    paths: ['generator/commands/', 'generator/cli.ts', 'generator/docs.ts', 'generator/dsl.ts'],
  },
];

/** The layer of a repository-relative path (forward slashes), or undefined when no entry matches. */
export function layerOf(path: string, layers: readonly Layer[] = LAYERS): Layer | undefined {
  let best: { layer: Layer; len: number } | undefined;
  for (const layer of layers) {
    for (const p of layer.paths) {
      const hit = p.endsWith('/') ? path.startsWith(p) : path === p;
      if (hit && (!best || p.length > best.len)) best = { layer, len: p.length };
    }
  }
  return best?.layer;
}

/** The table as docs/architecture.md shows it (highest layer first); the layer test checks the page holds it. */
export function layerTableMarkdown(layers: readonly Layer[] = LAYERS): string {
  const rows = [...layers]
    .sort((a, b) => b.level - a.level)
    .map((l) => `| ${l.level} | ${l.name} | ${l.paths.map((p) => `\`${p}\``).join(', ')} |`);
  return ['| layer | name | paths |', '| --- | --- | --- |', ...rows].join('\n');
}
