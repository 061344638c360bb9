/**
 * Removes compiled outputs whose TypeScript source is gone (run by `npm run build` after `tsc`).
 *
 * `tsc` writes outputs but never deletes them. When a module becomes a folder
 * (`src/rules/<name>.ts` → `src/rules/<name>/index.ts`), the old `dist/src/rules/<name>.js` stays,
 * and Node resolves `require("./<name>")` to that file before the folder's `index.js`: the build
 * would silently run the old rule. The same goes for a renamed or deleted module that something
 * still imports by its old name (the stale output would hide the broken import). So every `.js`,
 * `.d.ts` and their maps under `dist/` that no longer has a `.ts` beside its source path is
 * removed, and so are folders left empty. Nothing else under `dist/` is touched.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { packageRoot } from "../src/util/package-root";

const COMPILED = [".d.ts.map", ".js.map", ".d.ts", ".js"];

/** The source a compiled file came from (`dist/src/a/b.js` → `src/a/b.ts`), or undefined when it is not a compiled output. */
export function sourceOf(distRelative: string): string | undefined {
  const ext = COMPILED.find((e) => distRelative.endsWith(e));
  return ext === undefined ? undefined : `${distRelative.slice(0, -ext.length)}.ts`;
}

/** Compiled outputs under `<root>/dist` whose source no longer exists, relative to `<root>/dist`. */
export function staleOutputs(root: string): string[] {
  const dist = path.join(root, "dist");
  const stale: string[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dist, rel), { withFileTypes: true });
    } catch {
      return; // no dist yet
    }
    for (const e of entries) {
      const child = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) {
        const source = sourceOf(child);
        if (source !== undefined && !fs.existsSync(path.join(root, source))) stale.push(child);
      }
    }
  };
  walk("");
  return stale.sort();
}

/** Removes the stale outputs and the folders they leave empty; returns what was removed. */
export function pruneStaleOutputs(root: string): string[] {
  const dist = path.join(root, "dist");
  const removed = staleOutputs(root);
  for (const rel of removed) fs.rmSync(path.join(dist, rel), { force: true });
  const dirs = [...new Set(removed.map((rel) => path.dirname(rel)))].sort((a, b) => b.length - a.length);
  for (let dir of dirs) {
    // Up the tree while empty, never past dist itself.
    while (dir !== "." && dir !== "") {
      const abs = path.join(dist, dir);
      if (!fs.existsSync(abs) || fs.readdirSync(abs).length > 0) break;
      fs.rmdirSync(abs);
      dir = path.dirname(dir);
    }
  }
  return removed;
}

if (require.main === module) {
  const removed = pruneStaleOutputs(packageRoot());
  if (removed.length > 0) process.stderr.write(`prune-dist: removed ${removed.length} stale compiled file(s): ${removed.filter((f) => f.endsWith(".js")).join(", ")}\n`);
}
