import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedDocs } from "../../src/docs/rule-docs";
import { RULES } from "../../src/rules";
import { packageRoot } from "../../src/util/package-root";

describe("generated rule docs", () => {
  const root = packageRoot();
  const expected = generatedDocs(RULES);

  it.each([...expected.keys()])("%s is up to date (run `npm run docs`)", (path) => {
    const committed = readFileSync(join(root, path), "utf8");
    expect(committed).toBe(expected.get(path));
  });

  it("has no page for a rule that does not exist", () => {
    const pages = readdirSync(join(root, "docs/rules")).filter((f) => f.endsWith(".md"));
    for (const page of pages) expect(expected.has(`docs/rules/${page}`)).toBe(true);
  });
});
