/**
 * Builds region-data/accelerators.json from the research data in <shared>/data/accelerators/.
 *
 * Pure functions turn parsed CSV rows into the catalog object; `buildAcceleratorCatalog` does the
 * reading, `refreshAccelerators` the writing. Output is deterministic: sorted keys and rows, no
 * timestamps, trailing newline — re-running on unchanged inputs yields no diff.
 *
 * The builder fails loudly (throws) on anything it cannot classify: an unknown workload class or
 * generation, an accelerator model missing from accelerator-specs.csv, a token without a model, an
 * alias pointing nowhere, a catalog type no family pattern recognises.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseCsvObjects } from "./csv";
import type {
  AcceleratorCatalogData,
  AcceleratorModel,
  AvailabilitySnapshot,
  CloudRunGpuRegion,
  GcpAcceleratorInfo,
  Generation,
  InstanceTypeInfo,
  N1Pairing,
  SageMakerFlags,
  SageMakerTypeInfo,
  SourceInfo,
  UncatalogedOffering,
  WorkloadClass,
} from "../../src/data/accelerators";

export type CsvRow = Readonly<Record<string, string>>;

/** The raw inputs, already parsed. */
export interface AcceleratorInputs {
  readonly specs: readonly CsvRow[];
  readonly catalog: readonly CsvRow[];
  readonly awsAvailability: readonly CsvRow[];
  readonly gcpAvailability: readonly CsvRow[];
  readonly cloudRun: readonly CsvRow[];
  readonly sagemaker: readonly CsvRow[];
  /** Text of SOURCES.md (source-key table). */
  readonly sourcesMd: string;
}

export const INPUT_FILES = {
  specs: "accelerator-specs.csv",
  catalog: "instance-catalog.csv",
  awsAvailability: "availability-aws-ec2.csv",
  gcpAvailability: "availability-gcp.csv",
  cloudRun: "cloudrun-gpu-regions.csv",
  sagemaker: "sagemaker-ml-accelerated-types.csv",
  sourcesMd: "SOURCES.md",
} as const;

export const OUTPUT_RELATIVE_PATH = path.join("region-data", "accelerators.json");

// ---------------------------------------------------------------------------------------------
// Constants that are ours, not the data's (each documented in ACCELERATORS-SOURCES.md).

/** Source keys for the availability files (SOURCES.md describes them without a key). */
export const AVAILABILITY_SOURCE_KEYS = {
  aws: "S-AVAIL-AWS-MOTO",
  gcp: "S-AVAIL-GCP-ANYCLOUD",
  gcpTpuDocs: "S-AVAIL-GCP-TPU-DOCS",
  cloudRun: "S-AVAIL-CLOUDRUN-DOCS",
} as const;

const AVAILABILITY_SOURCES: Readonly<Record<string, SourceInfo>> = {
  [AVAILABILITY_SOURCE_KEYS.aws]: {
    title:
      "getmoto/moto moto/ec2/resources/instance_type_offerings/{region,availability-zone-id}/*.json (raw EC2 DescribeInstanceTypeOfferings, monthly bot refresh; latest refresh commit c6bd43ff2d09, 2026-08-01) and instance_types.json (commit 34d6cad5abbb) — extracted to availability-aws-ec2.csv",
    commit: "0af643a5dbfc",
    date: "2026-08-22",
    licence: "Apache-2.0 (facts extracted; no code copied)",
    usedFor: "AWS EC2 regions per instance type; SageMaker upper bound",
  },
  [AVAILABILITY_SOURCE_KEYS.gcp]: {
    title:
      "anycloud-sh/catalog gcp/vms.csv (daily bot catalog in SkyPilot schema, from Compute Engine machineTypes/acceleratorTypes APIs and TPU locations) — extracted to availability-gcp.csv; cross-checked with skypilot-org/skypilot-catalog catalogs/v9/gcp/vms.csv @2c3d7ea7d76b",
    commit: "62ff0a987e0c",
    date: "2026-05-20",
    licence: "no licence file in the repository; only facts (type offered in zone) kept",
    usedFor: "GCP regions per machine type, GPU token and TPU slice type",
  },
  [AVAILABILITY_SOURCE_KEYS.gcpTpuDocs]: {
    title: "Cloud TPU docs 'regions and zones' (docs.cloud.google.com/tpu/docs/regions-zones), North America section only",
    commit: null,
    date: null,
    licence: "CC BY 4.0 (page text); only facts kept",
    usedFor: "TPU7x (Ironwood) in us-central1",
  },
  [AVAILABILITY_SOURCE_KEYS.cloudRun]: {
    title:
      "Cloud Run docs 'GPU support for services' / 'GPU support for worker pools' (cloud.google.com/run/docs/configuring/services/gpu, …/workerpools/gpu), stored copies, undated (2025–2026)",
    commit: null,
    date: null,
    licence: "CC BY 4.0 (page text); only the region list kept",
    usedFor: "Cloud Run GPU regions",
  },
};

/** The 30 commercial AWS regions the moto snapshot covers (SOURCES.md); ca-west-1 has no accelerated type. */
export const AWS_REGIONS_COVERED: readonly string[] = [
  "af-south-1",
  "ap-east-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
];

/** Families absent from the offerings for a reason other than retirement. */
const NOT_IN_OFFERINGS: Readonly<Record<string, string>> = {
  trn2u:
    "sold only as part of Trn2 UltraServers; UltraServer-only types do not appear in DescribeInstanceTypeOfferings, so regions are unknown (not retired)",
};

/** Marked estimates for accelerators without a published TDP (only where a source gives a number). */
const TDP_ESTIMATES: Readonly<Record<string, { readonly w: number; readonly basis: string; readonly source: string }>> = {
  "AWS Trainium2": {
    w: 500,
    basis:
      "ESTIMATE, not a published TDP: third-party analyst report of ~500 W per Trainium2 chip (S-NAND-TRN2); AWS publishes no TDP",
    source: "S-NAND-TRN2",
  },
};

/** GPU tokens that no catalog row carries but GCP still documents (retired from the offerings). */
const EXTRA_GPU_TOKENS: Readonly<Record<string, { readonly model: string; readonly notes: string; readonly sources: readonly string[] }>> = {
  "nvidia-tesla-k80": {
    model: "NVIDIA K80 (1 GK210 die)",
    notes:
      "GCP counts one K80 GPU per GK210 die. Not in the offerings snapshot (retired); workload class and generation taken from the catalog rows with the same model (AWS p2).",
    sources: ["S-GCP-GPU", "S-PULUMI-DTS"],
  },
};

interface TpuFamily {
  readonly family: string;
  readonly model: string;
  readonly token: string;
  readonly tokenNotes?: string;
  /** Only for generations without a catalog host row (v2, v3): our classification. */
  readonly fallback?: { readonly workloadClass: WorkloadClass; readonly generation: Generation; readonly basis: string };
}

/** TPU slice prefixes ("v5litepod" in "v5litepod-8") → family, model and GKE/Vertex token. */
const TPU_FAMILIES: Readonly<Record<string, TpuFamily>> = {
  v2: {
    family: "tpu-v2",
    model: "Google TPU v2",
    token: "tpu-v2",
    tokenNotes: "Synthetic token (GKE has no TPU v2 label): target of the Vertex/Workbench enum TPU_V2.",
    fallback: {
      workloadClass: "training",
      generation: "legacy",
      basis:
        "our classification: TPU v2 (2017) predates TPU v4, which RULES.md classes as previous generation; positioned for training",
    },
  },
  v3: {
    family: "tpu-v3",
    model: "Google TPU v3",
    token: "tpu-v3",
    tokenNotes: "Synthetic token (GKE has no TPU v3 label): target of the Vertex/Workbench enum TPU_V3.",
    fallback: {
      workloadClass: "training",
      generation: "legacy",
      basis:
        "our classification: TPU v3 (2018) predates TPU v4, which RULES.md classes as previous generation; positioned for training",
    },
  },
  v4: { family: "tpu-v4", model: "Google TPU v4", token: "tpu-v4-podslice" },
  v5litepod: { family: "tpu-v5e", model: "Google TPU v5e", token: "tpu-v5-lite-podslice" },
  v5p: { family: "tpu-v5p", model: "Google TPU v5p", token: "tpu-v5p-slice" },
  v6e: { family: "tpu-v6e", model: "Google TPU v6e (Trillium)", token: "tpu-v6e-slice" },
};

/** TensorCores ("cores") per chip for slice names counted in cores (v2/v3/v4/v5p). */
const CORES_PER_CHIP = 2;

/**
 * Uppercase aliases beyond the automatic TOKEN → TOKEN_WITH_UNDERSCORES ones: Vertex AI
 * `machineSpec.acceleratorType`, Workbench/Colab `acceleratorConfig.type`, TPU API
 * `AcceleratorConfig.Type`, older GKE labels. VWS (virtual workstation) variants are the same GPU.
 */
const EXTRA_ALIASES: Readonly<Record<string, string>> = {
  NVIDIA_TESLA_T4_VWS: "nvidia-tesla-t4",
  NVIDIA_TESLA_P4_VWS: "nvidia-tesla-p4",
  NVIDIA_TESLA_P100_VWS: "nvidia-tesla-p100",
  TPU_V2: "tpu-v2",
  TPU_V3: "tpu-v3",
  TPU_V4_POD: "tpu-v4-podslice",
  TPU_V5_LITEPOD: "tpu-v5-lite-podslice",
  TPU_V5_LITE_DEVICE: "tpu-v5-lite-podslice",
  V2: "tpu-v2",
  V3: "tpu-v3",
  V4: "tpu-v4-podslice",
  V5LITE_POD: "tpu-v5-lite-podslice",
  V5LITEPOD: "tpu-v5-lite-podslice",
  V5E: "tpu-v5-lite-podslice",
  V5P: "tpu-v5p-slice",
  V6E: "tpu-v6e-slice",
};

/**
 * Families that look accelerated, matched against the normalised lowercase name (`ml.` stripped).
 * Used to report unknown types as "unknown accelerated", never as CPU.
 */
export const FAMILY_PATTERNS: { readonly aws: readonly string[]; readonly gcp: readonly string[] } = {
  aws: [
    "^p\\d+[a-z0-9-]*\\.", // p2 … p5en, p6-b200, p6e-gb200
    "^g\\d+[a-z]*\\.", // g3, g3s, g4ad, g4dn, g5, g5g, g6, g6e, g6f, g7, g7e
    "^gr\\d+[a-z]*\\.", // gr6, gr6f
    "^inf\\d+[a-z]*\\.", // inf1, inf2
    "^trn\\d+[a-z]*\\.", // trn1, trn1n, trn2, trn2u
    "^dl\\d+[a-z]*\\.", // dl1, dl2q
    "^f\\d+[a-z]*\\.", // f1, f2 (FPGA)
    "^vt\\d+[a-z]*\\.", // vt1 (media)
    "^u-p\\d+[a-z0-9-]*\\.", // UltraServer types (u-p6e-gb200x72)
  ],
  gcp: [
    "^a\\d+[a-z]*-", // a2-, a3-, a4-, a4x-
    "^g([2-9]|\\d{2,})[a-z]*-", // g2-, g4- (not g1-small, a shared-core CPU type)
    "^ct\\d+[a-z]*-", // TPU hosts: ct4p-, ct5lp-, ct5p-, ct6e-
    "^tpu\\d*[a-z]*(-|$)", // tpu7x, tpu7x-…
    "^v\\d+[a-z]*-\\d+$", // TPU slice types: v2-8, v4-8, v5litepod-8, v5p-8, v6e-8
    "^nvidia-", // GPU tokens (nvidia-l4, …)
  ],
};

const NOTES: readonly string[] = [
  "Generated by region-data/refresh/accelerators.ts from the project's research data (not shipped); do not edit by hand. Provenance: region-data/ACCELERATORS-SOURCES.md.",
  "regions = offered there (EC2 DescribeInstanceTypeOfferings via moto; Compute Engine catalog via anycloud-sh/catalog), not capacity available. Regions outside availabilitySnapshot.*.regionsCovered are unknown, not absent.",
  "retired = listed in instance-catalog.csv but absent from every offering list (no region suggestion should be made for it).",
  "SageMaker ml.* availability = the EC2 twin's regions, an upper bound: verify on the SageMaker pricing page.",
  "tdpWPerDevice null = not published (Neuron chips, TPUs): do not rank by TDP. tdpEstimateW is a marked third-party estimate.",
  "Values the shared data marks 'recollection - verify' (N1 max shapes, some TPU host and g6f/dl2q/trn2.3xlarge shapes, Gaudi and Cloud AI 100 TDP) are carried in notes/tdpBasis.",
];

// ---------------------------------------------------------------------------------------------
// Small helpers

const WORKLOADS = new Set<string>(["training", "inference", "both", "graphics"]);
const GENERATIONS_SET = new Set<string>(["legacy", "previous", "current"]);

function fail(msg: string): never {
  throw new Error(`accelerator catalog refresh: ${msg}`);
}

function col(row: CsvRow, name: string): string {
  const v = row[name];
  if (v === undefined) fail(`missing column "${name}"`);
  return v.trim();
}

function optNum(row: CsvRow, name: string): number | null {
  const s = col(row, name);
  if (s === "") return null;
  const n = Number(s);
  if (!Number.isFinite(n)) fail(`column "${name}" is not a number: "${s}"`);
  return n;
}

function reqNum(row: CsvRow, name: string): number {
  const n = optNum(row, name);
  if (n === null) fail(`column "${name}" is empty`);
  return n;
}

function yesNo(row: CsvRow, name: string): boolean {
  const s = col(row, name).toLowerCase();
  if (s === "yes") return true;
  if (s === "no") return false;
  fail(`column "${name}" is not yes/no: "${s}"`);
}

function workloadOf(s: string, where: string): WorkloadClass {
  if (!WORKLOADS.has(s)) fail(`${where}: unknown workload class "${s}"`);
  return s as WorkloadClass;
}

function generationOf(s: string, where: string): Generation {
  if (!GENERATIONS_SET.has(s)) fail(`${where}: unknown generation "${s}"`);
  return s as Generation;
}

/** Splits "A;B;A" into unique keys, first occurrence order kept. */
function splitKeys(s: string): string[] {
  const out: string[] = [];
  for (const part of s.split(";")) {
    const k = part.trim();
    if (k !== "" && !out.includes(k)) out.push(k);
  }
  return out;
}

function uniqPush(list: string[], ...items: string[]): string[] {
  for (const i of items) if (!list.includes(i)) list.push(i);
  return list;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(cmp);
}

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const arr = [...entries].sort((a, b) => cmp(a[0], b[0]));
  const out: Record<string, T> = {};
  for (const [k, v] of arr) {
    if (Object.prototype.hasOwnProperty.call(out, k)) fail(`duplicate key "${k}"`);
    out[k] = v;
  }
  return out;
}

/** Drops undefined / empty-string optional fields so the JSON stays compact. */
function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === "") continue;
    out[k] = v;
  }
  return out as T;
}

function minMax(values: Iterable<string>): { min: string; max: string } {
  const sorted = sortedUnique(values);
  if (sorted.length === 0) fail("no snapshot dates");
  return { min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

// ---------------------------------------------------------------------------------------------
// Pure builders

export function buildAccelerators(specs: readonly CsvRow[]): Record<string, AcceleratorModel> {
  const entries: [string, AcceleratorModel][] = specs.map((row) => {
    const model = col(row, "accelerator_model");
    if (model === "") fail("accelerator-specs.csv: empty accelerator_model");
    const tdpW = optNum(row, "tdp_w");
    const sources = splitKeys(col(row, "sources"));
    const est = TDP_ESTIMATES[model];
    if (est !== undefined && tdpW !== null) fail(`${model}: has a published TDP now; drop the estimate`);
    const m: AcceleratorModel = compact({
      model,
      vendor: col(row, "vendor"),
      architecture: col(row, "architecture"),
      chipYear: reqNum(row, "chip_year"),
      memoryGbPerDevice: optNum(row, "memory_gb_per_device"),
      memoryType: col(row, "memory_type") || null,
      tdpW,
      tdpBasis: col(row, "tdp_basis") || (tdpW === null ? "not published" : "unspecified"),
      tdpEstimateW: est?.w,
      tdpEstimateBasis: est?.basis,
      sources: est !== undefined ? uniqPush(sources, est.source) : sources,
    });
    return [model, m];
  });
  return sortedRecord(entries);
}

/** region lists per type name, from availability rows (`nameCol`, `region`). */
export function regionsByType(rows: readonly CsvRow[], nameCol: string, filter?: (row: CsvRow) => boolean): Map<string, string[]> {
  const acc = new Map<string, Set<string>>();
  for (const row of rows) {
    if (filter && !filter(row)) continue;
    const name = col(row, nameCol).toLowerCase();
    const region = col(row, "region");
    if (name === "" || region === "") fail(`availability row without name/region: ${JSON.stringify(row)}`);
    let set = acc.get(name);
    if (!set) acc.set(name, (set = new Set()));
    set.add(region);
  }
  const out = new Map<string, string[]>();
  for (const [k, v] of acc) out.set(k, sortedUnique(v));
  return out;
}

/** The GCP name in instance-catalog.csv is annotated: "ct5lp-hightpu-4t (v5litepod-4)". */
export function catalogTypeName(raw: string): string {
  const i = raw.indexOf(" (");
  return (i >= 0 ? raw.slice(0, i) : raw).trim().toLowerCase();
}

function isN1Row(row: CsvRow): boolean {
  return col(row, "provider") === "gcp" && col(row, "instance_type").startsWith("n1-");
}

function sagemakerFlags(row: CsvRow): SageMakerFlags {
  return {
    mlType: col(row, "ml_instance_type").toLowerCase(),
    hosting: yesNo(row, "hosting"),
    training: yesNo(row, "training"),
    notebook: yesNo(row, "notebook_instance"),
    studio: yesNo(row, "studio_app"),
    processing: yesNo(row, "processing"),
    batchTransform: yesNo(row, "batch_transform"),
    hyperpod: yesNo(row, "hyperpod_cluster"),
  };
}

interface CatalogBuild {
  readonly aws: Record<string, InstanceTypeInfo>;
  readonly gcp: Record<string, InstanceTypeInfo>;
}

export function buildInstanceTypes(inputs: AcceleratorInputs, accelerators: Record<string, AcceleratorModel>): CatalogBuild {
  const awsRegions = regionsByType(inputs.awsAvailability, "instance_type");
  const gcpMachineRegions = regionsByType(inputs.gcpAvailability, "machine_type_or_accelerator", (r) => col(r, "kind") === "machine");
  const gcpTpuRegions = regionsByType(inputs.gcpAvailability, "machine_type_or_accelerator", (r) => col(r, "kind") === "tpu");
  const smByTwin = new Map<string, SageMakerFlags>();
  for (const row of inputs.sagemaker) smByTwin.set(col(row, "ec2_equivalent").toLowerCase(), sagemakerFlags(row));

  const aws: [string, InstanceTypeInfo][] = [];
  const gcp: [string, InstanceTypeInfo][] = [];
  const seen = new Set<string>();

  for (const row of inputs.catalog) {
    const cloud = col(row, "provider");
    if (cloud !== "aws" && cloud !== "gcp") fail(`unknown provider "${cloud}"`);
    if (isN1Row(row)) continue; // N1 + GPU: a CPU machine type plus a token (see gcpAcceleratorTokens)
    const name = catalogTypeName(col(row, "instance_type"));
    const where = `${cloud}:${name}`;
    if (seen.has(where)) fail(`duplicate catalog row ${where}`);
    seen.add(where);
    const model = col(row, "accelerator_model");
    if (accelerators[model] === undefined) fail(`${where}: accelerator model "${model}" missing from accelerator-specs.csv`);
    const family = col(row, "family");
    const token = col(row, "gcp_accelerator_type");
    const isTpuHost = cloud === "gcp" && col(row, "platform") === "tpu-vm";

    let regions: string[];
    let retired: boolean;
    let regionsUnknown: boolean | undefined;
    let availabilityNote: string | undefined;
    if (cloud === "aws") {
      regions = awsRegions.get(name) ?? [];
      const reason = NOT_IN_OFFERINGS[family];
      if (regions.length === 0 && reason !== undefined) {
        retired = false;
        regionsUnknown = true;
        availabilityNote = reason;
      } else {
        retired = regions.length === 0;
        if (retired) availabilityNote = "absent from the EC2 offerings snapshot (retired); make no region suggestion";
      }
    } else {
      regions = gcpMachineRegions.get(name) ?? [];
      retired = regions.length === 0;
      if (retired) availabilityNote = "absent from the GCP offerings snapshot (retired); make no region suggestion";
    }

    const sources = splitKeys(col(row, "sources"));
    uniqPush(sources, cloud === "aws" ? AVAILABILITY_SOURCE_KEYS.aws : AVAILABILITY_SOURCE_KEYS.gcp);
    const sm = cloud === "aws" ? smByTwin.get(name) : undefined;
    if (sm !== undefined) uniqPush(sources, "S-AWS-SDK-SAGEMAKER");

    const info: InstanceTypeInfo = compact({
      cloud,
      name,
      family,
      kind: "machine" as const,
      acceleratorVendor: col(row, "accelerator_vendor"),
      acceleratorModel: model,
      acceleratorCount: reqNum(row, "accelerator_count"),
      acceleratorMemoryGbPerDevice: optNum(row, "accel_memory_per_device_gb"),
      tdpWPerDevice: optNum(row, "accel_tdp_w_per_device"),
      tdpWTotal: optNum(row, "accel_tdp_total_w"),
      tdpBasis: col(row, "tdp_basis") || "not published",
      vcpu: optNum(row, "vcpu"),
      ramGib: optNum(row, "ram_gib"),
      workloadClass: workloadOf(col(row, "intended_workload"), where),
      workloadNotes: col(row, "workload_notes"),
      generation: generationOf(col(row, "generation_status"), where),
      launchYear: optNum(row, "instance_launch_year"),
      interconnect: col(row, "multi_accelerator_interconnect"),
      gcpAcceleratorToken: cloud === "gcp" ? (isTpuHost ? tpuFamilyForSlice(token).token : token) : undefined,
      tpuSliceType: isTpuHost ? token.toLowerCase() : undefined,
      notes: col(row, "notes"),
      regions,
      retired,
      regionsUnknown,
      availabilityNote,
      sagemaker: sm,
      sources,
    });
    (cloud === "aws" ? aws : gcp).push([name, info]);
  }

  // GCP "-nolssd" variants offered but not in the catalog: same accelerators as the base type.
  const gcpNames = new Map(gcp);
  for (const [name, regions] of gcpMachineRegions) {
    if (gcpNames.has(name)) continue;
    const m = /^(.*)-nolssd$/.exec(name);
    const base = m ? gcpNames.get(m[1]!) : undefined;
    if (base === undefined) continue; // reported as uncataloged
    const info: InstanceTypeInfo = {
      ...base,
      name,
      derivedFrom: base.name,
      notes: uniqText(base.notes, `variant of ${base.name} without local SSD (not in instance-catalog.csv; accelerators/shape copied from ${base.name})`),
      regions,
      retired: false,
    };
    gcp.push([name, stripUndefined(info)]);
  }

  // TPU slice types (kind "tpu") from the TPU rows of availability-gcp.csv.
  const hostBySlice = new Map<string, InstanceTypeInfo>();
  for (const [, info] of gcp) if (info.tpuSliceType !== undefined) hostBySlice.set(info.tpuSliceType, info);
  const hostsByFamily = new Map<string, InstanceTypeInfo[]>();
  for (const [, info] of gcp) {
    if (info.tpuSliceType === undefined) continue;
    const list = hostsByFamily.get(info.family) ?? [];
    list.push(info);
    hostsByFamily.set(info.family, list);
  }
  const tpuAccel = new Map<string, string>();
  for (const row of inputs.gcpAvailability) {
    if (col(row, "kind") === "tpu") tpuAccel.set(col(row, "machine_type_or_accelerator").toLowerCase(), col(row, "accelerator"));
  }
  for (const [slice, regions] of gcpTpuRegions) {
    const m = /^(v\d+[a-z]*)-(\d+)$/.exec(slice);
    if (!m) continue; // e.g. "tpu7x" (all sizes): reported as uncataloged
    const fam = TPU_FAMILIES[m[1]!];
    if (fam === undefined) fail(`TPU slice ${slice}: unknown TPU prefix "${m[1]}"`);
    const size = Number(m[2]);
    const desc = tpuAccel.get(slice) ?? "";
    const unit = /\((chips|cores|TensorCores)\)/.exec(desc)?.[1];
    if (unit === undefined) fail(`TPU slice ${slice}: cannot read the count unit from "${desc}"`);
    const chips = unit === "chips" ? size : size / CORES_PER_CHIP;
    if (!Number.isInteger(chips) || chips <= 0) fail(`TPU slice ${slice}: odd core count ${size}`);
    const spec = accelerators[fam.model];
    const hosts = hostsByFamily.get(fam.family) ?? [];
    const cls = familyClass(fam, hosts, slice);
    const host = hostBySlice.get(slice);
    const launchYears = hosts.map((h) => h.launchYear).filter((y): y is number => y !== null);
    const sources = spec ? [...spec.sources] : [];
    uniqPush(sources, AVAILABILITY_SOURCE_KEYS.gcp);
    const info: InstanceTypeInfo = compact({
      cloud: "gcp" as const,
      name: slice,
      family: fam.family,
      kind: "tpu" as const,
      acceleratorVendor: "Google",
      acceleratorModel: fam.model,
      acceleratorCount: chips,
      acceleratorMemoryGbPerDevice: spec?.memoryGbPerDevice ?? null,
      tdpWPerDevice: spec?.tdpW ?? null,
      tdpWTotal: spec?.tdpW != null ? spec.tdpW * chips : null,
      tdpBasis: spec?.tdpBasis ?? "not published (model not in accelerator-specs.csv)",
      vcpu: host?.vcpu ?? null,
      ramGib: host?.ramGib ?? null,
      workloadClass: cls.workloadClass,
      workloadNotes: fam.fallback?.basis,
      generation: cls.generation,
      launchYear: launchYears.length > 0 ? Math.min(...launchYears) : null,
      gcpAcceleratorToken: fam.token,
      hostMachineType: host?.name,
      notes: unit === "chips" ? undefined : `${size} TensorCores = ${chips} chips`,
      regions,
      retired: false,
      sources,
    });
    gcp.push([slice, info]);
  }

  return { aws: sortedRecord(aws), gcp: sortedRecord(gcp) };
}

function uniqText(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}

function stripUndefined<T extends object>(obj: T): T {
  return compact(obj);
}

function tpuFamilyForSlice(slice: string): TpuFamily {
  const m = /^(v\d+[a-z]*)-\d+$/.exec(slice.toLowerCase());
  const fam = m ? TPU_FAMILIES[m[1]!] : undefined;
  if (fam === undefined) fail(`TPU host row: cannot map "${slice}" to a TPU family`);
  return fam;
}

/** Workload class / generation of a TPU family: from its catalog host rows (unanimous), else the fallback. */
function familyClass(fam: TpuFamily, hosts: readonly InstanceTypeInfo[], where: string): { workloadClass: WorkloadClass; generation: Generation } {
  if (hosts.length === 0) {
    if (fam.fallback === undefined) fail(`${where}: no catalog host row and no fallback classification`);
    return fam.fallback;
  }
  const wl = sortedUnique(hosts.map((h) => h.workloadClass));
  const gen = sortedUnique(hosts.map((h) => h.generation));
  if (wl.length !== 1 || gen.length !== 1) fail(`${where}: host rows disagree on class (${wl}) / generation (${gen})`);
  return { workloadClass: wl[0] as WorkloadClass, generation: gen[0] as Generation };
}

export function buildUncataloged(
  inputs: AcceleratorInputs,
  types: CatalogBuild,
): { aws: Record<string, UncatalogedOffering>; gcp: Record<string, UncatalogedOffering> } {
  const aws = new Map<string, UncatalogedOffering>();
  const awsRegions = regionsByType(inputs.awsAvailability, "instance_type");
  const awsMeta = new Map<string, CsvRow>();
  for (const row of inputs.awsAvailability) awsMeta.set(col(row, "instance_type").toLowerCase(), row);
  for (const [name, regions] of awsRegions) {
    if (types.aws[name] !== undefined) continue;
    const row = awsMeta.get(name)!;
    aws.set(name, {
      cloud: "aws",
      name,
      family: col(row, "family"),
      accelerator: col(row, "accelerator"),
      regions,
      sources: [AVAILABILITY_SOURCE_KEYS.aws],
    });
  }
  const gcp = new Map<string, UncatalogedOffering>();
  const gcpRegions = regionsByType(inputs.gcpAvailability, "machine_type_or_accelerator", (r) => col(r, "kind") !== "gpu");
  const gcpMeta = new Map<string, CsvRow>();
  for (const row of inputs.gcpAvailability) gcpMeta.set(col(row, "machine_type_or_accelerator").toLowerCase(), row);
  for (const [name, regions] of gcpRegions) {
    if (types.gcp[name] !== undefined) continue;
    const row = gcpMeta.get(name)!;
    const fromDocs = !col(row, "source").includes("@");
    gcp.set(name, {
      cloud: "gcp",
      name,
      family: name.replace(/-.*$/, ""),
      accelerator: col(row, "accelerator"),
      regions,
      sources: [fromDocs ? AVAILABILITY_SOURCE_KEYS.gcpTpuDocs : AVAILABILITY_SOURCE_KEYS.gcp],
    });
  }
  return { aws: sortedRecord(aws), gcp: sortedRecord(gcp) };
}

export function buildGcpAcceleratorTokens(
  inputs: AcceleratorInputs,
  accelerators: Record<string, AcceleratorModel>,
  types: CatalogBuild,
): Record<string, GcpAcceleratorInfo> {
  const gpuRegions = regionsByType(inputs.gcpAvailability, "machine_type_or_accelerator", (r) => col(r, "kind") === "gpu");
  const allowed = new Map<string, Set<number>>();
  for (const row of inputs.gcpAvailability) {
    if (col(row, "kind") !== "gpu") continue;
    const token = col(row, "machine_type_or_accelerator").toLowerCase();
    const m = /\sx([\d|]+)$/.exec(col(row, "accelerator"));
    if (!m) fail(`gpu row ${token}: cannot read counts from "${col(row, "accelerator")}"`);
    const set = allowed.get(token) ?? new Set<number>();
    for (const c of m[1]!.split("|")) set.add(Number(c));
    allowed.set(token, set);
  }
  const cloudRun = buildCloudRun(inputs.cloudRun);

  interface Acc {
    model?: string;
    rows: { count: number; workloadClass: WorkloadClass; generation: Generation }[];
    machineTypes: string[];
    n1: N1Pairing[];
    sources: string[];
    tdpBasis?: string;
    notes?: string;
  }
  const acc = new Map<string, Acc>();
  const get = (token: string): Acc => {
    let a = acc.get(token);
    if (!a) acc.set(token, (a = { rows: [], machineTypes: [], n1: [], sources: [] }));
    return a;
  };
  const setModel = (a: Acc, token: string, model: string): void => {
    if (a.model !== undefined && a.model !== model) fail(`token ${token}: two models ("${a.model}", "${model}")`);
    a.model = model;
  };

  // GPU tokens from catalog rows (GCP machine types and N1 rows).
  for (const row of inputs.catalog) {
    if (col(row, "provider") !== "gcp") continue;
    const token = col(row, "gcp_accelerator_type").toLowerCase();
    if (!token.startsWith("nvidia-")) continue;
    const a = get(token);
    setModel(a, token, col(row, "accelerator_model"));
    const where = `gcp:${col(row, "instance_type")}`;
    const count = reqNum(row, "accelerator_count");
    a.rows.push({
      count,
      workloadClass: workloadOf(col(row, "intended_workload"), where),
      generation: generationOf(col(row, "generation_status"), where),
    });
    a.tdpBasis ??= col(row, "tdp_basis");
    uniqPush(a.sources, ...splitKeys(col(row, "sources")));
    if (isN1Row(row)) {
      a.n1.push(
        compact({
          acceleratorCount: count,
          maxVcpu: optNum(row, "vcpu"),
          maxRamGb: optNum(row, "ram_gib"),
          notes: col(row, "notes"),
          sources: splitKeys(col(row, "sources")),
        }),
      );
    } else {
      uniqPush(a.machineTypes, catalogTypeName(col(row, "instance_type")));
    }
  }
  // Tokens only in the offerings must be known to the catalog.
  for (const token of gpuRegions.keys()) {
    if (!acc.has(token) && EXTRA_GPU_TOKENS[token] === undefined) fail(`GPU token ${token} offered but no catalog row gives its model`);
  }
  // Extra (retired) tokens: classification from catalog rows with the same model.
  for (const [token, extra] of Object.entries(EXTRA_GPU_TOKENS)) {
    if (acc.has(token)) fail(`EXTRA_GPU_TOKENS.${token} is now in the catalog; drop the extra entry`);
    const a = get(token);
    a.model = extra.model;
    a.notes = extra.notes;
    uniqPush(a.sources, ...extra.sources);
    for (const t of Object.values(types.aws)) {
      if (t.acceleratorModel === extra.model) a.rows.push({ count: t.acceleratorCount, workloadClass: t.workloadClass, generation: t.generation });
    }
    if (a.rows.length === 0) fail(`token ${token}: no catalog rows with model "${extra.model}" to classify it`);
  }

  const out: [string, GcpAcceleratorInfo][] = [];
  for (const [token, a] of acc) {
    const model = a.model!;
    const spec = accelerators[model];
    if (spec === undefined) fail(`token ${token}: model "${model}" missing from accelerator-specs.csv`);
    const cls = tokenClass(token, a.rows);
    const regions = gpuRegions.get(token) ?? [];
    uniqPush(a.sources, AVAILABILITY_SOURCE_KEYS.gcp);
    const cr = cloudRun[token];
    if (cr !== undefined) uniqPush(a.sources, AVAILABILITY_SOURCE_KEYS.cloudRun);
    const counts = allowed.get(token);
    out.push([
      token,
      compact({
        token,
        kind: "gpu" as const,
        model,
        vendor: spec.vendor,
        workloadClass: cls.workloadClass,
        trainingClassMinCount: cls.trainingClassMinCount,
        generation: cls.generation,
        regions,
        retired: regions.length === 0,
        tdpWPerDevice: spec.tdpW,
        tdpBasis: a.tdpBasis || spec.tdpBasis,
        memoryGbPerDevice: spec.memoryGbPerDevice,
        allowedCounts: counts ? [...counts].sort((x, y) => x - y) : undefined,
        machineTypes: [...a.machineTypes].sort(cmp),
        n1Pairings: a.n1.length > 0 ? [...a.n1].sort((x, y) => x.acceleratorCount - y.acceleratorCount) : undefined,
        cloudRunRegions: cr?.map((r) => r.region),
        notes: a.notes,
        sources: a.sources,
      }),
    ]);
  }

  // TPU generation tokens (GKE labels, plus synthetic v2/v3 for the Vertex enums).
  const slices = Object.values(types.gcp).filter((t) => t.kind === "tpu");
  for (const fam of Object.values(TPU_FAMILIES)) {
    const famSlices = slices.filter((t) => t.family === fam.family);
    if (famSlices.length === 0) fail(`TPU family ${fam.family}: no slice types offered`);
    const spec = accelerators[fam.model];
    const first = famSlices[0]!;
    const hosts = Object.values(types.gcp).filter((t) => t.kind === "machine" && t.family === fam.family);
    const regions = sortedUnique(famSlices.flatMap((t) => [...t.regions]));
    out.push([
      fam.token,
      compact({
        token: fam.token,
        kind: "tpu" as const,
        model: fam.model,
        vendor: "Google",
        workloadClass: first.workloadClass,
        generation: first.generation,
        regions,
        retired: regions.length === 0,
        tdpWPerDevice: spec?.tdpW ?? null,
        tdpBasis: spec?.tdpBasis ?? "not published (model not in accelerator-specs.csv)",
        memoryGbPerDevice: spec?.memoryGbPerDevice ?? null,
        machineTypes: hosts.map((h) => h.name).sort(cmp),
        notes: uniqText(
          fam.tokenNotes,
          `regions = union over the ${famSlices.length} offered slice types; look slices up with lookupTpuType`,
        ),
        sources: uniqPush(spec ? [...spec.sources] : [], AVAILABILITY_SOURCE_KEYS.gcp),
      }),
    ]);
  }
  return sortedRecord(out);
}

function tokenClass(
  token: string,
  rows: readonly { count: number; workloadClass: WorkloadClass; generation: Generation }[],
): { workloadClass: WorkloadClass; generation: Generation; trainingClassMinCount?: number } {
  const gens = sortedUnique(rows.map((r) => r.generation));
  if (gens.length !== 1) fail(`token ${token}: rows disagree on generation (${gens.join(", ")})`);
  const minCount = Math.min(...rows.map((r) => r.count));
  const atMin = sortedUnique(rows.filter((r) => r.count === minCount).map((r) => r.workloadClass));
  const workloadClass = (atMin.length === 1 ? atMin[0] : "both") as WorkloadClass;
  const trainingCounts = rows.filter((r) => r.workloadClass === "training").map((r) => r.count);
  const trainingClassMinCount = workloadClass !== "training" && trainingCounts.length > 0 ? Math.min(...trainingCounts) : undefined;
  return { workloadClass, generation: gens[0] as Generation, trainingClassMinCount };
}

export function buildGcpAcceleratorAliases(tokens: Record<string, GcpAcceleratorInfo>): Record<string, string> {
  const out = new Map<string, string>();
  for (const token of Object.keys(tokens)) out.set(token.toUpperCase().replace(/-/g, "_"), token);
  for (const [alias, token] of Object.entries(EXTRA_ALIASES)) {
    // An alias whose token is not in this build (e.g. a GPU dropped upstream) is left out; the
    // coverage test checks the Vertex/Workbench enums against the committed data.
    if (tokens[token] === undefined) continue;
    const prev = out.get(alias);
    if (prev !== undefined && prev !== token) fail(`alias ${alias} maps to both ${prev} and ${token}`);
    out.set(alias, token);
  }
  return sortedRecord(out);
}

export function buildCloudRun(rows: readonly CsvRow[]): Record<string, CloudRunGpuRegion[]> {
  const acc = new Map<string, CloudRunGpuRegion[]>();
  for (const row of rows) {
    const token = col(row, "gpu_type").toLowerCase();
    const list = acc.get(token) ?? [];
    list.push({ region: col(row, "region"), availability: col(row, "availability") });
    acc.set(token, list);
  }
  for (const list of acc.values()) list.sort((a, b) => cmp(a.region, b.region));
  return sortedRecord(acc);
}

export function buildSageMaker(inputs: AcceleratorInputs, types: CatalogBuild): Record<string, SageMakerTypeInfo> {
  const awsRegions = regionsByType(inputs.awsAvailability, "instance_type");
  const out: [string, SageMakerTypeInfo][] = inputs.sagemaker.map((row) => {
    const f = sagemakerFlags(row);
    const twin = col(row, "ec2_equivalent").toLowerCase();
    const sources = splitKeys(col(row, "source"));
    uniqPush(sources, AVAILABILITY_SOURCE_KEYS.aws);
    return [
      f.mlType,
      {
        ...f,
        ec2Twin: twin,
        ec2TwinInCatalog: types.aws[twin] !== undefined,
        regionsUpperBound: awsRegions.get(twin) ?? [],
        sources,
      },
    ];
  });
  return sortedRecord(out);
}

/** Parses the "## Source keys" table of SOURCES.md: key → title/commit/date. */
export function parseSourceKeys(md: string): Map<string, { title: string; usedFor: string }> {
  const out = new Map<string, { title: string; usedFor: string }>();
  const start = md.indexOf("## Source keys");
  if (start < 0) fail("SOURCES.md: no '## Source keys' section");
  const rest = md.slice(start);
  const end = rest.indexOf("\n## ", 3);
  const section = end >= 0 ? rest.slice(0, end) : rest;
  for (const line of section.split(/\r?\n/)) {
    if (!line.startsWith("| S-")) continue;
    const cells = line.split("|").map((c) => c.trim());
    // ["", key(s), source, used for, ""]
    const keys = (cells[1] ?? "").split("/").map((k) => k.trim()).filter((k) => k.startsWith("S-"));
    for (const k of keys) out.set(k, { title: cells[2] ?? "", usedFor: cells[3] ?? "" });
  }
  if (out.size === 0) fail("SOURCES.md: empty source-key table");
  return out;
}

export function buildSources(md: string, used: Iterable<string>): Record<string, SourceInfo> {
  const table = parseSourceKeys(md);
  const out = new Map<string, SourceInfo>();
  for (const key of used) {
    if (out.has(key)) continue;
    const avail = AVAILABILITY_SOURCES[key];
    if (avail !== undefined) {
      out.set(key, avail);
      continue;
    }
    const entry = table.get(key);
    if (entry === undefined) fail(`source key ${key} is used but not described in SOURCES.md`);
    const commit = /commit `?([0-9a-f]{7,40})`?/.exec(entry.title)?.[1] ?? null;
    const date = /(\d{4}-\d{2}-\d{2})/.exec(entry.title)?.[1] ?? null;
    out.set(key, {
      title: entry.title,
      commit,
      date,
      licence: null,
      usedFor: entry.usedFor,
    });
  }
  return sortedRecord(out);
}

export function buildAvailabilitySnapshot(inputs: AcceleratorInputs): AvailabilitySnapshot {
  const awsCommits = sortedUnique(inputs.awsAvailability.map((r) => col(r, "source")));
  if (awsCommits.length !== 1) fail(`availability-aws-ec2.csv: expected one source, got ${awsCommits.join(", ")}`);
  const [awsRepo, awsCommit] = awsCommits[0]!.split("@");
  const awsRegionsSeen = sortedUnique(inputs.awsAvailability.map((r) => col(r, "region")));
  for (const r of awsRegionsSeen) if (!AWS_REGIONS_COVERED.includes(r)) fail(`AWS region ${r} not in AWS_REGIONS_COVERED`);
  const gcpCatalogRows = inputs.gcpAvailability.filter((r) => col(r, "source").includes("@"));
  const gcpCommits = sortedUnique(
    gcpCatalogRows.map((r) => col(r, "source")).filter((s) => !s.startsWith("derived")),
  );
  if (gcpCommits.length !== 1) fail(`availability-gcp.csv: expected one catalog source, got ${gcpCommits.join(", ")}`);
  const [gcpRepo, gcpCommit] = gcpCommits[0]!.split("@");
  const crSnapshots = sortedUnique(inputs.cloudRun.map((r) => col(r, "snapshot_date")));
  const crSources = sortedUnique(inputs.cloudRun.map((r) => col(r, "source")));
  return {
    aws: {
      source: awsRepo!,
      commit: awsCommit!,
      snapshotDates: minMax(inputs.awsAvailability.map((r) => col(r, "snapshot_date"))),
      regionsCovered: [...AWS_REGIONS_COVERED],
      note:
        "EC2 DescribeInstanceTypeOfferings as seen by moto's account. Not covered: GovCloud, China, newest opt-in regions (ap-east-2, ap-southeast-6/7, mx-central-1, …), Local/Wavelength Zones. UltraServer-only types (trn2u, p6e-gb200) do not appear. p5e/p5en/p6/trn2 offerings include Capacity-Block-only locations. Offered ≠ on-demand capacity.",
    },
    gcp: {
      source: gcpRepo!,
      commit: gcpCommit!,
      snapshotDates: minMax(gcpCatalogRows.map((r) => col(r, "snapshot_date"))),
      regionsCovered: sortedUnique(inputs.gcpAvailability.map((r) => col(r, "region"))),
      note:
        "Compute Engine catalog (API lists more zones than the docs' GA tables). Some zones are reservation/Spot/Flex-start-only (a3-highgpu-1g/2g/4g are Spot/Flex-start only); us-central2 is a restricted TPU-only region. Not covered: G4 (RTX PRO 6000), A4X (GB200), TPU7x outside us-central1, N1 shapes (use the GPU token's regions). Offered ≠ capacity available.",
    },
    cloudRun: {
      source: crSources.join("; "),
      snapshot: crSnapshots.join("; "),
      note: "Region list grows over time; RTX PRO 6000 (Preview) regions not captured.",
    },
    sagemaker: {
      note:
        "No per-region SageMaker list exists in the inputs: SageMaker availability = the EC2 twin's regions, an UPPER BOUND (a region lacking the EC2 type lacks the ml. type; not the reverse). Verify on the SageMaker pricing page.",
    },
  };
}

/** Checks the family patterns against every type the inputs know (builder-time guarantee). */
export function checkFamilyPatterns(data: Pick<AcceleratorCatalogData, "instanceTypes" | "uncatalogedOfferings" | "sagemaker">): void {
  const res = { aws: FAMILY_PATTERNS.aws.map((s) => new RegExp(s)), gcp: FAMILY_PATTERNS.gcp.map((s) => new RegExp(s)) };
  const names: [keyof typeof res, string][] = [];
  for (const c of ["aws", "gcp"] as const) {
    for (const n of Object.keys(data.instanceTypes[c])) names.push([c, n]);
    for (const n of Object.keys(data.uncatalogedOfferings[c])) names.push([c, n]);
  }
  for (const sm of Object.values(data.sagemaker)) names.push(["aws", sm.ec2Twin]);
  for (const [c, n] of names) {
    if (!res[c].some((re) => re.test(n))) fail(`${c}:${n} is accelerated but no family pattern matches it`);
  }
  for (const cpu of ["m5.large", "c7g.xlarge", "t3.micro", "r6i.8xlarge", "inf.xlarge"]) {
    if (res.aws.some((re) => re.test(cpu))) fail(`aws family patterns match CPU type ${cpu}`);
  }
  for (const cpu of ["n1-standard-8", "n2-standard-4", "e2-medium", "g1-small", "c3-standard-4", "t2a-standard-1", "m3-ultramem-32"]) {
    if (res.gcp.some((re) => re.test(cpu))) fail(`gcp family patterns match CPU type ${cpu}`);
  }
}

/** Pure: parsed inputs → catalog object. */
export function buildCatalogFromInputs(inputs: AcceleratorInputs): AcceleratorCatalogData {
  const accelerators = buildAccelerators(inputs.specs);
  const types = buildInstanceTypes(inputs, accelerators);
  const uncataloged = buildUncataloged(inputs, types);
  const tokens = buildGcpAcceleratorTokens(inputs, accelerators, types);
  const aliases = buildGcpAcceleratorAliases(tokens);
  const sagemaker = buildSageMaker(inputs, types);
  const cloudRun = buildCloudRun(inputs.cloudRun);

  const used: string[] = [];
  for (const a of Object.values(accelerators)) used.push(...a.sources);
  for (const c of ["aws", "gcp"] as const) {
    for (const t of Object.values(types[c])) used.push(...t.sources);
    for (const t of Object.values(uncataloged[c])) used.push(...t.sources);
  }
  for (const t of Object.values(tokens)) {
    used.push(...t.sources);
    for (const p of t.n1Pairings ?? []) used.push(...p.sources);
  }
  for (const s of Object.values(sagemaker)) used.push(...s.sources);
  used.push(AVAILABILITY_SOURCE_KEYS.cloudRun, "S-PULUMI-DTS");

  const data: AcceleratorCatalogData = {
    schemaVersion: 1,
    accelerators,
    instanceTypes: types,
    uncatalogedOfferings: uncataloged,
    gcpAcceleratorTokens: tokens,
    gcpAcceleratorAliases: aliases,
    cloudRunGpuRegions: cloudRun,
    sagemaker,
    familyPatterns: { aws: [...FAMILY_PATTERNS.aws], gcp: [...FAMILY_PATTERNS.gcp] },
    sources: buildSources(inputs.sourcesMd, sortedUnique(used)),
    availabilitySnapshot: buildAvailabilitySnapshot(inputs),
    notes: [...NOTES],
  };
  checkFamilyPatterns(data);
  return data;
}

// ---------------------------------------------------------------------------------------------
// Serialisation (deterministic)

/**
 * JSON with 1-space indentation, object keys sorted (code-unit order), arrays of scalars kept on
 * one line, trailing newline. Array order is preserved (the builder sorts rows itself).
 */
export function serializeCatalog(value: unknown): string {
  return `${ser(value, "")}\n`;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== "object";
}

function ser(v: unknown, indent: string): string {
  if (v === undefined) fail("undefined value in catalog");
  if (isScalar(v)) {
    if (typeof v === "number" && !Number.isFinite(v)) fail(`non-finite number ${v}`);
    return JSON.stringify(v);
  }
  const inner = `${indent} `;
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    if (v.every(isScalar)) return `[${v.map((x) => ser(x, inner)).join(", ")}]`;
    return `[\n${v.map((x) => inner + ser(x, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort(cmp);
  if (keys.length === 0) return "{}";
  const parts = keys.map((k) => `${inner}${JSON.stringify(k)}: ${ser((v as Record<string, unknown>)[k], inner)}`);
  return `{\n${parts.join(",\n")}\n${indent}}`;
}

// ---------------------------------------------------------------------------------------------
// IO

/** Reads `<sharedDataDir>/accelerators/*` and builds the catalog object. */
export function buildAcceleratorCatalog(sharedDataDir: string): AcceleratorCatalogData {
  const dir = path.join(sharedDataDir, "accelerators");
  const read = (file: string): string => fs.readFileSync(path.join(dir, file), "utf8");
  const csv = (file: string): Record<string, string>[] => {
    try {
      return parseCsvObjects(read(file));
    } catch (e) {
      throw new Error(`accelerator catalog refresh: ${file}: ${(e as Error).message}`);
    }
  };
  return buildCatalogFromInputs({
    specs: csv(INPUT_FILES.specs),
    catalog: csv(INPUT_FILES.catalog),
    awsAvailability: csv(INPUT_FILES.awsAvailability),
    gcpAvailability: csv(INPUT_FILES.gcpAvailability),
    cloudRun: csv(INPUT_FILES.cloudRun),
    sagemaker: csv(INPUT_FILES.sagemaker),
    sourcesMd: read(INPUT_FILES.sourcesMd),
  });
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Builds the catalog and writes `<projectRoot>/region-data/accelerators.json` (only if changed).
 * `sharedDataDir` is the folder holding `accelerators/` (e.g. `<projectRoot>/../shared/data`).
 */
export function refreshAccelerators(projectRoot: string, sharedDataDir: string): void {
  const text = serializeCatalog(buildAcceleratorCatalog(sharedDataDir));
  const out = path.join(projectRoot, OUTPUT_RELATIVE_PATH);
  if (readIfExists(out) === text) return;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, out);
}

/** For a `--check` mode: true when the committed file equals a fresh build (nothing is written). */
export function acceleratorsUpToDate(projectRoot: string, sharedDataDir: string): boolean {
  const text = serializeCatalog(buildAcceleratorCatalog(sharedDataDir));
  return readIfExists(path.join(projectRoot, OUTPUT_RELATIVE_PATH)) === text;
}
