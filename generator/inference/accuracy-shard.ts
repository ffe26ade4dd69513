/**
 * One shard of an accuracy run, in its own process (started by arrayRunParallel): reads the job as
 * JSON on stdin, runs the configured array (and, when asked, exact int8) over its image range, writes the ArrayRun as JSON on
 * stdout and one byte 0x01 per image on stderr (the parent's progress bar).
 */
import { readFileSync } from 'node:fs';
import { loadLabeledImages } from '../data/dataset.js';
import { arrayRun, loadNetwork, type ShardJob } from './accuracy.js';

const job = JSON.parse(readFileSync(0, 'utf8')) as ShardJob;
const ds = await loadLabeledImages(job.images, job.labels);
const { net } = loadNetwork(job.model, job.config);
const run = arrayRun(
  net,
  job.config,
  ds,
  job.end,
  job.layerImages,
  () => process.stderr.write('\x01'),
  job.start,
  job.withExact,
);
process.stdout.write(
  JSON.stringify({
    ...run,
    predictions: Array.from(run.predictions),
    ...(run.exact ? { exact: Array.from(run.exact) } : {}),
  }),
);
