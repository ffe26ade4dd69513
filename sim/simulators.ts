/**
 * Simulator runners. Both compile the emitted RTL plus the delay-free checker once per content
 * hash (RTL + testbench + tool version + flags) into the build cache, and run it in a folder that
 * holds the vector files. Every job takes a slot of the shared pool.
 */
import { runTool } from '../generator/infra/children.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cached, contentKey } from '../generator/infra/cache.js';
import { jobPool } from '../generator/infra/pool.js';
import { hasCcache, SimulatorCompileError, tool, type SimulatorName, type ToolInfo } from '../generator/infra/tools.js';

export { SimulatorCompileError };

/** The simulators axgen drives (the type lives with SimulatorCompileError in generator/infra/tools.ts). */
export type { SimulatorName };

/**
 * The C++ class (and header) of every Verilator model, passed as `--prefix` and rendered into the
 * C++ main (sim/templates/verilator_main.cpp.hbs). Without it the class is `V<top>` and Verilator
 * escapes double and trailing underscores of `<top>` in file names (`x_` gives `Vx___05Ftb_check.h`),
 * so a valid config name such as `x_` or `x__y` would not build.
 */
export const VERILATOR_CLASS = 'Vaxgen_check';
/** File name of the C++ main in a Verilator build folder (fixed for the same reason). */
const VERILATOR_MAIN = 'axgen_main.cpp';
/** The program (generator/infra/tools.ts) each simulator needs. */
export const SIMULATOR_TOOL = { icarus: 'iverilog', verilator: 'verilator' } as const satisfies Record<
  SimulatorName,
  string
>;

export interface SourceFile {
  name: string;
  text: string;
  /** Where the text came from (an EmittedFile's template, or FROM_DISK). */
  template?: string;
}

export interface SimBuild {
  simulator: SimulatorName;
  tool: ToolInfo;
  dir: string;
  /** The command that runs the model (program and arguments before the plusargs). */
  run: string[];
  cacheHit: boolean;
}

export interface SimBuildRequest {
  /** RTL files (emitted) and testbench files. */
  rtl: SourceFile[];
  tb: { check: SourceFile; icarus: SourceFile; verilatorMain: SourceFile };
  checkTop: string;
  icarusTop: string;
  trace?: boolean;
}

/** Marks an EmittedFile read from the user's folder (`axgen sim --rtl`) rather than emitted. */
export const FROM_DISK = '(from disk)';

const fromDisk = (req: SimBuildRequest) => req.rtl.some((f) => f.template === FROM_DISK);

async function writeSources(dir: string, files: SourceFile[]): Promise<string[]> {
  for (const f of files) await writeFile(join(dir, f.name), f.text);
  return files.map((f) => f.name);
}

const ICARUS_FLAGS = ['-g2005', '-Wall'];

async function buildIcarus(req: SimBuildRequest): Promise<SimBuild> {
  const t = await tool('iverilog');
  const sources = [...req.rtl, req.tb.check, req.tb.icarus];
  const key = contentKey([
    'icarus',
    t.version,
    ICARUS_FLAGS.join(' '),
    req.icarusTop,
    ...sources.flatMap((f) => [f.name, f.text]),
  ]);
  const { dir, hit } = await cached('icarus', key, async (tmp) => {
    const names = await writeSources(tmp, sources);
    const r = await jobPool.run(() =>
      runTool('iverilog', [...ICARUS_FLAGS, '-s', req.icarusTop, '-o', 'sim.vvp', ...names], { cwd: tmp }),
    );
    if (r.exitCode !== 0) throw new SimulatorCompileError('icarus', r.all ?? '', fromDisk(req));
  });
  return { simulator: 'icarus', tool: t, dir, run: ['vvp', '-n', join(dir, 'sim.vvp')], cacheHit: hit };
}

function verilatorFlags(trace: boolean): string[] {
  return [
    '--cc',
    '--exe',
    '--build',
    '-O2',
    '-Wno-fatal',
    '--x-assign',
    'unique',
    '--x-initial',
    'unique',
    ...(trace ? ['--trace'] : []),
  ];
}

async function buildVerilator(req: SimBuildRequest): Promise<SimBuild> {
  const t = await tool('verilator');
  const flags = verilatorFlags(req.trace ?? false);
  const sources = [...req.rtl, req.tb.check];
  const key = contentKey([
    'verilator',
    t.version,
    flags.join(' '),
    VERILATOR_CLASS,
    req.checkTop,
    req.tb.verilatorMain.text,
    ...sources.flatMap((f) => [f.name, f.text]),
  ]);
  const { dir, hit } = await cached('verilator', key, async (tmp) => {
    const names = await writeSources(tmp, sources);
    await writeFile(join(tmp, VERILATOR_MAIN), req.tb.verilatorMain.text);
    // ccache under the C++ compiles: a rebuild of an unchanged model file costs ~0.2 s instead of ~3.5 s.
    const env = { ...process.env, OBJCACHE: process.env.OBJCACHE ?? ((await hasCcache()) ? 'ccache' : '') };
    const r = await jobPool.run(() =>
      runTool(
        'verilator',
        [
          ...flags,
          '-j',
          '1',
          '--top-module',
          req.checkTop,
          '--prefix',
          VERILATOR_CLASS,
          '--Mdir',
          'obj',
          '-o',
          'Vsim',
          ...names,
          VERILATOR_MAIN,
        ],
        { cwd: tmp, env },
      ),
    );
    if (r.exitCode !== 0) throw new SimulatorCompileError('verilator', r.all ?? '', fromDisk(req));
  });
  return { simulator: 'verilator', tool: t, dir, run: [join(dir, 'obj', 'Vsim')], cacheHit: hit };
}

export function buildSim(simulator: SimulatorName, req: SimBuildRequest): Promise<SimBuild> {
  return simulator === 'icarus' ? buildIcarus(req) : buildVerilator(req);
}

export interface RunOptions {
  seed: number;
  /** 0..255: chance in 256 per cycle of an input gap and of a result stall. */
  stall: number;
  watchdog?: number;
  wave?: boolean;
  /** Further plusargs for the checker, e.g. `+ydump` (sim/templates/tb_check.v.hbs). */
  plusargs?: string[];
}

/**
 * Runs a built model in `runDir` (which holds the vector files); returns its output and `ms`, the
 * milliseconds the simulator itself ran (not the wait for a free job slot, which with `--jobs 1`
 * is the other simulator's build).
 */
export async function runSim(b: SimBuild, runDir: string, o: RunOptions): Promise<{ output: string; ms: number }> {
  const [cmd, ...args] = b.run;
  const plus = [
    `+seed=${o.seed}`,
    `+stall=${o.stall}`,
    `+watchdog=${o.watchdog ?? 20000}`,
    ...(o.wave ? ['+wave'] : []),
    ...(o.plusargs ?? []),
  ];
  let ms = 0;
  const r = await jobPool.run(async () => {
    const t = performance.now();
    const run = await runTool(cmd!, [...args, ...plus], { cwd: runDir, timeout: 600_000 });
    ms = performance.now() - t;
    return run;
  });
  if (r.timedOut)
    return { output: `${r.all ?? ''}\nAXGEN_TBERROR the simulator ran for more than 10 minutes and was stopped`, ms };
  return { output: r.all ?? '', ms };
}
