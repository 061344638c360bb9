/** Outcome constructors the rules share (the capacity rules return these on almost every path). */
import type { CannotEvaluate, NotApplicable, Outcome } from "./rule";
import type { ResourceView } from "./view";

export function na(reason: string): NotApplicable {
  return { kind: "not-applicable", reason };
}

/** Can't evaluate: the value at `path` is unknown until the update runs. */
export function unknownAt(path: string, valueType: CannotEvaluate["valueType"] = "string"): CannotEvaluate {
  return { kind: "unknown", path, valueType };
}

/**
 * The resource shows no accelerators: can't evaluate while one of its accelerator properties is
 * unknown in preview (it may turn out to be a GPU type), else not applicable for `reason`.
 */
export function noAccelerators(view: ResourceView, reason = "no accelerators"): Outcome {
  const unknown = view.accelerators.unknownPaths[0];
  return unknown !== undefined ? unknownAt(unknown) : na(reason);
}
