/** Resource checks for AWS: Auto Scaling groups and EKS node groups, Batch compute environments, SageMaker endpoint configurations. */
import type { AcceleratorUse } from "../../engine/accelerator-scan";
import { readCount, unitOf, workloadOf } from "../../engine/capacity-readers";
import { stackPath, subjectOf } from "../../engine/resource-names";
import { na, noAccelerators, unknownAt } from "../../engine/outcomes";
import { EKS_NODE_GROUP } from "../../engine/stack-joins";
import type { Outcome } from "../../engine/rule";
import { type PathStep, formatPath, readArray, readPath, readString } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import { AutoscaleConfig } from "./config";
import { Check, alwaysOn, gated, usesUnder } from "./outcomes";


/** ASG / EKS node group minimum (shared by the resource part and the launch-template join). */
export function groupMinimum(cfg: AutoscaleConfig, view: ResourceView, uses: readonly AcceleratorUse[], related: readonly ResourceView[], urn?: string): Outcome[] {
  const eks = view.type === EKS_NODE_GROUP;
  const steps = eks ? ["scalingConfig", "minSize"] : ["minSize"];
  const min = readCount(view.props, steps);
  const findings: Outcome[] = [];
  if (min.state === "opaque") findings.push(unknownAt(urn ? stackPath(view, min.path) : min.path, "number"));
  else if (min.state === "value" && min.value > 0) {
    const property = formatPath(steps);
    findings.push(
      alwaysOn({
        id: eks ? "nodeGroupMinAboveZero" : "asgMinAboveZero",
        view,
        count: min.value,
        unit: unitOf(view.cloud, uses),
        fix: `set ${property} to 0`,
        fixDetail: eks
          ? `Cluster Autoscaler or Karpenter scales it up from zero; add ignoreChanges ["scalingConfig.desiredSize"] so its moves aren't reverted.`
          : "Scale out from zero with a scheduled action, a queue-depth target-tracking policy or a cluster autoscaler.",
        property,
        ...(urn ? { urn } : {}),
      }),
    );
  }
  const gatedOut = gated(cfg, workloadOf(view, { related }), findings);
  return gatedOut.length > 0 && urn && gatedOut[0]?.kind === "unknown" && gatedOut[0].path === "tags"
    ? [unknownAt(stackPath(view, "tags"), "object")]
    : gatedOut;
}

export function referencesLaunchTemplate(view: ResourceView): boolean {
  return (
    readPath(view.props, ["launchTemplate"]).state !== "absent" ||
    readPath(view.props, ["mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification"]).state !== "absent"
  );
}

export const checkGroup: Check = (view, cfg) => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) {
    return [noAccelerators(view, referencesLaunchTemplate(view) ? "accelerators, if any, come from its launch template: checked by the stack policy" : undefined)];
  }
  return groupMinimum(cfg, view, uses, []);
};

export const checkBatch: Check = (view, cfg) => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const type = readString(view.props, ["computeResources", "type"]);
  if (type.state === "value" && /^FARGATE/i.test(type.value)) return [na("Fargate has no GPUs")];
  const min = readCount(view.props, ["computeResources", "minVcpus"]);
  const findings: Outcome[] = [];
  if (min.state === "opaque") findings.push(unknownAt(min.path, "number"));
  else if (min.state === "value" && min.value > 0) {
    const typed = uses.find((u) => u.instanceType?.vcpu);
    const vcpu = typed?.instanceType?.vcpu ?? undefined;
    const unit = unitOf(view.cloud, typed ? [typed] : uses);
    const instances = vcpu ? Math.ceil(min.value / vcpu) : 1;
    findings.push(
      alwaysOn({
        id: "batchMinVcpusAboveZero",
        view,
        count: instances,
        unit,
        subject: `${subjectOf(view)} (minVcpus ${min.value})`,
        when: "with no jobs queued",
        fix: "set computeResources.minVcpus to 0",
        fixDetail: "Batch scales managed EC2/SPOT environments from zero when jobs arrive.",
        property: "computeResources.minVcpus",
      }),
    );
  }
  return gated(cfg, workloadOf(view), findings);
};

export interface Variant {
  readonly index: number;
  readonly key: "productionVariants" | "shadowProductionVariants";
  readonly uses: readonly AcceleratorUse[];
}

export function gpuVariants(view: ResourceView): Variant[] {
  const out: Variant[] = [];
  for (const key of ["productionVariants", "shadowProductionVariants"] as const) {
    const arr = readArray(view.props, [key]);
    if (arr.state !== "value") continue;
    arr.value.forEach((_v, i) => {
      const uses = usesUnder(view.accelerators.uses, `${key}[${i}]`);
      if (uses.length > 0) out.push({ index: i, key, uses });
    });
  }
  return out;
}

export function variantPath(v: Variant, ...rest: string[]): string {
  return formatPath([v.key, v.index, ...rest]);
}

export type EndpointKind = { readonly kind: "async" | "classic" | "serverless" | "components" } | { readonly kind: "unknown"; readonly path: string };

export function variantKind(view: ResourceView, v: Variant): EndpointKind {
  const async = readPath(view.props, ["asyncInferenceConfig"]);
  if (async.state === "opaque") return { kind: "unknown", path: async.path };
  if (async.state === "value") return { kind: "async" };
  const serverless = readPath(view.props, [v.key, v.index, "serverlessConfig"]);
  if (serverless.state === "value") return { kind: "serverless" };
  const model = readPath(view.props, [v.key, v.index, "modelName"]);
  if (model.state === "opaque") return { kind: "unknown", path: model.path };
  if (model.state === "absent") return { kind: "components" };
  return { kind: "classic" };
}

/** managedInstanceScaling of an inference-component variant: "zero" when it can reach zero instances. */
export function managedScaling(view: ResourceView, v: Variant): { readonly state: "zero" } | { readonly state: "floor"; readonly min: number; readonly reason: string } | { readonly state: "unknown"; readonly path: string } {
  const base: PathStep[] = [v.key, v.index, "managedInstanceScaling"];
  const status = readString(view.props, [...base, "status"]);
  const min = readCount(view.props, [...base, "minInstanceCount"]);
  if (status.state === "opaque") return { state: "unknown", path: status.path };
  if (min.state === "opaque") return { state: "unknown", path: min.path };
  const initial = readCount(view.props, [v.key, v.index, "initialInstanceCount"]);
  const floor = initial.state === "value" && initial.value > 0 ? initial.value : 1;
  if (status.state !== "value" || status.value.toUpperCase() !== "ENABLED") {
    return { state: "floor", min: floor, reason: "managed instance scaling is not enabled" };
  }
  if (min.state !== "value") return { state: "floor", min: floor, reason: "managedInstanceScaling.minInstanceCount is not set" };
  return min.value === 0 ? { state: "zero" } : { state: "floor", min: min.value, reason: `managedInstanceScaling.minInstanceCount is ${min.value}` };
}

export const checkEndpointConfig: Check = (view, cfg) => {
  const variants = gpuVariants(view);
  if (variants.length === 0) return [noAccelerators(view)];
  const findings: Outcome[] = [];
  let deferred = false;
  for (const v of variants) {
    const kind = variantKind(view, v);
    const initial = readCount(view.props, [v.key, v.index, "initialInstanceCount"]);
    const count = initial.state === "value" && initial.value > 0 ? initial.value : 1;
    const unit = unitOf(view.cloud, v.uses);
    if (kind.kind === "unknown") findings.push(unknownAt(kind.path));
    else if (kind.kind === "async") deferred = true;
    else if (kind.kind === "classic") {
      findings.push(
        alwaysOn({
          id: "realtimeEndpointAlwaysOn",
          view,
          subject: subjectOf(view),
          count,
          unit,
          why: `(${variantPath(v)}: classic real-time endpoints cannot scale below one instance)`,
          fix: "use async inference, which scales to 0",
          fixDetail: "Use asynchronous inference (asyncInferenceConfig, plus a scaling target with minCapacity 0) or inference components with managedInstanceScaling {status: ENABLED, minInstanceCount: 0}; serverless inference suits small CPU models.",
          property: variantPath(v),
        }),
      );
    } else if (kind.kind === "components") {
      const m = managedScaling(view, v);
      if (m.state === "unknown") findings.push(unknownAt(m.path, "number"));
      else if (m.state === "zero") deferred = true;
      else {
        findings.push(
          alwaysOn({
            id: "managedScalingMinAboveZero",
            view,
            subject: subjectOf(view),
            count: m.min,
            unit,
            why: `(${variantPath(v)}: ${m.reason})`,
            fix: `set ${variantPath(v, "managedInstanceScaling")} to {status: "ENABLED", minInstanceCount: 0}`,
            fixDetail: "Give each inference component a scaling target with minCapacity 0 as well.",
            property: variantPath(v, "managedInstanceScaling", "minInstanceCount"),
          }),
        );
      }
    }
  }
  const out = gated(cfg, workloadOf(view), findings);
  if (out.length === 0 && deferred) return [na("scales through its endpoint's scaling targets: checked by the stack policy")];
  return out;
};
