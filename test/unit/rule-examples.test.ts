import { describe, expect, it } from "vitest";
import { runExample, runStackExample } from "../../src/engine/examples";
import type { Outcome } from "../../src/engine/rule";
import { RULES } from "../../src/rules";

function check(verdict: "good" | "bad", outcomes: readonly Outcome[], messageIncludes: readonly string[] | undefined, messageIds: readonly string[] | undefined): void {
  const violations = outcomes.filter((o) => o.kind === "violation");
  // An example must be decidable: a can't-evaluate outcome would make it prove nothing.
  expect(outcomes.filter((o) => o.kind === "unknown")).toEqual([]);
  if (verdict === "good") {
    expect(violations.map((v) => v.message)).toEqual([]);
  } else {
    expect(violations.length).toBeGreaterThan(0);
    const text = violations.map((v) => v.message).join("\n");
    for (const needle of messageIncludes ?? []) expect(text).toContain(needle);
    // The structure, not the prose: the kind of finding each bad example documents.
    expect(messageIds?.length ?? 0).toBeGreaterThan(0);
    for (const id of messageIds ?? []) expect(violations.map((v) => v.messageId)).toContain(id);
    // Bad examples document the rule's real violations, not the low-severity "no data" notices.
    expect(violations.some((v) => v.level === undefined)).toBe(true);
  }
}

describe.each(RULES.map((r) => [r.meta.name, r] as const))("%s examples", (_name, rule) => {
  const all = [...rule.examples, ...(rule.stackExamples ?? [])];

  it("has at least one good and one bad example", () => {
    expect(all.some((e) => e.verdict === "good")).toBe(true);
    expect(all.some((e) => e.verdict === "bad")).toBe(true);
  });

  it("has examples for each part it implements", () => {
    if (rule.evaluate) expect(rule.examples.length).toBeGreaterThan(0);
    if (rule.evaluateStack) expect(rule.stackExamples?.length ?? 0).toBeGreaterThan(0);
  });

  it.each(rule.examples.map((e) => [e.verdict, e.title, e] as const))("%s: %s", (verdict, _title, example) => {
    check(verdict, runExample(rule, example), example.messageIncludes, example.messageIds);
  });

  it.each((rule.stackExamples ?? []).map((e) => [e.verdict, e.title, e] as const))("stack %s: %s", (verdict, _title, example) => {
    check(verdict, runStackExample(rule, example), example.messageIncludes, example.messageIds);
  });
});
