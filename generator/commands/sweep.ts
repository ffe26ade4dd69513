/** `axgen sweep` and `axgen sweep-merge`. The sweep handler runs four named steps: plan, progress, interrupt handling, summary. */
import type { CommandModule } from 'yargs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { TARGETS, type Target } from '../estimate/targets.js';
import { jobPool } from '../infra/pool.js';
import { setCacheFolder, usableCacheRoot } from '../infra/cache.js';
import { checkGrid, expandGrid, loadSweep, parseShard, shortOfK, type Grid, type Sweep } from '../sweep/spec.js';
import { unitFor } from '../units/index.js';
import { runSweep, SweepInterrupted, type RunEvents, type RunOptions, type RunStats } from '../sweep/run.js';
import { mergeResults, type SweepResults } from '../sweep/results.js';
import { OUTPUT_FILES, readShard, writeOutputs } from '../sweep/output.js';
import { errorHeadline } from '../sweep/report.js';
import { count } from '../infra/text.js';
import { checkOutFolder, outputArg, OUT_EXISTING_HELP } from '../infra/write.js';
import { forceOption, runCommand, EXIT_POINTS_FAILED, jobsOption } from './common.js';
import { checkJobs, checkTarget } from './checks.js';
import { USAGE } from './usage.js';

interface SweepArgs {
  spec: string;
  out?: string;
  target?: string;
  jobs?: number;
  shard?: string;
  cache?: string;
  progress?: boolean;
  force: boolean;
}

/** What one `axgen sweep` run does: the loaded sweep, the shard it runs, and the results folder. */
interface SweepPlan {
  sweep: Sweep;
  shard: NonNullable<RunOptions['shard']> | null;
  out: string;
}

/**
 * Step 1: the arguments checked (target, --jobs, shard, cache), the sweep loaded and its results
 * folder chosen and checked, all before any point runs.
 * @throws ConfigError naming the argument or the sweep file's JSON path
 */
async function planSweep(argv: SweepArgs): Promise<SweepPlan> {
  const given = outputArg(argv.out, '--out', 'default');
  let target: Target | undefined;
  if (argv.target !== undefined) {
    target = checkTarget(argv.target, 'axgen sweep');
  }
  checkJobs(argv.jobs, 'axgen sweep');
  const shard = argv.shard !== undefined ? parseShard(argv.shard) : null;
  const cache = outputArg(argv.cache, '--cache', 'default');
  setCacheFolder(cache, '--cache');
  const sweep = await loadSweep(argv.spec, target ? { target } : {});
  const s = sweep.spec;
  // An empty grid, one of only invalid points, or a GEMM no point can run: refused before anything else.
  const grid = expandGrid(sweep);
  checkGrid(grid, sweep, argv.spec);
  const out = given ?? join('rtl-out', `sweep-${s.name}${shard ? `-shard-${shard.index}-of-${shard.count}` : ''}`);
  // Refused before any point runs, not after the sweep.
  await checkOutFolder(out, { force: argv.force, command: 'sweep' });
  // The cache folder too (--cache or AXGEN_CACHE): each point would fail on it, and the results be written.
  usableCacheRoot();
  await checkUserUnits(grid);
  return { sweep, shard, out };
}

/**
 * Imported circuits among the points are checked against their tables before any point runs, as a
 * command does for its config (sim/external-check.ts; verdicts cached): exit 4 naming the pair.
 */
async function checkUserUnits(grid: Grid): Promise<void> {
  const seen = new Set<string>();
  for (const p of grid.points) {
    const c = p.config;
    if (!c || !unitFor(c.multiplier.kind).checkBeforeUse) continue;
    const key = JSON.stringify([c.multiplier, c.precision.activation, c.precision.weight]);
    if (seen.has(key)) continue;
    seen.add(key);
    const { checkBeforeUse } = await import('../../sim/external-check.js');
    await checkBeforeUse(c);
  }
}

/** The progress of a running sweep: runSweep's hooks, and stop() for the bar. */
interface SweepProgress {
  hooks: RunEvents;
  stop(): void;
}

/** Step 2: a progress bar on a terminal (`tty`), else one plain line per point, on stderr. */
function sweepProgress(plan: SweepPlan, tty: boolean): SweepProgress {
  const { spec: s } = plan.sweep;
  const { shard } = plan;
  let bar: cliProgress.SingleBar | null = null;
  let done = 0;
  let total = 0;
  const counts = { cached: 0, failed: 0, invalid: 0 };
  return {
    stop: () => bar?.stop(),
    hooks: {
      onStart(n: number) {
        total = n;
        process.stderr.write(
          `sweep ${s.name}: ${count(n, 'point')}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}, target ${s.target}, ${count(jobPool.size, 'job')}\n`,
        );
        if (tty) {
          bar = new cliProgress.SingleBar(
            {
              format:
                '{bar} {value}/{total} points | {percentage}% | ETA {eta_formatted} | {cached} cached, {failed} failed, {invalid} invalid | {last}',
              hideCursor: true,
              etaBuffer: 8,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(n, 0, { ...counts, last: '' });
        }
      },
      onPoint(p, info) {
        done++;
        if (info.cached) counts.cached++;
        if (p.status === 'failed') counts.failed++;
        if (p.status === 'invalid') counts.invalid++;
        const what =
          p.status === 'ok'
            ? info.cached
              ? 'cached'
              : `${info.seconds.toFixed(1)} s`
            : `${p.status}: ${errorHeadline(p.error)}`;
        if (bar) bar.update(done, { ...counts, last: `${p.name} ${what}`.slice(0, 60) });
        else process.stderr.write(`[${done}/${total}] ${p.name} (${p.label}) ${what}\n`);
      },
    },
  };
}

/**
 * Step 3: the first Ctrl-C lets the points in flight finish (runSweep then throws SweepInterrupted
 * and nothing is written), a second one exits 130 at once. Returns the function that removes the
 * handler.
 */
function interruptible(abort: AbortController, progress: SweepProgress): () => void {
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    progress.stop();
    process.stderr.write(
      '\n✖ interrupted: finishing the points in flight (Ctrl-C again to stop now; finished points stay cached)\n',
    );
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}

/** Step 4: the summary on stdout; exit 5 when the sweep ran but some points have no figures (invalid or failed). */
function summarize(plan: SweepPlan, results: SweepResults, stats: RunStats): number {
  const { out } = plan;
  const name = plan.sweep.spec.name;
  const c = statusCounts(results);
  process.stdout.write(
    `${c.bad > 0 ? '✖' : '✔'} sweep ${name}: ${count(results.points.length, 'point')} (${c.ok} ok, ${c.invalid} invalid, ${c.failed} failed; ${stats.cached} from the cache, ${stats.computed} computed) ` +
      `in ${stats.seconds.toFixed(1)} s → ${out}/ (${OUTPUT_FILES.join(', ')})\n`,
  );
  return pointNotes(results, out);
}

/** How many of the results' points are ok, invalid and failed; `bad`: those without figures. */
function statusCounts(r: SweepResults): { ok: number; invalid: number; failed: number; bad: number } {
  const n = (s: string) => r.points.filter((p) => p.status === s).length;
  const invalid = n('invalid');
  const failed = n('failed');
  return { ok: n('ok'), invalid, failed, bad: invalid + failed };
}

/**
 * The summary's notes on the points, the same for `sweep` and `sweep-merge` (from the points, so a
 * merge says what the unsharded sweep says): the points without figures, and those without a
 * throughput figure because gemm.k is above their array.maxK. Returns the exit code: 5 when some
 * point has no figures, else 0.
 */
function pointNotes(r: SweepResults, out: string): number {
  const c = statusCounts(r);
  if (c.bad > 0) {
    process.stdout.write(
      `  ${c.bad} of ${count(r.points.length, 'point')} ${c.bad === 1 ? 'has' : 'have'} no figures (${count(c.invalid, 'invalid config')}, ${count(c.failed, 'failed run')}); ` +
        `their errors are in the "status" and "error" columns of ${out}/results.csv\n`,
    );
  }
  const short = shortOfK(r.points, r.sweep.gemm.k);
  if (short.length > 0) {
    const list = short.map((p) => `#${p.index} ${p.name} (maxK ${p.config!.array.maxK})`);
    process.stdout.write(
      `  note: no throughput for ${short.length} of ${count(r.points.length, 'point')}, whose array.maxK is below gemm.k = ${r.sweep.gemm.k}: ` +
        `${list.slice(0, 10).join(', ')}${list.length > 10 ? `, and ${list.length - 10} more` : ''}\n`,
    );
  }
  return c.bad > 0 ? EXIT_POINTS_FAILED : 0;
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: USAGE.sweep.command,
  describe: USAGE.sweep.describe,
  builder: (y) =>
    y
      .positional('spec', {
        type: 'string',
        demandOption: true,
        describe: 'sweep file (.ts with `export default defineSweep({...})`, or .json)',
      })
      .option('out', {
        type: 'string',
        describe: `results folder (default: rtl-out/sweep-<name>[-shard-i-of-N]); ${OUT_EXISTING_HELP}`,
      })
      .option('force', forceOption)
      .option('target', { type: 'string', describe: `override the sweep's synthesis target: ${TARGETS.join(', ')}` })
      .option('jobs', jobsOption)
      .option('shard', {
        type: 'string',
        describe: 'run only shard i of N ("i/N", 1 ≤ i ≤ N): every N-th point; combine with `axgen sweep-merge`',
      })
      .option('cache', {
        type: 'string',
        describe:
          'build cache folder, created when absent (default: AXGEN_CACHE, else .axgen-cache/ in the root of the axgen checkout the command runs from, not the current folder)',
      })
      .option('progress', {
        type: 'boolean',
        default: true,
        describe: 'progress bar on a terminal (plain lines otherwise); --no-progress for plain lines',
      }) as never,
  handler: async (argv) => {
    await runCommand(async () => {
      const plan = await planSweep(argv);
      const progress = sweepProgress(plan, process.stderr.isTTY === true && argv.progress !== false);
      const abort = new AbortController();
      const stopOnSigint = interruptible(abort, progress);
      try {
        const { results, stats } = await runSweep(plan.sweep, {
          shard: plan.shard,
          signal: abort.signal,
          ...progress.hooks,
        });
        progress.stop();
        await writeOutputs(plan.out, results, { force: argv.force, command: 'sweep' });
        return summarize(plan, results, stats);
      } catch (e) {
        if (e instanceof SweepInterrupted) {
          process.stderr.write(`✖ ${e.message}; nothing was written.\n`);
          return 130;
        }
        throw e;
      } finally {
        stopOnSigint();
      }
    });
  },
};

interface MergeArgs {
  shards: string[];
  out: string;
  force: boolean;
}

export const sweepMergeCommand: CommandModule<object, MergeArgs> = {
  command: USAGE.sweepMerge.command,
  aliases: [...USAGE.sweepMerge.aliases],
  describe: USAGE.sweepMerge.describe,
  builder: (y) =>
    y
      .positional('shards', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'results folders written by `axgen sweep --shard i/N`',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: `folder for the merged results; ${OUT_EXISTING_HELP}`,
      })
      .option('force', forceOption) as never,
  handler: async (argv) => {
    await runCommand(async () => {
      const out = outputArg(argv.out, '--out', 'required')!;
      await checkOutFolder(out, { force: argv.force, command: 'sweep-merge' });
      const parts = [];
      // Each shard checked against its own .axgen-output.json before anything is merged or written.
      for (const dir of argv.shards) {
        const { results, unverified } = await readShard(dir);
        if (unverified) process.stderr.write(`note: shard ${dir}: ${unverified}\n`);
        parts.push({ source: dir, results });
      }
      const merged = mergeResults(parts);
      await writeOutputs(out, merged, { force: argv.force, command: 'sweep-merge' });
      const c = statusCounts(merged);
      process.stdout.write(
        `${c.bad > 0 ? '✖' : '✔'} merged ${count(parts.length, 'shard')} of sweep ${merged.sweep.name}: ${count(merged.points.length, 'point')} ` +
          `(${c.ok} ok, ${c.invalid} invalid, ${c.failed} failed) → ${out}/ (${OUTPUT_FILES.join(', ')})\n`,
      );
      return pointNotes(merged, out);
    });
  },
};
