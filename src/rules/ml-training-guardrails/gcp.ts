/** GKE node pools (standalone and inline), GCE VMs and templates, TPU VMs: Spot or a bounded run time. */
import { formatMinutes, labelIn, parseDuration, workloadOf } from "../../engine/capacity-readers";
import { subjectOf } from "../../engine/resource-names";
import { na, noAccelerators, unknownAt } from "../../engine/outcomes";
import type { Outcome } from "../../engine/rule";
import { type PathStep, formatPath, readArray, readNumber, readPath, readString } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import type { TrainingGuardrailsConfig } from "./config";
import { type Gap, gaps, trainingOnly } from "./gaps";

/** GKE node pool at `base`: Spot, preemptible, flex-start, queued provisioning, or a bounded maxRunDuration. */
function gkePoolGaps(view: ResourceView, base: readonly PathStep[], config: TrainingGuardrailsConfig): { readonly ok: true } | { readonly unknown: string } | { readonly problem: string | Gap } {
  const nc = [...base, "nodeConfig"];
  for (const steps of [[...nc, "spot"], [...nc, "preemptible"], [...nc, "flexStart"], [...base, "queuedProvisioning", "enabled"]]) {
    const r = readPath(view.props, steps);
    if (r.state === "opaque") return { unknown: r.path };
    if (r.state === "value" && r.value === true) return { ok: true };
  }
  const run = readString(view.props, [...nc, "maxRunDuration"]);
  if (run.state === "opaque") return { unknown: run.path };
  if (run.state === "value") {
    const seconds = parseDuration(run.value);
    if (seconds !== undefined && seconds > 0 && seconds <= config.maxRuntimeHours * 3600) return { ok: true };
    if (seconds !== undefined && seconds > 0) return { problem: `nodes may run ${formatMinutes(seconds / 60)} (${formatPath([...nc, "maxRunDuration"])}), above the limit of ${config.maxRuntimeHours} h` };
  }
  return {
    problem: {
      text: `runs training on on-demand nodes with no maximum run duration; set ${formatPath([...nc, "spot"])} to true`,
      detail: `Set ${formatPath([...nc, "spot"])} to true, use flex-start (${formatPath([...nc, "flexStart"])}) or queued provisioning, or set ${formatPath([...nc, "maxRunDuration"])} (at most ${config.maxRuntimeHours * 3600}s).`,
    },
  };
}

export function checkGkePool(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const g = gkePoolGaps(view, [], config);
  const findings = "ok" in g ? [] : "unknown" in g ? [unknownAt(g.unknown)] : gaps("gkePoolOnDemand", view, uses, 1, [g.problem], { "nodeConfig.spot": true });
  return trainingOnly(workloadOf(view), findings);
}

export function checkGkeCluster(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const pools = readArray(view.props, ["nodePools"]);
  if (pools.state === "opaque") return [unknownAt(pools.path)];
  if (pools.state !== "value") return [na("no inline node pools")];
  const out: Outcome[] = [];
  pools.value.forEach((_p, i) => {
    const base: PathStep[] = ["nodePools", i];
    const prefix = formatPath(base);
    const poolUses = uses.filter((u) => u.path.startsWith(`${prefix}.`));
    if (poolUses.length === 0) return;
    const workload = workloadOf(view, { specific: [labelIn(view.props, [...base, "nodeConfig", "resourceLabels"])] });
    const g = gkePoolGaps(view, base, config);
    const findings = "ok" in g ? [] : "unknown" in g ? [unknownAt(g.unknown)] : gaps("gkePoolOnDemand", view, poolUses, 1, [g.problem], { [`${prefix}.nodeConfig.spot`]: true }, undefined, `node pool ${prefix} of ${subjectOf(view)}`);
    out.push(...trainingOnly(workload, findings).filter((o) => o.kind !== "not-applicable"));
  });
  return out.length > 0 ? out : [na("no inline training node pools")];
}

export function checkGce(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const model = readString(view.props, ["scheduling", "provisioningModel"]);
  const preemptible = readPath(view.props, ["scheduling", "preemptible"]);
  const seconds = readNumber(view.props, ["scheduling", "maxRunDuration", "seconds"]);
  const until = readPath(view.props, ["scheduling", "terminationTime"]);
  const findings: Outcome[] = [];
  const opaque = [model, preemptible, seconds, until].find((r) => r.state === "opaque");
  if (opaque) findings.push(unknownAt(opaque.path));
  else if ((model.state === "value" && /^(SPOT|FLEX_START)$/i.test(model.value)) || (preemptible.state === "value" && preemptible.value === true)) {
    // spare or time-boxed capacity
  } else if (until.state === "value" || (seconds.state === "value" && seconds.value > 0 && seconds.value <= config.maxRuntimeHours * 3600)) {
    // bounded run time
  } else {
    const problem =
      seconds.state === "value" && seconds.value > 0
        ? `may run ${formatMinutes(seconds.value / 60)} (scheduling.maxRunDuration.seconds), above the limit of ${config.maxRuntimeHours} h`
        : {
            text: "runs training on standard capacity with no maximum run duration; set scheduling.provisioningModel to SPOT",
            detail: `Set scheduling.provisioningModel to SPOT (preemptible, automaticRestart false) or FLEX_START, or set scheduling.maxRunDuration.seconds to at most ${config.maxRuntimeHours * 3600} with instanceTerminationAction STOP or DELETE.`,
          };
    findings.push(...gaps("gceVmOnDemand", view, uses, 1, [problem], { "scheduling.provisioningModel": "SPOT" }));
  }
  return trainingOnly(workloadOf(view), findings);
}

export function checkTpuVm(view: ResourceView): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const findings: Outcome[] = [];
  const spot = readPath(view.props, ["schedulingConfig", "spot"]);
  const pre = readPath(view.props, ["schedulingConfig", "preemptible"]);
  const opaque = [spot, pre].find((r) => r.state === "opaque");
  if (opaque) findings.push(unknownAt(opaque.path, "boolean"));
  else if (!((spot.state === "value" && spot.value === true) || (pre.state === "value" && pre.value === true))) {
    findings.push(...gaps("tpuVmOnDemand", view, uses, 1, [{ text: "runs training on on-demand TPU capacity; set schedulingConfig.spot to true", detail: "Checkpoint to Cloud Storage so a preemption does not restart the run." }], { "schedulingConfig.spot": true }));
  }
  return trainingOnly(workloadOf(view), findings);
}
