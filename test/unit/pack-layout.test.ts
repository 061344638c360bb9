import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/util/package-root";

const root = packageRoot();
const read = (p: string) => JSON.parse(readFileSync(join(root, p), "utf8")) as Record<string, unknown>;

describe("policy pack layout", () => {
  it("policies/package.json carries the carbonguard version (the SDK reports it as the pack version)", () => {
    expect(read("policies/package.json")["version"]).toBe(read("package.json")["version"]);
  });

  it("the pack entry is compiled JavaScript, so no ts-node compile at load", () => {
    const main = read("policies/package.json")["main"] as string;
    expect(main).toMatch(/\.js$/);
    expect(existsSync(join(root, "policies", main))).toBe(true);
  });

  it("PulumiPolicy.yaml declares the nodejs runtime", () => {
    expect(readFileSync(join(root, "policies/PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });

  it("published ranges are caret ranges (installing carbonguard never forces a user's versions); dev tools are pinned; the lockfile pins everything", () => {
    const pkg = read("package.json") as { dependencies: Record<string, string>; peerDependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) expect(range, name).toMatch(/^\^\d+\.\d+\.\d+$/);
    for (const [name, version] of Object.entries(pkg.devDependencies)) expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    const lock = read("package-lock.json") as { packages: Record<string, { version?: string }> };
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) expect(lock.packages[`node_modules/${name}`]?.version, name).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("the pack folder declares the runtime dependencies it needs, with the package's own ranges", () => {
    const pkg = read("package.json") as { dependencies: Record<string, string> };
    const pack = read("policies/package.json") as { dependencies: Record<string, string>; files: string[] };
    expect(pack.dependencies).toEqual(pkg.dependencies);
    expect(pack.files).toEqual(expect.arrayContaining(["lib/", "PulumiPolicy.yaml", "npm-shrinkwrap.json"]));
  });

  it("the built pack is self-contained: entry, engine, region data and rule docs inside policies/lib", () => {
    for (const f of ["lib/policies/index.js", "lib/src/pack/crossguard.js", "lib/region-data/regions.json", "lib/region-data/accelerators.json", "lib/region-data/coefficients.json", "lib/region-data/LICENSE-DATA.md", "lib/docs/rules/ml-clean-energy-region.md", "lib/package.json"]) {
      expect(existsSync(join(root, "policies", f)), f).toBe(true);
    }
    // The engine finds its data next to itself: lib/package.json is named like the package.
    expect((JSON.parse(readFileSync(join(root, "policies/lib/package.json"), "utf8")) as { name: string }).name).toBe("carbonguard");
  });

  it("the shrinkwrap pins the pack's dependency tree to the versions this repository's lockfile tested", () => {
    const shrink = read("policies/npm-shrinkwrap.json") as { packages: Record<string, { version?: string }> };
    const lock = read("package-lock.json") as { packages: Record<string, { version?: string }> };
    expect(Object.keys(shrink.packages)).toEqual(expect.arrayContaining(["", "node_modules/@pulumi/policy", "node_modules/@pulumi/pulumi", "node_modules/ajv"]));
    for (const [at, entry] of Object.entries(shrink.packages)) if (at !== "") expect(entry.version, at).toBe(lock.packages[at]?.version);
    expect(Object.keys(shrink.packages)).not.toContain("node_modules/vitest");
  });
});
