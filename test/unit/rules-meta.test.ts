import { describe, expect, it } from "vitest";
import { applyConfigSchema } from "../../src/engine/config";
import { RULES } from "../../src/rules";

const SEVERITIES = ["low", "medium", "high", "critical"];
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

describe("rule metadata (quality gates in the KICS style)", () => {
  it("names are unique, valid CrossGuard policy names and never 'all'", () => {
    const names = RULES.map((r) => r.meta.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[a-zA-Z0-9-_.]{1,100}$/);
      expect(name).not.toBe("all");
    }
  });

  it.each(RULES.map((r) => [r.meta.name, r] as const))("%s has complete metadata", (_n, rule) => {
    const { meta } = rule;
    expect(SEVERITIES).toContain(meta.severity);
    expect(LEVELS).toContain(meta.defaultLevel);
    expect(meta.description.length).toBeGreaterThan(20);
    expect(meta.rationale.length).toBeGreaterThan(40);
    expect(meta.remediationSteps.length).toBeGreaterThan(20);
    expect(meta.url).toMatch(new RegExp(`docs/rules/${meta.name}\\.md$`));
    expect(meta.tags.length).toBeGreaterThan(0);
    // The SDK rejects a configSchema that declares enforcementLevel.
    expect(Object.keys(meta.configSchema.properties)).not.toContain("enforcementLevel");
    for (const [prop, schema] of Object.entries(meta.configSchema.properties)) {
      expect(schema.description.length, `${prop} needs a description`).toBeGreaterThan(10);
    }
  });

  it.each(RULES.map((r) => [r.meta.name, r] as const))("%s: defaults satisfy its own schema and absent == default", (_n, rule) => {
    const withDefaults = applyConfigSchema(rule.meta.configSchema, {});
    expect(withDefaults.problems).toEqual([]);
    expect(rule.parseConfig({})).toEqual(rule.parseConfig(withDefaults.values));
  });
});
