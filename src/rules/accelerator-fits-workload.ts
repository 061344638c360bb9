/**
 * accelerator-fits-workload: inference does not run on training nodes, training does not run on
 * inference-only chips, and graphics-class GPUs are not used for ML.
 *
 * Suggestions are catalog types on the same cloud and service, offered in the resource's region,
 * picked by one documented method (`CANDIDATE_METHOD` in src/engine/accelerator-alternatives.ts).
 */
import { type AcceleratorSubject, type UnrecognizedAccelerator, classifyAccelerators, describeAccelerator, describeUnpublished, describeUnrecognized, tdpFigure } from "../engine/accelerator-classification";
import { CANDIDATE_METHOD, type Candidate, type CandidateResult, SAGEMAKER_UPPER_BOUND_NOTE, availabilityPhrase, noneFoundPhrase, recordAlternatives, currentFamilies, describeCandidate, drawsMoreNote, findCandidates, knownRegion } from "../engine/accelerator-alternatives";
import { type Role, type WorkloadSource, displayKey, resolveWorkload, workloadOfUse, inlinePoolIndex, roleOf, workloadPhrase, workloadSourcePhrase } from "../engine/workload-resolution";
import { compileGlob, matchesAny } from "../util/glob";
import { platformOf } from "../engine/platform";
import { resourceSubject } from "../engine/resource-names";
import { docsPage } from "./docs-page";
import type { AcceleratorUse } from "../engine/accelerator-scan";
import { evidenceDetails, evidenceRefs, evidenceSection } from "../engine/accelerator-evidence";
import { applyConfigSchema } from "../engine/config";
import { formatCount, listJoin } from "../engine/format";
import { findingOf } from "../engine/message";
import type { FigureRef, FindingSaving, Outcome, ResourceRule, RuleExample } from "../engine/rule";
import type { ResourceView } from "../engine/view";
import { type Workload, isWorkload } from "../engine/workload";
import { WORKLOAD_TAG_KEY_PROPERTY, parseWorkloadTagKey } from "./ml-workload-declared";

const NAME = "accelerator-fits-workload";
const DOCS = docsPage(NAME);

export interface AllowedTypes {
  readonly patterns: readonly string[];
  readonly compiled: readonly RegExp[];
}

export interface FitsWorkloadConfig {
  readonly workloadTagKey: string;
  readonly allowedTypes: Readonly<Partial<Record<Workload, AllowedTypes>>>;
}

const configSchema = {
  properties: {
    workloadTagKey: WORKLOAD_TAG_KEY_PROPERTY,
    allowedTypes: {
      type: "object",
      default: {},
      additionalProperties: { type: "array", items: { type: "string" } },
      description:
        "Per workload (training, inference, batch-inference, notebook, dev), the instance/machine types, accelerator tokens or families allowed for it, as case-insensitive globs (`g6.*`, `ml.inf2.*`, `a3-highgpu-1g`, `nvidia-l4`, or a bare family such as `g6e`). When set for a workload it replaces the built-in class check for that workload: only matching types pass.",
    },
  },
} as const;

/**
 * Compiled allowedTypes globs, by pattern. The pack parses the config again for every resource
 * (the policy SDK hands out a fresh config object each time), and the patterns never change.
 */
const compiledGlobs = new Map<string, RegExp | undefined>();

function compiledGlob(pattern: string): RegExp | undefined {
  if (compiledGlobs.has(pattern)) return compiledGlobs.get(pattern);
  const re = compileGlob(pattern);
  if (compiledGlobs.size >= 1_000) compiledGlobs.clear();
  compiledGlobs.set(pattern, re);
  return re;
}

function parseConfig(raw: unknown): FitsWorkloadConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  const allowed: Partial<Record<Workload, AllowedTypes>> = {};
  const rawAllowed = values["allowedTypes"];
  if (rawAllowed !== null && typeof rawAllowed === "object" && !Array.isArray(rawAllowed)) {
    for (const [workload, list] of Object.entries(rawAllowed as Record<string, unknown>)) {
      const w = workload.trim().toLowerCase();
      if (!isWorkload(w) || !Array.isArray(list)) continue;
      const patterns = list.filter((p): p is string => typeof p === "string").map((p) => p.trim()).filter((p) => p !== "" && p.length <= 100);
      const compiled = patterns.map(compiledGlob).filter((re): re is RegExp => re !== undefined);
      allowed[w] = { patterns, compiled };
    }
  }
  return { workloadTagKey: parseWorkloadTagKey(values["workloadTagKey"]), allowedTypes: allowed };
}

type Misfit = "training-node" | "inference-chip" | "graphics" | "not-allowed";

function evaluate(view: ResourceView, { config }: { config: FitsWorkloadConfig }): Outcome[] {
  if (!view.cloud) return [{ kind: "not-applicable", reason: "not an AWS or GCP resource" }];
  const accelerators = classifyAccelerators(view);
  const firstUnknown = accelerators.unknownPaths[0];
  if (accelerators.subjects.length === 0 && accelerators.unrecognized.length === 0) {
    if (firstUnknown !== undefined) return [{ kind: "unknown", path: firstUnknown, valueType: "string" }];
    return [{ kind: "not-applicable", reason: accelerators.typeless.length > 0 ? "the accelerator type is not set on this resource" : "no accelerators" }];
  }
  // One workload per accelerator use: a GKE cluster's inline pool declares its own.
  const resourceWide = resolveWorkload(view, config.workloadTagKey);
  const workloadOf = (use: AcceleratorUse) => workloadOfUse(view, use, config.workloadTagKey, resourceWide);
  const outcomes: Outcome[] = [];
  let unknownWorkload: Outcome | undefined;
  let declared = false;
  for (const subject of accelerators.subjects) {
    const workload = workloadOf(subject.use);
    if (workload.state === "unknown") unknownWorkload ??= { kind: "unknown", path: workload.path, valueType: workload.valueType };
    if (workload.state !== "declared") continue;
    declared = true;
    const misfit = checkFit(subject, workload.workload, config.allowedTypes[workload.workload]);
    if (misfit) outcomes.push(buildViolation(view, subject, misfit, workload.workload, workload.source, config));
  }
  for (const u of accelerators.unrecognized) {
    const workload = workloadOf(u.use);
    if (workload.state === "unknown") unknownWorkload ??= { kind: "unknown", path: workload.path, valueType: workload.valueType };
    if (workload.state !== "declared") continue;
    declared = true;
    const allowed = config.allowedTypes[workload.workload];
    if (allowed && u.display && matchesAny(allowed.compiled, [u.display, u.display.replace(/^ml\./i, "")])) continue;
    outcomes.push(unrecognizedNotice(view, u, workload.workload, config));
  }
  if (outcomes.length > 0) return unknownWorkload ? [...outcomes, unknownWorkload] : outcomes;
  if (unknownWorkload) return [unknownWorkload];
  if (!declared) return [{ kind: "not-applicable", reason: "no ML workload declared (see ml-workload-declared)" }];
  if (firstUnknown !== undefined) return [{ kind: "unknown", path: firstUnknown, valueType: "string" }];
  return outcomes;
}

/** "node pool nodePools[1] of GKE cluster 'ml'" for a use in an inline pool (it has its own workload), else the resource. */
function subjectOfUse(view: ResourceView, use: AcceleratorUse): string {
  const pool = inlinePoolIndex(view, use);
  return pool === undefined ? resourceSubject(view) : `node pool nodePools[${pool}] of ${resourceSubject(view)}`;
}

function checkFit(s: AcceleratorSubject, w: Workload, allowed: AllowedTypes | undefined): Misfit | undefined {
  if (allowed) return matchesAny(allowed.compiled, s.names) ? undefined : "not-allowed";
  if (s.workloadClass === "graphics") return "graphics";
  // RULES.md: training-class *nodes* are the multi-accelerator ones; a single training-class chip
  // (trn1.2xlarge, one V100) is not a node sized for distributed training.
  if (w !== "training" && s.workloadClass === "training" && s.count > 1) return "training-node";
  if (w === "training" && s.inferenceOnly) return "inference-chip";
  return undefined;
}

function buildViolation(
  view: ResourceView,
  s: AcceleratorSubject,
  misfit: Misfit,
  w: Workload,
  source: WorkloadSource,
  config: FitsWorkloadConfig,
): Outcome {
  const cloud = view.cloud!;
  const role = roleOf(w);
  const figures: FigureRef[] = [];
  const own = tdpFigure(s);
  if (own) figures.push(own);
  const runs = `${subjectOfUse(view, s.use)} runs ${workloadPhrase(w)} (${workloadSourcePhrase(view, w, source, config.workloadTagKey)}) on ${describeAccelerator(s)}`;
  const parts: string[] = [];
  const evidence: string[] = [];
  let saving: FindingSaving | undefined;
  let alternatives: readonly Candidate[] = [];
  switch (misfit) {
    case "training-node":
      parts.push(`${runs}, a multi-accelerator training-class node. Serving, notebooks and development on training nodes burn energy on accelerators, interconnect and storage they do not use.`);
      evidence.push("E07", "E18");
      break;
    case "inference-chip":
      parts.push(`${runs}: ${s.shortModel} is an inference-only chip, so training on it is not supported or wastes the hardware. Train on training-capable accelerators${cloud === "aws" ? " such as Trainium, which AWS reports uses less energy than comparable GPU clusters" : ""}.`);
      evidence.push("E02");
      break;
    case "graphics":
      parts.push(`${runs}, a graphics-class type (virtual workstations, rendering, fractional GPUs): use an ML accelerator instead.`);
      evidence.push("E25");
      break;
    case "not-allowed": {
      const allowed = config.allowedTypes[w]!;
      const shown = allowed.patterns.map((p) => (/^[A-Za-z0-9.*?_-]{1,60}$/.test(p) ? p : undefined)).filter((p): p is string => p !== undefined);
      parts.push(`${runs}, which is not in allowedTypes.${w}${shown.length > 0 ? ` (${listJoin(shown.slice(0, 8))}${shown.length > 8 ? ", …" : ""})` : ""}.`);
      break;
    }
  }

  const suggestion: Record<string, unknown> = {
    workload: w,
    workloadSource: source,
    misfit,
    current: {
      type: s.label,
      acceleratorModel: s.model,
      acceleratorCount: s.count,
      acceleratorTdpW: s.tdpWTotal,
      workloadClass: s.workloadClass,
      generation: s.generation,
      retired: s.retired,
    },
    evidence,
  };

  if (s.retired) {
    const fams = currentFamilies(cloud, s, role);
    parts.push(`${s.label} is retired (no longer offered in any region), so no regional alternative is listed; current family for ${role}: ${fams}.`);
    suggestion["retired"] = true;
    suggestion["currentFamilies"] = fams;
  } else {
    const allowed = misfit === "not-allowed" ? config.allowedTypes[w] : undefined;
    const result = findCandidates({
      cloud,
      platform: platformOf(view.type),
      role,
      sizing: role === "inference" ? "smallest" : "closest",
      count: s.count,
      region: knownRegion(view),
      ...(allowed ? { accept: (names: readonly string[]) => matchesAny(allowed.compiled, names), anyRole: true } : {}),
      exclude: new Set([s.label]),
    });
    parts.push(alternativesText(view, s, result, role, allowed !== undefined, evidence));
    saving = recordAlternatives(view, s, result, { parts, figures, suggestion });
    alternatives = [...result.ranked, ...result.unpublished];
    if (s.sagemaker) suggestion["verify"] = "SageMaker availability inferred from EC2 offerings (upper bound): verify on the SageMaker pricing page";
  }
  const evidenceIds = [...new Set(evidence)];
  suggestion["evidence"] = evidenceIds;
  const to = alternatives.map((c) => c.label);
  const fallback = s.retired ? `a current ${role} family: ${currentFamilies(cloud, s, role)}` : misfit === "not-allowed" ? "an allowed type" : `a current ${role === "inference" ? "inference-class" : "training-capable"} type`;
  return findingOf(MESSAGES, {
    messageId: MESSAGE_OF_MISFIT[misfit],
    data: {
      subject: subjectOfUse(view, s.use),
      workload: workloadPhrase(w),
      type: s.label,
      accelerators: `${formatCount(s.count)}×${s.shortModel}`,
      allowedKey: `allowedTypes.${w}`,
      to: to[0] ?? fallback,
    },
    ...(to.length > 0 ? { fix: { kind: "type" as const, from: s.label, to } } : {}),
    ...(saving ? { saving } : {}),
    notes: to.length > 1 ? [`Also: ${listJoin(to.slice(1), "or")}.`] : [],
    evidence: evidenceRefs(evidenceIds),
    details: [...parts, ...evidenceDetails(evidenceIds)],
    figures,
    suggestion,
  });
}

/** The rule's messages: the first sentence of each kind of finding (what is wrong and the fix). */
const MESSAGES = {
  trainingNode: "{{subject}} runs {{workload}} on {{type}} ({{accelerators}}), a training-class node; switch to {{to}}.",
  inferenceChip: "{{subject}} trains on {{type}} ({{accelerators}}), an inference-only chip; switch to {{to}}.",
  graphicsType: "{{subject}} runs {{workload}} on {{type}} ({{accelerators}}), a graphics-class type; switch to {{to}}.",
  notAllowed: "{{subject}} runs {{workload}} on {{type}}, which is not in {{allowedKey}}; switch to {{to}}.",
  unrecognizedAccelerator: "{{subject}} runs {{workload}} on {{accelerator}}, so its fit can't be checked; update carbonguard or list the type in {{allowedKey}}.",
} as const;

const MESSAGE_OF_MISFIT = {
  "training-node": "trainingNode",
  "inference-chip": "inferenceChip",
  graphics: "graphicsType",
  "not-allowed": "notAllowed",
} as const;

function alternativesText(view: ResourceView, s: AcceleratorSubject, result: CandidateResult, role: Role, allowList: boolean, evidence: string[]): string {
  const cls = allowList ? "allowed" : role === "inference" ? "inference-class" : "training-capable";
  const where = availabilityPhrase(view, result);
  if (result.ranked.length === 0 && result.unpublished.length === 0) {
    return `No current ${cls} type in carbonguard's catalog is ${noneFoundPhrase(view, result)}.`;
  }
  const sizing = role === "inference" ? "smallest size of each accelerator model" : "size of each accelerator model closest in accelerator count";
  const lines: string[] = [];
  if (result.ranked.length > 0) {
    const list = result.ranked.map((c) => describeCandidate(c, s.tdpWTotal));
    lines.push(`Current ${cls} alternatives ${where} (${sizing}, lowest published accelerator TDP first): ${describeAccelerator(s)} → ${listJoin(list, "or")}.`);
    const note = drawsMoreNote(result.ranked, s);
    if (note) lines.push(note);
  }
  if (result.unpublished.length > 0) {
    const ids = unpublishedEvidence(result.unpublished, role);
    evidence.push(...ids);
    const list = result.unpublished.map((c) => describeUnpublished(c));
    lines.push(`${result.ranked.length > 0 ? "Also" : `Current ${cls} alternatives ${where}`}${result.ranked.length > 0 ? "" : ` (${sizing})`}: ${listJoin(list, "or")} (no published TDP, not ranked).`);
  }
  lines.push("Pick the size whose accelerator memory holds the model.");
  if (result.sagemakerUpperBound) lines.push(SAGEMAKER_UPPER_BOUND_NOTE);
  return lines.join(" ");
}

function unpublishedEvidence(cands: readonly Candidate[], role: Role): string[] {
  const ids: string[] = [];
  for (const c of cands) {
    const m = c.shortModel.toLowerCase();
    if (m.startsWith("inferentia")) ids.push("E01");
    else if (m.startsWith("trainium")) ids.push(role === "training" ? "E02" : "E08");
    else if (m.startsWith("tpu v6e")) ids.push("E11");
    else if (m.startsWith("tpu")) ids.push("E09");
  }
  return [...new Set(ids)];
}

function unrecognizedNotice(view: ResourceView, u: UnrecognizedAccelerator, w: Workload, config: FitsWorkloadConfig): Outcome {
  return findingOf(MESSAGES, {
    messageId: "unrecognizedAccelerator",
    data: { subject: subjectOfUse(view, u.use), workload: workloadPhrase(w), accelerator: describeUnrecognized(u), allowedKey: `allowedTypes.${w}` },
    level: "advisory",
    severity: "low",
    suggestion: { workload: w, unknownType: u.display ?? null, allowedTypesKey: `allowedTypes.${w}`, tagKey: displayKey(config.workloadTagKey) },
  });
}

const examples: readonly RuleExample[] = [
  {
    title: "SageMaker endpoint serving inference on an 8×A100 training node",
    verdict: "bad",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm-endpoint",
      props: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.p4d.24xlarge", initialInstanceCount: 1 }], tags: { "ml-workload": "inference" } },
      providerProps: { region: "us-east-1" },
    },
    messageIds: ["trainingNode"],
  },
  {
    title: "The endpoint on an inference-class L4 instance",
    verdict: "good",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm-endpoint",
      props: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] },
      providerProps: { region: "us-east-1" },
    },
  },
  {
    title: "SageMaker training job on Inferentia2 (an inference-only chip)",
    verdict: "bad",
    resource: {
      type: "aws:sagemaker/trainingJob:TrainingJob",
      name: "finetune",
      props: { resourceConfig: { instanceType: "ml.inf2.xlarge", instanceCount: 1, volumeSizeInGb: 50 }, tags: { "ml-workload": "training" } },
      providerProps: { region: "us-east-1" },
    },
    messageIds: ["inferenceChip"],
  },
  {
    title: "GKE node pool for dev work on a3-highgpu-8g",
    verdict: "bad",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "dev-pool",
      props: { location: "us-central1", nodeConfig: { machineType: "a3-highgpu-8g", resourceLabels: { "ml-workload": "dev" } } },
    },
    messageIds: ["trainingNode"],
  },
  {
    title: "Training on a3-highgpu-8g",
    verdict: "good",
    resource: {
      type: "gcp:compute/instance:Instance",
      name: "trainer",
      props: { zone: "europe-west4-b", machineType: "a3-highgpu-8g", labels: { "ml-workload": "training" } },
    },
  },
  {
    title: "Graphics-class fractional GPU used for inference",
    verdict: "bad",
    resource: { type: "aws:ec2/instance:Instance", name: "tiny", props: { instanceType: "g6f.xlarge", tags: { "ml-workload": "inference" } }, providerProps: { region: "eu-north-1" } },
    messageIds: ["graphicsType"],
  },
  {
    title: "allowedTypes: only g6 and inf2 for inference",
    verdict: "bad",
    resource: { type: "aws:eks/nodeGroup:NodeGroup", name: "serving", props: { instanceTypes: ["g5.2xlarge"], tags: { "ml-workload": "inference" } }, providerProps: { region: "eu-west-2" } },
    config: { allowedTypes: { inference: ["g6.*", "inf2.*"] } },
    messageIds: ["notAllowed"],
  },
  {
    title: "Workload from the stack tag; an 8×A100 node for batch inference",
    verdict: "bad",
    resource: { type: "aws:batch/computeEnvironment:ComputeEnvironment", name: "batch", props: { computeResources: { type: "EC2", instanceTypes: ["p4d.24xlarge"] } } },
    stackTags: { "ml-workload": "batch-inference" },
    stackConfig: { "aws:region": "eu-north-1" },
    messageIds: ["trainingNode"],
  },
  {
    title: "No workload declared: nothing to check (ml-workload-declared reports it)",
    verdict: "good",
    resource: { type: "aws:ec2/instance:Instance", name: "gpu", props: { instanceType: "p4d.24xlarge" }, providerProps: { region: "us-east-1" } },
  },
];

export const acceleratorFitsWorkload: ResourceRule<FitsWorkloadConfig> = {
  meta: {
    name: NAME,
    displayName: "Accelerators fit the workload",
    description:
      "Inference, batch-inference, notebook and dev workloads do not run on multi-accelerator training-class nodes, training does not run on inference-only chips (Inferentia, Cloud AI 100), and graphics-class types are not used for ML; allowedTypes per workload overrides.",
    rationale: [
      "An 8-accelerator training node (p4d, p4de, p5.48xlarge, p5e, p5en, p6-b200, trn1.32xlarge, trn1n, a2-megagpu, a2-*-8g, a3-*-8g, a3-mega/ultra, a4) serving inference or hosting a notebook draws power for accelerators, NVLink/EFA interconnect and storage the workload does not use (E07): an idle 8×H100 node alone draws about 0.5 kW in GPUs (E18). Inference-class types (L4, A10G, L40S, one H100; Inferentia2; TPU v5e/v6e) do the same serving work at a fraction of the power (E01, E24, E25). The opposite mistake, training on inference-only chips (Inferentia, Cloud AI 100), is unsupported or wasteful; Trainium uses about 25% less energy than comparable GPU clusters for BERT-Large (E02). Graphics-class types (g3, g5g, g6f, gr6f) are sized and priced for rendering, not ML.",
      "",
      "The workload is the resource's `ml-workload` tag/label, else what its type implies (SageMaker endpoints and inference components serve inference, SageMaker training jobs train, notebook instances, Studio, Workbench and Colab are notebooks, Vertex AI deployments and Cloud Run services serve), else the stack tag. Without a workload the policy does not apply (ml-workload-declared reports it).",
      "",
      `How alternatives are picked: ${CANDIDATE_METHOD} Power figures are the accelerators' published TDP (or nvidia-smi power limit) from carbonguard's catalog; TPUs and AWS Neuron chips have none and are never ranked by it. Types that look accelerated but are not in the catalog are reported as unknown (advisory, low severity), never treated as CPU. Retired types (p2, p3, g3, dl1, K80) get no regional suggestion: the finding names the current family.`,
      "",
      evidenceSection(["E01", "E02", "E07", "E15", "E16", "E18", "E24", "E25"]),
    ].join("\n"),
    kind: "resource",
    defaultLevel: "advisory",
    severity: "medium",
    tags: ["carbon", "ml", "accelerator", "right-sizing"],
    remediationSteps:
      "Move the workload to one of the suggested types (same service, offered in the region), choosing the size whose accelerator memory holds the model; keep training-class nodes for training. If a larger node is required (e.g. a model that needs 8 GPUs of memory), list it in `allowedTypes` for that workload in the policy config, or record a waiver with the reason. If the workload tag is wrong, fix the `ml-workload` tag/label.",
    url: DOCS,
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate: (view, ctx) => evaluate(view, ctx),
  examples,
};
