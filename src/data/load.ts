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
      throw new Error(`carbonguard: cannot read ${what} ${file}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`carbonguard: ${file} is not valid JSON: ${(e as Error).message}`);
    }
    loaded = build(parsed, file);
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
