/**
 * Kubernetes workloads (src/engine/kubernetes): a non-training GPU workload can reach zero pods.
 *
 * - Deployment / StatefulSet / ReplicaSet: a KEDA ScaledObject with `minReplicaCount` 0 (KEDA's
 *   default) can take it to zero and back; an HPA alone cannot (its `minReplicas` is at least 1
 *   unless the alpha `HPAScaleToZero` feature gate is on, which GKE and EKS don't offer); without
 *   a scaler, `replicas` holds (0 passes: nothing runs).
 * - KServe InferenceService: `spec.predictor.minReplicas` 0 (default 1).
 * - Knative Service: `autoscaling.knative.dev/min-scale` 0 (the default).
 * - Bare GPU Pods run until deleted.
 * - Karpenter GPU NodePool: empty nodes are consolidated unless `disruption.consolidateAfter` is
 *   `Never`.
 *
 * Jobs and CronJobs run to completion (ml-training-guardrails bounds them); DaemonSets run on nodes
 * that exist anyway. All of it runs in the stack part: the workload's cluster (its region, for the
 * idle cost) and its scalers are joins.
 */
import { type CapacityUnit, unitOf, workloadOf } from "../../engine/capacity-readers";
import { safeName, stackPath, subjectOf } from "../../engine/resource-names";
import { unknownAt } from "../../engine/outcomes";
import type { Outcome } from "../../engine/rule";
import { readString } from "../../engine/values";
import type { ResourceView, StackView } from "../../engine/view";
import { kubernetesResources } from "../../engine/kubernetes/view";
import { type Count, type Scaler, ownScale, scalersOf } from "../../engine/kubernetes/scaling";
import { KARPENTER_NODE_POOL, KNATIVE_SERVICE, KSERVE_INFERENCE_SERVICE, isBatchKind, kindOf } from "../../engine/kubernetes/types";
import { AutoscaleConfig } from "./config";
import { alwaysOn } from "./outcomes";
import { stackGate } from "./stack";

/** One pod's share: its devices on the node type it selects ("1×L4 GPU", "g6.xlarge (1×L4)"). */
function podUnit(view: ResourceView): CapacityUnit {
  const u = unitOf(view.cloud, view.accelerators.uses);
  // Counted in pods, not instances: a pod's devices on the node type it selects.
  if (u.singular === undefined) return { ...u, singular: `pod on ${u.label}`, plural: `pods on ${u.label}` };
  return { ...u, singular: u.singular.replace(/^(instance|container)\b/, "pod"), ...(u.plural ? { plural: u.plural.replace(/^(instances|containers)\b/, "pods") } : {}) };
}

function unknownCount(view: ResourceView, c: Count): Outcome[] {
  return c.state === "unknown" ? [unknownAt(stackPath(view, c.path), "number")] : [];
}

export function kubernetesAutoscale(cfg: AutoscaleConfig, stack: StackView): Outcome[] {
  const out: Outcome[] = [];
  for (const view of kubernetesResources(stack)) {
    if (view.type === KARPENTER_NODE_POOL) {
      out.push(...nodePool(cfg, view));
      continue;
    }
    if (isBatchKind(view.type) || kindOf(view.type)?.kind === "DaemonSet") continue;
    if (view.accelerators.uses.length === 0) {
      const unknown = view.accelerators.unknownPaths[0];
      if (unknown !== undefined && ownScale(view).min.state !== "none") out.push(unknownAt(stackPath(view, unknown)));
      continue;
    }
    out.push(...stackGate(cfg, view, workloadOf(view), workload(stack, view)));
  }
  return out;
}

function workload(stack: StackView, view: ResourceView): Outcome[] {
  const own = ownScale(view);
  const unit = podUnit(view);
  if (view.type === KSERVE_INFERENCE_SERVICE || view.type === KNATIVE_SERVICE) {
    if (own.min.state !== "value") return unknownCount(view, own.min);
    if (own.min.value === 0) return [];
    const kserve = view.type === KSERVE_INFERENCE_SERVICE;
    return [
      alwaysOn({
        id: kserve ? "kserveMinAboveZero" : "knativeMinScaleAboveZero",
        view,
        count: own.min.value,
        unit,
        why: kserve && own.min.defaulted ? "(spec.predictor.minReplicas is not set, and KServe's default is 1)" : undefined,
        fix: kserve ? "set spec.predictor.minReplicas to 0" : "set the autoscaling.knative.dev/min-scale annotation to \"0\"",
        fixDetail: kserve ? "KServe (serverless mode, on Knative) then scales the predictor to zero when idle and back on the next request." : "Knative then scales the revision to zero when idle and back on the next request (its activator holds the request meanwhile).",
        property: kserve ? "spec.predictor.minReplicas" : 'spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]',
        ...(kserve ? {} : { fixValue: "0" }),
        urn: view.urn,
      }),
    ];
  }
  if (kindOf(view.type)?.kind === "Pod") {
    return [
      alwaysOn({
        id: "podAlwaysOn",
        view,
        count: 1,
        unit,
        when: "until it is deleted",
        why: "(a bare Pod is not scaled by anything)",
        fix: "run it as a Deployment scaled by a KEDA ScaledObject with minReplicaCount 0",
        property: "kind",
        fixValue: "Deployment",
        urn: view.urn,
      }),
    ];
  }
  const { scalers, uncertain } = scalersOf(stack, view);
  const keda = scalers.filter((s) => s.kind === "keda");
  if (keda.length > 0) return kedaVerdict(view, keda, unit);
  const hpa = scalers.filter((s) => s.kind === "hpa");
  if (hpa.length > 0) return hpaVerdict(view, hpa, unit);
  if (uncertain !== undefined) return [unknownAt(uncertain)];
  if (own.min.state !== "value") return unknownCount(view, own.min);
  if (own.min.value === 0) return [];
  return [
    alwaysOn({
      id: "workloadNoScaler",
      view,
      count: own.min.value,
      unit,
      why: `(no autoscaler targets it, so ${own.min.defaulted ? "the default of 1 replica" : `spec.replicas ${own.min.value}`} holds)`,
      fix: "scale it with a KEDA ScaledObject with minReplicaCount 0",
      fixDetail: "Add a KEDA ScaledObject (keda.sh/v1alpha1) whose scaleTargetRef names this workload, with minReplicaCount 0 and a trigger on queue depth or request rate; or serve the model through KServe or Knative with a minimum of 0. A HorizontalPodAutoscaler cannot go below 1.",
      property: "spec.replicas",
      urn: view.urn,
    }),
  ];
}

function kedaVerdict(view: ResourceView, keda: readonly Scaler[], unit: CapacityUnit): Outcome[] {
  let lowest: { s: Scaler; min: number } | undefined;
  for (const s of keda) {
    if (s.min.state === "unknown") return [unknownAt(stackPath(s.view, s.min.path), "number")];
    if (s.min.state !== "value") return [];
    if (s.min.value === 0) return [];
    if (!lowest || s.min.value < lowest.min) lowest = { s, min: s.min.value };
  }
  if (!lowest) return [];
  return [
    alwaysOn({
      id: "kedaMinAboveZero",
      view: lowest.s.view,
      pricedBy: view,
      subject: `${subjectOf(lowest.s.view)} of ${subjectOf(view)}`,
      count: lowest.min,
      unit,
      fix: "set spec.minReplicaCount to 0",
      fixDetail: "KEDA then deactivates the workload when its triggers are idle and activates it on the next event.",
      property: "spec.minReplicaCount",
      urn: lowest.s.view.urn,
    }),
  ];
}

function hpaVerdict(view: ResourceView, hpa: readonly Scaler[], unit: CapacityUnit): Outcome[] {
  const s = hpa[0]!;
  if (s.min.state === "unknown") return [unknownAt(stackPath(s.view, s.min.path), "number")];
  const min = s.min.state === "value" ? Math.max(1, s.min.value) : 1;
  return [
    alwaysOn({
      id: "hpaCannotReachZero",
      view: s.view,
      pricedBy: view,
      subject: `HPA '${safeName(s.view.name)}'`,
      count: min,
      unit,
      why: "(a HorizontalPodAutoscaler never scales below 1 replica: minReplicas 0 needs the alpha HPAScaleToZero feature gate, which GKE and EKS do not enable)",
      fix: "use a KEDA ScaledObject with minReplicaCount 0 (an HPA stops at 1)",
      fixDetail: `It scales ${subjectOf(view)}. A KEDA ScaledObject manages an HPA for the workload above zero and takes it from 1 to 0 and back itself; or serve the model through KServe or Knative with a minimum of 0.`,
      property: "spec.minReplicas",
      urn: s.view.urn,
    }),
  ];
}

/** A Karpenter GPU NodePool: empty nodes go away unless consolidation is switched off. */
function nodePool(cfg: AutoscaleConfig, view: ResourceView): Outcome[] {
  if (view.accelerators.uses.length === 0) {
    const unknown = view.accelerators.unknownPaths[0];
    return unknown !== undefined ? [unknownAt(stackPath(view, unknown))] : [];
  }
  const after = readString(view.props, ["spec", "disruption", "consolidateAfter"]);
  if (after.state === "opaque") return [unknownAt(stackPath(view, after.path))];
  if (after.state !== "value" || after.value.trim() !== "Never") return [];
  return stackGate(cfg, view, workloadOf(view), [
    alwaysOn({
      id: "karpenterNeverConsolidates",
      view,
      count: 1,
      countSuffix: "or more",
      unit: unitOf(view.cloud, view.accelerators.uses),
      when: "after its pods are gone",
      why: "(spec.disruption.consolidateAfter Never keeps empty nodes)",
      fix: 'set spec.disruption.consolidateAfter to a duration such as "5m"',
      fixDetail: "Karpenter then removes GPU nodes that have been empty that long (consolidationPolicy WhenEmpty or WhenEmptyOrUnderutilized).",
      property: "spec.disruption.consolidateAfter",
      fixValue: "5m",
      urn: view.urn,
    }),
  ]);
}
