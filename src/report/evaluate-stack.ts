/**
 * Evaluates every rule on one stack's resources, as the pack would during `pulumi up`: resource
 * rules on each resource's inputs, stack rules once on the outputs with links. Levels follow the
 * SDK: a finding's own level wins, `remediate` reports as mandatory, `disabled` skips the policy;
 * a value unknown in state becomes an advisory "can't evaluate" finding, as in preview.
 */
import * as crypto from "node:crypto";
import { evaluateRule, evaluateStackRule } from "../engine/evaluate";
import type { ResolvedPolicyConfig } from "../engine/policy-config";
import type { AnyRule, Outcome } from "../engine/rule";
import { type ResourceInput, type ResourceView, type StackContext, type StackView, buildStackView, buildView } from "../engine/view";
import type { Level, PolicyOutcome, ReportFinding, Severity } from "./model";

export interface StackResources {
  /** Each custom resource with its inputs (resource rules read inputs, as in the pack). */
  readonly inputs: readonly ResourceInput[];
  /** Every resource with its outputs and links (stack rules read outputs, as in the pack). */
  readonly outputs: readonly ResourceInput[];
  readonly stack: StackContext;
  /** `inputs` already built into views (same order), when the caller has them: built once, shared by every rule. */
  readonly inputViews?: readonly ResourceView[];
  /** `outputs` already built into a stack view, when the caller has it. */
  readonly stackView?: StackView;
}

export interface StackEvaluation {
  readonly findings: ReportFinding[];
  readonly policies: PolicyOutcome[];
}

/** A fingerprint that survives message and data changes: policy + URN + ordinal. */
export function findingId(policy: string, urn: string, ordinal: number): string {
  const text = `${policy}\u0000${urn}\u0000${ordinal}`;
  // One-shot `crypto.hash` (Node ≥ 20.12) is ~2× cheaper than a Hash object; same digest.
  return (oneShotHash ? oneShotHash("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex")).slice(0, 20);
}

const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

export function evaluateStackResources(rules: readonly AnyRule[], config: ReadonlyMap<string, ResolvedPolicyConfig>, resources: StackResources): StackEvaluation {
  const findings: ReportFinding[] = [];
  const policies: PolicyOutcome[] = [];
  const byUrn = new Map(resources.inputs.map((r) => [r.urn, r] as const));
  // Views are built once per stack and shared by every rule (building one normalizes all props).
  let inputViews = resources.inputViews;
  let stackView = resources.stackView;
  for (const rule of rules) {
    const resolved = config.get(rule.meta.name);
    const level = effectiveLevel(resolved?.level ?? rule.meta.defaultLevel);
    if (level === undefined) {
      policies.push({ policy: rule.meta.name, status: "not-applicable", findings: 0 });
      continue;
    }
    const properties = resolved?.properties ?? NO_PROPERTIES;
    const ordinals = new Map<string, number>();
    let applicable = false;
    let count = 0;
    const push = (outcome: Outcome, urn: string, type: string, name: string) => {
      if (outcome.kind === "not-applicable") return;
      applicable = true;
      const n = ordinals.get(urn) ?? 0;
      ordinals.set(urn, n + 1);
      count++;
      const id = findingId(rule.meta.name, urn, n);
      if (outcome.kind === "unknown") {
        findings.push({
          id,
          policy: rule.meta.name,
          urn,
          type,
          name,
          kind: "cannot-evaluate",
          level: "advisory",
          severity: rule.meta.severity as Severity,
          message: `can't evaluate ${rule.meta.name}: the value at .${outcome.path} is not known in this state (unknown or secret).`,
        });
        return;
      }
      // One literal, optional keys set after (cheaper than spreading per finding; same key order).
      const finding: { -readonly [K in keyof ReportFinding]: ReportFinding[K] } = {
        id,
        policy: rule.meta.name,
        urn,
        type,
        name,
        kind: outcome.ruleError ? "rule-error" : "violation",
        level: (outcome.level ? effectiveLevel(outcome.level) ?? level : level) as Level,
        severity: (outcome.severity ?? rule.meta.severity) as Severity,
        message: outcome.message,
      };
      finding.messageId = outcome.messageId;
      if (outcome.fix) finding.fix = outcome.fix;
      if (outcome.saving) finding.saving = outcome.saving;
      if (outcome.evidence) finding.evidence = outcome.evidence;
      if (outcome.details) finding.details = outcome.details;
      if (outcome.suggestion) finding.suggestion = outcome.suggestion;
      const saving = outcome.suggestion?.["estimatedKgCo2ePerMonthSaved"];
      if (typeof saving === "number" && Number.isFinite(saving)) finding.savingKgCo2ePerMonth = saving;
      findings.push(finding);
    };
    if (rule.evaluate) {
      inputViews ??= resources.inputs.map((input) => buildView(input, resources.stack));
      for (const view of inputViews) {
        const outcomes = evaluateRule(rule, view, properties);
        if (outcomes.length === 0) applicable = true; // evaluated and passed
        for (const o of outcomes) push(o, view.urn, view.type, view.name);
      }
    }
    if (rule.evaluateStack) {
      stackView ??= buildStackView(resources.outputs, resources.stack);
      for (const o of evaluateStackRule(rule, stackView, properties)) {
        const urn = o.kind === "violation" && o.urn ? o.urn : "";
        const target = urn ? (byUrn.get(urn) ?? stackView.byUrn(urn)) : undefined;
        push(o, urn, target?.type ?? "pulumi:pulumi:Stack", target?.name ?? "(stack)");
      }
    }
    policies.push({ policy: rule.meta.name, status: count > 0 ? "failed" : applicable || rule.evaluateStack ? "passed" : "not-applicable", findings: count });
  }
  return { findings, policies };
}

/** Every rule's default config (one object, so `parsedConfig` recognises it by identity). */
const NO_PROPERTIES: Readonly<Record<string, unknown>> = Object.freeze({});

/** `remediate` reports as mandatory (as the SDK does when validating); `disabled` → skip. */
function effectiveLevel(level: string): Level | undefined {
  if (level === "disabled") return undefined;
  if (level === "remediate") return "mandatory";
  return level === "mandatory" ? "mandatory" : "advisory";
}
