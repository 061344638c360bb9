/** The always-on finding every check reports, and the workload gate in front of it. */
import type { AcceleratorUse } from "../../engine/accelerator-scan";
import { type CapacityUnit, countOf, idleCost, isTraining } from "../../engine/capacity-readers";
import { subjectOf } from "../../engine/resource-names";
import { na, unknownAt } from "../../engine/outcomes";
import { findingOf } from "../../engine/message";
import type { FigureRef, Outcome } from "../../engine/rule";
import type { ResourceView } from "../../engine/view";
import type { WorkloadDeclaration } from "../../engine/workload";
import { AutoscaleConfig } from "./config";
import { MESSAGES, MessageId } from "./messages";

export interface AlwaysOn {
  readonly id: MessageId;
  readonly view: ResourceView;
  /** "Auto Scaling group 'gpu'" or a more specific subject (an inline pool). */
  readonly subject?: string;
  readonly count: number;
  readonly unit: CapacityUnit;
  /** e.g. "per zone" */
  readonly countSuffix?: string;
  /** "with no traffic", "around the clock" */
  readonly when?: string;
  /** Why, when not obvious: "(classic real-time endpoints cannot scale below one instance)". */
  readonly why?: string;
  /** What to do, short: "set minSize to 0". */
  readonly fix: string;
  /** The longer how, for the details. */
  readonly fixDetail?: string;
  readonly property: string;
  /** The value that fixes it, when not 0. */
  readonly fixValue?: unknown;
  readonly urn?: string;
  readonly level?: "advisory";
  /** The view whose region prices the capacity (defaults to `view`). */
  readonly pricedBy?: ResourceView;
}

export function alwaysOn(a: AlwaysOn): Outcome {
  const cost = idleCost(a.pricedBy ?? a.view, a.unit, a.count);
  const subject = a.subject ?? subjectOf(a.view);
  const what = `${countOf(a.count, a.unit)}${a.countSuffix ? ` ${a.countSuffix}` : ""}`;
  const figures: FigureRef[] = [...(cost?.figures ?? [])];
  const suggestion: Record<string, unknown> = { property: a.property, value: a.fixValue ?? 0, running: a.count };
  if (cost) {
    suggestion["kwhPerMonth"] = Math.round(cost.kwhPerMonth);
    if (cost.kgCo2ePerMonth !== undefined) suggestion["kgCo2ePerMonth"] = Math.round(cost.kgCo2ePerMonth * 10) / 10;
  }
  const details = [a.why ? `${capitalize(a.why.replace(/^\((.*)\)$/, "$1"))}.` : "", a.fixDetail ?? "", cost ? `Running idle costs ${cost.text}.` : ""];
  return findingOf(MESSAGES, {
    messageId: a.id,
    data: { subject, capacity: what, when: a.when ?? "with no traffic", fix: a.fix },
    fix: { kind: "property", path: a.property, value: a.fixValue ?? 0 },
    ...(cost?.saving ? { saving: cost.saving } : {}),
    details,
    figures,
    suggestion,
    ...(a.urn ? { urn: a.urn } : {}),
    ...(a.level ? { level: a.level } : {}),
  });
}

/** Capitalizes a sentence that starts with a plain word; one that starts with a property name (`managedInstanceScaling…`) keeps its case. */
export function capitalize(text: string): string {
  return /^[a-z]+\b(?![.\[])/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** Whether the declared workload is exempt; "unknown" when the declaration can't be read now. */
export function exempt(cfg: AutoscaleConfig, workload: WorkloadDeclaration): boolean | "unknown" {
  if (workload.state === "unknown") return "unknown";
  return workload.state === "declared" && cfg.exemptWorkloads.includes(workload.workload);
}

/** Applies the workload gate to findings: exempt (training) capacity is out of scope; an unreadable declaration can't decide. */
export function gated(cfg: AutoscaleConfig, workload: WorkloadDeclaration, findings: readonly Outcome[]): Outcome[] {
  const t = exempt(cfg, workload);
  if (t === true) {
    return [na(isTraining(workload) === true ? "training capacity: checked by ml-training-guardrails" : "declared workload is in exemptWorkloads")];
  }
  const violations = findings.filter((f) => f.kind === "violation");
  if (t === "unknown" && violations.length > 0) return [unknownAt("tags", "object")];
  return [...findings];
}

export function usesUnder(uses: readonly AcceleratorUse[], prefix: string): AcceleratorUse[] {
  return uses.filter((u) => u.path === prefix || u.path.startsWith(`${prefix}.`) || u.path.startsWith(`${prefix}[`));
}

/** A resource check: the outcomes for one resource type. */
export type Check = (view: ResourceView, cfg: AutoscaleConfig) => Outcome[];
