import { describe, expect, it } from "vitest";

import {
  awsCommercialRegions,
  buildRegionData,
  cleanLocation,
  parseCcfGcpPue,
  parseGoogle,
  type RefreshInputs,
} from "../../region-data/refresh/build";
import { parseCsv, parseCsvRecords } from "../../region-data/refresh/csv";
import { serializeRegionData } from "../../region-data/refresh/serialize";

// Small inline inputs in the shapes of the real files (no ../shared).

const CLOUD_REGIONS = [
  "cloud,region,location,country,grid_zone,gco2e_per_kwh,cfe_percent,year,source,basis,estimate,em_zone_2025_lifecycle_gco2e_per_kwh,em_zone_2024_lifecycle_gco2e_per_kwh,zone_mapping_source,notes",
  "aws,eu-north-1,Stockholm,Sweden,SE-SE3,20,,2025,EM,lifecycle,yes,20,21,CCF,",
  'aws,me-central-1,UAE (city not stated by SDK),United Arab Emirates,XX-NODATA,348,,2025,EM,lifecycle,yes,,,"compiler (country zone)",',
  "aws,us-gov-west-1,GovCloud US-West (Oregon),United States,US-NW-BPAT,129,,2025,EM,lifecycle,yes,129,109,RTC,partition aws-us-gov",
  'gcp,us-central1,"Council Bluffs, Iowa",United States,US-MIDW-MISO,412.72,87,2024,Google,direct,no,501,487,RTC,',
  "gcp,asia-southeast3,Bangkok,Thailand,TH,485,,2025,EM,lifecycle,yes,485,490,compiler,no Google data",
  "gcp,me-central1,Doha,Qatar,QA,366,1,2024,Google,direct,no,490,490,compiler,",
  "azure,eastus,Virginia,United States,US-MIDA-PJM,418,,2025,EM,lifecycle,yes,418,403,RTC,",
].join("\n");

const PARTITIONS = {
  partitions: [
    {
      id: "aws",
      regionRegex: "^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$",
      regions: { "aws-global": {}, "me-central-1": {}, "eu-north-1": {} },
    },
    { id: "aws-us-gov", regionRegex: "^us\\-gov\\-\\w+\\-\\d+$", regions: { "us-gov-west-1": {} } },
  ],
  version: "1.1",
};

const GOOGLE = [
  "Google Cloud Region,Location,Google CFE,Grid carbon intensity (gCO2eq / kWh)",
  "us-central1,Iowa,0.87,412.72",
  "me-central1,Doha,0.01,366",
].join("\r\n");

const CCF = [
  "cloud,parameter,key,kind,value,unit",
  "AWS,PUE_AVG,,,1.135,ratio",
  "GCP,PUE_AVG,,,1.1,ratio",
  "GCP,PUE_TRAILING_TWELVE_MONTH,us-central1,,1.11,ratio",
].join("\n");

const em = (zones: Record<string, number>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(zones).map(([z, v]) => [z, { zone: { zoneName: `Zone ${z}` }, carbonIntensity: { value: v, unit: "gCO2eq/kWh" } }]),
  );

function inputs(overrides: Partial<RefreshInputs> = {}): RefreshInputs {
  return {
    cloudRegionsCsv: CLOUD_REGIONS,
    partitions: PARTITIONS,
    googleCsv: GOOGLE,
    ccfConstantsCsv: CCF,
    electricityMaps: {
      packageVersion: "0.19.0",
      byYear: {
        2025: em({ "SE-SE3": 20, "US-MIDW-MISO": 501, TH: 485, QA: 490, "US-NW-BPAT": 129 }),
        2024: em({ "SE-SE3": 21, "US-MIDW-MISO": 487, TH: 490, QA: 490 }),
        2023: em({ "SE-SE3": 23, "US-MIDW-MISO": 503, TH: 485, QA: 490 }),
      },
    },
    inputs: { "cloud-regions": { path: "data/carbon/cloud-regions.csv", version: "test", sha256: "0".repeat(64) } },
    ...overrides,
  };
}

describe("csv", () => {
  it("reads quoted fields with commas and doubled quotes, CRLF, and a BOM", () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n1,\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["1", ""],
    ]);
  });

  it("keeps a newline inside a quoted field", () => {
    expect(parseCsv('a\n"line1\nline2"\n')).toEqual([["a"], ["line1\nline2"]]);
  });

  it("rejects ragged rows and unterminated quotes", () => {
    expect(() => parseCsvRecords("a,b\n1,2,3\n")).toThrow(/3 fields/);
    expect(() => parseCsv('a\n"open')).toThrow(/unterminated/);
  });
});

describe("input parsers", () => {
  it("takes the commercial AWS regions by the partition's own regex (drops aws-global), sorted", () => {
    const r = awsCommercialRegions(PARTITIONS);
    expect(r.regions).toEqual(["eu-north-1", "me-central-1"]);
    expect(r.partitions.map((p) => p.id)).toEqual(["aws", "aws-us-gov"]);
    expect(() => awsCommercialRegions({ partitions: [] })).toThrow(/"aws" partition/);
  });

  it("reads Google CFE as a fraction and the grid figure, whatever the header's exact wording", () => {
    const g = parseGoogle(GOOGLE);
    expect(g.get("us-central1")).toEqual({ cfe: 0.87, grid: 412.72 });
    expect(parseGoogle("Google Cloud Region,Location,Google CFE,Grid carbon intensity (gCO2eq / kWh)\nx,y,,\n").get("x")).toEqual({});
  });

  it("reads GCP PUE per region and the fleet average from CCF, ignoring AWS rows", () => {
    const p = parseCcfGcpPue(CCF);
    expect(p.fleet).toBe(1.1);
    expect([...p.perRegion]).toEqual([["us-central1", 1.11]]);
  });

  it("strips the compiler's 'city not stated' notes from locations", () => {
    expect(cleanLocation("UAE (city not stated by SDK)")).toBe("UAE");
    expect(cleanLocation("Spain (Aragon; city not stated by SDK)")).toBe("Spain (Aragon)");
    expect(cleanLocation("Ireland (Dublin)")).toBe("Ireland (Dublin)");
  });
});

describe("buildRegionData", () => {
  const { data, warnings } = buildRegionData(inputs());
  const get = (cloud: string, region: string) => data.regions.find((r) => r.cloud === cloud && r.region === region);

  it("lists the AWS partition's regions and the GCP rows; not GovCloud, not Azure", () => {
    expect(data.regions.map((r) => `${r.cloud}:${r.region}`)).toEqual([
      "aws:eu-north-1",
      "aws:me-central-1",
      "gcp:asia-southeast3",
      "gcp:me-central1",
      "gcp:us-central1",
    ]);
  });

  it("gives grid intensity from the EM zone value, sourced and dated, as a zone proxy", () => {
    expect(get("aws", "eu-north-1")?.gridIntensity).toMatchObject({
      value: 20,
      unit: "gCO2e/kWh",
      year: 2025,
      basis: "location-based, lifecycle, yearly average (Electricity Maps)",
    });
    expect(get("aws", "eu-north-1")?.gridIntensity?.source).toMatch(/Electricity Maps 2025.*SE-SE3.*@tgwf\/co2 0\.19\.0/);
    expect(get("aws", "eu-north-1")?.gridIntensity?.estimate).toMatch(/grid-zone average.*zone mapping: CCF/);
  });

  it("lists a region whose zone has no EM value without any intensity, and warns", () => {
    const r = get("aws", "me-central-1");
    expect(r).toBeDefined();
    expect(r?.gridZone).toBe("XX-NODATA");
    expect(r).not.toHaveProperty("gridIntensity");
    expect(warnings.some((w) => /me-central-1.*XX-NODATA/.test(w))).toBe(true);
  });

  it("marks a zone whose value never changes over three years as likely modelled", () => {
    expect(get("gcp", "me-central1")?.gridIntensity?.estimate).toMatch(/likely a modelled estimate/);
    expect(get("gcp", "us-central1")?.gridIntensity?.estimate).not.toMatch(/modelled/);
  });

  it("adds Google's CFE% and grid figure for GCP on their own basis", () => {
    const g = get("gcp", "us-central1")?.google;
    expect(g?.cfePercent).toMatchObject({ value: 87, unit: "%", year: 2024 });
    expect(g?.gridIntensity).toMatchObject({ value: 412.72, basis: "location-based, operational/direct (Google)" });
    expect(get("gcp", "asia-southeast3")).not.toHaveProperty("google");
    expect(get("aws", "eu-north-1")).not.toHaveProperty("google");
  });

  it("uses CCF's per-region GCP PUE, else the GCP fleet value, and AWS's 2024 fleet value", () => {
    expect(get("gcp", "us-central1")?.pue.value).toBe(1.11);
    expect(get("gcp", "me-central1")?.pue).toMatchObject({ value: 1.1 });
    expect(get("gcp", "me-central1")?.pue.estimate).toMatch(/fleet/);
    expect(get("aws", "eu-north-1")?.pue).toMatchObject({ value: 1.15, year: 2024 });
  });

  it("derives country code, continent and EU/EEA membership", () => {
    expect(get("aws", "eu-north-1")).toMatchObject({ countryCode: "SE", continent: "europe", euEea: true });
    expect(get("aws", "me-central-1")).toMatchObject({ countryCode: "AE", continent: "middle-east", euEea: false, location: "UAE" });
    expect(get("gcp", "us-central1")).toMatchObject({ location: "Council Bluffs, Iowa", continent: "north-america" });
  });

  it("records sources and input versions, never a timestamp", () => {
    expect(data.sources["electricity-maps"]?.licence).toMatch(/ODbL/);
    expect(data.generated.inputs["cloud-regions"]?.version).toBe("test");
    expect(serializeRegionData(data)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });

  it("warns when the compilation's copy of the EM value disagrees with the package", () => {
    const csv = CLOUD_REGIONS.replace("SE-SE3,20,,2025,EM,lifecycle,yes,20,", "SE-SE3,20,,2025,EM,lifecycle,yes,19,");
    const r = buildRegionData(inputs({ cloudRegionsCsv: csv }));
    expect(r.warnings.some((w) => /eu-north-1.*19.*20/.test(w))).toBe(true);
    expect(r.data.regions.find((x) => x.region === "eu-north-1")?.gridIntensity?.value).toBe(20);
  });

  it("fails loudly when the compilation lacks an AWS region, Google has an unknown region, or a country is unknown", () => {
    const withoutStockholm = CLOUD_REGIONS.split("\n").filter((l) => !l.startsWith("aws,eu-north-1")).join("\n");
    expect(() => buildRegionData(inputs({ cloudRegionsCsv: withoutStockholm }))).toThrow(/lacks aws region eu-north-1/);
    expect(() => buildRegionData(inputs({ googleCsv: `${GOOGLE}\r\nus-nowhere1,X,0.5,100` }))).toThrow(/us-nowhere1/);
    const atlantis = CLOUD_REGIONS.replace("Bangkok,Thailand", "Bangkok,Atlantis");
    expect(() => buildRegionData(inputs({ cloudRegionsCsv: atlantis }))).toThrow(/Atlantis/);
    expect(() => buildRegionData(inputs({ electricityMaps: { packageVersion: "x", byYear: {} } }))).toThrow(/2025/);
  });
});

describe("serializeRegionData", () => {
  it("is deterministic: same bytes whatever the key insertion order, trailing newline, no undefined", () => {
    const a = serializeRegionData({ regions: [{ region: "r", cloud: "aws", pue: { unit: "ratio", value: 1.1 } }], schemaVersion: 1, extra: undefined });
    const b = serializeRegionData({ schemaVersion: 1, regions: [{ cloud: "aws", pue: { value: 1.1, unit: "ratio" }, region: "r" }] });
    expect(a).toBe(b);
    expect(a.endsWith("}\n")).toBe(true);
    expect(a).not.toMatch(/extra/);
    expect(a.indexOf('"cloud"')).toBeLessThan(a.indexOf('"region": "r"'));
    expect(a.indexOf('"value"')).toBeLessThan(a.indexOf('"unit"'));
  });

  it("building twice from the same inputs gives identical text", () => {
    expect(serializeRegionData(buildRegionData(inputs()).data)).toBe(serializeRegionData(buildRegionData(inputs()).data));
  });

  it("refuses non-finite numbers", () => {
    expect(() => serializeRegionData({ value: Number.NaN })).toThrow(/non-finite/);
  });
});
