/**
 * Cleaner accelerator types to suggest instead of the one a resource carries, picked by one
 * documented method (`CANDIDATE_METHOD`, `findCandidates`), how they are described and recorded in
 * a finding, and the saving the first one brings (from the estimator, the same numbers the reports
 * use). Shared by `accelerator-fits-workload`, `accelerator-current-generation` and
 * `accelerator-fits-model`.
 */
import {
  ACCELERATOR_DATA_INFO,
  type WorkloadClass,
  allGcpAccelerators,
  allInstanceTypes,
  cloudRunGpuRegions,
} from "../data/accelerators";
import { regionFacts } from "../data/regions";
import type { Cloud } from "../data/types";
import { DEFAULT_UTILIZATION, resolveUnit, unitMonthlyKg } from "../estimate";
import { type AcceleratorFacts, type AcceleratorSubject, describeAccelerator, gcpAcceleratorFacts, instanceTypeFacts, instanceTypeNames, tdpFigure } from "./accelerator-classification";
import { shortCite, formatPue, formatWatts, listJoin, percent } from "./format";
import type { PlatformInfo } from "./platform";
import type { FigureRef, FindingSaving } from "./rule";
import type { ResourceView } from "./view";
import type { Role } from "./workload-resolution";

export interface Candidate extends AcceleratorFacts {
  /** Name as the resource would write it: "ml.g6.xlarge", "g2-standard-4", "v6e-1", "nvidia-l4". */
  readonly label: string;
  readonly names: readonly string[];
  readonly regions: readonly string[];
  readonly vcpu: number;
}

export interface CandidateQuery {
  readonly cloud: Cloud;
  readonly platform: PlatformInfo;
  readonly role: Role;
  /** `smallest`: fewest accelerators of each model (downsizing); `closest`: nearest to `count` (like for like). */
  readonly sizing: "smallest" | "closest";
  readonly count: number;
  readonly region: string | undefined;
  /** Only candidates that satisfy this (allowedTypes by name; accelerator-fits-model by memory). */
  readonly accept?: (names: readonly string[], candidate: Candidate) => boolean;
  /** Ignore the role (allowedTypes replaces the class check). */
  readonly anyRole?: boolean;
  readonly exclude?: ReadonlySet<string>;
}

export interface CandidateResult {
  /** Up to three models with a published TDP, lowest total accelerator TDP first. */
  readonly ranked: readonly Candidate[];
  /** Up to two models without a published TDP (Neuron, TPU): never ranked by TDP. */
  readonly unpublished: readonly Candidate[];
  /** Whether availability in `region` was checked (known region inside the catalog's coverage). */
  readonly regionChecked: boolean;
  readonly sagemakerUpperBound: boolean;
}

/** The caveat on SageMaker availability, which the catalog infers from the EC2 twin's offerings. */
export const SAGEMAKER_UPPER_BOUND_NOTE = "SageMaker availability is inferred from EC2 offerings (an upper bound): verify on the SageMaker pricing page.";

export const CANDIDATE_METHOD =
  "same cloud and service; offered in the resource's region (catalog offerings; for SageMaker the EC2 twin's regions, an upper bound); current generation; of the workload's class (inference: inference- or both-class; training: training- or both-class; never graphics); one size per accelerator model — the smallest for inference-type workloads, the closest in accelerator count otherwise; ranked by total published accelerator TDP, lowest first; Neuron and TPU types (no published TDP) listed after them, unranked. Accelerator memory needed by the model is not known to carbonguard: pick the size that holds it.";

/** Candidate pools depend only on the cloud and the platform (the catalog is fixed): built once each. */
const poolCache = new Map<string, readonly Candidate[]>();

function platformPool(cloud: Cloud, platform: PlatformInfo): readonly Candidate[] {
  const key = `${cloud}|${platform.platform}|${platform.sagemakerUse ?? ""}|${platform.tpuHosts === true}`;
  let pool = poolCache.get(key);
  if (pool === undefined) {
    pool = Object.freeze(buildPlatformPool(cloud, platform).map((c) => Object.freeze(c)));
    poolCache.set(key, pool);
  }
  return pool;
}

function buildPlatformPool(cloud: Cloud, platform: PlatformInfo): Candidate[] {
  if (platform.platform === "cloud-run") {
    return allGcpAccelerators()
      .filter((t) => t.kind === "gpu" && t.generation === "current" && !t.retired)
      .map((t) => ({ t, regions: cloudRunGpuRegions(t.token).map((r) => r.region) }))
      .filter(({ regions }) => regions.length > 0)
      .map(({ t, regions }) => ({ ...gcpAcceleratorFacts(t, 1), label: t.token, names: [t.token], regions, vcpu: 0 }));
  }
  const types = allInstanceTypes(cloud).filter((t) => {
    if (platform.platform === "tpu-vm") return t.kind === "tpu";
    if (t.kind !== "machine") return false;
    if (cloud === "gcp" && t.tpuSliceType !== undefined && !platform.tpuHosts) return false;
    if (platform.platform === "sagemaker") return platform.sagemakerUse !== undefined && t.sagemaker?.[platform.sagemakerUse] === true;
    return true;
  });
  return types
    .filter((t) => t.generation === "current" && !t.retired && t.regions.length > 0)
    .map((t) => {
      const label = platform.platform === "sagemaker" ? (t.sagemaker?.mlType ?? `ml.${t.name}`) : t.name;
      return { ...instanceTypeFacts(t), label, names: instanceTypeNames(t, label), regions: t.regions, vcpu: t.vcpu ?? 0 };
    });
}

function regionCovered(cloud: Cloud, platform: PlatformInfo, region: string): boolean {
  if (platform.platform === "cloud-run") return true;
  // No catch: the only failure is a broken catalog file, which must surface as the rule's error
  // (fail closed), not as "region not covered" silently dropping the alternatives.
  return ACCELERATOR_DATA_INFO.availability[cloud]?.regionsCovered.includes(region) ?? false;
}

function roleFits(role: Role, cls: WorkloadClass): boolean {
  if (cls === "graphics") return false;
  return cls === "both" || cls === role;
}

/**
 * Replacement candidates by the documented method (`CANDIDATE_METHOD`). Deterministic: ties are
 * broken by accelerator count, vCPUs and name.
 */
export function findCandidates(q: CandidateQuery): CandidateResult {
  const regionChecked = q.region !== undefined && regionCovered(q.cloud, q.platform, q.region);
  const pool = platformPool(q.cloud, q.platform).filter(
    (c) =>
      c.workloadClass !== "graphics" &&
      (q.anyRole || roleFits(q.role, c.workloadClass)) &&
      (!regionChecked || c.regions.includes(q.region as string)) &&
      (q.accept ? q.accept(c.names, c) : true) &&
      !(q.exclude?.has(c.label) ?? false),
  );
  const byModel = new Map<string, Candidate>();
  const score = (c: Candidate): [number, number, number] =>
    q.sizing === "smallest" ? [c.count, c.count, c.vcpu] : [Math.abs(c.count - q.count), c.count, c.vcpu];
  for (const c of pool) {
    const prev = byModel.get(c.shortModel);
    const order = prev ? compareTuple(score(c), score(prev)) : -1;
    if (order < 0 || (order === 0 && c.label < prev!.label)) byModel.set(c.shortModel, c);
  }
  const picks = [...byModel.values()];
  const ranked = picks
    .filter((c) => c.tdpWTotal !== null)
    .sort((a, b) => (a.tdpWTotal as number) - (b.tdpWTotal as number) || a.count - b.count || a.vcpu - b.vcpu || a.label.localeCompare(b.label))
    .slice(0, 3);
  const exact = (c: Candidate) => (c.workloadClass === q.role ? 0 : 1);
  const unpublished = picks
    .filter((c) => c.tdpWTotal === null)
    .sort((a, b) => exact(a) - exact(b) || (b.chipYear ?? 0) - (a.chipYear ?? 0) || a.label.localeCompare(b.label))
    .slice(0, 2);
  return { ranked, unpublished, regionChecked, sagemakerUpperBound: q.platform.platform === "sagemaker" && regionChecked };
}

function compareTuple(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Why an alternative that draws more power is still suggested (RULES.md: perf per watt, E13). */
export const MORE_WORK_PER_JOULE = "does more work per joule, so the same work takes less energy";
export const DRAWS_MORE_REASON = `draws more power, but ${MORE_WORK_PER_JOULE}`;

/**
 * "ml.g6.xlarge: 1×L4, 72 W (−98%)", or "(+700%, draws more)" for an alternative with a higher
 * accelerator TDP than the current choice; `drawsMoreNote` then says why it is suggested anyway,
 * so no one reads it as a power saving.
 */
export function describeCandidate(c: Candidate, fromTdp: number | null): string {
  const base = describeAccelerator(c);
  if (!drawsMore(c, fromTdp)) return fromTdp !== null && c.tdpWTotal !== null && c.tdpWTotal < fromTdp ? `${base} (−${percent(fromTdp - c.tdpWTotal, fromTdp)}%)` : base;
  return `${base} (+${percent((c.tdpWTotal as number) - (fromTdp as number), fromTdp as number)}%, draws more)`;
}

function drawsMore(c: Candidate, fromTdp: number | null): boolean {
  return fromTdp !== null && c.tdpWTotal !== null && c.tdpWTotal > fromTdp;
}

/** The sentence a list with alternatives that draw more power needs: which, and why they are suggested. */
export function drawsMoreNote(candidates: readonly Candidate[], from: AcceleratorSubject): string | undefined {
  const more = candidates.filter((c) => drawsMore(c, from.tdpWTotal));
  if (more.length === 0) return undefined;
  const which = more.length === candidates.length ? "Each of these alternatives" : listJoin(more.map((c) => c.label));
  return `${which} draws more accelerator power than ${from.label} (${formatWatts(from.tdpWTotal as number)}); suggested because ${more.length === 1 ? "it" : "each"} ${MORE_WORK_PER_JOULE}.`;
}

export function candidateRecord(c: Candidate, fromTdp: number | null): Record<string, unknown> {
  return {
    type: c.label,
    acceleratorModel: c.model,
    acceleratorCount: c.count,
    acceleratorMemoryGbPerDevice: c.memoryGbPerDevice,
    acceleratorTdpW: c.tdpWTotal,
    workloadClass: c.workloadClass,
    ...(fromTdp !== null && c.tdpWTotal !== null ? { tdpChangePercent: -percent(fromTdp - c.tdpWTotal, fromTdp) } : {}),
    ...(drawsMore(c, fromTdp) ? { drawsMorePower: true, reason: DRAWS_MORE_REASON } : {}),
  };
}

/** Where the resource runs, for candidate filtering; undefined when not known. */
export function knownRegion(view: ResourceView): string | undefined {
  return view.region.state === "known" ? view.region.region : undefined;
}

/** A sentence on the region the candidates were checked against. */
export function availabilityPhrase(view: ResourceView, result: CandidateResult): string {
  const region = knownRegion(view);
  if (result.regionChecked && region) return `offered in ${region}`;
  if (region) return `(availability in ${region} not covered by carbonguard's offerings data: not checked)`;
  return "(the resource's region is not known: availability not checked)";
}

/**
 * The end of "No current … type in carbonguard's catalog is …": where none was found ("offered in
 * us-east-1"), or "known for this service" when the region could not be checked.
 */
export function noneFoundPhrase(view: ResourceView, result: CandidateResult): string {
  const region = knownRegion(view);
  return result.regionChecked && region ? `offered in ${region}` : "known for this service";
}

// ---------------------------------------------------------------------------------------------
// Families to name when a type is retired (no regional suggestion is possible)

/** "g6 (NVIDIA L4) or inf2 (AWS Inferentia2) for inference, p5 (NVIDIA H100) … for training" when the role is not known. */
export function currentFamiliesText(cloud: Cloud, subject: AcceleratorSubject, role: Role | undefined): string {
  if (role) return `${currentFamilies(cloud, subject, role)} for ${role}`;
  return `${currentFamilies(cloud, subject, "inference")} for inference; ${currentFamilies(cloud, subject, "training")} for training`;
}

export function currentFamilies(cloud: Cloud, subject: AcceleratorSubject, role: Role): string {
  const tpu = /^TPU/i.test(subject.shortModel);
  if (tpu) return role === "training" ? "TPU v5p or v6e (Trillium)" : "TPU v6e (Trillium) or v5e";
  if (cloud === "aws") return role === "training" ? "p5 (NVIDIA H100) or trn1/trn2 (AWS Trainium)" : "g6 (NVIDIA L4) or inf2 (AWS Inferentia2)";
  return role === "training" ? "a3 (NVIDIA H100)" : "g2 (NVIDIA L4)";
}

// ---------------------------------------------------------------------------------------------
// The saving a replacement brings, from the estimator (the same numbers the reports use)

export interface ReplacementSaving {
  readonly kgPerMonth: number;
  /** The short basis for a finding's saving: what changes, per what, and the grid figure with its source. */
  readonly basis: string;
  readonly text: string;
  readonly figures: readonly FigureRef[];
}

/**
 * kgCO2e per month saved per running instance by replacing `from` with `to` in the resource's
 * region, at the estimator's default utilization (CCF 50%), operational only. Undefined when either
 * side is not a machine type the estimator can size, the region is unknown, or nothing is saved.
 */
export function replacementSaving(view: ResourceView, from: AcceleratorSubject, to: Candidate): ReplacementSaving | undefined {
  if (from.kind !== "machine" || view.region.state !== "known") return undefined;
  const facts = regionFacts(from.cloud, view.region.region);
  if (!facts?.gridIntensity) return undefined;
  const unit = (instanceType: string) => resolveUnit({ kind: "instance", cloud: from.cloud, instanceType }, DEFAULT_UTILIZATION);
  const a = unit(from.label);
  const b = unit(to.label);
  if (!("power" in a) || !("power" in b)) return undefined;
  const kgFrom = unitMonthlyKg(a.power.watts, facts);
  const kgTo = unitMonthlyKg(b.power.watts, facts);
  if (kgFrom === undefined || kgTo === undefined || !(kgFrom - kgTo > 0)) return undefined;
  const kg = kgFrom - kgTo;
  const rounded = kg >= 10 ? Math.round(kg).toLocaleString("en-US") : kg.toFixed(1);
  return {
    kgPerMonth: kg,
    basis: `switching to ${to.label}, per instance at ${DEFAULT_UTILIZATION * 100}% utilization; ${Math.round(facts.gridIntensity.value)} gCO2e/kWh, ${shortCite(facts.gridIntensity)}`,
    text: `Switching to ${to.label} saves ≈ ${rounded} kgCO2e/month per running instance in ${facts.region} (≈${formatWatts(a.power.watts)} → ≈${formatWatts(b.power.watts)} average draw at ${DEFAULT_UTILIZATION * 100}% utilization, CCF method; ${formatPue(facts.pue)}; ${Math.round(facts.gridIntensity.value)} gCO2e/kWh, Electricity Maps ${facts.gridIntensity.year}).`,
    figures: [
      { label: `${facts.region} grid intensity`, ...facts.gridIntensity },
      { label: `${facts.region} PUE`, ...facts.pue },
      ...a.power.assumptions,
    ],
  };
}

/**
 * Adds what every fit/generation finding says about its alternatives: the first one's estimated
 * saving (message, figures and `estimatedKgCo2ePerMonthSaved`), each one's TDP provenance, and the
 * machine-readable list with the method that chose it.
 */
export function recordAlternatives(
  view: ResourceView,
  subject: AcceleratorSubject,
  result: CandidateResult,
  finding: { readonly parts: string[]; readonly figures: FigureRef[]; readonly suggestion: Record<string, unknown> },
): FindingSaving | undefined {
  const best = result.ranked[0];
  const saving = best ? replacementSaving(view, subject, best) : undefined;
  if (saving) {
    finding.parts.push(saving.text);
    finding.figures.push(...saving.figures);
    finding.suggestion["estimatedKgCo2ePerMonthSaved"] = Math.round(saving.kgPerMonth * 10) / 10;
  }
  const all = [...result.ranked, ...result.unpublished];
  for (const c of all) {
    const f = tdpFigure(c);
    if (f) finding.figures.push(f);
  }
  finding.suggestion["region"] = knownRegion(view) ?? null;
  finding.suggestion["regionChecked"] = result.regionChecked;
  finding.suggestion["alternatives"] = all.map((c) => candidateRecord(c, subject.tdpWTotal));
  finding.suggestion["method"] = CANDIDATE_METHOD;
  return saving ? { kgCo2ePerMonth: saving.kgPerMonth, basis: saving.basis } : undefined;
}
