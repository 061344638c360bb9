/**
 * Capacity readers: how many units of what a resource runs, at minimum (floor) and maximum
 * (ceiling), read from the properties each service uses (the project's scale-to-zero research notes; docs/methodology.md).
 *
 * - Autoscaled capacity counts its minimum as the floor and its maximum as the ceiling;
 *   scale-to-zero capacity has a floor of 0.
 * - Templates (launch templates, instance templates) run nothing themselves: the group using them
 *   is counted, joined through the stack view (by id, self link or name, never guessed otherwise).
 * - A count that is unknown until the update runs (preview) or secret makes the plan unknown,
 *   with the path that could not be read.
 */
import { lookupGcpAccelerator, lookupInstanceType } from "../data/accelerators";
import { coefficients, hostFacts } from "../data/coefficients";
import type { Cloud } from "../data/types";
import { GCE_AUTOSCALERS, type Resolution, SM_ENDPOINT, type ScalingTargetLink, clusterOfNodePool, configOfEndpoint, launchTemplatesOf, migOfAutoscaler, referrers, scalingTargets, targetsFor, templatesOfMig } from "../engine/stack-joins";
import { acceleratorShapedToken } from "../engine/accelerator-scan";
import { getOrCreate } from "../engine/memo";
import { Slot } from "../engine/slots";
import { type PathStep, type PlainValue, formatPath, isOpaque, ownEntry, readArray, readNumber, readObject, readPath, readString } from "../engine/values";
import type { ResourceView, StackView } from "../engine/view";
import { type AttachedAccelerator, type UnitSpec, displayInstanceType } from "./power";
import type { Bounds } from "./types";
import { GIB, STORAGE_READERS, withAttachedStorage } from "./storage";
import { KUBERNETES_READERS } from "./kubernetes";

export interface PartPlan {
  readonly label: string;
  readonly spec: UnitSpec;
  readonly units: Bounds;
  readonly unitsBasis: string;
  /** Hours each unit runs per month; undefined = always on (hoursPerMonth). */
  readonly hoursPerUnit?: Bounds;
  readonly caveats?: readonly string[];
}

export type CapacityPlan =
  | { readonly kind: "parts"; readonly parts: readonly PartPlan[] }
  | { readonly kind: "unknown"; readonly reason: string }
  | { readonly kind: "not-applicable"; readonly reason: string };

export interface PlanContext {
  readonly stack: StackView | undefined;
  readonly hoursPerMonth: number;
}

type Reader = (view: ResourceView, ctx: PlanContext) => CapacityPlan;

// ---------------------------------------------------------------------------------------------
// Small readers

class Unreadable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function unknownValue(path: string): never {
  throw new Unreadable(`${path} is unknown until the update runs (or secret)`);
}

/** A non-negative count, or `fallback` when absent; throws Unreadable when opaque or invalid. */
function count(root: PlainValue | undefined, steps: readonly PathStep[], fallback: number | undefined): { value: number; path: string; defaulted: boolean } | undefined {
  const r = readNumber(root, steps);
  if (r.state === "opaque") unknownValue(r.path);
  if (r.state === "value") {
    if (!Number.isFinite(r.value) || r.value < 0) throw new Unreadable(`${r.path} is not a valid count`);
    return { value: Math.min(r.value, 1_000_000), path: r.path, defaulted: false };
  }
  if (r.state === "wrong-type") throw new Unreadable(`${r.path} is not a number`);
  return fallback === undefined ? undefined : { value: fallback, path: r.path, defaulted: true };
}

function str(root: PlainValue | undefined, steps: readonly PathStep[]): string | undefined {
  const r = readString(root, steps);
  if (r.state === "opaque") unknownValue(r.path);
  return r.state === "value" && r.value.trim() !== "" ? r.value.trim() : undefined;
}

function bool(root: PlainValue | undefined, steps: readonly PathStep[]): boolean | undefined {
  const r = readPath(root, steps);
  if (r.state === "opaque") unknownValue(r.path);
  return r.state === "value" && typeof r.value === "boolean" ? r.value : undefined;
}

function elements(root: PlainValue | undefined, steps: readonly PathStep[]): readonly PlainValue[] {
  const r = readArray(root, steps);
  if (r.state === "opaque") unknownValue(r.path);
  return r.state === "value" ? r.value : [];
}

/** Bounds from two counts; `declared` (the size the resource says it runs now) is kept only within them. */
function range(floor: number, ceiling: number, declared?: number): Bounds {
  const f = Number.isFinite(floor) && floor > 0 ? floor : 0;
  const c = Math.max(f, Number.isFinite(ceiling) && ceiling > 0 ? ceiling : 0);
  if (declared === undefined || !Number.isFinite(declared)) return { floor: f, ceiling: c };
  return { floor: f, ceiling: c, declared: Math.min(c, Math.max(f, declared)) };
}

function describeCount(c: { value: number; path: string; defaulted: boolean }): string {
  return c.defaulted ? `${c.value} (default; ${c.path} not set)` : `${c.path} ${c.value}`;
}

/** A part's unit and its label; the label quotes the type only as `displayInstanceType` allows (the field may hold anything). */
function instancePart(cloud: Cloud, instanceType: string, attached?: readonly AttachedAccelerator[], prefix?: string): { label: string; spec: UnitSpec } {
  const shown = displayInstanceType(cloud, instanceType);
  return {
    label: prefix === undefined ? shown : `${prefix}: ${shown}`,
    spec: attached && attached.length > 0 ? { kind: "instance", cloud, instanceType, attached } : { kind: "instance", cloud, instanceType },
  };
}

function parts(...list: PartPlan[]): CapacityPlan {
  return { kind: "parts", parts: list };
}

function unknown(reason: string): CapacityPlan {
  return { kind: "unknown", reason };
}

/** GCP `guestAccelerators[]`-style lists. */
function guestAccelerators(root: PlainValue | undefined, steps: readonly PathStep[], typeKey = "type", countKey = "count"): AttachedAccelerator[] {
  const out: AttachedAccelerator[] = [];
  for (const el of elements(root, steps)) {
    const token = str(el, [typeKey]);
    const n = count(el, [countKey], 1);
    if (token && n && n.value > 0) out.push({ token, count: n.value });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stack joins: the rules' own (engine/stack-joins), so a report counts the capacity the rules judge

/** The first resource a join found for which `read` gives a value; throws Unreadable when the join can't be resolved now. */
function firstJoined<T>(resolution: Resolution, read: (target: ResourceView) => T | undefined): T | undefined {
  for (const target of resolution.found) {
    const value = read(target);
    if (value !== undefined) return value;
  }
  if (resolution.unresolved !== undefined) unknownValue(resolution.unresolved);
  return undefined;
}

/** The stack's scaling targets, resolved once per stack (the rules resolve their own once per evaluation). */
const scalingTargetsCache = new Slot<StackView, readonly ScalingTargetLink[]>();

// ---------------------------------------------------------------------------------------------
// AWS

function fixedInstance(path: string): Reader {
  return (view) => {
    const type = str(view.props, [path]);
    if (!type) return unknown(`${path} is not set`);
    return parts({ ...instancePart("aws", type), units: range(1, 1), unitsBasis: "one instance" });
  };
}

/** The instance type of the launch template an ASG or EKS node group launches from, when it is in the stack. */
function launchTemplateType(view: ResourceView, ctx: PlanContext): string | undefined {
  return ctx.stack ? firstJoined(launchTemplatesOf(ctx.stack, view), (lt) => str(lt.props, ["instanceType"])) : undefined;
}

const asg: Reader = (view, ctx) => {
  const min = count(view.props, ["minSize"], 0)!;
  const max = count(view.props, ["maxSize"], min.value)!;
  const overrides = elements(view.props, ["mixedInstancesPolicy", "launchTemplate", "overrides"]);
  let type: string | undefined;
  for (const o of overrides) {
    type = str(o, ["instanceType"]);
    if (type) break;
  }
  type ??= launchTemplateType(view, ctx);
  if (!type) return unknown("instance type not found: no overrides[].instanceType and no launch template with an instanceType in this stack");
  const desired = count(view.props, ["desiredCapacity"], undefined);
  return parts({
    ...instancePart("aws", type),
    units: range(min.value, max.value, desired?.value),
    unitsBasis: `minSize ${min.value} … maxSize ${max.value}${desired ? `, desiredCapacity ${desired.value}` : ""}`,
  });
};

const eksNodeGroup: Reader = (view, ctx) => {
  const min = count(view.props, ["scalingConfig", "minSize"], undefined);
  const max = count(view.props, ["scalingConfig", "maxSize"], undefined);
  const desired = count(view.props, ["scalingConfig", "desiredSize"], undefined);
  if (!min && !desired) return unknown("scalingConfig.minSize is not set");
  const floor = min?.value ?? desired!.value;
  const ceiling = max?.value ?? Math.max(floor, desired?.value ?? floor);
  const types = elements(view.props, ["instanceTypes"]).filter((t): t is string => typeof t === "string");
  let type = types[0] ?? launchTemplateType(view, ctx);
  const caveats: string[] = [];
  if (!type) {
    const ami = str(view.props, ["amiType"]);
    if (ami && /NVIDIA|NEURON|GPU/i.test(ami)) return unknown("accelerated AMI type without instanceTypes: the instance type is not known");
    type = "t3.medium";
    caveats.push("instanceTypes not set: EKS's default t3.medium assumed");
  }
  if (types.length > 1) caveats.push(`${types.length} instance types allowed: sized as the first, ${displayInstanceType("aws", type)}`);
  return parts({
    ...instancePart("aws", type),
    units: range(floor, ceiling, desired?.value),
    unitsBasis: `scalingConfig.minSize ${floor} … maxSize ${ceiling}${desired ? `, desiredSize ${desired.value}` : ""}`,
    caveats,
  });
};

const batchCompute: Reader = (view) => {
  const cr = readObject(view.props, ["computeResources"]);
  if (cr.state === "opaque") unknownValue(cr.path);
  if (cr.state !== "value") return { kind: "not-applicable", reason: "unmanaged compute environment (no computeResources)" };
  const kind = str(cr.value, ["type"]);
  if (kind && /^FARGATE/i.test(kind)) return { kind: "not-applicable", reason: "Fargate capacity: sized by its jobs, not estimated" };
  const min = count(cr.value, ["minVcpus"], 0)!;
  const max = count(cr.value, ["maxVcpus"], min.value)!;
  const types = elements(cr.value, ["instanceTypes"]).filter((t): t is string => typeof t === "string");
  const type = types.find((t) => /\./.test(t));
  if (!type) return unknown(`instance types ${types.length ? "are instance families or 'optimal'" : "not set"}: the vCPUs can't be turned into instances`);
  const perInstance = lookupInstanceType("aws", type)?.vcpu ?? hostFacts("aws", type)?.vcpu;
  if (!perInstance || !(perInstance > 0)) return unknown(`vCPUs of ${displayInstanceType("aws", type)} unknown: the vCPU limits can't be turned into instances`);
  return parts({
    ...instancePart("aws", type),
    units: range(Math.ceil(min.value / perInstance), Math.ceil(max.value / perInstance)),
    unitsBasis: `computeResources.minVcpus ${min.value} … maxVcpus ${max.value} ÷ ${perInstance} vCPUs per ${displayInstanceType("aws", type)}`,
    caveats: types.length > 1 ? [`${types.length} instance types allowed: sized as ${displayInstanceType("aws", type)}`] : [],
  });
};

/** Bounds of the Application Auto Scaling target that scales `variant` on an endpoint deploying this configuration. */
function sagemakerVariantScaling(ctx: PlanContext, view: ResourceView, variant: string): { min: number; max: number } | undefined {
  const stack = ctx.stack;
  if (!stack) return undefined;
  const endpoints = referrers(stack, view, [SM_ENDPOINT], configOfEndpoint).found;
  if (endpoints.length === 0) return undefined;
  const links = getOrCreate(scalingTargetsCache, stack, () => scalingTargets(stack));
  for (const endpoint of endpoints) {
    for (const link of targetsFor(links, "sagemaker-variant", endpoint, variant).targets) {
      const min = count(link.target.props, ["minCapacity"], undefined);
      const max = count(link.target.props, ["maxCapacity"], undefined);
      if (min && max) return { min: min.value, max: max.value };
    }
  }
  return undefined;
}

const sagemakerEndpointConfig: Reader = (view, ctx) => {
  const out: PartPlan[] = [];
  const skipped: string[] = [];
  for (const key of ["productionVariants", "shadowProductionVariants"]) {
    elements(view.props, [key]).forEach((variant, i) => {
      const path = `${key}[${i}]`;
      const serverless = readObject(variant, ["serverlessConfig"]);
      if (serverless.state === "value") {
        skipped.push(`${path} is serverless (CPU only; energy depends on invocations)`);
        return;
      }
      const type = str(variant, ["instanceType"]);
      if (!type) {
        skipped.push(`${path} has no instanceType`);
        return;
      }
      const name = str(variant, ["variantName"]);
      const managed = readObject(variant, ["managedInstanceScaling"]);
      const managedOn = managed.state === "value" && str(managed.value, ["status"])?.toUpperCase() === "ENABLED";
      const initial = count(variant, ["initialInstanceCount"], 1)!;
      let floor = initial.value;
      let ceiling = initial.value;
      let basis = `${path}.initialInstanceCount ${describeCount(initial)}`;
      // Under autoscaling, an explicit initialInstanceCount is the size the variant is deployed at.
      const declared = initial.defaulted ? undefined : initial.value;
      if (managedOn && managed.state === "value") {
        const min = count(managed.value, ["minInstanceCount"], floor)!;
        const max = count(managed.value, ["maxInstanceCount"], Math.max(floor, min.value))!;
        floor = min.value;
        ceiling = max.value;
        basis = `${path}.managedInstanceScaling ${floor} … ${ceiling}`;
      } else {
        const scaling = name === undefined ? undefined : sagemakerVariantScaling(ctx, view, name);
        if (scaling) {
          floor = scaling.min;
          ceiling = Math.max(scaling.max, scaling.min);
          basis = `Application Auto Scaling target for ${path}: minCapacity ${floor} … maxCapacity ${ceiling}`;
        }
      }
      // Labelled by path: the variant name is free text.
      const scaled = floor !== ceiling || floor !== initial.value;
      out.push({ ...instancePart("aws", type, undefined, path), units: range(floor, ceiling, scaled ? declared : undefined), unitsBasis: scaled && declared !== undefined ? `${basis}, initialInstanceCount ${declared}` : basis });
    });
  }
  if (out.length === 0) return skipped.length > 0 ? { kind: "not-applicable", reason: skipped.join("; ") } : unknown("no production variant with an instanceType");
  return { kind: "parts", parts: skipped.length ? out.map((p, i) => (i === 0 ? { ...p, caveats: skipped } : p)) : out };
};

const trainingJob: Reader = (view, ctx) => {
  const type = str(view.props, ["resourceConfig", "instanceType"]);
  const groups = elements(view.props, ["resourceConfig", "instanceGroups"]);
  const runtime = count(view.props, ["stoppingCondition", "maxRuntimeInSeconds"], 86_400)!;
  const hours = Math.min(ctx.hoursPerMonth, runtime.value / 3600);
  const hoursPerUnit = range(0, hours);
  const caveats = [`runs once: counted for at most ${Math.round(hours * 10) / 10} h (stoppingCondition.maxRuntimeInSeconds${runtime.defaulted ? ", SageMaker default 1 day" : ""}) in the month; 0 at the floor`];
  const out: PartPlan[] = [];
  if (type) {
    const n = count(view.props, ["resourceConfig", "instanceCount"], 1)!;
    out.push({ ...instancePart("aws", type), units: range(n.value, n.value), unitsBasis: `resourceConfig.instanceCount ${describeCount(n)}`, hoursPerUnit, caveats });
  }
  groups.forEach((g, i) => {
    const t = str(g, ["instanceType"]);
    const n = count(g, ["instanceCount"], 1)!;
    if (t) out.push({ ...instancePart("aws", t), units: range(n.value, n.value), unitsBasis: `resourceConfig.instanceGroups[${i}].instanceCount ${n.value}`, hoursPerUnit, caveats });
  });
  return out.length ? { kind: "parts", parts: out } : unknown("resourceConfig.instanceType is not set");
};

/** Studio apps whose default instance type is sized, in this order (the first one set is counted). */
const STUDIO_APPS = ["jupyterLabAppSettings", "codeEditorAppSettings", "jupyterServerAppSettings", "kernelGatewayAppSettings"];

function studio(settingsKeys: readonly string[]): Reader {
  return (view) => {
    for (const settings of settingsKeys) {
      for (const app of STUDIO_APPS) {
        const type = str(view.props, [settings, app, "defaultResourceSpec", "instanceType"]);
        if (type && !/^system$/i.test(type)) {
          return parts({
            ...instancePart("aws", type),
            units: range(0, 1),
            unitsBasis: `${settings}.${app}.defaultResourceSpec: apps start on demand (floor 0, ceiling one app running all month)`,
          });
        }
      }
    }
    return { kind: "not-applicable", reason: "no default instance type for its apps" };
  };
}

const spotFleet: Reader = (view) => {
  const target = count(view.props, ["targetCapacity"], undefined);
  let type: string | undefined;
  for (const spec of elements(view.props, ["launchSpecifications"])) {
    type = str(spec, ["instanceType"]);
    if (type) break;
  }
  if (!target) return unknown("targetCapacity is not set");
  if (!type) return unknown("no launchSpecifications[].instanceType (launch templates are not followed)");
  return parts({ ...instancePart("aws", type), units: range(target.value, target.value), unitsBasis: `targetCapacity ${target.value} (as instances)` });
};

/** EBS volume types, quoted in labels only from this list (the field may hold anything). */
const EBS_TYPES = /^(gp2|gp3|io1|io2|st1|sc1|standard)$/;

const ebsVolume: Reader = (view) => {
  const size = count(view.props, ["size"], undefined);
  if (!size) return unknown("size is not set (a volume from a snapshot takes the snapshot's size)");
  const type = (str(view.props, ["type"]) ?? "gp3").toLowerCase();
  const ssd = !/^(st1|sc1|standard)$/.test(type);
  const label = `EBS ${EBS_TYPES.test(type) ? type : "volume"} ${size.value} GiB`;
  return parts({
    label,
    spec: { kind: "storage", cloud: "aws", label, sizeGb: size.value * GIB, ssd, replication: coefficients().replication.awsEbs },
    units: range(1, 1),
    unitsBasis: "one volume",
  });
};

// ---------------------------------------------------------------------------------------------
// GCP

function gceShape(root: PlainValue | undefined, base: readonly PathStep[]): { type: string; attached: AttachedAccelerator[] } | undefined {
  const type = str(root, [...base, "machineType"]);
  if (!type) return undefined;
  return { type, attached: guestAccelerators(root, [...base, "guestAccelerators"]) };
}

const gceInstance: Reader = (view) => {
  const shape = gceShape(view.props, []);
  if (!shape) return unknown("machineType is not set");
  const status = (str(view.props, ["desiredStatus"]) ?? "RUNNING").toUpperCase();
  const running = status === "RUNNING" ? 1 : 0;
  const stopped = /^(TERMINATED|SUSPENDED)$/.test(status) ? status : "not RUNNING";
  return parts({ ...instancePart("gcp", shape.type, shape.attached), units: range(running, running), unitsBasis: running ? "one VM" : `desiredStatus ${stopped}` });
};

const gceGroup: Reader = (view, ctx) => {
  const shape = ctx.stack ? firstJoined(templatesOfMig(ctx.stack, view), (template) => gceShape(template.props, [])) : undefined;
  if (!shape) return unknown("instance template not found in this stack (or it has no machineType)");
  const target = count(view.props, ["targetSize"], 0)!;
  let floor = target;
  let ceiling = floor;
  let basis = `targetSize ${describeCount(floor)}`;
  // An autoscaler owns the size; a targetSize set beside it is the size the group was last asked to run.
  let declared: number | undefined;
  const autoscaler = ctx.stack ? referrers(ctx.stack, view, GCE_AUTOSCALERS, migOfAutoscaler).found[0] : undefined;
  if (autoscaler) {
    floor = count(autoscaler.props, ["autoscalingPolicy", "minReplicas"], 0)!;
    ceiling = count(autoscaler.props, ["autoscalingPolicy", "maxReplicas"], floor.value)!;
    declared = target.defaulted ? undefined : target.value;
    basis = `autoscaler minReplicas ${floor.value} … maxReplicas ${ceiling.value}${declared !== undefined ? `, targetSize ${declared}` : ""}`;
  }
  return parts({ ...instancePart("gcp", shape.type, shape.attached), units: range(floor.value, ceiling.value, declared), unitsBasis: basis });
};

/** Zones a node pool spans: its nodeLocations, else 1 for a zonal location, else 3 for a region. */
function poolZones(pool: PlainValue | undefined, location: string | undefined): { zones: number; basis: string } {
  const locations = elements(pool, ["nodeLocations"]).filter((z) => typeof z === "string");
  if (locations.length > 0) return { zones: locations.length, basis: `${locations.length} nodeLocations` };
  if (location && /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location)) return { zones: 1, basis: "zonal" };
  if (location) return { zones: 3, basis: "regional (GKE's default of 3 zones)" };
  return { zones: 1, basis: "location unknown: 1 zone assumed" };
}

function gkePool(pool: PlainValue | undefined, location: string | undefined, label: string, defaultCount: number | undefined): PartPlan | { unknown: string } {
  const shape = gceShape(pool, ["nodeConfig"]) ?? { type: "e2-medium", attached: [] };
  const caveats: string[] = [];
  if (readString(pool, ["nodeConfig", "machineType"]).state !== "value") caveats.push("nodeConfig.machineType not set: GKE's default e2-medium assumed");
  const { zones, basis: zoneBasis } = poolZones(pool, location);
  const auto = readObject(pool, ["autoscaling"]);
  if (auto.state === "opaque") unknownValue(auto.path);
  let floor: number;
  let ceiling: number;
  let basis: string;
  const totalMax = auto.state === "value" ? count(auto.value, ["totalMaxNodeCount"], undefined) : undefined;
  const perZoneMax = auto.state === "value" ? count(auto.value, ["maxNodeCount"], undefined) : undefined;
  if (auto.state === "value" && totalMax) {
    floor = count(auto.value, ["totalMinNodeCount"], 0)!.value;
    ceiling = totalMax.value;
    basis = `autoscaling.totalMinNodeCount ${floor} … totalMaxNodeCount ${ceiling}`;
  } else if (auto.state === "value" && perZoneMax) {
    const min = count(auto.value, ["minNodeCount"], 0)!.value;
    floor = min * zones;
    ceiling = perZoneMax.value * zones;
    basis = `autoscaling.minNodeCount ${min} … maxNodeCount ${perZoneMax.value} per zone × ${zones} zone(s) (${zoneBasis})`;
  } else {
    const fixed = count(pool, ["nodeCount"], undefined) ?? count(pool, ["initialNodeCount"], defaultCount);
    if (!fixed) return { unknown: `${label}: neither autoscaling, nodeCount nor initialNodeCount is set` };
    floor = fixed.value * zones;
    ceiling = floor;
    basis = `${fixed.defaulted ? `${fixed.value} node (default)` : `${fixed.path} ${fixed.value}`} per zone × ${zones} zone(s) (${zoneBasis})`;
  }
  return { ...instancePart("gcp", shape.type, shape.attached, label), units: range(floor, ceiling), unitsBasis: basis, caveats };
}

function viewLocation(view: ResourceView): string | undefined {
  const loc = readString(view.props, ["location"]);
  return loc.state === "value" ? loc.value : view.region.state === "known" ? (view.region.zone ?? view.region.region) : undefined;
}

const gkeNodePool: Reader = (view, ctx) => {
  let location = viewLocation(view);
  if (!location && ctx.stack) location = firstJoined(clusterOfNodePool(ctx.stack, view), (cluster) => str(cluster.props, ["location"]));
  const plan = gkePool(view.props, location, "node pool", 1);
  return "unknown" in plan ? unknown(plan.unknown) : parts(plan);
};

const gkeCluster: Reader = (view) => {
  if (bool(view.props, ["enableAutopilot"])) return { kind: "not-applicable", reason: "Autopilot: capacity follows the pods (Kubernetes level), not estimated" };
  const location = viewLocation(view);
  const out: PartPlan[] = [];
  const inline = elements(view.props, ["nodePools"]);
  inline.forEach((pool, i) => {
    const plan = gkePool(pool, location, `nodePools[${i}]`, 1);
    if (!("unknown" in plan)) out.push(plan);
  });
  if (inline.length === 0 && !bool(view.props, ["removeDefaultNodePool"])) {
    const plan = gkePool(view.props, location, "default pool", 3);
    if ("unknown" in plan) return unknown(plan.unknown);
    out.push(plan);
  }
  return out.length ? { kind: "parts", parts: out } : { kind: "not-applicable", reason: "no nodes of its own (removeDefaultNodePool; pools are separate resources)" };
};

/** Kubernetes-style quantities: "4", "500m" (CPU); "16Gi", "512Mi", "2G" (memory). */
function quantity(value: PlainValue | undefined, memory: boolean): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? "";
  if (!memory) return unit === "m" ? n / 1000 : unit === "" ? n : undefined;
  const f = GB_PER_MEMORY_UNIT.get(unit);
  return f === undefined ? undefined : n * f;
}

/** GB per unit of a Kubernetes memory quantity (a Map: a unit named "constructor" is no unit). */
const GB_PER_MEMORY_UNIT: ReadonlyMap<string, number> = new Map([
  ["", 1e-9],
  ["Ki", 2 ** 10 / 1e9],
  ["Mi", 2 ** 20 / 1e9],
  ["Gi", 2 ** 30 / 1e9],
  ["Ti", 2 ** 40 / 1e9],
  ["K", 1e-6],
  ["M", 1e-3],
  ["G", 1],
  ["T", 1e3],
]);

function cloudRunTemplate(view: ResourceView, template: readonly PathStep[]): { spec: UnitSpec; label: string } {
  const accelerator = str(view.props, [...template, "nodeSelector", "accelerator"]);
  let vcpu = 0;
  let memoryGb = 0;
  let gpus = 0;
  for (const c of elements(view.props, [...template, "containers"])) {
    const limits = readObject(c, ["resources", "limits"]);
    if (limits.state === "opaque") unknownValue(limits.path);
    const l = limits.state === "value" ? limits.value : {};
    for (const [key, v] of Object.entries(l)) if (isOpaque(v)) unknownValue(`${formatPath(template)}.containers[].resources.limits.${key}`);
    vcpu += quantity(l["cpu"], false) ?? 1;
    memoryGb += quantity(l["memory"], true) ?? 0.512;
    gpus += quantity(l["nvidia.com/gpu"], false) ?? 0;
  }
  if (vcpu === 0) {
    vcpu = 1;
    memoryGb = 0.512;
  }
  const attached = accelerator ? [{ token: accelerator, count: Math.max(1, gpus) }] : [];
  const shownAccelerator = accelerator ? (lookupGcpAccelerator(accelerator)?.token ?? acceleratorShapedToken(accelerator) ?? "GPU") : undefined;
  const label = `Cloud Run ${vcpu} vCPU / ${Math.round(memoryGb * 10) / 10} GB${shownAccelerator ? ` + ${Math.max(1, gpus)}×${shownAccelerator}` : ""}`;
  return { spec: { kind: "container", cloud: "gcp", label, vcpu, memoryGb, attached }, label };
}

const cloudRunService: Reader = (view) => {
  const { spec, label } = cloudRunTemplate(view, ["template"]);
  const manual = count(view.props, ["scaling", "manualInstanceCount"], undefined);
  if (manual) return parts({ label, spec, units: range(manual.value, manual.value), unitsBasis: `scaling.manualInstanceCount ${manual.value}` });
  const min = count(view.props, ["template", "scaling", "minInstanceCount"], undefined) ?? count(view.props, ["scaling", "minInstanceCount"], 0)!;
  const max = count(view.props, ["template", "scaling", "maxInstanceCount"], undefined) ?? count(view.props, ["scaling", "maxInstanceCount"], 100)!;
  return parts({
    label,
    spec,
    units: range(min.value, max.value),
    unitsBasis: `minInstanceCount ${describeCount(min)} … maxInstanceCount ${describeCount(max)}`,
    caveats: max.defaulted ? ["maxInstanceCount not set: Cloud Run's default of 100 used as the ceiling"] : [],
  });
};

const cloudRunWorkerPool: Reader = (view) => {
  const { spec, label } = cloudRunTemplate(view, ["template"]);
  const manual = count(view.props, ["scaling", "manualInstanceCount"], undefined);
  const min = manual ?? count(view.props, ["scaling", "minInstanceCount"], 0)!;
  const max = manual ?? count(view.props, ["scaling", "maxInstanceCount"], min.value)!;
  return parts({ label, spec, units: range(min.value, max.value), unitsBasis: `scaling ${min.value} … ${max.value}` });
};

const cloudRunJob: Reader = (view, ctx) => {
  const { spec, label } = cloudRunTemplate(view, ["template", "template"]);
  const tasks = count(view.props, ["template", "taskCount"], 1)!;
  const timeout = str(view.props, ["template", "template", "timeout"]);
  const seconds = timeout && /^\d+(\.\d+)?s$/.test(timeout) ? Number(timeout.slice(0, -1)) : 600;
  const hours = Math.min(ctx.hoursPerMonth, seconds / 3600);
  return parts({
    label,
    spec,
    units: range(tasks.value, tasks.value),
    unitsBasis: `template.taskCount ${describeCount(tasks)}`,
    hoursPerUnit: range(0, hours),
    caveats: [`runs to completion: one execution of at most ${Math.round(hours * 100) / 100} h (template.template.timeout) counted in the month; 0 at the floor`],
  });
};

function vertexResources(base: readonly PathStep[]): Reader {
  return (view) => {
    const type = str(view.props, [...base, "machineSpec", "machineType"]);
    if (!type) return unknown(`${formatPath([...base, "machineSpec", "machineType"])} is not set`);
    const acc = str(view.props, [...base, "machineSpec", "acceleratorType"]);
    const accCount = count(view.props, [...base, "machineSpec", "acceleratorCount"], 1)!;
    const attached = acc && !/UNSPECIFIED/i.test(acc) && accCount.value > 0 ? [{ token: acc, count: accCount.value }] : [];
    const min = count(view.props, [...base, "minReplicaCount"], 1)!;
    const max = count(view.props, [...base, "maxReplicaCount"], min.value)!;
    return parts({ ...instancePart("gcp", type, attached), units: range(min.value, max.value), unitsBasis: `minReplicaCount ${describeCount(min)} … maxReplicaCount ${describeCount(max)}` });
  };
}

const workbench: Reader = (view) => {
  const type = str(view.props, ["gceSetup", "machineType"]);
  if (!type) return unknown("gceSetup.machineType is not set");
  const attached = guestAccelerators(view.props, ["gceSetup", "acceleratorConfigs"], "type", "coreCount");
  const state = (str(view.props, ["desiredState"]) ?? "ACTIVE").toUpperCase();
  if (state === "STOPPED") return parts({ ...instancePart("gcp", type, attached), units: range(0, 1), unitsBasis: "desiredState STOPPED" });
  const idle = readString(view.props, ["gceSetup", "metadata", "idle-timeout-seconds"]);
  const idleOff = idle.state === "value" && Number(idle.value) === 0;
  return parts({
    ...instancePart("gcp", type, attached),
    units: range(idleOff ? 1 : 0, 1),
    unitsBasis: idleOff ? "one instance, idle shutdown disabled" : "one instance; idle shutdown (default 180 min) lets it stop when unused (floor 0)",
  });
};

const tpuVm: Reader = (view) => {
  const type = str(view.props, ["acceleratorType"]) ?? str(view.props, ["acceleratorConfig", "type"]);
  if (!type) return unknown("acceleratorType is not set");
  return parts({ ...instancePart("gcp", type), units: range(1, 1), unitsBasis: "one TPU slice (billed while it exists)" });
};

const tpuQueued: Reader = (view) => {
  const out: PartPlan[] = [];
  elements(view.props, ["tpu", "nodeSpecs"]).forEach((spec, i) => {
    const type = str(spec, ["node", "acceleratorType"]);
    if (type) out.push({ ...instancePart("gcp", type), units: range(1, 1), unitsBasis: `tpu.nodeSpecs[${i}]` });
  });
  return out.length ? { kind: "parts", parts: out } : unknown("tpu.nodeSpecs[].node.acceleratorType is not set");
};

/** Dataproc instance groups and Dataproc's default instance counts. */
const DATAPROC_GROUPS: readonly (readonly [string, number])[] = [
  ["masterConfig", 1],
  ["workerConfig", 2],
  ["preemptibleWorkerConfig", 0],
];

const dataproc: Reader = (view) => {
  const out: PartPlan[] = [];
  for (const [group, defaultCount] of DATAPROC_GROUPS) {
    const base = ["clusterConfig", group];
    const n = count(view.props, [...base, "numInstances"], defaultCount)!;
    if (n.value === 0) continue;
    const type = str(view.props, [...base, "machineType"]) ?? "n2-standard-4";
    const attached = guestAccelerators(view.props, [...base, "accelerators"], "acceleratorType", "acceleratorCount");
    out.push({ ...instancePart("gcp", type, attached, group), units: range(n.value, n.value), unitsBasis: `${group}.numInstances ${describeCount(n)}` });
  }
  return out.length ? { kind: "parts", parts: out } : unknown("no instances configured");
};

/** Persistent Disk and Hyperdisk types, quoted in labels only from this list (the field may hold anything). */
const GCP_DISK_TYPES = /^(pd-(standard|balanced|ssd|extreme)|hyperdisk-(balanced|balanced-high-availability|extreme|throughput|ml))$/;

function gcpDisk(regional: boolean): Reader {
  return (view) => {
    const size = count(view.props, ["size"], undefined);
    if (!size) return unknown("size is not set (a disk from an image or snapshot takes its size)");
    const type = (str(view.props, ["type"]) ?? "pd-standard").split("/").pop()!.toLowerCase();
    const ssd = type !== "pd-standard";
    const label = `${regional ? "regional " : ""}${GCP_DISK_TYPES.test(type) ? type : "disk"} ${size.value} GB`;
    return parts({ label, spec: { kind: "storage", cloud: "gcp", label, sizeGb: size.value, ssd, replication: regional ? coefficients().replication.gcpRegionalDisk : 1 }, units: range(1, 1), unitsBasis: "one disk" });
  };
}

// ---------------------------------------------------------------------------------------------

const NOT_APPLICABLE: Readonly<Record<string, string>> = {
  "aws:ec2/launchTemplate:LaunchTemplate": "a template: the group or instance using it is counted",
  "gcp:compute/instanceTemplate:InstanceTemplate": "a template: the group using it is counted",
  "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": "a template: the group using it is counted",
  "gcp:colab/runtimeTemplate:RuntimeTemplate": "a template: runtimes start on demand",
  "aws:ecs/taskDefinition:TaskDefinition": "runs on capacity counted elsewhere (its cluster's instances)",
  "aws:ecs/service:Service": "runs on capacity counted elsewhere (its cluster's instances)",
  "aws:batch/jobDefinition:JobDefinition": "runs on its compute environment, counted there",
  "aws-native:sagemaker:InferenceComponent": "runs on its endpoint's instances, counted there",
  "aws:sagemaker/endpoint:Endpoint": "its endpoint configuration is counted",
  "aws:appautoscaling/target:Target": "scaling bounds, applied to the resource it scales",
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": "scaling bounds, applied to the workload it scales",
  "kubernetes:keda.sh/v1alpha1:ScaledObject": "scaling bounds, applied to the workload it scales",
  "kubernetes:karpenter.sh/v1:NodePool": "a limit on nodes: the workloads on them are counted",
  "gcp:compute/autoscaler:Autoscaler": "scaling bounds, applied to the group it scales",
  "gcp:compute/regionAutoscaler:RegionAutoscaler": "scaling bounds, applied to the group it scales",
};

const READERS: Readonly<Record<string, Reader>> = {
  "aws:ec2/instance:Instance": fixedInstance("instanceType"),
  "aws:sagemaker/notebookInstance:NotebookInstance": fixedInstance("instanceType"),
  "aws:autoscaling/group:Group": asg,
  "aws:eks/nodeGroup:NodeGroup": eksNodeGroup,
  "aws:batch/computeEnvironment:ComputeEnvironment": batchCompute,
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": sagemakerEndpointConfig,
  "aws:sagemaker/trainingJob:TrainingJob": trainingJob,
  "aws:sagemaker/domain:Domain": studio(["defaultUserSettings", "defaultSpaceSettings"]),
  "aws:sagemaker/userProfile:UserProfile": studio(["userSettings"]),
  "aws:sagemaker/space:Space": studio(["spaceSettings"]),
  "aws:ec2/spotFleetRequest:SpotFleetRequest": spotFleet,
  "aws:ebs/volume:Volume": ebsVolume,
  "gcp:compute/instance:Instance": gceInstance,
  "gcp:compute/instanceGroupManager:InstanceGroupManager": gceGroup,
  "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": gceGroup,
  "gcp:container/nodePool:NodePool": gkeNodePool,
  "gcp:container/cluster:Cluster": gkeCluster,
  "gcp:cloudrunv2/service:Service": cloudRunService,
  "gcp:cloudrunv2/workerPool:WorkerPool": cloudRunWorkerPool,
  "gcp:cloudrunv2/job:Job": cloudRunJob,
  "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool": vertexResources(["dedicatedResources"]),
  "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment": vertexResources(["deployConfig", "dedicatedResources"]),
  "gcp:workbench/instance:Instance": workbench,
  "gcp:tpu/v2Vm:V2Vm": tpuVm,
  "gcp:tpu/v2QueuedResource:V2QueuedResource": tpuQueued,
  "gcp:dataproc/cluster:Cluster": dataproc,
  "gcp:compute/disk:Disk": gcpDisk(false),
  "gcp:compute/regionDisk:RegionDisk": gcpDisk(true),
  ...STORAGE_READERS,
  // Kubernetes workloads: devices per pod × pods, on the node type they select (src/estimate/kubernetes.ts).
  ...KUBERNETES_READERS,
};

/** Resource types the estimator sizes. */
export const ESTIMATED_TYPES: readonly string[] = Object.keys(READERS).sort();

/** Whether the estimator sizes this type at all (most types of a real stack it does not). */
export function hasEnergyModel(type: string): boolean {
  return ownEntry(READERS, type) !== undefined;
}

/** Why a type without an energy model is not estimated. */
export function notEstimatedReason(type: string): string {
  return ownEntry(NOT_APPLICABLE, type) ?? "no energy model for this resource type";
}

/** Reads what a resource runs. Never throws. */
export function planCapacity(view: ResourceView, ctx: PlanContext): CapacityPlan {
  const reader = ownEntry(READERS, view.type);
  if (!reader) return { kind: "not-applicable", reason: notEstimatedReason(view.type) };
  try {
    return withAttachedStorage(view, reader(view, ctx));
  } catch (error) {
    if (error instanceof Unreadable) return { kind: "unknown", reason: error.reason };
    return { kind: "unknown", reason: `its properties could not be read (${error instanceof Error ? error.name : "error"})` };
  }
}
