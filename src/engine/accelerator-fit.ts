/**
 * Shared reading and suggesting for the accelerator policies (`ml-workload-declared`,
 * `accelerator-fits-workload`, `accelerator-current-generation`):
 *
 * - the workload a resource runs (tag/label, the workload its resource type implies, stack tag);
 * - each accelerator a resource carries, classified from the catalog (model, count, published TDP,
 *   workload class, generation, retired);
 * - replacement candidates, picked by one documented method (see `findCandidates`).
 *
 * Nothing here quotes a property value except catalog names and identifier-shaped tokens that
 * look like accelerator types: secrets reach policies as plaintext.
 */
import {
  ACCELERATOR_DATA_INFO,
  type GcpAcceleratorInfo,
  type Generation,
  type InstanceTypeInfo,
  type WorkloadClass,
  acceleratorModel,
  allGcpAccelerators,
  allInstanceTypes,
  cloudRunGpuRegions,
  looksAccelerated,
  lookupUncatalogedOffering,
  lookupInstanceType,
} from "../data/accelerators";
import { regionFacts } from "../data/regions";
import type { Cloud } from "../data/types";
import { DEFAULT_UTILIZATION, resolveUnit, unitMonthlyKg } from "../estimate";
import type { AcceleratorUse } from "./accelerator-scan";
import { safeName } from "./capacity";
import { shortCite, formatCount, formatPue, formatWatts, listJoin, percent, typeLabel } from "./format";
import type { FigureRef, FindingSaving } from "./rule";
import { formatPath, isOpaque, quoteToken, readObject } from "./values";
import type { ResourceView } from "./view";
import { Slot } from "./slots";
import { DEFAULT_WORKLOAD_KEY, WORKLOADS, type Workload, isWorkload } from "./workload";

// ---------------------------------------------------------------------------------------------
// Workload

export type WorkloadSource = "resource" | "resource-type" | "stack";

export type TagRead =
  | { readonly state: "value"; readonly value: string }
  | { readonly state: "opaque"; readonly path: string; readonly valueType: "string" | "object" | "array"; readonly wholeBag?: boolean }
  | { readonly state: "absent" };

export type WorkloadResolution =
  | { readonly state: "declared"; readonly workload: Workload; readonly source: WorkloadSource }
  | { readonly state: "invalid"; readonly source: "resource" | "stack" }
  | { readonly state: "unknown"; readonly path: string; readonly valueType: "string" | "object" | "array" }
  | { readonly state: "absent" };

/** Where a resource type keeps its tags/labels (for messages); undefined: it has none. */
export function tagLocation(view: ResourceView): string | undefined {
  const t = view.type;
  if (view.cloud === "aws") return "tags";
  if (t === "gcp:container/nodePool:NodePool") return "nodeConfig.resourceLabels";
  if (t === "gcp:container/cluster:Cluster") return "resourceLabels";
  if (t.startsWith("gcp:vertex/") || t === "gcp:tpu/v2QueuedResource:V2QueuedResource") return undefined;
  return "labels";
}

/** Reads one tag/label of the resource itself (with provider default tags), with a path for can't-evaluate. */
export function readResourceTag(view: ResourceView, key: string): TagRead {
  const where = tagLocation(view) ?? "labels";
  const own = view.tags.get(key);
  if (own?.state === "value") return { state: "value", value: own.value };
  if (own?.state === "opaque") return { state: "opaque", path: formatPath([...where.split("."), key]), valueType: "string" };
  if (view.tagsUnknown) return { state: "opaque", path: where, valueType: "object", wholeBag: true };
  return { state: "absent" };
}

/**
 * Whether the resource or the stack sets a tag to a non-empty value. A tag whose value is unknown
 * in preview counts as set; a tag bag that is unknown as a whole leaves it `unknown`.
 */
export function tagPresence(view: ResourceView, key: string): { readonly state: "present" | "missing" } | { readonly state: "unknown"; readonly path: string; readonly valueType: "string" | "object" | "array" } {
  const stack = view.stack.stackTags.get(key);
  if (stack !== undefined && stack.trim() !== "") return { state: "present" };
  const own = readResourceTag(view, key);
  if (own.state === "value") return { state: own.value.trim() !== "" ? "present" : "missing" };
  if (own.state === "opaque") return own.wholeBag ? { state: "unknown", path: own.path, valueType: own.valueType } : { state: "present" };
  return { state: "missing" };
}

function parseWorkload(value: string): Workload | undefined {
  const v = value.trim().toLowerCase();
  return isWorkload(v) ? v : undefined;
}

/** The declaration `ml-workload-declared` checks: the resource's tag/label, else the stack tag. */
export function declaredWorkloadOf(view: ResourceView, key: string = DEFAULT_WORKLOAD_KEY): WorkloadResolution {
  const own = readResourceTag(view, key);
  if (own.state === "opaque") return { state: "unknown", path: own.path, valueType: own.valueType };
  if (own.state === "value") {
    const w = parseWorkload(own.value);
    return w ? { state: "declared", workload: w, source: "resource" } : { state: "invalid", source: "resource" };
  }
  const stack = view.stack.stackTags.get(key);
  if (stack !== undefined) {
    const w = parseWorkload(stack);
    return w ? { state: "declared", workload: w, source: "stack" } : { state: "invalid", source: "stack" };
  }
  return { state: "absent" };
}

/**
 * The workload a resource runs, most specific first: its own tag/label; else what its resource
 * type implies (a SageMaker endpoint serves inference, a training job trains, notebooks are
 * notebooks); else the stack tag.
 */
export function resolveWorkload(view: ResourceView, key: string = DEFAULT_WORKLOAD_KEY): WorkloadResolution {
  const own = readResourceTag(view, key);
  if (own.state === "opaque") return { state: "unknown", path: own.path, valueType: own.valueType };
  if (own.state === "value") {
    const w = parseWorkload(own.value);
    if (w) return { state: "declared", workload: w, source: "resource" };
  }
  const implied = platformOf(view.type).implied;
  if (implied) return { state: "declared", workload: implied, source: "resource-type" };
  if (own.state === "value") return { state: "invalid", source: "resource" };
  return declaredWorkloadOf(view, key);
}

// ---------------------------------------------------------------------------------------------
// GKE clusters with inline node pools: one workload per pool, for every rule. A pool's own label
// (`nodePools[i].nodeConfig.resourceLabels`) wins over the cluster's labels and the stack tag, as
// ml-autoscale-to-zero and ml-training-guardrails read it (capacity.ts `workloadOf` + `labelIn`).

const GKE_CLUSTER = "gcp:container/cluster:Cluster";

/** The inline node pool an accelerator use sits in (`nodePools[2].nodeConfig.machineType` → 2), for GKE clusters. */
export function inlinePoolIndex(view: ResourceView, use: AcceleratorUse): number | undefined {
  if (view.type !== GKE_CLUSTER) return undefined;
  const m = /^nodePools\[(\d{1,6})\]\./.exec(use.path);
  return m ? Number(m[1]) : undefined;
}

/** Where an inline pool's labels live, for messages and can't-evaluate paths. */
export function poolLabelsPath(index: number): string {
  return `nodePools[${index}].nodeConfig.resourceLabels`;
}

/** The workload an inline pool declares itself; `absent` when it has no label of its own. */
export function poolWorkload(view: ResourceView, index: number, key: string): WorkloadResolution {
  const labels = readObject(view.props, ["nodePools", index, "nodeConfig", "resourceLabels"]);
  if (labels.state === "opaque") return { state: "unknown", path: labels.path, valueType: "object" };
  if (labels.state !== "value" || !Object.prototype.hasOwnProperty.call(labels.value, key)) return { state: "absent" };
  const value = labels.value[key];
  if (isOpaque(value)) return { state: "unknown", path: formatPath(["nodePools", index, "nodeConfig", "resourceLabels", key]), valueType: "string" };
  if (typeof value !== "string") return { state: "invalid", source: "resource" };
  const w = parseWorkload(value);
  return w ? { state: "declared", workload: w, source: "resource" } : { state: "invalid", source: "resource" };
}

/**
 * The workload that applies to one accelerator use: its inline pool's own label when it has one,
 * else `resourceWide` (the resource's labels, type or stack tag, as the calling rule resolves them).
 */
export function workloadOfUse(view: ResourceView, use: AcceleratorUse, key: string, resourceWide: WorkloadResolution): WorkloadResolution {
  const pool = inlinePoolIndex(view, use);
  if (pool === undefined) return resourceWide;
  const own = poolWorkload(view, pool, key);
  return own.state === "absent" ? resourceWide : own;
}

/** The accelerator role a workload needs: training, or inference for every other workload. */
export function roleOf(w: Workload): Role {
  return w === "training" ? "training" : "inference";
}

export function workloadPhrase(w: Workload): string {
  switch (w) {
    case "training":
      return "training";
    case "inference":
      return "inference";
    case "batch-inference":
      return "batch inference";
    case "notebook":
      return "a notebook";
    case "dev":
      return "development";
  }
}

/** "tag ml-workload=inference", "stack tag ml-workload=training", "a SageMaker endpoint serves inference". */
export function workloadSourcePhrase(view: ResourceView, w: Workload, source: WorkloadSource, key: string): string {
  const k = displayKey(key);
  const tagWord = view.cloud === "gcp" ? "label" : "tag";
  switch (source) {
    case "resource":
      return `${tagWord} ${k}=${w}`;
    case "stack":
      return `stack tag ${k}=${w}`;
    case "resource-type":
      return platformOf(view.type).impliedBecause ?? `its resource type implies ${w}`;
  }
}

/** A config-supplied tag key, quoted only when identifier-shaped. */
export function displayKey(key: string): string {
  return quoteToken(key) ?? "the configured tag";
}

/** "training, inference, batch-inference, notebook or dev" */
export const WORKLOAD_LIST = `${WORKLOADS.slice(0, -1).join(", ")} or ${WORKLOADS[WORKLOADS.length - 1]}`;

// ---------------------------------------------------------------------------------------------
// Platforms: which catalog types can replace an accelerator on this resource type

export type SageMakerUse = "hosting" | "training" | "notebook" | "studio";

export interface PlatformInfo {
  readonly platform: "ec2" | "sagemaker" | "gce" | "gke" | "vertex" | "tpu-vm" | "cloud-run" | "other";
  readonly sagemakerUse?: SageMakerUse;
  /** TPU host machine types (ct5lp-…) are valid machine types here (GKE node pools, Vertex). */
  readonly tpuHosts?: boolean;
  readonly implied?: Workload;
  readonly impliedBecause?: string;
}

export function platformOf(type: string): PlatformInfo {
  switch (type) {
    case "aws:sagemaker/endpointConfiguration:EndpointConfiguration":
      return { platform: "sagemaker", sagemakerUse: "hosting", implied: "inference", impliedBecause: "a SageMaker endpoint serves inference" };
    case "aws-native:sagemaker:InferenceComponent":
      return { platform: "sagemaker", sagemakerUse: "hosting", implied: "inference", impliedBecause: "a SageMaker inference component serves inference" };
    case "aws:sagemaker/trainingJob:TrainingJob":
      return { platform: "sagemaker", sagemakerUse: "training", implied: "training", impliedBecause: "a SageMaker training job trains" };
    case "aws:sagemaker/notebookInstance:NotebookInstance":
      return { platform: "sagemaker", sagemakerUse: "notebook", implied: "notebook", impliedBecause: "a SageMaker notebook instance is a notebook" };
    case "aws:sagemaker/domain:Domain":
    case "aws:sagemaker/userProfile:UserProfile":
    case "aws:sagemaker/space:Space":
      return { platform: "sagemaker", sagemakerUse: "studio", implied: "notebook", impliedBecause: "SageMaker Studio apps are notebooks" };
    case "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool":
    case "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment":
      return { platform: "vertex", tpuHosts: true, implied: "inference", impliedBecause: "a Vertex AI deployment serves inference" };
    case "gcp:workbench/instance:Instance":
      return { platform: "gce", implied: "notebook", impliedBecause: "a Vertex AI Workbench instance is a notebook" };
    case "gcp:colab/runtimeTemplate:RuntimeTemplate":
      return { platform: "gce", implied: "notebook", impliedBecause: "a Colab Enterprise runtime is a notebook" };
    case "gcp:cloudrunv2/service:Service":
      return { platform: "cloud-run", implied: "inference", impliedBecause: "a Cloud Run service serves requests" };
    case "gcp:cloudrunv2/job:Job":
    case "gcp:cloudrunv2/workerPool:WorkerPool":
      return { platform: "cloud-run" };
  }
  if (type.startsWith("aws:")) return { platform: "ec2" };
  if (type.startsWith("gcp:container/")) return { platform: "gke", tpuHosts: true };
  if (type.startsWith("gcp:tpu/")) return { platform: "tpu-vm" };
  if (type.startsWith("gcp:vertex/")) return { platform: "vertex", tpuHosts: true };
  if (type.startsWith("gcp:")) return { platform: "gce" };
  return { platform: "other" };
}

// ---------------------------------------------------------------------------------------------
// Classifying what a resource carries

/** What a catalog type (or attached accelerator) carries: the same for a resource's subject and for a candidate. */
export interface AcceleratorFacts {
  readonly model: string;
  readonly shortModel: string;
  readonly count: number;
  readonly tdpWPerDevice: number | null;
  readonly tdpWTotal: number | null;
  readonly tdpBasis: string;
  readonly memoryGbPerDevice: number | null;
  readonly workloadClass: WorkloadClass;
  readonly chipYear: number | null;
}

export interface AcceleratorSubject extends AcceleratorFacts {
  readonly use: AcceleratorUse;
  readonly cloud: Cloud;
  /** Canonical display name: "ml.p4d.24xlarge", "a3-highgpu-8g", "nvidia-tesla-k80". */
  readonly label: string;
  /** Names `allowedTypes` patterns are matched against (type, EC2 twin, family, token). */
  readonly names: readonly string[];
  readonly family: string;
  readonly kind: "machine" | "attached";
  readonly vendor: string;
  readonly generation: Generation;
  readonly retired: boolean;
  readonly sagemaker: boolean;
  /** Chips that cannot train (AWS Inferentia/Inferentia2, Qualcomm Cloud AI 100). */
  readonly inferenceOnly: boolean;
}

export interface UnrecognizedAccelerator {
  readonly use: AcceleratorUse;
  /** The type as written, when it is safe to quote (looks like an accelerator type name). */
  readonly display: string | undefined;
  /** What the offerings file says it carries, for types offered but not yet classified. */
  readonly offeredWith: string | undefined;
}

export interface ClassifiedAccelerators {
  readonly subjects: readonly AcceleratorSubject[];
  readonly unrecognized: readonly UnrecognizedAccelerator[];
  /** Uses with no type on this resource (GPU counts, EKS AMI types, attribute-based selection). */
  readonly typeless: readonly AcceleratorUse[];
  readonly unknownPaths: readonly string[];
}

const INFERENCE_ONLY = /inferentia|cloud ai 100/i;

/** Several rules classify the same view: the result depends on the view alone, so it is kept with it. */
const classified = new Slot<ResourceView, ClassifiedAccelerators>();

const NONE_CLASSIFIED: ClassifiedAccelerators = Object.freeze({ subjects: Object.freeze([]), unrecognized: Object.freeze([]), typeless: Object.freeze([]), unknownPaths: Object.freeze([]) });

export function classifyAccelerators(view: ResourceView): ClassifiedAccelerators {
  // Most resources of a stack carry none: nothing to classify or keep (several rules ask of each).
  if (!view.cloud) return NONE_CLASSIFIED;
  const scan = view.accelerators;
  if (scan.uses.length === 0) return scan.unknownPaths.length === 0 ? NONE_CLASSIFIED : { ...NONE_CLASSIFIED, unknownPaths: scan.unknownPaths };
  let hit = classified.get(view);
  if (hit === undefined) classified.set(view, (hit = classifyAcceleratorsUncached(view)));
  return hit;
}

function classifyAcceleratorsUncached(view: ResourceView): ClassifiedAccelerators {
  const cloud = view.cloud;
  const subjects: AcceleratorSubject[] = [];
  const unrecognized: UnrecognizedAccelerator[] = [];
  const typeless: AcceleratorUse[] = [];
  if (!cloud) return NONE_CLASSIFIED;
  // Keyed by inline pool (GKE clusters): each pool is its own machine, judged by its own workload.
  const poolKey = (use: AcceleratorUse) => `${inlinePoolIndex(view, use) ?? ""}|`;
  const machineTokens = new Set<string>();
  for (const use of view.accelerators.uses) {
    if (use.instanceType?.gcpAcceleratorToken) machineTokens.add(poolKey(use) + use.instanceType.gcpAcceleratorToken);
  }
  const seen = new Set<string>();
  const seenUnknown = new Set<string>();
  for (const use of view.accelerators.uses) {
    let subject: AcceleratorSubject | undefined;
    if (use.instanceType) subject = fromInstanceType(use, use.instanceType);
    else if (use.gcpAccelerator) {
      // a2/a3/g2 machine types carry their GPUs; a guestAccelerators entry repeating them is the same device.
      if (machineTokens.has(poolKey(use) + use.gcpAccelerator.token)) continue;
      subject = fromGcpAccelerator(use, use.gcpAccelerator);
    }
    if (subject) {
      const key = `${poolKey(use)}${subject.label}×${subject.count}`;
      if (!seen.has(key)) {
        seen.add(key);
        subjects.push(subject);
      }
      continue;
    }
    if (use.via === "instance-type" || use.via === "tpu-type" || use.via === "gcp-accelerator") {
      const display = displayUnknownType(cloud, use.token);
      const key = display ?? use.path;
      if (seenUnknown.has(key)) continue;
      seenUnknown.add(key);
      const offered = use.token ? lookupUncatalogedOffering(cloud, use.token) : undefined;
      unrecognized.push({ use, display, offeredWith: offered && /^[\w .,()×x+-]{1,80}$/.test(offered.accelerator) ? offered.accelerator : undefined });
    } else {
      typeless.push(use);
    }
  }
  return { subjects, unrecognized, typeless, unknownPaths: view.accelerators.unknownPaths };
}

function fromInstanceType(use: AcceleratorUse, info: InstanceTypeInfo & { readonly sagemakerUpperBound?: boolean }): AcceleratorSubject {
  let facts = machineSubjects.get(info);
  if (facts === undefined) machineSubjects.set(info, (facts = machineSubject(info, info.sagemakerUpperBound === true)));
  return { ...facts, use };
}

/** What an instance type named on another resource (a joined launch template, an ECS placement constraint, a Batch compute environment) carries. */
export type NamedTypeClass =
  | { readonly state: "accelerated"; readonly subject: AcceleratorSubject }
  /** Looks accelerated, but the catalog does not describe it (a new type, a family name like `g5`). */
  | { readonly state: "unrecognized" }
  | { readonly state: "cpu" };

/** Classifies an instance type the way the scanner does for a resource's own type fields. */
export function classifyNamedType(cloud: Cloud, type: string, path: string): NamedTypeClass {
  const info = lookupInstanceType(cloud, type);
  if (info) {
    const token = quoteToken(type.trim());
    return { state: "accelerated", subject: fromInstanceType({ path, via: info.kind === "tpu" ? "tpu-type" : "instance-type", ...(token ? { token } : {}), count: info.acceleratorCount, instanceType: info, recognized: true }, info) };
  }
  return looksAccelerated(cloud, type) ? { state: "unrecognized" } : { state: "cpu" };
}

/**
 * What a catalog type carries, without the use: the same for every resource of that type, so it
 * is built once per lookup result (kept by the catalog's lookup cache; each subject only adds its
 * use). A SageMaker lookup is its own result, flagged `sagemakerUpperBound`.
 */
const machineSubjects = new WeakMap<InstanceTypeInfo, Omit<AcceleratorSubject, "use">>();

function machineSubject(info: InstanceTypeInfo, sagemaker: boolean): Omit<AcceleratorSubject, "use"> {
  const label = sagemaker ? (info.sagemaker?.mlType ?? `ml.${info.name}`) : info.name;
  return {
    ...instanceTypeFacts(info),
    cloud: info.cloud,
    label,
    names: instanceTypeNames(info, label),
    family: info.family,
    kind: "machine",
    vendor: info.acceleratorVendor,
    generation: info.generation,
    retired: info.retired,
    sagemaker,
    inferenceOnly: INFERENCE_ONLY.test(info.acceleratorModel),
  };
}

function fromGcpAccelerator(use: AcceleratorUse, info: GcpAcceleratorInfo): AcceleratorSubject {
  // GCE accepts 1–16 devices; anything outside a sane range is a typo or hostile input: assume one.
  const count = use.count !== undefined && Number.isFinite(use.count) && use.count >= 0.01 && use.count <= 4096 ? use.count : 1;
  const trainingBySize = info.trainingClassMinCount !== undefined && count >= info.trainingClassMinCount;
  return {
    ...gcpAcceleratorFacts(info, count),
    ...(trainingBySize ? { workloadClass: "training" as const } : {}),
    use,
    cloud: "gcp",
    label: info.token,
    names: [info.token, shortModelName(info.model).toLowerCase()],
    family: info.token,
    kind: "attached",
    vendor: info.vendor,
    generation: info.generation,
    retired: info.retired,
    sagemaker: false,
    inferenceOnly: INFERENCE_ONLY.test(info.model),
  };
}

/** The accelerators of a catalog instance/machine/TPU type. */
function instanceTypeFacts(info: InstanceTypeInfo): AcceleratorFacts {
  return {
    model: info.acceleratorModel,
    shortModel: shortModelName(info.acceleratorModel),
    count: info.acceleratorCount,
    tdpWPerDevice: info.tdpWPerDevice,
    tdpWTotal: tdpTotal(info.tdpWPerDevice, info.acceleratorCount),
    tdpBasis: info.tdpBasis,
    memoryGbPerDevice: info.acceleratorMemoryGbPerDevice,
    workloadClass: info.workloadClass,
    chipYear: acceleratorModel(info.acceleratorModel)?.chipYear ?? info.launchYear,
  };
}

/** `count` devices of a GCP accelerator token. */
function gcpAcceleratorFacts(info: GcpAcceleratorInfo, count: number): AcceleratorFacts {
  return {
    model: info.model,
    shortModel: shortModelName(info.model),
    count,
    tdpWPerDevice: info.tdpWPerDevice,
    tdpWTotal: tdpTotal(info.tdpWPerDevice, count),
    tdpBasis: info.tdpBasis,
    memoryGbPerDevice: info.memoryGbPerDevice,
    workloadClass: info.workloadClass,
    chipYear: acceleratorModel(info.model)?.chipYear ?? null,
  };
}

/** What `allowedTypes` patterns are matched against: the label, the type, its family and the other names it goes by. */
function instanceTypeNames(info: InstanceTypeInfo, label: string): string[] {
  const names = [label, info.name, info.family];
  if (info.gcpAcceleratorToken) names.push(info.gcpAcceleratorToken);
  if (info.tpuSliceType) names.push(info.tpuSliceType);
  if (info.hostMachineType) names.push(info.hostMachineType);
  return names;
}

function tdpTotal(perDevice: number | null, count: number): number | null {
  return perDevice !== null && perDevice > 0 && count > 0 ? perDevice * count : null;
}

/**
 * An unknown type is named in a message only when it looks accelerated. Its token already has the
 * exact shape of a type or accelerator name: the scanner keeps no other (`typeShapedToken`,
 * `acceleratorShapedToken` in ./accelerator-scan), so a secret pasted into a type field is never echoed.
 */
function displayUnknownType(cloud: Cloud, token: string | undefined): string | undefined {
  if (token === undefined || token.length > 48) return undefined;
  if (looksAccelerated(cloud, token)) return token;
  return cloud === "gcp" && /^(nvidia|tpu|amd)[-_]/i.test(token) ? token : undefined;
}

/** "NVIDIA A100 SXM4 40GB" → "A100", "Google TPU v6e (Trillium)" → "TPU v6e", "AWS Inferentia2" → "Inferentia2". */
export function shortModelName(model: string): string {
  const base = model
    .replace(/\([^)]*\)/g, " ")
    .replace(/^\s*(NVIDIA|AWS|Google|Intel|Qualcomm|AMD)\s+/i, "")
    .replace(/^\s*Habana\s+/i, "")
    .trim();
  const tpu = /^TPU\s+\S+/i.exec(base);
  if (tpu) return tpu[0];
  const ai100 = /^Cloud AI 100/i.exec(base);
  if (ai100) return ai100[0];
  return base.split(/\s+/)[0] || model;
}

/** The accelerator rules import it from here; it lives with the other text helpers (./format). */
export { formatCount };

export function formatTdp(watts: number | null): string {
  return watts === null ? "TDP not published" : formatWatts(watts);
}

/** A catalog model name without parenthetical notes: "NVIDIA K80 (1 GK210 die)" → "NVIDIA K80". */
export function plainModelName(model: string): string {
  return model.replace(/\s*\([^)]*\)/g, "").trim() || model;
}

/** "p4d.24xlarge: 8×A100, 3.2 kW" */
export function describeAccelerator(a: { readonly label: string; readonly count: number; readonly shortModel: string; readonly tdpWTotal: number | null }): string {
  return `${a.label}: ${formatCount(a.count)}×${a.shortModel}, ${formatTdp(a.tdpWTotal)}`;
}

/** "inf2.xlarge: 1×Inferentia2" (for types without a published TDP, listed apart). */
export function describeUnpublished(a: { readonly label: string; readonly count: number; readonly shortModel: string }): string {
  return `${a.label}: ${formatCount(a.count)}×${a.shortModel}`;
}

/**
 * "ml.zz9.xlarge, which looks like an accelerated type that carbonguard's accelerator catalog does
 * not know (offered with …, not yet classified)": the type is named only when it is safe to quote.
 */
export function describeUnrecognized(u: UnrecognizedAccelerator): string {
  const what = u.display ? `${u.display}, which looks like an accelerated type` : "an accelerated-looking type";
  const offered = u.offeredWith ? ` (offered with ${u.offeredWith}, not yet classified)` : "";
  return `${what} that carbonguard's accelerator catalog does not know${offered}`;
}

export function tdpFigure(a: { readonly label: string; readonly count: number; readonly model: string; readonly tdpWPerDevice: number | null; readonly tdpWTotal: number | null; readonly tdpBasis: string; readonly chipYear: number | null }): FigureRef | undefined {
  if (a.tdpWTotal === null || a.tdpWPerDevice === null) return undefined;
  return {
    label: `${a.label} accelerator TDP`,
    value: a.tdpWTotal,
    unit: "W",
    source: "carbonguard accelerator catalog",
    year: a.chipYear ?? 0,
    basis: `${formatCount(a.count)} × ${a.model} at ${a.tdpWPerDevice} W per device (${a.tdpBasis || "published TDP"})`,
  };
}

export function resourceSubject(view: ResourceView): string {
  return `${typeLabel(view.type)} '${safeName(view.name)}'`;
}

// ---------------------------------------------------------------------------------------------
// Candidates

export type Role = "inference" | "training";

export interface Candidate extends AcceleratorFacts {
  /** Name as the resource would write it: "ml.g6.xlarge", "g2-standard-4", "v6e-1", "nvidia-l4". */
  readonly label: string;
  readonly names: readonly string[];
  readonly regions: readonly string[];
  readonly vcpu: number;
}

export interface CandidateQuery {
  readonly cloud: Cloud;
  readonly platform: PlatformInfo;
  readonly role: Role;
  /** `smallest`: fewest accelerators of each model (downsizing); `closest`: nearest to `count` (like for like). */
  readonly sizing: "smallest" | "closest";
  readonly count: number;
  readonly region: string | undefined;
  /** Only candidates that satisfy this (allowedTypes by name; accelerator-fits-model by memory). */
  readonly accept?: (names: readonly string[], candidate: Candidate) => boolean;
  /** Ignore the role (allowedTypes replaces the class check). */
  readonly anyRole?: boolean;
  readonly exclude?: ReadonlySet<string>;
}

export interface CandidateResult {
  /** Up to three models with a published TDP, lowest total accelerator TDP first. */
  readonly ranked: readonly Candidate[];
  /** Up to two models without a published TDP (Neuron, TPU): never ranked by TDP. */
  readonly unpublished: readonly Candidate[];
  /** Whether availability in `region` was checked (known region inside the catalog's coverage). */
  readonly regionChecked: boolean;
  readonly sagemakerUpperBound: boolean;
}

/** The caveat on SageMaker availability, which the catalog infers from the EC2 twin's offerings. */
export const SAGEMAKER_UPPER_BOUND_NOTE = "SageMaker availability is inferred from EC2 offerings (an upper bound): verify on the SageMaker pricing page.";

export const CANDIDATE_METHOD =
  "same cloud and service; offered in the resource's region (catalog offerings; for SageMaker the EC2 twin's regions, an upper bound); current generation; of the workload's class (inference: inference- or both-class; training: training- or both-class; never graphics); one size per accelerator model — the smallest for inference-type workloads, the closest in accelerator count otherwise; ranked by total published accelerator TDP, lowest first; Neuron and TPU types (no published TDP) listed after them, unranked. Accelerator memory needed by the model is not known to carbonguard: pick the size that holds it.";

/** Candidate pools depend only on the cloud and the platform (the catalog is fixed): built once each. */
const poolCache = new Map<string, readonly Candidate[]>();

function platformPool(cloud: Cloud, platform: PlatformInfo): readonly Candidate[] {
  const key = `${cloud}|${platform.platform}|${platform.sagemakerUse ?? ""}|${platform.tpuHosts === true}`;
  let pool = poolCache.get(key);
  if (pool === undefined) {
    pool = Object.freeze(buildPlatformPool(cloud, platform).map((c) => Object.freeze(c)));
    poolCache.set(key, pool);
  }
  return pool;
}

function buildPlatformPool(cloud: Cloud, platform: PlatformInfo): Candidate[] {
  if (platform.platform === "cloud-run") {
    return allGcpAccelerators()
      .filter((t) => t.kind === "gpu" && t.generation === "current" && !t.retired)
      .map((t) => ({ t, regions: cloudRunGpuRegions(t.token).map((r) => r.region) }))
      .filter(({ regions }) => regions.length > 0)
      .map(({ t, regions }) => ({ ...gcpAcceleratorFacts(t, 1), label: t.token, names: [t.token], regions, vcpu: 0 }));
  }
  const types = allInstanceTypes(cloud).filter((t) => {
    if (platform.platform === "tpu-vm") return t.kind === "tpu";
    if (t.kind !== "machine") return false;
    if (cloud === "gcp" && t.tpuSliceType !== undefined && !platform.tpuHosts) return false;
    if (platform.platform === "sagemaker") return platform.sagemakerUse !== undefined && t.sagemaker?.[platform.sagemakerUse] === true;
    return true;
  });
  return types
    .filter((t) => t.generation === "current" && !t.retired && t.regions.length > 0)
    .map((t) => {
      const label = platform.platform === "sagemaker" ? (t.sagemaker?.mlType ?? `ml.${t.name}`) : t.name;
      return { ...instanceTypeFacts(t), label, names: instanceTypeNames(t, label), regions: t.regions, vcpu: t.vcpu ?? 0 };
    });
}

function regionCovered(cloud: Cloud, platform: PlatformInfo, region: string): boolean {
  if (platform.platform === "cloud-run") return true;
  // No catch: the only failure is a broken catalog file, which must surface as the rule's error
  // (fail closed), not as "region not covered" silently dropping the alternatives.
  return ACCELERATOR_DATA_INFO.availability[cloud]?.regionsCovered.includes(region) ?? false;
}

function roleFits(role: Role, cls: WorkloadClass): boolean {
  if (cls === "graphics") return false;
  return cls === "both" || cls === role;
}

/**
 * Replacement candidates by the documented method (`CANDIDATE_METHOD`). Deterministic: ties are
 * broken by accelerator count, vCPUs and name.
 */
export function findCandidates(q: CandidateQuery): CandidateResult {
  const regionChecked = q.region !== undefined && regionCovered(q.cloud, q.platform, q.region);
  const pool = platformPool(q.cloud, q.platform).filter(
    (c) =>
      c.workloadClass !== "graphics" &&
      (q.anyRole || roleFits(q.role, c.workloadClass)) &&
      (!regionChecked || c.regions.includes(q.region as string)) &&
      (q.accept ? q.accept(c.names, c) : true) &&
      !(q.exclude?.has(c.label) ?? false),
  );
  const byModel = new Map<string, Candidate>();
  const score = (c: Candidate): [number, number, number] =>
    q.sizing === "smallest" ? [c.count, c.count, c.vcpu] : [Math.abs(c.count - q.count), c.count, c.vcpu];
  for (const c of pool) {
    const prev = byModel.get(c.shortModel);
    const order = prev ? compareTuple(score(c), score(prev)) : -1;
    if (order < 0 || (order === 0 && c.label < prev!.label)) byModel.set(c.shortModel, c);
  }
  const picks = [...byModel.values()];
  const ranked = picks
    .filter((c) => c.tdpWTotal !== null)
    .sort((a, b) => (a.tdpWTotal as number) - (b.tdpWTotal as number) || a.count - b.count || a.vcpu - b.vcpu || a.label.localeCompare(b.label))
    .slice(0, 3);
  const exact = (c: Candidate) => (c.workloadClass === q.role ? 0 : 1);
  const unpublished = picks
    .filter((c) => c.tdpWTotal === null)
    .sort((a, b) => exact(a) - exact(b) || (b.chipYear ?? 0) - (a.chipYear ?? 0) || a.label.localeCompare(b.label))
    .slice(0, 2);
  return { ranked, unpublished, regionChecked, sagemakerUpperBound: q.platform.platform === "sagemaker" && regionChecked };
}

function compareTuple(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Why an alternative that draws more power is still suggested (RULES.md: perf per watt, E13). */
export const MORE_WORK_PER_JOULE = "does more work per joule, so the same work takes less energy";
export const DRAWS_MORE_REASON = `draws more power, but ${MORE_WORK_PER_JOULE}`;

/**
 * "ml.g6.xlarge: 1×L4, 72 W (−98%)", or "(+700%, draws more)" for an alternative with a higher
 * accelerator TDP than the current choice; `drawsMoreNote` then says why it is suggested anyway,
 * so no one reads it as a power saving.
 */
export function describeCandidate(c: Candidate, fromTdp: number | null): string {
  const base = describeAccelerator(c);
  if (!drawsMore(c, fromTdp)) return fromTdp !== null && c.tdpWTotal !== null && c.tdpWTotal < fromTdp ? `${base} (−${percent(fromTdp - c.tdpWTotal, fromTdp)}%)` : base;
  return `${base} (+${percent((c.tdpWTotal as number) - (fromTdp as number), fromTdp as number)}%, draws more)`;
}

function drawsMore(c: Candidate, fromTdp: number | null): boolean {
  return fromTdp !== null && c.tdpWTotal !== null && c.tdpWTotal > fromTdp;
}

/** The sentence a list with alternatives that draw more power needs: which, and why they are suggested. */
export function drawsMoreNote(candidates: readonly Candidate[], from: AcceleratorSubject): string | undefined {
  const more = candidates.filter((c) => drawsMore(c, from.tdpWTotal));
  if (more.length === 0) return undefined;
  const which = more.length === candidates.length ? "Each of these alternatives" : listJoin(more.map((c) => c.label));
  return `${which} draws more accelerator power than ${from.label} (${formatWatts(from.tdpWTotal as number)}); suggested because ${more.length === 1 ? "it" : "each"} ${MORE_WORK_PER_JOULE}.`;
}

export function candidateRecord(c: Candidate, fromTdp: number | null): Record<string, unknown> {
  return {
    type: c.label,
    acceleratorModel: c.model,
    acceleratorCount: c.count,
    acceleratorMemoryGbPerDevice: c.memoryGbPerDevice,
    acceleratorTdpW: c.tdpWTotal,
    workloadClass: c.workloadClass,
    ...(fromTdp !== null && c.tdpWTotal !== null ? { tdpChangePercent: -percent(fromTdp - c.tdpWTotal, fromTdp) } : {}),
    ...(drawsMore(c, fromTdp) ? { drawsMorePower: true, reason: DRAWS_MORE_REASON } : {}),
  };
}

/** Where the resource runs, for candidate filtering; undefined when not known. */
export function knownRegion(view: ResourceView): string | undefined {
  return view.region.state === "known" ? view.region.region : undefined;
}

/** A sentence on the region the candidates were checked against. */
export function availabilityPhrase(view: ResourceView, result: CandidateResult): string {
  const region = knownRegion(view);
  if (result.regionChecked && region) return `offered in ${region}`;
  if (region) return `(availability in ${region} not covered by carbonguard's offerings data: not checked)`;
  return "(the resource's region is not known: availability not checked)";
}

/**
 * The end of "No current … type in carbonguard's catalog is …": where none was found ("offered in
 * us-east-1"), or "known for this service" when the region could not be checked.
 */
export function noneFoundPhrase(view: ResourceView, result: CandidateResult): string {
  const region = knownRegion(view);
  return result.regionChecked && region ? `offered in ${region}` : "known for this service";
}

// ---------------------------------------------------------------------------------------------
// Families to name when a type is retired (no regional suggestion is possible)

/** "g6 (NVIDIA L4) or inf2 (AWS Inferentia2) for inference, p5 (NVIDIA H100) … for training" when the role is not known. */
export function currentFamiliesText(cloud: Cloud, subject: AcceleratorSubject, role: Role | undefined): string {
  if (role) return `${currentFamilies(cloud, subject, role)} for ${role}`;
  return `${currentFamilies(cloud, subject, "inference")} for inference; ${currentFamilies(cloud, subject, "training")} for training`;
}

export function currentFamilies(cloud: Cloud, subject: AcceleratorSubject, role: Role): string {
  const tpu = /^TPU/i.test(subject.shortModel);
  if (tpu) return role === "training" ? "TPU v5p or v6e (Trillium)" : "TPU v6e (Trillium) or v5e";
  if (cloud === "aws") return role === "training" ? "p5 (NVIDIA H100) or trn1/trn2 (AWS Trainium)" : "g6 (NVIDIA L4) or inf2 (AWS Inferentia2)";
  return role === "training" ? "a3 (NVIDIA H100)" : "g2 (NVIDIA L4)";
}

/** Which evidence rows speak to a generation upgrade of this accelerator. */
export function generationEvidence(subject: { readonly shortModel: string }): string[] {
  const m = subject.shortModel.toLowerCase();
  if (m.startsWith("tpu")) return ["E09", "E11"];
  if (m.startsWith("inferentia")) return ["E06"];
  if (m.startsWith("trainium") || m.startsWith("gaudi")) return ["E02", "E08"];
  return ["E13"];
}

// ---------------------------------------------------------------------------------------------
// allowedTypes globs

/** `g6.*`, `ml.g6e.*`, `a3-highgpu-?g`, `g6` (a family): case-insensitive, `*` and `?` wildcards. */
export function compileGlob(pattern: string): RegExp | undefined {
  const p = pattern.trim().toLowerCase();
  if (p === "" || p.length > 100) return undefined;
  const body = p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  try {
    return new RegExp(`^${body}$`);
  } catch {
    // Unreachable in practice (every metacharacter but * and ? is escaped above). Dropping the
    // pattern is safe: allowedTypes only exempts types, so a pattern that matches nothing can only
    // make the rule stricter, never let a resource through.
    return undefined;
  }
}

export function matchesAny(patterns: readonly RegExp[], names: readonly string[]): boolean {
  return names.some((n) => patterns.some((re) => re.test(n.toLowerCase())));
}


// ---------------------------------------------------------------------------------------------
// The saving a replacement brings, from the estimator (the same numbers the reports use)

export interface ReplacementSaving {
  readonly kgPerMonth: number;
  /** The short basis for a finding's saving: what changes, per what, and the grid figure with its source. */
  readonly basis: string;
  readonly text: string;
  readonly figures: readonly FigureRef[];
}

/**
 * kgCO2e per month saved per running instance by replacing `from` with `to` in the resource's
 * region, at the estimator's default utilization (CCF 50%), operational only. Undefined when either
 * side is not a machine type the estimator can size, the region is unknown, or nothing is saved.
 */
export function replacementSaving(view: ResourceView, from: AcceleratorSubject, to: Candidate): ReplacementSaving | undefined {
  if (from.kind !== "machine" || view.region.state !== "known") return undefined;
  const facts = regionFacts(from.cloud, view.region.region);
  if (!facts?.gridIntensity) return undefined;
  const unit = (instanceType: string) => resolveUnit({ kind: "instance", cloud: from.cloud, instanceType }, DEFAULT_UTILIZATION);
  const a = unit(from.label);
  const b = unit(to.label);
  if (!("power" in a) || !("power" in b)) return undefined;
  const kgFrom = unitMonthlyKg(a.power.watts, facts);
  const kgTo = unitMonthlyKg(b.power.watts, facts);
  if (kgFrom === undefined || kgTo === undefined || !(kgFrom - kgTo > 0)) return undefined;
  const kg = kgFrom - kgTo;
  const rounded = kg >= 10 ? Math.round(kg).toLocaleString("en-US") : kg.toFixed(1);
  return {
    kgPerMonth: kg,
    basis: `switching to ${to.label}, per instance at ${DEFAULT_UTILIZATION * 100}% utilization; ${Math.round(facts.gridIntensity.value)} gCO2e/kWh, ${shortCite(facts.gridIntensity)}`,
    text: `Switching to ${to.label} saves ≈ ${rounded} kgCO2e/month per running instance in ${facts.region} (≈${formatWatts(a.power.watts)} → ≈${formatWatts(b.power.watts)} average draw at ${DEFAULT_UTILIZATION * 100}% utilization, CCF method; ${formatPue(facts.pue)}; ${Math.round(facts.gridIntensity.value)} gCO2e/kWh, Electricity Maps ${facts.gridIntensity.year}).`,
    figures: [
      { label: `${facts.region} grid intensity`, ...facts.gridIntensity },
      { label: `${facts.region} PUE`, ...facts.pue },
      ...a.power.assumptions,
    ],
  };
}

/**
 * Adds what every fit/generation finding says about its alternatives: the first one's estimated
 * saving (message, figures and `estimatedKgCo2ePerMonthSaved`), each one's TDP provenance, and the
 * machine-readable list with the method that chose it.
 */
export function recordAlternatives(
  view: ResourceView,
  subject: AcceleratorSubject,
  result: CandidateResult,
  finding: { readonly parts: string[]; readonly figures: FigureRef[]; readonly suggestion: Record<string, unknown> },
): FindingSaving | undefined {
  const best = result.ranked[0];
  const saving = best ? replacementSaving(view, subject, best) : undefined;
  if (saving) {
    finding.parts.push(saving.text);
    finding.figures.push(...saving.figures);
    finding.suggestion["estimatedKgCo2ePerMonthSaved"] = Math.round(saving.kgPerMonth * 10) / 10;
  }
  const all = [...result.ranked, ...result.unpublished];
  for (const c of all) {
    const f = tdpFigure(c);
    if (f) finding.figures.push(f);
  }
  finding.suggestion["region"] = knownRegion(view) ?? null;
  finding.suggestion["regionChecked"] = result.regionChecked;
  finding.suggestion["alternatives"] = all.map((c) => candidateRecord(c, subject.tdpWTotal));
  finding.suggestion["method"] = CANDIDATE_METHOD;
  return saving ? { kgCo2ePerMonth: saving.kgPerMonth, basis: saving.basis } : undefined;
}
