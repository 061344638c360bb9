/** Outcome constructors the rules share (the capacity rules return these on almost every path). */
import type { CannotEvaluate, NotApplicable, Outcome } from "./rule";
import { stackPath } from "./resource-names";
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

/**
 * A joined group (ASG → launch templates, MIG → instance templates, ECS service → task
 * definitions) whose joined resources show no accelerators: can't evaluate when a link is
 * unresolved (`unresolved`, a stack path) or one of them has an accelerator property unknown in
 * preview (it may turn out to be a GPU type); otherwise there is nothing to check.
 */
export function noJoinedAccelerators(joined: readonly ResourceView[], unresolved: string | undefined): Outcome[] {
  if (unresolved !== undefined) return [unknownAt(unresolved)];
  const unreadable = joined.find((v) => v.accelerators.unknownPaths.length > 0);
  return unreadable ? [unknownAt(stackPath(unreadable, unreadable.accelerators.unknownPaths[0] as string))] : [];
}
