/** The stack part: what needs a join (launch templates, SageMaker and ECS scaling targets, GCE autoscalers, MIGs, resource policies). */
import { type CapacityUnit, readCount, unitOf, workloadOf } from "../../engine/capacity-readers";
import { stackPath, subjectOf } from "../../engine/resource-names";
import { noJoinedAccelerators, unknownAt } from "../../engine/outcomes";
import { ASG, ECS_SERVICE, EKS_NODE_GROUP, GCE_AUTOSCALERS, GCE_MIGS, SM_ENDPOINT, SM_ENDPOINT_CONFIG, SM_INFERENCE_COMPONENT, type ScalingTargetLink, type TargetsFor, configOfEndpoint, endpointOfComponent, launchTemplatesOf, migOfAutoscaler, referrers, resourcePoliciesOf, scalingTargets, targetsFor, taskDefinitionOf, templatesOfMig } from "../../engine/stack-joins";
import type { Outcome, RuleContext } from "../../engine/rule";
import { readArray, readString } from "../../engine/values";
import type { ResourceView, StackView } from "../../engine/view";
import type { WorkloadDeclaration } from "../../engine/workload";
import { AutoscaleConfig } from "./config";
import { alwaysOn, gated } from "./outcomes";
import { gpuVariants, groupMinimum, managedScaling, variantKind, variantPath } from "./aws";
import { vmAlwaysOn, vmState } from "./gcp";

// ---------------------------------------------------------------------------------------------
// Stack part: the joins

export function joinedGroups(cfg: AutoscaleConfig, stack: StackView, view: ResourceView): Outcome[] {
  if (view.accelerators.uses.length > 0 || view.accelerators.unknownPaths.length > 0) return []; // the resource part decided
  const lts = launchTemplatesOf(stack, view);
  if (!lts.declared) return [];
  const uses = lts.found.flatMap((lt) => lt.accelerators.uses);
  if (uses.length === 0) return noJoinedAccelerators(lts.found, lts.unresolved !== undefined ? stackPath(view, lts.unresolved) : undefined);
  return groupMinimum(cfg, view, uses, lts.found, view.urn).filter((o) => o.kind !== "not-applicable");
}

/** Verdict on the scaling targets of a subject: one with minCapacity 0 passes. */
export function targetVerdict(tf: TargetsFor, onMissing: () => Outcome[], onFloor: (link: ScalingTargetLink, min: number) => Outcome): Outcome[] {
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
export function variantCount(config: ResourceView): number {
  const variants = readArray(config.props, ["productionVariants"]);
  return variants.state === "value" ? variants.value.length : 0;
}

export function sagemakerJoins(cfg: AutoscaleConfig, stack: StackView, config: ResourceView, links: () => readonly ScalingTargetLink[]): Outcome[] {
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
export function stackGate(cfg: AutoscaleConfig, view: ResourceView, workload: WorkloadDeclaration, findings: readonly Outcome[]): Outcome[] {
  const out = gated(cfg, workload, findings).filter((o) => o.kind !== "not-applicable");
  return out.map((o) => (o.kind === "unknown" && o.path === "tags" ? unknownAt(stackPath(view, "tags"), "object") : o));
}

export function ecsJoins(cfg: AutoscaleConfig, stack: StackView, service: ResourceView, links: () => readonly ScalingTargetLink[]): Outcome[] {
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

export function templatesOf(stack: StackView, migs: readonly ResourceView[]): { templates: ResourceView[]; unresolved?: string } {
  const templates: ResourceView[] = [];
  let unresolved: string | undefined;
  for (const mig of migs) {
    const t = templatesOfMig(stack, mig);
    for (const v of t.found) if (!templates.includes(v)) templates.push(v);
    if (t.unresolved !== undefined) unresolved ??= stackPath(mig, t.unresolved);
  }
  return { templates, ...(unresolved !== undefined ? { unresolved } : {}) };
}

export function autoscalerMode(view: ResourceView): string | undefined {
  const mode = readString(view.props, ["autoscalingPolicy", "mode"]);
  return mode.state === "value" ? mode.value.toUpperCase() : undefined;
}

export function templateUnit(view: ResourceView, templates: readonly ResourceView[]): CapacityUnit {
  const t = templates.find((x) => x.accelerators.uses.length > 0) ?? view;
  const machine = readString(t.props, ["machineType"]);
  return unitOf(t.cloud, t.accelerators.uses, machine.state === "value" ? { machineType: machine.value } : {});
}

export function gceAutoscalerJoin(cfg: AutoscaleConfig, stack: StackView, autoscaler: ResourceView): Outcome[] {
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

export function gceMigJoin(cfg: AutoscaleConfig, stack: StackView, mig: ResourceView): Outcome[] {
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

export function gceVmJoin(cfg: AutoscaleConfig, stack: StackView, vm: ResourceView): Outcome[] {
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

export function evaluateStack(stack: StackView, { config: cfg }: RuleContext<AutoscaleConfig>): Outcome[] {
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
