/**
 * A first estimate of one instance's power draw, for the savings the region policy quotes.
 *
 * Cloud Carbon Footprint (CCF) method at its default 50% utilization: accelerators
 * `idle + u × (TDP − idle)` with idle = 10% of TDP, CPU `min + u × (max − min)` per vCPU at the
 * cloud's average coefficients, memory 0.392 W/GB. The full estimator (floor/ceiling, embodied,
 * microarchitecture-specific coefficients) has its own module; this one stays small because it runs
 * inside `pulumi preview`.
 */
import type { InstanceTypeInfo } from "../data/accelerators";
import type { Cloud, Figure } from "../data/types";

export const DEFAULT_UTILIZATION = 0.5;
/** Idle draw as a share of TDP (CCF's GPU min/max ratios are ~8–11%; measured idle H100 ~68 W of 700 W). */
const IDLE_SHARE_OF_TDP = 0.1;
const HOURS_PER_MONTH = 730;

const CCF_SOURCE = "Cloud Carbon Footprint coefficients (cloud-carbon-footprint@b7a049c, Apache-2.0)";

/** CCF's cloud-average CPU coefficients (W per vCPU), used when the microarchitecture is unknown. */
const CPU_WATTS: Readonly<Record<Cloud, { min: number; max: number; basis: string }>> = {
  aws: { min: 0.74, max: 3.5, basis: "CCF AWS average min/max W per vCPU (SPECpower)" },
  gcp: { min: 0.68, max: 4.11, basis: "CCF GCP median min/max W per vCPU (SPECpower)" },
};
const MEMORY_WATTS_PER_GB = 0.392;

export interface InstancePower {
  /** Average draw at the assumed utilization, before PUE. */
  readonly watts: number;
  readonly acceleratorWatts: number;
  readonly hostWatts: number;
  readonly assumptions: readonly Figure[];
  /** Why the figure is partial (e.g. no published TDP). */
  readonly caveats: readonly string[];
}

/** Average power of one instance of `info`; `undefined` when the accelerator's power is not known. */
export function instancePower(cloud: Cloud, info: InstanceTypeInfo, utilization = DEFAULT_UTILIZATION): InstancePower | undefined {
  const caveats: string[] = [];
  const assumptions: Figure[] = [];
  const tdp = info.tdpWPerDevice;
  if (tdp === null || !(tdp > 0)) return undefined;
  const perDevice = tdp * IDLE_SHARE_OF_TDP + utilization * (tdp - tdp * IDLE_SHARE_OF_TDP);
  const acceleratorWatts = perDevice * Math.max(0, info.acceleratorCount);
  assumptions.push({
    value: tdp,
    unit: "W per device",
    source: info.tdpBasis || "carbonguard accelerator catalog",
    year: info.launchYear ?? 0,
    basis: `${info.acceleratorModel} TDP; idle assumed ${IDLE_SHARE_OF_TDP * 100}% of TDP; ${utilization * 100}% utilization (CCF default)`,
  });
  const cpu = CPU_WATTS[cloud];
  let hostWatts = 0;
  if (info.vcpu !== null && info.vcpu > 0) {
    hostWatts += info.vcpu * (cpu.min + utilization * (cpu.max - cpu.min));
    assumptions.push({ value: cpu.max, unit: "W per vCPU (max)", source: CCF_SOURCE, year: 2024, basis: cpu.basis });
  } else {
    caveats.push("vCPU count unknown: host CPU not counted");
  }
  if (info.ramGib !== null && info.ramGib > 0) {
    hostWatts += info.ramGib * MEMORY_WATTS_PER_GB;
    assumptions.push({ value: MEMORY_WATTS_PER_GB, unit: "W per GB", source: CCF_SOURCE, year: 2024, basis: "memory coefficient 0.000392 kWh per GB-hour" });
  }
  return { watts: acceleratorWatts + hostWatts, acceleratorWatts, hostWatts, assumptions, caveats };
}

/** kgCO2e per month for a constant draw: W × 730 h × PUE × g/kWh. */
export function monthlyKgCo2e(watts: number, pue: number, gCo2ePerKwh: number): number {
  const kwh = (watts / 1000) * HOURS_PER_MONTH * pue;
  return (kwh * gCo2ePerKwh) / 1000;
}

export { HOURS_PER_MONTH };
