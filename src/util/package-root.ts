/**
 * Locate the carbonguard package root: the nearest ancestor directory of this module whose
 * `package.json` is named "carbonguard".
 *
 * Works from the TypeScript sources (`src/util/` under Vitest), from the compiled output
 * (`dist/src/util/`), and from an installed copy (`node_modules/carbonguard/dist/src/util/`).
 * Other `package.json` files on the way up (for example `policies/package.json`) are skipped
 * because their name differs.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const PACKAGE_NAME = "carbonguard";

/**
 * Walk up from `startDir` (inclusive) to the filesystem root and return the first directory
 * holding a `package.json` whose `name` is `packageName`, or undefined. Never throws.
 */
export function findPackageRoot(startDir: string, packageName: string = PACKAGE_NAME): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    if (packageNameAt(dir) === packageName) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function packageNameAt(dir: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, "package.json"), "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && "name" in parsed) {
      const name = (parsed as { name?: unknown }).name;
      return typeof name === "string" ? name : undefined;
    }
  } catch {
    // Not JSON: not our package.json.
  }
  return undefined;
}

let cachedRoot: string | undefined;

/**
 * The carbonguard package root (absolute path), found once and cached.
 * Throws only if this module is not inside a carbonguard package at all (a broken install).
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  const found = findPackageRoot(__dirname);
  if (found === undefined) {
    throw new Error(
      `carbonguard: cannot find the package root (no package.json named "${PACKAGE_NAME}" above ${__dirname})`,
    );
  }
  cachedRoot = found;
  return found;
}
