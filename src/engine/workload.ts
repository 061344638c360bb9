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

export function declaredWorkload(view: ResourceView, key: string = DEFAULT_WORKLOAD_KEY): WorkloadDeclaration {
  const tag = view.tags.get(key);
  if (tag?.state === "opaque") return { state: "unknown" };
  if (tag?.state === "value") {
    const value = tag.value.trim().toLowerCase();
    return isWorkload(value) ? { state: "declared", workload: value, source: "resource" } : { state: "invalid", source: "resource", value: tag.value };
  }
  if (view.tagsUnknown) return { state: "unknown" };
  const stackTag = view.stack.stackTags.get(key);
  if (stackTag !== undefined) {
    const value = stackTag.trim().toLowerCase();
    return isWorkload(value) ? { state: "declared", workload: value, source: "stack" } : { state: "invalid", source: "stack", value: stackTag };
  }
  return { state: "absent" };
}

/** Whether the resource itself (not its stack) carries the workload tag/label. */
export function declaresWorkloadItself(view: ResourceView, key: string = DEFAULT_WORKLOAD_KEY): boolean {
  return view.tags.has(key);
}
