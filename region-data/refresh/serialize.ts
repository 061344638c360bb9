/**
 * Deterministic JSON for regions.json: keys in a fixed order (a preferred order for the keys
 * people read first, then alphabetical), undefined members dropped, two-space indent, trailing
 * newline. The same value always serialises to the same bytes, whatever order its keys were
 * inserted in.
 */

const KEY_ORDER: readonly string[] = [
  // file
  "schemaVersion",
  "generated",
  "sources",
  "awsPartitions",
  "regions",
  // region
  "cloud",
  "region",
  "location",
  "country",
  "countryCode",
  "continent",
  "euEea",
  "gridZone",
  "cfePercent",
  "gridIntensity",
  "google",
  "pue",
  // figure
  "value",
  "unit",
  "year",
  "source",
  "basis",
  "estimate",
  // sources / inputs
  "id",
  "title",
  "path",
  "licence",
  "version",
  "sha256",
];

const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a);
  const rb = RANK.get(b);
  if (ra !== undefined && rb !== undefined) return ra - rb;
  if (ra !== undefined) return -1;
  if (rb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareKeys)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new Error(`serialize: non-finite number ${value}`);
  }
  return value;
}

export function serializeRegionData(value: unknown): string {
  return `${JSON.stringify(canonical(value), null, 2)}\n`;
}
