/** `carbonguard regions`: the region table the clean-region policy decides on, with sources. */
import { type RegionFacts, REGION_DATA_INFO, allRegions } from "../data/regions";
import { CLOUDS, type Cloud } from "../data/types";
import { cite } from "../engine/format";
import { type ParsedArgs, UsageError, single } from "./args";

export const REGIONS_USAGE = `carbonguard regions [--cloud aws|gcp] [--max <gCO2e/kWh>] [--json]

Lists every AWS commercial and GCP region with its grid carbon intensity (Electricity Maps 2025,
location-based lifecycle yearly average, one basis for both clouds), Google's CFE% for GCP,
and PUE, cleanest first. Regions above --max (default 150, the policy's default) are marked.`;

export function regionsCommand(args: ParsedArgs, out: (s: string) => void): number {
  const cloudArg = single(args, "cloud");
  if (cloudArg !== undefined && !(CLOUDS as readonly string[]).includes(cloudArg)) throw new UsageError(`--cloud must be aws or gcp, got '${cloudArg}'`);
  const maxArg = single(args, "max");
  const max = maxArg === undefined ? 150 : Number(maxArg);
  if (!Number.isFinite(max) || max < 0) throw new UsageError(`--max must be a number of gCO2e/kWh`);
  const regions = [...allRegions(cloudArg as Cloud | undefined)].sort(byIntensity);

  if (args.flags.has("json")) {
    out(JSON.stringify({ schemaVersion: 1, maxGridIntensity: max, sources: REGION_DATA_INFO.sources, regions }, null, 2));
    return 0;
  }
  const rows = regions.map((r) => [
    r.cloud,
    r.region,
    r.location,
    r.gridIntensity ? String(Math.round(r.gridIntensity.value)) : "no data",
    r.gridIntensity ? (r.gridIntensity.value <= max ? "ok" : "over") : "?",
    r.google?.cfePercent ? `${Math.round(r.google.cfePercent.value)}%` : "",
    r.pue.value.toFixed(2) + (r.pue.estimate ? "*" : ""),
  ]);
  out(table(["cloud", "region", "location", "gCO2e/kWh", `≤${max}`, "Google CFE", "PUE"], rows));
  const sample = regions.find((r) => r.gridIntensity)?.gridIntensity;
  const cfe = regions.find((r) => r.google?.cfePercent)?.google?.cfePercent;
  out("");
  if (sample) out(`gCO2e/kWh: ${cite(sample)}; ${sample.basis}.`);
  if (cfe) out(`Google CFE: ${cite(cfe)}; ${cfe.basis} (shown for reference; a different basis).`);
  out("PUE: provider per-region figure where published, else the provider's fleet value (marked *).");
  out(`${regions.filter((r) => r.gridIntensity && r.gridIntensity.value <= max).length} of ${regions.length} regions are at or below ${max} gCO2e/kWh.`);
  return 0;
}

function byIntensity(a: RegionFacts, b: RegionFacts): number {
  const ga = a.gridIntensity?.value ?? Number.POSITIVE_INFINITY;
  const gb = b.gridIntensity?.value ?? Number.POSITIVE_INFINITY;
  return ga - gb || a.cloud.localeCompare(b.cloud) || a.region.localeCompare(b.region);
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
