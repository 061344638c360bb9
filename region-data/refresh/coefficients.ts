/**
 * Builds region-data/coefficients.json: the Cloud Carbon Footprint (CCF) coefficients the estimator
 * needs (CPU min/max W per vCPU by microarchitecture, memory and storage coefficients, GPU min/max,
 * per-instance-type host facts, embodied emissions per host), from the shared research folder:
 *
 * - `<shared>/data/carbon/ccf-coefficients/output/coefficients-{aws,gcp}-use.csv` (2026 regeneration)
 * - `<shared>/data/carbon/ccf-coefficients/output/coefficients-aws-embodied.csv`,
 *   `coefficients-gcp-embodied-mean.csv` (2023 generation; the unvalidated `*-latest-2026.csv`
 *   embodied values are deliberately NOT read)
 * - `<shared>/data/carbon/ccf-coefficients/data/{aws,gcp}-instances.csv`, `*-instances-cpus.csv`
 * - `<shared>/data/carbon/ccf-app/derived-ccf-app-constants.csv` (CCF app constants)
 *
 * Plus the few constants that are ours (CPU model → microarchitecture, catalog accelerator model →
 * CCF GPU name, estimates for accelerators without a published TDP), each documented below and in
 * docs/methodology.md. Deterministic: sorted keys, no timestamps; re-running yields no diff.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import type {
  AcceleratorPowerEstimate,
  CoefficientSource,
  CoefficientsData,
  CpuCoefficient,
  HostFacts,
} from "../../src/data/coefficients";
import { serializeCatalog } from "./accelerators";
import { parseCsvRecords } from "./csv";

export const COEFFICIENTS_RELATIVE_PATH = path.join("region-data", "coefficients.json");

export const COEFFICIENT_INPUTS = {
  awsUse: "carbon/ccf-coefficients/output/coefficients-aws-use.csv",
  gcpUse: "carbon/ccf-coefficients/output/coefficients-gcp-use.csv",
  awsEmbodied: "carbon/ccf-coefficients/output/coefficients-aws-embodied.csv",
  gcpEmbodiedMean: "carbon/ccf-coefficients/output/coefficients-gcp-embodied-mean.csv",
  awsInstances: "carbon/ccf-coefficients/data/aws-instances.csv",
  awsCpus: "carbon/ccf-coefficients/data/aws-instances-cpus.csv",
  gcpInstances: "carbon/ccf-coefficients/data/gcp-instances.csv",
  gcpCpus: "carbon/ccf-coefficients/data/gcp-instances-cpus.csv",
  ccfAppConstants: "carbon/ccf-app/derived-ccf-app-constants.csv",
} as const;

export const COEFFICIENT_SOURCES: Readonly<Record<string, CoefficientSource>> = {
  "ccf-coefficients": {
    title: "Cloud Carbon Footprint coefficient builder (output/coefficients-*-use.csv regenerated 2026 from SPECpower-2026-03-09; output/*-embodied*.csv generated 2023)",
    repo: "cloud-carbon-footprint/ccf-coefficients",
    commit: "b0032d928c787cf76cecd7d1d611c5b46f366e29",
    date: "2026-04-24",
    licence: "Apache-2.0",
  },
  "ccf-app": {
    title: "Cloud Carbon Footprint application constants (packages/*/src/domain/*FootprintEstimationConstants.ts), extracted to derived-ccf-app-constants.csv",
    repo: "cloud-carbon-footprint/cloud-carbon-footprint",
    commit: "b7a049c7d25c0022919ab9010199dd9e77aa4577",
    date: "2024-03-25",
    licence: "Apache-2.0",
  },
  teads: {
    title: "Teads AWS EC2 dataset (Benjamin Davy) as shipped in ccf-coefficients data/aws-instances.csv: only vCPU, memory, platform vCPU and CPU model are used",
    repo: "cloud-carbon-footprint/ccf-coefficients",
    commit: "b0032d928c787cf76cecd7d1d611c5b46f366e29",
    date: "2026-04-24",
    licence: "not stated upstream (facts only: instance sizes and CPU models, which AWS publishes)",
  },
  carbonguard: {
    title: "carbonguard compilation: CPU model → microarchitecture, accelerator model → CCF GPU name, estimates for accelerators without a published TDP (docs/methodology.md)",
    repo: "carbonguard",
    commit: "",
    date: "2026",
    licence: "Apache-2.0",
  },
};

// ---------------------------------------------------------------------------------------------
// Constants that are ours (documented in docs/methodology.md).

/**
 * AWS CPU model (as written in the Teads dataset) → CCF microarchitecture. From the vendors'
 * product pages; `null` = no CCF coefficient (the estimator then uses the cloud average).
 * An unknown model fails the refresh, so a new dataset row is never silently mis-classified.
 */
export const AWS_CPU_MICROARCHITECTURE: Readonly<Record<string, string | null>> = {
  "Core i7-8700B": "Coffee Lake",
  "EPYC 7571": "EPYC 1st Gen",
  "EPYC 7R32": "EPYC 2nd Gen",
  Graviton: null,
  Graviton2: "Graviton2",
  "Xeon E5-2650": "Sandy Bridge",
  "Xeon E5-2651 v2": "Ivy Bridge",
  "Xeon E5-2665": "Sandy Bridge",
  "Xeon E5-2666 v3": "Haswell",
  "Xeon E5-2670": "Sandy Bridge",
  "Xeon E5-2670 v2": "Ivy Bridge",
  "Xeon E5-2676 v3": "Haswell",
  "Xeon E5-2680 v2": "Ivy Bridge",
  "Xeon E5-2686 v4": "Broadwell",
  "Xeon E7-8880 v3": "Haswell",
  "Xeon Platinum 8124M": "Skylake",
  "Xeon Platinum 8151": "Skylake",
  "Xeon Platinum 8175M": "Skylake",
  "Xeon Platinum 8176M": "Skylake",
  "Xeon Platinum 8252C": "Cascade Lake",
  "Xeon Platinum 8259CL": "Cascade Lake",
  "Xeon Platinum 8275CL": "Cascade Lake",
  "Xeon Platinum 8375C": "Ice Lake",
};

/** carbonguard catalog accelerator model → the GPU name in CCF's constants (same silicon). */
export const CCF_GPU_NAMES: Readonly<Record<string, string>> = {
  "NVIDIA A100 SXM4 40GB": "Nvidia Tesla A100",
  "NVIDIA A100 SXM4 80GB": "Nvidia Tesla A100",
  "NVIDIA A10G": "Nvidia A10G",
  "NVIDIA K80 (1 GK210 die)": "Nvidia Tesla K80",
  "NVIDIA M60 (1 GM204 die)": "Nvidia Tesla M60",
  "NVIDIA P100 PCIe 16GB": "Nvidia Tesla P100",
  "NVIDIA P4": "Nvidia Tesla P4",
  "NVIDIA T4": "Nvidia T4",
  "NVIDIA T4G": "Nvidia T4",
  "NVIDIA V100 SXM2 16GB": "Nvidia Tesla V100",
  "NVIDIA V100 SXM2 32GB": "Nvidia Tesla V100",
};

/**
 * Per-device maximum power ESTIMATES for accelerators whose vendor publishes no TDP (catalog
 * `tdpW: null`). Used only when the catalog has neither a TDP nor its own `tdpEstimateW`. Each is a
 * derivation from published ratios or measured averages, not a specification: ±50% at least.
 */
export const ACCELERATOR_POWER_ESTIMATES: Readonly<Record<string, AcceleratorPowerEstimate>> = {
  "AWS Inferentia": {
    maxW: 65,
    basis:
      "ESTIMATE (carbonguard): Inferentia2 estimate ÷ 4, from AWS's claim that Inferentia2 has 4× the throughput of Inferentia at an assumed equal perf/W; no published figure",
  },
  "AWS Inferentia2": {
    maxW: 250,
    basis:
      "ESTIMATE (carbonguard): same NeuronCore-v2 silicon generation as Trainium (2 cores, 32 GB HBM per chip), so the Trainium estimate is used; likely an upper bound",
  },
  "AWS Trainium": {
    maxW: 250,
    basis:
      "ESTIMATE (carbonguard): Trainium2 third-party ~500 W ÷ 2, from the claim that Trainium2 has 4× the training performance at 2× the energy efficiency of Trainium (NAND Research via AWS); no published figure",
  },
  "AWS Trainium2": {
    maxW: 500,
    basis: "ESTIMATE: third-party analyst report of ~500 W per Trainium2 chip (NAND Research); AWS publishes no TDP",
  },
  "Google TPU v2": {
    maxW: 221,
    basis: "ESTIMATE: measured average draw per chip while training (Patterson et al. 2021, arXiv:2104.10350), used as the maximum; not a TDP",
  },
  "Google TPU v3": {
    maxW: 283,
    basis: "ESTIMATE: measured average draw per chip while training (Patterson et al. 2021, arXiv:2104.10350), used as the maximum; not a TDP",
  },
  "Google TPU v4": {
    maxW: 220,
    basis:
      "ESTIMATE (carbonguard): TPU v3 283 W × 2.1 (v4/v3 performance) ÷ 2.7 (v4/v3 performance per watt), ratios from Jouppi et al., ISCA 2023; not a TDP",
  },
  "Google TPU v5e": {
    maxW: 160,
    basis:
      "ESTIMATE (carbonguard): TPU v4 estimate scaled by peak bf16 compute (197 vs 275 TFLOPS) at an assumed equal perf/W; Google publishes no power figure",
  },
  "Google TPU v5p": {
    maxW: 370,
    basis:
      "ESTIMATE (carbonguard): TPU v4 estimate scaled by peak bf16 compute (459 vs 275 TFLOPS) at an assumed equal perf/W; Google publishes no power figure",
  },
  "Google TPU v6e (Trillium)": {
    maxW: 450,
    basis:
      "ESTIMATE (carbonguard): TPU v5e estimate × 4.7 (peak compute) ÷ 1.67 (energy efficiency), both Google's v6e-vs-v5e claims; Google publishes no power figure",
  },
};

// ---------------------------------------------------------------------------------------------
// Pure builders

type Row = Readonly<Record<string, string>>;

function fail(message: string): never {
  throw new Error(`coefficients refresh: ${message}`);
}

function num(raw: string | undefined, what: string): number {
  const text = (raw ?? "").trim().replace(",", ".");
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) fail(`${what}: not a number: '${raw ?? ""}'`);
  return value;
}

function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function buildCpuTable(rows: readonly Row[], what: string): Record<string, CpuCoefficient> {
  const out: Record<string, CpuCoefficient> = {};
  for (const row of rows) {
    const arch = (row["Architecture"] ?? "").trim();
    if (arch === "") fail(`${what}: row without Architecture`);
    out[arch] = {
      minW: round(num(row["Min Watts"], `${what} ${arch} Min Watts`)),
      maxW: round(num(row["Max Watts"], `${what} ${arch} Max Watts`)),
      gbPerChip: round(num(row["GB/Chip"], `${what} ${arch} GB/Chip`)),
    };
  }
  return out;
}

interface AppConstants {
  readonly get: (cloud: string, parameter: string, key?: string) => number;
  readonly gpus: Record<string, { minW: number; maxW: number }>;
}

export function readAppConstants(rows: readonly Row[]): AppConstants {
  const index = new Map<string, number>();
  for (const row of rows) {
    const key = `${row["cloud"]}|${row["parameter"]}|${row["key"] ?? ""}`;
    const value = Number((row["value"] ?? "").trim());
    if (Number.isFinite(value)) index.set(key, value);
  }
  const get = (cloud: string, parameter: string, key = ""): number => {
    const value = index.get(`${cloud}|${parameter}|${key}`);
    if (value === undefined) fail(`ccf-app constants: no ${cloud} ${parameter}${key ? ` ${key}` : ""}`);
    return value;
  };
  const gpus: Record<string, { minW: number; maxW: number }> = {};
  for (const row of rows) {
    if (row["cloud"] !== "AWS" || row["kind"] !== "GPU" || row["parameter"] !== "MIN_WATTS_BY_COMPUTE_PROCESSOR") continue;
    const name = (row["key"] ?? "").trim();
    gpus[name] = { minW: get("AWS", "MIN_WATTS_BY_COMPUTE_PROCESSOR", name), maxW: get("AWS", "MAX_WATTS_BY_COMPUTE_PROCESSOR", name) };
  }
  return { get, gpus };
}

export function buildAwsHosts(instances: readonly Row[], cpus: readonly Row[]): Record<string, HostFacts> {
  const sockets = new Map<string, number>();
  for (const row of cpus) sockets.set((row["CPU Name"] ?? "").trim(), num(row["Platform Number of CPU Socket(s)"], `aws cpus ${row["CPU Name"]}`));
  const out: Record<string, HostFacts> = {};
  for (const row of instances) {
    const type = (row["Instance type"] ?? "").trim().toLowerCase();
    if (type === "") fail("aws-instances.csv: row without Instance type");
    const cpu = (row["Platform CPU Name"] ?? "").trim();
    if (!Object.prototype.hasOwnProperty.call(AWS_CPU_MICROARCHITECTURE, cpu)) {
      fail(`aws-instances.csv: CPU '${cpu}' (${type}) has no microarchitecture mapping; add it to AWS_CPU_MICROARCHITECTURE`);
    }
    const arch = AWS_CPU_MICROARCHITECTURE[cpu] ?? null;
    const socketCount = sockets.get(cpu);
    if (socketCount === undefined) fail(`aws-instances-cpus.csv has no socket count for '${cpu}'`);
    out[type] = {
      vcpu: num(row["Instance vCPU"], `${type} vCPU`),
      memoryGb: num(row["Instance Memory (in GB)"], `${type} memory`),
      microarchitectures: arch === null ? [] : [arch],
      platformVcpu: num(row["Platform Total Number of vCPU"], `${type} platform vCPU`),
      platformSockets: socketCount,
      cpuModel: cpu,
    };
  }
  return out;
}

export function buildGcpHosts(instances: readonly Row[], cpus: readonly Row[]): Record<string, HostFacts> {
  const sockets = new Map<string, number>();
  for (const row of cpus) sockets.set((row["Microarchitecture"] ?? "").trim(), num(row["CPU Sockets"], `gcp cpus ${row["Microarchitecture"]}`));
  const out: Record<string, HostFacts & { microarchitectures: string[] }> = {};
  for (const row of instances) {
    const type = (row["Machine type"] ?? "").trim().toLowerCase();
    if (type === "") fail("gcp-instances.csv: row without Machine type");
    const arch = (row["Microarchitecture"] ?? "").trim();
    const existing = out[type];
    if (existing) {
      if (arch !== "" && !existing.microarchitectures.includes(arch)) existing.microarchitectures.push(arch);
      continue;
    }
    out[type] = {
      vcpu: num(row["Instance vCPUs"], `${type} vCPU`),
      memoryGb: num(row["Instance Memory"], `${type} memory`),
      microarchitectures: arch === "" ? [] : [arch],
      platformVcpu: num(row["Platform vCPUs (highest vCPU possible)"], `${type} platform vCPU`),
      platformSockets: sockets.get(arch) ?? sockets.get("Unknown") ?? 2,
    };
  }
  for (const host of Object.values(out)) host.microarchitectures.sort();
  return out;
}

export function buildEmbodied(rows: readonly Row[], column: string, what: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) {
    const type = (row["type"] ?? "").trim().toLowerCase();
    if (type === "") fail(`${what}: row without type`);
    out[type] = round(num(row[column], `${what} ${type}`), 2);
  }
  return out;
}

export interface CoefficientInputs {
  readonly awsUse: readonly Row[];
  readonly gcpUse: readonly Row[];
  readonly awsEmbodied: readonly Row[];
  readonly gcpEmbodiedMean: readonly Row[];
  readonly awsInstances: readonly Row[];
  readonly awsCpus: readonly Row[];
  readonly gcpInstances: readonly Row[];
  readonly gcpCpus: readonly Row[];
  readonly ccfAppConstants: readonly Row[];
}

export function buildCoefficientsFromInputs(inputs: CoefficientInputs): CoefficientsData {
  const app = readAppConstants(inputs.ccfAppConstants);
  for (const name of Object.values(CCF_GPU_NAMES)) {
    if (!app.gpus[name]) fail(`CCF_GPU_NAMES points at '${name}', which the CCF app constants do not list`);
  }
  const cpu = { aws: buildCpuTable(inputs.awsUse, "coefficients-aws-use.csv"), gcp: buildCpuTable(inputs.gcpUse, "coefficients-gcp-use.csv") };
  const awsHosts = buildAwsHosts(inputs.awsInstances, inputs.awsCpus);
  for (const [type, host] of Object.entries(awsHosts)) {
    for (const arch of host.microarchitectures) if (!cpu.aws[arch]) fail(`${type}: microarchitecture '${arch}' has no AWS coefficient`);
  }
  return {
    schemaVersion: 1,
    sources: COEFFICIENT_SOURCES,
    cpu,
    cpuAverage: {
      aws: {
        minW: app.get("AWS", "MIN_WATTS_AVG"),
        maxW: app.get("AWS", "MAX_WATTS_AVG"),
        gbPerChip: app.get("AWS", "MEMORY_AVG"),
        basis: "CCF app AWS average over microarchitectures (MIN_WATTS_AVG, MAX_WATTS_AVG, MEMORY_AVG)",
      },
      gcp: {
        minW: app.get("GCP", "MIN_WATTS_MEDIAN"),
        maxW: app.get("GCP", "MAX_WATTS_MEDIAN"),
        gbPerChip: app.get("AWS", "MEMORY_AVG"),
        basis: "CCF app GCP median over microarchitectures (MIN_WATTS_MEDIAN, MAX_WATTS_MEDIAN); GB per chip: CCF's AWS MEMORY_AVG (the app has no GCP value)",
      },
    },
    memoryWPerGb: round(app.get("AWS", "MEMORY_COEFFICIENT") * 1000, 6),
    storageWhPerTbHour: { ssd: app.get("AWS", "SSDCOEFFICIENT"), hdd: app.get("AWS", "HDDCOEFFICIENT") },
    replication: {
      awsEbs: app.get("AWS", "REPLICATION_FACTORS", "EC2_EBS_VOLUME"),
      gcpRegionalDisk: app.get("GCP", "REPLICATION_FACTORS", "COMPUTE_ENGINE_REGIONAL_DISKS"),
      // Object and file storage (ml-storage-lifecycle, ml-data-size-gb estimates): CCF's factors per service.
      awsS3: app.get("AWS", "REPLICATION_FACTORS", "S3"),
      awsS3OneZone: app.get("AWS", "REPLICATION_FACTORS", "S3_ONE_ZONE_REDUCED_REDUNDANCY"),
      awsEfs: app.get("AWS", "REPLICATION_FACTORS", "EFS"),
      // CCF has no FSx factor: its DEFAULT (1), stated as such where it is used.
      awsDefault: app.get("AWS", "REPLICATION_FACTORS", "DEFAULT"),
      gcsSingleRegion: app.get("GCP", "REPLICATION_FACTORS", "CLOUD_STORAGE_SINGLE_REGION"),
      gcsDualRegion: app.get("GCP", "REPLICATION_FACTORS", "CLOUD_STORAGE_DUAL_REGION"),
      gcsMultiRegion: app.get("GCP", "REPLICATION_FACTORS", "CLOUD_STORAGE_MULTI_REGION"),
      gcpFilestore: app.get("GCP", "REPLICATION_FACTORS", "CLOUD_FILESTORE"),
    },
    // CCF's networking coefficient (the app's constant; its code comment says per Gb, its methodology per GB).
    networkKwhPerGb: app.get("AWS", "NETWORKING_COEFFICIENT"),
    pueCcf: { aws: app.get("AWS", "PUE_AVG"), gcp: app.get("GCP", "PUE_AVG") },
    serverLifespanHours: app.get("AWS", "SERVER_EXPECTED_LIFESPAN"),
    ccfGpus: app.gpus,
    ccfGpuNames: CCF_GPU_NAMES,
    acceleratorEstimates: ACCELERATOR_POWER_ESTIMATES,
    hosts: { aws: awsHosts, gcp: buildGcpHosts(inputs.gcpInstances, inputs.gcpCpus) },
    embodiedKg: {
      aws: buildEmbodied(inputs.awsEmbodied, "total", "coefficients-aws-embodied.csv"),
      gcp: buildEmbodied(inputs.gcpEmbodiedMean, "total_mean", "coefficients-gcp-embodied-mean.csv"),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// IO

/** Reads the inputs under `sharedDataDir` (the folder holding `carbon/`) and builds the data. */
export function buildCoefficients(sharedDataDir: string): CoefficientsData {
  const read = (rel: string): Row[] => {
    const file = path.join(sharedDataDir, rel);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      return fail(`cannot read ${file}: ${(e as Error).message}`);
    }
    try {
      return parseCsvRecords(text, rel);
    } catch (e) {
      return fail((e as Error).message);
    }
  };
  const inputs = Object.fromEntries(Object.entries(COEFFICIENT_INPUTS).map(([k, rel]) => [k, read(rel)])) as unknown as CoefficientInputs;
  return buildCoefficientsFromInputs(inputs);
}

export function serializeCoefficients(data: CoefficientsData): string {
  return serializeCatalog(data);
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Writes `<projectRoot>/region-data/coefficients.json` (only when it changed). */
export function refreshCoefficients(projectRoot: string, sharedDataDir: string): void {
  const text = serializeCoefficients(buildCoefficients(sharedDataDir));
  const out = path.join(projectRoot, COEFFICIENTS_RELATIVE_PATH);
  if (readIfExists(out) === text) return;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, out);
}

/** For `--check`: true when the committed file equals a fresh build. */
export function coefficientsUpToDate(projectRoot: string, sharedDataDir: string): boolean {
  return readIfExists(path.join(projectRoot, COEFFICIENTS_RELATIVE_PATH)) === serializeCoefficients(buildCoefficients(sharedDataDir));
}
