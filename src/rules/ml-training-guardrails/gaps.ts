/**
 * What every check shares: a finding listing one resource's gaps with the capacity's draw, the
 * run-time-limit check, and the training-only gate.
 */
import type { AcceleratorUse } from "../../engine/accelerator-scan";
import { countOf, formatMinutes, isTraining, unitOf, unitPower } from "../../engine/capacity-readers";
import { subjectOf } from "../../engine/resource-names";
import { na, unknownAt } from "../../engine/outcomes";
import { formatWatts } from "../../engine/format";
import { DEFAULT_UTILIZATION } from "../../estimate";
import { findingOf } from "../../engine/message";
import type { FigureRef, Outcome } from "../../engine/rule";
import { type PathStep, formatPath, readNumber } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import type { WorkloadDeclaration } from "../../engine/workload";
import type { TrainingGuardrailsConfig } from "./config";
import { MESSAGES, type MessageId } from "./messages";

/** Capacity of one kind: its accelerator uses and how many units run. */
export interface UnitGroup {
  readonly uses: readonly AcceleratorUse[];
  readonly count: number;
}

/**
 * What the capacity draws while it runs (estimator at its default utilization), to put the gaps in
 * perspective: "2 × ml.p4d.24xlarge (8×A100), ≈ 6.1 kW …", one term per group (heterogeneous
 * SageMaker instance groups).
 */
function drawText(view: ResourceView, groups: readonly UnitGroup[]): { text: string; figures: FigureRef[] } {
  const terms: string[] = [];
  const figures: FigureRef[] = [];
  let watts = 0;
  let priced = true;
  for (const { uses, count } of groups) {
    const unit = unitOf(view.cloud, uses);
    terms.push(countOf(count, unit));
    const p = unitPower(unit.spec, DEFAULT_UTILIZATION);
    if (!p || !(p.watts > 0)) priced = false;
    else {
      watts += p.watts * count;
      for (const f of p.assumptions) if (!/embodied/i.test(f.label) && !figures.some((g) => g.label === f.label)) figures.push(f);
    }
  }
  const text = terms.join(" + ");
  if (!priced || !(watts > 0)) return { text, figures: [] };
  return { text: `${text}, ≈ ${formatWatts(watts)} while it runs at ${Math.round(DEFAULT_UTILIZATION * 100)}% utilization (CCF method)`, figures };
}


/** One gap: what is wrong and the fix, short; the longer how for the details. */
export interface Gap {
  readonly text: string;
  readonly detail?: string;
}

export function gaps(
  messageId: MessageId,
  view: ResourceView,
  uses: readonly AcceleratorUse[],
  count: number | readonly UnitGroup[],
  problems: readonly (string | Gap)[],
  suggestion: Record<string, unknown>,
  urn?: string,
  subject?: string,
): Outcome[] {
  const all = problems.map((p): Gap => (typeof p === "string" ? { text: p } : p));
  const [first, ...rest] = all;
  if (!first) return [];
  const draw = drawText(view, typeof count === "number" ? [{ uses, count }] : count);
  return [
    findingOf(MESSAGES, {
      messageId,
      data: { subject: subject ?? subjectOf(view), gap: first.text },
      notes: rest.length > 0 ? [`Also: ${rest.map((g) => g.text).join("; ")}.`] : [],
      details: [`Capacity: ${draw.text}.`, ...all.flatMap((g) => (g.detail ? [g.detail] : []))],
      figures: draw.figures,
      suggestion,
      ...(urn ? { urn } : {}),
    }),
  ];
}

/**
 * A run-time limit in seconds at `steps` (SageMaker maxRuntimeInSeconds, Batch attemptDurationSeconds):
 * missing or above maxRuntimeHours is a gap, recorded in `problems` and `suggestion`. Returns the
 * can't-evaluate outcome when the limit is unknown in preview.
 */
export function runtimeLimit(
  view: ResourceView,
  steps: readonly PathStep[],
  config: TrainingGuardrailsConfig,
  problems: (string | Gap)[],
  suggestion: Record<string, unknown>,
  text: { readonly missing: string; readonly over: (runs: string) => string },
): Outcome | undefined {
  const maxSeconds = config.maxRuntimeHours * 3600;
  const limit = readNumber(view.props, steps);
  if (limit.state === "opaque") return unknownAt(limit.path, "number");
  if (limit.state === "value" && limit.value <= maxSeconds) return undefined;
  const property = formatPath(steps);
  problems.push(
    limit.state === "value"
      ? text.over(formatMinutes(limit.value / 60))
      : { text: `has no ${property}; set it to at most ${maxSeconds} (${config.maxRuntimeHours} h)`, detail: `Without ${property}, ${text.missing}.` },
  );
  suggestion[property] = maxSeconds;
  return undefined;
}

/** Training-only checks: applies `findings` when the workload is training; unknown when it can't be read. */
export function trainingOnly(workload: WorkloadDeclaration, findings: readonly Outcome[], tagsPath = "tags"): Outcome[] {
  const t = isTraining(workload);
  if (t === false) return [na("not declared as training (ml-workload: training)")];
  if (t === "unknown") return findings.some((f) => f.kind === "violation") ? [unknownAt(tagsPath, "object")] : [...findings];
  return [...findings];
}
