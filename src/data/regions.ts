/**
 * Region facts: location, residency, grid intensity, Google CFE and PUE for every AWS commercial
 * and GCP region, read from the committed `region-data/regions.json` (built by
 * `npm run data:refresh`; sources and licences in `region-data/SOURCES.md` and `LICENSE-DATA.md`).
 *
 * The file is read lazily on first use and cached, so importing this module costs nothing at
 * `pulumi preview` start-up. No function here throws on any string input; they throw only if the
 * data file itself is missing or malformed (a broken install).
 */
import * as path from "node:path";

import { DataFileError, deepFreeze, lazyDataFile } from "./load";
import { CLOUDS, type Cloud, type Continent, type Figure } from "./types";

export interface GoogleRegionFigures {
  /** Google CFE% (hourly carbon-free energy share incl. Google's purchases), Google's own data. */
  readonly cfePercent?: Figure;
  /** Google's grid figure: location-based, operational/direct. NOT comparable with `gridIntensity`. */
  readonly gridIntensity?: Figure;
}

export interface RegionFacts {
  readonly cloud: Cloud;
  /** Region id, e.g. "eu-north-1", "europe-north1". */
  readonly region: string;
  /** City or area, e.g. "Stockholm". */
  readonly location: string;
  /** Country name in English, e.g. "Sweden". */
  readonly country: string;
  /** ISO 3166-1 alpha-2, e.g. "SE". */
  readonly countryCode?: string;
  readonly continent: Continent;
  /** The country is an EU or EEA member (EU27 + Iceland, Liechtenstein, Norway). */
  readonly euEea: boolean;
  /** Electricity Maps zone id. */
  readonly gridZone?: string;
  /** gCO2e/kWh, Electricity Maps 2025 yearly lifecycle average of the zone: THE basis for comparisons. Absent = no data. */
  readonly gridIntensity?: Figure;
  /** GCP only: Google's own figures, on a different basis; for display and `minCfePercent`. */
  readonly google?: GoogleRegionFigures;
  readonly pue: Figure;
}

export interface RegionDataSource {
  readonly title: string;
  readonly licence: string;
  readonly version: string;
  /** The year the source's figures describe (absent for sources that hold no figures, e.g. region lists). */
  readonly year?: number;
  readonly url?: string;
  readonly attribution?: string;
}

export interface RegionDataInputInfo {
  readonly path: string;
  readonly version: string;
  readonly sha256: string;
}

/** The shape of `region-data/regions.json`. */
export interface RegionDataFile {
  readonly schemaVersion: 1;
  /** What the file was built from. No wall-clock timestamp: a refresh with the same inputs yields no diff. */
  readonly generated: {
    readonly by: string;
    readonly inputs: Readonly<Record<string, RegionDataInputInfo>>;
  };
  readonly sources: Readonly<Record<string, RegionDataSource>>;
  /** AWS SDK partitions (id + region regex), used to recognise AWS region names we hold no facts for. */
  readonly awsPartitions: readonly { readonly id: string; readonly regionRegex: string }[];
  /** Sorted by cloud, then region id. */
  readonly regions: readonly RegionFacts[];
}

/** Relative path of the data file inside the package. */
export const REGION_DATA_PATH = path.join("region-data", "regions.json");

interface Loaded {
  readonly file: RegionDataFile;
  readonly byCloud: ReadonlyMap<Cloud, ReadonlyMap<string, RegionFacts>>;
  readonly listByCloud: ReadonlyMap<Cloud, readonly RegionFacts[]>;
  readonly all: readonly RegionFacts[];
  /** AWS AZ-id prefix ("use1") → region ("us-east-1"). */
  readonly awsAzIdPrefix: ReadonlyMap<string, string>;
  readonly awsPartitionPatterns: readonly RegExp[];
  /** First segments of known GCP region ids ("us", "europe", "northamerica", ...). */
  readonly gcpAreas: ReadonlySet<string>;
}

const load = lazyDataFile(REGION_DATA_PATH, "region data", index);

function index(parsed: unknown, file: string): Loaded {
  const data = parsed as Partial<RegionDataFile> | null;
  if (data === null || typeof data !== "object" || !Array.isArray(data.regions) || data.schemaVersion !== 1) {
    throw new DataFileError(file, "is not valid region data (expected schemaVersion 1 with a regions array)");
  }
  const byCloud = new Map<Cloud, Map<string, RegionFacts>>(CLOUDS.map((c) => [c, new Map()]));
  const all: RegionFacts[] = [];
  for (const r of data.regions as unknown[]) {
    const facts = r as RegionFacts;
    if (facts === null || typeof facts !== "object" || typeof facts.region !== "string") continue;
    const map = byCloud.get(facts.cloud);
    if (map === undefined) continue;
    deepFreeze(facts);
    map.set(facts.region, facts);
    all.push(facts);
  }
  // A file whose rows all failed the checks above holds no facts: every region would read "no data".
  if (all.length === 0) throw new DataFileError(file, "holds no valid region rows");
  const listByCloud = new Map<Cloud, readonly RegionFacts[]>(
    CLOUDS.map((c) => [c, Object.freeze(all.filter((r) => r.cloud === c))]),
  );

  const awsAzIdPrefix = new Map<string, string>();
  const ambiguous = new Set<string>();
  for (const region of byCloud.get("aws")?.keys() ?? []) {
    const prefix = awsAzIdPrefixOf(region);
    if (prefix === undefined) continue;
    if (awsAzIdPrefix.has(prefix)) ambiguous.add(prefix);
    awsAzIdPrefix.set(prefix, region);
  }
  for (const p of ambiguous) awsAzIdPrefix.delete(p);

  const awsPartitionPatterns: RegExp[] = [];
  for (const p of Array.isArray(data.awsPartitions) ? data.awsPartitions : []) {
    try {
      if (typeof p?.regionRegex === "string") awsPartitionPatterns.push(new RegExp(p.regionRegex));
    } catch {
      // An unparsable pattern only weakens the guess in cloudOfRegion.
    }
  }

  const gcpAreas = new Set<string>();
  for (const region of byCloud.get("gcp")?.keys() ?? []) {
    const area = region.split("-")[0];
    if (area) gcpAreas.add(area);
  }

  return {
    file: deepFreeze(data as RegionDataFile),
    byCloud,
    listByCloud,
    all: Object.freeze(all),
    awsAzIdPrefix,
    awsPartitionPatterns,
    gcpAreas,
  };
}

const DIRECTION_ABBREVIATION: Readonly<Record<string, string>> = {
  north: "n",
  south: "s",
  east: "e",
  west: "w",
  central: "c",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
};

/** "us-east-1" → "use1", "ap-southeast-2" → "apse2", "eu-north-1" → "eun1" (AWS AZ-id prefixes). */
function awsAzIdPrefixOf(region: string): string | undefined {
  const m = /^([a-z]{2})-([a-z]+)-(\d+)$/.exec(region);
  if (m === null) return undefined;
  const direction = DIRECTION_ABBREVIATION[m[2] ?? ""];
  return direction === undefined ? undefined : `${m[1]}${direction}${m[3]}`;
}

function isCloud(value: unknown): value is Cloud {
  return typeof value === "string" && (CLOUDS as readonly string[]).includes(value);
}

/** Longest string we try to interpret; region and zone ids are far shorter. */
const MAX_INPUT_LENGTH = 128;

function normalise(input: unknown): string | undefined {
  if (typeof input !== "string" || input.length > MAX_INPUT_LENGTH) return undefined;
  const s = input.trim().toLowerCase();
  return s === "" ? undefined : s;
}

function resolveNormalised(data: Loaded, cloud: Cloud, s: string): string | undefined {
  const known = data.byCloud.get(cloud);
  if (known === undefined) return undefined;
  if (known.has(s)) return s;
  if (cloud === "aws") {
    // Availability Zone name: region + one letter ("eu-north-1a"). Local Zones
    // ("us-east-1-bos-1a") and Wavelength Zones are elsewhere on another grid: not resolved.
    const az = /^([a-z0-9-]+-\d+)[a-z]$/.exec(s);
    if (az?.[1] !== undefined && known.has(az[1])) return az[1];
    // Availability Zone id ("use1-az4").
    const azId = /^([a-z]+\d+)-az\d+$/.exec(s);
    if (azId?.[1] !== undefined) return data.awsAzIdPrefix.get(azId[1]);
    return undefined;
  }
  // GCP zone: region + "-" + zone suffix ("us-central1-a", "us-central1-ai1a").
  const zone = /^([a-z]+-[a-z]+\d+)-[a-z0-9]+$/.exec(s);
  if (zone?.[1] !== undefined && known.has(zone[1])) return zone[1];
  return undefined;
}

/** Facts for a region (or for the region of a zone), or undefined when the region is unknown. */
export function regionFacts(cloud: Cloud, region: string): RegionFacts | undefined {
  if (!isCloud(cloud)) return undefined;
  const s = normalise(region);
  if (s === undefined) return undefined;
  const data = load();
  const resolved = resolveNormalised(data, cloud, s);
  return resolved === undefined ? undefined : data.byCloud.get(cloud)?.get(resolved);
}

/** Every region we hold facts for, sorted by cloud then region id; only `cloud`'s when given. */
export function allRegions(cloud?: Cloud): readonly RegionFacts[] {
  const data = load();
  if (cloud === undefined) return data.all;
  return data.listByCloud.get(cloud) ?? [];
}

/** "us-central1-a" → "us-central1"; "eu-north-1a" → "eu-north-1"; a known region → itself; else undefined. */
export function resolveRegion(cloud: Cloud, zoneOrRegion: string): string | undefined {
  if (!isCloud(cloud)) return undefined;
  const s = normalise(zoneOrRegion);
  if (s === undefined) return undefined;
  return resolveNormalised(load(), cloud, s);
}

/**
 * Guess the cloud of a bare region/zone string, or undefined.
 * Known regions and their zones first; then the shapes of region names we hold no facts for
 * (other AWS partitions such as GovCloud or China, new regions), so the caller can report
 * "no data" for the right cloud.
 */
export function cloudOfRegion(zoneOrRegion: string): Cloud | undefined {
  const s = normalise(zoneOrRegion);
  if (s === undefined) return undefined;
  const data = load();
  for (const cloud of CLOUDS) {
    if (resolveNormalised(data, cloud, s) !== undefined) return cloud;
  }
  // AWS: any partition's region, its AZ ("...-1a"), or a Local/Wavelength Zone of a known region.
  const awsBase = /^(.*-\d+)[a-z]$/.exec(s)?.[1] ?? s;
  if (data.awsPartitionPatterns.some((re) => re.test(awsBase))) return "aws";
  for (const region of data.byCloud.get("aws")?.keys() ?? []) {
    if (s.startsWith(`${region}-`)) return "aws";
  }
  // GCP: "<area>-<direction><n>" with an area GCP uses, optionally a zone suffix.
  const gcp = /^([a-z]+)-[a-z]+\d+(?:-[a-z0-9]+)?$/.exec(s);
  if (gcp?.[1] !== undefined && data.gcpAreas.has(gcp[1])) return "gcp";
  return undefined;
}

/** Provenance of the region data (titles, licences and versions of its sources), read lazily. */
export const REGION_DATA_INFO: {
  readonly sources: Readonly<Record<string, RegionDataSource>>;
} = {
  get sources() {
    return load().file.sources;
  },
};
