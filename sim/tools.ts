/**
 * External tools: each is looked up once, its version checked against the supported range, and a
 * missing tool fails fast with the command that installs it.
 */
import { runTool } from './children.js';

export interface ToolInfo {
  name: string;
  version: string;
}

export class ToolMissingError extends Error {
  constructor(tool: string, pkg: string, detail: string) {
    super(`${tool} is not available (${detail}). Install it with: sudo apt-get install -y ${pkg}`);
    this.name = 'ToolMissingError';
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
}

const specs: Record<string, ToolSpec> = {
  iverilog: { cmd: 'iverilog', args: ['-V'], pkg: 'iverilog', pattern: /Icarus Verilog version (\d+)\.(\d+)/, min: [11, 0], maxMajor: 12 },
  verilator: { cmd: 'verilator', args: ['--version'], pkg: 'verilator build-essential', pattern: /Verilator (\d+)\.(\d+)/, min: [5, 6], minText: '5.006', maxMajor: 5 },
  yosys: { cmd: 'yosys', args: ['-V'], pkg: 'yosys', pattern: /Yosys (\d+)\.(\d+)/, min: [0, 23] },
  'nextpnr-ice40': { cmd: 'nextpnr-ice40', args: ['--version'], pkg: 'nextpnr-ice40', pattern: /nextpnr-ice40 -- Next Generation Place and Route \(Version ([^)\s]*)/, min: [0, 0] },
  icepack: { cmd: 'icepack', args: ['-h'], pkg: 'fpga-icestorm', pattern: /^icestorm (\S+)/, min: [0, 0], debianPackage: 'fpga-icestorm' },
};

const cache = new Map<string, Promise<ToolInfo>>();

async function probe(name: string): Promise<ToolInfo> {
  const spec = specs[name];
  if (!spec) throw new Error(`internal error: unknown tool ${name}`);
  let out: string;
  try {
    const r = await runTool(spec.cmd, spec.args);
    if (r.failed && r.exitCode === undefined) throw new Error(r.shortMessage);
    out = r.all ?? '';
  } catch (e) {
    throw new ToolMissingError(spec.cmd, spec.pkg, (e as Error).message.split('\n')[0] ?? 'not found');
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
    throw new ToolMissingError(spec.cmd, spec.pkg, `version ${m[1]}.${m[2]} is older than the supported ${spec.minText ?? spec.min.join('.')}`);
  }
  if (spec.maxMajor !== undefined && major > spec.maxMajor) {
    throw new ToolMissingError(spec.cmd, spec.pkg, `version ${m[1]}.${m[2]} is newer than the supported ${spec.minText ?? spec.min.join('.')} to ${spec.maxMajor}.x`);
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

let ccache: Promise<boolean> | undefined;

/** Whether ccache is on the PATH (Verilator builds use it through OBJCACHE when it is). */
export function hasCcache(): Promise<boolean> {
  ccache ??= runTool('ccache', ['--version']).then(
    (r) => r.exitCode === 0,
    () => false,
  );
  return ccache;
}
