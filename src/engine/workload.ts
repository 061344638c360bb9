/**
 * The ML workload a resource declares: tag/label `ml-workload` (key configurable), else the stack
 * tag of the same name.
 */
import type { ResourceView } from "./view";

export const DEFAULT_WORKLOAD_KEY = "ml-workload";
export const WORKLOADS = ["training", "inference", "batch-inference", "notebook", "dev"] as const;
export type Workload = (typeof WORKLOADS)[number];

export type WorkloadDeclaration =
  | { readonly state: "declared"; readonly workload: Workload; readonly source: "resource" | "stack" }
  | { readonly state: "invalid"; readonly source: "resource" | "stack"; readonly value: string }
  | { readonly state: "unknown" }
  | { readonly state: "absent" };

export function isWorkload(value: string): value is Workload {
  return (WORKLOADS as readonly string[]).includes(value);
}

/**
 * The workload a resource declares itself (not its stack), from its tags/labels as the view
 * collects them (provider defaults, AWS tag maps and Auto Scaling tag lists, GCP labels and GKE
 * cluster resourceLabels).
 */
export function ownWorkload(view: ResourceView, key: string = DEFAULT_WORKLOAD_KEY): WorkloadDeclaration {
  const tag = view.tags.get(key);
  if (tag?.state === "opaque") return { state: "unknown" };
  if (tag?.state === "value") return classifyWorkload(tag.value, "resource");
  if (view.tagsUnknown) return { state: "unknown" };
  return { state: "absent" };
}

export function classifyWorkload(raw: string, source: "resource" | "stack"): WorkloadDeclaration {
  const value = raw.trim().toLowerCase();
  return isWorkload(value) ? { state: "declared", workload: value, source } : { state: "invalid", source, value: raw };
}

/** Whether the resource itself (not its stack) carries the workload tag/label. */
export function declaresWorkloadItself(view: ResourceView, key: string = DEFAULT_WORKLOAD_KEY): boolean {
  return view.tags.has(key);
}
