/**
 * Hierarchical Yosys synthesis of one config for a target.
 *
 * A flattened 16×16 array takes minutes in Yosys; synthesized hierarchically it takes seconds and
 * lands within a few percent (toolchain.md). So every figure here is HIERARCHICAL:
 *   - the PE (`<name>_pe` with the modules it instantiates) is synthesized once, flattened: the
 *     per-PE figures;
 *   - the rest (top, array wiring, edge encoders, skew/deskew delays, accumulator buffers) is
 *     synthesized with the PE as a blackbox and its own hierarchy kept, each module once, and summed
 *     by instance count;
 *   - whole array = per-PE × (number of PE instances, checked to be R×C) + the rest.
 * No optimisation crosses a module boundary, which is what a real flow with kept hierarchy does too.
 *
 * The RTL is emitted under a fixed name (`axg`) and its provenance headers are dropped, so the
 * synthesized text, and the cache key, depend only on what determines the hardware: two sweeps
 * that share a PE (same unit and precisions, another array size) share its synthesis.
 * Both parts are cached by content (files + script + Yosys version) in the shared build cache and
 * every Yosys run takes a slot of the shared job pool.
 */
import { runTool } from '../infra/children.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cached, contentKey } from '../infra/cache.js';
import { jobPool } from '../infra/pool.js';
import { tool } from '../infra/tools.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { generate } from '../emit/generate.js';
import { hierarchyTotals, parseStat, sortKeys, type HierTotals } from './stat.js';
import { TARGET_DEFS, type Figures, type Target } from './targets.js';

/** Bumped whenever the scripts or the way figures are combined change: part of every cache key. */
export const SYNTH_SCRIPT_VERSION = 'axgen-synth-2';

/** The module prefix every config is synthesized under. */
export const SYNTH_NAME = 'axg';

export interface RtlFile {
  name: string;
  text: string;
}

export interface VariantResult {
  id: string;
  description: string;
  /** Figures of one PE, of everything else, and of the whole accelerator. */
  pe: Figures;
  rest: Figures;
  total: Figures;
  /** Primitive cell counts behind the figures. */
  cells: { pe: Record<string, number>; rest: Record<string, number> };
}

export interface SynthResult {
  target: Target;
  targetDescription: string;
  /** Yosys's version line. */
  tool: string;
  scriptVersion: string;
  /** Always true: see `method`. */
  hierarchical: true;
  method: string;
  peModule: string;
  peCount: number;
  /** The first variant is the primary one (no DSP mapping). */
  variants: VariantResult[];
  area: { figure: string; unit: string; perPe: number; total: number };
}

/** The files of a config emitted under the fixed synthesis name, headers dropped. */
export function synthesisRtl(c: ResolvedConfig): { files: RtlFile[]; top: string; pe: string } {
  const written: Record<string, unknown> = { ...c, name: SYNTH_NAME };
  delete written.hash;
  delete written.description;
  const canon = resolveConfig(written, `${c.name} (for synthesis)`);
  const g = generate(canon);
  const files = g.files.map((f) => ({ name: f.name, text: stripHeader(f.text) }));
  const pe = `${SYNTH_NAME}_pe`;
  if (!files.some((f) => f.name === `${pe}.v`))
    throw new Error(`internal error: the emitted RTL has no PE module ${pe}`);
  return { files, top: g.manifest.top, pe };
}

/** Drops the leading `//` comment block (the provenance header naming the config and its hash). */
export function stripHeader(text: string): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('//')) i++;
  return lines.slice(i).join('\n');
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, ' ');
}

/**
 * The files `module` needs: itself and every file whose module name appears as an identifier in a
 * needed file (an over-approximation that is always safe: an extra file is only an unused module).
 */
export function filesUnder(files: RtlFile[], module: string): RtlFile[] {
  const byModule = new Map(files.map((f) => [f.name.replace(/\.v$/, ''), f]));
  const need = new Set<string>([module]);
  const queue = [module];
  while (queue.length > 0) {
    const m = queue.pop()!;
    const f = byModule.get(m);
    if (!f) continue;
    for (const id of new Set(stripComments(f.text).match(/[A-Za-z_][A-Za-z0-9_$]*/g) ?? [])) {
      if (id !== m && byModule.has(id) && !need.has(id)) {
        need.add(id);
        queue.push(id);
      }
    }
  }
  return files.filter((f) => need.has(f.name.replace(/\.v$/, '')));
}

interface PartRequest {
  target: Target;
  part: 'pe' | 'rest';
  files: RtlFile[];
  /** Files read with `read_verilog -lib` (blackboxes). */
  libs: RtlFile[];
  top: string;
  flatten: boolean;
  /** Ids of the target's variants this run synthesizes (in one Yosys process, from the saved RTL). */
  variants: string[];
}

interface PartResult {
  variants: { id: string; totals: HierTotals }[];
}

/** The Yosys script of a part: read, then per variant synthesize from the saved RTL and write `stat`. */
export function partScript(req: PartRequest): string {
  const def = TARGET_DEFS[req.target];
  const lines: string[] = [];
  for (const f of req.libs) lines.push(`read_verilog -lib ${f.name}`);
  lines.push(`read_verilog ${req.files.map((f) => f.name).join(' ')}`);
  lines.push(`hierarchy -check -top ${req.top}`);
  const variants = def.variants.filter((v) => req.variants.includes(v.id));
  if (variants.length > 1) lines.push('design -save rtl');
  variants.forEach((v, i) => {
    if (i > 0) lines.push('design -load rtl');
    lines.push(v.command(req.top, req.flatten));
    lines.push(`tee -q -o stat_${v.id}.txt stat ${v.stat}`.trimEnd());
  });
  return lines.join('\n') + '\n';
}

async function synthPart(req: PartRequest, yosysVersion: string): Promise<PartResult & { hit: boolean }> {
  const script = partScript(req);
  const key = contentKey([
    SYNTH_SCRIPT_VERSION,
    yosysVersion,
    req.target,
    script,
    ...req.libs.flatMap((f) => ['lib', f.name, f.text]),
    ...req.files.flatMap((f) => [f.name, f.text]),
  ]);
  const def = TARGET_DEFS[req.target];
  const { dir, hit } = await cached('synth', key, async (tmp) => {
    for (const f of [...req.libs, ...req.files]) await writeFile(join(tmp, f.name), f.text);
    await writeFile(join(tmp, 'synth.ys'), script);
    const r = await jobPool.run(() => runTool('yosys', ['-q', '-s', 'synth.ys'], { cwd: tmp }));
    if (r.exitCode !== 0) {
      const tail = (r.all ?? '').trim().split('\n').slice(-15).join('\n');
      throw new Error(
        `yosys failed synthesizing the ${req.part === 'pe' ? 'PE' : 'array around the PE'} for ${req.target} (exit ${r.exitCode ?? r.signal}):\n${tail}`,
      );
    }
    // Keep only what is read back: the reports and the script (the RTL is reproducible).
    for (const id of req.variants) parseStat(await readFile(join(tmp, `stat_${id}.txt`), 'utf8'));
  });
  const variants = [];
  for (const v of def.variants.filter((x) => req.variants.includes(x.id))) {
    const mods = parseStat(await readFile(join(dir, `stat_${v.id}.txt`), 'utf8'));
    variants.push({
      id: v.id,
      totals: hierarchyTotals(
        mods,
        req.top,
        req.libs.map((f) => f.name.replace(/\.v$/, '')),
      ),
    });
  }
  return { variants, hit };
}

export interface SynthOptions {
  /** Called with which parts came from the cache (for progress output and tests). */
  onCache?: (part: 'pe' | 'rest', hit: boolean) => void;
  /**
   * Called as each Yosys run starts (`label` names the part and variant); the returned function is
   * called when it ends, with whether it came from the cache (for progress output).
   */
  onRun?: (label: string) => (hit: boolean) => void;
}

function add(a: Figures, b: Figures, times = 1): Figures {
  const out: Figures = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v * times;
  return out;
}

function scale(a: Figures, times: number): Figures {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v * times]));
}

/** Synthesizes `c` for `target` hierarchically (see the file comment). */
export async function synthesize(c: ResolvedConfig, target: Target, o: SynthOptions = {}): Promise<SynthResult> {
  const yosys = await tool('yosys');
  const def = TARGET_DEFS[target];
  const { files, top, pe } = synthesisRtl(c);
  const peFile = files.find((f) => f.name === `${pe}.v`)!;
  const peFiles = filesUnder(files, pe);
  const restFiles = files.filter((f) => f !== peFile);
  // The rest is the big part: each of its variants runs in its own Yosys process so that two cores
  // share one config's synthesis; the small PE does all its variants in one process.
  const ids = def.variants.map((v) => v.id);
  const run = <T extends { hit: boolean }>(label: string, p: () => Promise<T>): Promise<T> => {
    const end = o.onRun?.(label);
    return p().then((r) => {
      end?.(r.hit);
      return r;
    });
  };
  const [restParts, pePart] = await Promise.all([
    Promise.all(
      ids.map((id) =>
        run(`Yosys: the array around the PE (${id})`, () =>
          synthPart(
            { target, part: 'rest', files: restFiles, libs: [peFile], top, flatten: false, variants: [id] },
            yosys.version,
          ),
        ),
      ),
    ),
    run(`Yosys: the PE ${pe} (${ids.join(', ')})`, () =>
      synthPart({ target, part: 'pe', files: peFiles, libs: [], top: pe, flatten: true, variants: ids }, yosys.version),
    ),
  ]);
  const restPart = { variants: restParts.flatMap((r) => r.variants), hit: restParts.every((r) => r.hit) };
  o.onCache?.('pe', pePart.hit);
  o.onCache?.('rest', restPart.hit);
  const peCount = restPart.variants[0]!.totals.instances[pe] ?? 0;
  const expected = c.array.rows * c.array.cols;
  if (peCount !== expected)
    throw new Error(
      `internal error: the synthesized array holds ${peCount} PEs, expected ${c.array.rows}×${c.array.cols}`,
    );
  const variants: VariantResult[] = def.variants.map((v, i) => {
    const p = pePart.variants[i]!.totals;
    const r = restPart.variants[i]!.totals;
    const peFig = def.figures(p.cells, p.transistors);
    const restFig = def.figures(r.cells, r.transistors);
    return {
      id: v.id,
      description: v.description,
      pe: peFig,
      rest: restFig,
      total: add(restFig, scale(peFig, peCount)),
      cells: { pe: sortKeys(p.cells), rest: sortKeys(r.cells) },
    };
  });
  const primary = variants[0]!;
  return {
    target,
    targetDescription: def.description,
    tool: yosys.version,
    scriptVersion: SYNTH_SCRIPT_VERSION,
    hierarchical: true,
    method:
      `hierarchical: the PE synthesized once (flattened) × ${peCount} instances + the rest synthesized with the PE as a blackbox ` +
      `and its hierarchy kept (each module once, summed by instance count); no optimisation crosses a module boundary`,
    peModule: pe,
    peCount,
    variants,
    area: {
      figure: def.areaFigure,
      unit: def.areaUnit,
      perPe: primary.pe[def.areaFigure] ?? 0,
      total: primary.total[def.areaFigure] ?? 0,
    },
  };
}

/** A few lines for the terminal. */
export function formatSynth(name: string, r: SynthResult): string {
  const def = TARGET_DEFS[r.target];
  const lines = [`✔ ${name}: ${r.targetDescription}, ${r.tool}`, `  hierarchical: per-PE × ${r.peCount} + rest`];
  const keys = def.figureKeys.filter((k) => r.variants.some((v) => (v.total[k] ?? 0) !== 0));
  const w = Math.max(...keys.map((k) => k.length), 6);
  for (const v of r.variants) {
    lines.push(`  ${v.id}: ${v.description}`);
    lines.push(`    ${'figure'.padEnd(w)}  ${'per PE'.padStart(9)}  ${'rest'.padStart(9)}  ${'total'.padStart(9)}`);
    for (const k of keys) {
      lines.push(
        `    ${k.padEnd(w)}  ${String(v.pe[k] ?? 0).padStart(9)}  ${String(v.rest[k] ?? 0).padStart(9)}  ${String(v.total[k] ?? 0).padStart(9)}`,
      );
    }
  }
  lines.push(`  area (${r.area.unit}): ${r.area.perPe} per PE, ${r.area.total} in total`);
  return lines.join('\n') + '\n';
}
