/**
 * One loader for the committed data files in region-data/ (regions, accelerator catalog, energy
 * coefficients): each is read and parsed once, on the first lookup that needs it, so importing a
 * data module costs nothing at `pulumi preview` start-up. Only a missing or malformed file (a
 * broken install) throws, with a message naming the file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../util/package-root";

/**
 * A committed data file is missing, unreadable or malformed: a broken install. Its message names
 * the file and what is wrong, and nothing else (no property values), so rules quote it as the cause.
 */
export class DataFileError extends Error {
  override readonly name = "DataFileError";
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`carbonguard: data file ${file} ${problem}; reinstall carbonguard or re-run the data refresh`);
  }
}

/**
 * A function that reads `relativePath` (from the package root) on its first call, hands the parsed
 * JSON to `build` (validate, freeze, index) and returns what `build` made, then and on every later
 * call. `what` names the file in errors: "the accelerator catalog".
 */
export function lazyDataFile<T>(relativePath: string, what: string, build: (parsed: unknown, file: string) => T): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded !== undefined) return loaded;
    const file = path.join(packageRoot(), relativePath);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new DataFileError(file, `(${what}) cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new DataFileError(file, `(${what}) is not valid JSON: ${(e as Error).message}`);
    }
    try {
      loaded = build(parsed, file);
    } catch (e) {
      if (e instanceof DataFileError) throw e;
      throw new DataFileError(file, `(${what}) is malformed: ${(e as Error).message}`);
    }
    return loaded;
  };
}

/** Freezes `value` and everything under it: lookups hand out the data itself, never copies. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
