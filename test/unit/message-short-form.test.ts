// The short form every policy's findings follow (issue 15): the first sentence says what is wrong
// and the fix in at most 160 characters, the whole message at most 600, and the median at most 300,
// over the wasteful example (as `carbonguard analyze --example` prints it, through the real pack)
// and every rule's documented bad examples. Each finding names a message its rule declares.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runExample, runStackExample } from "../../src/engine/examples";
import { FIRST_SENTENCE_MAX, MESSAGE_MAX, firstSentence } from "../../src/engine/message";
import type { Finding } from "../../src/engine/rule";
import { RULES } from "../../src/rules";

const ROOT = path.resolve(__dirname, "../..");

function exampleMessages(): { policy: string; message: string }[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [path.join(ROOT, "bin/carbonguard.js"), "analyze", "--example", "--json"], { encoding: "utf8" });
  } catch (error) {
    out = (error as { stdout: string }).stdout; // exit 1: mandatory violations, as expected
  }
  const found: { policy: string; message: string }[] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o !== null && typeof o === "object") {
      const r = o as Record<string, unknown>;
      if (typeof r["message"] === "string" && typeof r["policyName"] === "string") found.push({ policy: r["policyName"], message: r["message"] });
      Object.values(r).forEach(walk);
    }
  };
  walk(JSON.parse(out));
  return found;
}

function ruleExampleFindings(): { policy: string; finding: Finding }[] {
  return RULES.flatMap((rule) =>
    [...rule.examples.map((e) => runExample(rule, e)), ...(rule.stackExamples ?? []).map((e) => runStackExample(rule, e))].flatMap((outcomes) =>
      outcomes.filter((o): o is Finding => o.kind === "violation").map((finding) => ({ policy: rule.meta.name, finding })),
    ),
  );
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("findings' short form", () => {
  const examples = exampleMessages();
  const ruleFindings = ruleExampleFindings();
  const all = [...examples.map((e) => e.message), ...ruleFindings.map((f) => f.finding.message)];

  it("covers the wasteful example and every policy", () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    expect(new Set(ruleFindings.map((f) => f.policy))).toEqual(new Set(RULES.map((r) => r.meta.name)));
  });

  it("keeps the first sentence (what is wrong and the fix) to 160 characters", () => {
    const long = all.map((m) => firstSentence(m)).filter((s) => s.length > FIRST_SENTENCE_MAX);
    expect(long).toEqual([]);
  });

  it("keeps each message to 600 characters and the median to 300", () => {
    expect(all.filter((m) => m.length > MESSAGE_MAX)).toEqual([]);
    expect(median(examples.map((e) => e.message.length))).toBeLessThanOrEqual(300);
    expect(median(all.map((m) => m.length))).toBeLessThanOrEqual(300);
  });

  it("names evidence in words, links nothing and cites no design file", () => {
    for (const m of all) {
      expect(m).not.toMatch(/\bE\d{2}\b/);
      expect(m).not.toMatch(/https?:\/\//);
      expect(m).not.toMatch(/CARBON-METHOD|\.\.\/shared/);
    }
  });

  it("gives each finding a message id its rule declares, and the data that fills it", () => {
    for (const { policy, finding } of ruleFindings) {
      const rule = RULES.find((r) => r.meta.name === policy)!;
      expect(Object.keys(rule.meta.messages)).toContain(finding.messageId);
      for (const key of rule.meta.messages[finding.messageId]!.match(/\{\{\s*(\w+)\s*\}\}/g) ?? []) {
        expect(finding.data).toHaveProperty(key.replace(/[{}\s]/g, ""));
      }
    }
  });
});
