/**
 * Runs a resource rule on Kubernetes resources in its stack part. A Kubernetes object's cloud and
 * region come from the cluster its provider points at (src/engine/kubernetes/placement.ts), which
 * only the stack view can follow; so the resource part leaves Kubernetes resources to the stack
 * part, which places each one and runs the same resource check on it. A finding names the
 * resource (`urn`); a can't-evaluate names the resource its unknown sits on.
 */
import { stackPath } from "../engine/resource-names";
import { na } from "../engine/outcomes";
import type { Outcome, RuleContext } from "../engine/rule";
import type { ResourceView, StackView } from "../engine/view";
import { isKubernetesType } from "../engine/kubernetes/types";
import { kubernetesResources } from "../engine/kubernetes/view";

type Check<C> = (view: ResourceView, ctx: RuleContext<C>) => readonly Outcome[];

export const KUBERNETES_DEFERRED = "Kubernetes resources are checked by the stack policy, placed on the cluster their provider points at";

/** The rule's resource part with Kubernetes resources left to the stack part. */
export function resourcePart<C>(check: Check<C>): (view: ResourceView, ctx: RuleContext<C>) => Outcome[] {
  return (view, ctx) => (isKubernetesType(view.type) ? [na(KUBERNETES_DEFERRED)] : [...check(view, ctx)]);
}

/** The same check on the stack's Kubernetes resources, placed. */
export function kubernetesPart<C>(check: Check<C>): (stack: StackView, ctx: RuleContext<C>) => Outcome[] {
  return (stack, ctx) => {
    const out: Outcome[] = [];
    for (const view of kubernetesResources(stack)) {
      for (const o of check(view, ctx)) {
        if (o.kind === "violation") out.push(o.urn === undefined ? { ...o, urn: view.urn } : o);
        else if (o.kind === "unknown") out.push({ ...o, path: stackPath(view, o.path) });
      }
    }
    return out;
  };
}
