/**
 * What a Kubernetes workload runs, for the estimator: its accelerators per pod × pods, the floor at
 * its minimum (the scaler's, KServe's, Knative's or its replicas) and the ceiling at its maximum,
 * attributed to the node type its selectors pick when they pick one (a whole node per pod: pods
 * that share a node are over-counted, said in a caveat), else the selected GPU model alone.
 *
 * Nodes are counted once: when the workload's cluster is in the stack with GPU node pools or node
 * groups of its own (GKE, EKS), those nodes are what the estimate counts, and the workloads running
 * on them are not counted again.
 */
import { unitOf } from "../engine/capacity-readers";
import { clusterOfNodePool, resourcesOfTypes } from "../engine/stack-joins";
import { clusterOf } from "../engine/kubernetes/placement";
import { placeInStack } from "../engine/kubernetes/view";
import { type Count, ownScale, scalersOf } from "../engine/kubernetes/scaling";
import { KUBERNETES_SCANNED_TYPES, KARPENTER_NODE_POOL, isBatchKind, kindOf } from "../engine/kubernetes/types";
import { readNumber } from "../engine/values";
import type { ResourceView, StackView } from "../engine/view";
import type { CapacityPlan, PlanContext } from "./capacity";
import type { Bounds } from "./types";

/**
 * Whether the workload's cluster is in this stack with GPU nodes of its own (inline or joined GKE
 * pools, EKS node groups): those nodes are counted, so its pods are not counted again.
 */
function clusterCountsGpuNodes(stack: StackView | undefined, view: ResourceView): boolean {
  if (!stack) return false;
  const { cluster } = clusterOf(stack, view);
  if (!cluster) return false;
  if (cluster.accelerators.uses.length > 0) return true;
  const gpuPools = resourcesOfTypes(stack, ["gcp:container/nodePool:NodePool"]).filter((p) => p.accelerators.uses.length > 0);
  if (gpuPools.some((p) => clusterOfNodePool(stack, p).found.includes(cluster))) return true;
  return resourcesOfTypes(stack, ["aws:eks/nodeGroup:NodeGroup"]).some((g) => g.accelerators.uses.length > 0 && (g.links.propertyDependencies["clusterName"] ?? []).includes(cluster.urn));
}

class Unknown extends Error {}

function known(c: Count | undefined, what: string): number | undefined {
  if (c === undefined || c.state === "none") return undefined;
  if (c.state === "unknown") throw new Unknown(`${c.path} (${what}) is unknown until the update runs (or secret)`);
  return c.value;
}

/** Pods: floor at the minimum, ceiling at the maximum (the basis in words). */
function pods(view: ResourceView, stack: StackView | undefined): { bounds: Bounds; basis: string; caveats: string[] } | undefined {
  const own = ownScale(view);
  const caveats: string[] = [];
  if (own.selfScaling) {
    const min = known(own.min, "minimum") ?? 0;
    const maxRaw = known(own.max, "maximum");
    const max = maxRaw !== undefined && maxRaw > 0 ? maxRaw : Math.max(min, 1);
    if (maxRaw === undefined || maxRaw === 0) caveats.push("no maximum set: the ceiling is taken as max(minimum, 1)");
    return { bounds: { floor: min, ceiling: Math.max(min, max) }, basis: `minimum ${min} … maximum ${max}`, caveats };
  }
  if (stack) {
    const { scalers } = scalersOf(stack, view);
    const s = scalers.find((x) => x.kind === "keda") ?? scalers[0];
    if (s) {
      const min = s.kind === "hpa" ? Math.max(1, known(s.min, "minReplicas") ?? 1) : (known(s.min, "minReplicaCount") ?? 0);
      const max = Math.max(min, known(s.max, "maximum") ?? min);
      return { bounds: { floor: min, ceiling: max }, basis: `${s.kind === "keda" ? "KEDA ScaledObject" : "HorizontalPodAutoscaler"} ${min} … ${max} replicas`, caveats };
    }
  }
  const n = known(own.min, "replicas");
  if (n === undefined) return undefined;
  return { bounds: { floor: n, ceiling: n }, basis: `${own.min.state === "value" && own.min.defaulted ? "1 replica (default)" : `${n} replica${n === 1 ? "" : "s"}`}`, caveats };
}

export function kubernetesWorkload(viewIn: ResourceView, ctx: PlanContext): CapacityPlan {
  const view = ctx.stack ? placeInStack(ctx.stack, viewIn) : viewIn;
  if (kindOf(view.type)?.kind === "DaemonSet") return { kind: "not-applicable", reason: "one pod per node: counted with the nodes" };
  if (view.accelerators.uses.length === 0) {
    const u = view.accelerators.unknownPaths[0];
    return u !== undefined ? { kind: "unknown", reason: `${u} is unknown until the update runs (or secret)` } : { kind: "not-applicable", reason: "requests no accelerators" };
  }
  if (clusterCountsGpuNodes(ctx.stack, view)) return { kind: "not-applicable", reason: "runs on its cluster's GPU nodes, which are counted instead" };
  const unit = unitOf(view.cloud, view.accelerators.uses);
  if (!unit.spec) return { kind: "unknown", reason: "the accelerator model is not selected (no node selector naming a GPU or node type)" };
  try {
    const p = pods(view, ctx.stack);
    if (!p) return { kind: "unknown", reason: "its replica count can't be read" };
    const caveats = [...p.caveats];
    if (unit.spec.kind === "instance") caveats.push("one node per pod: pods sharing a node are over-counted");
    let hoursPerUnit: Bounds | undefined;
    if (isBatchKind(view.type)) {
      const steps = kindOf(view.type)?.kind === "CronJob" ? ["spec", "jobTemplate", "spec", "activeDeadlineSeconds"] : ["spec", "activeDeadlineSeconds"];
      const deadline = readNumber(view.props, steps);
      if (deadline.state === "opaque") throw new Unknown(`${deadline.path} is unknown until the update runs (or secret)`);
      const ceiling = deadline.state === "value" && deadline.value > 0 ? Math.min(ctx.hoursPerMonth, deadline.value / 3600) : ctx.hoursPerMonth;
      hoursPerUnit = { floor: 0, ceiling };
      caveats.push(deadline.state === "value" ? "runs up to activeDeadlineSeconds a month" : "no activeDeadlineSeconds: up to the whole month");
    }
    return {
      kind: "parts",
      parts: [{ label: `${kindOf(view.type)?.kind ?? "workload"} pods on ${unit.label}`, spec: unit.spec, units: p.bounds, unitsBasis: p.basis, ...(hoursPerUnit ? { hoursPerUnit } : {}), caveats }],
    };
  } catch (error) {
    if (error instanceof Unknown) return { kind: "unknown", reason: error.message };
    throw error;
  }
}

/** Readers for the Kubernetes types the estimator sizes (a Karpenter NodePool is a limit, not capacity). */
export const KUBERNETES_READERS = Object.fromEntries(KUBERNETES_SCANNED_TYPES.filter((t) => t !== KARPENTER_NODE_POOL).map((t) => [t, kubernetesWorkload] as const));
