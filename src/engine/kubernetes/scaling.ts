/**
 * How many pods of a Kubernetes workload run, and what can change that: its own replica count,
 * the HorizontalPodAutoscalers and KEDA ScaledObjects that target it (joined by `scaleTargetRef`
 * through the engine's dependencies, else the target's name), KServe's `minReplicas`/`maxReplicas`
 * and Knative's `autoscaling.knative.dev/min-scale`/`max-scale` annotations.
 *
 * Defaults are the APIs' own: Deployment/StatefulSet `replicas` 1, Job `parallelism` 1, HPA
 * `minReplicas` 1, KEDA `minReplicaCount` 0 and `maxReplicaCount` 100, KServe `minReplicas` 1,
 * Knative `min-scale` 0 (the cluster-wide default; a cluster may change it).
 */
import { type Resolution, keysAt, resolveLinks } from "../stack-joins";
import { type PlainValue, type Read, readNumber, readString } from "../values";
import type { ResourceView, StackView } from "../view";
import { HPA_V1, HPA_V2, KEDA_SCALED_OBJECT, KNATIVE_SERVICE, KSERVE_INFERENCE_SERVICE, kindOf } from "./types";

export type Count = { readonly state: "value"; readonly value: number; readonly path: string; readonly defaulted?: true } | { readonly state: "unknown"; readonly path: string } | { readonly state: "none"; readonly reason: string };

function count(root: PlainValue, steps: readonly (string | number)[], fallback: number | undefined): Count {
  const r = readNumber(root, steps);
  if (r.state === "opaque") return { state: "unknown", path: r.path };
  if (r.state === "value" && Number.isInteger(r.value) && r.value >= 0 && r.value <= 1e6) return { state: "value", value: r.value, path: r.path };
  if (r.state === "value" || r.state === "wrong-type") return { state: "none", reason: `${r.path} is not a whole number` };
  return fallback === undefined ? { state: "none", reason: `${r.path} is not set` } : { state: "value", value: fallback, path: r.path, defaulted: true };
}

/** Knative annotations are strings ("0", "3"). */
function annotationCount(view: ResourceView, key: string, fallback: number): Count {
  return count(view.props, ["spec", "template", "metadata", "annotations", key], fallback);
}

/** The pods a workload runs by itself (before any autoscaler): minimum and, when bounded, maximum. */
export interface OwnScale {
  readonly min: Count;
  readonly max?: Count;
  /** Scales itself (KServe, Knative): no separate scaler needed. */
  readonly selfScaling: boolean;
}

export function ownScale(view: ResourceView): OwnScale {
  const k = kindOf(view.type);
  // A Patch changes only what it sets: an absent count keeps the live object's, which is not known here.
  const dflt = (n: number) => (k?.patch ? undefined : n);
  if (view.type === KSERVE_INFERENCE_SERVICE) {
    return { min: count(view.props, ["spec", "predictor", "minReplicas"], 1), max: count(view.props, ["spec", "predictor", "maxReplicas"], undefined), selfScaling: true };
  }
  if (view.type === KNATIVE_SERVICE) {
    return { min: annotationCount(view, "autoscaling.knative.dev/min-scale", 0), max: annotationCount(view, "autoscaling.knative.dev/max-scale", 0), selfScaling: true };
  }
  switch (k?.key) {
    case "apps/v1:Deployment":
    case "apps/v1:StatefulSet":
    case "apps/v1:ReplicaSet":
      return { min: count(view.props, ["spec", "replicas"], dflt(1)), selfScaling: false };
    case "batch/v1:Job":
      return { min: count(view.props, ["spec", "parallelism"], dflt(1)), selfScaling: false };
    case "batch/v1:CronJob":
      return { min: count(view.props, ["spec", "jobTemplate", "spec", "parallelism"], dflt(1)), selfScaling: false };
    case "core/v1:Pod":
      return { min: { state: "value", value: 1, path: "spec", defaulted: true }, selfScaling: false };
    case "apps/v1:DaemonSet":
      return { min: { state: "none", reason: "a DaemonSet runs one pod per matching node" }, selfScaling: false };
    default:
      return { min: { state: "none", reason: "not a workload" }, selfScaling: false };
  }
}

export interface Scaler {
  readonly view: ResourceView;
  readonly kind: "hpa" | "keda";
  readonly min: Count;
  readonly max: Count;
}

const SCALERS = [HPA_V2, HPA_V1, KEDA_SCALED_OBJECT];

/** The workload a scaler targets (`spec.scaleTargetRef`): by the engine's dependency on `spec`, else by name. */
export function targetOfScaler(stack: StackView, scaler: ResourceView): Resolution {
  const kindRead = readString(scaler.props, ["spec", "scaleTargetRef", "kind"]);
  const kind = kindRead.state === "value" ? kindRead.value : scaler.type === KEDA_SCALED_OBJECT ? "Deployment" : undefined;
  const targetTypes = kind === undefined ? WORKLOAD_KINDS.flatMap(typesOfKind) : typesOfKind(kind);
  return resolveLinks(stack, scaler, {
    properties: ["spec"],
    refs: [readString(scaler.props, ["spec", "scaleTargetRef", "name"])],
    targetTypes,
    keys: (v) => keysAt(v, ["metadata", "name"]),
  });
}

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "ReplicaSet"];

function typesOfKind(kind: string): string[] {
  const group = kind === "Deployment" || kind === "StatefulSet" || kind === "ReplicaSet" ? "apps/v1" : undefined;
  return group ? [`kubernetes:${group}:${kind}`, `kubernetes:${group}:${kind}Patch`] : [];
}

export interface ScalersOf {
  readonly scalers: readonly Scaler[];
  /** A scaler whose target can't be resolved now (preview): it might be this workload's. */
  readonly uncertain?: string;
}

/** The HPAs and ScaledObjects in this stack that target `workload`. */
export function scalersOf(stack: StackView, workload: ResourceView): ScalersOf {
  const scalers: Scaler[] = [];
  let uncertain: string | undefined;
  // URN order, so the scaler a preview can't resolve yet is the same one whatever order the resources came in.
  const candidates = stack.resources.filter((s) => SCALERS.includes(s.type)).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  for (const s of candidates) {
    const target = targetOfScaler(stack, s);
    if (target.found.some((t) => t.urn === workload.urn)) {
      scalers.push(
        s.type === KEDA_SCALED_OBJECT
          ? { view: s, kind: "keda", min: count(s.props, ["spec", "minReplicaCount"], 0), max: count(s.props, ["spec", "maxReplicaCount"], 100) }
          : { view: s, kind: "hpa", min: count(s.props, ["spec", "minReplicas"], 1), max: count(s.props, ["spec", "maxReplicas"], undefined) },
      );
    } else if (target.found.length === 0 && target.unresolved !== undefined) uncertain ??= `${target.unresolved} of '${s.name}'`;
  }
  return { scalers, ...(uncertain !== undefined ? { uncertain } : {}) };
}

/** A count's value, if known. */
export function valueOf(c: Count | undefined): number | undefined {
  return c?.state === "value" ? c.value : undefined;
}

export type { Read };
