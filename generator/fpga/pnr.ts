/**
 * Place and route of a set of RTL files on an iCE40: Yosys `synth_ice40` → nextpnr-ice40 with a
 * clock constraint → icepack. Reusable (the `axgen fpga` command and the sweeps call it).
 *
 * Stable signature:
 *
 *   placeAndRoute({ files, top, device, clockMHz?, harness?, clock?, dsp?, seed?, outDir? })
 *     → Promise<PnrResult>
 *
 *   files     RTL files ({ name, text }), one module per file as axgen emits them
 *   top       top module name
 *   device    'up5k' | 'hx8k' | 'hx1k' | 'lp8k' | … (generator/fpga/devices.ts)
 *   clockMHz  nextpnr's clock constraint (default 50); the achieved fmax is reported either way
 *   harness   true (default): wrap `top` in the serial-in / XOR-out timing harness (harness.ts) so
 *             a wide IP needs 4 pins; false: place `top` as is (its ports become pins)
 *   clock     the top's clock port (default `clk_i`)
 *   dsp       map multipliers to SB_MAC16 (`synth_ice40 -dsp`); default: when the device has them
 *   seed      nextpnr seed (default 1); same inputs give the same result
 *   outDir    when given, the bitstream (.bin), the nextpnr report and logs are copied there
 *
 *   PnrResult: { fits, overflow[], fmaxMHz, meetsTiming, utilisation{lut4,carry,ff,bram,mac16,lc,io},
 *                capacity{resource:{used,available}}, harness{used,description}, toolVersions,
 *                timingReport (text), bitstream?, cacheHit, … } — see the interface below.
 *
 * A design that does not fit has fits=false, fmaxMHz=null, and `overflow` names each resource whose
 * use exceeds the device (used, available, over). Results are cached by content hash (RTL, top,
 * options, tool versions) in the shared build cache, so a sweep asking twice pays once.
 * Every tool run goes through the shared job pool.
 */
import { runTool } from '../infra/children.js';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cached, contentKey } from '../infra/cache.js';
import { jobPool } from '../infra/pool.js';
import { tool } from '../infra/tools.js';
import { iceDevice, DEVICE_NAMES } from './devices.js';
import { HARNESS_DESCRIPTION, HARNESS_MODULE, harnessVerilog, parsePorts } from './harness.js';

export interface PnrFile {
  name: string;
  text: string;
}

export interface PnrRequest {
  files: PnrFile[];
  top: string;
  device: string;
  clockMHz?: number;
  harness?: boolean;
  clock?: string;
  dsp?: boolean;
  seed?: number;
  outDir?: string;
}

export interface Utilisation {
  /** Yosys cell counts after synth_ice40. */
  lut4: number;
  carry: number;
  ff: number;
  bram: number;
  mac16: number;
  /** nextpnr's packed logic cells (LUT4 + FF + carry per cell), null when placement did not start. */
  lc: number | null;
  io: number | null;
}

export interface Overflow {
  resource: string;
  used: number;
  available: number;
  over: number;
}

export interface PnrResult {
  top: string;
  device: string;
  package: string;
  clockMHz: number;
  dsp: boolean;
  seed: number;
  fits: boolean;
  overflow: Overflow[];
  /** Achieved register-to-register fmax of the clock, null when the design was not routed. */
  fmaxMHz: number | null;
  meetsTiming: boolean | null;
  utilisation: Utilisation;
  /** nextpnr's "Device utilisation" table. */
  capacity: Record<string, { used: number; available: number }>;
  harness: { used: boolean; description: string };
  toolVersions: { yosys: string; nextpnr: string; icepack: string };
  /** The timing lines of nextpnr's final report (fmax and I/O delays). */
  timingReport: string;
  /** Path of the bitstream in outDir (when outDir was given and the design fits). */
  bitstream: string | null;
  /** Cache folder holding design.bin, report.json, yosys.log, nextpnr.log. */
  cacheDir: string;
  cacheHit: boolean;
  /** Wall time of synthesis + place and route (0 on a cache hit… of this call). */
  seconds: { synth: number; pnr: number };
}

export class PnrInputError extends Error {}

/** icepack's version (from its Debian package; icepack prints none), checked once via generator/infra/tools.ts. */
const icepackTool = async (): Promise<string> => (await tool('icepack')).version;

/** Cell counts from Yosys `stat` text (flattened design). */
export function parseYosysStat(text: string): Omit<Utilisation, 'lc' | 'io'> {
  const count = (re: RegExp) => {
    let n = 0;
    for (const m of text.matchAll(re)) n += Number(m[1]);
    return n;
  };
  return {
    lut4: count(/^\s+SB_LUT4\s+(\d+)\s*$/gm),
    carry: count(/^\s+SB_CARRY\s+(\d+)\s*$/gm),
    ff: count(/^\s+SB_DFF\w*\s+(\d+)\s*$/gm),
    bram: count(/^\s+SB_RAM40_4K\w*\s+(\d+)\s*$/gm),
    mac16: count(/^\s+SB_MAC16\s+(\d+)\s*$/gm),
  };
}

/** The last "Device utilisation" table of a nextpnr log. */
export function parseNextpnrUtilisation(log: string): Record<string, { used: number; available: number }> {
  const out: Record<string, { used: number; available: number }> = {};
  const idx = log.lastIndexOf('Device utilisation:');
  if (idx < 0) return out;
  for (const line of log.slice(idx).split('\n').slice(1)) {
    const m = /^Info:\s+(\w+):\s+(\d+)\/\s*(\d+)/.exec(line);
    if (!m) break;
    out[m[1]!] = { used: Number(m[2]), available: Number(m[3]) };
  }
  return out;
}

function timingLines(log: string): string {
  const lines = log.split('\n').filter((l) => /Max frequency for clock|Max delay/.test(l));
  // nextpnr prints the estimate after placement and the final figures after routing: keep the last set.
  const lastFreq = lines.map((l) => /Max frequency/.test(l)).lastIndexOf(true);
  return (lastFreq >= 0 ? lines.slice(lastFreq) : lines)
    .map((l) => l.replace(/^(Info|ERROR|Warning): /, ''))
    .join('\n');
}

interface Stored {
  fits: boolean;
  overflow: Overflow[];
  fmaxMHz: number | null;
  utilisation: Utilisation;
  capacity: Record<string, { used: number; available: number }>;
  timingReport: string;
  seconds: { synth: number; pnr: number };
  failure: string | null;
}

type Device = NonNullable<ReturnType<typeof iceDevice>>;

/** A request with its defaults filled and checked; PnrInputError names the bad argument. */
function settings(req: PnrRequest): {
  dev: Device;
  clockMHz: number;
  useHarness: boolean;
  clock: string;
  dsp: boolean;
  seed: number;
} {
  const dev = iceDevice(req.device);
  if (!dev) throw new PnrInputError(`--device: expected one of ${DEVICE_NAMES.join(', ')}, received "${req.device}"`);
  const clockMHz = req.clockMHz ?? 50;
  if (!(clockMHz > 0 && clockMHz <= 1000))
    throw new PnrInputError(`--clock: expected a frequency in MHz between 0 and 1000, received ${req.clockMHz}`);
  return {
    dev,
    clockMHz,
    useHarness: req.harness ?? true,
    clock: req.clock ?? 'clk_i',
    dsp: (req.dsp ?? dev.dsp) && dev.dsp,
    seed: req.seed ?? 1,
  };
}

/** The files to synthesize and their top: the request's, plus the timing harness around its top when used. */
function designFiles(req: PnrRequest, useHarness: boolean, clock: string): { files: PnrFile[]; top: string } {
  const files = [...req.files];
  if (!useHarness) return { files, top: req.top };
  const topFile = files.find((f) => new RegExp(`\\bmodule\\s+${req.top}\\b`).test(f.text));
  if (!topFile) throw new PnrInputError(`top module ${req.top} is in none of the files`);
  files.push({
    name: `${HARNESS_MODULE}.v`,
    text: harnessVerilog(req.top, parsePorts(topFile.text, req.top), { clock }),
  });
  return { files, top: HARNESS_MODULE };
}

/** nextpnr-ice40 arguments: design.json → design.asc and report.json. */
function pnrArguments(dev: Device, clockMHz: number, seed: number): string[] {
  return [
    `--${dev.name}`,
    '--package',
    dev.package,
    '--json',
    'design.json',
    '--asc',
    'design.asc',
    '--freq',
    String(clockMHz),
    '--seed',
    String(seed),
    '--pcf-allow-unconstrained',
    '--timing-allow-fail',
    '--report',
    'report.json',
  ];
}

/** Hard blocks the synthesized design uses beyond the device's (nextpnr may crash instead of reporting them). */
function hardBlockOverflow(stat: Omit<Utilisation, 'lc' | 'io'>, dev: Device): Overflow[] {
  return [
    { resource: 'ICESTORM_RAM', used: stat.bram, available: dev.brams, over: stat.bram - dev.brams },
    { resource: 'ICESTORM_DSP', used: stat.mac16, available: dev.dsps, over: stat.mac16 - dev.dsps },
  ].filter((o) => o.over > 0);
}

interface Flow {
  files: PnrFile[];
  top: string;
  dev: Device;
  ysScript: string;
  pnrArgs: string[];
}

/** Place, route and pack in `tmp` (design.json already there); the figures to store. */
async function placeRouteAndPack(
  tmp: string,
  flow: Flow,
  req: PnrRequest,
): Promise<Omit<Stored, 'utilisation' | 'seconds'> & { lc: number | null; io: number | null }> {
  const np = await jobPool.run(() => runTool('nextpnr-ice40', flow.pnrArgs, { cwd: tmp }));
  const log = np.all ?? '';
  await writeFile(join(tmp, 'nextpnr.log'), log);
  const capacity = parseNextpnrUtilisation(log);
  const overflow: Overflow[] = Object.entries(capacity)
    .filter(([, v]) => v.used > v.available)
    .map(([resource, v]) => ({ resource, used: v.used, available: v.available, over: v.used - v.available }));
  const fits = np.exitCode === 0 && overflow.length === 0 && existsSync(join(tmp, 'design.asc'));
  let failure: string | null = null;
  let fmaxMHz: number | null = null;
  if (fits) {
    const rep = JSON.parse(await readFile(join(tmp, 'report.json'), 'utf8')) as {
      fmax?: Record<string, { achieved: number }>;
    };
    const clocks = Object.values(rep.fmax ?? {});
    fmaxMHz = clocks.length > 0 ? Math.min(...clocks.map((c) => c.achieved)) : null;
    const pk = await jobPool.run(() => runTool('icepack', ['design.asc', 'design.bin'], { cwd: tmp }));
    if (pk.exitCode !== 0) throw new Error(`icepack failed:\n${pk.all}`);
  } else {
    failure =
      overflow.length > 0
        ? null
        : (log.split('\n').find((l) => /^ERROR/.test(l)) ?? `nextpnr exited with ${np.exitCode}`);
    if (failure && !/Unable to place|no BELs remaining|not enough|exceed/i.test(failure)) {
      throw new Error(`nextpnr-ice40 failed on ${req.top} (${flow.dev.name}):\n${log.slice(-4000)}`);
    }
  }
  return {
    fits,
    overflow,
    fmaxMHz,
    capacity,
    timingReport: timingLines(log),
    failure,
    lc: capacity.ICESTORM_LC?.used ?? null,
    io: capacity.SB_IO?.used ?? null,
  };
}

/** The whole flow in the cache folder `tmp`: writes result.json (and the logs and bitstream). */
async function runFlow(tmp: string, flow: Flow, req: PnrRequest): Promise<void> {
  for (const f of flow.files) await writeFile(join(tmp, f.name), f.text);
  const t0 = Date.now();
  const ys = await jobPool.run(() => runTool('yosys', ['-q', '-l', 'yosys.log', '-p', flow.ysScript], { cwd: tmp }));
  if (ys.exitCode !== 0) throw new Error(`yosys synth_ice40 failed on ${req.top}:\n${(ys.all ?? '').slice(-4000)}`);
  const t1 = Date.now();
  const stat = parseYosysStat(await readFile(join(tmp, 'stat.txt'), 'utf8'));
  const hard = hardBlockOverflow(stat, flow.dev);
  let stored: Stored;
  if (hard.length > 0) {
    stored = {
      fits: false,
      overflow: hard,
      fmaxMHz: null,
      utilisation: { ...stat, lc: null, io: null },
      capacity: {},
      timingReport: '',
      seconds: { synth: (t1 - t0) / 1000, pnr: 0 },
      failure: null,
    };
  } else {
    const r = await placeRouteAndPack(tmp, flow, req);
    const t2 = Date.now();
    stored = {
      fits: r.fits,
      overflow: r.overflow,
      fmaxMHz: r.fmaxMHz,
      utilisation: { ...stat, lc: r.lc, io: r.io },
      capacity: r.capacity,
      timingReport: r.timingReport,
      seconds: { synth: (t1 - t0) / 1000, pnr: (t2 - t1) / 1000 },
      failure: r.failure,
    };
  }
  await writeFile(join(tmp, 'result.json'), JSON.stringify(stored, null, 2) + '\n');
}

/** Copies the logs, report and bitstream of a cache folder to outDir; the bitstream's path, or null. */
async function copyArtifacts(dir: string, outDir: string, top: string, dev: Device): Promise<string | null> {
  await mkdir(outDir, { recursive: true });
  for (const f of ['nextpnr.log', 'yosys.log', 'report.json', 'design.bin', `${HARNESS_MODULE}.v`]) {
    if (existsSync(join(dir, f)))
      await copyFile(join(dir, f), join(outDir, f === 'design.bin' ? `${top}_${dev.name}.bin` : f));
  }
  return existsSync(join(dir, 'design.bin')) ? join(outDir, `${top}_${dev.name}.bin`) : null;
}

/** Yosys synth_ice40 → nextpnr-ice40 → icepack; see the file header. */
export async function placeAndRoute(req: PnrRequest): Promise<PnrResult> {
  const { dev, clockMHz, useHarness, clock, dsp, seed } = settings(req);
  const [yosys, nextpnr, icepack] = await Promise.all([tool('yosys'), tool('nextpnr-ice40'), icepackTool()]);
  const { files, top } = designFiles(req, useHarness, clock);
  const ysScript = `read_verilog ${files.map((f) => f.name).join(' ')}; synth_ice40 -top ${top}${dsp ? ' -dsp' : ''} -json design.json; tee -q -o stat.txt stat`;
  const pnrArgs = pnrArguments(dev, clockMHz, seed);
  const key = contentKey([
    'pnr-v1',
    yosys.version,
    nextpnr.version,
    icepack,
    ysScript,
    pnrArgs.join(' '),
    ...files.flatMap((f) => [f.name, f.text]),
  ]);
  const { dir, hit } = await cached('pnr', key, (tmp) => runFlow(tmp, { files, top, dev, ysScript, pnrArgs }, req));

  const stored = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as Stored;
  const bitstream = req.outDir ? await copyArtifacts(dir, req.outDir, req.top, dev) : null;
  return {
    top: req.top,
    device: dev.name,
    package: dev.package,
    clockMHz,
    dsp,
    seed,
    fits: stored.fits,
    overflow: stored.overflow,
    fmaxMHz: stored.fmaxMHz,
    meetsTiming: stored.fmaxMHz === null ? null : stored.fmaxMHz >= clockMHz,
    utilisation: stored.utilisation,
    capacity: stored.capacity,
    harness: {
      used: useHarness,
      description: useHarness ? HARNESS_DESCRIPTION : 'none: the top-level ports are placed on pins',
    },
    toolVersions: { yosys: yosys.version, nextpnr: nextpnr.version, icepack },
    timingReport: stored.timingReport + (stored.failure ? `\n${stored.failure}` : ''),
    bitstream,
    cacheDir: dir,
    cacheHit: hit,
    seconds: stored.seconds,
  };
}

/** Human-readable summary of one result (the text report of `axgen fpga`). */
export function formatPnr(r: PnrResult): string {
  const u = r.utilisation;
  const cap = (k: string) => (r.capacity[k] ? `/${r.capacity[k]!.available}` : '');
  const L = [
    `${r.top} on iCE40 ${r.device} (${r.package}), clock constraint ${r.clockMHz} MHz, seed ${r.seed}${r.dsp ? ', multipliers on SB_MAC16' : ', no DSP mapping'}`,
    `harness: ${r.harness.description}`,
    `utilisation: LUT4 ${u.lut4}, carry ${u.carry}, FF ${u.ff}, BRAM ${u.bram}${cap('ICESTORM_RAM')}, SB_MAC16 ${u.mac16}${cap('ICESTORM_DSP')}, logic cells ${u.lc ?? '-'}${cap('ICESTORM_LC')}`,
  ];
  if (r.fits) {
    L.push(
      `fits: yes; fmax ${r.fmaxMHz === null ? 'n/a' : `${r.fmaxMHz.toFixed(2)} MHz`} (${r.meetsTiming ? 'meets' : 'misses'} ${r.clockMHz} MHz)`,
    );
  } else if (r.overflow.length > 0) {
    L.push(
      `fits: NO — ${r.overflow.map((o) => `${o.resource} ${o.used}/${o.available} (over by ${o.over}, ${Math.round((100 * o.over) / o.available)} %)`).join('; ')}`,
    );
  } else {
    L.push('fits: NO — placement failed');
  }
  if (r.timingReport) L.push('timing (nextpnr):', ...r.timingReport.split('\n').map((l) => `  ${l.trim()}`));
  L.push(`tools: ${r.toolVersions.yosys}; ${r.toolVersions.nextpnr}; ${r.toolVersions.icepack}`);
  if (r.bitstream) L.push(`bitstream: ${r.bitstream}`);
  return L.join('\n') + '\n';
}
