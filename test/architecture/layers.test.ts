/**
 * Imports run one way (DESIGN.md "Layers of the code"): no module of generator/ or sim/ imports a
 * module of a higher layer. The layer table is generator/infra/layers.ts; this test reads every
 * TypeScript file, finds each relative import (static, `export … from`, dynamic `import()`, type
 * imports included) and fails naming the file, the import and both layers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../generator/root.js';
import { LAYERS, layerOf, layerTableMarkdown, type Layer } from '../../generator/infra/layers.js';

interface Source {
  /** Repository-relative path with forward slashes. */
  path: string;
  text: string;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\1/g;

/** The relative import specifiers of a TypeScript text (comments are skipped). */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(IMPORT)].map((m) => m[2]!).filter((s) => s.startsWith('.'));
}

/** Every violation in `files`: an unplaced file, or an import of a higher layer. */
function violations(files: Source[], layers: readonly Layer[] = LAYERS): string[] {
  const out: string[] = [];
  for (const f of files) {
    const own = layerOf(f.path, layers);
    if (!own) {
      out.push(`${f.path}: not in the layer table (generator/infra/layers.ts)`);
      continue;
    }
    for (const spec of importsOf(f.text)) {
      const target = posix.normalize(posix.join(posix.dirname(f.path), spec)).replace(/\.js$/, '.ts');
      const theirs = layerOf(target, layers);
      if (!theirs) out.push(`${f.path}: imports '${spec}' (${target}), which is in no layer`);
      else if (theirs.level > own.level)
        out.push(
          `${f.path}: imports '${spec}' from layer ${theirs.level} (${theirs.name}) into layer ${own.level} (${own.name})`,
        );
    }
  }
  return out;
}

function sources(dir: string): Source[] {
  const out: Source[] = [];
  for (const e of readdirSync(join(ROOT_DIR, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts')) out.push({ path: rel, text: readFileSync(join(ROOT_DIR, rel), 'utf8') });
  }
  return out;
}

describe('layers', () => {
  const tree = [...sources('generator'), ...sources('sim')];

  it('no module imports a higher layer, and every module is placed', () => {
    expect(tree.length).toBeGreaterThan(80);
    // The parser found the imports (a broken regex would make this test pass on nothing).
    expect(tree.reduce((n, f) => n + importsOf(f.text).length, 0)).toBeGreaterThan(300);
    expect(violations(tree)).toEqual([]);
  });

  it('catches a planted upward import, an unplaced file and an import of an unplaced file', () => {
    // The type import of axi/ from emit/ is same-layer (allowed); the commented-out import is ignored.
    const planted: Source[] = [
      { path: 'generator/config/derive.ts', text: "import { commandCycles } from '../model/cycles.js';\n" },
      {
        path: 'generator/emit/generate.ts',
        text: "import type { X } from '../axi/emit.js';\nexport * from '../../sim/run.js';\n",
      },
      {
        path: 'generator/infra/cache.ts',
        text: "const m = await import('../emit/handlebars.js');\n// import { a } from '../commands/sim.js';\n",
      },
      { path: 'generator/elsewhere/x.ts', text: '' },
      { path: 'sim/run.ts', text: "import { a } from '../generator/nowhere.js';\nimport { b } from './cases.js';\n" },
    ];
    expect(violations(planted)).toEqual([
      "generator/config/derive.ts: imports '../model/cycles.js' from layer 3 (emit, model, metrics, interfaces) into layer 2 (config, units, features, data)",
      "generator/emit/generate.ts: imports '../../sim/run.js' from layer 4 (sweep, fpga, estimate, sim, inference) into layer 3 (emit, model, metrics, interfaces)",
      "generator/infra/cache.ts: imports '../emit/handlebars.js' from layer 3 (emit, model, metrics, interfaces) into layer 1 (infrastructure)",
      'generator/elsewhere/x.ts: not in the layer table (generator/infra/layers.ts)',
      "sim/run.ts: imports '../generator/nowhere.js' (generator/nowhere.ts), which is in no layer",
    ]);
  });

  it('every layer of the table is used by some file', () => {
    const used = new Set(tree.map((f) => layerOf(f.path)?.level));
    expect([...used].sort()).toEqual(LAYERS.map((l) => l.level));
  });

  it('docs/architecture.md shows the table this test enforces', () => {
    // prettier pads markdown tables: compare cells, not padding.
    const cells = (md: string) => md.replace(/ *\| */g, '|').replace(/\|-+(?=\|)/g, '|---');
    const page = readFileSync(join(ROOT_DIR, 'docs/architecture.md'), 'utf8');
    expect(cells(page)).toContain(cells(layerTableMarkdown()));
  });
});
