/** A small argv parser: `--flag`, `--key value`, `--key=value`, repeatable keys, positionals. */

export interface ParsedArgs {
  readonly positionals: string[];
  readonly options: Map<string, string[]>;
  readonly flags: Set<string>;
  /** Every value option in command-line order (to pair options such as `--format`/`--out`). */
  readonly sequence?: readonly (readonly [key: string, value: string])[];
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function parseArgs(argv: readonly string[], valueOptions: readonly string[], flagOptions: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const sequence: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    if (flagOptions.includes(key)) {
      if (eq !== -1) throw new UsageError(`--${key} takes no value`);
      flags.add(key);
    } else if (valueOptions.includes(key)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${key} needs a value`);
      options.set(key, [...(options.get(key) ?? []), value]);
      sequence.push([key, value]);
    } else {
      throw new UsageError(`unknown option --${key}`);
    }
  }
  return { positionals, options, flags, sequence };
}

export function single(args: ParsedArgs, key: string): string | undefined {
  const values = args.options.get(key);
  if (values && values.length > 1) throw new UsageError(`--${key} given more than once`);
  return values?.[0];
}

/** Text from the command line or a state file, safe and short for a terminal line: controls become `?`, long text ends in `…`. */
export function printable(s: string, max: number): string {
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** `--utilization`: a number from 0 to 1, or undefined when not given. */
export function parseUtilization(value: string | undefined, option = "--utilization"): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d*\.?\d+\s*$/.test(value) || !(n >= 0 && n <= 1)) throw new UsageError(`${option} must be a number from 0 to 1`);
  return n;
}
