/**
 * The A–G efficiency grade of a stack (docs/report-grade.md).
 *
 * Metric: kgCO2e per accelerator-hour of the stack's accelerator resources (operational +
 * embodied, at maximum capacity: every accelerator-hour the configuration allows), against the cleanest achievable
 * configuration of the same hardware: each accelerator resource estimated again, by the same
 * estimator (`estimateResource(view, {region})`), in the cleanest region of its cloud that offers
 * every accelerator type it runs (availability from the accelerator catalog; "cleanest" = lowest
 * PUE × grid intensity, the factor operational emissions scale with). Residency, latency and
 * capacity are deliberately ignored: the grade says how far a stack is from the best the hardware
 * allows, not what the team is allowed to do.
 *
 *   ratio = actual ÷ best → A ≤ 1.25, B ≤ 1.75, C ≤ 2.5, D ≤ 4, E ≤ 7, F ≤ 12, G above.
 *
 * A stack without accelerator resources (or none the estimator could size) gets "n/a".
 */
import { cloudRunGpuRegions, lookupGcpAccelerator, lookupInstanceType } from "../data/accelerators";
import { type RegionFacts, allRegions, regionFacts } from "../data/regions";
import type { Cloud } from "../data/types";
import type { ResourceView, StackView } from "../engine/view";
import { type EstimatedResource, type UnitSpec, estimateResource, planCapacity } from "../estimate";
import type { Grade, GradeResult } from "./model";

/** Upper bounds of the ratio actual ÷ best for each grade; above the last is G. */
export const GRADE_BOUNDS: readonly (readonly [Grade, number])[] = [
  ["A", 1.25],
  ["B", 1.75],
  ["C", 2.5],
  ["D", 4],
  ["E", 7],
  ["F", 12],
];

/** The bounds as the grade's basis states them: `A ≤1.25×, …, F ≤12×, G above`. */
const BOUNDS_TEXT = `${GRADE_BOUNDS.map(([grade, bound]) => `${grade} ≤${bound}×`).join(", ")}, G above`;

export function gradeOf(ratio: number): Grade {
  if (!Number.isFinite(ratio)) return "G";
  for (const [grade, bound] of GRADE_BOUNDS) if (ratio <= bound) return grade;
  return "G";
}

/** One accelerator resource's share of the grade. */
export interface AcceleratorResourceGrade {
  readonly urn: string;
  readonly region: string;
  readonly bestRegion: string;
  /** Accelerator-hours per month, floor and ceiling. */
  readonly hoursFloor: number;
  readonly hoursCeiling: number;
  readonly kgFloor: number;
  readonly kgCeiling: number;
  readonly bestKgFloor: number;
  readonly bestKgCeiling: number;
}

export interface StackGrade {
  readonly result: GradeResult;
  /** Accelerator-hours per month at the floor (for `StackEstimate.acceleratorHoursPerMonth`). */
  readonly acceleratorHoursFloor: number;
}

/** Devices per unit of a capacity part: the instance type's accelerators plus attached ones. */
function devicesPerUnit(spec: UnitSpec): number {
  if (spec.kind === "storage") return 0;
  let n = 0;
  if (spec.kind === "instance") n += lookupInstanceType(spec.cloud, spec.instanceType)?.acceleratorCount ?? 0;
  for (const a of spec.attached ?? []) n += Number.isFinite(a.count) && a.count > 0 ? a.count : 0;
  return n;
}

/** The regions offering every accelerator type in the parts, as a sorted key; undefined when some type's availability is unknown. */
function offeringRegions(cloud: Cloud, specs: readonly UnitSpec[], cloudRun: boolean): readonly string[] | undefined {
  let regions: Set<string> | undefined;
  const intersect = (list: readonly string[]) => {
    regions = regions === undefined ? new Set(list) : new Set(list.filter((r) => regions?.has(r)));
  };
  for (const spec of specs) {
    if (spec.kind === "storage") continue;
    if (spec.kind === "instance") {
      const info = lookupInstanceType(cloud, spec.instanceType);
      if (info && info.acceleratorCount > 0) {
        if (info.retired || info.regionsUnknown) return undefined;
        intersect(info.regions);
      }
    }
    for (const a of spec.attached ?? []) {
      const gpu = lookupGcpAccelerator(a.token);
      if (!gpu) return undefined;
      intersect(cloudRun ? cloudRunGpuRegions(gpu.token).map((r) => r.region) : gpu.regions);
    }
  }
  return regions === undefined ? undefined : [...regions].sort();
}

function operationalFactor(facts: RegionFacts): number | undefined {
  const g = facts.gridIntensity?.value;
  return g === undefined ? undefined : g * facts.pue.value;
}

/**
 * Grades stacks. Keeps one cache of "cleanest region offering these types" across stacks, so a
 * thousand stacks with the same node pools look each combination up once.
 */
export class Grader {
  private readonly cleanest = new Map<string, RegionFacts | null>();

  constructor(private readonly utilization: number) {}

  /** The cleanest region of `cloud` among `offering` (lowest PUE × grid intensity; ties by name). */
  cleanestRegion(cloud: Cloud, offering: readonly string[]): RegionFacts | undefined {
    const key = `${cloud}|${offering.join(",")}`;
    const cached = this.cleanest.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const allowed = new Set(offering);
    let best: RegionFacts | undefined;
    let bestFactor = Infinity;
    for (const facts of allRegions(cloud)) {
      if (!allowed.has(facts.region)) continue;
      const f = operationalFactor(facts);
      if (f === undefined) continue;
      if (f < bestFactor || (f === bestFactor && best !== undefined && facts.region < best.region)) {
        best = facts;
        bestFactor = f;
      }
    }
    this.cleanest.set(key, best ?? null);
    return best;
  }

  /** What one estimated resource contributes, or undefined when it runs no accelerator. */
  resourceGrade(view: ResourceView, estimate: EstimatedResource, stack: StackView): AcceleratorResourceGrade | undefined {
    if (!estimate.parts.some((p) => p.power.components.accelerators > 0)) return undefined;
    const plan = planCapacity(view, { stack, hoursPerMonth: estimate.hoursPerMonth });
    if (plan.kind !== "parts" || plan.parts.length !== estimate.parts.length) return undefined;
    let hoursFloor = 0;
    let hoursCeiling = 0;
    plan.parts.forEach((p, i) => {
      const part = estimate.parts[i];
      if (!part) return;
      const devices = devicesPerUnit(p.spec);
      hoursFloor += part.units.floor * part.hoursPerUnit.floor * devices;
      hoursCeiling += part.units.ceiling * part.hoursPerUnit.ceiling * devices;
    });
    if (!(hoursCeiling > 0)) return undefined;
    const base = {
      urn: estimate.urn,
      region: estimate.region,
      hoursFloor,
      hoursCeiling,
      kgFloor: estimate.totalKgCo2e.floor,
      kgCeiling: estimate.totalKgCo2e.ceiling,
    };
    const stay = { ...base, bestRegion: estimate.region, bestKgFloor: base.kgFloor, bestKgCeiling: base.kgCeiling };
    const offering = offeringRegions(estimate.cloud, plan.parts.map((p) => p.spec), view.type.startsWith("gcp:cloudrunv2/"));
    if (!offering || offering.length === 0) return stay;
    const best = this.cleanestRegion(estimate.cloud, offering);
    const here = regionFacts(estimate.cloud, estimate.region);
    const hereFactor = here ? operationalFactor(here) : undefined;
    const bestFactor = best ? operationalFactor(best) : undefined;
    if (!best || best.region === estimate.region || bestFactor === undefined || (hereFactor !== undefined && hereFactor <= bestFactor)) return stay;
    const moved = estimateResource(view, { utilization: this.utilization, region: best.region }, stack);
    if (moved.status !== "estimated") return stay;
    return {
      ...base,
      bestRegion: best.region,
      bestKgFloor: Math.min(moved.totalKgCo2e.floor, base.kgFloor),
      bestKgCeiling: Math.min(moved.totalKgCo2e.ceiling, base.kgCeiling),
    };
  }

  /** The stack's grade from its accelerator resources' contributions. */
  stackGrade(parts: readonly AcceleratorResourceGrade[], unsized: number): StackGrade {
    const hoursFloor = parts.reduce((s, p) => s + p.hoursFloor, 0);
    if (parts.length === 0) {
      return {
        acceleratorHoursFloor: 0,
        result: {
          grade: "n/a",
          basis:
            unsized > 0
              ? `No grade: ${unsized} accelerator resource${unsized === 1 ? "" : "s"} could not be sized by the estimator (see the estimate's unknown resources).`
              : "No grade: the stack runs no accelerator resource the estimator could size.",
        },
      };
    }
    // Maximum capacity: every accelerator-hour the configuration allows counts where it would run.
    // At minimum capacity, a scale-to-zero pool in a dirty region would weigh nothing and a stack
    // could grade A while most of its work runs on the dirtiest grid it uses.
    const hours = parts.reduce((s, p) => s + p.hoursCeiling, 0);
    const kg = parts.reduce((s, p) => s + p.kgCeiling, 0);
    const bestKg = parts.reduce((s, p) => s + p.bestKgCeiling, 0);
    const actual = kg / hours;
    const best = bestKg / hours;
    const ratio = bestKg > 0 ? kg / bestKg : kg > 0 ? Infinity : 1;
    const grade = gradeOf(ratio);
    const moves = [...new Set(parts.filter((p) => p.bestRegion !== p.region).map((p) => `${p.region} → ${p.bestRegion}`))].sort();
    const scope =
      `${fmt(actual)} kgCO2e per accelerator-hour (${parts.length} accelerator resource${parts.length === 1 ? "" : "s"}, ` +
      `${Math.round(hours).toLocaleString("en-US")} accelerator-hours/month at maximum capacity)`;
    const against =
      moves.length === 0
        ? "every accelerator resource already runs in the cleanest region offering its accelerators"
        : `vs ${fmt(best)} with the same hardware in the cleanest region offering it (${moves.slice(0, 4).join(", ")}${moves.length > 4 ? `, +${moves.length - 4} more` : ""})`;
    const basis =
      `${scope}${moves.length === 0 ? "; " : " "}${against}: ${ratio === Infinity ? "∞" : ratio.toFixed(2)}× → ${grade}` +
      `${unsized > 0 ? `; ${unsized} accelerator resource${unsized === 1 ? "" : "s"} not sized and left out` : ""}. ` +
      `Operational + embodied, estimator defaults; ${BOUNDS_TEXT} (docs/report-grade.md).`;
    return {
      acceleratorHoursFloor: hoursFloor,
      result: { grade, kgPerAcceleratorHour: sig(actual), bestKgPerAcceleratorHour: sig(best), basis },
    };
  }
}

function sig(n: number): number {
  return Number.isFinite(n) && n > 0 ? Number(n.toPrecision(4)) : 0;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return "∞";
  if (n === 0) return "0";
  return n >= 10 ? n.toFixed(1) : n >= 0.01 ? n.toFixed(3) : n.toPrecision(2);
}
