/** The stack check: ASGs and EKS node groups joined to their launch templates. */
import { stackPath } from "../../engine/resource-names";
import { workloadOf } from "../../engine/capacity-readers";
import { ASG, EKS_NODE_GROUP, launchTemplatesOf } from "../../engine/stack-joins";
import { noJoinedAccelerators } from "../../engine/outcomes";
import type { Outcome, RuleContext } from "../../engine/rule";
import type { StackView } from "../../engine/view";
import type { TrainingGuardrailsConfig } from "./config";
import { asgFinding, eksFinding } from "./eks-asg";
import { trainingOnly } from "./gaps";

/** ASGs and EKS node groups whose accelerators (and Spot setting) live in their launch template. */
export function evaluateStack(stack: StackView, _ctx: RuleContext<TrainingGuardrailsConfig>): Outcome[] {
  const out: Outcome[] = [];
  for (const view of stack.resources) {
    if (view.type !== ASG && view.type !== EKS_NODE_GROUP) continue;
    if (view.accelerators.uses.length > 0 || view.accelerators.unknownPaths.length > 0) continue; // the resource part decided
    const lts = launchTemplatesOf(stack, view);
    if (!lts.declared) continue;
    const uses = lts.found.flatMap((lt) => lt.accelerators.uses);
    if (uses.length === 0) {
      // An unresolved link, or a template whose GPU type is unknown in preview: can't evaluate
      // (when the group may be training capacity); otherwise nothing to check.
      const unknown = noJoinedAccelerators(lts.found, lts.unresolved !== undefined ? stackPath(view, lts.unresolved) : undefined);
      out.push(...trainingOnly(workloadOf(view, { related: lts.found }), unknown, stackPath(view, "tags")).filter((o) => o.kind !== "not-applicable"));
      continue;
    }
    const findings = view.type === ASG ? asgFinding(view, uses, lts.found, view.urn) : eksFinding(view, uses, view.urn);
    out.push(...trainingOnly(workloadOf(view, { related: lts.found }), findings, stackPath(view, "tags")).filter((o) => o.kind !== "not-applicable"));
  }
  return out;
}
