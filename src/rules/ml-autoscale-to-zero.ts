/**
 * ml-autoscale-to-zero: accelerator capacity for non-training workloads can reach zero when idle.
 *
 * An idle GPU still draws power (H100 ~68 W, L4 ~28 W measured idle, E18); capacity whose minimum
 * is above zero burns it all night. Property paths per service: the project's scale-to-zero
 * research notes. The resource part decides everything a resource shows by itself; the stack part
 * decides only what needs a join (src/engine/joins.ts), so a finding is never reported twice.
 */
import { docsPage } from "./docs-page";
import type { AcceleratorUse } from "../engine/accelerator-scan";
import {
  type CapacityUnit,
  countOf,
  idleCost,
  isTraining,
  labelIn,
  readCount,
  stackPath,
  subjectOf,
  unitOf,
  workloadOf,
} from "../engine/capacity";
import { applyConfigSchema } from "../engine/config";
import { na, noAccelerators, noJoinedAccelerators, unknownAt } from "../engine/outcomes";
import {
  ASG,
  ECS_SERVICE,
  EKS_NODE_GROUP,
  GCE_AUTOSCALERS,
  GCE_MIGS,
  SM_ENDPOINT,
  SM_ENDPOINT_CONFIG,
  SM_INFERENCE_COMPONENT,
  type ScalingTargetLink,
  type TargetsFor,
  configOfEndpoint,
  endpointOfComponent,
  launchTemplatesOf,
  migOfAutoscaler,
  referrers,
  resourcePoliciesOf,
  scalingTargets,
  targetsFor,
  taskDefinitionOf,
  templatesOfMig,
} from "../engine/joins";
import { findingOf } from "../engine/message";
import type { FigureRef, Outcome, Rule, RuleContext, RuleExample, StackRuleExample } from "../engine/rule";
import { type PathStep, type PlainValue, formatPath, readArray, readObject, readPath, readString, ownEntry, UNKNOWN_SENTINELS } from "../engine/values";
import type { ResourceView, StackView } from "../engine/view";
import { WORKLOADS, type Workload, type WorkloadDeclaration } from "../engine/workload";

const NAME = "ml-autoscale-to-zero";

export interface AutoscaleConfig {
  /** Workloads whose capacity may stay on (default: training, checked by ml-training-guardrails). */
  readonly exemptWorkloads: readonly Workload[];
}

const configSchema = {
  properties: {
    exemptWorkloads: {
      type: "array",
      items: { type: "string", enum: [...WORKLOADS] },
      default: ["training"],
      description:
        "Declared workloads (tag/label or stack tag ml-workload) this policy leaves alone. Training capacity is checked by ml-training-guardrails instead; add e.g. \"inference\" only where warm capacity is a deliberate, stack-wide choice (prefer a waiver for single resources).",
    },
  },
} as const;

function parseConfig(raw: unknown): AutoscaleConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return { exemptWorkloads: [...new Set(values["exemptWorkloads"] as Workload[])] };
}

// ---------------------------------------------------------------------------------------------
// Outcome helpers

/**
 * The rule's messages: one id per kind of always-on capacity. Each reads "<subject> keeps <capacity>
 * running <when>; <fix>." so the first sentence holds what is wrong and the change to make; the why
 * and the longer how go to the details.
 */
const SHAPE = "{{subject}} keeps {{capacity}} running {{when}}; {{fix}}.";
const MESSAGES = {
  asgMinAboveZero: SHAPE,
  nodeGroupMinAboveZero: SHAPE,
  batchMinVcpusAboveZero: SHAPE,
  poolNoAutoscaling: SHAPE,
  poolMinAboveZero: SHAPE,
  defaultPoolAlwaysOn: SHAPE,
  vmAlwaysOn: SHAPE,
  tpuVmAlwaysOn: SHAPE,
  cloudRunMinAboveZero: SHAPE,
  realtimeEndpointAlwaysOn: SHAPE,
  managedScalingMinAboveZero: SHAPE,
  vertexEndpointAlwaysOn: SHAPE,
  asyncEndpointNoScalingTarget: SHAPE,
  asyncScalingMinAboveZero: SHAPE,
  inferenceComponentNoScalingTarget: SHAPE,
  inferenceComponentScalingMinAboveZero: SHAPE,
  ecsServiceNoScalingTarget: SHAPE,
  ecsScalingMinAboveZero: SHAPE,
  migAutoscalerOff: SHAPE,
  migMinReplicasUnset: SHAPE,
  migMinReplicasAboveZero: SHAPE,
  migNoAutoscaler: SHAPE,
} as const;
type MessageId = keyof typeof MESSAGES;

interface AlwaysOn {
  readonly id: MessageId;
  readonly view: ResourceView;
  /** "Auto Scaling group 'gpu'" or a more specific subject (an inline pool). */
  readonly subject?: string;
  readonly count: number;
  readonly unit: CapacityUnit;
  /** e.g. "per zone" */
  readonly countSuffix?: string;
  /** "with no traffic", "around the clock" */
  readonly when?: string;
  /** Why, when not obvious: "(classic real-time endpoints cannot scale below one instance)". */
  readonly why?: string;
  /** What to do, short: "set minSize to 0". */
  readonly fix: string;
  /** The longer how, for the details. */
  readonly fixDetail?: string;
  readonly property: string;
  /** The value that fixes it, when not 0. */
  readonly fixValue?: unknown;
  readonly urn?: string;
  readonly level?: "advisory";
  /** The view whose region prices the capacity (defaults to `view`). */
  readonly pricedBy?: ResourceView;
}

function alwaysOn(a: AlwaysOn): Outcome {
  const cost = idleCost(a.pricedBy ?? a.view, a.unit, a.count);
  const subject = a.subject ?? subjectOf(a.view);
  const what = `${countOf(a.count, a.unit)}${a.countSuffix ? ` ${a.countSuffix}` : ""}`;
  const figures: FigureRef[] = [...(cost?.figures ?? [])];
  const suggestion: Record<string, unknown> = { property: a.property, value: a.fixValue ?? 0, running: a.count };
  if (cost) {
    suggestion["kwhPerMonth"] = Math.round(cost.kwhPerMonth);
    if (cost.kgCo2ePerMonth !== undefined) suggestion["kgCo2ePerMonth"] = Math.round(cost.kgCo2ePerMonth * 10) / 10;
  }
  const details = [a.why ? `${capitalize(a.why.replace(/^\((.*)\)$/, "$1"))}.` : "", a.fixDetail ?? "", cost ? `Running idle costs ${cost.text}.` : ""];
  return findingOf(MESSAGES, {
    messageId: a.id,
    data: { subject, capacity: what, when: a.when ?? "with no traffic", fix: a.fix },
    fix: { kind: "property", path: a.property, value: a.fixValue ?? 0 },
    ...(cost?.saving ? { saving: cost.saving } : {}),
    details,
    figures,
    suggestion,
    ...(a.urn ? { urn: a.urn } : {}),
    ...(a.level ? { level: a.level } : {}),
  });
}

/** Capitalizes a sentence that starts with a plain word; one that starts with a property name (`managedInstanceScaling…`) keeps its case. */
function capitalize(text: string): string {
  return /^[a-z]+\b(?![.\[])/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** Whether the declared workload is exempt; "unknown" when the declaration can't be read now. */
function exempt(cfg: AutoscaleConfig, workload: WorkloadDeclaration): boolean | "unknown" {
  if (workload.state === "unknown") return "unknown";
  return workload.state === "declared" && cfg.exemptWorkloads.includes(workload.workload);
}

/** Applies the workload gate to findings: exempt (training) capacity is out of scope; an unreadable declaration can't decide. */
function gated(cfg: AutoscaleConfig, workload: WorkloadDeclaration, findings: readonly Outcome[]): Outcome[] {
  const t = exempt(cfg, workload);
  if (t === true) {
    return [na(isTraining(workload) === true ? "training capacity: checked by ml-training-guardrails" : "declared workload is in exemptWorkloads")];
  }
  const violations = findings.filter((f) => f.kind === "violation");
  if (t === "unknown" && violations.length > 0) return [unknownAt("tags", "object")];
  return [...findings];
}

function usesUnder(uses: readonly AcceleratorUse[], prefix: string): AcceleratorUse[] {
  return uses.filter((u) => u.path === prefix || u.path.startsWith(`${prefix}.`) || u.path.startsWith(`${prefix}[`));
}

// ---------------------------------------------------------------------------------------------
// Resource part

type Check = (view: ResourceView, cfg: AutoscaleConfig) => Outcome[];

/** ASG / EKS node group minimum (shared by the resource part and the launch-template join). */
function groupMinimum(cfg: AutoscaleConfig, view: ResourceView, uses: readonly AcceleratorUse[], related: readonly ResourceView[], urn?: string): Outcome[] {
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

function referencesLaunchTemplate(view: ResourceView): boolean {
  return (
    readPath(view.props, ["launchTemplate"]).state !== "absent" ||
    readPath(view.props, ["mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification"]).state !== "absent"
  );
}

const checkGroup: Check = (view, cfg) => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) {
    return [noAccelerators(view, referencesLaunchTemplate(view) ? "accelerators, if any, come from its launch template: checked by the stack policy" : undefined)];
  }
  return groupMinimum(cfg, view, uses, []);
};

const checkBatch: Check = (view, cfg) => {
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

/** Zones a GKE pool spans, when known. */
function zonesOf(view: ResourceView, base: readonly PathStep[]): number | undefined {
  const locs = readArray(view.props, [...base, "nodeLocations"]);
  if (locs.state === "value" && locs.value.length > 0) return locs.value.length;
  if (base.length === 0 && view.region.state === "known" && view.region.zone !== undefined) return 1;
  return undefined;
}

/** One GKE node pool at `base` (`[]` for a standalone pool, `["nodePools", i]` inline). */
function checkPool(cfg: AutoscaleConfig, view: ResourceView, base: readonly PathStep[], uses: readonly AcceleratorUse[], subject: string, workload: WorkloadDeclaration): Outcome[] {
  const p = (...rest: PathStep[]) => formatPath([...base, ...rest]);
  const machine = readString(view.props, [...base, "nodeConfig", "machineType"]);
  const unit = unitOf(view.cloud, uses, machine.state === "value" ? { machineType: machine.value } : {});
  const autoscaling = readObject(view.props, [...base, "autoscaling"]);
  const findings: Outcome[] = [];
  if (autoscaling.state === "opaque") findings.push(unknownAt(autoscaling.path, "object"));
  else if (autoscaling.state !== "value") {
    const nodeCount = readCount(view.props, [...base, "nodeCount"]);
    const initial = readCount(view.props, [...base, "initialNodeCount"]);
    const fixed = nodeCount.state === "value" ? nodeCount : initial;
    if (fixed.state === "opaque") findings.push(unknownAt(fixed.path, "number"));
    else {
      const n = fixed.state === "value" ? fixed.value : 1;
      const zones = zonesOf(view, base);
      if (n > 0) {
        findings.push(
          alwaysOn({
            id: "poolNoAutoscaling",
            view,
            subject,
            count: zones ? n * zones : n,
            ...(zones ? {} : { countSuffix: "per zone" }),
            unit,
            why: "(it has no autoscaling)",
            fix: `add ${p("autoscaling")} with minNodeCount 0`,
            fixDetail: `Add ${p("autoscaling")} with minNodeCount 0 (or totalMinNodeCount 0) and a maxNodeCount.`,
            property: p("autoscaling", "minNodeCount"),
          }),
        );
      }
    }
  } else {
    const total = readCount(view.props, [...base, "autoscaling", "totalMinNodeCount"]);
    const perZone = readCount(view.props, [...base, "autoscaling", "minNodeCount"]);
    if (total.state === "opaque") findings.push(unknownAt(total.path, "number"));
    else if (perZone.state === "opaque") findings.push(unknownAt(perZone.path, "number"));
    else if (total.state === "value" && total.value > 0) {
      findings.push(alwaysOn({ id: "poolMinAboveZero", view, subject, count: total.value, unit, fix: `set ${p("autoscaling", "totalMinNodeCount")} to 0`, property: p("autoscaling", "totalMinNodeCount") }));
    } else if (perZone.state === "value" && perZone.value > 0) {
      const zones = zonesOf(view, base);
      findings.push(
        alwaysOn({
          id: "poolMinAboveZero",
          view,
          subject,
          count: zones ? perZone.value * zones : perZone.value,
          ...(zones ? {} : { countSuffix: "per zone" }),
          unit,
          fix: `set ${p("autoscaling", "minNodeCount")} to 0`,
          property: p("autoscaling", "minNodeCount"),
        }),
      );
    }
  }
  return gated(cfg, workload, findings);
}

const checkNodePool: Check = (view, cfg) => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  return checkPool(cfg, view, [], uses, subjectOf(view), workloadOf(view));
};

const checkCluster: Check = (view, cfg) => {
  const autopilot = readPath(view.props, ["enableAutopilot"]);
  if (autopilot.state === "value" && autopilot.value === true) return [na("Autopilot clusters pay per Pod")];
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const out: Outcome[] = [];
  const pools = readArray(view.props, ["nodePools"]);
  if (pools.state === "opaque") return [unknownAt(pools.path, "array")];
  const inline = pools.state === "value" ? pools.value : [];
  inline.forEach((_pool, i) => {
    const base: PathStep[] = ["nodePools", i];
    const poolUses = usesUnder(uses, formatPath(base));
    if (poolUses.length === 0) return;
    // Referred to by index: a pool's name is a property value, and only allow-listed tokens are quoted.
    const subject = `node pool ${formatPath(base)} of ${subjectOf(view)}`;
    const workload = workloadOf(view, { specific: [labelIn(view.props, [...base, "nodeConfig", "resourceLabels"])] });
    out.push(...checkPool(cfg, view, base, poolUses, subject, workload));
  });
  const defaultUses = usesUnder(uses, "nodeConfig");
  const removeDefault = readPath(view.props, ["removeDefaultNodePool"]);
  if (defaultUses.length > 0 && inline.length === 0 && !(removeDefault.state === "value" && removeDefault.value === true)) {
    const initial = readCount(view.props, ["initialNodeCount"]);
    const findings: Outcome[] = [];
    if (initial.state === "opaque") findings.push(unknownAt(initial.path, "number"));
    else if (removeDefault.state === "opaque") findings.push(unknownAt(removeDefault.path, "boolean"));
    else {
      const n = initial.state === "value" ? initial.value : 1;
      const machine = readString(view.props, ["nodeConfig", "machineType"]);
      if (n > 0) {
        findings.push(
          alwaysOn({
            id: "defaultPoolAlwaysOn",
            view,
            subject: `the default node pool of ${subjectOf(view)}`,
            count: n,
            countSuffix: "per zone",
            unit: unitOf(view.cloud, defaultUses, machine.state === "value" ? { machineType: machine.value } : {}),
            why: "(the default pool has no autoscaling)",
            fix: "set removeDefaultNodePool to true and move the accelerators to a pool with autoscaling minNodeCount 0",
            property: "removeDefaultNodePool",
            fixValue: true,
          }),
        );
      }
    }
    out.push(...gated(cfg, workloadOf(view), findings));
  }
  const violations = out.filter((o) => o.kind !== "not-applicable");
  if (violations.length > 0) return violations;
  return out.length > 0 ? [out[0]!] : [];
};

type VmState = { readonly state: "stopped" | "bounded" | "policies" | "always-on" } | { readonly state: "unknown"; readonly path: string };

/** Whether a GCE VM is stopped, bounded in time, scheduled (resource policies: needs the join) or always on. */
function vmState(view: ResourceView): VmState {
  const status = readString(view.props, ["desiredStatus"]);
  if (status.state === "opaque") return { state: "unknown", path: status.path };
  if (status.state === "value" && /^(TERMINATED|SUSPENDED|STOPPED)$/i.test(status.value)) return { state: "stopped" };
  for (const steps of [["scheduling", "maxRunDuration"], ["scheduling", "terminationTime"]]) {
    const r = readPath(view.props, steps);
    if (r.state === "opaque") return { state: "unknown", path: r.path };
    if (r.state === "value") return { state: "bounded" };
  }
  const policies = readArray(view.props, ["resourcePolicies"]);
  if (policies.state === "opaque") return { state: "policies" };
  if (policies.state === "value" && policies.value.length > 0) return { state: "policies" };
  if ((view.links.propertyDependencies?.["resourcePolicies"] ?? []).length > 0) return { state: "policies" };
  return { state: "always-on" };
}

function vmAlwaysOn(view: ResourceView, urn?: string, why?: string): Outcome {
  const machine = readString(view.props, ["machineType"]);
  return alwaysOn({
    id: "vmAlwaysOn",
    view,
    count: 1,
    unit: unitOf(view.cloud, view.accelerators.uses, machine.state === "value" ? { machineType: machine.value } : {}),
    when: "around the clock",
    ...(why ? { why } : {}),
    fix: "attach an instance schedule (instanceSchedulePolicy.vmStopSchedule) or set scheduling.maxRunDuration",
    fixDetail: "Attach a resource policy with an instance schedule (instanceSchedulePolicy.vmStopSchedule) or set scheduling.maxRunDuration; for serving, use a managed instance group with an autoscaler at minReplicas 0.",
    property: "resourcePolicies",
    ...(urn ? { urn } : {}),
  });
}

const checkVm: Check = (view, cfg) => {
  if (view.accelerators.uses.length === 0) return [noAccelerators(view)];
  const s = vmState(view);
  if (s.state === "unknown") return gated(cfg, workloadOf(view), [unknownAt(s.path)]);
  if (s.state === "stopped") return [na("the VM is stopped")];
  if (s.state === "bounded") return [];
  if (s.state === "policies") return [na("stop schedule, if any, is in its resource policies: checked by the stack policy")];
  return gated(cfg, workloadOf(view), [vmAlwaysOn(view)]);
};

const checkTpuVm: Check = (view, cfg) => {
  if (view.accelerators.uses.length === 0) return [noAccelerators(view)];
  return gated(cfg, workloadOf(view), [
    alwaysOn({
      id: "tpuVmAlwaysOn",
      view,
      count: 1,
      unit: unitOf(view.cloud, view.accelerators.uses),
      when: "until it is deleted",
      why: "(a Cloud TPU VM cannot scale to zero or stop on a schedule)",
      fix: "serve from a GKE TPU node pool that scales to 0, or create the TPU only for the work",
      fixDetail: "Serve from a GKE TPU node pool with autoscaling minNodeCount 0, or create the TPU only for the work (a queued resource) and delete it after.",
      property: "acceleratorType",
    }),
  ]);
};

const checkCloudRun: Check = (view, cfg) => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const findings: Outcome[] = [];
  const candidates: { steps: PathStep[]; label: string }[] = [
    { steps: ["template", "scaling", "minInstanceCount"], label: "template.scaling.minInstanceCount" },
    { steps: ["scaling", "minInstanceCount"], label: "scaling.minInstanceCount" },
  ];
  const mode = readString(view.props, ["scaling", "scalingMode"]);
  if (mode.state === "opaque") findings.push(unknownAt(mode.path));
  if (mode.state === "value" && mode.value.toUpperCase() === "MANUAL") {
    candidates.push({ steps: ["scaling", "manualInstanceCount"], label: "scaling.manualInstanceCount" });
  }
  const gpus = uses.filter((u) => u.via === "gpu-resource").reduce((n, u) => n + (u.count ?? 1), 0);
  const unit = unitOf(view.cloud, uses, { perUnitCount: gpus > 0 ? gpus : 1 });
  let worst: { n: number; label: string } | undefined;
  for (const c of candidates) {
    const r = readCount(view.props, c.steps);
    if (r.state === "opaque") findings.push(unknownAt(r.path, "number"));
    if (r.state === "value" && r.value > 0 && (!worst || r.value > worst.n)) worst = { n: r.value, label: c.label };
  }
  if (worst && !findings.some((f) => f.kind === "unknown")) {
    const manual = worst.label === "scaling.manualInstanceCount";
    findings.push(
      alwaysOn({
        id: "cloudRunMinAboveZero",
        view,
        count: worst.n,
        unit,
        fix: manual ? "switch scaling.scalingMode to AUTOMATIC with minInstanceCount 0" : `set ${worst.label} to 0`,
        fixDetail: "Cloud Run GPU services start on request; keep the model image small to shorten cold starts.",
        property: worst.label,
      }),
    );
  }
  return gated(cfg, workloadOf(view), findings);
};

interface Variant {
  readonly index: number;
  readonly key: "productionVariants" | "shadowProductionVariants";
  readonly uses: readonly AcceleratorUse[];
}

function gpuVariants(view: ResourceView): Variant[] {
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

function variantPath(v: Variant, ...rest: string[]): string {
  return formatPath([v.key, v.index, ...rest]);
}

type EndpointKind = { readonly kind: "async" | "classic" | "serverless" | "components" } | { readonly kind: "unknown"; readonly path: string };

function variantKind(view: ResourceView, v: Variant): EndpointKind {
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
function managedScaling(view: ResourceView, v: Variant): { readonly state: "zero" } | { readonly state: "floor"; readonly min: number; readonly reason: string } | { readonly state: "unknown"; readonly path: string } {
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

const checkEndpointConfig: Check = (view, cfg) => {
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

const checkVertex = (dedicated: readonly PathStep[]): Check => (view, cfg) => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const min = readCount(view.props, [...dedicated, "minReplicaCount"]);
  if (min.state === "opaque") return gated(cfg, workloadOf(view), [unknownAt(min.path, "number")]);
  const n = min.state === "value" && min.value > 0 ? min.value : 1;
  const machine = readString(view.props, [...dedicated, "machineSpec", "machineType"]);
  return gated(cfg, workloadOf(view), [
    alwaysOn({
      id: "vertexEndpointAlwaysOn",
      view,
      count: n,
      unit: unitOf(view.cloud, uses, machine.state === "value" ? { machineType: machine.value } : {}),
      why: "(Vertex AI dedicated deployments cannot scale to zero in GA: minReplicaCount ≥ 1, and @pulumi/gcp 9.37 has no scaleToZeroSpec)",
      fix: "serve it from Cloud Run or GKE, which scale to 0",
      fixDetail: "Serve from Cloud Run with a GPU (minInstanceCount 0) or a GKE node pool with autoscaling minNodeCount 0, or undeploy the model when it is idle.",
      property: formatPath([...dedicated, "minReplicaCount"]),
    }),
  ]);
};

const STACK_ONLY: Readonly<Record<string, string>> = {
  [SM_INFERENCE_COMPONENT]: "scales through its scaling target: checked by the stack policy",
  [SM_ENDPOINT]: "its configuration and scaling targets are checked by the stack policy",
  [ECS_SERVICE]: "its task definition and scaling target are checked by the stack policy",
  "gcp:compute/autoscaler:Autoscaler": "its instance group and template are checked by the stack policy",
  "gcp:compute/regionAutoscaler:RegionAutoscaler": "its instance group and template are checked by the stack policy",
  "gcp:compute/instanceGroupManager:InstanceGroupManager": "its template and autoscaler are checked by the stack policy",
  "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": "its template and autoscaler are checked by the stack policy",
};

const CHECKS: Readonly<Record<string, Check>> = {
  [ASG]: checkGroup,
  [EKS_NODE_GROUP]: checkGroup,
  "aws:batch/computeEnvironment:ComputeEnvironment": checkBatch,
  [SM_ENDPOINT_CONFIG]: checkEndpointConfig,
  "gcp:container/nodePool:NodePool": checkNodePool,
  "gcp:container/cluster:Cluster": checkCluster,
  "gcp:compute/instance:Instance": checkVm,
  "gcp:tpu/v2Vm:V2Vm": checkTpuVm,
  "gcp:cloudrunv2/service:Service": checkCloudRun,
  "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool": checkVertex(["dedicatedResources"]),
  "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment": checkVertex(["deployConfig", "dedicatedResources"]),
};

function evaluate(view: ResourceView, { config }: RuleContext<AutoscaleConfig>): Outcome[] {
  const check = ownEntry(CHECKS, view.type);
  if (check) return check(view, config);
  const deferred = ownEntry(STACK_ONLY, view.type);
  return [na(deferred ?? "not a kind of capacity this policy covers")];
}

// ---------------------------------------------------------------------------------------------
// Stack part: the joins

function joinedGroups(cfg: AutoscaleConfig, stack: StackView, view: ResourceView): Outcome[] {
  if (view.accelerators.uses.length > 0 || view.accelerators.unknownPaths.length > 0) return []; // the resource part decided
  const lts = launchTemplatesOf(stack, view);
  if (!lts.declared) return [];
  const uses = lts.found.flatMap((lt) => lt.accelerators.uses);
  if (uses.length === 0) return noJoinedAccelerators(lts.found, lts.unresolved !== undefined ? stackPath(view, lts.unresolved) : undefined);
  return groupMinimum(cfg, view, uses, lts.found, view.urn).filter((o) => o.kind !== "not-applicable");
}

/** Verdict on the scaling targets of a subject: one with minCapacity 0 passes. */
function targetVerdict(tf: TargetsFor, onMissing: () => Outcome[], onFloor: (link: ScalingTargetLink, min: number) => Outcome): Outcome[] {
  if (tf.targets.length > 0) {
    let lowest: { link: ScalingTargetLink; min: number } | undefined;
    for (const link of tf.targets) {
      const m = link.minCapacity;
      if (m.state === "opaque") return [unknownAt(stackPath(link.target, "minCapacity"), "number")];
      if (m.state !== "value") return []; // not set (the provider requires it): nothing to judge
      if (m.value <= 0) return [];
      if (!lowest || m.value < lowest.min) lowest = { link, min: m.value };
    }
    return lowest ? [onFloor(lowest.link, lowest.min)] : [];
  }
  if (tf.uncertain !== undefined) return [unknownAt(tf.uncertain)];
  return onMissing();
}

/** How many production variants an endpoint configuration declares (unknown or unset: 0). */
function variantCount(config: ResourceView): number {
  const variants = readArray(config.props, ["productionVariants"]);
  return variants.state === "value" ? variants.value.length : 0;
}

function sagemakerJoins(cfg: AutoscaleConfig, stack: StackView, config: ResourceView, links: () => readonly ScalingTargetLink[]): Outcome[] {
  const variants = gpuVariants(config).filter((v) => v.key === "productionVariants");
  const relevant = variants.filter((v) => {
    const k = variantKind(config, v);
    return k.kind === "async" || (k.kind === "components" && managedScaling(config, v).state === "zero");
  });
  if (relevant.length === 0) return [];
  const endpoints = referrers(stack, config, [SM_ENDPOINT], configOfEndpoint);
  if (endpoints.found.length === 0) return endpoints.uncertain !== undefined ? [unknownAt(endpoints.uncertain)] : [];
  const out: Outcome[] = [];
  for (const endpoint of endpoints.found) {
    for (const v of relevant) {
      const name = readString(config.props, [v.key, v.index, "variantName"]);
      if (name.state === "opaque") {
        out.push(unknownAt(stackPath(config, name.path)));
        continue;
      }
      if (name.state !== "value") continue;
      const unit = unitOf(config.cloud, v.uses);
      const kind = variantKind(config, v).kind;
      const workload = workloadOf(config, { related: [endpoint] });
      if (kind === "async") {
        const initial = readCount(config.props, [v.key, v.index, "initialInstanceCount"]);
        const findings = targetVerdict(
          targetsFor(links(), "sagemaker-variant", endpoint, name.value, variantCount(config) === 1),
          () => [
            alwaysOn({
              id: "asyncEndpointNoScalingTarget",
              view: config,
              subject: `${subjectOf(config)} (async, ${variantPath(v)}) on ${subjectOf(endpoint)}`,
              count: initial.state === "value" && initial.value > 0 ? initial.value : 1,
              unit,
              why: "(no scaling target, so it stays at initialInstanceCount)",
              fix: "add an aws.appautoscaling.Target with minCapacity 0",
              fixDetail: "Add an aws.appautoscaling.Target with resourceId endpoint/<endpoint name>/variant/<variant name>, scalableDimension sagemaker:variant:DesiredInstanceCount and minCapacity 0, plus a step policy on HasBacklogWithoutCapacity to leave zero.",
              property: "minCapacity",
              urn: config.urn,
            }),
          ],
          (link, min) =>
            alwaysOn({
              id: "asyncScalingMinAboveZero",
              view: link.target,
              pricedBy: config,
              subject: `${subjectOf(link.target)} of ${subjectOf(endpoint)}`,
              count: min,
              unit,
              why: `(it scales ${variantPath(v)} of the asynchronous endpoint)`,
              fix: "set minCapacity to 0",
              fixDetail: "Asynchronous endpoints queue requests while at zero.",
              property: "minCapacity",
              urn: link.target.urn,
            }),
        );
        out.push(...stackGate(cfg, config, workload, findings));
      } else {
        const components = referrers(stack, endpoint, [SM_INFERENCE_COMPONENT], endpointOfComponent);
        if (components.found.length === 0 && components.uncertain !== undefined) out.push(unknownAt(components.uncertain));
        for (const ic of components.found) {
          const icVariant = readString(ic.props, ["variantName"]);
          if (icVariant.state === "opaque") {
            out.push(unknownAt(stackPath(ic, icVariant.path)));
            continue;
          }
          if (icVariant.state === "value" && icVariant.value !== name.value) continue;
          const copies = readCount(ic.props, ["runtimeConfig", "copyCount"]);
          const findings = targetVerdict(
            targetsFor(links(), "sagemaker-component", ic),
            () => [
              alwaysOn({
                id: "inferenceComponentNoScalingTarget",
                view: ic,
                pricedBy: config,
                subject: `${subjectOf(ic)} on ${subjectOf(endpoint)}`,
                count: 1,
                unit,
                why: `(no scaling target, so its ${copies.state === "value" && copies.value > 0 ? copies.value : 1} cop${copies.state === "value" && copies.value > 1 ? "ies hold" : "y holds"} at least one instance)`,
                fix: "add an aws.appautoscaling.Target with minCapacity 0",
                fixDetail: "Add an aws.appautoscaling.Target with resourceId inference-component/<component name>, scalableDimension sagemaker:inference-component:DesiredCopyCount and minCapacity 0, plus a step policy that scales out from zero.",
                property: "minCapacity",
                urn: ic.urn,
              }),
            ],
            (link, min) =>
              alwaysOn({
                id: "inferenceComponentScalingMinAboveZero",
                view: link.target,
                pricedBy: config,
                subject: `${subjectOf(link.target)} of ${subjectOf(ic)}`,
                count: 1,
                unit,
                why: `(minCapacity ${min} keeps ${min === 1 ? "a copy" : `${min} copies`} and so at least one instance)`,
                fix: "set minCapacity to 0",
                property: "minCapacity",
                urn: link.target.urn,
              }),
          );
          out.push(...stackGate(cfg, config, workloadOf(ic, { related: [config, endpoint] }), findings));
        }
      }
    }
  }
  return out;
}

/** The workload gate in a stack check (training is out of scope; an unreadable tag can't decide). */
function stackGate(cfg: AutoscaleConfig, view: ResourceView, workload: WorkloadDeclaration, findings: readonly Outcome[]): Outcome[] {
  const out = gated(cfg, workload, findings).filter((o) => o.kind !== "not-applicable");
  return out.map((o) => (o.kind === "unknown" && o.path === "tags" ? unknownAt(stackPath(view, "tags"), "object") : o));
}

function ecsJoins(cfg: AutoscaleConfig, stack: StackView, service: ResourceView, links: () => readonly ScalingTargetLink[]): Outcome[] {
  const tds = taskDefinitionOf(stack, service);
  if (!tds.declared) return [];
  const uses = tds.found.flatMap((td) => td.accelerators.uses);
  if (uses.length === 0) return noJoinedAccelerators(tds.found, tds.unresolved !== undefined ? stackPath(service, tds.unresolved) : undefined);
  const strategy = readString(service.props, ["schedulingStrategy"]);
  if (strategy.state === "value" && strategy.value.toUpperCase() === "DAEMON") return [];
  const gpusPerTask = uses.filter((u) => u.via === "gpu-resource").reduce((n, u) => n + (u.count ?? 1), 0) || 1;
  const gpuText = Number.isFinite(gpusPerTask) && gpusPerTask <= 1024 ? `${gpusPerTask} GPU${gpusPerTask === 1 ? "" : "s"}` : "GPUs";
  const unit: CapacityUnit = {
    label: `task with ${gpuText}`,
    singular: `task with ${gpuText} (the GPU model is set by the capacity provider: no energy estimate)`,
    plural: `tasks with ${gpuText} each (the GPU model is set by the capacity provider: no energy estimate)`,
    figures: [],
  };
  const findings = targetVerdict(
    targetsFor(links(), "ecs-service", service),
    () => {
      const desired = readCount(service.props, ["desiredCount"]);
      if (desired.state === "opaque") return [unknownAt(stackPath(service, desired.path), "number")];
      if (desired.state !== "value" || desired.value === 0) return [];
      return [
        alwaysOn({
          id: "ecsServiceNoScalingTarget",
          view: service,
          count: desired.value,
          unit,
          why: "(no scaling target, so desiredCount holds)",
          fix: "add an aws.appautoscaling.Target with minCapacity 0, or set desiredCount to 0",
          fixDetail: "Add an aws.appautoscaling.Target (serviceNamespace ecs, scalableDimension ecs:service:DesiredCount) with minCapacity 0 and a capacity provider with managed scaling, or set desiredCount to 0.",
          property: "desiredCount",
          urn: service.urn,
        }),
      ];
    },
    (link, min) =>
      alwaysOn({
        id: "ecsScalingMinAboveZero",
        view: link.target,
        pricedBy: service,
        subject: `${subjectOf(link.target)} of ${subjectOf(service)}`,
        count: min,
        unit,
        fix: "set minCapacity to 0",
        property: "minCapacity",
        urn: link.target.urn,
      }),
  );
  return stackGate(cfg, service, workloadOf(service, { related: tds.found }), findings);
}

function templatesOf(stack: StackView, migs: readonly ResourceView[]): { templates: ResourceView[]; unresolved?: string } {
  const templates: ResourceView[] = [];
  let unresolved: string | undefined;
  for (const mig of migs) {
    const t = templatesOfMig(stack, mig);
    for (const v of t.found) if (!templates.includes(v)) templates.push(v);
    if (t.unresolved !== undefined) unresolved ??= stackPath(mig, t.unresolved);
  }
  return { templates, ...(unresolved !== undefined ? { unresolved } : {}) };
}

function autoscalerMode(view: ResourceView): string | undefined {
  const mode = readString(view.props, ["autoscalingPolicy", "mode"]);
  return mode.state === "value" ? mode.value.toUpperCase() : undefined;
}

function templateUnit(view: ResourceView, templates: readonly ResourceView[]): CapacityUnit {
  const t = templates.find((x) => x.accelerators.uses.length > 0) ?? view;
  const machine = readString(t.props, ["machineType"]);
  return unitOf(t.cloud, t.accelerators.uses, machine.state === "value" ? { machineType: machine.value } : {});
}

function gceAutoscalerJoin(cfg: AutoscaleConfig, stack: StackView, autoscaler: ResourceView): Outcome[] {
  const migs = migOfAutoscaler(stack, autoscaler);
  if (!migs.declared) return [];
  if (migs.found.length === 0) return migs.unresolved !== undefined ? [unknownAt(stackPath(autoscaler, migs.unresolved))] : [];
  const { templates, unresolved } = templatesOf(stack, migs.found);
  const uses = templates.flatMap((t) => t.accelerators.uses);
  if (uses.length === 0) return noJoinedAccelerators(templates, unresolved);
  const mode = autoscalerMode(autoscaler);
  if (mode === "OFF") return []; // the group's own size decides (checked with the group)
  const unit = templateUnit(autoscaler, templates);
  const workload = workloadOf(autoscaler, { related: [...templates, ...migs.found] });
  const min = readCount(autoscaler.props, ["autoscalingPolicy", "minReplicas"]);
  const findings: Outcome[] = [];
  if (min.state === "opaque") findings.push(unknownAt(stackPath(autoscaler, min.path), "number"));
  else if (mode === "ONLY_SCALE_OUT" || mode === "ONLY_UP") {
    findings.push(
      alwaysOn({
        id: "migAutoscalerOff",
        view: autoscaler,
        pricedBy: migs.found[0]!,
        count: min.state === "value" && min.value > 0 ? min.value : 1,
        unit,
        why: `(autoscalingPolicy.mode ${mode} never scales in)`,
        fix: "set autoscalingPolicy.mode to ON with minReplicas 0",
        property: "autoscalingPolicy.mode",
        fixValue: "ON",
        urn: autoscaler.urn,
      }),
    );
  } else if (min.state === "absent") {
    findings.push(
      alwaysOn({
        id: "migMinReplicasUnset",
        view: autoscaler,
        pricedBy: migs.found[0]!,
        count: 1,
        countSuffix: "or more",
        unit,
        why: "(autoscalingPolicy.minReplicas is not set, so the API picks a default above zero)",
        fix: "set autoscalingPolicy.minReplicas to 0 explicitly",
        fixDetail: "Scale out from zero with a scaling schedule or a per-group metric.",
        property: "autoscalingPolicy.minReplicas",
        urn: autoscaler.urn,
        level: "advisory",
      }),
    );
  } else if (min.state === "value" && min.value > 0) {
    findings.push(
      alwaysOn({
        id: "migMinReplicasAboveZero",
        view: autoscaler,
        pricedBy: migs.found[0]!,
        count: min.value,
        unit,
        fix: "set autoscalingPolicy.minReplicas to 0",
        fixDetail: "Scale out from zero with scalingSchedules or a per-group metric.",
        property: "autoscalingPolicy.minReplicas",
        urn: autoscaler.urn,
      }),
    );
  }
  return stackGate(cfg, autoscaler, workload, findings);
}

function gceMigJoin(cfg: AutoscaleConfig, stack: StackView, mig: ResourceView): Outcome[] {
  const { templates, unresolved } = templatesOf(stack, [mig]);
  const uses = templates.flatMap((t) => t.accelerators.uses);
  if (uses.length === 0) return stackGate(cfg, mig, workloadOf(mig, { related: templates }), noJoinedAccelerators(templates, unresolved));
  const scalers = referrers(stack, mig, GCE_AUTOSCALERS, migOfAutoscaler);
  if (scalers.found.some((a) => autoscalerMode(a) !== "OFF")) return [];
  if (scalers.uncertain !== undefined) return [unknownAt(scalers.uncertain)];
  const size = readCount(mig.props, ["targetSize"]);
  const findings: Outcome[] = [];
  if (size.state === "opaque") findings.push(unknownAt(stackPath(mig, size.path), "number"));
  else if (size.state === "value" && size.value > 0) {
    findings.push(
      alwaysOn({
        id: "migNoAutoscaler",
        view: mig,
        count: size.value,
        unit: templateUnit(mig, templates),
        why: "(no autoscaler scales it)",
        fix: "attach an autoscaler with autoscalingPolicy.minReplicas 0, or set targetSize to 0 when idle",
        fixDetail: "Attach a gcp.compute.Autoscaler or RegionAutoscaler with autoscalingPolicy.minReplicas 0, or set targetSize to 0 when idle.",
        property: "targetSize",
        urn: mig.urn,
      }),
    );
  }
  return stackGate(cfg, mig, workloadOf(mig, { related: templates }), findings);
}

function gceVmJoin(cfg: AutoscaleConfig, stack: StackView, vm: ResourceView): Outcome[] {
  if (vm.accelerators.uses.length === 0 || vmState(vm).state !== "policies") return [];
  const policies = resourcePoliciesOf(stack, vm);
  const stop = (p: ResourceView) => readString(p.props, ["instanceSchedulePolicy", "vmStopSchedule", "schedule"]);
  if (policies.found.some((p) => stop(p).state === "value")) return [];
  if (policies.unresolved !== undefined) return [unknownAt(stackPath(vm, policies.unresolved), "array")];
  const unreadable = policies.found.find((p) => stop(p).state === "opaque");
  if (unreadable) return [unknownAt(stackPath(unreadable, "instanceSchedulePolicy.vmStopSchedule.schedule"))];
  if (policies.external > 0 || policies.found.length === 0) return []; // a policy from elsewhere: can't see it
  return stackGate(cfg, vm, workloadOf(vm), [vmAlwaysOn(vm, vm.urn, "(none of its resource policies stops it on a schedule)")]);
}

function evaluateStack(stack: StackView, { config: cfg }: RuleContext<AutoscaleConfig>): Outcome[] {
  let links: ScalingTargetLink[] | undefined;
  const targetLinks = () => (links ??= scalingTargets(stack));
  const out: Outcome[] = [];
  for (const view of stack.resources) {
    switch (view.type) {
      case ASG:
      case EKS_NODE_GROUP:
        out.push(...joinedGroups(cfg, stack, view));
        break;
      case SM_ENDPOINT_CONFIG:
        out.push(...sagemakerJoins(cfg, stack, view, targetLinks));
        break;
      case ECS_SERVICE:
        out.push(...ecsJoins(cfg, stack, view, targetLinks));
        break;
      case "gcp:compute/instance:Instance":
        out.push(...gceVmJoin(cfg, stack, view));
        break;
      default:
        if (GCE_AUTOSCALERS.includes(view.type)) out.push(...gceAutoscalerJoin(cfg, stack, view));
        else if (GCE_MIGS.includes(view.type)) out.push(...gceMigJoin(cfg, stack, view));
    }
  }
  return out.filter((o) => o.kind !== "not-applicable");
}

// ---------------------------------------------------------------------------------------------
// Remediation (enforcement level `remediate`)

/**
 * Sets the minimum to 0 where that is safe and obvious: a GPU ASG's `minSize` (only when
 * `desiredCapacity` is absent or 0, so Pulumi does not pin a running count), an EKS GPU node
 * group's `scalingConfig.minSize`, a GKE GPU node pool's `autoscaling.minNodeCount` /
 * `totalMinNodeCount` (standalone pools that already autoscale). Only for resources whose own
 * properties show accelerators and whose workload is known and not training.
 */
function remediate(view: ResourceView, { config }: RuleContext<AutoscaleConfig>): Record<string, unknown> | undefined {
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

// ---------------------------------------------------------------------------------------------
// Examples (run as tests, rendered into docs/rules/ml-autoscale-to-zero.md)

const l4Pool = (autoscaling: PlainValue | undefined, extra: Record<string, PlainValue> = {}) => ({
  type: "gcp:container/nodePool:NodePool",
  name: "gpu",
  props: {
    location: "us-central1-a",
    nodeConfig: { machineType: "g2-standard-8", ...(extra["nodeConfig"] as Record<string, PlainValue> | undefined) },
    ...(autoscaling !== undefined ? { autoscaling } : {}),
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "nodeConfig")),
  },
});

const examples: readonly RuleExample[] = [
  {
    title: "GKE L4 node pool with minNodeCount 1",
    verdict: "bad",
    resource: l4Pool({ minNodeCount: 1, maxNodeCount: 4 }),
    messageIds: ["poolMinAboveZero"],
  },
  {
    title: "GKE L4 node pool that scales to zero",
    verdict: "good",
    resource: l4Pool({ minNodeCount: 0, maxNodeCount: 4 }),
  },
  {
    title: "A training-tagged pool is left to ml-training-guardrails",
    verdict: "good",
    resource: l4Pool({ minNodeCount: 1, maxNodeCount: 4 }, { nodeConfig: { resourceLabels: { "ml-workload": "training" } } }),
  },
  {
    title: "GKE cluster with an inline nvidia-l4 pool and no autoscaling",
    verdict: "bad",
    resource: {
      type: "gcp:container/cluster:Cluster",
      name: "ml",
      props: {
        location: "europe-west4",
        nodePools: [{ name: "l4", nodeCount: 1, nodeLocations: ["europe-west4-a"], nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] } }],
      },
    },
    messageIds: ["poolNoAutoscaling"],
  },
  {
    title: "EKS GPU node group with scalingConfig.minSize 1",
    verdict: "bad",
    resource: {
      type: "aws:eks/nodeGroup:NodeGroup",
      name: "gpu",
      props: { instanceTypes: ["g6.xlarge"], amiType: "AL2023_x86_64_NVIDIA", scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 4 } },
      providerProps: { region: "us-east-1" },
    },
    messageIds: ["nodeGroupMinAboveZero"],
  },
  {
    title: "EKS GPU node group with scalingConfig.minSize 0",
    verdict: "good",
    resource: {
      type: "aws:eks/nodeGroup:NodeGroup",
      name: "gpu",
      props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 4 } },
      providerProps: { region: "us-east-1" },
    },
  },
  {
    title: "Classic real-time SageMaker endpoint on a GPU",
    verdict: "bad",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm",
      props: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] },
      providerProps: { region: "eu-west-1" },
    },
    messageIds: ["realtimeEndpointAlwaysOn"],
  },
  {
    title: "Cloud Run GPU service with minInstanceCount 1",
    verdict: "bad",
    resource: {
      type: "gcp:cloudrunv2/service:Service",
      name: "vllm",
      props: {
        location: "europe-west4",
        template: { scaling: { minInstanceCount: 1 }, nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ image: "vllm", resources: { limits: { "nvidia.com/gpu": "1", cpu: "4", memory: "16Gi" } } }] },
      },
    },
    messageIds: ["cloudRunMinAboveZero"],
  },
  {
    title: "AWS Batch SPOT GPU environment with minVcpus 0",
    verdict: "good",
    resource: {
      type: "aws:batch/computeEnvironment:ComputeEnvironment",
      name: "gpu-jobs",
      props: { type: "MANAGED", computeResources: { type: "SPOT", minVcpus: 0, maxVcpus: 64, instanceTypes: ["g5.xlarge"] } },
    },
  },
  {
    title: "Vertex AI deployment resource pool with an L4 (always on in GA)",
    verdict: "bad",
    resource: {
      type: "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool",
      name: "serving",
      props: { region: "us-central1", dedicatedResources: { machineSpec: { machineType: "g2-standard-12", acceleratorType: "NVIDIA_L4", acceleratorCount: 1 }, minReplicaCount: 1, maxReplicaCount: 2 } },
    },
    messageIds: ["vertexEndpointAlwaysOn"],
  },
  {
    title: "Standalone GPU VM with a maximum run duration",
    verdict: "good",
    resource: {
      type: "gcp:compute/instance:Instance",
      name: "dev-box",
      props: { zone: "europe-west4-a", machineType: "g2-standard-4", scheduling: { maxRunDuration: { seconds: 28800 }, instanceTerminationAction: "STOP" } },
    },
  },
];

const asg = (minSize: number) => ({
  type: "aws:autoscaling/group:Group",
  name: "gpu-asg",
  props: { minSize, maxSize: 4, launchTemplate: { id: "lt-0abc", version: "$Latest" } },
  providerProps: { region: "us-west-2" },
  propertyDependencies: { launchTemplate: ["gpu-lt"] },
  dependencies: ["gpu-lt"],
});
const launchTemplate = { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "gpu-lt", props: { id: "lt-0abc", instanceType: "g6e.xlarge" } };

const UNKNOWN_STRING = Object.keys(UNKNOWN_SENTINELS).find((k) => UNKNOWN_SENTINELS[k] === "string")!;

const asyncConfig = {
  type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  name: "async-cfg",
  props: {
    name: "async-cfg-1a2b",
    asyncInferenceConfig: { outputConfig: { s3OutputPath: "s3://bucket/out" } },
    productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g5.xlarge", initialInstanceCount: 1 }],
  },
  providerProps: { region: "us-east-1" },
};
const endpoint = {
  type: "aws:sagemaker/endpoint:Endpoint",
  name: "async-ep",
  props: { name: "async-ep-9f8e", endpointConfigName: "async-cfg-1a2b" },
  propertyDependencies: { endpointConfigName: ["async-cfg"] },
  dependencies: ["async-cfg"],
};
const target = (minCapacity: number) => ({
  type: "aws:appautoscaling/target:Target",
  name: "async-target",
  props: { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:variant:DesiredInstanceCount", resourceId: "endpoint/async-ep-9f8e/variant/main", minCapacity, maxCapacity: 2 },
  propertyDependencies: { resourceId: ["async-ep"] },
  dependencies: ["async-ep"],
});

/** The same target in a first preview: its resourceId interpolates the endpoint's computed name. */
const previewTarget = (minCapacity: number) => {
  const t = target(minCapacity);
  return { ...t, props: { ...t.props, resourceId: UNKNOWN_STRING } };
};

const stackExamples: readonly StackRuleExample[] = [
  {
    title: "ASG whose launch template has a GPU type, minSize 1",
    verdict: "bad",
    resources: [launchTemplate, asg(1)],
    messageIds: ["asgMinAboveZero"],
  },
  { title: "The same ASG with minSize 0", verdict: "good", resources: [launchTemplate, asg(0)] },
  { title: "Async SageMaker endpoint whose scaling target has minCapacity 0", verdict: "good", resources: [asyncConfig, endpoint, target(0)] },
  {
    title: "Async SageMaker endpoint whose scaling target has minCapacity 1",
    verdict: "bad",
    resources: [asyncConfig, endpoint, target(1)],
    messageIds: ["asyncScalingMinAboveZero"],
  },
  {
    title: "First preview: the scaling target's resourceId is unknown, its dependency leads to the one-variant endpoint (minCapacity 0)",
    verdict: "good",
    resources: [asyncConfig, endpoint, previewTarget(0)],
  },
  {
    title: "First preview, the same target with minCapacity 1",
    verdict: "bad",
    resources: [asyncConfig, endpoint, previewTarget(1)],
    messageIds: ["asyncScalingMinAboveZero"],
  },
  {
    title: "GCE autoscaler at minReplicas 1 over a G2 template",
    verdict: "bad",
    resources: [
      { type: "gcp:compute/instanceTemplate:InstanceTemplate", name: "g2-tmpl", props: { machineType: "g2-standard-8", selfLink: "https://www.googleapis.com/compute/v1/projects/p/global/instanceTemplates/g2-tmpl" } },
      {
        type: "gcp:compute/instanceGroupManager:InstanceGroupManager",
        name: "g2-mig",
        props: { zone: "us-east1-b", selfLink: "https://www.googleapis.com/compute/v1/projects/p/zones/us-east1-b/instanceGroupManagers/g2-mig", versions: [{ instanceTemplate: "projects/p/global/instanceTemplates/g2-tmpl" }] },
      },
      {
        type: "gcp:compute/autoscaler:Autoscaler",
        name: "g2-scaler",
        props: { zone: "us-east1-b", target: "https://www.googleapis.com/compute/v1/projects/p/zones/us-east1-b/instanceGroupManagers/g2-mig", autoscalingPolicy: { minReplicas: 1, maxReplicas: 4 } },
      },
    ],
    messageIds: ["migMinReplicasAboveZero"],
  },
  {
    title: "ECS GPU service with a scaling target at minCapacity 0",
    verdict: "good",
    resources: [
      { type: "aws:ecs/taskDefinition:TaskDefinition", name: "infer-td", props: { family: "infer", revision: 3, arn: "arn:aws:ecs:us-east-1:123456789012:task-definition/infer:3", containerDefinitions: JSON.stringify([{ name: "c", image: "img", resourceRequirements: [{ type: "GPU", value: "1" }] }]) } },
      { type: "aws:ecs/service:Service", name: "infer", props: { name: "infer", cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/ml", taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/infer:3", desiredCount: 1 }, propertyDependencies: { taskDefinition: ["infer-td"] } },
      { type: "aws:appautoscaling/target:Target", name: "infer-target", props: { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: "service/ml/infer", minCapacity: 0, maxCapacity: 4 }, propertyDependencies: { resourceId: ["infer"] } },
    ],
  },
];

export const mlAutoscaleToZero: Rule<AutoscaleConfig> = {
  meta: {
    name: NAME,
    displayName: "Accelerator capacity scales to zero",
    description: "Accelerator capacity for non-training workloads can reach zero when idle (ASG, EKS, Batch, GKE, GCE MIG, Cloud Run, SageMaker, ECS); always-on Vertex AI deployments and GPU/TPU VMs without a stop schedule are reported.",
    rationale:
      "An idle accelerator still draws power: an idle H100 ~68 W, B200 ~139 W, L4 ~28 W per GPU (E18, nvidia-smi idle snapshots, ec2instances.info 2025), so an idle 8×H100 node burns ~0.5 kW in GPUs alone, and a lightly loaded H100 still draws ~430 W (E16, ML.Energy 2026). Capacity whose minimum is above zero burns this all night and every weekend. " +
      "What passes: ASG `minSize` 0; EKS `scalingConfig.minSize` 0; Batch `computeResources.minVcpus` 0; GKE node pools (standalone or inline) with autoscaling `minNodeCount`/`totalMinNodeCount` 0; GCE autoscalers at `minReplicas` 0; Cloud Run GPU services with `minInstanceCount` 0 at template and service level; SageMaker async endpoints with a scaling target at `minCapacity` 0, inference-component endpoints with `managedInstanceScaling.minInstanceCount` 0 and a target at `minCapacity` 0 on every component (`aws-native:sagemaker:InferenceComponent`), serverless endpoints; ECS GPU services with a target at `minCapacity` 0 (or `desiredCount` 0). Always on and reported: classic real-time SageMaker GPU endpoints, Vertex AI dedicated deployments (no scale-to-zero in GA), GCE GPU VMs without a stop schedule or `scheduling.maxRunDuration`, Cloud TPU VMs. Training capacity (tag/label or stack tag `ml-workload: training`) is left to ml-training-guardrails. " +
      "Joins (ASG/EKS ↔ launch template, endpoint config ↔ endpoint ↔ scaling target, inference component ↔ target, autoscaler ↔ instance group ↔ template, ECS service ↔ task definition ↔ target, VM ↔ resource policy) run in the stack policy and follow propertyDependencies, dependencies and ids, never guessed names; a link that can't be resolved in preview gives the advisory \"can't run policy … during preview\", never a false violation, and a reference to a resource outside the stack is not judged. EC2 instances are not covered (no declarative stop schedule in the provider). Cost per finding: the idle draw of what stays on (carbonguard's estimator at 0% utilization: accelerators at CCF's idle share of their TDP, host CPU and memory at the CCF minimum; the same figures the reports use) × 730 h × the region's PUE and grid intensity, with E18's measured idle power quoted beside it (CCF's idle share is a floor for some GPUs: an L4 is estimated at ~8 W and measured at ~28 W).",
    kind: "resource+stack",
    defaultLevel: "mandatory",
    severity: "high",
    tags: ["carbon", "energy", "autoscaling", "ml"],
    remediationSteps:
      "Set the minimum named in the message to 0 and give the capacity a way to leave zero: Cluster Autoscaler or Karpenter for EKS, the GKE cluster autoscaler, a scheduled action or queue-depth policy for an ASG, a step policy on HasBacklogWithoutCapacity for async SageMaker, scaling schedules or a per-group metric for a GCE autoscaler. For always-on services move serving to one that scales to zero (Cloud Run GPU, GKE with autoscaling, SageMaker async or inference components). " +
      "Automatic fix: with enforcement level `remediate` (off by default) the pack sets `minSize` to 0 on a GPU ASG whose own properties show the GPU type and whose `desiredCapacity` is absent or 0, `scalingConfig.minSize` to 0 on an EKS GPU node group, and `autoscaling.minNodeCount` / `totalMinNodeCount` to 0 on a standalone GKE GPU node pool that already autoscales. Limits: only when the policy fails the resource at full level (a waived resource is left alone) and its workload is known and not exempt; never when a value is unknown in preview; not for joined cases (an ASG whose GPU type sits only in its launch template: stack policies can't remediate), inline GKE pools, fixed-size pools (needs a maxNodeCount), Cloud Run (cold starts are a product decision) or SageMaker; the capacity still needs an autoscaler to scale out from zero.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate,
  evaluateStack,
  remediate,
  examples,
  stackExamples,
};
