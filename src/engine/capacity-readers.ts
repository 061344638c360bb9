/**
 * Capacity readers shared by the three rules that judge capacity left running
 * (ml-autoscale-to-zero, ml-notebook-idle-shutdown, ml-training-guardrails): which workload a piece
 * of capacity serves, what one unit of it is ("g2-standard-8 (1×L4)"), and what it costs to keep N
 * units switched on with no work to do.
 *
 * Idle draw comes from the estimator (src/estimate `resolveUnit` at 0% utilization: accelerators at
 * their idle share of TDP, host CPU and memory at the CCF minimum), with E18's measured idle power
 * quoted beside it where it has one. Region grid intensity and PUE from region data.
 */
import { type InstanceTypeInfo, lookupInstanceType } from "../data/accelerators";
import { regionFacts } from "../data/regions";
import type { Cloud, Figure } from "../data/types";
import type { AcceleratorUse } from "./accelerator-scan";
import { cite, shortCite, formatCount, formatGrams, formatPue, formatKg, formatWatts } from "./format";
import { HOURS_PER_MONTH, type UnitPower, type UnitSpec, resolveUnit } from "../estimate";
import type { FigureRef, FindingSaving } from "./rule";
import { type PathStep, type PlainValue, type Read, isOpaque, quoteToken, readNumber, readObject } from "./values";
import type { ResourceView } from "./view";
import { DEFAULT_WORKLOAD_KEY, type WorkloadDeclaration, classifyWorkload, ownWorkload } from "./workload";

// ---------------------------------------------------------------------------------------------
// Workload

/** A workload label inside a label map at `steps` (e.g. an inline node pool's `nodeConfig.resourceLabels`). */
export function labelIn(root: PlainValue | undefined, steps: readonly PathStep[], key: string = DEFAULT_WORKLOAD_KEY): WorkloadDeclaration {
  const bag = readObject(root, steps);
  if (bag.state === "opaque") return { state: "unknown" };
  if (bag.state !== "value") return { state: "absent" };
  const value = bag.value[key];
  if (isOpaque(value)) return { state: "unknown" };
  return typeof value === "string" ? classifyWorkload(value, "resource") : { state: "absent" };
}

/**
 * The workload that applies: the most specific declaration first (`specific`, e.g. an inline pool's
 * labels), then the resource's own, then related resources' (a launch template's tags), then the
 * stack tag.
 */
export function workloadOf(
  view: ResourceView,
  opts: { readonly specific?: readonly WorkloadDeclaration[]; readonly related?: readonly ResourceView[]; readonly key?: string } = {},
): WorkloadDeclaration {
  const key = opts.key ?? DEFAULT_WORKLOAD_KEY;
  const candidates = [...(opts.specific ?? []), ownWorkload(view, key), ...(opts.related ?? []).map((r) => ownWorkload(r, key))];
  for (const c of candidates) if (c.state !== "absent") return c;
  const stackTag = view.stack.stackTags.get(key);
  return stackTag !== undefined ? classifyWorkload(stackTag, "stack") : { state: "absent" };
}

/** Training or not; an invalid or missing declaration counts as not training (ml-workload-declared reports it). */
export function isTraining(w: WorkloadDeclaration): boolean | "unknown" {
  if (w.state === "unknown") return "unknown";
  return w.state === "declared" && w.workload === "training";
}

// ---------------------------------------------------------------------------------------------
// Counts

/** A count as a rule can use it: a finite non-negative number, absent, unreadable now, or nonsense. */
export type CountRead = Read<number>;

/** Reads a count (numbers or numeric strings); negative or fractional nonsense is "wrong-type". */
export function readCount(root: PlainValue | undefined, steps: readonly PathStep[]): CountRead {
  const r = readNumber(root, steps);
  if (r.state !== "value") return r;
  return Number.isFinite(r.value) && r.value >= 0 && r.value <= 1e7 ? r : { state: "wrong-type", path: r.path };
}

/** Parses a duration such as "3600s", "90m", "1h30m", "1.5h" or "2d" into seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t.length === 0 || t.length > 40) return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(d|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += n * (unit === "d" ? 86_400 : unit === "h" ? 3_600 : unit === "m" ? 60 : 1);
    consumed += m[0].length;
  }
  return consumed === t.length && Number.isFinite(total) ? total : undefined;
}

/** "90 min", "3 h", "2.5 days": durations in messages. */
export function formatMinutes(minutes: number): string {
  if (minutes < 120) return `${round1(minutes)} min`;
  if (minutes < 2 * 1440) return `${round1(minutes / 60)} h`;
  return `${round1(minutes / 1440)} days`;
}

function round1(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, "");
}

// ---------------------------------------------------------------------------------------------
// Units of capacity and their idle cost

/** Measured idle draw per GPU (evidence E18), by accelerator model. */
const E18_IDLE: readonly { readonly model: RegExp; readonly watts: number; readonly label: string }[] = [
  { model: /\bH100\b/i, watts: 68, label: "H100" },
  { model: /\bH200\b/i, watts: 73, label: "H200" },
  { model: /\bB200\b/i, watts: 139, label: "B200" },
  { model: /\bL40S\b/i, watts: 80, label: "L40S" },
  { model: /\bA10G\b/i, watts: 58, label: "A10G" },
  { model: /\bL4\b/i, watts: 28, label: "L4" },
];

const E18_SOURCE = "ec2instances.info nvidia-smi idle snapshots (vantage-sh, captured Dec 2025–Jan 2026; evidence E18)";

export function measuredIdle(model: string): Figure | undefined {
  const hit = E18_IDLE.find((e) => e.model.test(model));
  if (!hit) return undefined;
  return { value: hit.watts, unit: "W per GPU (idle)", source: E18_SOURCE, year: 2025, basis: `${hit.label} idle power, one nvidia-smi snapshot on an idle instance` };
}

/** One unit of capacity (an instance, node, replica or task) and its idle draw. */
export interface CapacityUnit {
  /** "g2-standard-8 (1×L4)", "ml.g6.xlarge (1×L4)", "1×L4 GPU". */
  readonly label: string;
  /** Idle draw of one unit before PUE, when it can be estimated. */
  readonly idleWatts?: number;
  /** How the idle draw was estimated (for the message). */
  readonly idleBasis?: string;
  readonly figures: readonly FigureRef[];
  /** For units without a type name: how to count them ("instance with 1×L4 GPU", "instances with 1×L4 GPU each"). */
  readonly singular?: string;
  readonly plural?: string;
  /** What the estimator needs to price one unit (also at other utilizations). */
  readonly spec?: UnitSpec;
}

export function shortModel(model: string): string {
  return model.replace(/^NVIDIA\s+/i, "").replace(/^AWS\s+/i, "").replace(/^Google\s+/i, "").replace(/\s+(SXM|PCIe)\d?\b.*$/i, "");
}

/** Power of one unit from the estimator (src/estimate, CCF method); undefined when it can't price it. */
export function unitPower(spec: UnitSpec | undefined, utilization: number): UnitPower | undefined {
  if (!spec) return undefined;
  // No catch: an estimator error (a broken coefficients file, a bug) is the rule's error, reported
  // at the policy's level by evaluateRule; swallowing it would silently drop the figures a message cites.
  const r = resolveUnit(spec, utilization);
  if ("unknown" in r) return undefined;
  return Number.isFinite(r.power.watts) && Number.isFinite(r.power.idleWatts) ? r.power : undefined;
}

/**
 * The unit's idle draw (estimator at 0% utilization), with E18's measured idle power quoted beside
 * it. The estimate is never below the measurement it cites: where CCF's idle share for the
 * accelerators is below what `devices` GPUs were measured to draw idle (an L4's CCF minimum is
 * below the 28 W measured), the accelerators count at the measured idle instead.
 */
function withIdle(unit: CapacityUnit, model: string | undefined, devices: number): CapacityUnit {
  const p = unitPower(unit.spec, 0);
  if (!p || !(p.idleWatts > 0)) return unit;
  const figures: FigureRef[] = p.assumptions.filter((a) => !/embodied/i.test(a.label));
  const measured = model !== undefined ? measuredIdle(model) : undefined;
  const measuredWatts = measured && devices > 0 && Number.isFinite(devices) ? measured.value * devices : 0;
  const atMeasured = measuredWatts > p.components.accelerators;
  const share = atMeasured ? "their measured idle draw (above their CCF idle share)" : "their CCF idle share";
  const host = p.components.cpu + p.components.memory > 0 ? `accelerators at ${share}, host CPU and memory at the CCF minimum` : `accelerators only, at ${share}`;
  let basis = `carbonguard estimator at 0% utilization: ${host}`;
  if (measured && model !== undefined) {
    basis += `; measured idle ${shortModel(model)} ~${measured.value} W per GPU (${cite(measured)})`;
    figures.push({ label: `${shortModel(model)} measured idle draw`, ...measured });
  }
  const idleWatts = atMeasured ? p.idleWatts - p.components.accelerators + measuredWatts : p.idleWatts;
  return { ...unit, idleWatts, idleBasis: basis, figures };
}

/** Accelerators per instance or container: more than this is nonsense input, not a machine. */
const MAX_DEVICES_PER_UNIT = 1024;

function plausibleDevices(n: number): boolean {
  return Number.isFinite(n) && n > 0 && n <= MAX_DEVICES_PER_UNIT;
}

/** The unit a resource's accelerator uses describe (the first use that says most). */
export function unitOf(cloud: Cloud | undefined, uses: readonly AcceleratorUse[], opts: { readonly machineType?: string; readonly perUnitCount?: number } = {}): CapacityUnit {
  const withType = uses.find((u) => u.instanceType);
  if (withType?.instanceType && cloud) return instanceUnit(cloud, withType.instanceType, withType.token);
  const gcp = uses.find((u) => u.gcpAccelerator);
  if (gcp?.gcpAccelerator) {
    const count = opts.perUnitCount ?? gcp.count ?? 1;
    const model = gcp.gcpAccelerator.model;
    if (!plausibleDevices(count)) return { label: `${shortModel(model)} GPUs`, singular: `instance with ${shortModel(model)} GPUs`, plural: `instances with ${shortModel(model)} GPUs`, figures: [] };
    const machine = opts.machineType !== undefined ? machineTypeToken(opts.machineType) : undefined;
    const gpu = `${formatCount(count)}×${shortModel(model)}`;
    const label = machine ? `${machine} + ${gpu}` : `${gpu} GPU`;
    const counted = machine ? {} : { singular: `instance with ${gpu} GPU`, plural: `instances with ${gpu} GPU each` };
    const attached = [{ token: gcp.gcpAccelerator.token, count }];
    const spec: UnitSpec | undefined = cloud
      ? machine
        ? { kind: "instance", cloud, instanceType: machine, attached }
        : { kind: "container", cloud, label, attached }
      : undefined;
    return withIdle({ label, figures: [], ...counted, ...(spec ? { spec } : {}) }, model, count);
  }
  const gpus = uses.filter((u) => u.via === "gpu-resource").reduce((n, u) => n + (u.count ?? 1), 0);
  if (gpus > 0) {
    const n = opts.perUnitCount ?? gpus;
    if (!plausibleDevices(n)) return { label: "GPUs", singular: "container with GPUs", plural: "containers with GPUs", figures: [] };
    const gpuText = `${formatCount(n)} GPU${n === 1 ? "" : "s"}`;
    return { label: gpuText, singular: `container with ${gpuText}`, plural: `containers with ${gpuText} each`, figures: [] };
  }
  const ami = uses.find((u) => u.via === "ami-type" && u.token);
  if (ami?.token) return { label: `node with the ${ami.token} AMI`, singular: `node with the ${ami.token} AMI`, plural: `nodes with the ${ami.token} AMI`, figures: [] };
  if (uses.some((u) => u.via === "instance-requirements")) {
    return { label: "accelerated instance", singular: "accelerated instance (chosen by instanceRequirements)", plural: "accelerated instances (chosen by instanceRequirements)", figures: [] };
  }
  // Only tokens the catalog recognizes are quoted: the scanner also keeps identifier-shaped values it
  // doesn't know, and such a value may be anything (a secret in the wrong field).
  const token = uses.find((u) => u.token && u.recognized)?.token;
  return token
    ? { label: token, figures: [] }
    : { label: "unrecognized accelerated instance", singular: "unrecognized accelerated instance", plural: "unrecognized accelerated instances", figures: [] };
}

/** GCE machine types that carry no accelerator themselves (N1 + attached GPUs): "n1-standard-8". */
const GCE_MACHINE = /^(n1|n2|n2d|n4|e2|c2|c2d|c3|c3d|c4|c4a|c4d|t2d|t2a|m1|m2|m3|m4|h3|z3)-(standard|highmem|highcpu|megamem|ultramem|hypermem|custom)-\d{1,3}(-\d{1,7})?$/;

/**
 * A machine type, only if it is one (a catalog type or an exact GCE machine-type name): a value
 * that merely looks like an identifier may be a secret passed in the wrong field.
 */
export function machineTypeToken(value: string): string | undefined {
  const v = value.trim();
  if (GCE_MACHINE.test(v)) return v;
  const info = lookupInstanceType("gcp", v) ?? lookupInstanceType("aws", v);
  return info ? (quoteToken(v) ?? info.name) : undefined;
}

export function instanceUnit(cloud: Cloud, info: InstanceTypeInfo, token?: string): CapacityUnit {
  const name = token ?? info.name;
  const label = `${name} (${formatCount(info.acceleratorCount)}×${shortModel(info.acceleratorModel)})`;
  return withIdle({ label, figures: [], spec: { kind: "instance", cloud, instanceType: name } }, info.acceleratorModel, info.acceleratorCount);
}

export interface IdleCost {
  /** "≈ 80 kWh and 40 kgCO2e per month in us-central1 (…basis…)" */
  readonly text: string;
  readonly kwhPerMonth: number;
  readonly kgCo2ePerMonth?: number;
  /** The short form of the same cost, for a finding's saving (grid intensity with its source; PUE and draw basis stay in `text`). */
  readonly saving?: FindingSaving;
  readonly figures: readonly FigureRef[];
}

/** What `count` idle units cost per month where the resource runs (730 h; PUE and grid of the region). */
export function idleCost(view: ResourceView, unit: CapacityUnit, count: number): IdleCost | undefined {
  if (unit.idleWatts === undefined || !(unit.idleWatts > 0) || !(count > 0) || !Number.isFinite(count)) return undefined;
  const watts = unit.idleWatts * count;
  const figures: FigureRef[] = [...unit.figures];
  const facts = view.cloud && view.region.state === "known" ? regionFacts(view.cloud, view.region.region) : undefined;
  const pue = facts?.pue;
  const kwh = (watts / 1000) * HOURS_PER_MONTH * (pue?.value ?? 1);
  const draw = `idle draw ≈ ${formatWatts(watts)}: ${unit.idleBasis ?? "estimate"}`;
  if (facts && pue) figures.push({ label: `${facts.region} PUE`, ...pue });
  const grid = facts?.gridIntensity;
  if (facts && pue && grid) {
    const kg = (kwh * grid.value) / 1000;
    figures.push({ label: `${facts.region} grid intensity`, ...grid });
    return {
      text: `≈ ${formatKg(kwh)} kWh and ${formatKg(kg)} kgCO2e per month in ${facts.region} (${draw}; ${formatPue(pue)}; ${formatGrams(grid.value)}, ${cite(grid)})`,
      kwhPerMonth: kwh,
      kgCo2ePerMonth: kg,
      saving: { kgCo2ePerMonth: kg, basis: `idle all month in ${facts.region}: ≈ ${formatWatts(watts)}; ${formatGrams(grid.value)}, ${shortCite(grid)}` },
      figures,
    };
  }
  const where = facts ? `in ${facts.region} (no grid-intensity figure)` : "(region unknown, before PUE)";
  return { text: `≈ ${formatKg(kwh)} kWh per month ${where} (${draw})`, kwhPerMonth: kwh, figures };
}

/** "1 × g2-standard-8 (1×L4)" */
export function countOf(count: number, unit: CapacityUnit): string {
  if (unit.singular !== undefined) return `${formatCount(count)} ${count === 1 ? unit.singular : (unit.plural ?? unit.singular)}`;
  return `${formatCount(count)} × ${unit.label}`;
}
