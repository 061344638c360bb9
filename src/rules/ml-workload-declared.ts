/**
 * ml-workload-declared: accelerator resources say what they are for.
 *
 * The workload (tag/label `ml-workload`, or the stack tag of the same name) is what lets
 * `accelerator-fits-workload` tell an inference endpoint on an 8-GPU training node from a training
 * job, and lets reports attribute carbon per workload; `requiredTags` (e.g. `team`) attribute it
 * per team.
 */
import { WORKLOAD_LIST, declaredWorkloadOf, inlinePoolIndex, poolLabelsPath, type WorkloadResolution, workloadOfUse, displayKey, tagLocation, tagPresence } from "../engine/workload-resolution";
import { classifyAccelerators, describeAccelerator, tdpFigure } from "../engine/accelerator-classification";
import { resourceSubject } from "../engine/resource-names";
import { docsPage } from "./docs-page";
import { evidenceSection } from "../engine/accelerator-evidence";
import { applyConfigSchema } from "../engine/config";
import { noAccelerators } from "../engine/outcomes";
import { listJoin } from "../engine/format";
import { findingOf } from "../engine/message";
import type { FigureRef, Outcome, ResourceRule, RuleExample } from "../engine/rule";
import type { ResourceView } from "../engine/view";
import { DEFAULT_WORKLOAD_KEY, WORKLOADS } from "../engine/workload";

const NAME = "ml-workload-declared";

export interface WorkloadDeclaredConfig {
  readonly workloadTagKey: string;
  readonly requiredTags: readonly string[];
}

/** The `workloadTagKey` config property, shared with the policies that read the declared workload. */
export const WORKLOAD_TAG_KEY_PROPERTY = {
  type: "string",
  default: DEFAULT_WORKLOAD_KEY,
  description: "Tag (AWS) or label (GCP) key that declares the workload; a stack tag with the same key applies to every resource of the stack.",
} as const;

const configSchema = {
  properties: {
    workloadTagKey: WORKLOAD_TAG_KEY_PROPERTY,
    requiredTags: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Further tag/label keys every accelerator resource must carry (on the resource, its provider's default tags, or as a stack tag), e.g. `team`, so carbon can be accounted per team.",
    },
  },
} as const;

export function parseWorkloadTagKey(value: unknown): string {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : DEFAULT_WORKLOAD_KEY;
}

function parseConfig(raw: unknown): WorkloadDeclaredConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  const required = Array.isArray(values["requiredTags"]) ? (values["requiredTags"] as unknown[]) : [];
  return {
    workloadTagKey: parseWorkloadTagKey(values["workloadTagKey"]),
    requiredTags: [...new Set(required.filter((t): t is string => typeof t === "string").map((t) => t.trim()).filter((t) => t !== ""))],
  };
}

/**
 * The declaration that decides the finding. Each accelerator use has its own workload (a GKE
 * cluster's inline pool declares its own, see `workloadOfUse`): the resource is declared when every
 * use is. Otherwise the first use's problem decides (unknown, then invalid, then absent), and
 * `pools` lists the inline pools that declare nothing, for the message.
 */
function declarationOfUses(view: ResourceView, key: string): { declaration: WorkloadResolution; pools: number[] } {
  const resourceWide = declaredWorkloadOf(view, key);
  const per = view.accelerators.uses.map((use) => ({ use, d: workloadOfUse(view, use, key, resourceWide) }));
  if (per.length === 0) return { declaration: resourceWide, pools: [] };
  const pools = [...new Set(per.filter((p) => p.d.state === "absent").map((p) => inlinePoolIndex(view, p.use)).filter((i): i is number => i !== undefined))];
  for (const state of ["unknown", "invalid", "absent"] as const) {
    const hit = per.find((p) => p.d.state === state);
    if (hit) return { declaration: hit.d, pools };
  }
  return { declaration: per[0]!.d, pools };
}

/** The rule's messages: the first sentence of each kind of finding (what is wrong and the fix). */
const MESSAGES = {
  workloadMissing: "{{subject}} {{what}} but declares no ML workload; {{setIt}}.",
  workloadInvalid: "{{subject}} {{what}}, but {{from}} is not a known workload; set it to one.",
  requiredTagsMissing: "{{subject}} {{what}} but lacks the required {{tagWord}} {{tags}}; set it on the resource or as a stack tag.",
} as const;

function evaluate(view: ResourceView, { config }: { config: WorkloadDeclaredConfig }): Outcome[] {
  if (!view.cloud) return [{ kind: "not-applicable", reason: "not an AWS or GCP resource" }];
  const key = config.workloadTagKey;
  const { declaration, pools } = declarationOfUses(view, key);
  const missing: string[] = [];
  let unknownTag: Outcome | undefined;
  for (const tag of config.requiredTags) {
    if (tag === key) continue;
    const p = tagPresence(view, tag);
    if (p.state === "missing") missing.push(tag);
    else if (p.state === "unknown") unknownTag ??= { kind: "unknown", path: p.path, valueType: p.valueType };
  }
  const workloadOk = declaration.state === "declared";
  if (workloadOk && missing.length === 0 && !unknownTag) return [];

  // No accelerators: not applicable, or can't decide while the type is unknown in preview.
  if (view.accelerators.uses.length === 0) return [noAccelerators(view)];
  const accelerators = classifyAccelerators(view);
  if (declaration.state === "unknown") return [{ kind: "unknown", path: declaration.path, valueType: declaration.valueType }];
  if (workloadOk && missing.length === 0 && unknownTag) return [unknownTag];

  const k = displayKey(key);
  const where = tagLocation(view);
  const tagWord = view.cloud === "gcp" ? "label" : "tag";
  const what = carries(accelerators);
  const details: string[] = [];
  const notes: string[] = [];
  // Where to set it: the first place in the message, all of them (pools, the stack tag) in the details.
  const place = pools.length > 0 ? `\`${poolLabelsPath(pools[0]!)}\`` : where ? `\`${where}\`` : undefined;
  const setIt = place ? `set the ${tagWord} ${k} in ${place}` : `tag the stack: \`pulumi stack tag set ${k} <workload>\``;
  details.push(`${resourceSubject(view)} ${what}.`);
  details.push(
    pools.length > 0
      ? `Set the ${tagWord} ${k} (in ${listJoin(pools.map((i) => `\`${poolLabelsPath(i)}\``))}, or \`${where ?? "resourceLabels"}\` for the whole cluster) to ${WORKLOAD_LIST}, or tag the whole stack: \`pulumi stack tag set ${k} <workload>\`.`
      : where
        ? `Set the ${tagWord} ${k} (in \`${where}\`) to ${WORKLOAD_LIST}, or tag the whole stack: \`pulumi stack tag set ${k} <workload>\`.`
        : `This resource type has no ${tagWord}s, so tag the stack: \`pulumi stack tag set ${k} <workload>\` (${WORKLOAD_LIST}).`,
  );
  let messageId: keyof typeof MESSAGES;
  let data: Record<string, string>;
  if (declaration.state === "absent") {
    messageId = "workloadMissing";
    data = { subject: resourceSubject(view), what: briefly(what), setIt };
    notes.push(`Workloads: ${WORKLOAD_LIST}.`);
  } else if (declaration.state === "invalid") {
    const from = declaration.source === "stack" ? `the stack tag ${k}` : `its ${tagWord} ${k}`;
    messageId = "workloadInvalid";
    data = { subject: resourceSubject(view), what: briefly(what), from };
    notes.push(`Workloads: ${WORKLOAD_LIST} (the value is not shown).`);
  } else {
    messageId = "requiredTagsMissing";
    data = { subject: resourceSubject(view), what: briefly(what), tagWord: `${tagWord}${missing.length > 1 ? "s" : ""}`, tags: listJoin(missing.map((t) => displayKey(t))) };
  }
  const shownMissing = missing.map((t) => displayKey(t));
  if (missing.length > 0) {
    const sentence = `It lacks the required ${tagWord}${missing.length > 1 ? "s" : ""} ${listJoin(shownMissing)}: set ${missing.length > 1 ? "them" : "it"} on the resource${where ? ` (\`${where}\`)` : ""}${view.cloud === "aws" ? ", in the provider's defaultTags" : ""} or as a stack tag.`;
    if (messageId !== "requiredTagsMissing") notes.push(`It also lacks the required ${tagWord}${missing.length > 1 ? "s" : ""} ${listJoin(shownMissing)}.`);
    details.push(sentence);
  }
  details.push(`carbonguard uses the workload to check that the accelerator fits it (accelerator-fits-workload) and, with ${config.requiredTags.length > 0 ? "the required tags" : "tags such as team"}, to account carbon per workload and team.`);

  const figures: FigureRef[] = [];
  for (const s of accelerators.subjects) {
    const f = tdpFigure(s);
    if (f) figures.push(f);
  }
  return [
    findingOf(MESSAGES, {
      messageId,
      data,
      notes,
      details,
      ...(place ? { fix: { kind: "property" as const, path: place.replace(/`/g, "") + `.${k}`, value: "<workload>" } } : { fix: { kind: "action" as const, text: `pulumi stack tag set ${k} <workload>` } }),
      figures,
      suggestion: {
        tagKey: k,
        allowedValues: [...WORKLOADS],
        workload: declaration.state,
        ...(declaration.state === "invalid" ? { invalidSource: declaration.source } : {}),
        missingTags: shownMissing,
        ...(where ? { setOn: where } : { setOn: "stack tags" }),
        stackTagCommand: `pulumi stack tag set ${k} <workload>`,
      },
    }),
  ];
}

/** "carries accelerators (g2-standard-8: 1×L4, 72 W)" → "carries accelerators": the type and draw are in the details. */
function briefly(what: string): string {
  return what.replace(/\s*\([^()]*\)$/, "");
}

function carries(a: ReturnType<typeof classifyAccelerators>): string {
  const labels = [
    ...a.subjects.slice(0, 2).map((s) => describeAccelerator(s)),
    ...a.unrecognized.slice(0, 1).map((u) => (u.display ? `${u.display}: an accelerated type` : "an accelerated type")),
  ];
  if (labels.length > 0) return `carries accelerators (${labels.join("; ")})`;
  return "requests accelerators";
}

const examples: readonly RuleExample[] = [
  {
    title: "Untagged 8×H100 instance",
    verdict: "bad",
    resource: { type: "aws:ec2/instance:Instance", name: "trainer", props: { instanceType: "p5.48xlarge" }, providerProps: { region: "us-east-1" } },
    messageIds: ["workloadMissing"],
  },
  {
    title: "The same instance tagged ml-workload=training",
    verdict: "good",
    resource: { type: "aws:ec2/instance:Instance", name: "trainer", props: { instanceType: "p5.48xlarge", tags: { "ml-workload": "training" } } },
  },
  {
    title: "A stack tag declares the workload for every resource of the stack",
    verdict: "good",
    resource: { type: "aws:ec2/instance:Instance", name: "trainer", props: { instanceType: "p5.48xlarge" } },
    stackTags: { "ml-workload": "training" },
  },
  {
    title: "Provider default tags count as the resource's tags",
    verdict: "good",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm",
      props: { productionVariants: [{ variantName: "main", instanceType: "ml.g6.xlarge" }] },
      providerProps: { region: "eu-north-1", defaultTags: { tags: { "ml-workload": "inference" } } },
    },
  },
  {
    title: "A label value that is not a workload",
    verdict: "bad",
    resource: {
      type: "gcp:compute/instance:Instance",
      name: "gpu-vm",
      props: { zone: "europe-west4-a", machineType: "g2-standard-8", labels: { "ml-workload": "serving" } },
    },
    messageIds: ["workloadInvalid"],
  },
  {
    title: "requiredTags: the team tag is missing",
    verdict: "bad",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "gpu-pool",
      props: { location: "us-central1", nodeConfig: { machineType: "g2-standard-8", resourceLabels: { "ml-workload": "inference" } } },
    },
    config: { requiredTags: ["team"] },
    messageIds: ["requiredTagsMissing"],
  },
  {
    title: "requiredTags satisfied by a stack tag",
    verdict: "good",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "gpu-pool",
      props: { location: "us-central1", nodeConfig: { machineType: "g2-standard-8", resourceLabels: { "ml-workload": "inference" } } },
    },
    config: { requiredTags: ["team"] },
    stackTags: { team: "search" },
  },
  {
    title: "A GPU ECS task definition (GPU count in the JSON container definitions)",
    verdict: "bad",
    resource: {
      type: "aws:ecs/taskDefinition:TaskDefinition",
      name: "embedder",
      props: { family: "embedder", containerDefinitions: JSON.stringify([{ name: "app", image: "embedder", resourceRequirements: [{ type: "GPU", value: "1" }] }]) },
    },
    messageIds: ["workloadMissing"],
  },
  {
    title: "A CPU-only instance needs no declaration",
    verdict: "good",
    resource: { type: "aws:ec2/instance:Instance", name: "web", props: { instanceType: "m7g.large" } },
  },
];

export const mlWorkloadDeclared: ResourceRule<WorkloadDeclaredConfig> = {
  meta: {
    name: NAME,
    displayName: "Accelerator resources declare their ML workload",
    description: `Accelerator resources declare their workload (${WORKLOAD_LIST}) with the ml-workload tag/label or stack tag, plus any requiredTags (e.g. team).`,
    rationale: [
      "Whether an accelerator is the right one depends on what it runs: an 8-GPU training node serving inference burns energy on idle accelerators and unused interconnect (E07), while the same node is the right tool for distributed training. carbonguard can only check the fit (accelerator-fits-workload) and attribute emissions per workload and team in its reports when resources say what they are for. A stack tag declares the workload for a whole single-purpose stack; a resource's own tag/label (AWS provider defaultTags count) overrides it.",
      "",
      "Covered: every resource that carries GPUs, TPUs, Inferentia or Trainium according to carbonguard's catalog, including types that look accelerated but are not in the catalog yet (never treated as CPU), ECS/Batch GPU `resourceRequirements` and accelerated EKS AMI types. Auto Scaling group `tags` lists and GKE cluster `resourceLabels` are read too.",
      "",
      evidenceSection(["E07", "E15", "E23"]),
    ].join("\n"),
    kind: "resource",
    defaultLevel: "advisory",
    severity: "low",
    tags: ["carbon", "ml", "tagging", "accelerator"],
    remediationSteps:
      "Add the tag/label `ml-workload` (or your configured `workloadTagKey`) with one of training, inference, batch-inference, notebook or dev to the resource, or to the provider's default tags, or tag the stack: `pulumi stack tag set ml-workload training`. Add every key listed in `requiredTags` the same way.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate: (view, ctx) => evaluate(view, ctx),
  examples,
};
