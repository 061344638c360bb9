/**
 * What accelerators a resource carries, classified from the catalog (model, count, published TDP,
 * memory, workload class, generation, retired), and how messages describe them. Shared by the
 * accelerator rules (`ml-workload-declared`, `accelerator-fits-workload`,
 * `accelerator-current-generation`, `accelerator-fits-model`) and the candidates they suggest
 * (./accelerator-alternatives), so a subject and its replacement are described the same way.
 *
 * Nothing here quotes a property value except catalog names and identifier-shaped tokens that look
 * like accelerator types: secrets reach policies as plaintext.
 */
import {
  type GcpAcceleratorInfo,
  type Generation,
  type InstanceTypeInfo,
  type WorkloadClass,
  acceleratorModel,
  looksAccelerated,
  lookupInstanceType,
  lookupUncatalogedOffering,
} from "../data/accelerators";
import type { Cloud } from "../data/types";
import type { AcceleratorUse } from "./accelerator-scan";
import { quoteToken } from "./values";
import { formatCount, formatWatts } from "./format";
import type { FigureRef } from "./rule";
import type { ResourceView } from "./view";
import { Slot } from "./slots";
import { inlinePoolIndex } from "./workload-resolution";

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
export function instanceTypeFacts(info: InstanceTypeInfo): AcceleratorFacts {
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
export function gcpAcceleratorFacts(info: GcpAcceleratorInfo, count: number): AcceleratorFacts {
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
export function instanceTypeNames(info: InstanceTypeInfo, label: string): string[] {
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
