/** Resource checks for Google Cloud: GKE node pools and clusters, Compute Engine VMs, Cloud TPU VMs, Cloud Run, Vertex AI. */
import type { AcceleratorUse } from "../../engine/accelerator-scan";
import { labelIn, readCount, unitOf, workloadOf } from "../../engine/capacity-readers";
import { subjectOf } from "../../engine/resource-names";
import { na, noAccelerators, unknownAt } from "../../engine/outcomes";
import type { Outcome } from "../../engine/rule";
import { type PathStep, formatPath, readArray, readObject, readPath, readString } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import type { WorkloadDeclaration } from "../../engine/workload";
import { AutoscaleConfig } from "./config";
import { Check, alwaysOn, gated, usesUnder } from "./outcomes";

/** Zones a GKE pool spans, when known. */
export function zonesOf(view: ResourceView, base: readonly PathStep[]): number | undefined {
  const locs = readArray(view.props, [...base, "nodeLocations"]);
  if (locs.state === "value" && locs.value.length > 0) return locs.value.length;
  if (base.length === 0 && view.region.state === "known" && view.region.zone !== undefined) return 1;
  return undefined;
}

/** One GKE node pool at `base` (`[]` for a standalone pool, `["nodePools", i]` inline). */
export function checkPool(cfg: AutoscaleConfig, view: ResourceView, base: readonly PathStep[], uses: readonly AcceleratorUse[], subject: string, workload: WorkloadDeclaration): Outcome[] {
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

export const checkNodePool: Check = (view, cfg) => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  return checkPool(cfg, view, [], uses, subjectOf(view), workloadOf(view));
};

export const checkCluster: Check = (view, cfg) => {
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

export type VmState = { readonly state: "stopped" | "bounded" | "policies" | "always-on" } | { readonly state: "unknown"; readonly path: string };

/** Whether a GCE VM is stopped, bounded in time, scheduled (resource policies: needs the join) or always on. */
export function vmState(view: ResourceView): VmState {
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

export function vmAlwaysOn(view: ResourceView, urn?: string, why?: string): Outcome {
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

export const checkVm: Check = (view, cfg) => {
  if (view.accelerators.uses.length === 0) return [noAccelerators(view)];
  const s = vmState(view);
  if (s.state === "unknown") return gated(cfg, workloadOf(view), [unknownAt(s.path)]);
  if (s.state === "stopped") return [na("the VM is stopped")];
  if (s.state === "bounded") return [];
  if (s.state === "policies") return [na("stop schedule, if any, is in its resource policies: checked by the stack policy")];
  return gated(cfg, workloadOf(view), [vmAlwaysOn(view)]);
};

export const checkTpuVm: Check = (view, cfg) => {
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

export const checkCloudRun: Check = (view, cfg) => {
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

export const checkVertex = (dedicated: readonly PathStep[]): Check => (view, cfg) => {
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
