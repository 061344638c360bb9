/**
 * Fail closed: a rule that fails (throws, a broken data file, returns no list) keeps the policy's
 * configured level in the pack and in the report, names the cause, and counts as a rule error.
 */
import { describe, expect, it } from "vitest";
import { DataFileError } from "../../src/data/load";
import { describeCause, evaluateRule, evaluateStackRule } from "../../src/engine/evaluate";
import { resolvePolicyConfig } from "../../src/engine/policy-config";
import type { AnyRule, Finding, Outcome } from "../../src/engine/rule";
import { buildStackView, buildView } from "../../src/engine/view";
import { toPolicy } from "../../src/pack/crossguard";
import { evaluateStackResources } from "../../src/report/evaluate-stack";
import { countFindings, emptyCounts } from "../../src/report/group";
import { createJsonRenderer } from "../../src/report/renderers/json";
import { createTableRenderer } from "../../src/report/renderers/table";
import { loadFixture, validateReportJson } from "../report/helpers";
import { mlCleanEnergyRegion } from "../../src/rules/ml-clean-energy-region";
import { mlTrainingGuardrails } from "../../src/rules/ml-training-guardrails";

const MISSING = "/opt/node_modules/carbonguard/region-data/coefficients.json";
const GPU = { urn: "urn:pulumi:dev::p::aws:ec2/instance:Instance::gpu", type: "aws:ec2/instance:Instance", name: "gpu", props: { instanceType: "p5.48xlarge", region: "us-east-1" } };

/** ml-clean-energy-region as it behaves with a data file gone from the install. */
const brokenInstall: AnyRule = {
  ...mlCleanEnergyRegion,
  evaluate: () => {
    throw new DataFileError(MISSING, "(the energy coefficients) cannot be read: ENOENT");
  },
};
const returnsNoList: AnyRule = { ...mlCleanEnergyRegion, evaluate: () => "oops" as unknown as Outcome[] };
const returnsJunk: AnyRule = { ...mlCleanEnergyRegion, evaluate: () => [42] as unknown as Outcome[] };
const throwsTypeError: AnyRule = {
  ...mlCleanEnergyRegion,
  evaluate: (view) => {
    // A bug whose native message would quote a property value: it must not reach the finding.
    JSON.parse(`{"token": ${String(view.props["instanceType"])}`);
    return [];
  },
};

function onlyFinding(outcomes: readonly Outcome[]): Finding {
  expect(outcomes).toHaveLength(1);
  expect(outcomes[0]!.kind).toBe("violation");
  return outcomes[0] as Finding;
}

describe("evaluateRule fails closed", () => {
  const view = buildView(GPU);

  it("a broken data file: a rule error at the policy's level that names the file", () => {
    const f = onlyFinding(evaluateRule(brokenInstall, view, {}));
    expect(f.ruleError).toBe(true);
    expect(f.level).toBeUndefined(); // the policy's configured level applies, never a lowered one
    expect(f.severity).toBeUndefined();
    expect(f.message).toContain(MISSING);
    expect(f.message).toContain("ml-clean-energy-region");
  });

  it("a rule that returns something other than a list of outcomes is a rule error", () => {
    expect(onlyFinding(evaluateRule(returnsNoList, view, {})).message).toMatch(/returned string instead of a list/);
    expect(onlyFinding(evaluateRule(returnsJunk, view, {})).message).toMatch(/something other than an outcome/);
    const stackNoList: AnyRule = { ...mlTrainingGuardrails, evaluateStack: () => undefined as unknown as Outcome[] };
    expect(onlyFinding(evaluateStackRule(stackNoList, buildStackView([GPU]), {})).ruleError).toBe(true);
  });

  it("a bug names the error and where it was thrown, never its message (it may quote a secret)", () => {
    const secretView = buildView({ ...GPU, props: { ...GPU.props, instanceType: "hunter2secret" } });
    const f = onlyFinding(evaluateRule(throwsTypeError, secretView, {}));
    expect(f.ruleError).toBe(true);
    expect(f.message).toMatch(/SyntaxError at .*fail-closed\.test\.ts:\d+/);
    expect(f.message).not.toContain("hunter2secret");
  });

  it("describes non-Error throws without printing them", () => {
    expect(describeCause("hunter2secret")).toBe("a thrown string");
    expect(describeCause(null)).toBe("a thrown null");
  });
});

describe("the report counts a failing mandatory rule as a mandatory rule error", () => {
  it("keeps the configured level and marks the finding rule-error", () => {
    const config = resolvePolicyConfig([brokenInstall], { "ml-clean-energy-region": "mandatory" });
    const { findings, policies } = evaluateStackResources([brokenInstall], config, { inputs: [GPU], outputs: [GPU], stack: { stackTags: new Map(), stackConfig: {} } });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: "rule-error", level: "mandatory", severity: mlCleanEnergyRegion.meta.severity });
    expect(findings[0]!.message).toContain(MISSING);
    expect(policies[0]!.status).toBe("failed");
    const counts = countFindings(emptyCounts(), findings);
    expect(counts).toMatchObject({ mandatory: 1, ruleErrors: 1 });
  });

  it("the summary's ruleErrors count is valid report JSON and shows in the table", () => {
    const report = loadFixture("full");
    const stack = report.stacks[0]!;
    const finding = { ...stack.findings[0]!, kind: "rule-error" as const };
    const withError = { ...report, stacks: [{ ...stack, findings: [finding, ...stack.findings.slice(1)] }, ...report.stacks.slice(1)], summary: { ...report.summary, findings: { ...report.summary.findings, ruleErrors: 1 } } };
    const json = createJsonRenderer().render(withError);
    expect(validateReportJson(JSON.parse(json))).toEqual([]);
    expect(JSON.parse(json).summary.findings.ruleErrors).toBe(1);
    expect(createTableRenderer({ color: false, width: 120 }).render(withError)).toMatch(/1 rule error/);
    // Absent when there are none: reports without rule errors keep their shape.
    expect(countFindings(emptyCounts(), stack.findings.filter((f) => f.kind !== "rule-error")).ruleErrors).toBeUndefined();
  });
});

describe("the pack adapter fails closed and throws nothing of its own", () => {
  function validateWith(rule: AnyRule, overrides: Record<string, unknown> = {}) {
    const validate = (toPolicy(rule) as { validateResource: (args: unknown, report: (v: unknown) => void) => void }).validateResource;
    const reported: Record<string, unknown>[] = [];
    const args = { ...GPU, props: GPU.props, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => { throw new Error("not applicable"); }, ...overrides };
    validate(args, (v) => reported.push(v as Record<string, unknown>));
    return reported;
  }

  it("reports a broken data file at the policy's level (no level override), naming the file", () => {
    const [v, ...rest] = validateWith(brokenInstall);
    expect(rest).toEqual([]);
    expect(v!["enforcementLevel"]).toBeUndefined();
    expect(String(v!["message"])).toContain(MISSING);
  });

  it("reports the adapter's own failures (here getConfig throwing) instead of throwing into the preview", () => {
    const [v] = validateWith(mlCleanEnergyRegion, {
      getConfig: () => {
        throw new RangeError("boom");
      },
    });
    expect(v!["enforcementLevel"]).toBeUndefined();
    expect(String(v!["message"])).toMatch(/could not evaluate ml-clean-energy-region .*RangeError/);
  });

  it("reports a rule that returns no list, instead of failing Analyze with 'outcomes.map is not a function'", () => {
    const [v] = validateWith(returnsNoList);
    expect(String(v!["message"])).toMatch(/returned string instead of a list/);
  });
});
