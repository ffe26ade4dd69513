import { readFileSync } from 'node:fs';

/** The generator version, read once from package.json; it appears in every emitted header and manifest. */
export const GENERATOR_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
