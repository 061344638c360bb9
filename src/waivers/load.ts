/** Loading waiver files and inline lists into a WaiverSet. Never throws. */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type ParsedWaivers, parseWaiverText, validateWaiverEntries } from "./parse";
import { DEFAULT_WAIVER_OPTIONS, type WaiverOptions, type WaiverSet } from "./types";

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Reads and validates one waiver file (YAML, or JSON by `.json` extension). `path` resolves against the process's cwd. */
export function loadWaiverFile(path: string, options: Partial<WaiverOptions> = {}): WaiverSet {
  const source = resolve(path);
  return toSet(readWaiverFile(source), [source], options);
}

/** The parsed entries of one file, with read errors as problems. */
export function readWaiverFile(absPath: string): ParsedWaivers {
  try {
    const size = statSync(absPath).size;
    if (size > MAX_FILE_BYTES) return { waivers: [], problems: [{ source: absPath, message: `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` }] };
    return parseWaiverText(readFileSync(absPath, "utf8"), absPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : code ? `cannot read the file (${code})` : `cannot read the file (${error instanceof Error ? error.message : String(error)})`;
    return { waivers: [], problems: [{ source: absPath, message: why }] };
  }
}

/** A set from an inline list (e.g. the pack's `carbonguard-waivers` config `waivers`). */
export function waiverSetFromEntries(entries: unknown, source: string, options: Partial<WaiverOptions> = {}): WaiverSet {
  return toSet(validateWaiverEntries(entries, source), [source], options);
}

/** Several sets as one; a problem in any of them makes the whole set fail closed. */
export function mergeWaiverSets(sets: readonly WaiverSet[], options: Partial<WaiverOptions> = {}): WaiverSet {
  return {
    waivers: sets.flatMap((s) => s.waivers),
    problems: sets.flatMap((s) => s.problems),
    sources: sets.flatMap((s) => s.sources),
    options: waiverOptions(options),
  };
}

export const EMPTY_WAIVER_SET: WaiverSet = { waivers: [], problems: [], sources: [], options: DEFAULT_WAIVER_OPTIONS };

function toSet(parsed: ParsedWaivers, sources: string[], options: Partial<WaiverOptions>): WaiverSet {
  return { waivers: parsed.waivers, problems: parsed.problems, sources, options: waiverOptions(options) };
}

/** Options with defaults for anything absent (or of the wrong type). */
export function waiverOptions(options: Partial<WaiverOptions> = {}): WaiverOptions {
  const horizon = options.maxHorizonDays;
  return {
    maxHorizonDays: typeof horizon === "number" && Number.isFinite(horizon) && horizon > 0 ? horizon : DEFAULT_WAIVER_OPTIONS.maxHorizonDays,
    allowTagWaivers: typeof options.allowTagWaivers === "boolean" ? options.allowTagWaivers : DEFAULT_WAIVER_OPTIONS.allowTagWaivers,
  };
}
