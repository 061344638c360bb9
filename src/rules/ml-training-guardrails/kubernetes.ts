/**
 * ml-training-guardrails for Kubernetes training Jobs and CronJobs (label `ml-workload: training`
 * on the Job or its pod template, or the stack tag): a deadline (`activeDeadlineSeconds`, which
 * bounds the whole Job, retries included), a bounded `backoffLimit` (the default 6 reruns a failing
 * GPU job six times), and Spot/preemptible nodes (`cloud.google.com/gke-spot`,
 * `cloud.google.com/gke-preemptible`, `karpenter.sh/capacity-type: spot`,
 * `eks.amazonaws.com/capacityType: SPOT`, in nodeSelector or required affinity).
 * Runs in the stack part, on placed views (src/rules/kubernetes-stack.ts).
 */
import { countOf, formatMinutes, isTraining, unitOf, workloadOf } from "../../engine/capacity-readers";
import { stackPath, subjectOf } from "../../engine/resource-names";
import { unknownAt } from "../../engine/outcomes";
import { findingOf } from "../../engine/message";
import type { Outcome } from "../../engine/rule";
import { type PathStep, formatPath, readNumber } from "../../engine/values";
import type { ResourceView, StackView } from "../../engine/view";
import { kubernetesResources } from "../../engine/kubernetes/view";
import { readPodTemplate } from "../../engine/kubernetes/pod-template";
import { ownScale } from "../../engine/kubernetes/scaling";
import { isBatchKind, kindOf } from "../../engine/kubernetes/types";

export const KUBERNETES_MESSAGES = { kubernetesJobGaps: "{{subject}} {{gap}}." } as const;

/** Longest backoffLimit that passes: each retry reruns the job's GPU pods from the start (or its last checkpoint). */
export const MAX_BACKOFF_LIMIT = 3;

const SPOT_SELECTORS: readonly (readonly [string, RegExp])[] = [
  ["cloud.google.com/gke-spot", /^true$/i],
  ["cloud.google.com/gke-preemptible", /^true$/i],
  ["karpenter.sh/capacity-type", /^spot$/i],
  ["eks.amazonaws.com/capacityType", /^spot$/i],
];

interface Gap {
  readonly text: string;
  readonly property: string;
  readonly value: unknown;
}

export function kubernetesTrainingJobs(stack: StackView, maxRuntimeHours: number): Outcome[] {
  const out: Outcome[] = [];
  for (const view of kubernetesResources(stack)) {
    if (!isBatchKind(view.type) || view.accelerators.uses.length === 0) continue;
    const training = isTraining(workloadOf(view));
    if (training === false) continue;
    const findings = jobGaps(view, maxRuntimeHours);
    if (training === "unknown") {
      if (findings.some((f) => f.kind === "violation")) out.push(unknownAt(stackPath(view, "metadata.labels"), "object"));
      continue;
    }
    out.push(...findings);
  }
  return out;
}

function jobGaps(view: ResourceView, maxRuntimeHours: number): Outcome[] {
  const jobSpec: PathStep[] = kindOf(view.type)?.kind === "CronJob" ? ["spec", "jobTemplate", "spec"] : ["spec"];
  const patch = kindOf(view.type)?.patch === true;
  const gaps: Gap[] = [];
  const maxSeconds = maxRuntimeHours * 3600;
  const deadline = readNumber(view.props, [...jobSpec, "activeDeadlineSeconds"]);
  if (deadline.state === "opaque") return [unknownAt(stackPath(view, deadline.path), "number")];
  if (deadline.state === "value" && deadline.value > maxSeconds) {
    gaps.push({ text: `may run ${formatMinutes(deadline.value / 60)} (activeDeadlineSeconds), over ${maxRuntimeHours} h; lower it to at most ${maxSeconds}`, property: deadline.path, value: maxSeconds });
  } else if (deadline.state !== "value" && !patch) {
    gaps.push({ text: `has no ${deadline.path}; set it to at most ${maxSeconds} (${maxRuntimeHours} h)`, property: deadline.path, value: maxSeconds });
  }
  const backoff = readNumber(view.props, [...jobSpec, "backoffLimit"]);
  if (backoff.state === "opaque") return [unknownAt(stackPath(view, backoff.path), "number")];
  if (backoff.state === "value" ? backoff.value > MAX_BACKOFF_LIMIT : !patch) {
    gaps.push({
      text: `${backoff.state === "value" ? `retries a failing run ${backoff.value} times` : "retries a failing run 6 times (the default backoffLimit)"}; set ${backoff.path} to at most ${MAX_BACKOFF_LIMIT}`,
      property: backoff.path,
      value: MAX_BACKOFF_LIMIT,
    });
  }
  const t = readPodTemplate(view.type, view.props);
  const spot = SPOT_SELECTORS.some(([key, re]) => (t.selectors.get(key) ?? []).some((v) => re.test(v)));
  const selectorUnknown = t.unknownPaths.find((p) => p.includes("nodeSelector") || p.includes("affinity"));
  if (!spot && selectorUnknown !== undefined) return [unknownAt(stackPath(view, selectorUnknown), "object")];
  if (!spot) {
    const key = view.cloud === "gcp" ? "cloud.google.com/gke-spot" : view.cloud === "aws" ? "karpenter.sh/capacity-type" : "a Spot node label";
    const value = view.cloud === "gcp" ? "true" : "spot";
    gaps.push({ text: `runs on on-demand nodes; select Spot capacity with the node selector ${key}${view.cloud ? `: "${value}"` : ""}`, property: formatPath([...t.specPath, "nodeSelector", key]), value });
  }
  const [first, ...rest] = gaps;
  if (!first) return [];
  const min = ownScale(view).min;
  const pods = min.state === "value" && min.value > 0 ? min.value : 1;
  return [
    findingOf(KUBERNETES_MESSAGES, {
      messageId: "kubernetesJobGaps",
      data: { subject: subjectOf(view), gap: first.text },
      notes: rest.length > 0 ? [`Also: ${rest.map((g) => g.text).join("; ")}.`] : [],
      fix: { kind: "property", path: first.property, value: first.value },
      details: [`Capacity: ${countOf(pods, unitOf(view.cloud, view.accelerators.uses))} per run.`, "activeDeadlineSeconds bounds the whole Job, retries included; a training job that checkpoints can resume on the next run or on another Spot node."],
      figures: [],
      suggestion: Object.fromEntries(gaps.map((g) => [g.property, g.value])),
      urn: view.urn,
    }),
  ];
}
