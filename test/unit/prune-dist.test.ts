/**
 * `npm run build` removes compiled outputs whose source is gone (scripts/prune-dist.ts), so a module
 * that became a folder can't be shadowed by its old compiled file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pruneStaleOutputs, sourceOf, staleOutputs } from "../../scripts/prune-dist";
import { packageRoot } from "../../src/util/package-root";

const root = packageRoot();
let tmp: string | undefined;

function tree(files: readonly string[]): string {
  tmp = mkdtempSync(join(tmpdir(), "cg-prune-"));
  for (const f of files) {
    mkdirSync(dirname(join(tmp, f)), { recursive: true });
    writeFileSync(join(tmp, f), "");
  }
  return tmp;
}

afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe("prune-dist", () => {
  it("maps compiled files to their sources and leaves other files alone", () => {
    expect(sourceOf("src/rules/a.js")).toBe("src/rules/a.ts");
    expect(sourceOf("src/rules/a.d.ts")).toBe("src/rules/a.ts");
    expect(sourceOf("src/rules/a.js.map")).toBe("src/rules/a.ts");
    expect(sourceOf("src/rules/a.d.ts.map")).toBe("src/rules/a.ts");
    expect(sourceOf(".tsbuildinfo")).toBeUndefined();
    expect(sourceOf("src/data/table.json")).toBeUndefined();
  });

  it("removes a module's old compiled file once the module is a folder, and keeps the folder's", () => {
    const dir = tree([
      "src/rules/ml-x/index.ts",
      "src/rules/ml-x/checks.ts",
      "src/rules/kept.ts",
      "dist/src/rules/ml-x.js",
      "dist/src/rules/ml-x.js.map",
      "dist/src/rules/ml-x.d.ts",
      "dist/src/rules/ml-x/index.js",
      "dist/src/rules/ml-x/checks.js",
      "dist/src/rules/kept.js",
      "dist/src/rules/gone/only.js",
      "dist/.tsbuildinfo",
    ]);
    expect(staleOutputs(dir)).toEqual(["src/rules/gone/only.js", "src/rules/ml-x.d.ts", "src/rules/ml-x.js", "src/rules/ml-x.js.map"]);
    pruneStaleOutputs(dir);
    expect(existsSync(join(dir, "dist/src/rules/ml-x.js"))).toBe(false);
    expect(existsSync(join(dir, "dist/src/rules/gone"))).toBe(false);
    expect(readdirSync(join(dir, "dist/src/rules")).sort()).toEqual(["kept.js", "ml-x"]);
    expect(readdirSync(join(dir, "dist/src/rules/ml-x")).sort()).toEqual(["checks.js", "index.js"]);
    expect(existsSync(join(dir, "dist/.tsbuildinfo"))).toBe(true);
    expect(staleOutputs(dir)).toEqual([]);
  });

  it("is part of `npm run build`, between tsc and the pack", () => {
    const build = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["build"]!;
    expect(build).toMatch(/^tsc -p tsconfig\.json && node dist\/scripts\/prune-dist\.js && node dist\/scripts\/build-pack\.js$/);
  });

  it("the built tree has no compiled file without a source, and no module shadows a folder of the same name", () => {
    expect(staleOutputs(root)).toEqual([]);
    for (const base of ["dist/src", "policies/lib/src"]) {
      const walk = (rel: string) => {
        const abs = join(root, base, rel);
        if (!existsSync(abs)) return;
        for (const e of readdirSync(abs, { withFileTypes: true })) {
          if (!e.isDirectory()) continue;
          const child = rel === "" ? e.name : `${rel}/${e.name}`;
          expect(existsSync(join(root, base, `${child}.js`)), `${base}/${child}.js shadows ${base}/${child}/index.js`).toBe(false);
          walk(child);
        }
      };
      walk("");
    }
  });
});
