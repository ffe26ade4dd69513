/**
 * Report files (JSON, JUnit XML) written to a temporary sibling and renamed into place. A file
 * already at the path is replaced only when it is empty or a report of the same kind (REPORT_KINDS);
 * anything else is refused (ConfigError naming the file and --force) or, with --force, moved aside
 * to `<file>.old-<n>`. Modes follow the umask (0644 under umask 022).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { checkOutFile, makeFolders, moveAside, cleanStaleTempFiles, tempFileFor, type OutputOptions } from './write.js';
import { GENERATOR_VERSION } from '../version.js';

const jsonWith =
  (fields: readonly string[]) =>
  (old: string): boolean => {
    try {
      const v = JSON.parse(old) as unknown;
      return v !== null && typeof v === 'object' && !Array.isArray(v) && fields.every((f) => f in v);
    } catch {
      return false;
    }
  };

/**
 * The first section of every VCD axgen writes (`sim --wave`): a `$comment` naming axgen, the mark
 * by which a later run recognises the file as its own. IEEE 1364 §18.2 allows `$comment` sections
 * anywhere among the header's declarations, so the file stays a valid VCD for any viewer.
 */
export const VCD_MARK = '$comment written by axgen';

/** The `$comment … $end` section axgen puts before a simulator's VCD (VCD_MARK, then the version). */
export function vcdHeader(): string {
  return `${VCD_MARK} ${GENERATOR_VERSION} (axgen sim --wave); axgen overwrites this file only while it starts with this comment $end\n`;
}

/**
 * The report files axgen writes, each with how an existing file of that kind is recognised (the
 * fields every such report has; the root element of axgen's JUnit XML; the VCD_MARK comment that
 * heads axgen's VCDs). A file that is not recognised is not overwritten: a VCD a simulator or a user
 * wrote (even one of an axgen before VCD_MARK existed) has no such mark and is refused.
 */
/**
 * The fields every JSON report of a kind has, by which an existing file is recognised as one. No
 * kind's fields may all appear in another kind's report (a metrics report's first three fields are
 * in every accuracy report too, so metrics also needs its own): test/infra/out-safety.test.ts
 * checks each kind's fields against the others, and checkReportFile treats a file that two kinds
 * recognise as neither.
 */
export const REPORT_FIELDS = {
  sim: ['config', 'seed', 'gemm', 'runs', 'replay'],
  regress: ['suite', 'seed', 'results', 'tools'],
  infer: ['config', 'model', 'inputs', 'cases', 'runs'],
  synth: ['name', 'configHash', 'target', 'tool', 'scriptVersion'],
  metrics: ['generatorVersion', 'config', 'configHash', 'samples', 'mrePct', 'wce'],
  fpga: ['top', 'device', 'fits', 'utilisation', 'config'],
  gate: ['seed', 'jobs', 'failed', 'results'],
  accuracy: ['generatorVersion', 'config', 'configHash', 'model', 'dataset', 'images', 'accuracy'],
} as const;

export const REPORT_KINDS = {
  sim: jsonWith(REPORT_FIELDS.sim),
  regress: jsonWith(REPORT_FIELDS.regress),
  infer: jsonWith(REPORT_FIELDS.infer),
  junit: (old: string): boolean => /^<\?xml[^\n]*\n<testsuites name="axgen regress"/.test(old),
  synth: jsonWith(REPORT_FIELDS.synth),
  metrics: jsonWith(REPORT_FIELDS.metrics),
  fpga: jsonWith(REPORT_FIELDS.fpga),
  gate: jsonWith(REPORT_FIELDS.gate),
  wave: (old: string): boolean => old.startsWith(VCD_MARK),
  accuracy: jsonWith(REPORT_FIELDS.accuracy),
  // An ONNX model axgen quantize wrote: ModelProto field 1 (ir_version, varint) then field 2
  // (producer_name) "axgen" — the first bytes protobufjs writes for the model quantize.ts makes.
  // eslint-disable-next-line no-control-regex -- matching protobuf tag bytes is the point
  onnx: (old: string): boolean => /^\x08[\x01-\x7f]\x12\x05axgen/.test(old),
  // Product tables (export-lut): the AdaPT header starts with axgen's GENERATED line; raw binary and
  // .npy carry no mark of their writer, so an existing one is refused without --force (LUT_WHY).
  // A header that carries its own sha256 (LUT_SHA) must still match it: an edited one is the user's.
  lut: (old: string): boolean => old.startsWith(LUT_MARK) && lutEdited(old) === false,
} satisfies Record<string, (old: string) => boolean>;
export type ReportKind = keyof typeof REPORT_KINDS;

/** What each kind is called in a refusal ("…, which exists and is an axgen regress report, not an axgen sim report"). */
const KIND_NAMES: Record<ReportKind, string> = {
  sim: 'an axgen sim report',
  regress: 'an axgen regress report',
  infer: 'an axgen infer report',
  junit: "axgen regress's JUnit XML",
  synth: 'an axgen synth report',
  metrics: 'an axgen metrics report',
  fpga: 'an axgen fpga report',
  gate: 'an axgen gate-level report',
  wave: 'a VCD axgen wrote',
  accuracy: 'an axgen accuracy report',
  onnx: 'an ONNX model axgen quantize wrote',
  lut: 'a product table axgen export-lut wrote',
};

/** Why `old` may not be replaced by a file of `kind`: it is axgen's file of another kind, or (undefined) not axgen's. */
function otherKind(kind: ReportKind, old: string): string | undefined {
  const other = (Object.keys(REPORT_KINDS) as ReportKind[]).find((k) => k !== kind && REPORT_KINDS[k](old));
  return other && `exists and is ${KIND_NAMES[other]}, not ${KIND_NAMES[kind]}`;
}

/** The first words of every AdaPT header axgen export-lut writes. */
export const LUT_MARK = '// GENERATED by axgen export-lut';

/**
 * The line of an AdaPT header axgen writes that gives the sha256 of the rest of the file: `//
 * sha256 <64 hex> of this file without this line`, third after the GENERATED and config lines.
 * Headers written before it existed have none.
 */
const LUT_SHA = /^((?:[^\n]*\n){2})\/\/ sha256 ([0-9a-f]{64}) of this file without this line\n/;

/** The sha256 line of an AdaPT header whose first two lines are `head` and the rest `body` (export-lut). */
export function lutShaLine(head: string, body: string): string {
  return `// sha256 ${createHash('sha256')
    .update(head + body)
    .digest('hex')} of this file without this line\n`;
}

/** Whether an AdaPT header axgen wrote was edited since (its sha256 line no longer matches); null without one. */
function lutEdited(old: string): boolean | null {
  const m = LUT_SHA.exec(old);
  if (!m) return null;
  return (
    createHash('sha256')
      .update(m[1]! + old.slice(m[0].length))
      .digest('hex') !== m[2]
  );
}

/**
 * Why an existing product table is refused: an axgen header edited since or without its sha256
 * line, an AdaPT header without axgen's GENERATED line, or a raw or .npy table, which carries no
 * mark of its writer.
 */
const lutWhy = (old: string): string =>
  !old.startsWith(LUT_MARK)
    ? "exists and is not a table axgen marked as its own (axgen's AdaPT headers start with its GENERATED line; a raw or .npy table carries no mark of its writer, so axgen cannot tell whether it wrote it)"
    : lutEdited(old)
      ? 'is a table axgen export-lut wrote, edited since (its sha256 line no longer matches the rest of the file)'
      : "starts with axgen export-lut's GENERATED line but has no intact sha256 line (an earlier axgen's header, or one edited there), so axgen cannot tell whether it was edited";

export interface ReportOptions extends OutputOptions {
  /** What the file holds: an existing file is replaced only if it is empty or of this kind. */
  kind: ReportKind;
}

/**
 * Checks a report path before a command does its work (the same rule writeFileAtomically applies).
 * @throws ConfigError when the file exists and is not a report of `opts.kind` (without opts.force), or is a folder
 */
export async function checkReportFile(file: string, opts: ReportOptions): Promise<'absent' | 'ours' | 'foreign'> {
  return checkOutFile(file, {
    arg: opts.arg,
    force: opts.force,
    // Recognised by this kind and no other: a file two kinds would claim is neither's.
    sameKind: (old) => REPORT_KINDS[opts.kind](old) && otherKind(opts.kind, old) === undefined,
    foreignWhy: (old) => otherKind(opts.kind, old) ?? (opts.kind === 'lut' ? lutWhy(old) : undefined),
    // The kind by name ("…, or an axgen sim report there"; a product table is no report).
    what: KIND_NAMES[opts.kind],
  });
}

/**
 * Writes `text` (or bytes) to `file` atomically, under the rule in the module comment.
 * @throws ConfigError when the file exists and is not axgen's report (without opts.force) or is a folder
 */
export async function writeFileAtomically(file: string, text: string | Uint8Array, opts: ReportOptions): Promise<void> {
  const target = resolve(file);
  const state = await checkReportFile(target, opts);
  await makeFolders(dirname(target));
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

/**
 * Copies the VCD a simulator wrote (`from`) to `to` with vcdHeader() in front, through a temporary
 * sibling renamed into place. The caller has checked `to` (checkReportFile, kind `wave`) before the
 * simulation ran; `to` is then absent, an axgen VCD, or was moved aside (--force).
 */
export async function writeMarkedVcd(from: string, to: string): Promise<void> {
  const target = resolve(to);
  await makeFolders(dirname(target));
  await cleanStaleTempFiles(target);
  const tmp = tempFileFor(target);
  try {
    const out = createWriteStream(tmp);
    out.write(vcdHeader());
    await pipeline(createReadStream(from), out);
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
