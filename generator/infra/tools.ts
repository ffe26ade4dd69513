/**
 * External tools: each is looked up once, its version checked against the supported range, and a
 * missing tool fails fast with the command that installs it.
 */
import { runTool } from './children.js';

/** The simulators axgen drives (re-exported by sim/simulators.ts). */
export type SimulatorName = 'icarus' | 'verilator';

export interface ToolInfo {
  name: string;
  version: string;
}

export class ToolMissingError extends Error {
  /** Each missing tool with its Debian package(s) and why it is unusable. */
  readonly missing: { tool: string; pkg: string; detail: string }[];
  constructor(tool: string, pkg: string, detail: string);
  constructor(missing: { tool: string; pkg: string; detail: string }[]);
  constructor(tool: string | { tool: string; pkg: string; detail: string }[], pkg?: string, detail?: string) {
    const missing = typeof tool === 'string' ? [{ tool, pkg: pkg!, detail: detail! }] : tool;
    const what = missing.map((m) => `${m.tool} is not available (${m.detail})`).join('; ');
    const pkgs = [...new Set(missing.flatMap((m) => m.pkg.split(' ')))];
    super(`${what}. Install ${missing.length === 1 ? 'it' : 'them'} with: sudo apt-get install -y ${pkgs.join(' ')}`);
    this.name = 'ToolMissingError';
    this.missing = missing;
  }
}

/**
 * An npm dependency that does not load (a partial or broken `npm ci`, e.g. onnxruntime-node's native
 * library missing): exit 2 like a missing tool, with the command that reinstalls it instead of a
 * Debian package.
 */
export class DependencyMissingError extends ToolMissingError {
  constructor(dependency: string, detail: string, reinstall: string) {
    super(dependency, '', detail);
    this.message = `${dependency} is not available (${detail}). Reinstall it with: ${reinstall}`;
    this.name = 'DependencyMissingError';
  }
}

/**
 * A simulator could not compile the Verilog. On emitted RTL that is a bug in axgen (exit 3); on
 * files read from the user's folder (`userRtl`) it is the result of the check (exit 4), shown with
 * the tool's own message.
 */
export class SimulatorCompileError extends Error {
  constructor(
    readonly simulator: SimulatorName,
    readonly toolOutput: string,
    readonly userRtl: boolean,
  ) {
    const what = userRtl
      ? 'the Verilog read from the folder (fix the edit, or regenerate the folder with `axgen generate … --force`, which moves the edited folder aside)'
      : 'the emitted RTL';
    const lines = toolOutput.trim().split('\n');
    const shown = lines.length > 30 ? [...lines.slice(0, 30), `… (${lines.length - 30} more lines)`] : lines;
    super(
      `${simulator === 'icarus' ? 'iverilog' : 'verilator'} could not compile ${what}:\n${shown.map((l) => `  ${l}`).join('\n')}`,
    );
    this.name = 'SimulatorCompileError';
  }
}

interface ToolSpec {
  cmd: string;
  args: string[];
  pkg: string;
  pattern: RegExp;
  /** Oldest supported major.minor. */
  min: [number, number];
  /** The oldest version as the tool prints it (Verilator: 5.006), when not major.minor. */
  minText?: string;
  /** Newest supported major (a newer major may change behaviour the harness relies on). */
  maxMajor?: number;
  /** For a tool that prints no version (icepack): the Debian package whose version to report. */
  debianPackage?: string;
  /** Programs the tool runs itself (Verilator's --build runs make and a C++ compiler), each with its package. */
  needs?: { cmd: string; args: string[]; pkg: string; why: string }[];
}

const specs: Record<string, ToolSpec> = {
  iverilog: {
    cmd: 'iverilog',
    args: ['-V'],
    pkg: 'iverilog',
    pattern: /Icarus Verilog version (\d+)\.(\d+)/,
    min: [11, 0],
    maxMajor: 12,
  },
  verilator: {
    cmd: 'verilator',
    args: ['--version'],
    pkg: 'verilator build-essential',
    pattern: /Verilator (\d+)\.(\d+)/,
    min: [5, 6],
    minText: '5.006',
    maxMajor: 5,
    needs: [
      { cmd: 'make', args: ['--version'], pkg: 'build-essential', why: 'Verilator builds its models with make' },
      { cmd: 'g++', args: ['--version'], pkg: 'build-essential', why: 'Verilator compiles its models with g++' },
    ],
  },
  yosys: { cmd: 'yosys', args: ['-V'], pkg: 'yosys', pattern: /Yosys (\d+)\.(\d+)/, min: [0, 23] },
  'nextpnr-ice40': {
    cmd: 'nextpnr-ice40',
    args: ['--version'],
    pkg: 'nextpnr-ice40',
    pattern: /nextpnr-ice40 -- Next Generation Place and Route \(Version ([^)\s]*)/,
    min: [0, 0],
  },
  icepack: {
    cmd: 'icepack',
    args: ['-h'],
    pkg: 'fpga-icestorm',
    pattern: /^icestorm (\S+)/,
    min: [0, 0],
    debianPackage: 'fpga-icestorm',
  },
};

const cache = new Map<string, Promise<ToolInfo>>();

/** "not found on the PATH" for a program that could not be started, else the first line of the error. */
function notFound(message: string): string {
  return /\bENOENT\b/.test(message) ? 'not found on the PATH' : message.split('\n')[0] || 'could not be started';
}

async function probe(name: string): Promise<ToolInfo> {
  const spec = specs[name];
  if (!spec) throw new Error(`internal error: unknown tool ${name}`);
  let out: string;
  try {
    const r = await runTool(spec.cmd, spec.args);
    if (r.failed && r.exitCode === undefined) throw new Error(r.shortMessage);
    out = r.all ?? '';
  } catch (e) {
    throw new ToolMissingError(spec.cmd, spec.pkg, notFound((e as Error).message));
  }
  for (const n of spec.needs ?? []) {
    const r = await runTool(n.cmd, n.args).catch((e: Error) => ({
      failed: true,
      exitCode: undefined,
      shortMessage: e.message,
    }));
    if (r.failed && r.exitCode === undefined)
      throw new ToolMissingError(n.cmd, n.pkg, `${n.why}; ${notFound(r.shortMessage ?? '')}`);
  }
  if (spec.debianPackage) {
    const q = await runTool('dpkg-query', ['-W', '-f', '${Version}', spec.debianPackage]);
    out = `icestorm ${q.exitCode === 0 && q.stdout ? q.stdout.trim() : '(version unknown)'}`;
  }
  return checkVersion(name, out);
}

/** Checks a tool's version output against the supported range; throws ToolMissingError outside it. */
export function checkVersion(name: string, out: string): ToolInfo {
  const spec = specs[name];
  if (!spec) throw new Error(`internal error: unknown tool ${name}`);
  const m = spec.pattern.exec(out);
  if (!m) throw new ToolMissingError(spec.cmd, spec.pkg, `unrecognised version output: ${out.split('\n')[0]}`);
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  if (Number.isFinite(major) && (major < spec.min[0] || (major === spec.min[0] && minor < spec.min[1]))) {
    throw new ToolMissingError(
      spec.cmd,
      spec.pkg,
      `version ${m[1]}.${m[2]} is older than the supported ${spec.minText ?? spec.min.join('.')}`,
    );
  }
  if (spec.maxMajor !== undefined && major > spec.maxMajor) {
    throw new ToolMissingError(
      spec.cmd,
      spec.pkg,
      `version ${m[1]}.${m[2]} is newer than the supported ${spec.minText ?? spec.min.join('.')} to ${spec.maxMajor}.x`,
    );
  }
  const version = (out.split('\n')[0] ?? '').trim();
  return { name, version };
}

/** The tool's version line, checked once per process. Throws ToolMissingError with an install hint. */
export function tool(name: 'iverilog' | 'verilator' | 'yosys' | 'nextpnr-ice40' | 'icepack'): Promise<ToolInfo> {
  let p = cache.get(name);
  if (!p) {
    p = probe(name);
    cache.set(name, p);
  }
  return p;
}

/**
 * Checks several tools at once, so that one message names every missing tool and every package to
 * install (with `--simulator both` and neither simulator installed, both are named). Throws
 * ToolMissingError; returns the tools' versions in order.
 */
export async function requireTools(names: readonly Parameters<typeof tool>[0][]): Promise<ToolInfo[]> {
  const settled = await Promise.allSettled(names.map((n) => tool(n)));
  const missing = settled.flatMap((s) =>
    s.status === 'rejected' && s.reason instanceof ToolMissingError ? s.reason.missing : [],
  );
  if (missing.length > 0) throw new ToolMissingError(missing);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<ToolInfo>).value);
}

let ccache: Promise<boolean> | undefined;

/** Whether ccache is on the PATH (Verilator builds use it through OBJCACHE when it is). */
export function hasCcache(): Promise<boolean> {
  ccache ??= runTool('ccache', ['--version']).then(
    (r) => r.exitCode === 0,
    () => false,
  );
  return ccache;
}
