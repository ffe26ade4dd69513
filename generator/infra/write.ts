/**
 * Output folders that can never cost a user a file.
 *
 * Everything goes into a temporary sibling folder that is renamed into place only when complete,
 * so a failure never leaves a half-written folder. Before it writes and again before the rename,
 * the target is checked (checkOutFolder): axgen replaces only
 *   - a path that does not exist yet,
 *   - an empty folder,
 *   - a folder the same command wrote: it holds OUTPUT_MARKER (`.axgen-output.json`: the command
 *     that wrote the folder, the files it put there and the sha256 of each), nothing that list
 *     does not name, and each listed file still has the content recorded (a listed file removed
 *     since is fine: nothing is lost). Markers of earlier versions record no command or no hashes:
 *     that part of the check is skipped for them. Folders of earlier axgen versions without a
 *     marker are recognised by their manifest.json, files.f or results.json (see legacyFiles).
 * Anything else (a folder with other files or an edited file, one another command wrote, a regular
 * file, a symbolic link) is refused with a ConfigError naming the folder, why, and `--force`.
 * `--force` never deletes either: it moves the existing path aside to `<path>.old-<n>` and writes
 * a fresh folder. The current folder, the repository, the home folder and their ancestors are
 * refused even with `--force`. A path axgen could not create (its nearest existing folder is a
 * file, or not writable: checkCreatable) is refused too, by the same up-front check, so a command
 * never does its work only to fail at the end; --force is not offered there, as it cannot help.
 *
 * Old content of a folder axgen wrote is removed file by file from its list, never recursively,
 * so a file that appears (or a listed file that is edited) there meanwhile survives. Folders are created with mode 0777 and files
 * with 0666, both less the user's umask (0755 / 0644 under umask 022).
 *
 * Temporaries are named `.<name>.tmp-<host>-<pid>-<random>`; one left by a killed run is removed
 * by the next run writing beside it (cleanStaleTemps) once its process is gone.
 */
import { lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { createReadStream, existsSync, rmSync, type Stats } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ConfigError, fsReason, show } from './errors.js';
import { GENERATOR_VERSION } from '../version.js';
import { ROOT_DIR } from '../root.js';
import { rtlHash } from './rtl-hash.js';

export interface OutFile {
  name: string;
  text: string;
}

/**
 * The file in every folder axgen writes that says which command wrote it and lists what it wrote
 * there (sorted relative paths, each with its sha256).
 */
export const OUTPUT_MARKER = '.axgen-output.json';

/**
 * The commands that write a folder. The marker records which one wrote it, and a folder is replaced
 * only by the command that wrote it (as a report file only by a report of its kind, REPORT_KINDS):
 * `fpga` puts the RTL `generate` writes into its folder too, but a `generate` run must not replace
 * the bitstream and reports of an `fpga` folder, nor `sweep-merge` a shard that `sweep` wrote.
 */
export type FolderCommand = 'generate' | 'unit' | 'fpga' | 'sweep' | 'sweep-merge';

/** What the user asked for about an output folder, and the command writing it. */
export interface FolderOptions extends OutputOptions {
  command: FolderCommand;
}

/** What the user asked for on the command line about one output path. */
export interface OutputOptions {
  /** The command-line argument that named the path, for messages (default `--out`). */
  arg?: string;
  /** Move an existing path axgen did not write aside (`<path>.old-<n>`) instead of refusing. */
  force?: boolean;
}

/** The help text of every command's `--force`. */
export const FORCE_HELP =
  'write even when an output path exists and was not written by axgen: the existing folder or file is moved aside to <path>.old-<n> (nothing is deleted)';

/** The help-text sentence saying what `--out` does to an existing folder. */
export const OUT_EXISTING_HELP =
  'an existing folder is replaced only if it is empty or this command wrote it and nothing in it changed since (its .axgen-output.json lists every file in it with its hash); anything else is refused unless --force, and the current folder or a folder holding it is always refused';

/**
 * What leaving an output path argument out does: the command writes to its default path
 * (`generate --out`), writes no such file (`sim --json`), or refuses (`sweep-merge --out`).
 */
export type WhenOmitted = 'default' | 'none' | 'required';

const OMITTED_HINT: Record<WhenOmitted, (arg: string) => string> = {
  default: (arg) => ` (omit ${arg} for the default)`,
  none: (arg) => ` (omit ${arg} to write none)`,
  required: () => '',
};

/**
 * Refuses two output arguments of one command that name the same file (after resolving), or a file
 * inside an output folder (`folder: true`): the second write would replace the first one's output
 * (`sim --wave x.vcd --json x.vcd`), and a folder axgen writes is replaced whole, so a report
 * written into it is lost or makes the next run refuse the folder (`fpga --out f --json f/r.json`);
 * the up-front checks of each path alone cannot see that. `outputs` lists each argument with the
 * path it will write (undefined: not given).
 * @throws ConfigError naming both arguments
 */
export function checkDistinctOutputs(
  outputs: readonly { arg: string; file: string | undefined; folder?: boolean }[],
): void {
  const given = outputs.flatMap((o) => (o.file === undefined ? [] : [{ ...o, target: resolve(o.file) }]));
  for (const [i, o] of given.entries()) {
    for (const other of given.slice(0, i)) {
      const inside = (f: typeof o, d: typeof o) => d.folder === true && f.target.startsWith(d.target + sep);
      const why =
        o.target === other.target
          ? `a file other than the one ${other.arg} writes (each output needs its own path)`
          : inside(o, other)
            ? `a path outside the folder ${other.arg} writes (axgen replaces that folder whole)`
            : inside(other, o)
              ? `a folder that does not hold the file ${other.arg} writes (axgen replaces this folder whole)`
              : undefined;
      if (why !== undefined) throw new ConfigError(o.arg, [{ path: o.arg, expected: why, received: show(o.target) }]);
    }
  }
}

/**
 * Checks a path argument given on the command line: undefined stays undefined (the command's
 * default applies, or nothing is written); an empty or blank string (`--out ''`, an unset shell
 * variable) is a user error, whose message says what leaving the argument out does (`omitted`).
 * @throws ConfigError naming `arg`
 */
export function outputArg(value: string | undefined, arg: string, omitted: WhenOmitted): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(arg, [{ path: arg, expected: `a path${OMITTED_HINT[omitted](arg)}`, received: show(value) }]);
  }
  return value;
}

/** Replaces `dir` with a folder holding exactly `files` (and OUTPUT_MARKER). */
export async function writeFolderAtomically(dir: string, files: OutFile[], opts: FolderOptions): Promise<void> {
  await replaceFolderAtomically(
    dir,
    async (tmp) => {
      for (const f of files) {
        if (f.name.includes('/') || f.name.includes('\\') || f.name.startsWith('.'))
          throw new Error(`internal error: unsafe output file name ${f.name}`);
        await writeFile(join(tmp, f.name), f.text);
      }
    },
    opts,
  );
}

/**
 * Creates `dir` and its missing parents, one level at a time from the nearest existing ancestor.
 * Not `mkdir(dir, { recursive: true })`: under a pseudo file system such as /proc, Node 20's
 * recursive mkdir never returns (measured: `mkdirSync('/proc/x', { recursive: true })` spins at
 * full CPU), where a plain mkdir fails at once with the system's error (ENOENT, EACCES, ENOTDIR),
 * which the command reports as bad output path (exit 1).
 */
export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    try {
      await mkdir(m);
    } catch (e) {
      // Another process may have made it meanwhile: only an existing folder is fine.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/**
 * Replaces `dir` with the folder `fill` writes into a temporary sibling; on any failure of `fill`
 * the temporary folder is removed and `dir` is left as it was. `dir` is checked with
 * checkOutFolder before `fill` runs (so a refusal costs no work) and again before the rename.
 * Returns what `fill` returns.
 * @throws ConfigError when `dir` may not be replaced (see the module comment)
 */
export async function replaceFolderAtomically<T>(
  dir: string,
  fill: (tmp: string) => Promise<T>,
  opts: FolderOptions & {
    /**
     * Asked, when `dir` holds this command's earlier output, whether that output must survive the
     * new one (`fpga`: a run that did not route must not cost the user the earlier bitstream): a
     * reason keeps it by moving it aside to `<dir>.old-<n>` (said on stderr with the reason) instead
     * of removing its files; undefined replaces it as usual. Given the old folder and `fill`'s result.
     */
    keepOld?: (old: string, result: T) => Promise<string | undefined>;
  },
): Promise<T> {
  const target = resolve(dir);
  await checkOutFolder(target, opts);
  const parent = dirname(target);
  await makeFolders(parent);
  const prefix = `.${basename(target)}.tmp-`;
  await cleanStaleTemps(parent, prefix);
  const tmp = await makeTemp(parent, prefix);
  try {
    const result = await fill(tmp);
    await finishTemp(tmp);
    const files = await listFiles(tmp);
    const sha256: Record<string, string> = {};
    for (const f of files) sha256[f] = await fileHash(join(tmp, f));
    await writeFile(join(tmp, OUTPUT_MARKER), markerText(opts.command, files, sha256));
    const state = await checkOutFolder(target, opts);
    const keep = state.kind === 'ours' && opts.keepOld ? await opts.keepOld(target, result) : undefined;
    if (state.kind === 'absent') {
      await rename(tmp, target);
    } else if (state.kind === 'foreign') {
      await moveAside(target);
      await rename(tmp, target);
    } else if (keep !== undefined) {
      const aside = await asidePath(target);
      await swapIn(tmp, target, aside);
      process.stderr.write(`kept the earlier output of ${target}: moved it aside to ${aside} (${keep})\n`);
    } else {
      const old = `${tmp}-old`;
      await swapIn(tmp, target, old);
      await removeWritten(old, state.files, state.sha256);
    }
    return result;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Moves the folder at `target` to `old` and the filled temporary `tmp` into its place. When the
 * second rename fails the previous output is put back: a failed replace must not leave the user
 * with none.
 */
async function swapIn(tmp: string, target: string, old: string): Promise<void> {
  await rename(target, old);
  try {
    await rename(tmp, target);
  } catch (e) {
    await rename(old, target).catch(() => undefined);
    throw e;
  }
}

/**
 * What is at an output path: nothing, a folder axgen may replace (with the files it may remove and,
 * when its marker has them, their hashes), or something else.
 */
export type OutState =
  | { kind: 'absent' }
  | { kind: 'ours'; files: string[]; sha256?: Record<string, string> }
  | { kind: 'foreign'; why: string };

/**
 * Checks that `dir` may be replaced by an output folder (module comment); returns its state.
 * @throws ConfigError naming the folder, why it is refused and `--force`; for the current folder,
 *   the repository, the home folder or an ancestor of one of them even with `force`
 */
export async function checkOutFolder(dir: string, opts: FolderOptions): Promise<OutState> {
  const arg = opts.arg ?? '--out';
  const target = resolve(dir);
  const held = protectedBy(target);
  if (held) {
    throw new ConfigError(arg, [
      {
        path: arg,
        expected: `a folder of its own for the output (axgen never replaces ${held}, not even with --force)`,
        received: show(target),
      },
    ]);
  }
  const state = await folderState(target, opts.command);
  if (state.kind === 'foreign' && !opts.force) {
    throw new ConfigError(arg, [
      {
        path: arg,
        expected: `a new or empty folder, or one axgen ${opts.command} wrote (unchanged since); name another folder, or add --force to move the existing one aside to ${target}.old-<n>`,
        received: `${show(target)}, which ${state.why}`,
      },
    ]);
  }
  await checkCreatable(target, arg);
  return state;
}

/**
 * Checks that axgen can create `target` (a file or a folder): its nearest existing ancestor must be
 * a folder in which this process can create entries (missing folders between are made when the
 * output is written). Probed by creating and at once removing an empty file there, because
 * `access(W_OK)` is no test: it succeeds for root under /proc, where creating anything fails.
 * Called by checkOutFolder and checkOutFile, so every command's up-front check of its output
 * paths also refuses one it could not write, before any work.
 * @throws ConfigError naming `arg`, the path and the system's reason
 */
export async function checkCreatable(target: string, arg: string): Promise<void> {
  let d = dirname(resolve(target));
  for (;;) {
    const st = await stat(d).catch((e: NodeJS.ErrnoException) => e);
    if (!(st instanceof Error)) {
      // --force cannot help here: axgen never moves aside or replaces a file on the way.
      if (!st.isDirectory())
        refuse(`lies inside ${show(d)}, which is a file`, 'a path under a folder, not under a file');
      break;
    }
    // ENOTDIR: a file further up (`notes.txt/a/b`), which the next step up finds and names.
    if (st.code !== 'ENOENT' && st.code !== 'ENOTDIR')
      refuse(`cannot be reached: ${st.code ?? st.message} at ${show(d)}`);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  const probe = join(d, `.axgen-probe-${HOST}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (e) {
    refuse(`cannot be written: creating a file in ${show(d)} fails: ${fsReason(e)}`);
  }
  await rm(probe, { force: true });

  function refuse(why: string, expected?: string): never {
    throw new ConfigError(arg, [
      {
        path: arg,
        expected:
          expected ?? 'a path axgen can write (in an existing folder, or under one, that this user may write to)',
        received: `${show(resolve(target))}, which ${why}`,
      },
    ]);
  }
}

/**
 * Checks a report file path (`--json FILE`, `--junit FILE`, `--wave FILE`) before a command does
 * its work: it may be new, empty, or a file of the same kind axgen writes there (`sameKind`), and
 * its folder must be one axgen can write in (checkCreatable).
 * @throws ConfigError naming the file and `--force`
 */
export async function checkOutFile(
  file: string,
  opts: OutputOptions & {
    sameKind?: (old: string) => boolean;
    /** Why a file not recognised (given its text) is refused, when "is not a report axgen wrote" would be wrong. */
    foreignWhy?: (old: string) => string | undefined;
    /** What axgen writes there, for messages (default "a report axgen wrote"; a VCD is not a report). */
    what?: string;
  },
): Promise<'absent' | 'ours' | 'foreign'> {
  const arg = opts.arg ?? '--json';
  const what = opts.what ?? 'a report axgen wrote';
  const target = resolve(file);
  let st: Stats;
  try {
    st = await lstat(target);
  } catch {
    await checkCreatable(target, arg);
    return 'absent';
  }
  let why: string | undefined;
  if (st.isDirectory()) why = 'is a folder';
  else if (!st.isFile()) why = 'is not a regular file';
  else if (st.size > 0) {
    const old = st.size <= 8 << 20 ? await readFile(target, 'utf8') : await head(target, 64 << 10);
    if (!(opts.sameKind ?? (() => false))(old)) why = opts.foreignWhy?.(old) ?? `exists and is not ${what}`;
  }
  if (why === undefined) {
    await checkCreatable(target, arg);
    return 'ours';
  }
  // A folder, a link, a device or a pipe (e.g. /dev/stdout) is never moved aside, even with --force.
  const special = !st.isFile();
  if (special || !opts.force) {
    throw new ConfigError(arg, [
      {
        path: arg,
        expected: st.isDirectory()
          ? 'a file path, not a folder'
          : special
            ? 'a path to a regular file: name a new file (axgen does not write through links, devices or pipes)'
            : `a new file, or ${what} there; name another file, or add --force to move the existing one aside to ${target}.old-<n>`,
        received: `${show(target)}, which ${why}`,
      },
    ]);
  }
  await checkCreatable(target, arg);
  return 'foreign';
}

async function head(file: string, bytes: number): Promise<string> {
  const h = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await h.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await h.close();
  }
}

/** Renames `target` to asidePath(target), says so on stderr, and returns the new path (`--force`). */
export async function moveAside(target: string): Promise<string> {
  const aside = await asidePath(target);
  await rename(target, aside);
  process.stderr.write(`moved the existing ${target} aside to ${aside} (--force)\n`);
  return aside;
}

/** `<path>.old-<n>` with the smallest n that does not exist. */
export async function asidePath(target: string): Promise<string> {
  for (let n = 1; ; n++) {
    const p = `${target}.old-${n}`;
    if (!existsSync(p)) return p;
  }
}

/** The reason `target` may never be replaced (it is or holds the current folder, the repository or the home folder), or null. */
function protectedBy(target: string): string | null {
  const holds = (p: string) => p === target || p.startsWith(target.endsWith(sep) ? target : target + sep);
  if (holds(resolve(process.cwd()))) return 'the current folder or a folder holding it';
  if (holds(resolve(ROOT_DIR))) return "axgen's own folder or a folder holding it";
  if (holds(resolve(homedir()))) return 'the home folder or a folder holding it';
  return null;
}

/**
 * The state of `target` for an output folder of `command`. A path under a file (`--out notes.txt/x`)
 * counts as absent here: checkCreatable refuses it, saying so (--force could not help).
 */
async function folderState(target: string, command: FolderCommand): Promise<OutState> {
  let st: Stats;
  try {
    st = await lstat(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent' };
    throw e;
  }
  if (st.isSymbolicLink()) return { kind: 'foreign', why: 'is a symbolic link' };
  if (!st.isDirectory()) return { kind: 'foreign', why: 'is a file, not a folder' };
  const names = await readdir(target);
  if (names.length === 0) return { kind: 'ours', files: [] };
  const marker = await readMarker(target);
  const legacy = marker ? null : await legacyFiles(target, names);
  const allowed = marker?.files ?? legacy?.files;
  if (!allowed)
    return { kind: 'foreign', why: `holds files axgen did not write (${sample(names)}) and no ${OUTPUT_MARKER}` };
  const extra = await unlisted(target, new Set(allowed));
  if (extra.length > 0) return { kind: 'foreign', why: `holds files axgen did not write there (${sample(extra)})` };
  // A marker of an earlier version records no command (or no hashes): that check is skipped. A
  // folder from before markers is known by its files (legacyFiles), and so is its command.
  if (marker?.command !== undefined && marker.command !== command)
    return {
      kind: 'foreign',
      why: `exists and is a folder axgen ${marker.command} wrote, not one axgen ${command} writes`,
    };
  if (legacy && !legacy.commands.includes(command))
    return {
      kind: 'foreign',
      why: `exists and is a folder axgen ${legacy.commands[0]} wrote, not one axgen ${command} writes`,
    };
  if (marker?.sha256) {
    const edited = await changedFiles(target, marker.sha256);
    if (edited.length > 0)
      return { kind: 'foreign', why: `holds files edited since axgen wrote them (${sample(edited)})` };
  } else if (await editedSinceManifest(target)) {
    // A marker without hashes (an earlier version's), but a generated folder's manifest.json
    // records the RTL's hash: hand edits made there are not overwritten either.
    return {
      kind: 'foreign',
      why: "holds RTL edited since axgen wrote it, or with a listed file missing (it does not give manifest.json's rtlHash)",
    };
  }
  return { kind: 'ours', files: allowed, sha256: marker?.sha256 };
}

/**
 * Whether `dir`'s manifest.json (a folder `axgen generate` or `fpga` wrote) records an `rtlHash`
 * that its listed .v files no longer give (infra/rtl-hash.ts), or one of them is missing. False
 * when there is no such manifest, or it cannot be read (nothing to compare against).
 */
async function editedSinceManifest(dir: string): Promise<boolean> {
  let m: { files?: unknown; rtlHash?: unknown };
  try {
    m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as typeof m;
  } catch {
    return false;
  }
  if (typeof m.rtlHash !== 'string' || !Array.isArray(m.files) || !m.files.every((f) => typeof f === 'string'))
    return false;
  // A listed file that is gone makes the hash uncheckable: the others may have been edited too,
  // so that counts as edited (--force still moves the folder aside).
  try {
    const files = await Promise.all(
      (m.files as string[]).map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })),
    );
    return rtlHash(files) !== m.rtlHash;
  } catch {
    return true;
  }
}

/**
 * The listed files under `dir` whose content differs from the sha256 `sha256` records for them
 * (or that are no longer regular files); a listed file that is gone is not counted (nothing of the
 * user's is lost when it is not there).
 */
async function changedFiles(dir: string, sha256: Record<string, string>): Promise<string[]> {
  const changed: string[] = [];
  for (const [f, hash] of Object.entries(sha256)) {
    const st = await lstat(join(dir, f)).catch(() => null);
    if (st === null) continue;
    if (!st.isFile() || (await fileHash(join(dir, f))) !== hash) changed.push(f);
  }
  return changed;
}

/** The sha256 of a file's bytes, hex. */
async function fileHash(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function sample(names: string[]): string {
  const s = [...names].sort();
  return s.slice(0, 3).join(', ') + (s.length > 3 ? `, and ${s.length - 3} more` : '');
}

function markerText(command: FolderCommand, files: string[], sha256: Record<string, string>): string {
  return (
    JSON.stringify(
      {
        writtenBy: 'axgen',
        generatorVersion: GENERATOR_VERSION,
        command,
        note: `axgen replaces this folder only when axgen ${command} writes to it again and the folder holds nothing but these files, each with the content its sha256 records`,
        files,
        sha256,
      },
      null,
      2,
    ) + '\n'
  );
}

/** What a folder's OUTPUT_MARKER says; `command` and `sha256` are absent in markers of earlier versions. */
interface Marker {
  /** The listed files, the marker itself included. */
  files: string[];
  command?: string;
  sha256?: Record<string, string>;
}

/** The folder's OUTPUT_MARKER, or null without a valid one. */
async function readMarker(dir: string): Promise<Marker | null> {
  try {
    const m = JSON.parse(await readFile(join(dir, OUTPUT_MARKER), 'utf8')) as {
      writtenBy?: unknown;
      files?: unknown;
      command?: unknown;
      sha256?: unknown;
    };
    if (
      m.writtenBy !== 'axgen' ||
      !Array.isArray(m.files) ||
      !m.files.every((f) => typeof f === 'string' && isInside(f))
    )
      return null;
    const files = m.files as string[];
    if (m.command !== undefined && (typeof m.command !== 'string' || !/^[a-z][a-z-]*$/.test(m.command))) return null;
    let sha256: Record<string, string> | undefined;
    if (m.sha256 !== undefined) {
      // A hash for every listed file and nothing else, or the marker is not one axgen wrote.
      const h = m.sha256 as Record<string, unknown>;
      if (
        h === null ||
        typeof h !== 'object' ||
        Array.isArray(h) ||
        Object.keys(h).length !== files.length ||
        !files.every((f) => Object.hasOwn(h, f) && typeof h[f] === 'string' && /^[0-9a-f]{64}$/.test(h[f]))
      )
        return null;
      sha256 = h as Record<string, string>;
    }
    return { files: [...files, OUTPUT_MARKER], command: m.command as string | undefined, sha256 };
  } catch {
    return null;
  }
}

/** A file a folder's OUTPUT_MARKER lists: the sha256 (hex) recorded for it, and that of its bytes now. */
export interface MarkedFile {
  name: string;
  expected: string;
  /** null when the file is gone or is not a regular file. */
  received: string | null;
}

/**
 * For a reader that must trust a folder axgen wrote (sweep-merge reads shards): the command its
 * OUTPUT_MARKER records (undefined in earlier versions' markers) and every file it lists (the
 * marker excluded) with its recorded and current sha256. null when `dir` holds no valid marker, or
 * one without hashes (an earlier version's).
 */
export async function markedFiles(dir: string): Promise<{ command?: string; files: MarkedFile[] } | null> {
  const marker = await readMarker(dir);
  if (!marker?.sha256) return null;
  const files: MarkedFile[] = [];
  for (const [name, expected] of Object.entries(marker.sha256)) {
    const st = await lstat(join(dir, name)).catch(() => null);
    files.push({ name, expected, received: st?.isFile() ? await fileHash(join(dir, name)) : null });
  }
  return { command: marker.command, files };
}

function isInside(rel: string): boolean {
  return rel !== '' && !rel.startsWith('/') && !rel.split('/').includes('..');
}

const LEGACY_GENERATE = ['files.f', 'manifest.json', 'regmap.h', 'regmap.md', 'regmap.json'];
const LEGACY_SWEEP = ['results.json', 'results.csv', 'report.md', 'report.html'];

/**
 * The files of a folder written by axgen before OUTPUT_MARKER existed (flat folders only):
 * `generate` (manifest.json with generatorVersion and its file list), `sweep` / `sweep-merge`
 * (results.json of format axgen-sweep-results-1) and `unit` (files.f listing only .v files).
 */
async function legacyFiles(
  dir: string,
  names: string[],
): Promise<{ files: string[]; commands: FolderCommand[] } | null> {
  const json = async (name: string): Promise<Record<string, unknown> | null> => {
    try {
      return JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  if (names.includes('manifest.json')) {
    const m = await json('manifest.json');
    if (
      m &&
      typeof m.generatorVersion === 'string' &&
      Array.isArray(m.files) &&
      m.files.every((f) => typeof f === 'string' && !f.includes('/'))
    ) {
      return { files: [...(m.files as string[]), ...LEGACY_GENERATE], commands: ['generate'] };
    }
    return null;
  }
  if (names.includes('results.json')) {
    const r = await json('results.json');
    return r && r.format === 'axgen-sweep-results-1'
      ? { files: LEGACY_SWEEP, commands: ['sweep', 'sweep-merge'] }
      : null;
  }
  if (names.includes('files.f')) {
    const listed = (await readFile(join(dir, 'files.f'), 'utf8')).split('\n').filter((l) => l !== '');
    return listed.length > 0 && listed.every((l) => /^[A-Za-z0-9_]+\.v$/.test(l))
      ? { files: [...listed, 'files.f'], commands: ['unit'] }
      : null;
  }
  return null;
}

/** Entries under `dir` (relative, `/`-separated) that are neither in `allowed` nor a folder on the way to one; stops after 4. */
async function unlisted(dir: string, allowed: Set<string>): Promise<string[]> {
  const dirs = new Set<string>();
  for (const f of allowed) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const extra: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    // Every entry, not the first few: the message counts them ("…, and 12 more"). The walk enters
    // only folders axgen wrote files into, so a folder of someone else's is one entry.
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory() && dirs.has(r)) await walk(r);
      else if (e.isDirectory() || !allowed.has(r)) extra.push(e.isDirectory() ? `${r}/` : r);
    }
  };
  await walk('');
  return extra;
}

/** Every non-folder entry under `dir`, relative and `/`-separated, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isDirectory())
      out.push(
        relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
          .split(sep)
          .join('/'),
      );
  }
  return out.sort();
}

/**
 * Removes the listed files of a folder axgen wrote, then its folders if empty. Anything else found
 * there (a file written meanwhile, or a listed file whose content no longer has the hash `sha256`
 * records: edited meanwhile) is kept: the folder is then moved aside and a warning printed.
 */
async function removeWritten(dir: string, files: string[], sha256?: Record<string, string>): Promise<void> {
  const dirs = new Set<string>();
  const edited = new Set(sha256 ? await changedFiles(dir, sha256) : []);
  for (const f of files) {
    if (!edited.has(f)) await rm(join(dir, f), { force: true });
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  try {
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) await rmdir(join(dir, d));
    await rmdir(dir);
  } catch {
    const aside = await asidePath(dir.replace(/\.tmp-[^/]*-old$/, '').replace(/\/\.([^/]*)$/, '/$1'));
    await rename(dir, aside);
    process.stderr.write(`⚠ kept files that appeared or changed in the old output meanwhile: moved to ${aside}\n`);
  }
}

// ---- temporaries ---------------------------------------------------------------------------

/** A file inside every temporary folder while it is being filled: what cleanStaleTemps looks for. */
const TEMP_MARKER = '.axgen-tmp';
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 6);
/** A temporary of another machine (a cache on a shared file system) counts as stale after this. */
const FOREIGN_HOST_STALE_MS = 24 * 3600_000;

/**
 * Makes `<parent>/<prefix><host>-<pid>-<random>` with a TEMP_MARKER inside; mode 0777 less the umask
 * (mkdtemp would make it 0700).
 */
export async function makeTemp(parent: string, prefix: string): Promise<string> {
  const tmp = join(parent, `${prefix}${HOST}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  await writeFile(join(tmp, TEMP_MARKER), `${process.pid}\n`);
  if (liveTemps.size === 0 && !exitHook) {
    exitHook = true;
    process.on('exit', removeLiveTemps);
  }
  liveTemps.add(tmp);
  return tmp;
}

/**
 * This process's temporaries (makeTemp), removed when it exits before renaming them into place:
 * a Ctrl-C'd `axgen fpga` or `generate` (exit 130 through process.exit) leaves no `.tmp-` folder
 * behind. A temporary that was renamed no longer exists under its name, so only unfinished ones go.
 * SIGKILL cannot be handled: cleanStaleTemps removes those on a later run.
 */
const liveTemps = new Set<string>();
let exitHook = false;

function removeLiveTemps(): void {
  for (const tmp of liveTemps) rmSync(tmp, { recursive: true, force: true });
  liveTemps.clear();
}

/** Removes the TEMP_MARKER of a filled temporary (before it is renamed into place). */
export async function finishTemp(tmp: string): Promise<void> {
  await rm(join(tmp, TEMP_MARKER), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporaries under `parent` named `<prefix><host>-<pid>-<hex>` (and the `-old` folders of
 * an interrupted replacement) whose process is gone: on this machine, a pid that no longer runs;
 * from another machine, older than a day. Only folders holding TEMP_MARKER (a temporary being
 * filled) or OUTPUT_MARKER (an old output being removed) are touched; an old output loses only the
 * files its marker lists. Returns the paths removed.
 */
export async function cleanStaleTemps(parent: string, prefix: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([0-9a-f]{6})-(\\d+)-[0-9a-f]{8}(-old)?$`);
  const removed: string[] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (!m) continue;
    const path = join(parent, name);
    try {
      const st = await lstat(path);
      if (!st.isDirectory()) continue;
      const stale = m[1] === HOST ? !alive(Number(m[2])) : Date.now() - st.mtimeMs > FOREIGN_HOST_STALE_MS;
      if (!stale) continue;
      if (m[3]) {
        const marker = await readMarker(path);
        if (marker) {
          await removeWritten(path, marker.files, marker.sha256);
          removed.push(path);
        }
      } else if (existsSync(join(path, TEMP_MARKER))) {
        await rm(path, { recursive: true, force: true });
        removed.push(path);
      }
    } catch {
      // Another run cleaning the same temporary, or one that vanished: nothing to do.
    }
  }
  return removed;
}

/** The temporary sibling a single output file is written to before its rename: `<file>.tmp-<host>-<pid>`. */
export function tempFileFor(target: string): string {
  return `${target}.tmp-${HOST}-${process.pid}`;
}

/** Removes `<file>.tmp-<host>-<pid>` files of this machine whose process is gone (a killed run). */
export async function cleanStaleTempFiles(target: string): Promise<void> {
  const prefix = `${basename(target)}.tmp-${HOST}-`;
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !/^\d+$/.test(n.slice(prefix.length))) continue;
    if (alive(Number(n.slice(prefix.length)))) continue;
    const p = join(dirname(target), n);
    if ((await lstat(p)).isFile()) await rm(p, { force: true });
  }
}
