/**
 * `axgen regress`: every config of a suite on each simulator, in parallel through the one job pool,
 * with progress, a summary table, JUnit XML and a JSON report.
 */
import { ConfigError } from '../generator/infra/errors.js';
import { resolveConfig, type ResolvedConfig } from '../generator/config/resolve.js';
import { derive } from '../generator/config/derive.js';
import { formatReport, simulate, unitLabel, type SimReport } from './run.js';
import type { SimulatorName } from './simulators.js';
import { ToolMissingError } from '../generator/infra/tools.js';
import type { SuiteEntry, SuiteName } from './suite.js';

export interface JobResult {
  /** `<config>/<simulator>`. */
  name: string;
  config: string;
  description: string;
  unit: string;
  dataflow: string;
  shape: string;
  operands: string;
  simulator: SimulatorName;
  passed: boolean;
  /** Wall time of the job (build, run, checking), ms. */
  timeMs: number;
  buildCacheHit: boolean;
  commands: number;
  macs: number;
  toolVersion: string;
  /** Failure text (the mismatch report, or the error that stopped the job). */
  failure?: string;
  replay: string;
  report?: SimReport;
}

export interface RegressReport {
  suite: string;
  seed: number;
  stall: number;
  jobs: number;
  wallMs: number;
  passed: number;
  failed: number;
  tools: Record<string, string>;
  results: JobResult[];
}

export interface RegressOptions {
  suite: SuiteName | string;
  simulators: SimulatorName[];
  seed: number;
  stall: number;
  jobs: number;
  /** Called when a job finishes (progress). */
  onDone?: (r: JobResult, done: number, total: number) => void;
  onStart?: (total: number) => void;
}

function resolveEntry(e: SuiteEntry): { config?: ResolvedConfig; error?: string } {
  try {
    return { config: resolveConfig(e.written, `suite entry ${String(e.written.name)}`) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (e.fallbackMultiplier) {
      try {
        return {
          config: resolveConfig(
            { ...e.written, multiplier: e.fallbackMultiplier },
            `suite entry ${String(e.written.name)}`,
          ),
        };
      } catch {
        /* report the first error */
      }
    }
    return { error: err.message };
  }
}

const describeOperands = (c: ResolvedConfig) => {
  const s = (o: { bits: number; signed?: boolean }) => `${o.signed === false ? 'u' : 's'}${o.bits}`;
  return `${s(c.precision.activation)}×${s(c.precision.weight)}`;
};

export async function regress(entries: SuiteEntry[], o: RegressOptions): Promise<RegressReport> {
  const t0 = performance.now();
  const jobs: { entry: SuiteEntry; sim: SimulatorName }[] = entries.flatMap((entry) =>
    o.simulators.map((sim) => ({ entry, sim })),
  );
  o.onStart?.(jobs.length);
  let done = 0;
  const tools: Record<string, string> = {};
  // At most `jobs` jobs in flight, so each job's time is its own work rather than time queued in
  // the pool (their tool runs still take pool slots).
  let next = 0;
  const results: JobResult[] = new Array<JobResult>(jobs.length);
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runJob(jobs[i]!);
    }
  };
  const runJob = async ({ entry, sim }: { entry: SuiteEntry; sim: SimulatorName }): Promise<JobResult> => {
    const name = String(entry.written.name);
    const replay = `axgen regress --suite ${o.suite} --only ${name} --simulator ${sim} --seed ${o.seed} --stall ${o.stall}`;
    const base = {
      name: `${name}/${sim}`,
      config: name,
      description: String(entry.written.description ?? ''),
      simulator: sim,
      replay,
    };
    const t = performance.now();
    let r: JobResult;
    const { config: c, error } = resolveEntry(entry);
    if (!c) {
      r = {
        ...base,
        unit: String((entry.written.multiplier as { kind?: string })?.kind),
        dataflow: '',
        shape: '',
        operands: '',
        passed: false,
        timeMs: 0,
        buildCacheHit: false,
        commands: 0,
        macs: 0,
        toolVersion: '',
        failure: `the suite entry is not a valid config:\n${error}`,
      };
    } else {
      const info = {
        unit: unitLabel(c, derive(c)),
        dataflow: c.dataflow === 'weight-stationary' ? 'WS' : 'OS',
        shape: `${c.array.rows}x${c.array.cols}`,
        operands: describeOperands(c),
      };
      try {
        const rep = await simulate(c, {
          simulators: [sim],
          seed: o.seed,
          stall: o.stall,
          gemm: entry.gemm,
          source: `(suite ${o.suite} entry ${name})`,
        });
        rep.replay = replay;
        const run = rep.runs[0]!;
        tools[sim] = run.toolVersion;
        r = {
          ...base,
          ...info,
          passed: rep.passed,
          timeMs: Math.round(performance.now() - t),
          buildCacheHit: run.buildCacheHit,
          commands: run.commands,
          macs: run.macs,
          toolVersion: run.toolVersion,
          ...(rep.passed ? {} : { failure: formatReport(rep) }),
          report: rep,
        };
      } catch (err) {
        // A missing or unsupported simulator stops the whole regression with its install hint.
        if (err instanceof ToolMissingError) throw err;
        r = {
          ...base,
          ...info,
          passed: false,
          timeMs: Math.round(performance.now() - t),
          buildCacheHit: false,
          commands: 0,
          macs: 0,
          toolVersion: '',
          failure: (err as Error).stack ?? String(err),
        };
      }
    }
    done++;
    o.onDone?.(r, done, jobs.length);
    return r;
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, jobs.length)) }, worker));
  const passed = results.filter((r) => r.passed).length;
  return {
    suite: o.suite,
    seed: o.seed,
    stall: o.stall,
    jobs: o.jobs,
    wallMs: Math.round(performance.now() - t0),
    passed,
    failed: results.length - passed,
    tools,
    results,
  };
}

/** Fixed-width summary table, one row per job. */
export function summaryTable(r: RegressReport): string {
  const head = ['config', 'unit', 'flow', 'shape', 'operands', 'simulator', 'result', 'commands', 'MACs', 'time'];
  const rows = r.results.map((j) => [
    j.config,
    j.unit,
    j.dataflow,
    j.shape,
    j.operands,
    j.simulator,
    j.passed ? 'pass' : 'FAIL',
    String(j.commands),
    String(j.macs),
    `${(j.timeMs / 1000).toFixed(1)} s${j.buildCacheHit ? '' : ' (built)'}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  out.push(
    `${r.passed} passed, ${r.failed} failed, ${r.results.length} jobs in ${(r.wallMs / 1000).toFixed(1)} s ` +
      `(suite ${r.suite}, seed ${r.seed}, ${r.jobs} parallel jobs; ${Object.values(r.tools).join('; ')})`,
  );
  return out.join('\n') + '\n';
}

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 forbids (the terminal colour codes of a tool's output, for one).
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML: one testsuite, one testcase per config × simulator. */
export function junitXml(r: RegressReport): string {
  const cases = r.results.map((j) => {
    const open = `    <testcase classname="axgen.regress.${xml(j.config)}" name="${xml(j.simulator)}" time="${(j.timeMs / 1000).toFixed(3)}"`;
    if (j.passed) return `${open}/>`;
    const first =
      (j.failure ?? 'failed').split('\n').find((l) => /mismatch|problem|counter|not a valid|Error/.test(l)) ??
      'co-simulation failed';
    return `${open}>\n      <failure message="${xml(first.trim())}" type="cosim">${xml(j.failure ?? '')}\nreplay: ${xml(j.replay)}</failure>\n    </testcase>`;
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="axgen regress" tests="${r.results.length}" failures="${r.failed}" time="${(r.wallMs / 1000).toFixed(3)}">\n` +
    `  <testsuite name="axgen.regress.${xml(r.suite)}" tests="${r.results.length}" failures="${r.failed}" errors="0" skipped="0" time="${(r.wallMs / 1000).toFixed(3)}">\n` +
    `    <properties>\n      <property name="seed" value="${r.seed}"/>\n` +
    Object.entries(r.tools)
      .map(([k, v]) => `      <property name="${xml(k)}" value="${xml(v)}"/>\n`)
      .join('') +
    `    </properties>\n` +
    cases.join('\n') +
    `\n  </testsuite>\n</testsuites>\n`
  );
}
