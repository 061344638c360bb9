/**
 * Energy coefficients for the estimator: lazy, typed lookups over the committed
 * `region-data/coefficients.json` (built by `region-data/refresh/coefficients.ts` from Cloud Carbon
 * Footprint's data; provenance in the file's `sources` and in docs/methodology.md).
 *
 * The file is read once, on first use (./load.ts). Lookups never throw for any input; only a
 * missing or malformed data file (a broken install) throws, with a clear message.
 */
import * as path from "node:path";
import { isRecord, ownEntry } from "../engine/values";
import { DataFileError, deepFreeze, lazyDataFile } from "./load";
import type { Cloud } from "./types";

export interface CoefficientSource {
  readonly title: string;
  readonly repo: string;
  readonly commit: string;
  readonly date: string;
  readonly licence: string;
}

/** Watts per vCPU at 0% and 100% utilization, and the memory per CPU socket the SPEC servers had. */
export interface CpuCoefficient {
  readonly minW: number;
  readonly maxW: number;
  readonly gbPerChip: number;
}

export interface CpuAverage extends CpuCoefficient {
  readonly basis: string;
}

/** The host an instance/machine type runs on, as CCF's instance data describes it. */
export interface HostFacts {
  readonly vcpu: number;
  readonly memoryGb: number;
  /** CCF microarchitecture names; several when the type may land on several (GCP N1, E2). */
  readonly microarchitectures: readonly string[];
  /** vCPUs of the whole platform (the largest size of the family). */
  readonly platformVcpu: number;
  readonly platformSockets: number;
  readonly cpuModel?: string;
}

export interface AcceleratorPowerEstimate {
  readonly maxW: number;
  readonly basis: string;
}

/** Shape of region-data/coefficients.json. */
export interface CoefficientsData {
  readonly schemaVersion: 1;
  readonly sources: Readonly<Record<string, CoefficientSource>>;
  readonly cpu: Readonly<Record<Cloud, Readonly<Record<string, CpuCoefficient>>>>;
  readonly cpuAverage: Readonly<Record<Cloud, CpuAverage>>;
  /** W per GB of memory (CCF 0.000392 kWh per GB-hour). */
  readonly memoryWPerGb: number;
  readonly storageWhPerTbHour: { readonly ssd: number; readonly hdd: number };
  /** CCF replication factors by service (stored bytes × factor = bytes on disk). */
  readonly replication: {
    readonly awsEbs: number;
    readonly gcpRegionalDisk: number;
    readonly awsS3: number;
    readonly awsS3OneZone: number;
    readonly awsEfs: number;
    readonly awsDefault: number;
    readonly gcsSingleRegion: number;
    readonly gcsDualRegion: number;
    readonly gcsMultiRegion: number;
    readonly gcpFilestore: number;
  };
  /** CCF networking coefficient, kWh per GB transferred between regions. */
  readonly networkKwhPerGb: number;
  /** CCF's fleet PUE (for comparisons only; the estimator uses region-data PUE). */
  readonly pueCcf: Readonly<Record<Cloud, number>>;
  readonly serverLifespanHours: number;
  /** CCF's GPU min/max W per device, by CCF's GPU name. */
  readonly ccfGpus: Readonly<Record<string, { readonly minW: number; readonly maxW: number }>>;
  /** carbonguard catalog accelerator model → CCF GPU name. */
  readonly ccfGpuNames: Readonly<Record<string, string>>;
  /** Marked estimates for accelerators without a published TDP, by catalog model. */
  readonly acceleratorEstimates: Readonly<Record<string, AcceleratorPowerEstimate>>;
  readonly hosts: Readonly<Record<Cloud, Readonly<Record<string, HostFacts>>>>;
  /** kgCO2e of manufacturing for the whole host platform (CCF 2023 output), by type. */
  readonly embodiedKg: Readonly<Record<Cloud, Readonly<Record<string, number>>>>;
}

export const COEFFICIENTS_DATA_PATH = path.join("region-data", "coefficients.json");

function checkShape(parsed: unknown, file: string): CoefficientsData {
  const bad = (what: string): never => {
    throw new DataFileError(file, `is not a valid coefficients file (${what})`);
  };
  if (!isRecord(parsed)) return bad("not an object");
  if (parsed["schemaVersion"] !== 1) bad("schemaVersion is not 1");
  for (const key of ["sources", "cpu", "cpuAverage", "ccfGpus", "ccfGpuNames", "acceleratorEstimates", "hosts", "embodiedKg", "pueCcf", "storageWhPerTbHour", "replication"]) {
    if (!isRecord(parsed[key])) bad(`missing "${key}"`);
  }
  for (const key of ["memoryWPerGb", "serverLifespanHours", "networkKwhPerGb"]) {
    if (typeof parsed[key] !== "number" || !((parsed[key] as number) > 0)) bad(`missing "${key}"`);
  }
  return parsed as unknown as CoefficientsData;
}

const load = lazyDataFile(COEFFICIENTS_DATA_PATH, "the energy coefficients", (parsed, file) => deepFreeze(checkShape(parsed, file)));

/** The coefficients data (loaded on first call, frozen). */
export function coefficients(): CoefficientsData {
  return load();
}

function typeKey(name: unknown): string | undefined {
  if (typeof name !== "string") return undefined;
  let key = name.trim().toLowerCase();
  const slash = key.lastIndexOf("/");
  if (slash >= 0) key = key.slice(slash + 1);
  if (key.startsWith("ml.")) key = key.slice(3);
  return key === "" || key.length > 200 ? undefined : key;
}

/** Host facts for an instance/machine type ("m5.large", "ml.m5.large", "n1-standard-8"). Never throws on input. */
export function hostFacts(cloud: Cloud, type: string): HostFacts | undefined {
  const key = typeKey(type);
  if (key === undefined || (cloud !== "aws" && cloud !== "gcp")) return undefined;
  return ownEntry(coefficients().hosts[cloud], key);
}

/** CCF CPU coefficients for a microarchitecture on a cloud. */
export function cpuCoefficient(cloud: Cloud, microarchitecture: string): CpuCoefficient | undefined {
  if (cloud !== "aws" && cloud !== "gcp") return undefined;
  return ownEntry(coefficients().cpu[cloud], microarchitecture);
}

export function cpuAverage(cloud: Cloud): CpuAverage {
  return coefficients().cpuAverage[cloud];
}

/** CCF's manufacturing kgCO2e for the whole host of `type`, when CCF lists the type. */
export function ccfEmbodiedKg(cloud: Cloud, type: string): number | undefined {
  const key = typeKey(type);
  if (key === undefined || (cloud !== "aws" && cloud !== "gcp")) return undefined;
  return ownEntry(coefficients().embodiedKg[cloud], key);
}

/** CCF's min/max W for the GPU behind a catalog accelerator model, when CCF lists it. */
export function ccfGpuFor(model: string): { readonly name: string; readonly minW: number; readonly maxW: number } | undefined {
  if (typeof model !== "string") return undefined;
  const data = coefficients();
  const name = ownEntry(data.ccfGpuNames, model.trim());
  const gpu = name === undefined ? undefined : ownEntry(data.ccfGpus, name);
  return name !== undefined && gpu !== undefined ? { name, ...gpu } : undefined;
}

export function acceleratorPowerEstimate(model: string): AcceleratorPowerEstimate | undefined {
  if (typeof model !== "string") return undefined;
  return ownEntry(coefficients().acceleratorEstimates, model.trim());
}
