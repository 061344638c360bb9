/**
 * Energy and carbon per resource and per stack (see docs/methodology.md):
 *
 *   kWh/month       = units × hours × W(u) × PUE / 1000
 *   operational kg  = kWh × grid gCO2e/kWh / 1000        (Electricity Maps 2025, lifecycle, location-based)
 *   embodied kg     = units × hours × host kgCO2e × share / 35,040 h
 *
 * each as a floor (minimum running capacity) and a ceiling (maximum capacity). Never throws, never
 * returns NaN, negative or infinite numbers; what it can't size is "unknown" with the reason.
 */
import { placeInStack } from "../engine/kubernetes/view";
import { type RegionFacts, regionFacts } from "../data/regions";
import type { Cloud } from "../data/types";
import { BoundedMemo, getOrCreate } from "../engine/memo";
import { Slot } from "../engine/slots";
import type { FigureRef } from "../engine/rule";
import type { ResourceView, StackView } from "../engine/view";
import { type PartPlan, hasEnergyModel, notEstimatedReason, planCapacity } from "./capacity";
import { resolveUnit, safe } from "./power";
import {
  type Bounds,
  type Contributor,
  type EstimateOptions,
  type EstimatePart,
  type EstimatedResource,
  type Range,
  type ResolvedOptions,
  type ResourceEstimate,
  type StackEstimate,
  type UnitPower,
  type UnknownResource,
  ZERO,
} from "./types";

export const DEFAULT_UTILIZATION = 0.5;
/** Autoscaled capacity without a declared size is expected halfway between its minimum and maximum. */
export const DEFAULT_EXPECTED_UTILIZATION = 0.5;
export const HOURS_PER_MONTH = 730;

export function resolveOptions(options: EstimateOptions = {}): ResolvedOptions {
  const u = options.utilization;
  const e = options.expectedUtilization;
  const h = options.hoursPerMonth;
  return {
    utilization: typeof u === "number" && Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : DEFAULT_UTILIZATION,
    expectedUtilization: typeof e === "number" && Number.isFinite(e) ? Math.min(1, Math.max(0, e)) : DEFAULT_EXPECTED_UTILIZATION,
    // Rounded to a thousandth of an hour so a vanishing value is 0 h, not a denormal that underflows.
    hoursPerMonth: typeof h === "number" && Number.isFinite(h) && h >= 0 ? Math.min(Math.round(h * 1000) / 1000, 744) : HOURS_PER_MONTH,
    region: typeof options.region === "string" && options.region.trim() !== "" ? options.region.trim() : undefined,
  };
}

function scale(r: Range, f: number): Range {
  return { floor: safe(r.floor * f), expected: safe(r.expected * f), ceiling: safe(r.ceiling * f) };
}

function add(a: Range, b: Range): Range {
  return { floor: safe(a.floor + b.floor), expected: safe(a.expected + b.expected), ceiling: safe(a.ceiling + b.ceiling) };
}

function product(a: Range, b: Range): Range {
  return { floor: safe(a.floor * b.floor), expected: safe(a.expected * b.expected), ceiling: safe(a.ceiling * b.ceiling) };
}

/** The expected point of read bounds: the declared size, else `share` of the way from floor to ceiling. */
export function expectedWithin(b: Bounds, share: number): Range {
  const expected = b.declared ?? b.floor + share * (b.ceiling - b.floor);
  return { floor: b.floor, expected: safe(Math.min(b.ceiling, Math.max(b.floor, expected))), ceiling: b.ceiling };
}

/** Where the resource runs (or the what-if region), with the facts the estimate needs. */
function placeOf(view: ResourceView, opts: ResolvedOptions): { cloud: Cloud; facts: RegionFacts } | { reason: string } {
  const cloud = view.cloud;
  if (!cloud) return { reason: "not an AWS or GCP resource" };
  if (opts.region !== undefined) {
    const facts = regionFacts(cloud, opts.region);
    return facts ? { cloud, facts } : { reason: "the requested region has no data" };
  }
  const where = view.region;
  switch (where.state) {
    case "absent":
      return { reason: `no region on the resource, its provider or the stack config (${cloud}:region)` };
    case "unknown":
      return { reason: `its region (${where.path}) is unknown until the update runs` };
    case "unrecognized":
      return { reason: "its location is not a region carbonguard has data for" };
    case "known": {
      const facts = regionFacts(cloud, where.region);
      return facts ? { cloud, facts } : { reason: `no data for region ${where.region}` };
    }
  }
}

function partEstimate(plan: PartPlan, power: UnitPower, pue: number, g: number, opts: ResolvedOptions): EstimatePart {
  const hours = expectedWithin(plan.hoursPerUnit ?? { floor: opts.hoursPerMonth, ceiling: opts.hoursPerMonth }, opts.expectedUtilization);
  const units = expectedWithin(plan.units, opts.expectedUtilization);
  const unitHours = product(units, hours);
  const energyKwh = scale(unitHours, (power.watts * pue) / 1000);
  return {
    label: plan.label,
    units,
    unitsBasis: plan.unitsBasis,
    hoursPerUnit: hours,
    power,
    energyKwh,
    operationalKgCo2e: scale(energyKwh, g / 1000),
    embodiedKgCo2e: power.embodiedKgPerHour === undefined ? undefined : scale(unitHours, power.embodiedKgPerHour),
  };
}

function figureKey(f: FigureRef): string {
  return `${f.label}|${f.value}|${f.source}|${f.basis}`;
}

/**
 * The report, the grade and several rules estimate the same view with the same options; results
 * are immutable, so they are kept per view (and dropped with it).
 */
const estimateCache = new Slot<ResourceView, Map<string, { readonly stack: StackView | undefined; readonly result: ResourceEstimate }>>();

/**
 * Estimates one resource. `stack` lets groups find the templates they launch (ASG → launch
 * template, MIG → instance template) and endpoints their autoscaling targets.
 */
export function estimateResource(view: ResourceView, options: EstimateOptions = {}, stack?: StackView): ResourceEstimate {
  // Most resources of a real stack have no energy model: answered from the type alone, uncached.
  if (!hasEnergyModel(view.type)) return { urn: view.urn, type: view.type, name: view.name, status: "not-applicable", reason: notEstimatedReason(view.type) };
  const opts = resolveOptions(options);
  const key = `${opts.utilization}|${opts.expectedUtilization}|${opts.hoursPerMonth}|${opts.region ?? ""}|${options.utilization === undefined ? "d" : "o"}|${options.expectedUtilization === undefined ? "d" : "o"}`;
  const perView = getOrCreate(estimateCache, view, () => new Map());
  const hit = perView.get(key);
  if (hit && hit.stack === stack) return hit.result;
  const result = estimateResourceUncached(view, options, opts, stack);
  perView.set(key, { stack, result });
  return result;
}

/**
 * The estimate's figures (`common`, then each unit's assumptions), duplicates dropped. Units are
 * resolved once per spec (resolveUnit's cache), so a report meets the same few lists over and
 * over: they are kept per region, options and units. Results are immutable and shared.
 */
const assumptionsCache = new BoundedMemo<string, FigureRef[]>(10_000);
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

function idOf(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
}

function uniqueAssumptions(facts: RegionFacts, opts: ResolvedOptions, defaultUtilization: boolean, sharedExpected: boolean, powers: readonly UnitPower[], common: () => FigureRef[]): FigureRef[] {
  // By identity of the region's facts and of each unit's power (both cached objects), never by content.
  let key = `${idOf(facts)}|${opts.utilization}|${sharedExpected ? opts.expectedUtilization : "-"}|${opts.hoursPerMonth}|${defaultUtilization ? "d" : "o"}`;
  for (const p of powers) key += `|${idOf(p)}`;
  return assumptionsCache.get(key, () => {
    const seen = new Set<string>();
    const all = [...common()];
    for (const p of powers) all.push(...p.assumptions);
    return all.filter((f) => {
      const k = figureKey(f);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  });
}

/** The expected-utilization assumption, as estimates quote it. */
function expectedFigure(share: number): FigureRef {
  return {
    label: "expected utilization",
    value: share,
    unit: "ratio",
    source: "carbonguard assumption (docs/methodology.md), set with --expected-utilization",
    year: 2026,
    basis: "autoscaled capacity that declares no current size runs this share of the way from its minimum to its maximum",
  };
}

/** A region's PUE and grid-intensity figures as estimates quote them, built once per region (immutable, shared). */
const labelledCache = new WeakMap<RegionFacts, { readonly pue: FigureRef; readonly gridIntensity: FigureRef; readonly of: readonly [object, object] }>();

function labelledFigures(facts: RegionFacts, pue: RegionFacts["pue"], intensity: NonNullable<RegionFacts["gridIntensity"]>): { readonly pue: FigureRef; readonly gridIntensity: FigureRef } {
  const hit = labelledCache.get(facts);
  if (hit && hit.of[0] === pue && hit.of[1] === intensity) return hit;
  const made = { pue: { label: `${facts.region} PUE`, ...pue }, gridIntensity: { label: `${facts.region} grid intensity`, ...intensity }, of: [pue, intensity] as const };
  labelledCache.set(facts, made);
  return made;
}

function estimateResourceUncached(viewIn: ResourceView, options: EstimateOptions, opts: ResolvedOptions, stack: StackView | undefined): ResourceEstimate {
  // A Kubernetes object's cloud and region come from its cluster (src/engine/kubernetes/placement.ts).
  const view = stack ? placeInStack(stack, viewIn) : viewIn;
  const plan = planCapacity(view, { stack, hoursPerMonth: opts.hoursPerMonth });
  // Literals rather than spreads of a shared base: same keys in the same order, less work per resource.
  if (plan.kind === "not-applicable") return { urn: view.urn, type: view.type, name: view.name, status: "not-applicable", reason: plan.reason };
  if (plan.kind === "unknown") return { urn: view.urn, type: view.type, name: view.name, status: "unknown", reason: plan.reason };
  const place = placeOf(view, opts);
  if ("reason" in place) return { urn: view.urn, type: view.type, name: view.name, status: "unknown", reason: place.reason };
  const intensity = place.facts.gridIntensity;
  if (!intensity) return { urn: view.urn, type: view.type, name: view.name, status: "unknown", reason: `no grid-intensity figure for ${place.facts.region}` };
  const base = { urn: view.urn, type: view.type, name: view.name };
  const pue = place.facts.pue;

  const parts: EstimatePart[] = [];
  const powers: UnitPower[] = [];
  const caveats: string[] = [];
  for (const p of plan.parts) {
    const unit = resolveUnit(p.spec, opts.utilization);
    if ("unknown" in unit) return { ...base, status: "unknown", reason: unit.unknown };
    parts.push(partEstimate(p, unit.power, pue.value, intensity.value, opts));
    powers.push(unit.power);
    caveats.push(...(p.caveats ?? []), ...unit.power.caveats);
  }
  const energyKwh = parts.reduce((s, p) => add(s, p.energyKwh), ZERO);
  const operational = parts.reduce((s, p) => add(s, p.operationalKgCo2e), ZERO);
  const embodiedKnown = parts.every((p) => p.embodiedKgCo2e !== undefined);
  const embodied = parts.reduce((s, p) => add(s, p.embodiedKgCo2e ?? ZERO), ZERO);

  // The expected-utilization assumption is quoted only where it decided something: bounds apart, no declared size.
  const assumed = (b: Bounds | undefined): boolean => b !== undefined && b.declared === undefined && b.ceiling > b.floor;
  const sharedExpected = plan.parts.some((p) => assumed(p.units) || assumed(p.hoursPerUnit));
  const unique = uniqueAssumptions(place.facts, opts, options.utilization === undefined, sharedExpected, powers, () => [
    { label: "utilization", value: opts.utilization, unit: "ratio", source: options.utilization === undefined ? "CCF default average utilization" : "carbonguard option", year: 2024, basis: "average utilization of accelerators and CPUs over the month" },
    ...(sharedExpected ? [expectedFigure(opts.expectedUtilization)] : []),
    { label: "hours per month", value: opts.hoursPerMonth, unit: "h", source: "carbonguard method (docs/methodology.md)", year: 2026, basis: "always-on capacity runs 730 h a month" },
    { label: `${place.facts.region} PUE`, ...pue },
    { label: `${place.facts.region} grid intensity`, ...intensity },
  ]);
  const labelled = labelledFigures(place.facts, pue, intensity);
  const result: EstimatedResource = {
    urn: view.urn,
    type: view.type,
    name: view.name,
    status: "estimated",
    cloud: place.cloud,
    region: place.facts.region,
    parts,
    energyKwh,
    operationalKgCo2e: operational,
    embodiedKgCo2e: embodiedKnown ? embodied : undefined,
    totalKgCo2e: add(operational, embodied),
    pue: labelled.pue,
    gridIntensity: labelled.gridIntensity,
    utilization: opts.utilization,
    hoursPerMonth: opts.hoursPerMonth,
    assumptions: unique,
    caveats: [...new Set(caveats)],
  };
  return result;
}

/** Estimates every resource of a stack and the stack's totals. Never throws. */
export function estimateStack(stack: StackView, options: EstimateOptions = {}): StackEstimate {
  const opts = resolveOptions(options);
  const resources = stack.resources.map((view) => {
    try {
      return estimateResource(view, options, stack);
    } catch (error) {
      return { urn: view.urn, type: view.type, name: view.name, status: "unknown", reason: `internal ${error instanceof Error ? error.name : "error"} while estimating` } as UnknownResource;
    }
  });
  return summarize(resources, opts);
}

/** Totals, top contributors and counts over resource estimates (also for report streams). */
export function summarize(resources: readonly ResourceEstimate[], opts: ResolvedOptions = resolveOptions()): StackEstimate {
  const estimated = resources.filter((r): r is EstimatedResource => r.status === "estimated");
  const energyKwh = estimated.reduce((s, r) => add(s, r.energyKwh), ZERO);
  const operational = estimated.reduce((s, r) => add(s, r.operationalKgCo2e), ZERO);
  const embodied = estimated.reduce((s, r) => add(s, r.embodiedKgCo2e ?? ZERO), ZERO);
  const total = add(operational, embodied);
  const topContributors: Contributor[] = estimated
    .filter((r) => r.totalKgCo2e.ceiling > 0 || r.totalKgCo2e.floor > 0)
    .sort((a, b) => b.totalKgCo2e.ceiling - a.totalKgCo2e.ceiling || b.totalKgCo2e.floor - a.totalKgCo2e.floor || a.urn.localeCompare(b.urn))
    .slice(0, 5)
    .map((r) => ({ urn: r.urn, type: r.type, name: r.name, totalKgCo2e: r.totalKgCo2e, share: total.ceiling > 0 ? safe(r.totalKgCo2e.ceiling / total.ceiling) : 0 }));
  return {
    resources,
    energyKwh,
    operationalKgCo2e: operational,
    embodiedKgCo2e: embodied,
    totalKgCo2e: total,
    estimatedCount: estimated.length,
    unknown: resources.filter((r): r is UnknownResource => r.status === "unknown"),
    embodiedUnknownCount: estimated.filter((r) => r.embodiedKgCo2e === undefined).length,
    notApplicableCount: resources.filter((r) => r.status === "not-applicable").length,
    topContributors,
    utilization: opts.utilization,
    expectedUtilization: opts.expectedUtilization,
    hoursPerMonth: opts.hoursPerMonth,
    basis: `CCF method extended with current accelerators: ${Math.round(opts.utilization * 100)}% utilization, ${opts.hoursPerMonth} h/month, provider PUE, Electricity Maps 2025 location-based lifecycle grid intensity; embodied per CCF over a 4-year life; floor = minimum running capacity, ceiling = maximum, expected = declared capacity, else ${Math.round(opts.expectedUtilization * 100)}% of the way from floor to ceiling`,
  };
}

/**
 * kgCO2e per month of one running unit in a region (operational only), for savings and idle costs
 * that rules quote. `watts` is before PUE.
 */
export function unitMonthlyKg(watts: number, facts: RegionFacts, hoursPerMonth = HOURS_PER_MONTH): number | undefined {
  const g = facts.gridIntensity?.value;
  if (g === undefined) return undefined;
  return safe(((watts * hoursPerMonth * facts.pue.value) / 1000) * (g / 1000));
}
