/** The sweep's generated files: schemas/sweep.schema.json and docs/sweep.md (registered in generator/docs.ts). */
import { sweepSchema } from './schema.js';

export function sweepDocs(schemaTable: (schema: Record<string, unknown>) => string): Record<string, string> {
  return {
    'schemas/sweep.schema.json': JSON.stringify(sweepSchema, null, 2) + '\n',
    'docs/sweep.md':
      '# Sweep reference\n\n' +
      'Generated from the schema (`npm run schema`); do not edit. A sweep is a `.ts` file whose default export is ' +
      '`defineSweep({...})`, or a `.json` file; both are validated against `schemas/sweep.schema.json`. Unknown keys are errors. ' +
      'See README "Design-space sweeps" for the commands and the outputs.\n\n' +
      schemaTable(sweepSchema as unknown as Record<string, unknown>) +
      '\n## Axes\n\n' +
      'Each key of `axes` is a config field path (checked against the config schema, unit fields included); its value lists ' +
      'what to try. A path may name a whole object (`multiplier`, `precision`, `zeroSkip`) or one field inside it ' +
      '(`multiplier.fractionBits`); objects on the way are created. The grid is the product of all axes, the first axis outermost. ' +
      'A point whose values make an invalid config (say `multiplier.fractionBits` with an exact multiplier) is kept in the results ' +
      'with the config error.\n\n' +
      '## Filters\n\n' +
      '`filters` is a list of `{"drop": {path: condition, …}}` or `{"keep": {path: condition, …}}`, applied in order to each ' +
      "point's resolved config (defaults filled; the written point when it does not resolve). A condition is a value the field " +
      'must equal, or an object of operators `$in`, `$nin`, `$ne`, `$lt`, `$le`, `$gt`, `$ge`; all conditions of a filter must hold ' +
      'for it to match. Example: `{"drop": {"multiplier.kind": "exact", "array.rows": {"$gt": 8}}}`.\n',
  };
}
