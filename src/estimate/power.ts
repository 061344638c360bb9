/**
 * Power of one unit (an instance, node, replica, TPU slice or volume), CCF method extended with
 * current accelerators:
 *
 * - accelerators: per device `idle + u × (max − idle)`; max = the catalog's per-device TDP (AWS
 *   types: the measured nvidia-smi power limit), else a marked estimate; idle = CCF's idle share for
 *   that GPU (CCF min ÷ max), else the median CCF share;
 * - CPU: vCPUs × `min + u × (max − min)` W per vCPU (CCF coefficients by microarchitecture, averaged
 *   over the microarchitectures a type may land on; the cloud average when unknown);
 * - memory: 0.392 W per GB above what CCF's CPU coefficients already include (GB per chip × the
 *   instance's share of the host's sockets);
 * - storage: SSD 1.2 / HDD 0.65 Wh per TB-hour × replication.
 *
 * Never throws and never returns NaN, negative or infinite numbers; a unit it can't size is an
 * `{ unknown }` with the reason.
 */
import {
  type GcpAcceleratorInfo,
  type InstanceTypeInfo,
  acceleratorModel,
  allInstanceTypes,
  lookupGcpAccelerator,
  lookupInstanceType,
  looksAccelerated,
} from "../data/accelerators";
import {
  type HostFacts,
  acceleratorPowerEstimate,
  ccfEmbodiedKg,
  ccfGpuFor,
  coefficients,
  cpuAverage,
  cpuCoefficient,
  hostFacts,
} from "../data/coefficients";
import type { Cloud } from "../data/types";
import { formatCount } from "../engine/format";
import { BoundedMemo } from "../engine/memo";
import type { FigureRef } from "../engine/rule";
import { acceleratorShapedToken, typeShapedToken } from "../engine/accelerator-scan";
import { quoteToken } from "../engine/values";
import type { PowerComponents, UnitPower } from "./types";

export const CCF_COEFFICIENTS_SOURCE = "Cloud Carbon Footprint coefficients (ccf-coefficients@b0032d9, SPECpower 2026, Apache-2.0)";
export const CCF_APP_SOURCE = "Cloud Carbon Footprint app constants (cloud-carbon-footprint@b7a049c, Apache-2.0)";
export const CCF_EMBODIED_SOURCE = "Cloud Carbon Footprint embodied coefficients (ccf-coefficients@b0032d9, 2023 output, Apache-2.0)";
export const CATALOG_SOURCE = "carbonguard accelerator catalog (region-data/accelerators.json)";

/** A GCP accelerator attached to a machine (`guestAccelerators`, Vertex `machineSpec`, Cloud Run). */
export interface AttachedAccelerator {
  readonly token: string;
  readonly count: number;
}

export type UnitSpec =
  | { readonly kind: "instance"; readonly cloud: Cloud; readonly instanceType: string; readonly attached?: readonly AttachedAccelerator[] }
  | {
      readonly kind: "container";
      readonly cloud: Cloud;
      readonly label: string;
      readonly vcpu?: number;
      readonly memoryGb?: number;
      readonly attached: readonly AttachedAccelerator[];
    }
  | { readonly kind: "storage"; readonly cloud: Cloud; readonly label: string; readonly sizeGb: number; readonly ssd: boolean; readonly replication: number };

export type UnitResolution = { readonly power: UnitPower } | { readonly unknown: string };

/** Keeps every number finite and ≥ 0. */
export function safe(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function clampUtilization(u: number): number {
  return Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : 0.5;
}

function medianIdleShare(): number {
  const ratios = Object.values(coefficients().ccfGpus)
    .filter((g) => g.maxW > 0 && g.minW >= 0)
    .map((g) => g.minW / g.maxW)
    .sort((a, b) => a - b);
  if (ratios.length === 0) return 0.1;
  const mid = Math.floor(ratios.length / 2);
  return ratios.length % 2 ? (ratios[mid] as number) : ((ratios[mid - 1] as number) + (ratios[mid] as number)) / 2;
}

let idleShareCache: number | undefined;
function defaultIdleShare(): number {
  if (idleShareCache === undefined) idleShareCache = medianIdleShare();
  return idleShareCache;
}

export interface DevicePower {
  readonly maxW: number;
  readonly idleW: number;
  readonly figure: FigureRef;
}

/**
 * Max and idle W of one accelerator device: catalog TDP, else the catalog's own marked estimate,
 * else carbonguard's marked estimate; undefined when there is none.
 */
export function devicePower(model: string, tdp: number | null | undefined, tdpBasis: string, year: number | null | undefined): DevicePower | undefined {
  let maxW: number | undefined;
  let basis = tdpBasis;
  let estimate: string | undefined;
  const catalog = acceleratorModel(model);
  if (typeof tdp === "number" && Number.isFinite(tdp) && tdp > 0) {
    maxW = tdp;
  } else {
    if (catalog?.tdpEstimateW !== undefined && catalog.tdpEstimateW > 0) {
      maxW = catalog.tdpEstimateW;
      basis = catalog.tdpEstimateBasis ?? "catalog estimate";
      estimate = "no published TDP: third-party estimate from the catalog";
    } else {
      const ours = acceleratorPowerEstimate(model);
      if (ours) {
        maxW = ours.maxW;
        basis = ours.basis;
        estimate = "no published TDP: carbonguard estimate (±50% or more), see docs/methodology.md";
      }
    }
  }
  if (maxW === undefined) return undefined;
  const ccf = ccfGpuFor(model);
  const share = ccf && ccf.maxW > 0 ? ccf.minW / ccf.maxW : defaultIdleShare();
  const idleBasis = ccf ? `idle ${(share * 100).toFixed(1)}% of max (CCF ${ccf.name} ${ccf.minW}/${ccf.maxW} W)` : `idle ${(share * 100).toFixed(1)}% of max (median of CCF's GPU idle shares)`;
  return {
    maxW,
    idleW: maxW * share,
    figure: {
      label: `${model} max power`,
      value: maxW,
      unit: "W per device",
      source: estimate ? basis : `${CATALOG_SOURCE}: ${basis}`,
      // The figure describes the chip: the caller's year, else the catalog's chip year.
      year: typeof year === "number" && year > 0 ? year : (catalog?.chipYear ?? 2024),
      basis: `per-device maximum (TDP or measured power limit); ${idleBasis}`,
      ...(estimate ? { estimate } : {}),
    },
  };
}

interface Host {
  readonly vcpu: number | undefined;
  readonly memoryGb: number | undefined;
  readonly facts: HostFacts | undefined;
  /** Platform used for the memory deduction and embodied share when CCF has no facts. */
  readonly platform: { readonly vcpu: number; readonly sockets: number; readonly memoryGb: number | undefined; readonly accelerators: number } | undefined;
}

const familyPlatformCache = new Map<string, InstanceTypeInfo | undefined>();

/** The largest catalog type of the same family: stands for the whole host (CCF's convention). */
function familyPlatform(info: InstanceTypeInfo): InstanceTypeInfo | undefined {
  const key = `${info.cloud}:${info.family}`;
  if (familyPlatformCache.has(key)) return familyPlatformCache.get(key);
  let best: InstanceTypeInfo | undefined;
  for (const t of allInstanceTypes(info.cloud)) {
    if (t.family !== info.family || t.kind !== "machine" || t.vcpu === null) continue;
    if (!best || (t.vcpu ?? 0) > (best.vcpu ?? 0)) best = t;
  }
  familyPlatformCache.set(key, best);
  return best;
}

function cpuPower(cloud: Cloud, host: Host, u: number, assumptions: FigureRef[], caveats: string[]): { at: number; idle: number; max: number; gbPerChip: number } {
  const vcpu = host.vcpu;
  const archs = (host.facts?.microarchitectures ?? []).map((a) => [a, cpuCoefficient(cloud, a)] as const).filter((p) => p[1] !== undefined);
  let minW: number;
  let maxW: number;
  let gbPerChip: number;
  if (archs.length > 0) {
    minW = archs.reduce((s, [, c]) => s + c!.minW, 0) / archs.length;
    maxW = archs.reduce((s, [, c]) => s + c!.maxW, 0) / archs.length;
    gbPerChip = archs.reduce((s, [, c]) => s + c!.gbPerChip, 0) / archs.length;
    const names = archs.map(([a]) => a).join(", ");
    assumptions.push({
      label: "CPU power per vCPU",
      value: round(maxW, 3),
      unit: "W per vCPU at 100%",
      source: CCF_COEFFICIENTS_SOURCE,
      year: 2026,
      basis: `${names}${archs.length > 1 ? " (averaged)" : ""}: min ${round(minW, 3)} / max ${round(maxW, 3)} W per vCPU (SPECpower)`,
    });
  } else {
    const avg = cpuAverage(cloud);
    minW = avg.minW;
    maxW = avg.maxW;
    gbPerChip = avg.gbPerChip;
    assumptions.push({
      label: "CPU power per vCPU",
      value: maxW,
      unit: "W per vCPU at 100%",
      source: CCF_APP_SOURCE,
      year: 2024,
      basis: `microarchitecture unknown: ${avg.basis}, min ${minW} / max ${maxW} W per vCPU`,
      estimate: "cloud average used: CCF has no microarchitecture for this type",
    });
  }
  if (vcpu === undefined) {
    caveats.push("host vCPU count unknown: CPU and memory not counted");
    return { at: 0, idle: 0, max: 0, gbPerChip };
  }
  return { at: vcpu * (minW + u * (maxW - minW)), idle: vcpu * minW, max: vcpu * maxW, gbPerChip };
}

function memoryPower(host: Host, gbPerChip: number, assumptions: FigureRef[]): number {
  if (host.memoryGb === undefined || host.vcpu === undefined) return 0;
  const platform = host.facts ? { vcpu: host.facts.platformVcpu, sockets: host.facts.platformSockets } : host.platform;
  const share = platform && platform.vcpu > 0 ? Math.min(1, host.vcpu / platform.vcpu) : 1;
  const sockets = platform?.sockets ?? Math.max(1, Math.ceil(host.vcpu / 96));
  const included = gbPerChip * sockets * share;
  const w = coefficients().memoryWPerGb;
  assumptions.push({
    label: "memory power",
    value: w,
    unit: "W per GB",
    source: CCF_APP_SOURCE,
    year: 2024,
    basis: `CCF memory coefficient 0.000392 kWh/GB-h, applied to ${round(Math.max(0, host.memoryGb - included), 1)} of ${host.memoryGb} GB (the rest, ${round(gbPerChip, 1)} GB per chip × ${sockets} socket(s) × ${round(share, 3)} of the host, is in the CPU coefficient)`,
  });
  return Math.max(0, host.memoryGb - included) * w;
}

interface AcceleratorSet {
  readonly model: string;
  readonly count: number;
  readonly tdp: number | null;
  readonly tdpBasis: string;
  readonly year: number | null;
}

function acceleratorPower(sets: readonly AcceleratorSet[], u: number, assumptions: FigureRef[]): { at: number; idle: number; max: number } | { unknown: string } {
  let at = 0;
  let idle = 0;
  let max = 0;
  for (const set of sets) {
    const count = safe(set.count);
    if (count === 0) continue;
    const device = devicePower(set.model, set.tdp, set.tdpBasis, set.year);
    if (!device) return { unknown: `no power figure (published TDP or estimate) for ${set.model}` };
    at += count * (device.idleW + u * (device.maxW - device.idleW));
    idle += count * device.idleW;
    max += count * device.maxW;
    assumptions.push(device.figure);
  }
  return { at, idle, max };
}

function shortModel(model: string): string {
  return model.replace(/^NVIDIA\s+/i, "").replace(/^AWS\s+/i, "").replace(/^Google\s+/i, "");
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function attachedSets(attached: readonly AttachedAccelerator[] | undefined): AcceleratorSet[] | { unknown: string } {
  const sets: AcceleratorSet[] = [];
  for (const a of attached ?? []) {
    const info: GcpAcceleratorInfo | undefined = lookupGcpAccelerator(a.token);
    const tpu = info ? undefined : lookupInstanceType("gcp", a.token);
    if (info) sets.push({ model: info.model, count: a.count, tdp: info.tdpWPerDevice, tdpBasis: info.tdpBasis, year: null });
    else if (tpu) sets.push({ model: tpu.acceleratorModel, count: a.count, tdp: tpu.tdpWPerDevice, tdpBasis: tpu.tdpBasis, year: tpu.launchYear });
    // Not in the catalog: quoted only when shaped like an accelerator name (it could be anything).
    else return { unknown: `accelerator ${acceleratorShapedToken(a.token) ?? "(unreadable)"} is not in carbonguard's catalog` };
  }
  return sets;
}

/**
 * An instance/machine type as text may show it. The field can hold anything (a plaintext secret,
 * in the pack), so it is quoted only when the catalog or CCF knows it, it is a GCP custom type, or
 * it has the exact shape of a type name.
 */
export function displayInstanceType(cloud: Cloud, name: string): string {
  const t = name.trim();
  return shownType(cloud, t, lookupInstanceType(cloud, t) !== undefined || hostFacts(cloud, t) !== undefined || (cloud === "gcp" && gcpCustomShape(t) !== undefined));
}

function shownType(cloud: Cloud, trimmed: string, known: boolean): string {
  return known ? (quoteToken(trimmed) ?? "(unreadable type)") : (typeShapedToken(cloud, trimmed) ?? "(an unrecognised type)");
}

/** GCP custom machine types: "custom-8-32768", "n2-custom-8-32768", "n1-custom-4-15360-ext". */
function gcpCustomShape(name: string): { vcpu: number; memoryGb: number } | undefined {
  const m = /(?:^|-)custom-(\d{1,4})-(\d{3,8})(?:-ext)?$/i.exec(name.trim());
  if (!m) return undefined;
  return { vcpu: Number(m[1]), memoryGb: Number(m[2]) / 1024 };
}

/**
 * Results are pure functions of their arguments and shared read-only, so they are cached: a
 * report over a thousand stacks sizes the same few dozen instance types over and over.
 */
const unitCache = new BoundedMemo<string, UnitResolution>(10_000);

/**
 * A spec's cache key: its fields joined (JSON-quoted strings, so no two specs share one). Cheaper
 * than JSON.stringify, which showed up in profiles of large reports.
 */
function specKey(spec: UnitSpec): string {
  const attached = (list: readonly AttachedAccelerator[] | undefined): string => {
    if (list === undefined) return "-";
    let out = "";
    for (const a of list) out += `${JSON.stringify(a.token)}*${a.count};`;
    return out;
  };
  switch (spec.kind) {
    case "instance":
      return `i|${spec.cloud}|${JSON.stringify(spec.instanceType)}|${attached(spec.attached)}`;
    case "storage":
      return `s|${spec.cloud}|${JSON.stringify(spec.label)}|${spec.sizeGb}|${spec.ssd}|${spec.replication}`;
    case "container":
      return `c|${spec.cloud}|${JSON.stringify(spec.label)}|${spec.vcpu}|${spec.memoryGb}|${attached(spec.attached)}`;
    default:
      return JSON.stringify(spec);
  }
}

/** Power of one unit described by `spec`, at utilization `utilization` (hours don't enter: it is a draw, not an energy). */
export function resolveUnit(spec: UnitSpec, utilization: number): UnitResolution {
  return unitCache.get(`${specKey(spec)}|${utilization}`, () => resolveUnitUncached(spec, utilization));
}

function resolveUnitUncached(spec: UnitSpec, utilization: number): UnitResolution {
  const u = clampUtilization(utilization);
  const assumptions: FigureRef[] = [];
  const caveats: string[] = [];
  const lifespan = coefficients().serverLifespanHours;

  if (spec.kind === "storage") {
    const data = coefficients();
    const whPerTbHour = spec.ssd ? data.storageWhPerTbHour.ssd : data.storageWhPerTbHour.hdd;
    const watts = safe((spec.sizeGb / 1000) * whPerTbHour * safe(spec.replication));
    assumptions.push({
      label: "storage power",
      value: whPerTbHour,
      unit: "Wh per TB-hour",
      source: CCF_APP_SOURCE,
      year: 2024,
      basis: `${spec.ssd ? "SSD" : "HDD"} coefficient × replication factor ${spec.replication}`,
    });
    return {
      power: {
        label: spec.label,
        watts,
        idleWatts: watts,
        maxWatts: watts,
        components: { accelerators: 0, cpu: 0, memory: 0, storage: watts },
        embodiedKgPerHour: 0,
        embodiedBasis: "CCF counts no embodied emissions for storage",
        assumptions,
        caveats,
      },
    };
  }

  let host: Host;
  let sets: AcceleratorSet[] = [];
  let label: string;
  let embodiedKgPerHour: number | undefined;
  let embodiedBasis: string;

  if (spec.kind === "container") {
    const attached = attachedSets(spec.attached);
    if ("unknown" in attached) return attached;
    sets = attached;
    // The host is unknown: CCF's convention of one CPU socket per 96 vCPUs sizes the share.
    const sockets = spec.vcpu ? Math.max(1, Math.ceil(spec.vcpu / 96)) : 1;
    host = { vcpu: spec.vcpu, memoryGb: spec.memoryGb, facts: undefined, platform: spec.vcpu ? { vcpu: 96 * sockets, sockets, memoryGb: undefined, accelerators: 0 } : undefined };
    label = spec.label;
    embodiedKgPerHour = undefined;
    embodiedBasis = "not estimated: the host of a serverless container is not known";
    caveats.push("embodied emissions not estimated for serverless containers");
  } else {
    const name = spec.instanceType.trim();
    const info = lookupInstanceType(spec.cloud, name);
    const facts = hostFacts(spec.cloud, name);
    const custom = spec.cloud === "gcp" && !info && !facts ? gcpCustomShape(name) : undefined;
    const shown = shownType(spec.cloud, name, info !== undefined || facts !== undefined || custom !== undefined);
    if (!info && !facts && !custom) {
      return { unknown: looksAccelerated(spec.cloud, name) ? `${shown} looks accelerated but is not in carbonguard's catalog` : `${shown} is not in CCF's instance data` };
    }
    const listed = attachedSets(spec.attached);
    if ("unknown" in listed) return listed;
    // A machine type with built-in accelerators (G2, A2, A3, A4…) reports them in guestAccelerators
    // too (GKE and GCE state do): those are the same devices, not extra ones. The built-in set
    // counts once, at the larger of the two counts; only other models are attached on top.
    let attached = listed;
    if (info && info.acceleratorCount > 0) {
      const same = listed.filter((a) => a.model === info.acceleratorModel);
      const count = Math.max(info.acceleratorCount, ...same.map((a) => safe(a.count)));
      sets.push({ model: info.acceleratorModel, count, tdp: info.tdpWPerDevice, tdpBasis: info.tdpBasis, year: info.launchYear });
      attached = listed.filter((a) => a.model !== info.acceleratorModel);
    }
    sets.push(...attached);
    const platformInfo = info ? familyPlatform(info) : undefined;
    const vcpu = facts?.vcpu ?? info?.vcpu ?? custom?.vcpu ?? undefined;
    const memoryGb = facts?.memoryGb ?? info?.ramGib ?? custom?.memoryGb ?? undefined;
    host = {
      vcpu: vcpu ?? undefined,
      memoryGb: memoryGb ?? undefined,
      facts,
      platform:
        platformInfo && platformInfo.vcpu
          ? { vcpu: platformInfo.vcpu, sockets: Math.max(1, Math.ceil(platformInfo.vcpu / 96)), memoryGb: platformInfo.ramGib ?? undefined, accelerators: platformInfo.acceleratorCount }
          : vcpu
            ? { vcpu, sockets: Math.max(1, Math.ceil(vcpu / 96)), memoryGb: memoryGb ?? undefined, accelerators: info?.acceleratorCount ?? 0 }
            : undefined,
    };
    label = shown;
    if (sets.length > 0) label += ` (${sets.map((s) => `${formatCount(s.count)}×${shortModel(s.model)}`).join(" + ")})`;
    if (info?.kind === "tpu" && vcpu === undefined) caveats.push(`host CPU and memory of TPU slice ${shown} not counted (no host shape in the catalog)`);

    // Embodied: CCF's per-host value × this type's share of the host, else CCF's formula on the family's largest type.
    const ccfKg = ccfEmbodiedKg(spec.cloud, name);
    if (ccfKg !== undefined && facts && facts.platformVcpu > 0) {
      const share = Math.min(1, facts.vcpu / facts.platformVcpu);
      embodiedKgPerHour = (ccfKg * share) / lifespan;
      embodiedBasis = `CCF ${ccfKg.toLocaleString("en-US")} kgCO2e per host × ${round(share, 3)} of the host over ${lifespan.toLocaleString("en-US")} h`;
      assumptions.push({ label: "embodied emissions", value: ccfKg, unit: "kgCO2e per host", source: CCF_EMBODIED_SOURCE, year: 2023, basis: embodiedBasis });
    } else if (host.platform) {
      const p = host.platform;
      const platformMem = p.memoryGb ?? memoryGb ?? 0;
      const kg = 1000 + (Math.max(0, platformMem - 16) * 533) / 384 + 100 * Math.max(0, p.sockets - 1) + 150 * safe(p.accelerators);
      const share = vcpu !== undefined && p.vcpu > 0 ? Math.min(1, vcpu / p.vcpu) : 1;
      embodiedKgPerHour = (kg * share) / lifespan;
      embodiedBasis = `CCF formula applied by carbonguard: ${Math.round(kg).toLocaleString("en-US")} kgCO2e per host (1,000 base + DRAM + sockets + 150 per accelerator; storage not counted) × ${round(share, 3)} of the host over ${lifespan.toLocaleString("en-US")} h`;
      assumptions.push({
        label: "embodied emissions",
        value: Math.round(kg),
        unit: "kgCO2e per host",
        source: CCF_EMBODIED_SOURCE,
        year: 2023,
        basis: embodiedBasis,
        estimate: "CCF lists no embodied value for this type; CCF's 150 kg per accelerator is likely low for HBM accelerators",
      });
    } else {
      embodiedKgPerHour = undefined;
      embodiedBasis = "not estimated: host shape unknown";
      caveats.push(`embodied emissions of ${shown} not estimated (host shape unknown)`);
    }
    // Attached GCP GPUs are dedicated to the VM: CCF's N1 host figures don't include them.
    const attachedCount = attached.reduce((s, a) => s + safe(a.count), 0);
    if (attachedCount > 0 && embodiedKgPerHour !== undefined) {
      embodiedKgPerHour += (150 * attachedCount) / lifespan;
      embodiedBasis += `; + 150 kg per attached GPU (CCF)`;
    }
  }

  const accel = acceleratorPower(sets, u, assumptions);
  if ("unknown" in accel) return accel;
  const cpu = cpuPower(spec.cloud, host, u, assumptions, caveats);
  const memory = memoryPower(host, cpu.gbPerChip, assumptions);
  const components: PowerComponents = { accelerators: safe(accel.at), cpu: safe(cpu.at), memory: safe(memory), storage: 0 };
  const watts = components.accelerators + components.cpu + components.memory;
  if (!(watts > 0)) return { unknown: `no power could be attributed to ${label}` };
  return {
    power: {
      label,
      watts,
      idleWatts: safe(accel.idle) + safe(cpu.idle) + components.memory,
      maxWatts: safe(accel.max) + safe(cpu.max) + components.memory,
      components,
      embodiedKgPerHour: embodiedKgPerHour === undefined ? undefined : safe(embodiedKgPerHour),
      embodiedBasis,
      assumptions,
      caveats,
    },
  };
}
