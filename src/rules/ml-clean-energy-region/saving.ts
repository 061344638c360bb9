/** What moving a resource to a cleaner region saves, from the estimator. */
import type { RegionFacts } from "../../data/regions";
import type { Cloud } from "../../data/types";
import { formatCount, formatPue, formatKg, formatWatts, listJoin } from "../../engine/format";
import type { FigureRef } from "../../engine/rule";
import type { ResourceView } from "../../engine/view";
import { DEFAULT_UTILIZATION, HOURS_PER_MONTH, type UnitPower, type UnitSpec, estimateResource, resolveUnit, unitMonthlyKg } from "../../estimate";

interface Saving {
  readonly kgPerMonth: number;
  readonly text: string;
  readonly figures: readonly FigureRef[];
}

/**
 * What moving saves per running instance (operational only: embodied emissions don't move), from
 * the estimator (src/estimate): the resource's units, or for templates and unsized resources the
 * instance types it names. 730 h at the CCF default 50% utilization.
 */
export function estimateSaving(view: ResourceView, cloud: Cloud, from: RegionFacts, to: RegionFacts): Saving | undefined {
  if (!from.gridIntensity || !to.gridIntensity) return undefined;
  const units: { power: UnitPower; floor: number | undefined }[] = [];
  let assumptions: readonly FigureRef[] = [];
  const here = estimateResource(view, { region: from.region });
  if (here.status === "estimated") {
    for (const part of here.parts) units.push({ power: part.power, floor: part.units.floor });
    assumptions = here.assumptions;
  } else {
    // A machine type's built-in GPUs (G2, A2, A3…) repeated in guestAccelerators are the same devices.
    const builtIn = new Set(view.accelerators.uses.flatMap((u) => (u.instanceType?.gcpAcceleratorToken ? [u.instanceType.gcpAcceleratorToken] : [])));
    for (const use of view.accelerators.uses) {
      if (use.gcpAccelerator && builtIn.has(use.gcpAccelerator.token)) continue;
      const spec: UnitSpec | undefined = use.instanceType
        ? { kind: "instance", cloud, instanceType: use.instanceType.name }
        : use.gcpAccelerator
          ? { kind: "container", cloud, label: `${formatCount(use.count ?? 1)}×${use.gcpAccelerator.token}`, attached: [{ token: use.gcpAccelerator.token, count: use.count ?? 1 }] }
          : undefined;
      const unit = spec ? resolveUnit(spec, DEFAULT_UTILIZATION) : undefined;
      if (unit && "power" in unit) {
        units.push({ power: unit.power, floor: undefined });
        assumptions = [...assumptions, ...unit.power.assumptions];
      }
    }
  }
  let kg = 0;
  const described: string[] = [];
  for (const u of units) {
    const a = unitMonthlyKg(u.power.watts, from);
    const b = unitMonthlyKg(u.power.watts, to);
    if (a === undefined || b === undefined) return undefined;
    kg += a - b;
    described.push(`${u.power.label}, ≈${formatWatts(u.power.watts)}`);
  }
  if (!(kg > 0)) return undefined;
  const figures: FigureRef[] = assumptions.filter((f) => !f.label.startsWith(`${from.region} `));
  figures.push({ label: `${from.region} PUE`, ...from.pue }, { label: `${to.region} PUE`, ...to.pue });
  const floors = units.map((u) => u.floor);
  const floor = floors.every((f) => f !== undefined) ? floors.reduce((s: number, f) => s + (f ?? 0), 0) : undefined;
  const atFloor =
    floor === undefined || units.length !== 1 || floor === 1
      ? ""
      : floor === 0
        ? "; it can scale to zero, so nothing is saved while idle"
        : `; ≈ ${formatKg(kg * floor)} at its minimum capacity of ${formatCount(floor)}`;
  return {
    kgPerMonth: kg,
    text: `Moving to ${to.region} saves ≈ ${formatKg(kg)} kgCO2e/month per running instance (${listJoin(described)}; accelerators, CPU and memory; ${HOURS_PER_MONTH} h at ${Math.round(DEFAULT_UTILIZATION * 100)}% utilization, CCF method; ${from.pue.value === to.pue.value && from.pue.source === to.pue.source ? formatPue(from.pue) : `${formatPue(from.pue)} → ${formatPue(to.pue)}`}${atFloor}).`,
    figures,
  };
}
