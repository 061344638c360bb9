/** The violation for a region over the limit: the figures, the cleaner regions that offer the resource, the saving. */
import { type RegionFacts, allRegions } from "../../data/regions";
import type { Cloud, Figure } from "../../data/types";
import { resourceSubject } from "../../engine/resource-names";
import { cite, shortCite, shortBasis, formatGrams, listJoin, percent } from "../../engine/format";
import { findingOf } from "../../engine/message";
import type { FigureRef, Outcome } from "../../engine/rule";
import type { ResourceView } from "../../engine/view";
import type { CleanRegionConfig } from "./config";
import { areaName, offeringFilter, rankedCandidates } from "./candidates";
import { MESSAGES } from "./messages";
import { estimateSaving } from "./saving";

const MAX_SUGGESTIONS = 3;

export function buildViolation(view: ResourceView, cloud: Cloud, facts: RegionFacts, intensity: Figure, config: CleanRegionConfig): Outcome {
  const figures: FigureRef[] = [{ label: `${facts.region} grid intensity`, ...intensity }];
  const offered = offeringFilter(view);
  const all = rankedCandidates(cloud, facts, intensity, config, offered);
  const inArea = all.filter((c) => c.sameArea).slice(0, MAX_SUGGESTIONS);
  const picks = inArea.length > 0 ? inArea : all.slice(0, MAX_SUGGESTIONS);

  const limit = config.minCfePercent !== undefined && cloud === "gcp"
    ? `the limit of ${config.maxGridIntensity} gCO2e/kWh (or Google CFE ≥ ${config.minCfePercent}%)`
    : `the limit of ${config.maxGridIntensity} gCO2e/kWh`;
  const parts: string[] = [
    `${resourceSubject(view)} runs in ${facts.region} (${facts.location}) at ${formatGrams(intensity.value)} (${cite(intensity)}, ${shortBasis(intensity)}), above ${limit}.`,
  ];
  const notes: string[] = [];
  const head = { subject: resourceSubject(view), region: facts.region, grams: formatGrams(intensity.value), source: shortCite(intensity), max: `${config.maxGridIntensity} g` };
  const google = facts.google?.cfePercent;
  if (cloud === "gcp" && google) {
    parts.push(`Google reports ${Math.round(google.value)}% carbon-free energy for ${facts.region} (${cite(google)}; a different basis, not used for the limit).`);
    figures.push({ label: `${facts.region} Google CFE`, ...google });
  }

  const what = offered.describe;
  const area = areaName(facts, config.residency);
  // Every region's figure is on one basis; a figure from another source or year (a partial data
  // refresh) is cited where it is shown.
  const source = cite(intensity);
  const grams = (g: Figure) => (cite(g) === source ? formatGrams(g.value) : `${formatGrams(g.value)}, ${cite(g)}`);
  if (picks.length === 0) {
    // Nothing compliant offers it: still name the cleanest regions that do, since moving there saves too.
    const cleaner = allRegions(cloud)
      .filter((r) => r.region !== facts.region && !config.deniedRegions.includes(r.region) && offered.offers(r.region) && (r.gridIntensity?.value ?? Infinity) < intensity.value)
      .sort((a, b) => a.gridIntensity!.value - b.gridIntensity!.value)
      .slice(0, MAX_SUGGESTIONS);
    const list = cleaner.map((r) => `${r.region} (${r.location}, ${grams(r.gridIntensity!)}, −${percent(intensity.value - r.gridIntensity!.value, intensity.value)}%)`);
    parts.push(
      list.length > 0
        ? `No region that meets the limit offers ${what}; the cleanest that do (still above the limit): ${listJoin(list)}.`
        : `No region that meets the limit offers ${what}; consider a different accelerator type.`,
    );
    if (cleaner.length > 0) notes.push(`Cleanest that offer it: ${listJoin(cleaner.map((r) => `${r.region} (${Math.round(r.gridIntensity!.value)} g)`))}.`);
    for (const r of cleaner) figures.push({ label: `${r.region} grid intensity`, ...r.gridIntensity! });
  } else {
    const list = picks.map((c) => `${c.facts.region} (${c.facts.location}, ${grams(c.facts.gridIntensity!)}, −${c.savingPercent}%)`);
    const lead = inArea.length > 0
      ? `Cleaner regions in ${area} that offer ${what}: `
      : `No compliant region in ${area} offers ${what}; the cleanest elsewhere: `;
    parts.push(`${lead}${listJoin(list)}.`);
    notes.push(`${inArea.length > 0 ? `In ${area}` : "Elsewhere"}: ${listJoin(picks.map((c) => `${c.facts.region} (${Math.round(c.gCo2ePerKwh)} g, −${c.savingPercent}%)`))}.`);
    for (const c of picks) figures.push({ label: `${c.facts.region} grid intensity`, ...c.facts.gridIntensity! });
  }
  if (offered.caveat) parts.push(offered.caveat);

  const best = picks[0];
  const saving = best ? estimateSaving(view, cloud, facts, best.facts) : undefined;
  if (saving) {
    parts.push(saving.text);
    figures.push(...saving.figures);
  }

  const suggestion: Record<string, unknown> = {
    currentRegion: facts.region,
    currentGCo2ePerKwh: intensity.value,
    maxGridIntensity: config.maxGridIntensity,
    alternatives: picks.map((c) => ({
      region: c.facts.region,
      location: c.facts.location,
      gCo2ePerKwh: c.gCo2ePerKwh,
      savingPercent: c.savingPercent,
      sameResidencyArea: c.sameArea,
    })),
  };
  if (saving) suggestion["estimatedKgCo2ePerMonthSaved"] = Math.round(saving.kgPerMonth * 10) / 10;
  if (offered.sagemakerUpperBound) suggestion["verify"] = "SageMaker availability inferred from EC2 offerings: verify on the SageMaker pricing page";
  const to = picks.map((c) => c.facts.region);
  return findingOf(MESSAGES, {
    messageId: picks.length > 0 ? "aboveLimit" : "aboveLimitNoAlternative",
    data: { ...head, ...(picks.length > 0 ? { to: to[0]! } : { what }) },
    ...(picks.length > 0 ? { fix: { kind: "region" as const, from: facts.region, to } } : {}),
    ...(saving && best ? { saving: { kgCo2ePerMonth: saving.kgPerMonth, basis: `moving to ${best.facts.region}, per instance; ${Math.round(intensity.value)} → ${Math.round(best.gCo2ePerKwh)} gCO2e/kWh` } } : {}),
    notes,
    details: parts,
    figures,
    suggestion,
  });
}
