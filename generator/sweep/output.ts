/** Writes a sweep's results folder atomically: results.json, results.csv, report.md, report.html. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../infra/errors.js';
import { writeFolderAtomically, type FolderOptions } from '../infra/write.js';
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
