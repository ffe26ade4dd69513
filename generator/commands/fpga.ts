/**
 * `axgen fpga <config> --device up5k|hx8k|hx1k|lp8k|… [--clock MHz] [--seeds 1,2,3|N]
 * [--loop-retries N] [--pnr-time-limit S] [--out DIR] [--json FILE]`:
 * place and route the generated IP on an iCE40 (generator/fpga/pnr.ts): Yosys synth_ice40,
 * nextpnr-ice40 with the clock constraint, icepack. The top is `<name>_axi_top` when the config
 * sets `interface: "axi"`, else `<name>_top`, wrapped in the serial-in / XOR-out timing harness
 * (generator/fpga/harness.ts) unless --no-harness.
 *
 * Writes, atomically, to --out (default rtl-out/<name>-<device>/): the emitted RTL, the harness,
 * fpga.json (the PnrResult), fpga.txt (the text report), the bitstream <top>_<device>.bin when the
 * design fits, nextpnr.log, yosys.log and nextpnr's report.json. --json FILE also writes fpga.json
 * there. Exit codes: 0 fits, 4 does not fit (the report names the resource and the overflow), did
 * not route or ran past --pnr-time-limit with every seed (the report names the seeds and what to
 * try), or the gate-level check refused the netlist (nothing written), 1 bad input (nothing
 * written), 2 missing tool, 3 internal error.
 *
 * --seeds runs nextpnr with each seed in parallel (the job pool: --jobs / AXGEN_JOBS) and keeps the
 * routed run of highest fmax; the report lists every seed. When nextpnr's router loops on every seed
 * (pnr.ts routerLoopWatch), up to --loop-retries (default 3) further seeds run one at a time. Progress (each step and nextpnr's stage
 * per seed, with seconds) goes to stderr on a terminal, or with --progress.
 *
 * Before anything is written, the IP's stream core (`<name>_top`, synthesized flattened with the
 * same `synth_ice40 [-dsp]` as the bitstream, without the timing harness) is co-simulated at gate
 * level against the golden model (sim/gate.ts: a short seeded GEMM plus the directed corner tiles,
 * Icarus); a netlist that disagrees is refused. --no-verify skips the check and the reports say so.
 */
import type { CommandModule } from 'yargs';
import { show } from '../infra/errors.js';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { checkReportFile, writeFileAtomically } from '../infra/files.js';
import { generate } from '../emit/generate.js';
import {
  checkDistinctOutputs,
  checkOutFolder,
  outputArg,
  OUT_EXISTING_HELP,
  replaceFolderAtomically,
} from '../infra/write.js';
import { interfaceOf } from '../interface/index.js';
import { DEVICE_NAMES, iceDevice } from '../fpga/devices.js';
import {
  DEFAULT_PNR_TIME_LIMIT_S,
  formatPnr,
  DEFAULT_LOOP_RETRIES,
  formatSeeds,
  formatTimings,
  isRouterLoop,
  placeAndRouteSeeds,
} from '../fpga/pnr.js';
import { activity, progressWanted } from '../infra/progress.js';
import { formatGateReport, gateCosim, gateSummary } from '../../sim/gate.js';
import { fitHints } from '../fpga/hints.js';
import { requireTools } from '../infra/tools.js';
import { derive, unitLabel } from '../config/derive.js';
import { ConfigSession, EXIT_USER, forceOption, jobsOption, runCommand, EXIT_CHECK_FAILED } from './common.js';
import { targetHintsOf } from '../units/index.js';
import { checkJobs } from './checks.js';
import { USAGE } from './usage.js';
import { describeCases } from '../../sim/run.js';
import { usableCacheRoot } from '../infra/cache.js';

interface Args {
  config: string;
  device: string;
  clock: number;
  out?: string;
  json?: string;
  dsp: boolean;
  harness: boolean;
  seed?: number;
  loopRetries: number;
  seeds?: string;
  pnrTimeLimit: number;
  jobs?: number;
  progress?: boolean;
  verify: boolean;
  force: boolean;
}

/** The longest --pnr-time-limit: Node's timer limit, 2^31 - 1 ms, in whole seconds. */
const MAX_PNR_TIME_LIMIT_S = Math.floor((2 ** 31 - 1) / 1000);

export const fpgaCommand: CommandModule<object, Args> = {
  command: USAGE.fpga.command,
  describe: USAGE.fpga.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.ts or .json)' })
      .option('device', { type: 'string', demandOption: true, describe: `iCE40 device: ${DEVICE_NAMES.join(', ')}` })
      .option('clock', {
        type: 'number',
        default: 50,
        describe: 'clock constraint in MHz (the achieved fmax is reported either way)',
      })
      .option('out', {
        type: 'string',
        describe: `output folder (default: rtl-out/<name>-<device>); ${OUT_EXISTING_HELP}`,
      })
      .option('json', {
        type: 'string',
        describe:
          'also write the JSON report to this file (an existing file only if it is an axgen report of this kind, unless --force)',
      })
      .option('force', forceOption)
      .option('dsp', {
        type: 'boolean',
        default: true,
        describe: 'map multipliers to SB_MAC16 on devices that have them (--no-dsp: LUTs only)',
      })
      .option('harness', {
        type: 'boolean',
        default: true,
        describe: 'wrap the top in the 4-pin timing harness (--no-harness: its ports become pins)',
      })
      .option('seed', { type: 'number', describe: 'nextpnr placement seed (default 1); --seeds tries several' })
      .option('seeds', {
        type: 'string',
        describe:
          'nextpnr seeds to try in parallel, keeping the highest fmax: a list (1,2,3) or a count N (seeds 1..N)',
      })
      .option('loop-retries', {
        type: 'number',
        default: DEFAULT_LOOP_RETRIES,
        describe:
          "when nextpnr's router loops on every seed tried (a router bug another seed avoids), try up to this many further seeds, one at a time (0: none)",
      })
      .option('jobs', jobsOption)
      .option('pnr-time-limit', {
        type: 'number',
        default: DEFAULT_PNR_TIME_LIMIT_S,
        describe: 'seconds each nextpnr run may take; past it the run is stopped and reported as timed out',
      })
      .option('progress', {
        type: 'boolean',
        describe:
          "show each step and nextpnr's stage per seed on stderr (default: on a terminal only; --no-progress: never)",
      })
      .option('verify', {
        type: 'boolean',
        default: true,
        describe:
          "co-simulate the IP core's netlist (synth_ice40 as for the bitstream, Yosys cell models) against the golden model before writing a bitstream (--no-verify: skip, stated in the report)",
      }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      if (!iceDevice(argv.device)) {
        process.stderr.write(
          `✖ --device: expected one of ${DEVICE_NAMES.join(', ')}, received "${argv.device}"\nNothing was written.\n`,
        );
        return EXIT_USER;
      }
      if (!(Number.isFinite(argv.clock) && argv.clock > 0 && argv.clock <= 1000)) {
        process.stderr.write(
          `✖ --clock: expected a frequency in MHz, 0 < f <= 1000, received ${show(argv.clock)}\nNothing was written.\n`,
        );
        return EXIT_USER;
      }
      const seeds = seedsOf(argv.seed, argv.seeds);
      if (typeof seeds === 'string') {
        process.stderr.write(`✖ ${seeds}\nNothing was written.\n`);
        return EXIT_USER;
      }
      if (!(Number.isInteger(argv.loopRetries) && argv.loopRetries >= 0 && argv.loopRetries <= 64)) {
        process.stderr.write(
          `✖ --loop-retries: expected an integer from 0 to 64, received ${show(argv.loopRetries)}\nNothing was written.\n`,
        );
        return EXIT_USER;
      }
      // Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer limit would fire at once.
      if (!(Number.isFinite(argv.pnrTimeLimit) && argv.pnrTimeLimit > 0 && argv.pnrTimeLimit <= MAX_PNR_TIME_LIMIT_S)) {
        process.stderr.write(
          `✖ --pnr-time-limit: expected a number of seconds, 0 < s <= ${MAX_PNR_TIME_LIMIT_S}, received ${show(argv.pnrTimeLimit)}\nNothing was written.\n`,
        );
        return EXIT_USER;
      }
      // --seeds run nextpnr in parallel through the job pool; --jobs sizes it (as for sim, regress, sweep).
      checkJobs(argv.jobs, 'axgen fpga');
      const given = outputArg(argv.out, '--out', 'default');
      const jsonFile = outputArg(argv.json, '--json', 'none');
      if (given !== undefined) await checkOutFolder(given, { force: argv.force, command: 'fpga' });
      if (jsonFile !== undefined) await checkReportFile(jsonFile, { arg: '--json', force: argv.force, kind: 'fpga' });
      const c = await s.load(argv.config);
      // Every tool the run needs, checked before any work, so one message names all that are missing.
      await requireTools(['yosys', 'nextpnr-ice40', 'icepack', ...(argv.verify ? (['iverilog'] as const) : [])]);
      const g = generate(c);
      const top = interfaceOf(c).top(c);
      const out = resolve(given ?? join('rtl-out', `${c.name}-${argv.device}`));
      // The default folder too is checked before any work (the gate check and place and route are slow).
      if (given === undefined) await checkOutFolder(out, { force: argv.force, command: 'fpga' });
      // The report may not be the folder or lie in it (the folder is replaced whole).
      checkDistinctOutputs([
        { arg: '--out', file: out, folder: true },
        { arg: '--json', file: jsonFile },
      ]);
      // The build cache (AXGEN_CACHE): checked, and made when absent, before any build.
      usableCacheRoot();
      const dsp = argv.dsp && iceDevice(argv.device)!.dsp;
      let verification: ReturnType<typeof gateSummary> | string =
        'skipped (--no-verify): the netlist was not co-simulated';
      const steps = activity(progressWanted(argv.progress));
      if (argv.verify) {
        const endGate = steps.start('gate-level check (synth_ice40 netlist, Icarus)');
        const gate = await gateCosim(c, {
          flow: { target: 'ice40', dsp },
          simulators: ['icarus'],
          seed: 1,
          stall: 0.1,
          source: argv.config,
          ip: true,
          // What the check depends on: the config, the device and its DSP mapping (not --clock or
          // the seeds, which come after it); --no-dsp only where the device has DSPs to turn off.
          replay: `axgen fpga ${argv.config} --device ${argv.device}${!dsp && iceDevice(argv.device)!.dsp ? ' --no-dsp' : ''}`,
        }).finally(() => endGate());
        const text = formatGateReport(gate);
        if (!gate.passed) {
          process.stderr.write(
            `${text}✖ refused: the synthesized netlist disagrees with the golden model; no bitstream was written (nothing was written).\n`,
          );
          return EXIT_CHECK_FAILED;
        }
        process.stdout.write(text);
        verification = gateSummary(gate);
      }
      const verifiedLine =
        typeof verification === 'string'
          ? `gate-level check: ${verification}\n`
          : `gate-level check: passed (${verification.netlist} netlist, ${verification.synthesis}, stimulus seed ${verification.seed}: ${describeCases(verification)})\n`;
      // Everything (RTL, harness, logs, bitstream, reports) goes into a temporary sibling renamed into place.
      const { r, json, text, all } = await replaceFolderAtomically(
        out,
        async (tmp) => {
          for (const f of g.out) await writeFile(join(tmp, f.name), f.text);
          const stage = new Map<number, (note?: string) => void>();
          let endSynth: ((note?: string) => void) | undefined = steps.start('synthesis (synth_ice40)');
          const t0 = performance.now();
          const {
            best: r,
            runs,
            retried,
          } = await placeAndRouteSeeds(
            {
              files: g.files,
              top,
              device: argv.device,
              clockMHz: argv.clock,
              dsp: argv.dsp,
              harness: argv.harness,
              timeLimitS: argv.pnrTimeLimit,
              outDir: tmp,
            },
            seeds,
            {
              loopRetries: argv.loopRetries,
              onStage: (seed, name) => {
                endSynth?.();
                endSynth = undefined;
                stage.get(seed)?.();
                stage.set(seed, steps.start(`nextpnr seed ${seed}: ${name}`));
              },
              // Each seed's last stage ends as soon as the seed does, saying how when it did not route.
              onDone: (run) => {
                const note =
                  run.status === 'routed' || run.status === 'overflow'
                    ? undefined
                    : isRouterLoop(run)
                      ? 'stopped: router loop'
                      : run.status === 'timeout'
                        ? 'stopped: time limit'
                        : 'did not route';
                const end = stage.get(run.seed);
                stage.delete(run.seed);
                if (end) return end(note);
                // Served from the cache (no nextpnr stage ran): one line saying so.
                if (run.cached.pnr) {
                  endSynth?.(run.cached.synth ? 'cached' : undefined);
                  endSynth = undefined;
                  steps.start(`nextpnr seed ${run.seed}`)(`from the cache${note ? `: ${note}` : ''}`);
                }
              },
              onRetry: (seed, looped) => {
                endSynth?.();
                endSynth = undefined;
                stage.set(
                  seed,
                  steps.start(
                    `nextpnr seed ${seed}: started because the router looped on seed${looped.length > 1 ? 's' : ''} ${looped.join(', ')} (--loop-retries)`,
                  ),
                );
              },
            },
          )
            .then((x) => {
              // No nextpnr stage came (place and route not run, or served from the cache): the
              // synthesis step ends here, "cached" only if it was.
              endSynth?.(x.best.cached.synth ? 'cached' : undefined);
              return x;
            })
            .finally(() => {
              endSynth?.();
              for (const end of stage.values()) end();
              steps.stop();
            });
          const final = {
            ...r,
            ...(runs.length > 1
              ? {
                  seeds: runs.map((x) => ({ seed: x.seed, status: x.status, fmaxMHz: x.fmaxMHz, failure: x.failure })),
                }
              : {}),
            ...(retried.length > 0 ? { loopRetried: retried } : {}),
            bitstream: r.bitstream ? join(out, basename(r.bitstream)) : null,
            config: { name: c.name, unit: unitLabel(c), hash: c.hash },
            verification,
          };
          // Timings and cache state stay out of the files, so the same input writes the same bytes.
          const { cacheDir: _cacheDir, cached: _cached, seconds: _seconds, ...stable } = final;
          const json = JSON.stringify(stable, null, 2) + '\n';
          // Which design this is: the unit label as sim and synth print it (carry-save sum, pipeline, features).
          const head = `config: ${c.name} (${unitLabel(c)}, sha256:${c.hash.slice(0, 12)})\n`;
          // What to try (a fit or routing failure) and the unit's advice for iCE40: in fpga.txt too, so
          // they outlive the terminal, and ahead of the timings, which stay the last stdout line.
          const hints = [
            ...fitHints(r, {
              rows: c.array.rows,
              cols: c.array.cols,
              dsp: argv.dsp,
              harness: argv.harness,
              // Every seed tried, the loop retries too: the hint suggests seeds above them.
              seeds: runs.map((x) => x.seed),
              outputStage: derive(c).out !== null,
              unit: c.multiplier.kind,
              sumChains: derive(c).sumChains,
            }),
            ...targetHintsOf(c.multiplier, 'ice40', { stages: derive(c).peStages > 0 }),
          ];
          const text =
            head +
            formatPnr(final) +
            formatSeeds({ best: r, runs, retried }) +
            verifiedLine +
            hints.map((h) => `hint: ${h}\n`).join('');
          await writeFile(join(tmp, 'fpga.json'), json);
          await writeFile(join(tmp, 'fpga.txt'), text);
          // This run's wall time of synthesis and place and route (every seed), and how many seeds
          // nextpnr placed now rather than read from the cache: a run of several seeds reports both.
          const all = {
            seeds: runs.length,
            placed: runs.filter((x) => x.seconds.pnr !== null && !x.cached.pnr).length,
            seconds: (performance.now() - t0) / 1000,
          };
          return { r, json, text, all };
        },
        {
          force: argv.force,
          command: 'fpga',
          // A run that wrote no bitstream (did not fit or route) does not cost the user the one
          // an earlier run left in the folder: that folder is moved aside, not emptied.
          keepOld: async (old, { r }) =>
            (await hasBitstream(old)) && !r.bitstream ? 'it holds a bitstream and this run wrote none' : undefined,
        },
      );
      if (jsonFile !== undefined)
        await writeFileAtomically(jsonFile, json, { arg: '--json', force: argv.force, kind: 'fpga' });
      // The seconds stay out of fpga.txt and fpga.json (see above): on stdout only.
      process.stdout.write(`${text}${formatTimings(r, all)} → ${out}/\n`);
      return r.fits ? 0 : EXIT_CHECK_FAILED;
    }, s.hash);
  },
};

/** Whether an `fpga` output folder holds the bitstream its fpga.json names. */
async function hasBitstream(dir: string): Promise<boolean> {
  try {
    const report = JSON.parse(await readFile(join(dir, 'fpga.json'), 'utf8')) as { bitstream?: unknown };
    return typeof report.bitstream === 'string' && existsSync(join(dir, basename(report.bitstream)));
  } catch {
    return false;
  }
}

/** The seeds to try: --seeds (a list "1,2,3" or a count "N" meaning 1..N), else --seed, else [1]; a message on bad input. */
export function seedsOf(seed: number | undefined, seeds: string | undefined): number[] | string {
  if (seed !== undefined && seeds !== undefined) return `--seed and --seeds: expected one of them, received both`;
  if (seeds === undefined) {
    if (seed === undefined) return [1];
    return Number.isInteger(seed) && seed >= 0
      ? [seed]
      : `--seed: expected a non-negative integer, received ${show(seed)}`;
  }
  const text = String(seeds).trim();
  const bad = `--seeds: expected a comma-separated list of distinct non-negative integers (1,2,3) or a count N from 1 to 64 (seeds 1..N), received ${show(seeds)}`;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 64 ? Array.from({ length: n }, (_, i) => i + 1) : bad;
  }
  if (!/^\d+(\s*,\s*\d+)+$/.test(text)) return bad;
  const list = text.split(',').map((x) => Number(x.trim()));
  return new Set(list).size === list.length && list.length <= 64 && list.every(Number.isSafeInteger) ? list : bad;
}
