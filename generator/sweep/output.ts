/** Writes a sweep's results folder atomically: results.json, results.csv, report.md, report.html. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError } from '../infra/errors.js';
import { markedFiles, OUTPUT_MARKER, writeFolderAtomically, type FolderOptions } from '../infra/write.js';
import { reportHtml, reportMarkdown } from './report.js';
import { finalize, resultsCsv, resultsJson, type SweepResults } from './results.js';

export const OUTPUT_FILES = ['results.json', 'results.csv', 'report.md', 'report.html'] as const;

export async function renderOutputs(r: SweepResults): Promise<{ name: string; text: string }[]> {
  finalize(r);
  return [
    { name: 'results.json', text: resultsJson(r) },
    { name: 'results.csv', text: resultsCsv(r) },
    { name: 'report.md', text: reportMarkdown(r) },
    { name: 'report.html', text: await reportHtml(r) },
  ];
}

/**
 * `opts.command` is `sweep` or `sweep-merge`, the command the folder's marker records.
 * @throws ConfigError when `dir` may not be replaced (generator/infra/write.ts)
 */
export async function writeOutputs(dir: string, r: SweepResults, opts: FolderOptions): Promise<void> {
  await writeFolderAtomically(dir, await renderOutputs(r), opts);
}

/** Reads a results folder (or a results.json file) written by `axgen sweep`. */
export async function readResults(path: string): Promise<SweepResults> {
  const file = path.endsWith('.json') ? path : join(path, 'results.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(path, [
      {
        path: '(file)',
        expected: 'a sweep results folder holding results.json (written by `axgen sweep`)',
        received: JSON.stringify(file),
      },
    ]);
  }
  let r: SweepResults;
  try {
    r = JSON.parse(text) as SweepResults;
  } catch (e) {
    throw new ConfigError(file, [{ path: '(file)', expected: 'valid JSON', received: (e as Error).message }]);
  }
  if (r.format !== 'axgen-sweep-results-1')
    throw new ConfigError(file, [
      { path: 'format', expected: '"axgen-sweep-results-1"', received: JSON.stringify(r.format) },
    ]);
  return r;
}

/**
 * Reads a shard's results for sweep-merge (`path`: a results folder, or its results.json) after
 * checking the folder against its own OUTPUT_MARKER: written by `axgen sweep` or `sweep-merge`,
 * and every file it lists still has the sha256 recorded there, so figures edited after the sweep
 * wrote them are not merged (and marked Pareto-optimal) as the sweep's. A folder without a marker
 * with hashes (an earlier axgen's, or a results.json copied out of its folder) cannot be checked:
 * it is read, and `unverified` says why, for the command to print.
 * @throws ConfigError naming the shard, and each edited or missing file with the recorded and the
 *   current sha256, or a folder another command wrote; or readResults' errors
 */
export async function readShard(path: string): Promise<{ results: SweepResults; unverified?: string }> {
  const dir = path.endsWith('.json') ? dirname(path) : path;
  const results = await readResults(path);
  const marked = await markedFiles(dir);
  if (!marked)
    return {
      results,
      unverified: `no ${OUTPUT_MARKER} with file hashes in ${JSON.stringify(dir)} (an earlier axgen's shard, or results.json outside its folder): merged without checking it was not edited`,
    };
  if (marked.command !== undefined && marked.command !== 'sweep' && marked.command !== 'sweep-merge')
    throw new ConfigError(path, [
      {
        path: OUTPUT_MARKER,
        expected: 'a results folder as `axgen sweep --shard i/N` wrote it',
        received: `a folder axgen ${marked.command} wrote`,
      },
    ]);
  const short = (h: string) => `sha256:${h.slice(0, 12)}`;
  const edited = marked.files.filter((f) => f.received !== f.expected);
  if (edited.length > 0)
    throw new ConfigError(
      path,
      edited.map((f) => ({
        path: f.name,
        expected: `the file axgen ${marked.command ?? 'sweep'} wrote (${short(f.expected)}, recorded in ${OUTPUT_MARKER})`,
        received: f.received === null ? 'no such file' : `${short(f.received)}: edited since it was written`,
      })),
    );
  return { results };
}
