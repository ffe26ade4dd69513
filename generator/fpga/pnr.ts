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
 *   timeLimitS  wall-time limit of nextpnr in seconds (default 600): past it nextpnr is ended and
 *             the result has status 'timeout' (seed and stage named), never an exception
 *   onStage   called with each stage nextpnr reaches (packing, placing, routing, …) as its log
 *             arrives: progress
 *   outDir    when given, the bitstream (.bin), the nextpnr report and logs are copied there
 *
 *   PnrResult: { status, fits, overflow[], fmaxMHz, meetsTiming, failure,
 *                utilisation{lut4,carry,ff,bram,mac16,lc,io}, capacity{resource:{used,available}},
 *                harness{used,description}, toolVersions, timingReport (text), bitstream?,
 *                seconds{synth,pnr}, cached{synth,pnr}, … }
 *                — see the interface below.
 *
 *   placeAndRouteSeeds(req, seeds, { onStage, onDone, onRetry, loopRetries }?) runs one request with several seeds in
 *   parallel (the job pool bounds how many nextpnr processes run at once) and keeps the routed run
 *   of highest fmax; when every seed ended in nextpnr's router loop it tries up to loopRetries
 *   further seeds, one at a time.
 *
 * status: 'routed' (fits=true); 'overflow' (fits=false: a resource exceeds the device: `overflow`
 * names each, used, available, over); 'unroutable' (fits=null, not known: nextpnr stopped with an
 * error, e.g. the router gave up, or was ended by a signal: `failure` quotes it); 'timeout'
 * (fits=null: the time limit passed: `failure` names the stage). Only 'routed' has an fmax. Synthesis and place and route are cached separately by
 * content hash (RTL, top, options, tool versions) in the shared build cache, so a sweep asking
 * twice pays once and several seeds share one synthesis; a timeout is not cached (a longer limit
 * may route). Every tool run goes through the shared job pool.
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
  timeLimitS?: number;
  onStage?: (stage: string) => void;
  outDir?: string;
}

/** The default wall-time limit of one nextpnr run, in seconds. */
export const DEFAULT_PNR_TIME_LIMIT_S = 600;

/** What became of one place-and-route run; see the file header. */
export type PnrStatus = 'routed' | 'overflow' | 'unroutable' | 'timeout';

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
  /** nextpnr's wall-time limit in seconds. */
  timeLimitS: number;
  status: PnrStatus;
  /**
   * Whether the design fits the device: true when routed, false when a resource overflows, null
   * when not known (status 'unroutable' or 'timeout': the resources fit, the routing did not finish).
   */
  fits: boolean | null;
  overflow: Overflow[];
  /** Why an unroutable or timed-out run stopped (nextpnr's error line, or the stage reached), else null. */
  failure: string | null;
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
  /**
   * Wall time of synthesis and of place and route, in seconds: measured in this call, or, for a step
   * served from the cache (`cached`), when that step first ran. pnr is null when place and route
   * did not run (a hard-block overflow found before placement).
   */
  seconds: { synth: number; pnr: number | null };
  /**
   * Whether each step was served from the cache, so that its `seconds` are the stored run's: pnr is
   * false when place and route did not run or timed out (a timeout is never cached); a routed,
   * unroutable or overflowing nextpnr result is cached.
   */
  cached: { synth: boolean; pnr: boolean };
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
  status: PnrStatus;
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
  timeLimitS: number;
} {
  const dev = iceDevice(req.device);
  if (!dev) throw new PnrInputError(`--device: expected one of ${DEVICE_NAMES.join(', ')}, received "${req.device}"`);
  const clockMHz = req.clockMHz ?? 50;
  if (!(clockMHz > 0 && clockMHz <= 1000))
    throw new PnrInputError(`--clock: expected a frequency in MHz between 0 and 1000, received ${req.clockMHz}`);
  const timeLimitS = req.timeLimitS ?? DEFAULT_PNR_TIME_LIMIT_S;
  if (!(timeLimitS > 0))
    throw new PnrInputError(`--pnr-time-limit: expected a positive number of seconds, received ${req.timeLimitS}`);
  return {
    dev,
    clockMHz,
    useHarness: req.harness ?? true,
    clock: req.clock ?? 'clk_i',
    dsp: (req.dsp ?? dev.dsp) && dev.dsp,
    seed: req.seed ?? 1,
    timeLimitS,
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

/** nextpnr's stage from one line of its log, or null when the line starts none. */
export function nextpnrStage(line: string): string | null {
  if (/^Info: Packing /.test(line)) return 'packing';
  if (/^Info: Creating initial analytic placement|^Info: Running main analytical placer/.test(line))
    return 'placing (analytic)';
  if (/^Info: Running simulated annealing placer/.test(line)) return 'placing (annealing)';
  if (/^Info: Routing\.\./.test(line)) return 'routing';
  if (/^Info: Critical path report/.test(line)) return 'timing report';
  return null;
}

/** Consecutive router progress lines without progress that count as nextpnr's router loop (in the P&R cache key). */
export const ROUTER_LOOP_LINES = 10;

/**
 * Watches nextpnr-ice40's router1 progress lines (`Info:  IterCnt | w/ripup wo/ripup | w/r wo/r |
 * remaining|`, one per 1,000 router iterations) for its known livelock, nextpnr issue #179 ("Infinite
 * loop in router1() for some seeds", open since 2018): every arc of each line is one it had routed
 * before, re-routed with a rip-up, none is routed without one, and the number of arcs left does not
 * move, for ever. Measured on the 4×4
 * int8 ASM array of the fmax bench (2026-12-06, seed 1): the remaining count stuck at 8,438 from
 * iteration 4,000 while seed 3 routed the same netlist in 18.7 s; before this check such a seed
 * ran until the time limit (600 s by default). Returns a function fed one output line at a time
 * that gives the loop's description once `lines` consecutive progress lines (default
 * ROUTER_LOOP_LINES, 10,000 iterations) show it, else null. A converging router routes some arcs without
 * a rip-up or changes the remaining count on every line.
 */
export function routerLoopWatch(lines = ROUTER_LOOP_LINES): (line: string) => string | null {
  let last: number | null = null;
  let same = 0;
  let since = 0;
  return (line) => {
    const m = /^Info:\s+(\d+)\s+\|\s+\d+\s+\d+\s+\|\s+\d+\s+(\d+)\s+\|\s+(\d+)\s*\|/.exec(line);
    if (!m) return null;
    const [iter, fresh, remaining] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (fresh === 0 && remaining > 0 && remaining === last) {
      if (same === 0) since = iter;
      same++;
    } else same = 0;
    last = remaining;
    return same >= lines
      ? `nextpnr's router looped: from iteration ${since - 1000} to ${iter} it only ripped up and re-routed arcs it ` +
          `had routed before, with ${remaining} arcs still waiting (nextpnr issue #179, a router bug some seeds hit; ` +
          `another seed usually routes)`
      : null;
  };
}

/** Whether a result did not route because routerLoopWatch stopped nextpnr's router loop. */
export const isRouterLoop = (r: Pick<PnrResult, 'status' | 'failure'>): boolean =>
  r.status === 'unroutable' && (r.failure?.startsWith("nextpnr's router looped") ?? false);

/** A nextpnr run past its time limit: not cached, reported as status 'timeout'. */
/**
 * nextpnr's output up to the stop of each timed-out result (not cached, and too long for the
 * result's JSON): placeAndRouteSeeds writes the kept run's to its outDir as nextpnr.log.
 */
const TIMEOUT_LOGS = new WeakMap<object, string>();

class PnrTimeout extends Error {
  constructor(
    readonly stage: string,
    readonly capacity: Record<string, { used: number; available: number }>,
    /** nextpnr's output up to the stop: written to outDir as nextpnr.log (the run is not cached). */
    readonly log: string,
  ) {
    super(`nextpnr timed out while ${stage}`);
  }
}

interface Synthesized {
  dir: string;
  hit: boolean;
  stat: Omit<Utilisation, 'lc' | 'io'>;
  seconds: number;
}

/** Yosys synth_ice40 of the design, cached: design.json, stat.txt, yosys.log and seconds.json in `dir`. */
async function synthesize(files: PnrFile[], top: string, ysScript: string, key: string): Promise<Synthesized> {
  const { dir, hit } = await cached('pnr-synth', key, async (tmp) => {
    for (const f of files) await writeFile(join(tmp, f.name), f.text);
    const t0 = Date.now();
    const ys = await jobPool.run(() => runTool('yosys', ['-q', '-l', 'yosys.log', '-p', ysScript], { cwd: tmp }));
    if (ys.exitCode !== 0) throw new Error(`yosys synth_ice40 failed on ${top}:\n${(ys.all ?? '').slice(-4000)}`);
    await writeFile(join(tmp, 'seconds.json'), JSON.stringify((Date.now() - t0) / 1000));
  });
  const stat = parseYosysStat(await readFile(join(dir, 'stat.txt'), 'utf8'));
  const seconds = JSON.parse(await readFile(join(dir, 'seconds.json'), 'utf8')) as number;
  return { dir, hit, stat, seconds };
}

/**
 * nextpnr-ice40 (and icepack) in `tmp` on the synthesized design.json; writes result.json. Throws
 * PnrTimeout past the time limit; an error of nextpnr is a stored 'unroutable' result.
 */
async function placeRouteAndPack(
  tmp: string,
  synth: Synthesized,
  dev: Device,
  pnrArgs: string[],
  timeLimitS: number,
  onStage: ((stage: string) => void) | undefined,
): Promise<void> {
  await copyFile(join(synth.dir, 'design.json'), join(tmp, 'design.json'));
  const t0 = Date.now();
  let stage = 'starting';
  let partial = '';
  const loop = routerLoopWatch();
  let looped: string | null = null;
  const np = await jobPool.run(() =>
    runTool('nextpnr-ice40', pnrArgs, {
      cwd: tmp,
      timeout: timeLimitS * 1000,
      onOutput: (text, stop) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) {
          const s = nextpnrStage(l);
          if (s && s !== stage) {
            stage = s;
            onStage?.(s);
          }
          if (looped === null && (looped = loop(l)) !== null) stop();
        }
      },
    }),
  );
  const log = np.all ?? '';
  await writeFile(join(tmp, 'nextpnr.log'), log);
  const capacity = parseNextpnrUtilisation(log);
  if (np.timedOut && looped === null) throw new PnrTimeout(stage, capacity, log);
  const overflow: Overflow[] = Object.entries(capacity)
    .filter(([, v]) => v.used > v.available)
    .map(([resource, v]) => ({ resource, used: v.used, available: v.available, over: v.used - v.available }));
  const fits = np.exitCode === 0 && overflow.length === 0 && existsSync(join(tmp, 'design.asc'));
  let failure: string | null = null;
  let fmaxMHz: number | null = null;
  let status: PnrStatus = 'routed';
  if (fits) {
    const rep = JSON.parse(await readFile(join(tmp, 'report.json'), 'utf8')) as {
      fmax?: Record<string, { achieved: number }>;
    };
    const clocks = Object.values(rep.fmax ?? {});
    fmaxMHz = clocks.length > 0 ? Math.min(...clocks.map((c) => c.achieved)) : null;
    const pk = await jobPool.run(() => runTool('icepack', ['design.asc', 'design.bin'], { cwd: tmp }));
    if (pk.exitCode !== 0) throw new Error(`icepack failed:\n${pk.all}`);
  } else if (overflow.length > 0) {
    status = 'overflow';
  } else {
    // The router gave up, the placer found no legal placement, or nextpnr crashed or was ended by
    // a signal: the design did not route with this seed. Not an axgen error.
    status = 'unroutable';
    const error = log.split('\n').find((l) => /^ERROR/.test(l));
    failure =
      looped ??
      error?.replace(/^ERROR: /, '') ??
      (np.signal
        ? `nextpnr was ended by ${np.signal} while ${stage}`
        : `nextpnr exited with ${np.exitCode} while ${stage}`);
  }
  const stored: Stored = {
    status,
    fits,
    overflow,
    fmaxMHz,
    utilisation: { ...synth.stat, lc: capacity.ICESTORM_LC?.used ?? null, io: capacity.SB_IO?.used ?? null },
    capacity,
    // Only a routed design's: before routing nextpnr prints an estimate that a seed that did not
    // route would otherwise carry into fpga.json as if it were its timing.
    timingReport: status === 'routed' ? timingLines(log) : '',
    seconds: { synth: synth.seconds, pnr: (Date.now() - t0) / 1000 },
    failure,
  };
  await writeFile(join(tmp, 'result.json'), JSON.stringify(stored, null, 2) + '\n');
}

/** A timed-out run's files in outDir: its synthesis and the nextpnr log up to the stop (TIMEOUT_LOGS). */
async function timedOutInto(r: PnrResult, outDir: string, top: string): Promise<PnrResult> {
  const bitstream = await copyArtifacts([r.cacheDir], outDir, top, iceDevice(r.device)!);
  const log = TIMEOUT_LOGS.get(r);
  if (log !== undefined) await writeFile(join(outDir, 'nextpnr.log'), log);
  return { ...r, bitstream };
}

/** Copies the logs, report and bitstream of the cache folders to outDir; the bitstream's path, or null. */
async function copyArtifacts(dirs: string[], outDir: string, top: string, dev: Device): Promise<string | null> {
  await mkdir(outDir, { recursive: true });
  let bitstream: string | null = null;
  for (const dir of dirs) {
    for (const f of ['nextpnr.log', 'yosys.log', 'report.json', 'design.bin', `${HARNESS_MODULE}.v`]) {
      if (!existsSync(join(dir, f))) continue;
      const to = join(outDir, f === 'design.bin' ? `${top}_${dev.name}.bin` : f);
      await copyFile(join(dir, f), to);
      if (f === 'design.bin') bitstream = to;
    }
  }
  return bitstream;
}

/** The request's settings, tool versions and (cached) synthesis: what every seed shares. */
async function synthesized(req: PnrRequest) {
  const set = settings(req);
  const [yosys, nextpnr, icepack] = await Promise.all([tool('yosys'), tool('nextpnr-ice40'), icepackTool()]);
  const { files, top } = designFiles(req, set.useHarness, set.clock);
  const ysScript = `read_verilog ${files.map((f) => f.name).join(' ')}; synth_ice40 -top ${top}${set.dsp ? ' -dsp' : ''} -json design.json; tee -q -o stat.txt stat`;
  const synthKey = contentKey(['pnr-synth-v1', yosys.version, ysScript, ...files.flatMap((f) => [f.name, f.text])]);
  const synth = await synthesize(files, top, ysScript, synthKey);
  return { ...set, yosys, nextpnr, icepack, synthKey, synth };
}

/** Yosys synth_ice40 → nextpnr-ice40 → icepack; see the file header. */
export async function placeAndRoute(req: PnrRequest): Promise<PnrResult> {
  const { dev, clockMHz, useHarness, dsp, seed, timeLimitS, yosys, nextpnr, icepack, synthKey, synth } =
    await synthesized(req);
  const pnrArgs = pnrArguments(dev, clockMHz, seed);

  const common = {
    top: req.top,
    device: dev.name,
    package: dev.package,
    clockMHz,
    dsp,
    seed,
    timeLimitS,
    harness: {
      used: useHarness,
      description: useHarness ? HARNESS_DESCRIPTION : 'none: the top-level ports are placed on pins',
    },
    toolVersions: { yosys: yosys.version, nextpnr: nextpnr.version, icepack },
  };
  const notRouted = (status: PnrStatus, overflow: Overflow[], failure: string | null, capacity = {}) => ({
    ...common,
    status,
    fits: fitsOf(status),
    overflow,
    failure,
    fmaxMHz: null,
    meetsTiming: null,
    utilisation: { ...synth.stat, lc: null, io: null },
    capacity,
    timingReport: failure ?? '',
    bitstream: null,
    cacheDir: synth.dir,
    seconds: { synth: synth.seconds, pnr: null as number | null },
    cached: { synth: synth.hit, pnr: false },
  });

  const hard = hardBlockOverflow(synth.stat, dev);
  if (hard.length > 0) {
    if (req.outDir) await copyArtifacts([synth.dir], req.outDir, req.top, dev);
    return notRouted('overflow', hard, null);
  }
  // The loop watch's threshold is part of the key: a seed it stopped is stored as unroutable.
  const key = contentKey(['pnr-v3', synthKey, nextpnr.version, icepack, pnrArgs.join(' '), `loop${ROUTER_LOOP_LINES}`]);
  const t0 = Date.now();
  let run: { dir: string; hit: boolean };
  try {
    run = await cached('pnr', key, (tmp) => placeRouteAndPack(tmp, synth, dev, pnrArgs, timeLimitS, req.onStage));
  } catch (e) {
    if (!(e instanceof PnrTimeout)) throw e;
    if (req.outDir) {
      await copyArtifacts([synth.dir], req.outDir, req.top, dev);
      // What nextpnr printed before it was stopped: where it was and how far it got.
      await writeFile(join(req.outDir, 'nextpnr.log'), e.log);
    }
    const r = notRouted(
      'timeout',
      [],
      `seed ${seed} did not finish within ${timeLimitS} s (stopped while ${e.stage})`,
      e.capacity,
    );
    const timedOut = { ...r, seconds: { synth: synth.seconds, pnr: (Date.now() - t0) / 1000 } };
    TIMEOUT_LOGS.set(timedOut, e.log);
    return timedOut;
  }
  const stored = JSON.parse(await readFile(join(run.dir, 'result.json'), 'utf8')) as Stored;
  const bitstream = req.outDir ? await copyArtifacts([synth.dir, run.dir], req.outDir, req.top, dev) : null;
  return {
    ...common,
    status: stored.status,
    fits: fitsOf(stored.status),
    overflow: stored.overflow,
    failure: stored.failure,
    fmaxMHz: stored.fmaxMHz,
    meetsTiming: stored.fmaxMHz === null ? null : stored.fmaxMHz >= clockMHz,
    utilisation: stored.utilisation,
    capacity: stored.capacity,
    timingReport: [stored.timingReport, stored.failure].filter((x) => x).join('\n'),
    bitstream,
    cacheDir: run.dir,
    // The synthesis figure is this call's synthesis (run or cached), like its flag.
    seconds: { synth: synth.seconds, pnr: stored.seconds.pnr },
    cached: { synth: synth.hit, pnr: run.hit },
  };
}

/** Every seed's run and the best of them (the routed run of highest fmax, else the first run). */
export interface SeedsResult {
  best: PnrResult;
  /** Every seed run, the requested ones first, then the loop retries in the order they ran. */
  runs: PnrResult[];
  /** Seeds run because every seed before them ended in nextpnr's router loop (`loopRetries`). */
  retried: number[];
}

/** Progress and retry options of placeAndRouteSeeds. */
export interface SeedsOptions {
  /** Each stage a seed's nextpnr reaches (packing, placing, routing, …), as its log arrives. */
  onStage?: (seed: number, stage: string) => void;
  /** Each seed's result as soon as that seed ends (not when every seed has). */
  onDone?: (r: PnrResult) => void;
  /** A loop retry about to start: its seed and the seeds that looped before it. */
  onRetry?: (seed: number, looped: number[]) => void;
  /** Further seeds to try, one at a time, while every seed so far ended in the router loop (default 0). */
  loopRetries?: number;
}

/** How many further seeds `axgen fpga` tries when every seed so far ended in the router loop. */
export const DEFAULT_LOOP_RETRIES = 3;

/**
 * placeAndRoute with each of `seeds` (a non-empty list of distinct non-negative integers), in
 * parallel through the job pool; one synthesis serves all. Only the best run's files go to
 * `req.outDir`. `opts.onStage(seed, stage)` reports each run's progress, `opts.onDone(result)` each
 * seed's end as it happens, `opts.onRetry(seed, looped)` each loop retry before it starts.
 *
 * When no seed routed and every one ended in nextpnr's router loop (routerLoopWatch: nextpnr issue
 * #179, a bug of the router that another seed avoids), up to `loopRetries` further seeds run one
 * after another, the next integers above the largest tried, until one ends otherwise. One at a
 * time, so which seeds run does not depend on the job pool's size: the same request gives the
 * same result on any machine. 0 turns this off.
 */
export async function placeAndRouteSeeds(
  req: Omit<PnrRequest, 'seed' | 'onStage'>,
  seeds: readonly number[],
  opts: SeedsOptions = {},
): Promise<SeedsResult> {
  const { onStage, onDone, onRetry, loopRetries = 0 } = opts;
  if (seeds.length === 0) throw new PnrInputError('--seeds: expected at least one seed, received none');
  if (!(Number.isInteger(loopRetries) && loopRetries >= 0))
    throw new PnrInputError(`--loop-retries: expected a non-negative integer, received ${String(loopRetries)}`);
  const { outDir, ...rest } = req;
  // Synthesis first (cached), so the parallel runs share it rather than each starting Yosys: each
  // run then finds it in the cache, and whether it was cached is this first call's answer.
  const synthHit = (await synthesized(rest)).synth.hit;
  const run = (seed: number) =>
    placeAndRoute({ ...rest, seed, onStage: (s) => onStage?.(seed, s) }).then((r) => {
      const withSynth = { ...r, cached: { ...r.cached, synth: synthHit } };
      const log = TIMEOUT_LOGS.get(r);
      if (log !== undefined) TIMEOUT_LOGS.set(withSynth, log);
      onDone?.(withSynth);
      return withSynth;
    });
  const runs = await Promise.all(seeds.map(run));
  const retried: number[] = [];
  let next = Math.max(...seeds) + 1;
  while (retried.length < loopRetries && runs.every((r) => isRouterLoop(r))) {
    onRetry?.(
      next,
      runs.map((r) => r.seed),
    );
    retried.push(next);
    runs.push(await run(next));
    next++;
  }
  const routed = runs.filter((r) => r.status === 'routed');
  const pick = routed.length > 0 ? routed.reduce((a, b) => ((b.fmaxMHz ?? 0) > (a.fmaxMHz ?? 0) ? b : a)) : runs[0]!;
  // The chosen run again, from the cache, to copy its files (a timed-out run reruns only its copy).
  const best =
    outDir === undefined
      ? pick
      : pick.status === 'timeout'
        ? await timedOutInto(pick, outDir, req.top)
        : {
            ...(await placeAndRoute({ ...rest, seed: pick.seed, outDir })),
            seconds: pick.seconds,
            cached: pick.cached,
          };
  return { best, runs: runs.map((r) => (r === pick ? best : r)), retried };
}

/** What the DSP mapping did: `-dsp` asked for may still leave every multiplier in LUTs. */
function dspMapping(r: PnrResult): string {
  if (!r.dsp) return 'no DSP mapping';
  return r.utilisation.mac16 > 0
    ? 'multipliers on SB_MAC16'
    : 'DSP mapping on (synth_ice40 -dsp), no multiplier mapped to SB_MAC16';
}

/** PnrResult.fits of a status: routed fits, an overflow does not, and otherwise it is not known. */
export function fitsOf(status: PnrStatus): boolean | null {
  return status === 'routed' ? true : status === 'overflow' ? false : null;
}

/** Human-readable summary of one result (the text report of `axgen fpga`). */
export function formatPnr(r: PnrResult): string {
  const u = r.utilisation;
  const cap = (k: string) => (r.capacity[k] ? `/${r.capacity[k]!.available}` : '');
  const L = [
    `${r.top} on iCE40 ${r.device} (${r.package}), clock constraint ${r.clockMHz} MHz, seed ${r.seed}, ${dspMapping(r)}`,
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
  } else if (r.status === 'timeout') {
    L.push(`fits: not known — place and route timed out: ${r.failure}`);
  } else {
    // Not routed is not "does not fit": the resources fit (utilisation above), the router or placer failed.
    L.push(`fits: not known — did not route with seed ${r.seed}: ${r.failure ?? 'placement failed'}`);
  }
  // nextpnr models these parts on the 8k die; the datasheet's figure is what a buyer compares.
  const part = iceDevice(r.device)?.datasheetCells;
  if (part !== undefined && (u.lc ?? 0) > part)
    L.push(
      `note: ${u.lc} logic cells is more than the ${part} of the ${r.device.toUpperCase()} datasheet: nextpnr places ${r.device} on the 8k die (${r.capacity.ICESTORM_LC?.available ?? 7680} cells), which Lattice sells with ${part} usable`,
    );
  if (r.timingReport && r.fits) L.push('timing (nextpnr):', ...r.timingReport.split('\n').map((l) => `  ${l.trim()}`));
  L.push(`tools: ${r.toolVersions.yosys}; ${r.toolVersions.nextpnr}; ${r.toolVersions.icepack}`);
  if (r.bitstream) L.push(`bitstream: ${r.bitstream}`);
  return L.join('\n') + '\n';
}

/**
 * The last stdout line of `axgen fpga`: seconds of synthesis and of place and route of the kept
 * result, each marked when it was read from the cache (the seconds are then the ones measured when
 * it first ran). With several seeds, `all` adds what this run took: its wall time for synthesis and
 * every seed's place and route, and how many seeds nextpnr placed now (the rest came from the cache).
 */
export function formatTimings(r: PnrResult, all?: { seeds: number; placed: number; seconds: number }): string {
  const stored = 'measured when first run';
  const synth = `synthesis ${r.seconds.synth.toFixed(1)} s`;
  if (r.seconds.pnr === null)
    return `${synth}${r.cached.synth ? ` (cached: ${stored})` : ''}, place and route not run (the hard blocks overflow before placement)`;
  const pnr = `place and route ${r.seconds.pnr.toFixed(1)} s${all && all.seeds > 1 ? ` for seed ${r.seed}` : ''}`;
  const kept =
    r.cached.synth && r.cached.pnr
      ? `${synth}, ${pnr} (both cached: ${stored})`
      : r.cached.synth
        ? `${synth} (cached: ${stored}), ${pnr}`
        : r.cached.pnr
          ? `${synth}, ${pnr} (place and route cached: ${stored})`
          : `${synth}, ${pnr}`;
  if (!all || all.seeds < 2) return kept;
  const fromCache = all.seeds - all.placed;
  return (
    `${kept}; this run: ${all.seconds.toFixed(1)} s for ${all.seeds} seeds` +
    (fromCache === 0
      ? ''
      : all.placed === 0
        ? ', all from the cache'
        : ` (${all.placed} placed, ${fromCache} from the cache)`)
  );
}

/** One line per seed of a multi-seed run: its fmax or why it has none, and which was kept. */
export function formatSeeds(s: SeedsResult): string {
  if (s.runs.length < 2) return '';
  const one = (r: PnrResult) =>
    r.status === 'routed'
      ? `${r.fmaxMHz === null ? 'n/a' : `${r.fmaxMHz.toFixed(2)} MHz`}`
      : r.status === 'timeout'
        ? `timed out (${r.timeLimitS} s)`
        : r.status === 'overflow'
          ? 'does not fit'
          : isRouterLoop(r)
            ? 'did not route (router loop)'
            : 'did not route';
  const why =
    s.retried.length > 0
      ? `; seed${s.retried.length > 1 ? 's' : ''} ${s.retried.join(', ')} tried because nextpnr's router looped on every seed before (--loop-retries)`
      : '';
  return (
    `seeds: ${s.runs.map((r) => `${r.seed} → ${one(r)}`).join('; ')}; ` +
    `${s.best.status === 'routed' ? `kept seed ${s.best.seed} (${s.runs.filter((r) => r.status === 'routed').length > 1 ? 'highest fmax' : 'the only one routed'})` : 'none routed'}${why}\n`
  );
}
