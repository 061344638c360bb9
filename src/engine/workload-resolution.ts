/**
 * Which workload a resource runs, as the accelerator rules resolve it (`ml-workload-declared`,
 * `accelerator-fits-workload`, `accelerator-current-generation`, `accelerator-fits-model`): the
 * resource's own tag/label, the workload its resource type implies, the stack tag; one workload per
 * inline GKE node pool; and the phrases messages use for them. The declaration itself (tag values,
 * the workload names) is ./workload.
 *
 * Nothing here quotes a property value except identifier-shaped tag keys: secrets reach policies as
 * plaintext.
 */
import type { AcceleratorUse } from "./accelerator-scan";
import { platformOf } from "./platform";
import { formatPath, isOpaque, quoteToken, readObject } from "./values";
import type { ResourceView } from "./view";
import { DEFAULT_WORKLOAD_KEY, WORKLOADS, type Workload, isWorkload } from "./workload";

// ---------------------------------------------------------------------------------------------
// Workload

export type WorkloadSource = "resource" | "resource-type" | "stack";

export type TagRead =
  | { readonly state: "value"; readonly value: string }
  | { readonly state: "opaque"; readonly path: string; readonly valueType: "string" | "object" | "array"; readonly wholeBag?: boolean }
  | { readonly state: "absent" };

export type WorkloadResolution =
  | { readonly state: "declared"; readonly workload: Workload; readonly source: WorkloadSource }
  | { readonly state: "invalid"; readonly source: "resource" | "stack" }
  | { readonly state: "unknown"; readonly path: string; readonly valueType: "string" | "object" | "array" }
  | { readonly state: "absent" };

/** Where a resource type keeps its tags/labels (for messages); undefined: it has none. */
export function tagLocation(view: ResourceView): string | undefined {
  const t = view.type;
  if (view.cloud === "aws") return "tags";
  if (t === "gcp:container/nodePool:NodePool") return "nodeConfig.resourceLabels";
  if (t === "gcp:container/cluster:Cluster") return "resourceLabels";
  if (t.startsWith("gcp:vertex/") || t === "gcp:tpu/v2QueuedResource:V2QueuedResource") return undefined;
  return "labels";
}

/** Reads one tag/label of the resource itself (with provider default tags), with a path for can't-evaluate. */
export function readResourceTag(view: ResourceView, key: string): TagRead {
  const where = tagLocation(view) ?? "labels";
  const own = view.tags.get(key);
  if (own?.state === "value") return { state: "value", value: own.value };
  if (own?.state === "opaque") return { state: "opaque", path: formatPath([...where.split("."), key]), valueType: "string" };
  if (view.tagsUnknown) return { state: "opaque", path: where, valueType: "object", wholeBag: true };
  return { state: "absent" };
}

/**
 * Whether the resource or the stack sets a tag to a non-empty value. A tag whose value is unknown
 * in preview counts as set; a tag bag that is unknown as a whole leaves it `unknown`.
 */
export function tagPresence(view: ResourceView, key: string): { readonly state: "present" | "missing" } | { readonly state: "unknown"; readonly path: string; readonly valueType: "string" | "object" | "array" } {
  const stack = view.stack.stackTags.get(key);
  if (stack !== undefined && stack.trim() !== "") return { state: "present" };
  const own = readResourceTag(view, key);
  if (own.state === "value") return { state: own.value.trim() !== "" ? "present" : "missing" };
  if (own.state === "opaque") return own.wholeBag ? { state: "unknown", path: own.path, valueType: own.valueType } : { state: "present" };
  return { state: "missing" };
}

function parseWorkload(value: string): Workload | undefined {
  const v = value.trim().toLowerCase();
  return isWorkload(v) ? v : undefined;
}

/** The declaration `ml-workload-declared` checks: the resource's tag/label, else the stack tag. */
export function declaredWorkloadOf(view: ResourceView, key: string = DEFAULT_WORKLOAD_KEY): WorkloadResolution {
  const own = readResourceTag(view, key);
  if (own.state === "opaque") return { state: "unknown", path: own.path, valueType: own.valueType };
  if (own.state === "value") {
    const w = parseWorkload(own.value);
    return w ? { state: "declared", workload: w, source: "resource" } : { state: "invalid", source: "resource" };
  }
  const stack = view.stack.stackTags.get(key);
  if (stack !== undefined) {
    const w = parseWorkload(stack);
    return w ? { state: "declared", workload: w, source: "stack" } : { state: "invalid", source: "stack" };
  }
  return { state: "absent" };
}

/**
 * The workload a resource runs, most specific first: its own tag/label; else what its resource
 * type implies (a SageMaker endpoint serves inference, a training job trains, notebooks are
 * notebooks); else the stack tag.
 */
export function resolveWorkload(view: ResourceView, key: string = DEFAULT_WORKLOAD_KEY): WorkloadResolution {
  const own = readResourceTag(view, key);
  if (own.state === "opaque") return { state: "unknown", path: own.path, valueType: own.valueType };
  if (own.state === "value") {
    const w = parseWorkload(own.value);
    if (w) return { state: "declared", workload: w, source: "resource" };
  }
  const implied = platformOf(view.type).implied;
  if (implied) return { state: "declared", workload: implied, source: "resource-type" };
  if (own.state === "value") return { state: "invalid", source: "resource" };
  return declaredWorkloadOf(view, key);
}

// ---------------------------------------------------------------------------------------------
// GKE clusters with inline node pools: one workload per pool, for every rule. A pool's own label
// (`nodePools[i].nodeConfig.resourceLabels`) wins over the cluster's labels and the stack tag, as
// ml-autoscale-to-zero and ml-training-guardrails read it (capacity-readers.ts `workloadOf` + `labelIn`).

const GKE_CLUSTER = "gcp:container/cluster:Cluster";

/** The inline node pool an accelerator use sits in (`nodePools[2].nodeConfig.machineType` → 2), for GKE clusters. */
export function inlinePoolIndex(view: ResourceView, use: AcceleratorUse): number | undefined {
  if (view.type !== GKE_CLUSTER) return undefined;
  const m = /^nodePools\[(\d{1,6})\]\./.exec(use.path);
  return m ? Number(m[1]) : undefined;
}

/** Where an inline pool's labels live, for messages and can't-evaluate paths. */
export function poolLabelsPath(index: number): string {
  return `nodePools[${index}].nodeConfig.resourceLabels`;
}

/** The workload an inline pool declares itself; `absent` when it has no label of its own. */
export function poolWorkload(view: ResourceView, index: number, key: string): WorkloadResolution {
  const labels = readObject(view.props, ["nodePools", index, "nodeConfig", "resourceLabels"]);
  if (labels.state === "opaque") return { state: "unknown", path: labels.path, valueType: "object" };
  if (labels.state !== "value" || !Object.prototype.hasOwnProperty.call(labels.value, key)) return { state: "absent" };
  const value = labels.value[key];
  if (isOpaque(value)) return { state: "unknown", path: formatPath(["nodePools", index, "nodeConfig", "resourceLabels", key]), valueType: "string" };
  if (typeof value !== "string") return { state: "invalid", source: "resource" };
  const w = parseWorkload(value);
  return w ? { state: "declared", workload: w, source: "resource" } : { state: "invalid", source: "resource" };
}

/**
 * The workload that applies to one accelerator use: its inline pool's own label when it has one,
 * else `resourceWide` (the resource's labels, type or stack tag, as the calling rule resolves them).
 */
export function workloadOfUse(view: ResourceView, use: AcceleratorUse, key: string, resourceWide: WorkloadResolution): WorkloadResolution {
  const pool = inlinePoolIndex(view, use);
  if (pool === undefined) return resourceWide;
  const own = poolWorkload(view, pool, key);
  return own.state === "absent" ? resourceWide : own;
}

/** The accelerator role a workload needs. */
export type Role = "inference" | "training";

/** The accelerator role a workload needs: training, or inference for every other workload. */
export function roleOf(w: Workload): Role {
  return w === "training" ? "training" : "inference";
}

export function workloadPhrase(w: Workload): string {
  switch (w) {
    case "training":
      return "training";
    case "inference":
      return "inference";
    case "batch-inference":
      return "batch inference";
    case "notebook":
      return "a notebook";
    case "dev":
      return "development";
  }
}

/** "tag ml-workload=inference", "stack tag ml-workload=training", "a SageMaker endpoint serves inference". */
export function workloadSourcePhrase(view: ResourceView, w: Workload, source: WorkloadSource, key: string): string {
  const k = displayKey(key);
  const tagWord = view.cloud === "gcp" ? "label" : "tag";
  switch (source) {
    case "resource":
      return `${tagWord} ${k}=${w}`;
    case "stack":
      return `stack tag ${k}=${w}`;
    case "resource-type":
      return platformOf(view.type).impliedBecause ?? `its resource type implies ${w}`;
  }
}

/** A config-supplied tag key, quoted only when identifier-shaped. */
export function displayKey(key: string): string {
  return quoteToken(key) ?? "the configured tag";
}

/** "training, inference, batch-inference, notebook or dev" */
export const WORKLOAD_LIST = `${WORKLOADS.slice(0, -1).join(", ")} or ${WORKLOADS[WORKLOADS.length - 1]}`;
