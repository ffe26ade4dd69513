/**
 * Command-line arguments as the user typed them, for error messages: a value that starts with "-"
 * stays with its option, a number that did not parse is reported as typed, and the paths the user
 * gave are remembered so that a filesystem error on one of them names the option (common.ts).
 * Kept free of heavy imports: cli.ts loads it before any command.
 */
import { basename, dirname, resolve, sep } from 'node:path';
import { Parser } from 'yargs/helpers';

/**
 * `--gemm -1x2x2` would be split by yargs into the short flags -1, -x, -2 ("Unknown arguments: 1,
 * 2, x"). axgen has no flag that starts with a digit, so a token "-<digit>…" or "-.<digit>…" right
 * after a long option without "=" is that option's value: it becomes `--gemm=-1x2x2`, and the
 * option's own check reports it ("--gemm: expected MxKxN …, received "-1x2x2"").
 */
export function attachDashValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (/^--[^=]+$/.test(a) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** The option as the user wrote it: `--out`, or `<config>` for a positional. */
function label(key: string, args: readonly string[]): string {
  return args.some((a) => a === `--${key}` || a.startsWith(`--${key}=`)) ? `--${key}` : `<${key}>`;
}

let given: { option: string; path: string }[] = [];

/** What argsAsTyped reads of the yargs instance: the options declared `array: true`. */
export interface DeclaredOptions {
  getOptions(): { array: readonly string[] };
}

/**
 * yargs middleware. An option given more than once takes its last value (`--jobs 2 --jobs 4` is
 * `--jobs 4`, as most Unix tools do; yargs would pass `[2, 4]` to the option's check), except an
 * option declared `array: true` (`--input`, `--only`), whose repeats add to the list. A number
 * option whose text did not parse (`--seed abc`) arrives as NaN, which messages would print as
 * "null", and one given an empty text (`--jobs ''`) as 0; either is replaced by the text as typed,
 * so the option's own range check reports `received "abc"` or `received ""`. Every string value is
 * remembered as a possible path.
 */
export function argsAsTyped(args: readonly string[]): (argv: Record<string, unknown>, y?: DeclaredOptions) => void {
  return (argv, y) => {
    let raw: Record<string, unknown> | undefined;
    const paths: { option: string; path: string }[] = [];
    // Without the declarations (a test calling this directly), no value is taken for a repeat.
    const arrays = y ? new Set(y.getOptions().array) : undefined;
    for (const [key, given] of Object.entries(argv)) {
      if (key === '_' || key === '$0' || /[A-Z]/.test(key)) continue;
      // Repeated: the last value, under the name and its camel-case alias alike.
      const value = Array.isArray(given) && arrays && !arrays.has(key) ? given[given.length - 1] : given;
      if (value !== given) setBoth(argv, key, value);
      // NaN: the text did not parse. 0: yargs' number of an empty or blank text (`--jobs ''`,
      // `--seed=`), which would pass a range check that includes 0 or print "received 0".
      if (typeof value === 'number' && (Number.isNaN(value) || value === 0)) {
        raw ??= Parser(args as string[], {
          configuration: { 'parse-numbers': false, 'parse-positional-numbers': false },
        }) as Record<string, unknown>;
        const typed = raw[key];
        const text = Array.isArray(typed) ? typed[typed.length - 1] : typed;
        if (typeof text === 'string' && (Number.isNaN(value) || text.trim() === '')) setBoth(argv, key, text);
      }
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string' && v !== '') paths.push({ option: label(key, args), path: v });
      }
    }
    // A number option typed without a value (`--clock` last, or before another option) would get
    // its default from yargs, or none, and pass silently: it becomes "", which the option's check
    // refuses (a boolean flag has a boolean value, a string option is "" already). Only the last
    // time an option is given counts (`--clock --clock 50` is 50).
    const last = new Map<string, number>();
    args.forEach((tok, i) => {
      const k = /^--([a-z][a-z0-9-]*)(=|$)/.exec(tok)?.[1];
      if (k !== undefined) last.set(k, i);
    });
    for (const [key, i] of last) {
      const next = args[i + 1];
      const v = argv[key];
      if (
        args[i] === `--${key}` &&
        (next === undefined || next.startsWith('--')) &&
        (typeof v === 'number' || v === undefined)
      )
        setBoth(argv, key, '');
    }
    given = paths;
  };
}

/** Sets an option's value under its name and under yargs' camel-case alias (`pnr-time-limit`, `pnrTimeLimit`). */
function setBoth(argv: Record<string, unknown>, key: string, value: unknown): void {
  argv[key] = value;
  const camel = key.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
  if (camel !== key) argv[camel] = value;
}

/** Remembers the paths of a command run in-process (tests); the CLI does it through argsAsTyped. */
export function setGivenPaths(paths: { option: string; path: string }[]): void {
  given = paths;
}

/**
 * The option whose path a filesystem error is about: the path itself, a folder above it or inside
 * it, or a temporary sibling written next to it (`.out.tmp-…`, `r.json.tmp-…`).
 */
export function optionForPath(errorPath: string): { option: string; path: string } | undefined {
  const e = resolve(errorPath);
  // The option whose path it is exactly comes first: `--float-model models/` holds the file that
  // `--model models/x.onnx` names, and the folder's error is the former's.
  const exact = given.find((g) => resolve(g.path) === e);
  if (exact) return exact;
  for (const g of given) {
    const p = resolve(g.path);
    if (e === p || e.startsWith(p + sep) || p.startsWith(e + sep)) return g;
    if (
      dirname(e) === dirname(p) &&
      (basename(e).startsWith(`${basename(p)}.`) || basename(e).startsWith(`.${basename(p)}.`))
    )
      return g;
  }
  return undefined;
}
