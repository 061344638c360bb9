import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { findPackageRoot, packageRoot } from "../../src/util/package-root";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "carbonguard-root-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("packageRoot", () => {
  it("is the directory whose package.json is named carbonguard, and is cached", () => {
    const root = packageRoot();
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name: string };
    expect(pkg.name).toBe("carbonguard");
    expect(fs.existsSync(path.join(root, "region-data", "regions.json"))).toBe(true);
    expect(packageRoot()).toBe(root);
  });
});

describe("findPackageRoot", () => {
  it("walks up past other package.json files to the carbonguard one (installed layout)", () => {
    const pkg = path.join(tmp, "app", "node_modules", "carbonguard");
    const deep = path.join(pkg, "dist", "src", "data");
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(tmp, "app", "package.json"), JSON.stringify({ name: "my-app" }));
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "carbonguard" }));
    fs.writeFileSync(path.join(pkg, "dist", "package.json"), "{ not json");
    fs.writeFileSync(path.join(deep, "package.json"), JSON.stringify({ type: "commonjs" }));
    expect(findPackageRoot(deep)).toBe(pkg);
  });

  it("returns undefined when there is none, without throwing", () => {
    const lonely = path.join(tmp, "lonely", "a", "b");
    fs.mkdirSync(lonely, { recursive: true });
    expect(findPackageRoot(lonely, "no-such-package-name-xyz")).toBeUndefined();
  });
});
