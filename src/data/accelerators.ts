/**
 * Accelerator catalog: typed, lazy lookups over the committed `region-data/accelerators.json`
 * (built from the project's research data by `region-data/refresh/accelerators.ts`; provenance in
 * `region-data/ACCELERATORS-SOURCES.md`).
 *
 * The JSON file is read once, on the first lookup. Lookups normalise their input (trim, ASCII
 * case-folding, `ml.` prefix for SageMaker, GCP self-link paths) and never throw for any input;
 * only a missing or malformed data file (a broken install) throws, with a clear message.
 *
 * Facts worth remembering when using the results:
 * - `regions` means "offered there" (EC2 DescribeInstanceTypeOfferings / Compute Engine catalog),
 *   not "capacity available". SageMaker regions are an upper bound (the EC2 twin's regions).
 * - `tdpWPerDevice` is null where the vendor publishes no TDP (Neuron chips, TPUs); never rank those
 *   by TDP. `AcceleratorModel.tdpEstimateW` (when present) is a marked third-party estimate.
 */
import * as path from "node:path";
import { BoundedMemo } from "../engine/memo";
import { isRecord } from "../engine/values";
import { DataFileError, deepFreeze, lazyDataFile } from "./load";
import type { Cloud } from "./types";

export type WorkloadClass = "training" | "inference" | "both" | "graphics";
export type Generation = "legacy" | "previous" | "current";

export const WORKLOAD_CLASSES: readonly WorkloadClass[] = ["training", "inference", "both", "graphics"];
export const GENERATIONS: readonly Generation[] = ["legacy", "previous", "current"];

export interface AcceleratorModel {
  readonly model: string;
  readonly vendor: string;
  readonly architecture: string;
  readonly chipYear: number;
  readonly memoryGbPerDevice: number | null;
  readonly memoryType: string | null;
  /** Per-device TDP / power limit in W; null when not published (never invented). */
  readonly tdpW: number | null;
  readonly tdpBasis: string;
  /** A third-party estimate for energy estimation only — not a published TDP. */
  readonly tdpEstimateW?: number;
  readonly tdpEstimateBasis?: string;
  readonly sources: readonly string[];
}

export interface SageMakerFlags {
  /** The `ml.*` name of this EC2 type in SageMaker. */
  readonly mlType: string;
  readonly hosting: boolean;
  readonly training: boolean;
  readonly notebook: boolean;
  readonly studio: boolean;
  readonly processing: boolean;
  readonly batchTransform: boolean;
  readonly hyperpod: boolean;
}

export interface InstanceTypeInfo {
  readonly cloud: Cloud;
  /** Canonical lowercase name: "p4d.24xlarge", "a3-highgpu-8g", "ct5lp-hightpu-4t", "v5litepod-8". */
  readonly name: string;
  readonly family: string;
  /** "machine": an EC2 instance type / GCE machine type (TPU hosts included); "tpu": a Cloud TPU slice type. */
  readonly kind: "machine" | "tpu";
  readonly acceleratorVendor: string;
  readonly acceleratorModel: string;
  /** Devices per instance/slice (TPU slices: chips). Fractional for g6f/gr6f (share of one L4). */
  readonly acceleratorCount: number;
  readonly acceleratorMemoryGbPerDevice: number | null;
  readonly tdpWPerDevice: number | null;
  /** acceleratorCount × tdpWPerDevice as published in the catalog; null when unpublished. */
  readonly tdpWTotal: number | null;
  readonly tdpBasis: string;
  readonly vcpu: number | null;
  /** AWS: GiB as published; GCP: the "GB" GCP publishes. */
  readonly ramGib: number | null;
  readonly workloadClass: WorkloadClass;
  readonly workloadNotes?: string;
  readonly generation: Generation;
  readonly launchYear: number | null;
  readonly interconnect?: string;
  /** GCP machine types: the attached GPU token (e.g. "nvidia-h100-80gb") or TPU GKE token. */
  readonly gcpAcceleratorToken?: string;
  /** TPU host machine type ↔ single-host slice type. */
  readonly tpuSliceType?: string;
  readonly hostMachineType?: string;
  /** Entries not in instance-catalog.csv but derived from one that is (e.g. "-nolssd" variants). */
  readonly derivedFrom?: string;
  readonly notes?: string;
  /** Sorted regions where the type is offered (empty = not offered anywhere covered). */
  readonly regions: readonly string[];
  /** In the catalog but absent from every offering list (e.g. p2, p3, g3, dl1). */
  readonly retired: boolean;
  /** Absent from offerings for a known reason other than retirement (e.g. UltraServer-only trn2u). */
  readonly regionsUnknown?: boolean;
  readonly availabilityNote?: string;
  readonly sagemaker?: SageMakerFlags;
  readonly sources: readonly string[];
}

export interface N1Pairing {
  readonly acceleratorCount: number;
  /** Upper bounds of the N1 shape for this GPU count (recollection — verify). */
  readonly maxVcpu: number | null;
  readonly maxRamGb: number | null;
  readonly notes?: string;
  readonly sources: readonly string[];
}

export interface GcpAcceleratorInfo {
  /** GCE/GKE token: "nvidia-l4", "nvidia-tesla-t4", "tpu-v5-lite-podslice", … */
  readonly token: string;
  readonly kind: "gpu" | "tpu";
  readonly model: string;
  readonly vendor: string;
  /** Class of the smallest configuration; see `trainingClassMinCount`. */
  readonly workloadClass: WorkloadClass;
  /** From this many devices on, machine types carrying this token are training-class (e.g. a2-*-8g). */
  readonly trainingClassMinCount?: number;
  readonly generation: Generation;
  readonly regions: readonly string[];
  readonly retired: boolean;
  readonly tdpWPerDevice: number | null;
  readonly tdpBasis: string;
  readonly memoryGbPerDevice: number | null;
  /** Device counts GCE accepts for this GPU (from the offerings). */
  readonly allowedCounts?: readonly number[];
  /** Catalog machine types (a2/a3/a4/g2/ct*) that carry this accelerator. */
  readonly machineTypes: readonly string[];
  /** N1 + attached GPU combinations (the N1 machine type itself is a CPU type). */
  readonly n1Pairings?: readonly N1Pairing[];
  readonly cloudRunRegions?: readonly string[];
  readonly notes?: string;
  readonly sources: readonly string[];
}

export interface SageMakerTypeInfo extends SageMakerFlags {
  readonly ec2Twin: string;
  readonly ec2TwinInCatalog: boolean;
  /** The EC2 twin's offered regions: an upper bound for SageMaker — verify on the SageMaker pricing page. */
  readonly regionsUpperBound: readonly string[];
  readonly sources: readonly string[];
}

/** An accelerated type that is offered but not described by instance-catalog.csv (no classification). */
export interface UncatalogedOffering {
  readonly cloud: Cloud;
  readonly name: string;
  readonly family: string;
  /** As written in the offerings file, e.g. "NVIDIA RTX PRO Server 6000 x1". */
  readonly accelerator: string;
  readonly regions: readonly string[];
  readonly sources: readonly string[];
}

export interface SourceInfo {
  readonly title: string;
  readonly commit: string | null;
  readonly date: string | null;
  readonly licence: string | null;
  readonly usedFor?: string;
}

export interface AvailabilitySnapshot {
  readonly aws: {
    readonly source: string;
    readonly commit: string;
    readonly snapshotDates: { readonly min: string; readonly max: string };
    readonly regionsCovered: readonly string[];
    readonly note: string;
  };
  readonly gcp: {
    readonly source: string;
    readonly commit: string;
    readonly snapshotDates: { readonly min: string; readonly max: string };
    readonly regionsCovered: readonly string[];
    readonly note: string;
  };
  readonly cloudRun: { readonly source: string; readonly snapshot: string; readonly note: string };
  readonly sagemaker: { readonly note: string };
}

export interface CloudRunGpuRegion {
  readonly region: string;
  readonly availability: string;
}

/** Shape of region-data/accelerators.json. */
export interface AcceleratorCatalogData {
  readonly schemaVersion: 1;
  readonly accelerators: Readonly<Record<string, AcceleratorModel>>;
  readonly instanceTypes: Readonly<Record<Cloud, Readonly<Record<string, InstanceTypeInfo>>>>;
  readonly uncatalogedOfferings: Readonly<Record<Cloud, Readonly<Record<string, UncatalogedOffering>>>>;
  readonly gcpAcceleratorTokens: Readonly<Record<string, GcpAcceleratorInfo>>;
  /** Uppercase enum spelling (Vertex/Workbench/TPU API/GKE, "-" → "_") → token. */
  readonly gcpAcceleratorAliases: Readonly<Record<string, string>>;
  readonly cloudRunGpuRegions: Readonly<Record<string, readonly CloudRunGpuRegion[]>>;
  readonly sagemaker: Readonly<Record<string, SageMakerTypeInfo>>;
  /** Regexes (source strings, matched against the normalised lowercase name) of accelerated families. */
  readonly familyPatterns: Readonly<Record<Cloud, readonly string[]>>;
  readonly sources: Readonly<Record<string, SourceInfo>>;
  readonly availabilitySnapshot: AvailabilitySnapshot;
  readonly notes: readonly string[];
}

export type InstanceLookupResult = InstanceTypeInfo & {
  /** The input as given (trimmed). */
  readonly requestedName: string;
  /** Present (true) when the input was a SageMaker `ml.*` type: `regions` are the EC2 twin's — an upper bound. */
  readonly sagemakerUpperBound?: boolean;
};

// ---------------------------------------------------------------------------------------------
// Loading

export const ACCELERATOR_DATA_RELATIVE_PATH = path.join("region-data", "accelerators.json");

interface Loaded {
  readonly data: AcceleratorCatalogData;
  readonly types: Record<Cloud, Map<string, InstanceTypeInfo>>;
  readonly lists: Record<Cloud, readonly InstanceTypeInfo[]>;
  readonly allTypes: readonly InstanceTypeInfo[];
  readonly uncataloged: Record<Cloud, Map<string, UncatalogedOffering>>;
  readonly tokens: Map<string, GcpAcceleratorInfo>;
  readonly tokenList: readonly GcpAcceleratorInfo[];
  readonly aliases: Map<string, string>;
  readonly sagemaker: Map<string, SageMakerTypeInfo>;
  readonly models: Map<string, AcceleratorModel>;
  readonly modelsLower: Map<string, AcceleratorModel>;
  readonly patterns: Record<Cloud, readonly RegExp[]>;
  readonly cloudRun: Map<string, readonly CloudRunGpuRegion[]>;
}

function mapOf<T>(rec: Readonly<Record<string, T>> | undefined): Map<string, T> {
  return new Map(Object.entries(rec ?? {}));
}

/** Validates the parsed JSON just enough to fail loudly on a wrong/old file. */
function checkShape(parsed: unknown, file: string): AcceleratorCatalogData {
  const bad = (what: string): never => {
    throw new DataFileError(file, `is not a valid accelerator catalog (${what})`);
  };
  if (!isRecord(parsed)) return bad("not an object");
  if (parsed["schemaVersion"] !== 1) bad("schemaVersion is not 1");
  for (const key of [
    "accelerators",
    "instanceTypes",
    "uncatalogedOfferings",
    "gcpAcceleratorTokens",
    "gcpAcceleratorAliases",
    "cloudRunGpuRegions",
    "sagemaker",
    "familyPatterns",
    "sources",
    "availabilitySnapshot",
  ]) {
    if (!isRecord(parsed[key])) bad(`missing "${key}"`);
  }
  const it = parsed["instanceTypes"] as Record<string, unknown>;
  if (!isRecord(it["aws"]) || !isRecord(it["gcp"])) bad("instanceTypes.aws/gcp missing");
  return parsed as unknown as AcceleratorCatalogData;
}

/** Builds the in-memory indexes from catalog data (exported for tests; normal code uses the lookups). */
export function indexAcceleratorCatalog(data: AcceleratorCatalogData): Loaded {
  const types = { aws: mapOf(data.instanceTypes.aws), gcp: mapOf(data.instanceTypes.gcp) };
  const lists = { aws: [...types.aws.values()], gcp: [...types.gcp.values()] };
  const tokens = mapOf(data.gcpAcceleratorTokens);
  const models = mapOf(data.accelerators);
  const modelsLower = new Map<string, AcceleratorModel>();
  for (const [k, v] of models) modelsLower.set(k.toLowerCase(), v);
  const compile = (list: readonly string[] | undefined): RegExp[] => (list ?? []).map((s) => new RegExp(s));
  return {
    data,
    types,
    lists,
    allTypes: [...lists.aws, ...lists.gcp],
    uncataloged: { aws: mapOf(data.uncatalogedOfferings.aws), gcp: mapOf(data.uncatalogedOfferings.gcp) },
    tokens,
    tokenList: [...tokens.values()],
    aliases: mapOf(data.gcpAcceleratorAliases),
    sagemaker: mapOf(data.sagemaker),
    models,
    modelsLower,
    patterns: { aws: compile(data.familyPatterns.aws), gcp: compile(data.familyPatterns.gcp) },
    cloudRun: mapOf(data.cloudRunGpuRegions),
  };
}

const load = lazyDataFile(ACCELERATOR_DATA_RELATIVE_PATH, "the accelerator catalog", (parsed, file) => indexAcceleratorCatalog(deepFreeze(checkShape(parsed, file))));

/** The raw catalog data (frozen). */
export function acceleratorCatalogData(): AcceleratorCatalogData {
  return load().data;
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/** Longest name we consider; anything longer is not a type name (keeps huge inputs cheap). */
const MAX_NAME_LENGTH = 200;

/** Trim and fold ASCII letters to lowercase (no Unicode case mapping: "K" (Kelvin) ≠ "k"). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Returns the trimmed input and its normalised key, or undefined when it can't be a type name. */
function normalise(name: unknown): { trimmed: string; key: string } | undefined {
  if (typeof name !== "string") return undefined;
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.length > MAX_NAME_LENGTH * 4) return undefined;
  let key = asciiLower(trimmed);
  // GCP self-links / partial URLs: ".../zones/us-central1-a/machineTypes/a3-highgpu-8g".
  const slash = key.lastIndexOf("/");
  if (slash >= 0) key = key.slice(slash + 1);
  if (key === "" || key.length > MAX_NAME_LENGTH) return undefined;
  return { trimmed, key };
}

function isCloud(cloud: unknown): cloud is Cloud {
  return cloud === "aws" || cloud === "gcp";
}

// ---------------------------------------------------------------------------------------------
// Lookups

/**
 * Instance/machine type lookup. AWS accepts "p4d.24xlarge" and SageMaker "ml.g6.xlarge" (resolved to
 * the EC2 twin, with `sagemakerUpperBound: true`: its regions are an upper bound for SageMaker);
 * GCP accepts "a3-highgpu-8g", "g2-standard-4", "ct5lp-hightpu-4t", TPU slice types ("v5litepod-8")
 * and self-links ending in a machine type. Case-insensitive (ASCII), trims. Never throws.
 *
 * GCP N1 machine types are CPU types (GPUs are attached separately): "n1-standard-8" → undefined;
 * use `lookupGcpAccelerator` for the attached GPU token.
 */
export function lookupInstanceType(cloud: Cloud, name: string): InstanceLookupResult | undefined {
  if (!isCloud(cloud) || typeof name !== "string") return undefined;
  // A report looks the same few names up for every resource of every stack: results are frozen
  // and kept per cloud and name (a table per cloud: the name string as given is the key, so no
  // key is built per lookup).
  return cloud === "aws" ? awsLookups.get(name, lookupAws) : gcpLookups.get(name, lookupGcp);
}

function frozenLookup(cloud: Cloud, name: string): InstanceLookupResult | undefined {
  const result = lookupInstanceTypeUncached(cloud, name);
  return result === undefined ? undefined : Object.freeze(result);
}

const lookupAws = (name: string) => frozenLookup("aws", name);
const lookupGcp = (name: string) => frozenLookup("gcp", name);
const awsLookups = new BoundedMemo<string, InstanceLookupResult | undefined>(5_000);
const gcpLookups = new BoundedMemo<string, InstanceLookupResult | undefined>(5_000);

function lookupInstanceTypeUncached(cloud: Cloud, name: string): InstanceLookupResult | undefined {
  const n = normalise(name);
  if (n === undefined) return undefined;
  const d = load();
  if (cloud === "aws" && n.key.startsWith("ml.")) {
    const sm = d.sagemaker.get(n.key);
    const twinName = sm !== undefined ? sm.ec2Twin : n.key.slice(3);
    const twin = d.types.aws.get(twinName);
    if (twin === undefined) return undefined;
    return { ...twin, requestedName: n.trimmed, sagemakerUpperBound: true };
  }
  const info = d.types[cloud].get(n.key);
  if (info === undefined) return undefined;
  return { ...info, requestedName: n.trimmed };
}

/**
 * GCP accelerator lookup by token ("nvidia-l4", "tpu-v5-lite-podslice") or by an uppercase enum
 * alias ("NVIDIA_L4", "NVIDIA_TESLA_T4", "NVIDIA_H100_80GB", "TPU_V5_LITEPOD", "NVIDIA_TESLA_T4_VWS").
 * Also accepts a self-link ending in the token. Case-insensitive, trims. Never throws.
 */
export function lookupGcpAccelerator(tokenOrAlias: string): GcpAcceleratorInfo | undefined {
  const n = normalise(tokenOrAlias);
  if (n === undefined) return undefined;
  const d = load();
  const direct = d.tokens.get(n.key);
  if (direct !== undefined) return direct;
  const alias = d.aliases.get(asciiUpper(n.key).replace(/-/g, "_"));
  return alias !== undefined ? d.tokens.get(alias) : undefined;
}

/**
 * Cloud TPU lookup by slice type ("v5litepod-8", "v6e-8", "v5p-8", "v4-8", "v2-8") or by TPU host
 * machine type ("ct5lp-hightpu-4t"). A generation name without a size ("TPU_V5_LITEPOD") is not a
 * slice: use `lookupGcpAccelerator` for it. Case-insensitive, trims. Never throws.
 */
export function lookupTpuType(acceleratorType: string): InstanceTypeInfo | undefined {
  const n = normalise(acceleratorType);
  if (n === undefined) return undefined;
  const info = load().types.gcp.get(n.key);
  if (info === undefined) return undefined;
  if (info.kind === "tpu" || info.tpuSliceType !== undefined) return info;
  return undefined;
}

/**
 * True when the name is an accelerated type: known to the catalog (or offered with an accelerator)
 * or matching an accelerated family pattern ("p7.48xlarge", "ml.p9.2xlarge", "a5-highgpu-8g",
 * "g4-standard-48"). Use it to report an unknown type as "unknown accelerated", never as CPU.
 * "m5.large", "n1-standard-8" → false. Never throws.
 */
export function looksAccelerated(cloud: Cloud, name: string): boolean {
  if (!isCloud(cloud)) return false;
  const n = normalise(name);
  if (n === undefined) return false;
  const d = load();
  const key = cloud === "aws" && n.key.startsWith("ml.") ? n.key.slice(3) : n.key;
  if (d.types[cloud].has(key) || d.uncataloged[cloud].has(key)) return true;
  if (cloud === "gcp" && (d.tokens.has(key) || d.aliases.has(asciiUpper(key).replace(/-/g, "_")))) return true;
  return d.patterns[cloud].some((re) => re.test(key));
}

/** An offered accelerated type the catalog does not describe (e.g. g7e, p6-b300, f2, vt1; tpu7x). */
export function lookupUncatalogedOffering(cloud: Cloud, name: string): UncatalogedOffering | undefined {
  if (!isCloud(cloud)) return undefined;
  const n = normalise(name);
  if (n === undefined) return undefined;
  const key = cloud === "aws" && n.key.startsWith("ml.") ? n.key.slice(3) : n.key;
  return load().uncataloged[cloud].get(key);
}

/** Accelerator model by its catalog name ("NVIDIA A100 SXM4 40GB"); case-insensitive. Never throws. */
export function acceleratorModel(model: string): AcceleratorModel | undefined {
  if (typeof model !== "string") return undefined;
  const trimmed = model.trim();
  if (trimmed === "" || trimmed.length > MAX_NAME_LENGTH) return undefined;
  const d = load();
  return d.models.get(trimmed) ?? d.modelsLower.get(asciiLower(trimmed));
}

/** All catalog instance/machine/TPU slice types, optionally for one cloud (AWS first, then GCP; sorted by name). */
export function allInstanceTypes(cloud?: Cloud): readonly InstanceTypeInfo[] {
  const d = load();
  if (cloud === undefined) return d.allTypes;
  return isCloud(cloud) ? d.lists[cloud] : [];
}

/** All GCP accelerator tokens (GPUs and TPU generations), sorted by token. */
export function allGcpAccelerators(): readonly GcpAcceleratorInfo[] {
  return load().tokenList;
}

/** SageMaker `ml.*` type info ("ml.g6.xlarge"); case-insensitive. Never throws. */
export function lookupSageMakerType(mlType: string): SageMakerTypeInfo | undefined {
  const n = normalise(mlType);
  if (n === undefined) return undefined;
  const key = n.key.startsWith("ml.") ? n.key : `ml.${n.key}`;
  return load().sagemaker.get(key);
}

/** Cloud Run GPU regions for a GPU token or alias ("nvidia-l4", "NVIDIA_L4"); [] when none. Never throws. */
export function cloudRunGpuRegions(token: string): readonly CloudRunGpuRegion[] {
  const info = lookupGcpAccelerator(token);
  const key = info?.token ?? normalise(token)?.key;
  if (key === undefined) return [];
  return load().cloudRun.get(key) ?? [];
}

/** Provenance of the catalog (lazy: reading a property loads the data). */
export const ACCELERATOR_DATA_INFO: {
  readonly sources: Readonly<Record<string, SourceInfo>>;
  readonly availability: AvailabilitySnapshot;
  readonly notes: readonly string[];
} = {
  get sources() {
    return load().data.sources;
  },
  get availability() {
    return load().data.availabilitySnapshot;
  },
  get notes() {
    return load().data.notes;
  },
};
