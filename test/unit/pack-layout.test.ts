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

  it("every dependency is pinned to an exact version", () => {
    const pkg = read("package.json") as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});
