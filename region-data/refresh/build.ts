/**
 * Pure part of the refresh: parsed inputs in, `regions.json` content out. No file system, no
 * network, no clock, so the same inputs always give the same file (tested with small inline
 * inputs; the IO layer is `io.ts`).
 */
import type { Cloud, Figure } from "../../src/data/types";
import type { RegionDataFile, RegionDataInputInfo, RegionFacts, GoogleRegionFigures } from "../../src/data/regions";
import { parseCsvRecords } from "./csv";
import { COUNTRIES, type CountryInfo } from "./countries";
import { CCF_REGION_PUE, EM_YEAR, FLEET_PUE, GOOGLE_YEAR, UPSTREAM, sourcesMap } from "./provenance";

export interface RefreshInputs {
  /** `cloud-regions.csv` text. */
  readonly cloudRegionsCsv: string;
  /** Parsed `partitions.json`. */
  readonly partitions: unknown;
  /** `google-region-carbon-info/<GOOGLE_YEAR>.csv` text. */
  readonly googleCsv: string;
  /** `ccf-app/derived-ccf-app-constants.csv` text. */
  readonly ccfConstantsCsv: string;
  readonly electricityMaps: {
    /** Version of the installed @tgwf/co2 package. */
    readonly packageVersion: string;
    /** Year → the package's `yearlyNNNN.data` object. Must hold EM_YEAR; the two years before are used for a caveat. */
    readonly byYear: Readonly<Record<number, unknown>>;
  };
  /** Versions and hashes of the inputs, written to `generated.inputs`. */
  readonly inputs: Readonly<Record<string, RegionDataInputInfo>>;
}

export interface BuildResult {
  readonly data: RegionDataFile;
  /** Things a maintainer should look at; the build still succeeded. */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Input parsers (exported for tests)

export interface CloudRegionRow {
  readonly cloud: string;
  readonly region: string;
  readonly location: string;
  readonly country: string;
  readonly gridZone?: string;
  readonly zoneMappingSource?: string;
  /** The compiler's copy of the EM value for EM_YEAR, used only to cross-check. */
  readonly emCheckValue?: number;
}

const EM_CHECK_COLUMN = `em_zone_${EM_YEAR}_lifecycle_gco2e_per_kwh`;

export function parseCloudRegions(csv: string): CloudRegionRow[] {
  const records = parseCsvRecords(csv, "cloud-regions.csv");
  for (const col of ["cloud", "region", "location", "country", "grid_zone"]) {
    if (records.length > 0 && !(col in records[0]!)) throw new Error(`cloud-regions.csv: missing column ${col}`);
  }
  return records.map((r) => {
    const zone = (r["grid_zone"] ?? "").trim();
    const mapping = (r["zone_mapping_source"] ?? "").trim();
    const check = parseNumber(r[EM_CHECK_COLUMN]);
    return {
      cloud: (r["cloud"] ?? "").trim(),
      region: (r["region"] ?? "").trim(),
      location: (r["location"] ?? "").trim(),
      country: (r["country"] ?? "").trim(),
      ...(zone ? { gridZone: zone } : {}),
      ...(mapping ? { zoneMappingSource: mapping } : {}),
      ...(check !== undefined ? { emCheckValue: check } : {}),
    };
  });
}

export interface AwsPartitionInfo {
  readonly id: string;
  readonly regionRegex: string;
}

/** The regions of the commercial `aws` partition (not `aws-global`), sorted, plus every partition's regex. */
export function awsCommercialRegions(partitions: unknown): { regions: string[]; partitions: AwsPartitionInfo[] } {
  const list = (partitions as { partitions?: unknown } | null)?.partitions;
  if (!Array.isArray(list)) throw new Error("partitions.json: no partitions array");
  const infos: AwsPartitionInfo[] = [];
  let regions: string[] | undefined;
  for (const p of list as { id?: unknown; regionRegex?: unknown; regions?: unknown }[]) {
    if (typeof p?.id !== "string" || typeof p.regionRegex !== "string") continue;
    infos.push({ id: p.id, regionRegex: p.regionRegex });
    if (p.id === "aws") {
      const re = new RegExp(p.regionRegex);
      const ids = p.regions !== null && typeof p.regions === "object" ? Object.keys(p.regions) : [];
      regions = ids.filter((id) => re.test(id)).sort(byString);
    }
  }
  if (regions === undefined) throw new Error('partitions.json: no "aws" partition');
  infos.sort((a, b) => byString(a.id, b.id));
  return { regions, partitions: infos };
}

export interface EmZone {
  readonly value: number;
  readonly zoneName?: string;
}

/** A CO2.js Electricity Maps yearly data object → zone → carbon intensity (gCO2eq/kWh). */
export function parseEmYear(data: unknown): Map<string, EmZone> {
  const out = new Map<string, EmZone>();
  if (data === null || typeof data !== "object") return out;
  for (const [zone, rec] of Object.entries(data as Record<string, unknown>)) {
    const r = rec as { zone?: { zoneName?: unknown }; carbonIntensity?: { value?: unknown; unit?: unknown } } | null;
    const value = r?.carbonIntensity?.value;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) continue;
    const unit = r?.carbonIntensity?.unit;
    if (unit !== undefined && unit !== "gCO2eq/kWh") continue;
    const zoneName = r?.zone?.zoneName;
    out.set(zone, typeof zoneName === "string" ? { value, zoneName } : { value });
  }
  return out;
}

export interface GoogleRegionRow {
  readonly cfe?: number;
  readonly grid?: number;
}

/** Google region-carbon-info yearly CSV → region → CFE (fraction 0–1) and grid gCO2e/kWh. */
export function parseGoogle(csv: string): Map<string, GoogleRegionRow> {
  const records = parseCsvRecords(csv, "google region-carbon-info");
  const out = new Map<string, GoogleRegionRow>();
  if (records.length === 0) return out;
  const cols = Object.keys(records[0]!);
  const regionCol = cols.find((c) => /region/i.test(c));
  const cfeCol = cols.find((c) => /cfe/i.test(c));
  const gridCol = cols.find((c) => /carbon intensity/i.test(c));
  if (!regionCol || !cfeCol || !gridCol) throw new Error(`google region-carbon-info: unexpected header ${cols.join(",")}`);
  for (const r of records) {
    const region = (r[regionCol] ?? "").trim();
    if (!region) continue;
    const cfe = parseNumber(r[cfeCol]);
    const grid = parseNumber(r[gridCol]);
    out.set(region, {
      ...(cfe !== undefined && cfe >= 0 && cfe <= 1 ? { cfe } : {}),
      ...(grid !== undefined && grid >= 0 ? { grid } : {}),
    });
  }
  return out;
}

/** CCF constants CSV → GCP per-region trailing-twelve-month PUE and the GCP fleet average. */
export function parseCcfGcpPue(csv: string): { perRegion: Map<string, number>; fleet?: number } {
  const perRegion = new Map<string, number>();
  let fleet: number | undefined;
  for (const r of parseCsvRecords(csv, "derived-ccf-app-constants.csv")) {
    if ((r["cloud"] ?? "").toUpperCase() !== "GCP") continue;
    const value = parseNumber(r["value"]);
    if (value === undefined || value < 1 || value > 3) continue;
    if (r["parameter"] === "PUE_TRAILING_TWELVE_MONTH" && r["key"]) perRegion.set(r["key"].trim(), value);
    if (r["parameter"] === "PUE_AVG") fleet = value;
  }
  return fleet === undefined ? { perRegion } : { perRegion, fleet };
}

/** Drop the compiler's "city not stated by SDK" annotations from a location label. */
export function cleanLocation(location: string): string {
  return location
    .replace(/\s*\(city not stated by SDK\)/g, "")
    .replace(/;\s*city not stated by SDK\)/g, ")")
    .trim();
}

// ---------------------------------------------------------------------------------------------
// The build

export function buildRegionData(inputs: RefreshInputs): BuildResult {
  const warnings: string[] = [];
  const rows = parseCloudRegions(inputs.cloudRegionsCsv);
  const aws = awsCommercialRegions(inputs.partitions);
  const google = parseGoogle(inputs.googleCsv);
  const ccf = parseCcfGcpPue(inputs.ccfConstantsCsv);
  const em = emTables(inputs.electricityMaps.byYear);
  const co2Version = inputs.electricityMaps.packageVersion;

  const rowFor = new Map<string, CloudRegionRow>();
  for (const row of rows) {
    const key = `${row.cloud}:${row.region}`;
    if (rowFor.has(key)) throw new Error(`cloud-regions.csv: duplicate row ${key}`);
    rowFor.set(key, row);
  }

  // The region lists: AWS from the SDK's commercial partition, GCP from the compilation.
  const wanted: { cloud: Cloud; region: string }[] = [
    ...aws.regions.map((region) => ({ cloud: "aws" as const, region })),
    ...rows.filter((r) => r.cloud === "gcp").map((r) => ({ cloud: "gcp" as const, region: r.region })),
  ];
  for (const region of google.keys()) {
    if (!rowFor.has(`gcp:${region}`)) {
      throw new Error(`Google ${GOOGLE_YEAR} data has region ${region}, which cloud-regions.csv lacks: add its location, country and grid zone`);
    }
  }
  for (const region of ccf.perRegion.keys()) {
    if (!rowFor.has(`gcp:${region}`)) warnings.push(`CCF lists a PUE for unknown GCP region ${region}; ignored`);
  }
  if (ccf.fleet === undefined) throw new Error("derived-ccf-app-constants.csv: no GCP PUE_AVG");

  const regions: RegionFacts[] = [];
  for (const { cloud, region } of wanted) {
    const row = rowFor.get(`${cloud}:${region}`);
    if (row === undefined) {
      throw new Error(`cloud-regions.csv lacks ${cloud} region ${region} (listed by the AWS SDK): add its location, country and grid zone`);
    }
    const country = countryInfo(row);
    const gridIntensity = emFigure(row, em, co2Version, warnings);
    const googleFigures = cloud === "gcp" ? googleFor(region, google, warnings) : undefined;
    const pue = pueFor(cloud, region, ccf.perRegion, ccf.fleet);
    regions.push({
      cloud,
      region,
      location: cleanLocation(row.location),
      country: row.country,
      countryCode: country.code,
      continent: country.continent,
      euEea: country.euEea,
      ...(row.gridZone ? { gridZone: row.gridZone } : {}),
      ...(gridIntensity ? { gridIntensity } : {}),
      ...(googleFigures ? { google: googleFigures } : {}),
      pue,
    });
  }
  regions.sort((a, b) => byString(a.cloud, b.cloud) || byString(a.region, b.region));

  const data: RegionDataFile = {
    schemaVersion: 1,
    generated: {
      by: "region-data/refresh (npm run data:refresh)",
      inputs: inputs.inputs,
    },
    sources: sourcesMap(co2Version),
    awsPartitions: aws.partitions,
    regions,
  };
  return { data, warnings };
}

function countryInfo(row: CloudRegionRow): CountryInfo {
  const info = COUNTRIES[row.country];
  if (info === undefined || !Object.prototype.hasOwnProperty.call(COUNTRIES, row.country)) {
    throw new Error(`region ${row.cloud}:${row.region}: country "${row.country}" is not in region-data/refresh/countries.ts`);
  }
  return info;
}

interface EmTables {
  readonly current: Map<string, EmZone>;
  readonly previous: readonly Map<string, EmZone>[];
}

function emTables(byYear: Readonly<Record<number, unknown>>): EmTables {
  const currentData = byYear[EM_YEAR];
  if (currentData === undefined) throw new Error(`Electricity Maps data for ${EM_YEAR} missing`);
  const current = parseEmYear(currentData);
  if (current.size === 0) throw new Error(`Electricity Maps data for ${EM_YEAR} has no zones`);
  const previous: Map<string, EmZone>[] = [];
  for (const y of [EM_YEAR - 1, EM_YEAR - 2]) {
    if (byYear[y] !== undefined) previous.push(parseEmYear(byYear[y]));
  }
  return { current, previous };
}

function emFigure(row: CloudRegionRow, em: EmTables, co2Version: string, warnings: string[]): Figure | undefined {
  const key = `${row.cloud}:${row.region}`;
  if (!row.gridZone) {
    warnings.push(`${key}: no grid zone in cloud-regions.csv, so no grid intensity`);
    return undefined;
  }
  const zone = em.current.get(row.gridZone);
  if (zone === undefined) {
    warnings.push(`${key}: Electricity Maps ${EM_YEAR} has no value for zone ${row.gridZone}; listed without grid intensity`);
    return undefined;
  }
  if (row.emCheckValue !== undefined && row.emCheckValue !== zone.value) {
    warnings.push(`${key}: cloud-regions.csv says ${row.emCheckValue} for ${row.gridZone} ${EM_YEAR}, @tgwf/co2 says ${zone.value}; using @tgwf/co2`);
  }
  const caveats = [`grid-zone average (Electricity Maps zone ${row.gridZone}) applied to region`];
  if (row.zoneMappingSource) caveats.push(`zone mapping: ${row.zoneMappingSource}`);
  if (em.previous.length === 2 && em.previous.every((t) => t.get(row.gridZone!)?.value === zone.value)) {
    caveats.push(`value identical ${EM_YEAR - 2}–${EM_YEAR}: likely a modelled estimate for a data-poor zone`);
  }
  const name = zone.zoneName ? ` (${zone.zoneName})` : "";
  return {
    value: zone.value,
    unit: "gCO2e/kWh",
    source: `Electricity Maps ${EM_YEAR} yearly average, zone ${row.gridZone}${name}, via @tgwf/co2 ${co2Version} (ODbL)`,
    year: EM_YEAR,
    basis: "location-based, lifecycle, yearly average (Electricity Maps)",
    estimate: caveats.join("; "),
  };
}

const GOOGLE_SOURCE = `Google Cloud region carbon info ${GOOGLE_YEAR} (${UPSTREAM.google.repo}@${UPSTREAM.google.commit.slice(0, 7)}, Apache-2.0)`;

function googleFor(region: string, google: Map<string, GoogleRegionRow>, warnings: string[]): GoogleRegionFigures | undefined {
  const row = google.get(region);
  if (row === undefined) {
    warnings.push(`gcp:${region}: no Google ${GOOGLE_YEAR} carbon data; listed without google figures`);
    return undefined;
  }
  const out: { cfePercent?: Figure; gridIntensity?: Figure } = {};
  if (row.cfe !== undefined) {
    out.cfePercent = {
      value: Math.round(row.cfe * 10000) / 100,
      unit: "%",
      source: GOOGLE_SOURCE,
      year: GOOGLE_YEAR,
      basis: "Google CFE%: hourly-matched share of carbon-free energy Google consumed in the region, including Google's clean-energy purchases",
    };
  }
  if (row.grid !== undefined) {
    out.gridIntensity = {
      value: row.grid,
      unit: "gCO2e/kWh",
      source: GOOGLE_SOURCE,
      year: GOOGLE_YEAR,
      basis: "location-based, operational/direct (Google)",
    };
  }
  return out.cfePercent || out.gridIntensity ? out : undefined;
}

function pueFor(cloud: Cloud, region: string, ccfPerRegion: Map<string, number>, gcpFleet: number): Figure {
  if (cloud === "aws") return { ...FLEET_PUE.aws };
  const perRegion = ccfPerRegion.get(region);
  if (perRegion !== undefined) return { ...CCF_REGION_PUE, value: perRegion };
  return { ...FLEET_PUE.gcp, value: gcpFleet };
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
