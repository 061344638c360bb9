/** The automatic fix at enforcement level `remediate`: set a minimum to 0 where that alone is safe. */
import { isTraining, readCount, workloadOf } from "../../engine/capacity-readers";
import { ASG, EKS_NODE_GROUP } from "../../engine/stack-joins";
import type { RuleContext } from "../../engine/rule";
import { type PathStep, readObject } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import { AutoscaleConfig } from "./config";
import { exempt } from "./outcomes";

// ---------------------------------------------------------------------------------------------
// Remediation (enforcement level `remediate`)

/**
 * Sets the minimum to 0 where that is safe and obvious: a GPU ASG's `minSize` (only when
 * `desiredCapacity` is absent or 0, so Pulumi does not pin a running count), an EKS GPU node
 * group's `scalingConfig.minSize`, a GKE GPU node pool's `autoscaling.minNodeCount` /
 * `totalMinNodeCount` (standalone pools that already autoscale). Only for resources whose own
 * properties show accelerators and whose workload is known and not training.
 */
export function remediate(view: ResourceView, { config }: RuleContext<AutoscaleConfig>): Record<string, unknown> | undefined {
  if (view.accelerators.uses.length === 0 || view.accelerators.unknownPaths.length > 0) return undefined;
  const w = workloadOf(view);
  if (isTraining(w) !== false || exempt(config, w) !== false) return undefined;
  const positive = (steps: readonly PathStep[]) => {
    const r = readCount(view.props, steps);
    return r.state === "value" && r.value > 0;
  };
  switch (view.type) {
    case ASG: {
      const desired = readCount(view.props, ["desiredCapacity"]);
      const desiredOk = desired.state === "absent" || (desired.state === "value" && desired.value === 0);
      return positive(["minSize"]) && desiredOk ? { minSize: 0 } : undefined;
    }
    case EKS_NODE_GROUP:
      return positive(["scalingConfig", "minSize"]) ? { "scalingConfig.minSize": 0 } : undefined;
    case "gcp:container/nodePool:NodePool": {
      if (readObject(view.props, ["autoscaling"]).state !== "value") return undefined;
      const patch: Record<string, unknown> = {};
      const total = readCount(view.props, ["autoscaling", "totalMinNodeCount"]);
      const perZone = readCount(view.props, ["autoscaling", "minNodeCount"]);
      if (total.state === "opaque" || perZone.state === "opaque") return undefined;
      if (total.state === "value" && total.value > 0) patch["autoscaling.totalMinNodeCount"] = 0;
      if (perZone.state === "value" && perZone.value > 0) patch["autoscaling.minNodeCount"] = 0;
      return Object.keys(patch).length > 0 ? patch : undefined;
    }
    default:
      return undefined;
  }
}
