/**
 * ml-clean-energy-region: ML resources run where the grid is clean.
 *
 * Regions are compared on one basis only (Electricity Maps 2025 lifecycle yearly averages for
 * both clouds): mixing Google's direct-emission figures with lifecycle figures inflates a real
 * ~35× spread into ~250× (docs/methodology.md).
 */
import { cloudRunGpuRegions } from "../data/accelerators";
import { type RegionFacts, allRegions, regionFacts } from "../data/regions";
import type { Cloud, Figure } from "../data/types";
import { SAGEMAKER_UPPER_BOUND_NOTE, resourceSubject } from "../engine/accelerator-fit";
import { docsPage } from "./docs-page";
import { kubernetesPart, resourcePart } from "./kubernetes-stack";
import { cleanRegionKubernetesExamples } from "./kubernetes-rule-examples";
import type { AcceleratorUse } from "../engine/accelerator-scan";
import { applyConfigSchema } from "../engine/config";
import { noAccelerators } from "../engine/outcomes";
import { cite, shortCite, continentName, formatCount, formatPue, shortBasis, formatGrams, formatKg, formatWatts, listJoin, percent } from "../engine/format";
import { findingOf } from "../engine/message";
import type { FigureRef, Outcome, Rule, RuleExample } from "../engine/rule";
import type { ResourceView } from "../engine/view";
import { declaresWorkloadItself } from "../engine/workload";
import { DEFAULT_UTILIZATION, HOURS_PER_MONTH, type UnitPower, type UnitSpec, estimateResource, resolveUnit, unitMonthlyKg } from "../estimate";

export type Residency = "country" | "continent" | "any";

export interface CleanRegionConfig {
  readonly maxGridIntensity: number;
  readonly minCfePercent: number | undefined;
  readonly allowedRegions: readonly string[];
  readonly deniedRegions: readonly string[];
  readonly scope: "ml" | "all";
  readonly residency: Residency;
}

const NAME = "ml-clean-energy-region";
const MAX_SUGGESTIONS = 3;

/**
 * Services whose resources are global (no region of their own); they would otherwise inherit the
 * provider's region and be flagged for nothing (e.g. an IAM role tagged `ml-workload`).
 */
const GLOBAL_TYPE_PREFIXES = [
  "aws:iam/",
  "aws:organizations/",
  "aws:route53/",
  "aws:cloudfront/",
  "aws:budgets/",
  "aws:shield/",
  "aws:globalaccelerator/",
  "gcp:projects/",
  "gcp:organizations/",
  "gcp:folder/",
  "gcp:serviceaccount/",
  "gcp:billing/",
  "gcp:dns/",
];

const configSchema = {
  properties: {
    maxGridIntensity: {
      type: "number",
      minimum: 0,
      default: 150,
      description:
        "Highest grid carbon intensity (gCO2e/kWh, Electricity Maps 2025 location-based lifecycle yearly average) a region may have.",
    },
    minCfePercent: {
      type: "number",
      minimum: 0,
      maximum: 100,
      description:
        "GCP only: a region whose Google carbon-free energy share (CFE%, Google 2024) is at least this passes even above maxGridIntensity. Unset by default.",
    },
    allowedRegions: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Regions that always pass (e.g. where a data-residency duty leaves no choice).",
    },
    deniedRegions: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Regions that always fail, whatever their intensity.",
    },
    scope: {
      type: "string",
      enum: ["ml", "all"],
      default: "ml",
      description:
        "`ml`: accelerator resources, SageMaker/Vertex AI/Workbench/Colab/TPU resources and resources tagged `ml-workload`. `all`: every regional AWS and GCP resource.",
    },
    residency: {
      type: "string",
      enum: ["country", "continent", "any"],
      default: "continent",
      description:
        "Where suggested regions may be: the same `country` (EU/EEA counts as one), the same `continent`, or `any` region.",
    },
  },
} as const;

function parseConfig(raw: unknown): CleanRegionConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return {
    maxGridIntensity: values["maxGridIntensity"] as number,
    minCfePercent: values["minCfePercent"] as number | undefined,
    allowedRegions: (values["allowedRegions"] as string[]).map((r) => r.trim().toLowerCase()),
    deniedRegions: (values["deniedRegions"] as string[]).map((r) => r.trim().toLowerCase()),
    scope: values["scope"] as "ml" | "all",
    residency: values["residency"] as Residency,
  };
}

function inScope(view: ResourceView, config: CleanRegionConfig): boolean {
  if (config.scope === "all") return true;
  return view.isAcceleratorResource || view.isMlService || declaresWorkloadItself(view);
}

function evaluate(view: ResourceView, { config }: { config: CleanRegionConfig }): Outcome[] {
  if (!view.cloud) return [{ kind: "not-applicable", reason: "not an AWS or GCP resource" }];
  const cloud = view.cloud;
  // Global resources (IAM, DNS, …) run nowhere in particular, whatever they are tagged.
  if (GLOBAL_TYPE_PREFIXES.some((p) => view.type.startsWith(p))) return [{ kind: "not-applicable", reason: "global resource" }];
  // Out of scope, unless an accelerator property unknown in preview may yet make it a GPU resource.
  if (!inScope(view, config)) return [noAccelerators(view, "not an ML resource")];

  const where = view.region;
  if (where.state === "unknown") {
    return [{ kind: "unknown", path: where.source === "provider" ? `provider.${where.path}` : where.path, valueType: "string" }];
  }
  if (where.state === "absent") {
    return [noData("noRegion", { subject: resourceSubject(view), cloud }, `${resourceSubject(view)} has no region: none on the resource, its provider or the stack config (${cloud}:region). carbonguard can't check its grid intensity.`)];
  }
  if (where.state === "unrecognized") {
    const shown = where.value !== undefined && looksLikeLocation(where.value) ? `'${where.value}'` : "its location";
    return [noData("unknownRegion", { subject: resourceSubject(view), region: shown }, `${resourceSubject(view)} runs in ${shown} (from ${where.path}), which carbonguard has no grid-intensity data for. Add it to allowedRegions or deniedRegions, or choose a listed region (\`carbonguard regions\`).`)];
  }

  const region = where.region;
  if (config.deniedRegions.includes(region)) {
    return [findingOf(MESSAGES, { messageId: "deniedRegion", data: { subject: resourceSubject(view), region }, suggestion: { region, reason: "denied" } })];
  }
  if (config.allowedRegions.includes(region)) return [];

  const facts = regionFacts(cloud, region);
  const intensity = facts?.gridIntensity;
  if (!facts || !intensity) {
    return [noData("noGridFigure", { subject: resourceSubject(view), region }, `${resourceSubject(view)} runs in ${region}, which has no grid-intensity figure in carbonguard's region data (Electricity Maps 2025 has no value for its grid zone). Add it to allowedRegions or deniedRegions to decide.`)];
  }
  if (isCompliant(facts, config)) return [];
  return [buildViolation(view, cloud, facts, intensity, config)];
}

/**
 * Only region-shaped values (`me-west-1`, `us-central3-b`) and multi-region codes (`US`, `EU`) are
 * quoted: an unrecognized value might be anything, including a secret passed by mistake.
 */
function looksLikeLocation(value: string): boolean {
  return /^[a-z]{2,12}(-[a-z]{2,12}){0,2}-?\d{1,2}(-?[a-z])?$/.test(value) || /^[A-Z]{2,4}\d?$/.test(value);
}

function isCompliant(facts: RegionFacts, config: CleanRegionConfig): boolean {
  if (config.deniedRegions.includes(facts.region)) return false;
  if (config.allowedRegions.includes(facts.region)) return true;
  const g = facts.gridIntensity?.value;
  if (g !== undefined && g <= config.maxGridIntensity) return true;
  const cfe = facts.google?.cfePercent?.value;
  return config.minCfePercent !== undefined && cfe !== undefined && cfe >= config.minCfePercent;
}

interface Candidate {
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

function rankedCandidates(cloud: Cloud, facts: RegionFacts, intensity: Figure, config: CleanRegionConfig, offered: { offers: (region: string) => boolean; key: string }): readonly Candidate[] {
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

function buildViolation(view: ResourceView, cloud: Cloud, facts: RegionFacts, intensity: Figure, config: CleanRegionConfig): Outcome {
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

/** Which regions offer everything the resource's accelerators need. */
function offeringFilter(view: ResourceView): { offers: (region: string) => boolean; key: string; describe: string; caveat?: string; sagemakerUpperBound: boolean } {
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

function areaName(facts: RegionFacts, residency: Residency): string {
  switch (residency) {
    case "any":
      return "any region";
    case "continent":
      return continentName(facts.continent);
    case "country":
      return facts.euEea ? "the EU/EEA" : facts.country;
  }
}

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
function estimateSaving(view: ResourceView, cloud: Cloud, from: RegionFacts, to: RegionFacts): Saving | undefined {
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

/** The rule's messages: the first sentence of each kind of finding (what is wrong and the fix). */
const MESSAGES = {
  aboveLimit: "{{subject}} runs in {{region}} at {{grams}} ({{source}}), over the {{max}} limit; move it to {{to}}.",
  aboveLimitNoAlternative: "{{subject}} runs in {{region}} at {{grams}} ({{source}}), over the {{max}} limit, and no region under it offers {{what}}.",
  deniedRegion: "{{subject}} runs in {{region}}, which is in deniedRegions; move it to an allowed region.",
  noRegion: "{{subject}} has no region, so its grid intensity can't be checked; set the region on the resource, its provider or {{cloud}}:region.",
  unknownRegion: "{{subject}} runs in {{region}}, which carbonguard has no grid-intensity data for; add it to allowedRegions or deniedRegions.",
  noGridFigure: "{{subject}} runs in {{region}}, which has no grid-intensity figure; add it to allowedRegions or deniedRegions to decide.",
} as const;

function noData(messageId: "noRegion" | "unknownRegion" | "noGridFigure", data: Record<string, string>, detail: string): Outcome {
  return findingOf(MESSAGES, { messageId, data, details: [detail], level: "advisory", severity: "low" });
}

const examples: readonly RuleExample[] = [
  {
    title: "SageMaker GPU endpoint in us-east-1 (provider region)",
    verdict: "bad",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm-endpoint",
      props: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] },
      providerProps: { region: "us-east-1" },
    },
    messageIds: ["aboveLimit"],
  },
  {
    title: "The same endpoint in eu-north-1 (Stockholm)",
    verdict: "good",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm-endpoint",
      props: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] },
      providerProps: { region: "eu-north-1" },
    },
  },
  {
    title: "Resource-level region (AWS provider v7) overrides the provider's",
    verdict: "bad",
    resource: {
      type: "aws:ec2/instance:Instance",
      name: "trainer",
      props: { instanceType: "p5.48xlarge", region: "us-east-1" },
      providerProps: { region: "eu-north-1" },
    },
    messageIds: ["aboveLimit"],
  },
  {
    title: "Cloud Run GPU service in us-east1",
    verdict: "bad",
    resource: {
      type: "gcp:cloudrunv2/service:Service",
      name: "vllm",
      props: {
        location: "us-east1",
        template: { nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ image: "vllm", resources: { limits: { "nvidia.com/gpu": "1" } } }] },
      },
    },
    messageIds: ["aboveLimitNoAlternative"],
  },
  {
    title: "GKE GPU node pool in a zone of a clean region (europe-north1-a)",
    verdict: "good",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "gpu-pool",
      props: { location: "europe-north1-a", nodeConfig: { machineType: "g2-standard-8" } },
    },
  },
  {
    title: "GKE GPU node pool in a zone of a high-carbon region (us-east1-b)",
    verdict: "bad",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "gpu-pool",
      props: { location: "us-east1-b", nodeConfig: { machineType: "g2-standard-8" } },
    },
    messageIds: ["aboveLimit"],
  },
  {
    title: "allowedRegions lets a region through whatever its intensity",
    verdict: "good",
    resource: {
      type: "aws:ec2/instance:Instance",
      name: "trainer",
      props: { instanceType: "p5.48xlarge" },
      providerProps: { region: "us-east-1" },
    },
    config: { allowedRegions: ["us-east-1"] },
  },
  {
    title: "deniedRegions blocks a region whatever its intensity",
    verdict: "bad",
    resource: {
      type: "aws:ec2/instance:Instance",
      name: "trainer",
      props: { instanceType: "p5.48xlarge" },
      providerProps: { region: "eu-north-1" },
    },
    config: { deniedRegions: ["eu-north-1"] },
    messageIds: ["deniedRegion"],
  },
  {
    title: "A CPU-only instance is not an ML resource under the default scope",
    verdict: "good",
    resource: { type: "aws:ec2/instance:Instance", name: "web", props: { instanceType: "m7g.large" }, providerProps: { region: "us-east-1" } },
  },
  {
    title: "A global resource (IAM role) tagged ml-workload is not region-checked",
    verdict: "good",
    resource: { type: "aws:iam/role:Role", name: "trainer-role", props: { assumeRolePolicy: "{}", tags: { "ml-workload": "training" } }, providerProps: { region: "us-east-1" } },
  },
  {
    title: "Region taken from stack config when neither resource nor provider has one",
    verdict: "bad",
    resource: { type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "nb", props: { instanceType: "ml.g5.xlarge" } },
    stackConfig: { "aws:region": "ap-southeast-2" },
    messageIds: ["aboveLimit"],
  },
];

export const mlCleanEnergyRegion: Rule<CleanRegionConfig> = {
  meta: {
    name: NAME,
    displayName: "ML resources in clean-energy regions",
    description: `ML resources run in regions whose grid carbon intensity is at most maxGridIntensity gCO2e/kWh (default 150; Electricity Maps 2025 lifecycle basis).`,
    rationale:
      "Region choice is the largest single lever on an ML workload's operational emissions: on one (lifecycle) basis grid intensity differs 5–10× between typical regions and up to ~35× between the dirtiest and the cleanest, e.g. us-east-1 418 vs eu-north-1 20 gCO2e/kWh (Electricity Maps 2025). Accelerators multiply it: one 8×A100 node draws ~2.4 kW. The policy names the cleanest compliant regions in the same residency area that actually offer the resource's accelerator type, with the saving. " +
      "Kubernetes workloads (`@pulumi/kubernetes`) run where their cluster runs: the stack policy follows the Kubernetes provider's `kubeconfig` dependency to the EKS or GKE cluster in the same stack, else reads a plain kubeconfig's EKS endpoint or GKE context, else the stack config (`aws:region`/`gcp:region`); with none of these it can't check them and says so (advisory), and while the cluster's location is unknown in preview it can't evaluate yet.",
    kind: "resource+stack",
    defaultLevel: "mandatory",
    severity: "high",
    tags: ["carbon", "region", "ml"],
    remediationSteps:
      "Deploy the resource in one of the suggested regions (set the provider's region, or the resource's `region`/`location`). If a data-residency or latency duty pins it to this region, add the region to `allowedRegions` for this stack's policy config, or record a waiver with a reason and an expiry.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  // Kubernetes resources are placed on their cluster by the stack part (src/rules/kubernetes-stack.ts).
  evaluate: resourcePart(evaluate),
  evaluateStack: kubernetesPart(evaluate),
  stackExamples: cleanRegionKubernetesExamples,
  examples,
};
