/**
 * EKS node groups and ASGs: Spot capacity. The GPU type or Spot setting may sit in a launch
 * template, so the findings here are shared with the stack check (stack.ts).
 */
import type { AcceleratorUse } from "../../engine/accelerator-scan";
import { readCount, workloadOf } from "../../engine/capacity-readers";
import { stackPath } from "../../engine/resource-names";
import { noAccelerators, unknownAt } from "../../engine/outcomes";
import type { Outcome } from "../../engine/rule";
import { readNumber, readPath, readString } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import { gaps, trainingOnly } from "./gaps";

function eksSpot(view: ResourceView): { readonly spot: boolean } | { readonly unknown: string } {
  const capacity = readString(view.props, ["capacityType"]);
  if (capacity.state === "opaque") return { unknown: capacity.path };
  return { spot: capacity.state === "value" && /^(SPOT|CAPACITY_BLOCK)$/i.test(capacity.value) };
}

export function eksFinding(view: ResourceView, uses: readonly AcceleratorUse[], urn?: string): Outcome[] {
  const s = eksSpot(view);
  if ("unknown" in s) return [unknownAt(urn ? stackPath(view, s.unknown) : s.unknown)];
  if (s.spot) return [];
  const min = readCount(view.props, ["scalingConfig", "desiredSize"]);
  return gaps(
    "eksOnDemand",
    view,
    uses,
    min.state === "value" && min.value > 0 ? min.value : 1,
    [{ text: "runs training on on-demand capacity; set capacityType to SPOT", detail: "Use SPOT with checkpointing in the job, or CAPACITY_BLOCK for reserved ML capacity that ends on a date." }],
    { capacityType: "SPOT" },
    urn,
  );
}

export const checkEks = (view: ResourceView): Outcome[] => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) {
    const referenced = readPath(view.props, ["launchTemplate"]).state !== "absent";
    return [noAccelerators(view, referenced ? "accelerators, if any, come from its launch template: checked by the stack policy" : undefined)];
  }
  return trainingOnly(workloadOf(view), eksFinding(view, uses));
};

/** ASG Spot: a mixed-instances policy with no on-demand share, or a launch template with marketType spot. */
function asgSpot(view: ResourceView, templates: readonly ResourceView[]): { readonly spot: boolean } | { readonly unknown: string } {
  const dist = ["mixedInstancesPolicy", "instancesDistribution"];
  const mixed = readPath(view.props, ["mixedInstancesPolicy"]);
  if (mixed.state === "opaque") return { unknown: mixed.path };
  if (mixed.state === "value") {
    const pct = readNumber(view.props, [...dist, "onDemandPercentageAboveBaseCapacity"]);
    const base = readNumber(view.props, [...dist, "onDemandBaseCapacity"]);
    if (pct.state === "opaque") return { unknown: pct.path };
    if (base.state === "opaque") return { unknown: base.path };
    return { spot: pct.state === "value" && pct.value === 0 && (base.state !== "value" || base.value === 0) };
  }
  for (const lt of templates) {
    const market = readString(lt.props, ["instanceMarketOptions", "marketType"]);
    // Named as stack paths name resources: only identifier-shaped names are quoted.
    if (market.state === "opaque") return { unknown: stackPath(lt, market.path) };
    if (market.state === "value" && market.value.toLowerCase() === "spot") return { spot: true };
  }
  return { spot: false };
}

export function asgFinding(view: ResourceView, uses: readonly AcceleratorUse[], templates: readonly ResourceView[], urn?: string): Outcome[] {
  const s = asgSpot(view, templates);
  if ("unknown" in s) return [unknownAt(urn ? stackPath(view, s.unknown) : s.unknown)];
  if (s.spot) return [];
  const desired = readCount(view.props, ["desiredCapacity"]);
  return gaps(
    "asgOnDemand",
    view,
    uses,
    desired.state === "value" && desired.value > 0 ? desired.value : 1,
    [
      {
        text: "runs training on on-demand capacity; set onDemandPercentageAboveBaseCapacity to 0",
        detail: "Use a mixedInstancesPolicy with instancesDistribution.onDemandPercentageAboveBaseCapacity 0 and spotAllocationStrategy price-capacity-optimized (or a launch template with instanceMarketOptions.marketType spot), with checkpointing in the job.",
      },
    ],
    { "mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity": 0 },
    urn,
  );
}

export const checkAsg = (view: ResourceView): Outcome[] => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view, "accelerators, if any, come from its launch template: checked by the stack policy")];
  return trainingOnly(workloadOf(view), asgFinding(view, uses, []));
};
