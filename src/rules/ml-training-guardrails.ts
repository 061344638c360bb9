/**
 * ml-training-guardrails: training capacity uses spare capacity and stops.
 *
 * Property paths: the project's scale-to-zero research notes, §2 (Spot / preemptible capacity,
 * maximum runtime, checkpoints). The stack part covers what needs a launch-template join (an ASG
 * or EKS node group whose GPU type or Spot setting lives in its launch template).
 */
import { docsPage } from "./docs-page";
import { KUBERNETES_MESSAGES, kubernetesTrainingJobs } from "./ml-training-guardrails/kubernetes";
import { KUBERNETES_DEFERRED } from "./kubernetes-stack";
import { isKubernetesType } from "../engine/kubernetes/types";
import { trainingGuardrailsKubernetesExamples } from "./kubernetes-rule-examples";
import type { AcceleratorUse } from "../engine/accelerator-scan";
import { countOf, formatMinutes, isTraining, labelIn, parseDuration, readCount, stackPath, subjectOf, unitOf, unitPower, workloadOf } from "../engine/capacity";
import { applyConfigSchema } from "../engine/config";
import { na, noAccelerators, noJoinedAccelerators, unknownAt } from "../engine/outcomes";
import { formatWatts } from "../engine/format";
import { DEFAULT_UTILIZATION } from "../estimate";
import { ASG, EKS_NODE_GROUP, launchTemplatesOf } from "../engine/joins";
import { findingOf } from "../engine/message";
import type { FigureRef, Outcome, Rule, RuleContext, RuleExample, StackRuleExample } from "../engine/rule";
import { type PathStep, formatPath, readArray, readNumber, readPath, readString, ownEntry } from "../engine/values";
import type { ResourceView, StackView } from "../engine/view";
import type { WorkloadDeclaration } from "../engine/workload";

const NAME = "ml-training-guardrails";

export interface TrainingGuardrailsConfig {
  readonly maxRuntimeHours: number;
  readonly maxKeepAliveMinutes: number;
}

const configSchema = {
  properties: {
    maxRuntimeHours: {
      type: "number",
      minimum: 1,
      default: 72,
      description: "Longest a training job or training VM may run before it is stopped (SageMaker maxRuntimeInSeconds, Batch timeout, GCE/GKE maxRunDuration), in hours.",
    },
    maxKeepAliveMinutes: {
      type: "number",
      minimum: 0,
      maximum: 60,
      default: 30,
      description: "Longest a SageMaker training warm pool may keep instances after a job (resourceConfig.keepAlivePeriodInSeconds), in minutes (AWS allows up to 60).",
    },
  },
} as const;

function parseConfig(raw: unknown): TrainingGuardrailsConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return { maxRuntimeHours: values["maxRuntimeHours"] as number, maxKeepAliveMinutes: values["maxKeepAliveMinutes"] as number };
}

/** Capacity of one kind: its accelerator uses and how many units run. */
interface UnitGroup {
  readonly uses: readonly AcceleratorUse[];
  readonly count: number;
}

/**
 * What the capacity draws while it runs (estimator at its default utilization), to put the gaps in
 * perspective: "2 × ml.p4d.24xlarge (8×A100), ≈ 6.1 kW …", one term per group (heterogeneous
 * SageMaker instance groups).
 */
function drawText(view: ResourceView, groups: readonly UnitGroup[]): { text: string; figures: FigureRef[] } {
  const terms: string[] = [];
  const figures: FigureRef[] = [];
  let watts = 0;
  let priced = true;
  for (const { uses, count } of groups) {
    const unit = unitOf(view.cloud, uses);
    terms.push(countOf(count, unit));
    const p = unitPower(unit.spec, DEFAULT_UTILIZATION);
    if (!p || !(p.watts > 0)) priced = false;
    else {
      watts += p.watts * count;
      for (const f of p.assumptions) if (!/embodied/i.test(f.label) && !figures.some((g) => g.label === f.label)) figures.push(f);
    }
  }
  const text = terms.join(" + ");
  if (!priced || !(watts > 0)) return { text, figures: [] };
  return { text: `${text}, ≈ ${formatWatts(watts)} while it runs at ${Math.round(DEFAULT_UTILIZATION * 100)}% utilization (CCF method)`, figures };
}

/**
 * The rule's messages: one id per kind of resource, each finding listing every gap of one resource
 * (so the CLI shows one line per resource). The first sentence holds the first gap and its fix; the
 * other gaps follow in short, the longer how and the capacity's draw go to the details.
 */
const SHAPE = "{{subject}} {{gap}}.";
const MESSAGES = {
  trainingJobGaps: SHAPE,
  batchOnDemand: SHAPE,
  batchJobGaps: SHAPE,
  eksOnDemand: SHAPE,
  asgOnDemand: SHAPE,
  gkePoolOnDemand: SHAPE,
  gceVmOnDemand: SHAPE,
  tpuVmOnDemand: SHAPE,
  ...KUBERNETES_MESSAGES,
} as const;
type MessageId = keyof typeof MESSAGES;

/** One gap: what is wrong and the fix, short; the longer how for the details. */
interface Gap {
  readonly text: string;
  readonly detail?: string;
}

function gaps(
  messageId: MessageId,
  view: ResourceView,
  uses: readonly AcceleratorUse[],
  count: number | readonly UnitGroup[],
  problems: readonly (string | Gap)[],
  suggestion: Record<string, unknown>,
  urn?: string,
  subject?: string,
): Outcome[] {
  const all = problems.map((p): Gap => (typeof p === "string" ? { text: p } : p));
  const [first, ...rest] = all;
  if (!first) return [];
  const draw = drawText(view, typeof count === "number" ? [{ uses, count }] : count);
  return [
    findingOf(MESSAGES, {
      messageId,
      data: { subject: subject ?? subjectOf(view), gap: first.text },
      notes: rest.length > 0 ? [`Also: ${rest.map((g) => g.text).join("; ")}.`] : [],
      details: [`Capacity: ${draw.text}.`, ...all.flatMap((g) => (g.detail ? [g.detail] : []))],
      figures: draw.figures,
      suggestion,
      ...(urn ? { urn } : {}),
    }),
  ];
}

/** Batch is checked unless the workload is declared interactive or online serving. */
function batchInScope(w: WorkloadDeclaration): boolean | "unknown" {
  if (w.state === "unknown") return "unknown";
  return !(w.state === "declared" && (w.workload === "inference" || w.workload === "notebook" || w.workload === "dev"));
}

/**
 * A run-time limit in seconds at `steps` (SageMaker maxRuntimeInSeconds, Batch attemptDurationSeconds):
 * missing or above maxRuntimeHours is a gap, recorded in `problems` and `suggestion`. Returns the
 * can't-evaluate outcome when the limit is unknown in preview.
 */
function runtimeLimit(
  view: ResourceView,
  steps: readonly PathStep[],
  config: TrainingGuardrailsConfig,
  problems: (string | Gap)[],
  suggestion: Record<string, unknown>,
  text: { readonly missing: string; readonly over: (runs: string) => string },
): Outcome | undefined {
  const maxSeconds = config.maxRuntimeHours * 3600;
  const limit = readNumber(view.props, steps);
  if (limit.state === "opaque") return unknownAt(limit.path, "number");
  if (limit.state === "value" && limit.value <= maxSeconds) return undefined;
  const property = formatPath(steps);
  problems.push(
    limit.state === "value"
      ? text.over(formatMinutes(limit.value / 60))
      : { text: `has no ${property}; set it to at most ${maxSeconds} (${config.maxRuntimeHours} h)`, detail: `Without ${property}, ${text.missing}.` },
  );
  suggestion[property] = maxSeconds;
  return undefined;
}

/** Training-only checks: applies `findings` when the workload is training; unknown when it can't be read. */
function trainingOnly(workload: WorkloadDeclaration, findings: readonly Outcome[], tagsPath = "tags"): Outcome[] {
  const t = isTraining(workload);
  if (t === false) return [na("not declared as training (ml-workload: training)")];
  if (t === "unknown") return findings.some((f) => f.kind === "violation") ? [unknownAt(tagsPath, "object")] : [...findings];
  return [...findings];
}

// ---------------------------------------------------------------------------------------------
// SageMaker training jobs

function checkTrainingJob(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const maxSeconds = config.maxRuntimeHours * 3600;
  const problems: (string | Gap)[] = [];
  const suggestion: Record<string, unknown> = {};
  const runtime = runtimeLimit(view, ["stoppingCondition", "maxRuntimeInSeconds"], config, problems, suggestion, {
    missing: "a stuck job holds its accelerators until someone notices",
    over: (runs) => `may run ${runs} (stoppingCondition.maxRuntimeInSeconds), above the limit of ${config.maxRuntimeHours} h; lower it to ${maxSeconds} or less`,
  });
  if (runtime) return [runtime];
  const spot = readPath(view.props, ["enableManagedSpotTraining"]);
  if (spot.state === "opaque") return [unknownAt(spot.path, "boolean")];
  if (!(spot.state === "value" && spot.value === true)) {
    problems.push({ text: "does not use managed Spot capacity; set enableManagedSpotTraining to true", detail: "Managed Spot training needs checkpointConfig.s3Uri and stoppingCondition.maxWaitTimeInSeconds as well." });
    suggestion["enableManagedSpotTraining"] = true;
  } else {
    const checkpoint = readString(view.props, ["checkpointConfig", "s3Uri"]);
    if (checkpoint.state === "opaque") return [unknownAt(checkpoint.path)];
    if (checkpoint.state !== "value" || checkpoint.value.trim() === "") {
      problems.push("uses Spot without checkpoints, so an interruption restarts it from scratch; set checkpointConfig.s3Uri");
      suggestion["checkpointConfig.s3Uri"] = "s3://<bucket>/<prefix>";
    }
    const wait = readPath(view.props, ["stoppingCondition", "maxWaitTimeInSeconds"]);
    if (wait.state === "opaque") return [unknownAt(wait.path, "number")];
    if (wait.state !== "value") {
      problems.push({ text: "set stoppingCondition.maxWaitTimeInSeconds for Spot", detail: "SageMaker requires stoppingCondition.maxWaitTimeInSeconds for Spot training, at least maxRuntimeInSeconds." });
      suggestion["stoppingCondition.maxWaitTimeInSeconds"] = maxSeconds;
    }
  }
  const keepAlive = readNumber(view.props, ["resourceConfig", "keepAlivePeriodInSeconds"]);
  if (keepAlive.state === "opaque") return [unknownAt(keepAlive.path, "number")];
  if (keepAlive.state === "value" && keepAlive.value > config.maxKeepAliveMinutes * 60) {
    problems.push({
      text: `keeps its warm pool ${formatMinutes(keepAlive.value / 60)} after each job, over the ${formatMinutes(config.maxKeepAliveMinutes)} limit; set keepAlivePeriodInSeconds to ${config.maxKeepAliveMinutes * 60} or less`,
      detail: `The warm pool is resourceConfig.keepAlivePeriodInSeconds.`,
    });
    suggestion["resourceConfig.keepAlivePeriodInSeconds"] = config.maxKeepAliveMinutes * 60;
  }
  return gaps("trainingJobGaps", view, uses, trainingJobGroups(view, uses), problems, suggestion);
}

/**
 * The instances a training job runs: `resourceConfig.instanceType` × `instanceCount`, or one group
 * per `resourceConfig.instanceGroups[i]` with its own `instanceCount` (heterogeneous clusters).
 * A count that is absent or unreadable counts as 1 (the least the job runs).
 */
function trainingJobGroups(view: ResourceView, uses: readonly AcceleratorUse[]): readonly UnitGroup[] {
  const groups = readArray(view.props, ["resourceConfig", "instanceGroups"]);
  const counted = (r: ReturnType<typeof readCount>) => (r.state === "value" && r.value > 0 ? r.value : 1);
  if (groups.state === "value" && groups.value.length > 0) {
    const out: UnitGroup[] = [];
    groups.value.forEach((_g, i) => {
      const prefix = `resourceConfig.instanceGroups[${i}].`;
      const groupUses = uses.filter((u) => u.path.startsWith(prefix));
      if (groupUses.length > 0) out.push({ uses: groupUses, count: counted(readCount(view.props, ["resourceConfig", "instanceGroups", i, "instanceCount"])) });
    });
    if (out.length > 0) return out;
  }
  return [{ uses, count: counted(readCount(view.props, ["resourceConfig", "instanceCount"])) }];
}

// ---------------------------------------------------------------------------------------------
// AWS Batch

function checkBatchEnvironment(view: ResourceView): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const scope = batchInScope(workloadOf(view));
  if (scope === false) return [na("declared for interactive or online serving")];
  const type = readString(view.props, ["computeResources", "type"]);
  if (type.state === "opaque") return [unknownAt(type.path)];
  if (type.state === "value" && /^(SPOT|FARGATE_SPOT)$/i.test(type.value)) return [];
  if (type.state === "value" && /^FARGATE$/i.test(type.value)) return [na("Fargate has no GPUs")];
  if (scope === "unknown") return [unknownAt("tags", "object")];
  const max = readCount(view.props, ["computeResources", "maxVcpus"]);
  const typed = uses.find((u) => u.instanceType?.vcpu);
  const count = max.state === "value" && typed?.instanceType?.vcpu ? Math.max(1, Math.floor(max.value / typed.instanceType.vcpu)) : 1;
  return gaps(
    "batchOnDemand",
    view,
    typed ? [typed] : uses,
    count,
    [
      {
        text: `runs accelerator jobs on on-demand capacity${count > 1 ? ` (up to ${count} instances)` : ""}; set computeResources.type to SPOT`,
        detail: "Set computeResources.type to SPOT with allocationStrategy SPOT_PRICE_CAPACITY_OPTIMIZED, and give GPU job definitions a retry strategy to absorb interruptions.",
      },
    ],
    { "computeResources.type": "SPOT", "computeResources.allocationStrategy": "SPOT_PRICE_CAPACITY_OPTIMIZED" },
  );
}

function checkBatchJob(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const scope = batchInScope(workloadOf(view));
  if (scope === false) return [na("declared for interactive or online serving")];
  const problems: (string | Gap)[] = [];
  const suggestion: Record<string, unknown> = {};
  const timeout = runtimeLimit(view, ["timeout", "attemptDurationSeconds"], config, problems, suggestion, {
    missing: "a hung GPU job runs until someone cancels it",
    over: (runs) => `allows ${runs} per attempt (timeout.attemptDurationSeconds), above the limit of ${config.maxRuntimeHours} h`,
  });
  if (timeout) return [timeout];
  const attempts = readNumber(view.props, ["retryStrategy", "attempts"]);
  if (attempts.state === "opaque") return [unknownAt(attempts.path, "number")];
  if (!(attempts.state === "value" && attempts.value >= 2)) {
    problems.push({ text: "has no retry strategy, so a Spot interruption fails the job; set retryStrategy.attempts to 2 or more", detail: "Set retryStrategy.attempts (2 or more) and evaluateOnExits to retry on host interruptions." });
    suggestion["retryStrategy.attempts"] = 3;
  }
  if (problems.length > 0 && scope === "unknown") return [unknownAt("tags", "object")];
  return gaps("batchJobGaps", view, uses, 1, problems, suggestion);
}

// ---------------------------------------------------------------------------------------------
// EKS / ASG (capacity type), GKE, GCE, TPU

function eksSpot(view: ResourceView): { readonly spot: boolean } | { readonly unknown: string } {
  const capacity = readString(view.props, ["capacityType"]);
  if (capacity.state === "opaque") return { unknown: capacity.path };
  return { spot: capacity.state === "value" && /^(SPOT|CAPACITY_BLOCK)$/i.test(capacity.value) };
}

function eksFinding(view: ResourceView, uses: readonly AcceleratorUse[], urn?: string): Outcome[] {
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

const checkEks = (view: ResourceView): Outcome[] => {
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

function asgFinding(view: ResourceView, uses: readonly AcceleratorUse[], templates: readonly ResourceView[], urn?: string): Outcome[] {
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

const checkAsg = (view: ResourceView): Outcome[] => {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view, "accelerators, if any, come from its launch template: checked by the stack policy")];
  return trainingOnly(workloadOf(view), asgFinding(view, uses, []));
};

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

function checkGkePool(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const g = gkePoolGaps(view, [], config);
  const findings = "ok" in g ? [] : "unknown" in g ? [unknownAt(g.unknown)] : gaps("gkePoolOnDemand", view, uses, 1, [g.problem], { "nodeConfig.spot": true });
  return trainingOnly(workloadOf(view), findings);
}

function checkGkeCluster(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
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

function checkGce(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
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

function checkTpuVm(view: ResourceView): Outcome[] {
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

type Check = (view: ResourceView, config: TrainingGuardrailsConfig) => Outcome[];

const CHECKS: Readonly<Record<string, Check>> = {
  "aws:sagemaker/trainingJob:TrainingJob": checkTrainingJob,
  "aws:batch/computeEnvironment:ComputeEnvironment": (v) => checkBatchEnvironment(v),
  "aws:batch/jobDefinition:JobDefinition": checkBatchJob,
  [EKS_NODE_GROUP]: (v) => checkEks(v),
  [ASG]: (v) => checkAsg(v),
  "gcp:container/nodePool:NodePool": checkGkePool,
  "gcp:container/cluster:Cluster": checkGkeCluster,
  "gcp:compute/instance:Instance": checkGce,
  "gcp:compute/instanceTemplate:InstanceTemplate": checkGce,
  "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": checkGce,
  "gcp:tpu/v2Vm:V2Vm": (v) => checkTpuVm(v),
};

function evaluate(view: ResourceView, { config }: RuleContext<TrainingGuardrailsConfig>): Outcome[] {
  if (isKubernetesType(view.type)) return [na(KUBERNETES_DEFERRED)];
  const check = ownEntry(CHECKS, view.type);
  return check ? check(view, config) : [na("not training capacity this policy covers")];
}

/** ASGs and EKS node groups whose accelerators (and Spot setting) live in their launch template. */
function evaluateStack(stack: StackView, { config }: RuleContext<TrainingGuardrailsConfig>): Outcome[] {
  const out: Outcome[] = kubernetesTrainingJobs(stack, config.maxRuntimeHours);
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

// ---------------------------------------------------------------------------------------------
// Examples

const trainingJob = (props: Record<string, unknown>) => ({
  type: "aws:sagemaker/trainingJob:TrainingJob",
  name: "finetune",
  props: {
    roleArn: "arn:aws:iam::123456789012:role/sm",
    algorithmSpecification: { trainingImage: "123456789012.dkr.ecr.us-west-2.amazonaws.com/train:latest", trainingInputMode: "File" },
    outputDataConfig: { s3OutputPath: "s3://bucket/out" },
    resourceConfig: { instanceType: "ml.p4d.24xlarge", instanceCount: 2, volumeSizeInGb: 100 },
    ...props,
  },
  providerProps: { region: "us-west-2" },
});

const examples: readonly RuleExample[] = [
  {
    title: "SageMaker training job without maxRuntimeInSeconds or Spot",
    verdict: "bad",
    resource: trainingJob({}),
    messageIds: ["trainingJobGaps"],
  },
  {
    title: "SageMaker training job on managed Spot with checkpoints and a 24 h limit",
    verdict: "good",
    resource: trainingJob({ enableManagedSpotTraining: true, checkpointConfig: { s3Uri: "s3://bucket/ckpt" }, stoppingCondition: { maxRuntimeInSeconds: 86400, maxWaitTimeInSeconds: 172800 } }),
  },
  {
    title: "SageMaker training job with a 60-minute warm pool",
    verdict: "bad",
    resource: trainingJob({
      enableManagedSpotTraining: true,
      checkpointConfig: { s3Uri: "s3://bucket/ckpt" },
      stoppingCondition: { maxRuntimeInSeconds: 86400, maxWaitTimeInSeconds: 172800 },
      resourceConfig: { instanceType: "ml.g5.12xlarge", instanceCount: 1, volumeSizeInGb: 100, keepAlivePeriodInSeconds: 3600 },
    }),
    messageIds: ["trainingJobGaps"],
  },
  {
    title: "AWS Batch GPU compute environment on SPOT",
    verdict: "good",
    resource: { type: "aws:batch/computeEnvironment:ComputeEnvironment", name: "gpu-jobs", props: { type: "MANAGED", computeResources: { type: "SPOT", minVcpus: 0, maxVcpus: 64, instanceTypes: ["g5.xlarge"] } } },
  },
  {
    title: "AWS Batch GPU job definition without timeout or retries",
    verdict: "bad",
    resource: {
      type: "aws:batch/jobDefinition:JobDefinition",
      name: "train",
      props: { type: "container", containerProperties: JSON.stringify({ image: "train", resourceRequirements: [{ type: "GPU", value: "1" }, { type: "VCPU", value: "4" }] }) },
    },
    messageIds: ["batchJobGaps"],
  },
  {
    title: "Training-tagged GKE node pool on on-demand nodes",
    verdict: "bad",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "train",
      props: { location: "us-central1-a", autoscaling: { minNodeCount: 1, maxNodeCount: 8 }, nodeConfig: { machineType: "a3-highgpu-8g", resourceLabels: { "ml-workload": "training" } } },
    },
    messageIds: ["gkePoolOnDemand"],
  },
  {
    title: "Training-tagged GKE node pool on Spot nodes",
    verdict: "good",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "train",
      props: { location: "us-central1-a", autoscaling: { minNodeCount: 0, maxNodeCount: 8 }, nodeConfig: { machineType: "a3-highgpu-8g", spot: true, resourceLabels: { "ml-workload": "training" } } },
    },
  },
  {
    title: "Training stack: EKS GPU node group on on-demand capacity",
    verdict: "bad",
    resource: { type: "aws:eks/nodeGroup:NodeGroup", name: "train", props: { instanceTypes: ["p5.48xlarge"], scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 2 } } },
    stackTags: { "ml-workload": "training" },
    messageIds: ["eksOnDemand"],
  },
];

const stackExamples: readonly StackRuleExample[] = [
  {
    title: "Training ASG whose launch template has a GPU type, on-demand",
    verdict: "bad",
    resources: [
      { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "train-lt", props: { id: "lt-0t", instanceType: "p4d.24xlarge", tags: { "ml-workload": "training" } } },
      { type: "aws:autoscaling/group:Group", name: "train-asg", props: { minSize: 0, maxSize: 2, desiredCapacity: 1, launchTemplate: { id: "lt-0t" } }, propertyDependencies: { launchTemplate: ["train-lt"] } },
    ],
    messageIds: ["asgOnDemand"],
  },
  {
    title: "Training ASG whose launch template requests Spot",
    verdict: "good",
    resources: [
      { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "train-lt", props: { id: "lt-0t", instanceType: "p4d.24xlarge", instanceMarketOptions: { marketType: "spot" }, tags: { "ml-workload": "training" } } },
      { type: "aws:autoscaling/group:Group", name: "train-asg", props: { minSize: 0, maxSize: 2, launchTemplate: { id: "lt-0t" } }, propertyDependencies: { launchTemplate: ["train-lt"] } },
    ],
  },
  ...trainingGuardrailsKubernetesExamples,
];

export const mlTrainingGuardrails: Rule<TrainingGuardrailsConfig> = {
  meta: {
    name: NAME,
    displayName: "Training uses spare capacity and stops",
    description: "Training capacity uses Spot / preemptible (or flex-start, queued) capacity and stops: SageMaker training jobs, AWS Batch GPU environments and job definitions, training-tagged EKS/GKE pools, ASGs, GCE VMs and TPU VMs, and Kubernetes training Jobs and CronJobs.",
    rationale:
      "Training runs the largest accelerator fleets, so a job that hangs or a pool that never ends burns the most: an 8×H100 node draws several kW under load, and a lightly loaded H100 still ~430 W (E16, ML.Energy 2026). Spare (Spot) capacity uses hardware that is already powered, and a maximum run time bounds what a stuck job can waste. " +
      "What is checked: SageMaker training jobs with accelerators set `stoppingCondition.maxRuntimeInSeconds` ≤ maxRuntimeHours, use `enableManagedSpotTraining` with `checkpointConfig.s3Uri` and `maxWaitTimeInSeconds`, and keep a warm pool (`resourceConfig.keepAlivePeriodInSeconds`) ≤ maxKeepAliveMinutes; AWS Batch accelerator compute environments are SPOT and GPU job definitions have `timeout.attemptDurationSeconds` ≤ the limit and `retryStrategy.attempts` ≥ 2 (Batch is checked unless declared `inference`, `notebook` or `dev`); resources declared `ml-workload: training` (tag, label or stack tag): EKS node groups use `capacityType` SPOT or CAPACITY_BLOCK, ASGs a Spot-only mixed-instances policy or a Spot launch template, GKE pools (standalone and inline) `spot`/`preemptible`/`flexStart`/queued provisioning or `maxRunDuration` ≤ the limit, GCE VMs and instance templates `provisioningModel` SPOT/FLEX_START or `maxRunDuration` ≤ the limit, TPU VMs `schedulingConfig.spot`. ASGs and EKS node groups whose GPU type or Spot setting is in their launch template are joined in the stack policy. Kubernetes training Jobs and CronJobs (label `ml-workload: training` on the Job or its pod template, checked in the stack policy) set `activeDeadlineSeconds` ≤ maxRuntimeHours, `backoffLimit` ≤ 3 (the default 6 reruns a failing GPU job six times) and select Spot nodes (`cloud.google.com/gke-spot`, `cloud.google.com/gke-preemptible`, `karpenter.sh/capacity-type: spot` or `eks.amazonaws.com/capacityType: SPOT`).",
    kind: "resource+stack",
    defaultLevel: "advisory",
    severity: "medium",
    tags: ["carbon", "energy", "training", "spot", "ml"],
    remediationSteps:
      "Set the properties the message names: a maximum runtime (SageMaker `stoppingCondition.maxRuntimeInSeconds`, Batch `timeout.attemptDurationSeconds`, GCE `scheduling.maxRunDuration`, GKE `nodeConfig.maxRunDuration`), Spot capacity with checkpoints (SageMaker `enableManagedSpotTraining` + `checkpointConfig`, Batch `computeResources.type: SPOT` + `retryStrategy`, EKS `capacityType: SPOT`, GKE `nodeConfig.spot`, GCE `provisioningModel: SPOT`), and a short warm pool. When reserved or on-demand capacity is required (e.g. a capacity reservation), record a waiver with the reason.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate,
  evaluateStack,
  examples,
  stackExamples,
};
