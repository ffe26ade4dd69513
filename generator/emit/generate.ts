/** `axgen generate`: the RTL files, manifest.json and files.f of one config. */
import { GENERATOR_VERSION } from '../version.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { emitRtl, topModule, type EmittedFile } from './rtl.js';
import { rtlHash } from '../infra/rtl-hash.js';
import { writeFolderAtomically, type OutFile, type OutputOptions } from '../infra/write.js';
import { interfaceOf } from '../interface/index.js';

export interface Manifest {
  name: string;
  generatorVersion: string;
  configHash: string;
  /** sha256 over the emitted RTL files (name and bytes), for caches keyed by RTL content. */
  rtlHash: string;
  /** The core with the bare streams, `<name>_top` (what the co-simulation checker drives). */
  top: string;
  /** The module to instantiate in a design: `<name>_axi_top` with interface "axi", else `top`. */
  ipTop: string;
  dataflow: string;
  unit: string;
  files: string[];
  config: ResolvedConfig;
}

export interface Generated {
  files: EmittedFile[];
  manifest: Manifest;
  /** Everything written to the folder, manifest and file list included. */
  out: OutFile[];
}

export function generate(c: ResolvedConfig): Generated {
  // The interface plugin adds its wrapper modules and documents (AXI: CSR block, register map).
  const itf = interfaceOf(c);
  const files = [...emitRtl(c), ...itf.rtl(c)];
  const manifest: Manifest = {
    name: c.name,
    generatorVersion: GENERATOR_VERSION,
    configHash: c.hash,
    rtlHash: rtlHash(files),
    top: topModule(c),
    ipTop: itf.top(c),
    dataflow: c.dataflow,
    unit: files.length > 0 ? c.multiplier.kind : '',
    files: files.map((f) => f.name),
    config: c,
  };
  const out: OutFile[] = [
    ...files.map((f) => ({ name: f.name, text: f.text })),
    { name: 'files.f', text: files.map((f) => f.name).join('\n') + '\n' },
    { name: 'manifest.json', text: JSON.stringify(manifest, null, 2) + '\n' },
    ...itf.docs(c),
  ];
  return { files, manifest, out };
}

/**
 * Writes the generated folder to `dir` (generator/infra/write.ts: replaced only when new, empty or
 * written by `axgen generate` and unchanged since, else refused unless `opts.force`).
 * @throws ConfigError when `dir` may not be replaced
 */
export async function generateTo(c: ResolvedConfig, dir: string, opts: OutputOptions = {}): Promise<Generated> {
  const g = generate(c);
  await writeFolderAtomically(dir, g.out, { ...opts, command: 'generate' });
  return g;
}
