/**
 * The committed region-data/regions.json: its invariants (always), and that it equals a fresh
 * build from the shared inputs (only where ../shared exists: a user's clone lacks it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

import type { RegionDataFile } from "../../src/data/regions";
import type { Figure } from "../../src/data/types";
import { packageRoot } from "../../src/util/package-root";
import { buildRegionData } from "../../region-data/refresh/build";
import { readRefreshInputs, sharedDataAvailable, sharedDir } from "../../region-data/refresh/io";
import { serializeRegionData } from "../../region-data/refresh/serialize";

const root = packageRoot();
const file = path.join(root, "region-data", "regions.json");
const text = fs.readFileSync(file, "utf8");
const data = JSON.parse(text) as RegionDataFile;

const CONTINENTS = ["africa", "asia", "europe", "middle-east", "north-america", "oceania", "south-america"];

function figuresOf(r: RegionDataFile["regions"][number]): [string, Figure][] {
  const out: [string, Figure][] = [["pue", r.pue]];
  if (r.gridIntensity) out.push(["gridIntensity", r.gridIntensity]);
  if (r.google?.cfePercent) out.push(["google.cfePercent", r.google.cfePercent]);
  if (r.google?.gridIntensity) out.push(["google.gridIntensity", r.google.gridIntensity]);
  return out;
}

describe("committed region-data/regions.json", () => {
  it("is in canonical form (what the refresh writes), with a trailing newline", () => {
    expect(serializeRegionData(data)).toBe(text);
  });

  it("has 36 AWS and 45 GCP regions, unique and sorted", () => {
    expect(data.regions.filter((r) => r.cloud === "aws")).toHaveLength(36);
    expect(data.regions.filter((r) => r.cloud === "gcp")).toHaveLength(45);
    const keys = data.regions.map((r) => `${r.cloud}:${r.region}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual([...keys].sort());
  });

  it("gives every region a location, country, ISO code, continent and EU/EEA flag", () => {
    for (const r of data.regions) {
      expect(r.location, r.region).not.toBe("");
      expect(r.country, r.region).not.toBe("");
      expect(r.countryCode, r.region).toMatch(/^[A-Z]{2}$/);
      expect(CONTINENTS, r.region).toContain(r.continent);
      expect(typeof r.euEea, r.region).toBe("boolean");
      if (r.euEea) expect(r.continent, r.region).toBe("europe");
    }
  });

  it("every figure has a value, unit, non-empty source and basis, and a plausible year", () => {
    for (const r of data.regions) {
      for (const [name, f] of figuresOf(r)) {
        const where = `${r.cloud}:${r.region} ${name}`;
        expect(Number.isFinite(f.value), where).toBe(true);
        expect(f.unit, where).not.toBe("");
        expect(f.source.trim(), where).not.toBe("");
        expect(f.basis.trim(), where).not.toBe("");
        expect(Number.isInteger(f.year) && f.year >= 2019 && f.year <= 2026, where).toBe(true);
        if (f.estimate !== undefined) expect(f.estimate.trim(), where).not.toBe("");
      }
    }
  });

  it("grid intensity is on one basis for both clouds: Electricity Maps 2025 lifecycle, gCO2e/kWh, within 0–1,200", () => {
    const withIntensity = data.regions.filter((r) => r.gridIntensity);
    const bases = new Set(withIntensity.map((r) => r.gridIntensity!.basis));
    expect(bases.size).toBe(1);
    for (const r of withIntensity) {
      const g = r.gridIntensity!;
      expect(g.year).toBe(2025);
      expect(g.unit).toBe("gCO2e/kWh");
      expect(g.source).toMatch(/Electricity Maps/);
      expect(g.source).toContain(r.gridZone!);
      expect(g.value).toBeGreaterThanOrEqual(0);
      expect(g.value).toBeLessThanOrEqual(1200);
    }
    // No number without a zone to stand behind it.
    for (const r of data.regions) if (!r.gridZone) expect(r.gridIntensity).toBeUndefined();
  });

  it("Google figures are GCP only, 2024, on Google's basis; CFE within 0–100 %", () => {
    for (const r of data.regions) {
      if (r.cloud === "aws") expect(r.google).toBeUndefined();
      if (r.google?.cfePercent) {
        expect(r.google.cfePercent.year).toBe(2024);
        expect(r.google.cfePercent.value).toBeGreaterThanOrEqual(0);
        expect(r.google.cfePercent.value).toBeLessThanOrEqual(100);
      }
      if (r.google?.gridIntensity) expect(r.google.gridIntensity.basis).toBe("location-based, operational/direct (Google)");
    }
    expect(data.regions.filter((r) => r.google?.cfePercent)).toHaveLength(44);
  });

  it("PUE is between 1 and 2 everywhere", () => {
    for (const r of data.regions) {
      expect(r.pue.unit).toBe("ratio");
      expect(r.pue.value).toBeGreaterThanOrEqual(1);
      expect(r.pue.value).toBeLessThan(2);
    }
  });

  it("carries sources (licences) and input versions, but no wall-clock timestamp", () => {
    for (const s of Object.values(data.sources)) {
      expect(s.title).not.toBe("");
      expect(s.licence).not.toBe("");
      expect(s.version).not.toBe("");
    }
    for (const i of Object.values(data.generated.inputs)) expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it("ships its licence notes beside it", () => {
    expect(fs.readFileSync(path.join(root, "region-data", "LICENSE-DATA.md"), "utf8")).toMatch(/ODbL/);
    expect(fs.readFileSync(path.join(root, "region-data", "SOURCES.md"), "utf8")).toMatch(/Electricity Maps/);
  });
});

const shared = sharedDir(root);

describe.skipIf(!sharedDataAvailable(shared))("regions.json vs a fresh build from ../shared", () => {
  it("equals what the refresh builds now (run `npm run data:refresh` if this fails)", () => {
    const { inputs } = readRefreshInputs(root, shared);
    const fresh = serializeRegionData(buildRegionData(inputs).data);
    expect(fresh).toBe(text);
  });
});
