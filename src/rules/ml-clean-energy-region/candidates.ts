/**
 * Cleaner regions to suggest: which regions comply, which offer the resource's accelerators, and
 * which lie in the same residency area; ranked cleanest first and cached per combination.
 */
import { cloudRunGpuRegions } from "../../data/accelerators";
import { type RegionFacts, allRegions } from "../../data/regions";
import type { Cloud, Figure } from "../../data/types";
import { SAGEMAKER_UPPER_BOUND_NOTE } from "../../engine/accelerator-alternatives";
import type { AcceleratorUse } from "../../engine/accelerator-scan";
import { continentName, listJoin, percent } from "../../engine/format";
import type { ResourceView } from "../../engine/view";
import type { CleanRegionConfig, Residency } from "./config";

export function isCompliant(facts: RegionFacts, config: CleanRegionConfig): boolean {
  if (config.deniedRegions.includes(facts.region)) return false;
  if (config.allowedRegions.includes(facts.region)) return true;
  const g = facts.gridIntensity?.value;
  if (g !== undefined && g <= config.maxGridIntensity) return true;
  const cfe = facts.google?.cfePercent?.value;
  return config.minCfePercent !== undefined && cfe !== undefined && cfe >= config.minCfePercent;
}

export interface Candidate {
  readonly facts: RegionFacts;
  readonly gCo2ePerKwh: number;
  readonly savingPercent: number;
  readonly sameArea: boolean;
}

/**
 * Compliant regions offering what the resource needs, cleanest first. Depends only on the cloud,
 * the current region, the config and the offering constraint, so it is cached: a report meets the
 * same few combinations thousands of times.
 */
const candidateCache = new Map<string, readonly Candidate[]>();

/** The config's part of a cache key, serialized once per parsed config (the report parses each config once). */
const configKeys = new WeakMap<CleanRegionConfig, string>();

function configKey(config: CleanRegionConfig): string {
  let key = configKeys.get(config);
  if (key === undefined) configKeys.set(config, (key = JSON.stringify(config)));
  return key;
}

export function rankedCandidates(cloud: Cloud, facts: RegionFacts, intensity: Figure, config: CleanRegionConfig, offered: { offers: (region: string) => boolean; key: string }): readonly Candidate[] {
  const key = `${cloud}|${facts.region}|${offered.key}|${configKey(config)}`;
  const cached = candidateCache.get(key);
  if (cached) return cached;
  const ranked = allRegions(cloud)
    .filter((r) => r.region !== facts.region && isCompliant(r, config) && r.gridIntensity !== undefined && offered.offers(r.region))
    .map((r): Candidate => {
      const g = r.gridIntensity!.value;
      return { facts: r, gCo2ePerKwh: g, savingPercent: percent(intensity.value - g, intensity.value), sameArea: sameResidencyArea(facts, r, config.residency) };
    })
    .sort((a, b) => a.gCo2ePerKwh - b.gCo2ePerKwh || a.facts.region.localeCompare(b.facts.region));
  if (candidateCache.size > 5_000) candidateCache.clear();
  candidateCache.set(key, ranked);
  return ranked;
}

/** Which regions offer everything the resource's accelerators need. */
export function offeringFilter(view: ResourceView): { offers: (region: string) => boolean; key: string; describe: string; caveat?: string; sagemakerUpperBound: boolean } {
  const constraints: { regions: readonly string[]; label: string }[] = [];
  const unchecked: string[] = [];
  const retired: string[] = [];
  let sagemakerUpperBound = false;
  const isCloudRun = view.type.startsWith("gcp:cloudrunv2/");
  for (const use of view.accelerators.uses) {
    const label = labelOf(use);
    if (use.instanceType) {
      if (use.instanceType.retired) {
        retired.push(label);
        continue;
      }
      if (use.instanceType.sagemakerUpperBound) sagemakerUpperBound = true;
      constraints.push({ regions: use.instanceType.regions, label });
    } else if (use.gcpAccelerator) {
      const regions = isCloudRun ? cloudRunGpuRegions(use.gcpAccelerator.token).map((r) => r.region) : use.gcpAccelerator.regions;
      constraints.push({ regions, label: isCloudRun ? `${label} on Cloud Run` : label });
    } else if (use.via !== "gpu-resource" || use.token !== undefined) {
      unchecked.push(label);
    }
  }
  const labels = [...new Set(constraints.map((c) => c.label))];
  const caveats: string[] = [];
  if (sagemakerUpperBound) caveats.push(SAGEMAKER_UPPER_BOUND_NOTE);
  if (retired.length > 0) caveats.push(`${listJoin(retired)} is retired and offered in no region: pick a current type (see accelerator-current-generation).`);
  if (unchecked.length > 0) caveats.push(`Availability of ${listJoin([...new Set(unchecked)])} is not in carbonguard's catalog and was not checked.`);
  return {
    // A scan, not a Set built per resource: it runs only when candidates are ranked afresh or none comply.
    offers: (region) => constraints.every((c) => c.regions.includes(region)),
    // Identifies the constraint set for caching: each label names one type's (or token's) offering.
    key: constraints.map((c) => c.label).sort().join(";"),
    describe: labels.length > 0 ? listJoin(labels) : "this resource",
    ...(caveats.length > 0 ? { caveat: caveats.join(" ") } : {}),
    sagemakerUpperBound,
  };
}

function labelOf(use: AcceleratorUse): string {
  if (use.token) return use.token;
  if (use.instanceType) return use.instanceType.name;
  if (use.gcpAccelerator) return use.gcpAccelerator.token;
  return use.via === "gpu-resource" ? "GPUs" : "its accelerator";
}

function sameResidencyArea(a: RegionFacts, b: RegionFacts, residency: Residency): boolean {
  switch (residency) {
    case "any":
      return true;
    case "continent":
      return a.continent === b.continent;
    case "country":
      return (a.euEea && b.euEea) || (a.countryCode ?? a.country) === (b.countryCode ?? b.country);
  }
}

export function areaName(facts: RegionFacts, residency: Residency): string {
  switch (residency) {
    case "any":
      return "any region";
    case "continent":
      return continentName(facts.continent);
    case "country":
      return facts.euEea ? "the EU/EEA" : facts.country;
  }
}
