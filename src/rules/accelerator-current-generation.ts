/**
 * accelerator-current-generation: no legacy accelerators (K80, M60, P4, P100) and, with
 * `minimumGeneration: "current"` (default), no previous-generation ones (V100, T4, Inferentia1,
 * Gaudi1, TPU v4); suggests the current equivalent on the same cloud and service.
 */
import type { Generation } from "../data/accelerators";
import { type AcceleratorSubject, type UnrecognizedAccelerator, classifyAccelerators, describeAccelerator, describeUnpublished, describeUnrecognized, plainModelName, tdpFigure } from "../engine/accelerator-classification";
import { CANDIDATE_METHOD, SAGEMAKER_UPPER_BOUND_NOTE, availabilityPhrase, noneFoundPhrase, recordAlternatives, currentFamiliesText, describeCandidate, drawsMoreNote, MORE_WORK_PER_JOULE, findCandidates, knownRegion } from "../engine/accelerator-alternatives";
import { type Role, resolveWorkload, roleOf } from "../engine/workload-resolution";
import { platformOf } from "../engine/platform";
import { resourceSubject } from "../engine/resource-names";
import { docsPage } from "./docs-page";
import type { AcceleratorUse } from "../engine/accelerator-scan";
import { evidenceDetails, evidenceRefs, evidenceSection } from "../engine/accelerator-evidence";
import { applyConfigSchema } from "../engine/config";
import { formatCount, formatWatts, listJoin } from "../engine/format";
import { findingOf } from "../engine/message";
import type { FigureRef, FindingSaving, Outcome, ResourceRule, RuleExample } from "../engine/rule";
import type { ResourceView } from "../engine/view";
import { ownEntry } from "../engine/values";
import { DEFAULT_WORKLOAD_KEY } from "../engine/workload";
import { parseWorkloadTagKey } from "./ml-workload-declared";

/** Which evidence rows speak to a generation upgrade of this accelerator. */
function generationEvidence(subject: { readonly shortModel: string }): string[] {
  const m = subject.shortModel.toLowerCase();
  if (m.startsWith("tpu")) return ["E09", "E11"];
  if (m.startsWith("inferentia")) return ["E06"];
  if (m.startsWith("trainium") || m.startsWith("gaudi")) return ["E02", "E08"];
  return ["E13"];
}

const NAME = "accelerator-current-generation";
const DOCS = docsPage(NAME);

export type MinimumGeneration = "current" | "previous";

export interface CurrentGenerationConfig {
  readonly minimumGeneration: MinimumGeneration;
  readonly workloadTagKey: string;
}

const configSchema = {
  properties: {
    minimumGeneration: {
      type: "string",
      enum: ["current", "previous"],
      default: "current",
      description:
        "Oldest accelerator generation allowed. `current`: legacy (K80, M60, P4, P100, TPU v2/v3) and previous-generation (V100, T4, Inferentia1, Gaudi1, TPU v4) accelerators are reported. `previous`: only legacy ones.",
    },
    workloadTagKey: {
      type: "string",
      default: DEFAULT_WORKLOAD_KEY,
      description: "Tag/label key that declares the workload; used to suggest training-capable or inference-class replacements (stack tag fallback).",
    },
  },
} as const;

function parseConfig(raw: unknown): CurrentGenerationConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return {
    minimumGeneration: values["minimumGeneration"] === "previous" ? "previous" : "current",
    workloadTagKey: parseWorkloadTagKey(values["workloadTagKey"]),
  };
}

const RANK: Readonly<Record<Generation, number>> = { legacy: 0, previous: 1, current: 2 };

/** Generations of the EC2 `acceleratorNames` values (attribute-based instance selection). */
const EC2_ACCELERATOR_NAMES: Readonly<Record<string, { readonly generation: Generation; readonly model: string }>> = {
  k80: { generation: "legacy", model: "NVIDIA K80" },
  m60: { generation: "legacy", model: "NVIDIA M60" },
  k520: { generation: "legacy", model: "NVIDIA GRID K520" },
  v100: { generation: "previous", model: "NVIDIA V100" },
  t4: { generation: "previous", model: "NVIDIA T4" },
  inferentia: { generation: "previous", model: "AWS Inferentia" },
  "gaudi-hl-205": { generation: "previous", model: "Intel Habana Gaudi HL-205" },
};

function evaluate(view: ResourceView, { config }: { config: CurrentGenerationConfig }): Outcome[] {
  if (!view.cloud) return [{ kind: "not-applicable", reason: "not an AWS or GCP resource" }];
  const accelerators = classifyAccelerators(view);
  const firstUnknown = accelerators.unknownPaths[0];
  const named = accelerators.typeless.filter((u) => (u.acceleratorNames?.length ?? 0) > 0);
  if (accelerators.subjects.length === 0 && accelerators.unrecognized.length === 0 && named.length === 0) {
    if (firstUnknown !== undefined) return [{ kind: "unknown", path: firstUnknown, valueType: "string" }];
    return [{ kind: "not-applicable", reason: accelerators.typeless.length > 0 ? "the accelerator type is not set on this resource" : "no accelerators" }];
  }
  const workload = resolveWorkload(view, config.workloadTagKey);
  const declaredRole: Role | undefined = workload.state === "declared" ? roleOf(workload.workload) : undefined;

  const outcomes: Outcome[] = [];
  for (const s of accelerators.subjects) {
    if (RANK[s.generation] >= RANK[config.minimumGeneration]) continue;
    outcomes.push(buildViolation(view, s, declaredRole, config));
  }
  for (const use of named) {
    const v = namesViolation(view, use, config);
    if (v) outcomes.push(v);
  }
  for (const u of accelerators.unrecognized) outcomes.push(unrecognizedNotice(view, u));
  if (outcomes.length === 0 && firstUnknown !== undefined) return [{ kind: "unknown", path: firstUnknown, valueType: "string" }];
  return outcomes;
}

function roleOfClass(s: AcceleratorSubject): Role {
  return s.workloadClass === "training" ? "training" : "inference";
}

function generationPhrase(g: Generation): string {
  return g === "legacy" ? "a legacy accelerator" : "a previous-generation accelerator";
}

function buildViolation(view: ResourceView, s: AcceleratorSubject, declaredRole: Role | undefined, config: CurrentGenerationConfig): Outcome {
  const role = declaredRole ?? roleOfClass(s);
  const cloud = view.cloud!;
  const figures: FigureRef[] = [];
  const own = tdpFigure(s);
  if (own) figures.push(own);
  const evidence = generationEvidence(s);
  const year = s.chipYear ? `, ${s.chipYear}` : "";
  const below = config.minimumGeneration === "current" && s.generation === "previous" ? ', below minimumGeneration "current"' : "";
  const parts: string[] = [
    `${resourceSubject(view)} uses ${describeAccelerator(s)}: ${generationPhrase(s.generation)} (${plainModelName(s.model)}${year})${below}. Newer accelerator generations do more work per joule.`,
  ];
  const head = { subject: resourceSubject(view), type: s.label, model: s.shortModel, year: s.chipYear ? ` ${s.chipYear}` : "", generation: generationPhrase(s.generation) };
  let messageId: keyof typeof MESSAGES = "outdatedNoAlternative";
  let to: readonly string[] = [];
  let family = "";
  let saving: FindingSaving | undefined;
  const suggestion: Record<string, unknown> = {
    current: { type: s.label, acceleratorModel: s.model, acceleratorCount: s.count, acceleratorTdpW: s.tdpWTotal, generation: s.generation },
    minimumGeneration: config.minimumGeneration,
    role,
    evidence,
  };
  if (s.retired) {
    const fams = currentFamiliesText(cloud, s, declaredRole);
    parts.push(`${s.label} is retired: ${cloud === "aws" ? "AWS" : "Google Cloud"} no longer offers it in any region, so no regional alternative is listed. Current family: ${fams}.`);
    // The families are not ranked by TDP: a current device may draw more (an H100 vs a K80).
    const perDevice = s.tdpWTotal !== null && s.count > 0 ? ` than the ${s.shortModel} (${formatWatts(s.tdpWTotal / s.count)} per device)` : "";
    parts.push(`Its current replacements may draw more power per device${perDevice}; they are suggested because a newer generation ${MORE_WORK_PER_JOULE}.`);
    suggestion["retired"] = true;
    suggestion["currentFamilies"] = fams;
    messageId = "retired";
    family = fams;
  } else {
    const result = findCandidates({
      cloud,
      platform: platformOf(view.type),
      role,
      sizing: "closest",
      count: s.count,
      region: knownRegion(view),
    });
    const where = availabilityPhrase(view, result);
    const cls = role === "training" ? "training-capable" : "inference-class";
    const ranked = result.ranked.map((c) => describeCandidate(c, s.tdpWTotal));
    const unpublished = result.unpublished.map((c) => describeUnpublished(c));
    if (ranked.length === 0 && unpublished.length === 0) {
      parts.push(`No current ${cls} type in carbonguard's catalog is ${noneFoundPhrase(view, result)}; current family: ${currentFamiliesText(cloud, s, role)}.`);
      family = currentFamiliesText(cloud, s, role);
    } else {
      messageId = "outdated";
      to = [...result.ranked, ...result.unpublished].map((c) => c.label);
      const list = [...ranked, ...unpublished.map((u) => `${u} (no published TDP)`)];
      parts.push(`Current ${cls} equivalents ${where} (size of each accelerator model closest to ${formatCount(s.count)} accelerator${s.count === 1 ? "" : "s"}; lowest published TDP first): ${describeAccelerator(s)} → ${listJoin(list, "or")}.`);
      const note = drawsMoreNote(result.ranked, s);
      if (note) parts.push(note);
      if (result.sagemakerUpperBound) parts.push(SAGEMAKER_UPPER_BOUND_NOTE);
    }
    saving = recordAlternatives(view, s, result, { parts, figures, suggestion });
  }
  const notes = to.length > 1 ? [`Also current: ${listJoin(to.slice(1), "or")}.`] : family ? [`Current: ${family}.`] : [];
  return findingOf(MESSAGES, {
    messageId,
    data: { ...head, ...(to.length > 0 ? { to: to[0]! } : {}) },
    ...(to.length > 0 ? { fix: { kind: "type" as const, from: s.label, to } } : {}),
    ...(saving ? { saving } : {}),
    notes,
    evidence: evidenceRefs(evidence),
    details: [...parts, ...evidenceDetails(evidence)],
    figures,
    suggestion,
  });
}

/** The rule's messages: the first sentence of each kind of finding (what is wrong and the fix). */
const MESSAGES = {
  outdated: "{{subject}} uses {{type}} ({{model}}{{year}}), {{generation}}; switch to {{to}}, which does more work per joule.",
  outdatedNoAlternative: "{{subject}} uses {{type}} ({{model}}{{year}}), {{generation}}; move to a current family.",
  retired: "{{subject}} uses {{type}} ({{model}}{{year}}), {{generation}} that is retired; move to a current family.",
  outdatedAcceleratorNames: "{{subject}} allows {{names}} in acceleratorNames, below minimumGeneration \"{{minimum}}\"; remove {{them}}.",
  unrecognizedAccelerator: "{{subject}} uses {{accelerator}}, so its generation can't be checked; update carbonguard to a release whose catalog covers it.",
} as const;

function namesViolation(view: ResourceView, use: AcceleratorUse, config: CurrentGenerationConfig): Outcome | undefined {
  const old = (use.acceleratorNames ?? []).filter((n) => {
    const g = ownEntry(EC2_ACCELERATOR_NAMES, n);
    return g !== undefined && RANK[g.generation] < RANK[config.minimumGeneration];
  });
  if (old.length === 0) return undefined;
  const described = old.map((n) => `${n} (${ownEntry(EC2_ACCELERATOR_NAMES, n)!.model}, ${ownEntry(EC2_ACCELERATOR_NAMES, n)!.generation})`);
  return findingOf(MESSAGES, {
    messageId: "outdatedAcceleratorNames",
    data: { subject: resourceSubject(view), names: listJoin(described), minimum: config.minimumGeneration, them: old.length > 1 ? "them" : "it" },
    fix: { kind: "action", text: `remove ${listJoin(old)} from acceleratorNames` },
    notes: ["Current names include l4, a10g, l40s, h100, inferentia2 and trainium."],
    evidence: evidenceRefs(["E13"]),
    details: ["Newer accelerator generations do more work per joule.", ...evidenceDetails(["E13"])],
    suggestion: { acceleratorNames: old, minimumGeneration: config.minimumGeneration, currentNames: ["l4", "a10g", "l40s", "h100", "inferentia2", "trainium"], evidence: ["E13"] },
  });
}

function unrecognizedNotice(view: ResourceView, u: UnrecognizedAccelerator): Outcome {
  return findingOf(MESSAGES, {
    messageId: "unrecognizedAccelerator",
    data: { subject: resourceSubject(view), accelerator: describeUnrecognized(u) },
    level: "advisory",
    severity: "low",
    suggestion: { unknownType: u.display ?? null },
  });
}

const examples: readonly RuleExample[] = [
  {
    title: "g4dn (NVIDIA T4) serving inference",
    verdict: "bad",
    resource: { type: "aws:ec2/instance:Instance", name: "serving", props: { instanceType: "g4dn.xlarge", tags: { "ml-workload": "inference" } }, providerProps: { region: "us-east-1" } },
    messageIds: ["outdated"],
  },
  {
    title: "The same instance with minimumGeneration: previous",
    verdict: "good",
    resource: { type: "aws:ec2/instance:Instance", name: "serving", props: { instanceType: "g4dn.xlarge", tags: { "ml-workload": "inference" } }, providerProps: { region: "us-east-1" } },
    config: { minimumGeneration: "previous" },
  },
  {
    title: "GKE node pool with N1 + NVIDIA K80 (legacy, retired)",
    verdict: "bad",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "old-pool",
      props: { location: "us-central1-a", nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-k80", count: 1 }] } },
    },
    config: { minimumGeneration: "previous" },
    messageIds: ["retired"],
  },
  {
    title: "SageMaker notebook on ml.p3.2xlarge (V100, retired)",
    verdict: "bad",
    resource: { type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "nb", props: { instanceType: "ml.p3.2xlarge" }, providerProps: { region: "eu-west-1" } },
    messageIds: ["retired"],
  },
  {
    title: "Cloud TPU v4 slice for training",
    verdict: "bad",
    resource: { type: "gcp:tpu/v2Vm:V2Vm", name: "tpu", props: { zone: "us-central2-b", acceleratorType: "v4-8", labels: { "ml-workload": "training" } } },
    messageIds: ["outdated"],
  },
  {
    title: "Current-generation L4 on GKE",
    verdict: "good",
    resource: { type: "gcp:container/nodePool:NodePool", name: "pool", props: { location: "europe-west4", nodeConfig: { machineType: "g2-standard-8" } } },
  },
  {
    title: "Launch template selecting T4 by accelerator name",
    verdict: "bad",
    resource: {
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      name: "lt",
      props: { instanceRequirements: { acceleratorNames: ["t4", "l4"], acceleratorCount: { min: 1 }, vcpuCount: { min: 4 }, memoryMib: { min: 16384 } } },
    },
    messageIds: ["outdatedAcceleratorNames"],
  },
];

export const acceleratorCurrentGeneration: ResourceRule<CurrentGenerationConfig> = {
  meta: {
    name: NAME,
    displayName: "Current-generation accelerators",
    description:
      'No legacy accelerators (K80, M60, P4, P100, TPU v2/v3) and, with minimumGeneration "current" (default), no previous-generation ones (V100, T4, Inferentia1, Gaudi1, TPU v4); suggests the current equivalent on the same cloud.',
    rationale: [
      "Each accelerator generation does markedly more work per joule: TPU v4 improved performance per watt 2.7× over v3 (E09), Trillium is over 67% more energy-efficient than v5e (E11), Inferentia2 delivers 4× the throughput of Inferentia1 (E06), and B200 uses a median 1.57× less energy per LLM token than H100 (E13). A previous-generation GPU such as the T4 or V100 keeps drawing its full power for a fraction of the work. Legacy types (p2, g3, K80, P4, P100) are reported at any minimumGeneration; previous-generation types (p3, p3dn, g4dn, inf1, dl1, N1 + T4/V100, TPU v4) only with the default `current`.",
      "",
      `Retired types (p2, p3, g3, dl1, K80: no longer offered in any region) get no regional suggestion; the finding names the current family. Otherwise alternatives follow one method: ${CANDIDATE_METHOD} Here the size of each model is the one closest in accelerator count to the current type (like-for-like); the role is the declared workload's (training or inference-type), or the type's own class when no workload is declared. Launch templates and Auto Scaling groups that select instances by \`acceleratorNames\` are checked too (k80, m60, k520: legacy; v100, t4, inferentia, gaudi-hl-205: previous).`,
      "",
      evidenceSection(["E06", "E08", "E09", "E11", "E12", "E13", "E14"]),
    ].join("\n"),
    kind: "resource",
    defaultLevel: "advisory",
    severity: "medium",
    tags: ["carbon", "ml", "accelerator", "efficiency"],
    remediationSteps:
      'Switch to one of the suggested current-generation types (same service, offered in the region); for retired types, to the named current family. To allow previous-generation accelerators while still blocking legacy ones, set `minimumGeneration: "previous"` for this policy, or record a waiver with a reason and an expiry.',
    url: DOCS,
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate: (view, ctx) => evaluate(view, ctx),
  examples,
};
