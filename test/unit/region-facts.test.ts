import { describe, expect, it } from "vitest";

import {
  REGION_DATA_INFO,
  allRegions,
  cloudOfRegion,
  regionFacts,
  resolveRegion,
} from "../../src/data/regions";

/** The 36 regions of the AWS SDK's commercial `aws` partition (@aws-sdk/core 3.981.0). */
const AWS_COMMERCIAL = [
  "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
  "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
  "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
  "il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1", "sa-east-1", "sa-west-1",
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];

describe("regionFacts: grid intensity on the Electricity Maps 2025 lifecycle basis", () => {
  it("us-east-1 is the PJM zone value, 418 g, from Electricity Maps 2025", () => {
    const f = regionFacts("aws", "us-east-1");
    expect(f?.gridZone).toBe("US-MIDA-PJM");
    expect(f?.gridIntensity?.value).toBe(418);
    expect(f?.gridIntensity?.unit).toBe("gCO2e/kWh");
    expect(f?.gridIntensity?.year).toBe(2025);
    expect(f?.gridIntensity?.source).toMatch(/Electricity Maps/);
    expect(f?.gridIntensity?.basis).toMatch(/lifecycle/);
    // AWS publishes no per-region figure: the zone average is a proxy and says so.
    expect(f?.gridIntensity?.estimate).toMatch(/grid-zone average/);
  });

  it("eu-north-1 is about 20 g (SE-SE3), roughly 21× cleaner than us-east-1", () => {
    const f = regionFacts("aws", "eu-north-1");
    expect(f?.gridZone).toBe("SE-SE3");
    expect(f?.gridIntensity?.value).toBe(20);
    const ratio = regionFacts("aws", "us-east-1")!.gridIntensity!.value / f!.gridIntensity!.value;
    expect(ratio).toBeCloseTo(20.9, 1);
  });

  it("GCP regions use the same basis as AWS: us-east4 and us-east-1 share PJM's value", () => {
    const gcp = regionFacts("gcp", "us-east4");
    expect(gcp?.gridIntensity?.value).toBe(regionFacts("aws", "us-east-1")?.gridIntensity?.value);
    expect(gcp?.gridIntensity?.basis).toBe(regionFacts("aws", "us-east-1")?.gridIntensity?.basis);
  });

  it("us-central1: EM MISO 501 g for comparisons; Google's own 412.72 g kept apart on its own basis", () => {
    const f = regionFacts("gcp", "us-central1");
    expect(f?.gridIntensity?.value).toBe(501);
    expect(f?.google?.gridIntensity?.value).toBe(412.72);
    expect(f?.google?.gridIntensity?.year).toBe(2024);
    expect(f?.google?.gridIntensity?.basis).toBe("location-based, operational/direct (Google)");
    expect(f?.google?.gridIntensity?.basis).not.toBe(f?.gridIntensity?.basis);
    expect(f?.google?.cfePercent?.value).toBe(87);
  });

  it("flags zones whose EM value looks modelled (Bahrain constant 2023–2025)", () => {
    expect(regionFacts("aws", "me-south-1")?.gridIntensity?.estimate).toMatch(/modelled/);
    expect(regionFacts("aws", "eu-north-1")?.gridIntensity?.estimate).not.toMatch(/modelled/);
  });
});

describe("regionFacts: Google CFE and PUE", () => {
  it("europe-north1 carries Google's 2024 CFE% (98) and grid figure (39.32 g)", () => {
    const f = regionFacts("gcp", "europe-north1");
    expect(f?.google?.cfePercent).toMatchObject({ value: 98, unit: "%", year: 2024 });
    expect(f?.google?.cfePercent?.source).toMatch(/region-carbon-info/);
    expect(f?.google?.gridIntensity?.value).toBe(39.32);
    expect(f?.gridIntensity?.value).toBe(68); // EM Finland 2025
  });

  it("asia-southeast3 (no Google data) is listed, with EM intensity and no google figures", () => {
    const f = regionFacts("gcp", "asia-southeast3");
    expect(f).toBeDefined();
    expect(f?.google).toBeUndefined();
    expect(f?.gridIntensity?.value).toBe(485);
  });

  it("AWS never carries Google figures", () => {
    expect(allRegions("aws").every((r) => r.google === undefined)).toBe(true);
  });

  it("PUE: AWS fleet 1.15 (2024); GCP per-region from CCF where listed, else fleet 1.1", () => {
    const aws = regionFacts("aws", "eu-west-1")!.pue;
    expect(aws).toMatchObject({ value: 1.15, unit: "ratio", year: 2024 });
    expect(aws.estimate).toMatch(/fleet/);
    const perRegion = regionFacts("gcp", "us-central1")!.pue;
    expect(perRegion.value).toBe(1.11);
    expect(perRegion.source).toMatch(/PUE_TRAILING_TWELVE_MONTH/);
    expect(regionFacts("gcp", "europe-west4")!.pue.value).toBe(1.07);
    const fleet = regionFacts("gcp", "europe-west9")!.pue;
    expect(fleet.value).toBe(1.1);
    expect(fleet.source).toMatch(/PUE_AVG/);
    expect(fleet.estimate).toMatch(/fleet/);
  });
});

describe("residency", () => {
  it.each([
    ["aws", "eu-west-1", "Ireland", "IE", "europe", true],
    ["aws", "eu-west-2", "United Kingdom", "GB", "europe", false],
    ["aws", "eu-central-2", "Switzerland", "CH", "europe", false],
    ["aws", "eu-north-1", "Sweden", "SE", "europe", true],
    ["aws", "me-central-1", "United Arab Emirates", "AE", "middle-east", false],
    ["aws", "il-central-1", "Israel", "IL", "middle-east", false],
    ["aws", "af-south-1", "South Africa", "ZA", "africa", false],
    ["aws", "ap-southeast-2", "Australia", "AU", "oceania", false],
    ["aws", "sa-east-1", "Brazil", "BR", "south-america", false],
    ["aws", "mx-central-1", "Mexico", "MX", "north-america", false],
    ["gcp", "europe-west2", "United Kingdom", "GB", "europe", false],
    ["gcp", "europe-central2", "Poland", "PL", "europe", true],
    ["gcp", "me-central1", "Qatar", "QA", "middle-east", false],
    ["gcp", "asia-east2", "Hong Kong", "HK", "asia", false],
  ] as const)("%s %s is in %s (%s, %s, EU/EEA %s)", (cloud, region, country, code, continent, euEea) => {
    const f = regionFacts(cloud, region);
    expect(f).toMatchObject({ country, countryCode: code, continent, euEea });
  });

  it("locations are plain labels without compiler notes", () => {
    expect(regionFacts("aws", "eu-north-1")?.location).toBe("Stockholm");
    expect(regionFacts("aws", "me-central-1")?.location).toBe("UAE");
    for (const r of allRegions()) expect(r.location).not.toMatch(/not stated/);
  });
});

describe("allRegions", () => {
  it("lists exactly the 36 AWS commercial regions: no GovCloud, China or EU Sovereign Cloud", () => {
    expect(allRegions("aws").map((r) => r.region)).toEqual(AWS_COMMERCIAL);
    for (const r of ["us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1", "eusc-de-east-1", "aws-global"]) {
      expect(regionFacts("aws", r)).toBeUndefined();
    }
  });

  it("lists all 45 GCP regions, including us-central2, us-east2 and asia-southeast3", () => {
    const gcp = allRegions("gcp").map((r) => r.region);
    expect(gcp).toHaveLength(45);
    expect(gcp).toEqual(expect.arrayContaining(["us-central1", "europe-north1", "europe-north2", "us-central2", "us-east2", "asia-southeast3"]));
  });

  it("without a cloud lists both, sorted by cloud then region", () => {
    const all = allRegions();
    expect(all).toHaveLength(81);
    const keys = all.map((r) => `${r.cloud}:${r.region}`);
    expect(keys).toEqual([...keys].sort());
  });

  it("returns frozen data that callers cannot corrupt", () => {
    const f = regionFacts("aws", "us-east-1")!;
    expect(Object.isFrozen(f)).toBe(true);
    expect(Object.isFrozen(f.gridIntensity)).toBe(true);
    expect(Object.isFrozen(allRegions())).toBe(true);
    expect(() => {
      (f as { region: string }).region = "x";
    }).toThrow();
  });

  it("returns nothing for a cloud it does not know (JavaScript callers)", () => {
    expect(allRegions("azure" as never)).toEqual([]);
    expect(regionFacts("azure" as never, "eastus")).toBeUndefined();
  });
});

describe("resolveRegion", () => {
  it.each([
    ["gcp", "us-central1-a", "us-central1"],
    ["gcp", "europe-west4-c", "europe-west4"],
    ["gcp", "us-central1", "us-central1"],
    ["gcp", "US-CENTRAL1", "us-central1"],
    ["gcp", " europe-north1 ", "europe-north1"],
    ["aws", "eu-north-1a", "eu-north-1"],
    ["aws", "us-east-1f", "us-east-1"],
    ["aws", "us-east-1", "us-east-1"],
    ["aws", "use1-az4", "us-east-1"],
    ["aws", "eun1-az2", "eu-north-1"],
    ["aws", "apse2-az1", "ap-southeast-2"],
    ["aws", "apne1-az4", "ap-northeast-1"],
  ] as const)("%s %j → %s", (cloud, input, expected) => {
    expect(resolveRegion(cloud, input)).toBe(expected);
  });

  it.each([
    ["aws", "us-east-1-bos-1a"], // Local Zone: another city, another grid
    ["aws", "us-east-1-wl1-bos-wlz-1"], // Wavelength Zone
    ["aws", "use1-bos1-az1"], // Local Zone id
    ["aws", "us-gov-west-1"],
    ["aws", "us-central1"], // a GCP region asked as AWS
    ["gcp", "eu-north-1"], // an AWS region asked as GCP
    ["gcp", "us"], // multi-region
    ["gcp", "nam4"], // dual-region
    ["gcp", "us-central9-a"],
    ["aws", ""],
    ["aws", "   "],
    ["aws", "__proto__"],
    ["gcp", "constructor"],
  ] as const)("%s %j → undefined", (cloud, input) => {
    expect(resolveRegion(cloud, input)).toBeUndefined();
  });

  it("regionFacts accepts a zone and answers for its region", () => {
    expect(regionFacts("gcp", "us-central1-b")?.region).toBe("us-central1");
    expect(regionFacts("aws", "eu-north-1c")?.region).toBe("eu-north-1");
  });
});

describe("cloudOfRegion", () => {
  it.each([
    ["us-east-1", "aws"],
    ["eu-north-1a", "aws"],
    ["use1-az4", "aws"],
    ["us-gov-west-1", "aws"], // GovCloud: AWS, though we hold no facts for it
    ["cn-north-1", "aws"],
    ["ap-south-9", "aws"], // a future commercial region
    ["us-east-1-bos-1a", "aws"],
    ["us-central1", "gcp"],
    ["us-central1-a", "gcp"],
    ["europe-north1", "gcp"],
    ["me-central1", "gcp"],
    ["europe-west99", "gcp"], // a future region
    ["eastus", undefined], // Azure
    ["us", undefined],
    ["", undefined],
    ["hello world", undefined],
  ] as const)("%j → %s", (input, expected) => {
    expect(cloudOfRegion(input)).toBe(expected);
  });
});

describe("REGION_DATA_INFO", () => {
  it("names every source with a licence and version, Electricity Maps under ODbL", () => {
    const sources = REGION_DATA_INFO.sources;
    expect(Object.keys(sources).length).toBeGreaterThanOrEqual(5);
    for (const s of Object.values(sources)) {
      expect(s.title).not.toBe("");
      expect(s.licence).not.toBe("");
      expect(s.version).not.toBe("");
    }
    const em = sources["electricity-maps"];
    expect(em?.title).toMatch(/Electricity Maps/);
    expect(em?.licence).toMatch(/ODbL/);
    expect(em?.version).toMatch(/@tgwf\/co2 0\.19\.0/);
  });
});
