import { describe, expect, it } from "vitest";
import { REPORT_SCHEMA_VERSION, type Report } from "../../src/report/model";
import { createJsonRenderer } from "../../src/report/renderers/json";
import { FIXTURE_NAMES, expectGolden, generatedReport, loadFixture, validateReportJson } from "./helpers";

const json = createJsonRenderer();

/** The same model with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]),
  );
}

describe("json renderer", () => {
  it("names its format", () => {
    expect(json.format).toBe("json");
    expect(json.extension).toBe("json");
  });

  for (const name of FIXTURE_NAMES) {
    it(`matches the golden output for ${name}`, () => {
      expectGolden(`${name}.json`, json.render(loadFixture(name)));
    });

    it(`validates against docs/report-schema.json and round-trips (${name})`, () => {
      const model = loadFixture(name);
      const out = JSON.parse(json.render(model)) as unknown;
      expect(validateReportJson(out)).toEqual([]);
      expect(out).toEqual(model);
    });
  }

  it("is the model itself, with stable key order and 2-space indentation", () => {
    const model = loadFixture("full");
    const text = json.render(model);
    expect(text.startsWith(`{\n  "schemaVersion": "${REPORT_SCHEMA_VERSION}",\n  "tool": {\n    "name": "carbonguard",`)).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
    // The order of keys in the input does not matter.
    expect(json.render(reversedKeys(model) as Report)).toBe(text);
    // Free-form maps come out sorted.
    const stack = (JSON.parse(text) as Report).stacks[0]!;
    expect(Object.keys(stack.tags)).toEqual([...Object.keys(stack.tags)].sort());
  });

  it("drops undefined optional fields and keeps unknown (future) fields, sorted, after the declared ones", () => {
    const model = { ...loadFixture("clean"), baseline: undefined, zeta: 1, alpha: 2 } as unknown as Report;
    const out = JSON.parse(json.render(model)) as Record<string, unknown>;
    expect("baseline" in out).toBe(false);
    expect(Object.keys(out).slice(-2)).toEqual(["alpha", "zeta"]);
  });

  it("validates for a generated 200-stack model", () => {
    const out = JSON.parse(json.render(generatedReport(200, 3))) as unknown;
    expect(validateReportJson(out)).toEqual([]);
  });

  it("the schema rejects what the model forbids", () => {
    const model = JSON.parse(json.render(loadFixture("full"))) as Record<string, unknown> & { stacks: { findings: Record<string, unknown>[] }[] };
    model.stacks[0]!.findings[0]!.level = "fatal";
    expect(validateReportJson(model).join("\n")).toMatch(/level/);
    expect(validateReportJson({ ...model, schemaVersion: "2.0" }).length).toBeGreaterThan(0);
  });
});
