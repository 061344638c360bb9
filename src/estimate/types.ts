/**
 * Estimate shapes. Every number carries the assumptions it rests on (`FigureRef`s with source, year
 * and basis); a resource the estimator cannot size is "unknown" with the reason, never zero.
 */
import type { Cloud } from "../data/types";
import type { FigureRef } from "../engine/rule";

/** Bounds read from a resource: minimum (floor) and maximum (ceiling) running capacity or hours. */
export interface Bounds {
  readonly floor: number;
  readonly ceiling: number;
  /**
   * What the resource itself declares it runs now (an Auto Scaling group's desiredCapacity, an EKS
   * group's desiredSize, a MIG's targetSize), within the bounds; absent when it declares nothing.
   */
  readonly declared?: number;
}

/**
 * A monthly amount at minimum running capacity (floor), at the expected capacity and at maximum
 * capacity (ceiling); floor ≤ expected ≤ ceiling. Expected is the declared capacity where the
 * resource declares one, else `expectedUtilization` of the way from floor to ceiling.
 */
export interface Range {
  readonly floor: number;
  readonly expected: number;
  readonly ceiling: number;
}

export const ZERO: Range = { floor: 0, expected: 0, ceiling: 0 };

export interface EstimateOptions {
  /** Average utilization of accelerators and CPUs, 0–1 (CCF default 0.5). */
  readonly utilization?: number;
  /**
   * Where autoscaled capacity that declares no current size is expected to sit on average, as a
   * share of the way from its minimum to its maximum, 0–1 (default 0.5). Also applies to hours
   * of capacity that runs only part of the month (training jobs).
   */
  readonly expectedUtilization?: number;
  /** Hours in a month for always-on capacity (default 730). */
  readonly hoursPerMonth?: number;
  /** Estimate as if the resource ran in this region (what-if for savings). */
  readonly region?: string;
}

export interface ResolvedOptions {
  readonly utilization: number;
  readonly expectedUtilization: number;
  readonly hoursPerMonth: number;
  readonly region: string | undefined;
}

/** Power of one unit (instance, node, replica, slice, volume) in W, before PUE. */
export interface PowerComponents {
  readonly accelerators: number;
  readonly cpu: number;
  readonly memory: number;
  readonly storage: number;
}

export interface UnitPower {
  /** What one unit is, e.g. "p4d.24xlarge (8×A100 SXM4 40GB)". */
  readonly label: string;
  /** Average draw at the assumed utilization, before PUE. */
  readonly watts: number;
  /** Draw at 0% utilization (what an idle, running unit costs), before PUE. */
  readonly idleWatts: number;
  /** Draw at 100% utilization, before PUE. */
  readonly maxWatts: number;
  readonly components: PowerComponents;
  /** Manufacturing kgCO2e allocated per running hour, or undefined when not estimable. */
  readonly embodiedKgPerHour: number | undefined;
  readonly embodiedBasis: string;
  readonly assumptions: readonly FigureRef[];
  /** What the figure leaves out or assumes beyond the method (e.g. "host CPU not counted"). */
  readonly caveats: readonly string[];
}

/** One kind of unit within a resource (an endpoint has one per production variant). */
export interface EstimatePart {
  readonly label: string;
  readonly units: Range;
  /** Where the unit counts come from, e.g. "scalingConfig.minSize … scalingConfig.maxSize". */
  readonly unitsBasis: string;
  /** Hours each unit runs in a month, at floor, expected and ceiling. */
  readonly hoursPerUnit: Range;
  readonly power: UnitPower;
  readonly energyKwh: Range;
  readonly operationalKgCo2e: Range;
  readonly embodiedKgCo2e: Range | undefined;
}

interface ResourceBase {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
}

export interface EstimatedResource extends ResourceBase {
  readonly status: "estimated";
  readonly cloud: Cloud;
  readonly region: string;
  readonly parts: readonly EstimatePart[];
  /** Energy drawn from the grid (IT power × PUE), kWh per month. */
  readonly energyKwh: Range;
  readonly operationalKgCo2e: Range;
  /** Undefined when some part's embodied emissions can't be estimated (see caveats). */
  readonly embodiedKgCo2e: Range | undefined;
  /** Operational + embodied (embodied counted as 0 where unknown; see `embodiedKgCo2e`). */
  readonly totalKgCo2e: Range;
  readonly pue: FigureRef;
  readonly gridIntensity: FigureRef;
  readonly utilization: number;
  readonly hoursPerMonth: number;
  readonly assumptions: readonly FigureRef[];
  readonly caveats: readonly string[];
}

export interface UnknownResource extends ResourceBase {
  readonly status: "unknown";
  readonly reason: string;
}

export interface NotApplicableResource extends ResourceBase {
  readonly status: "not-applicable";
  readonly reason: string;
}

export type ResourceEstimate = EstimatedResource | UnknownResource | NotApplicableResource;

export interface Contributor {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly totalKgCo2e: Range;
  /** Share of the stack's ceiling total, 0–1. */
  readonly share: number;
}

export interface StackEstimate {
  readonly resources: readonly ResourceEstimate[];
  readonly energyKwh: Range;
  readonly operationalKgCo2e: Range;
  /** Embodied of the estimated resources whose embodied is known. */
  readonly embodiedKgCo2e: Range;
  readonly totalKgCo2e: Range;
  readonly estimatedCount: number;
  readonly unknown: readonly UnknownResource[];
  /** Estimated resources whose embodied emissions could not be estimated. */
  readonly embodiedUnknownCount: number;
  readonly notApplicableCount: number;
  /** Largest contributors by ceiling total, largest first. */
  readonly topContributors: readonly Contributor[];
  readonly utilization: number;
  readonly expectedUtilization: number;
  readonly hoursPerMonth: number;
  /** One sentence on what the numbers are. */
  readonly basis: string;
}
