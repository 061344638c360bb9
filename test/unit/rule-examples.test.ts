import { describe, expect, it } from "vitest";
import { runExample } from "../../src/engine/examples";
import { RESOURCE_RULES } from "../../src/rules";

describe.each(RESOURCE_RULES.map((r) => [r.meta.name, r] as const))("%s examples", (_name, rule) => {
  it("has at least one good and one bad example", () => {
    expect(rule.examples.some((e) => e.verdict === "good")).toBe(true);
    expect(rule.examples.some((e) => e.verdict === "bad")).toBe(true);
  });

  it.each(rule.examples.map((e) => [e.verdict, e.title, e] as const))("%s: %s", (verdict, _title, example) => {
    const outcomes = runExample(rule, example);
    const violations = outcomes.filter((o) => o.kind === "violation");
    // An example must be decidable: a can't-evaluate outcome would make it prove nothing.
    expect(outcomes.filter((o) => o.kind === "unknown")).toEqual([]);
    if (verdict === "good") {
      expect(violations.map((v) => v.message)).toEqual([]);
    } else {
      expect(violations.length).toBeGreaterThan(0);
      const text = violations.map((v) => v.message).join("\n");
      for (const needle of example.messageIncludes ?? []) expect(text).toContain(needle);
      // Bad examples document the rule's real violations, not the low-severity "no data" notices.
      expect(violations.some((v) => v.level === undefined)).toBe(true);
    }
  });
});
