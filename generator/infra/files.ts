/**
 * Report files (JSON, JUnit XML) written to a temporary sibling and renamed into place. A file
 * already at the path is replaced only when it is empty or a report of the same kind (REPORT_KINDS);
 * anything else is refused (ConfigError naming the file and --force) or, with --force, moved aside
 * to `<file>.old-<n>`. Modes follow the umask (0644 under umask 022).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkOutFile, moveAside, cleanStaleTempFiles, tempFileFor, type OutputOptions } from './write.js';

const jsonWith =
  (fields: string[]) =>
  (old: string): boolean => {
    try {
      const v = JSON.parse(old) as unknown;
      return v !== null && typeof v === 'object' && !Array.isArray(v) && fields.every((f) => f in v);
    } catch {
      return false;
    }
  };

/**
 * The report files axgen writes, each with how an existing file of that kind is recognised (the
 * fields every such report has; the root element of axgen's JUnit XML; a VCD's `$` section keyword,
 * IEEE 1364 §18.2). A file that is not recognised is not overwritten.
 */
export const REPORT_KINDS = {
  sim: jsonWith(['config', 'seed', 'gemm', 'runs', 'replay']),
  regress: jsonWith(['suite', 'seed', 'results', 'tools']),
  infer: jsonWith(['config', 'model', 'inputs', 'cases', 'runs']),
  junit: (old: string): boolean => /^<\?xml[^\n]*\n<testsuites name="axgen regress"/.test(old),
  synth: jsonWith(['name', 'configHash', 'target', 'tool', 'scriptVersion']),
  metrics: jsonWith(['generatorVersion', 'config', 'configHash']),
  fpga: jsonWith(['top', 'device', 'fits', 'utilisation', 'config']),
  gate: jsonWith(['seed', 'jobs', 'failed', 'results']),
  wave: (old: string): boolean => /^\s*\$(date|version|timescale|comment|scope)\b/.test(old),
  accuracy: jsonWith(['generatorVersion', 'config', 'configHash', 'model', 'dataset', 'images', 'accuracy']),
  // An ONNX model axgen quantize wrote: ModelProto field 1 (ir_version, varint) then field 2
  // (producer_name) "axgen" — the first bytes protobufjs writes for the model quantize.ts makes.
  // eslint-disable-next-line no-control-regex -- matching protobuf tag bytes is the point
  onnx: (old: string): boolean => /^\x08[\x01-\x7f]\x12\x05axgen/.test(old),
  // Product tables (export-lut): raw binary or .npy carry no mark of their writer, so an existing
  // non-empty file is never recognised as axgen's (refused without --force, moved aside with it).
  lut: (): boolean => false,
} satisfies Record<string, (old: string) => boolean>;
export type ReportKind = keyof typeof REPORT_KINDS;

export interface ReportOptions extends OutputOptions {
  /** What the file holds: an existing file is replaced only if it is empty or of this kind. */
  kind: ReportKind;
}

/**
 * Checks a report path before a command does its work (the same rule writeFileAtomically applies).
 * @throws ConfigError when the file exists and is not a report of `opts.kind` (without opts.force), or is a folder
 */
export async function checkReportFile(file: string, opts: ReportOptions): Promise<'absent' | 'ours' | 'foreign'> {
  return checkOutFile(file, { arg: opts.arg, force: opts.force, sameKind: REPORT_KINDS[opts.kind] });
}

/**
 * Writes `text` (or bytes) to `file` atomically, under the rule in the module comment.
 * @throws ConfigError when the file exists and is not axgen's report (without opts.force) or is a folder
 */
export async function writeFileAtomically(file: string, text: string | Uint8Array, opts: ReportOptions): Promise<void> {
  const target = resolve(file);
  const state = await checkReportFile(target, opts);
  await mkdir(dirname(target), { recursive: true });
  await cleanStaleTempFiles(target);
  const tmp = tempFileFor(target);
  try {
    await writeFile(tmp, text);
    if (state === 'foreign') await moveAside(target);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** JSON with every bigint as a decimal string. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2) + '\n';
}
