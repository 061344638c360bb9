/** The report's `provenance` (where every number comes from) and `rules` (rule metadata). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ACCELERATOR_DATA_INFO } from "../data/accelerators";
import { coefficients } from "../data/coefficients";
import { REGION_DATA_INFO } from "../data/regions";
import { HOURS_PER_MONTH } from "../estimate";
import type { ResolvedPolicyConfig } from "../engine/policy-config";
import type { AnyRule } from "../engine/rule";
import { packageRoot } from "../util/package-root";
import { compareStrings } from "./group";
import type { Level, ProvenanceEntry, RuleSummary, Severity } from "./model";

function yearOf(date: string | null | undefined): number | undefined {
  const m = typeof date === "string" ? /^(\d{4})/.exec(date) : null;
  return m ? Number(m[1]) : undefined;
}

const REGION_SOURCE_USE: Readonly<Record<string, string>> = {
  "electricity-maps": "grid carbon intensity per region (gCO2e/kWh, lifecycle, location-based): operational emissions and the grade",
  "aws-pue": "AWS PUE",
  "cloud-carbon-footprint": "GCP PUE per region",
  "google-region-carbon-info": "Google CFE% (shown, not used in estimates)",
  "aws-sdk-partitions": "the list of AWS regions",
  "carbonguard-cloud-regions": "region → location, country and grid zone",
};

/** Short names for the sources (their full titles go into `basis`). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  "electricity-maps": "Electricity Maps grid carbon intensity",
  "aws-pue": "AWS data-center PUE",
  "cloud-carbon-footprint": "Cloud Carbon Footprint GCP PUE",
  "google-region-carbon-info": "Google Cloud region carbon info",
  "aws-sdk-partitions": "AWS SDK partitions",
  "carbonguard-cloud-regions": "carbonguard cloud regions",
  "ccf-coefficients": "Cloud Carbon Footprint coefficients",
  "ccf-app": "Cloud Carbon Footprint app constants",
  teads: "Teads AWS EC2 dataset",
  carbonguard: "carbonguard coefficient compilation",
  "S-AVAIL-AWS-MOTO": "AWS EC2 instance type offerings",
  "S-AVAIL-GCP-ANYCLOUD": "GCP machine, GPU and TPU offerings",
  "S-AVAIL-CLOUDRUN-DOCS": "Cloud Run GPU regions",
  "S-AVAIL-GCP-TPU-DOCS": "Cloud TPU regions",
};

let cached: { readonly entries: ProvenanceEntry[]; readonly gridYear: number | undefined } | undefined;

/** Region data, energy coefficients, accelerator catalog (with the availability the grade uses) and the method. */
export function reportProvenance(toolVersion: string, utilization: number, expectedUtilization: number): ProvenanceEntry[] {
  if (!cached) {
    const entries: ProvenanceEntry[] = [];
    for (const [key, s] of Object.entries(REGION_DATA_INFO.sources).sort(([a], [b]) => compareStrings(a, b))) {
      const year = s.year;
      entries.push({ name: SHORT_NAMES[key] ?? s.title, version: s.version, ...(year ? { year } : {}), ...(s.licence ? { licence: s.licence } : {}), basis: `${REGION_SOURCE_USE[key] ?? "region data"} (region-data/regions.json; ${s.title})` });
    }
    for (const [key, s] of Object.entries(coefficients().sources).sort(([a], [b]) => compareStrings(a, b))) {
      const version = [s.repo && s.commit ? `${s.repo}@${s.commit.slice(0, 7)}` : s.repo, s.date].filter(Boolean).join(", ");
      const year = yearOf(s.date);
      entries.push({ name: SHORT_NAMES[key] ?? s.title, version: version || "unversioned", ...(year ? { year } : {}), ...(s.licence ? { licence: s.licence } : {}), basis: `energy coefficients: watts per vCPU, GPU, memory and storage; embodied emissions (region-data/coefficients.json; ${s.title})` });
    }
    const availability = ACCELERATOR_DATA_INFO.availability;
    entries.push({
      name: "carbonguard accelerator catalog",
      version: `AWS offerings ${availability.aws.snapshotDates.max}, GCP offerings ${availability.gcp.snapshotDates.max}`,
      year: yearOf(availability.aws.snapshotDates.max) ?? 2026,
      licence: "Apache-2.0 (compilation); sources in region-data/ACCELERATORS-SOURCES.md",
      basis: `accelerator models, counts and TDP per instance/machine type, and the regions offering each (region-data/accelerators.json; ${Object.keys(ACCELERATOR_DATA_INFO.sources).length} sources)`,
    });
    for (const [key, s] of Object.entries(ACCELERATOR_DATA_INFO.sources).sort(([a], [b]) => compareStrings(a, b))) {
      if (!key.startsWith("S-AVAIL-")) continue;
      const year = yearOf(s.date);
      entries.push({
        name: SHORT_NAMES[key] ?? s.title,
        version: [s.commit, s.date].filter(Boolean).join(", ") || "undated",
        ...(year ? { year } : {}),
        ...(s.licence ? { licence: s.licence } : {}),
        basis: `accelerator availability: ${s.usedFor ?? "regions offering each type"}, for the grade's cleanest region (${s.title})`,
      });
    }
    const grid = REGION_DATA_INFO.sources["electricity-maps"];
    cached = { entries, gridYear: grid?.year };
  }
  return [
    ...cached.entries,
    {
      name: "carbonguard estimation method",
      version: toolVersion,
      year: 2026,
      licence: "Apache-2.0",
      basis: `CCF method extended with current accelerators: ${Math.round(utilization * 100)}% utilization, ${HOURS_PER_MONTH} h/month, provider PUE, ${cached.gridYear !== undefined ? `Electricity Maps ${cached.gridYear}` : "Electricity Maps"} location-based lifecycle grid intensity; embodied per CCF over a 4-year life; floor = minimum running capacity, ceiling = maximum, expected = the declared capacity, else ${Math.round(expectedUtilization * 100)}% of the way from floor to ceiling (--expected-utilization; docs/methodology.md). Grade: kgCO2e per accelerator-hour against the same hardware in the cleanest region offering it (docs/report-grade.md)`,
    },
  ];
}

/** Metadata of every policy that ran (not disabled by the config). */
export function reportRules(rules: readonly AnyRule[], config: ReadonlyMap<string, ResolvedPolicyConfig>): RuleSummary[] {
  return rules
    .filter((r) => (config.get(r.meta.name)?.level ?? r.meta.defaultLevel) !== "disabled")
    .map((r) => ({
      name: r.meta.name,
      displayName: r.meta.displayName,
      description: r.meta.description,
      defaultLevel: r.meta.defaultLevel as Level,
      severity: r.meta.severity as Severity,
      url: r.meta.url,
      remediationSteps: r.meta.remediationSteps,
    }));
}

let version: string | undefined;

/** carbonguard's own version (package.json). */
export function toolVersion(): string {
  if (version === undefined) {
    try {
      version = String((JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: unknown }).version ?? "0.0.0");
    } catch {
      version = "0.0.0";
    }
  }
  return version;
}
