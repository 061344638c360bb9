/**
 * Where each input comes from, and the few figures that are not read from an input file
 * (fleet PUE values). Keep in step with `region-data/SOURCES.md`.
 */
import type { RegionDataSource } from "../../src/data/regions";

/** The Electricity Maps year used for `gridIntensity` (a file of that year must exist in @tgwf/co2). */
export const EM_YEAR = 2025;
/** The Google region-carbon-info year used for `google.*` (file `<year>.csv`). */
export const GOOGLE_YEAR = 2024;

/** Input files, relative to the shared data folder (`<shared>/data/carbon/`). */
export const INPUT_FILES = {
  cloudRegions: "cloud-regions.csv",
  partitions: "aws-sdk-partitions/partitions.json",
  google: `google-region-carbon-info/${GOOGLE_YEAR}.csv`,
  ccfConstants: "ccf-app/derived-ccf-app-constants.csv",
  /** Only used to cross-check the @tgwf/co2 package data. */
  emCrossCheck: `electricity-maps-via-co2js/yearly_${EM_YEAR}.json`,
} as const;

export const UPSTREAM = {
  co2js: { repo: "thegreenwebfoundation/co2.js", commit: "27cbe8328aeaad0824fb07b3640dc45b72228c7b" },
  google: { repo: "GoogleCloudPlatform/region-carbon-info", commit: "49f3f26bfd682305e8d9b572fea1f811900421a9" },
  ccfApp: { repo: "cloud-carbon-footprint/cloud-carbon-footprint", commit: "b7a049c7d25c0022919ab9010199dd9e77aa4577", date: "2024-03-25" },
  awsSdk: { pkg: "@aws-sdk/core", version: "3.981.0" },
} as const;

const short = (commit: string): string => commit.slice(0, 7);

export const SOURCE_IDS = {
  electricityMaps: "electricity-maps",
  google: "google-region-carbon-info",
  ccf: "cloud-carbon-footprint",
  awsPartitions: "aws-sdk-partitions",
  awsPue: "aws-pue",
  cloudRegions: "carbonguard-cloud-regions",
} as const;

/** The `sources` map written to regions.json. `co2Version` is read from the installed @tgwf/co2. */
export function sourcesMap(co2Version: string): Record<string, RegionDataSource> {
  return {
    [SOURCE_IDS.electricityMaps]: {
      title: `Electricity Maps yearly carbon intensity ${EM_YEAR} (zone averages, lifecycle), as republished in CO2.js`,
      licence: "ODbL-1.0 (attribution \"Electricity Maps\"; share-alike)",
      version: `@tgwf/co2 ${co2Version} (${UPSTREAM.co2js.repo}@${short(UPSTREAM.co2js.commit)}), yearly_${EM_YEAR}`,
      year: EM_YEAR,
      url: "https://www.electricitymaps.com/data/methodology",
      attribution: "Contains data from Electricity Maps (https://www.electricitymaps.com), ODbL-1.0",
    },
    [SOURCE_IDS.google]: {
      title: `Google Cloud region carbon info ${GOOGLE_YEAR} (Google CFE%, grid carbon intensity)`,
      licence: "Apache-2.0",
      version: `${UPSTREAM.google.repo}@${short(UPSTREAM.google.commit)} data/yearly/${GOOGLE_YEAR}.csv`,
      year: GOOGLE_YEAR,
      url: "https://github.com/GoogleCloudPlatform/region-carbon-info",
    },
    [SOURCE_IDS.ccf]: {
      title: "Cloud Carbon Footprint application constants (GCP PUE: per-region trailing twelve months, fleet average)",
      licence: "Apache-2.0",
      version: `${UPSTREAM.ccfApp.repo}@${short(UPSTREAM.ccfApp.commit)} (${UPSTREAM.ccfApp.date}) packages/gcp/src/domain/GcpFootprintEstimationConstants.ts`,
      year: Number(UPSTREAM.ccfApp.date.slice(0, 4)),
      url: "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint",
    },
    [SOURCE_IDS.awsPartitions]: {
      title: "AWS SDK partitions metadata (the AWS region list)",
      licence: "Apache-2.0",
      version: `${UPSTREAM.awsSdk.pkg} ${UPSTREAM.awsSdk.version} partitions.json`,
      url: "https://github.com/aws/aws-sdk-js-v3",
    },
    [SOURCE_IDS.awsPue]: {
      title: "AWS global data-center PUE 2024 (1.15), Amazon sustainability reporting",
      licence: "a published figure, cited (no data copied)",
      version: "2024 figure (Amazon sustainability reporting), as used in docs/methodology.md",
      year: FLEET_PUE.aws.year,
      url: "https://sustainability.aboutamazon.com/products-services/aws-cloud",
    },
    [SOURCE_IDS.cloudRegions]: {
      title: "carbonguard compilation: region → location, country, Electricity Maps zone (cloud-regions.csv)",
      licence: "Apache-2.0 (this project); zone mappings cross-checked against GSF Real-Time-Cloud and CCF",
      version: "cloud-regions.csv, see generated.inputs for its sha256",
    },
  };
}

/** Fleet-wide PUE used where no per-region figure is published. */
export const FLEET_PUE = {
  aws: {
    value: 1.15,
    unit: "ratio",
    source: "AWS global data-center PUE 2024 (Amazon sustainability reporting)",
    year: 2024,
    basis: "fleet-wide annual PUE (AWS global average)",
    estimate: "fleet value applied to region: no per-region AWS PUE in the data we use",
  },
  /** The value itself is read from CCF's GCP PUE_AVG row. */
  gcp: {
    unit: "ratio",
    source: `Cloud Carbon Footprint app GCP PUE_AVG (${UPSTREAM.ccfApp.repo}@${short(UPSTREAM.ccfApp.commit)}, Apache-2.0; Google fleet-wide average)`,
    year: 2023,
    basis: "fleet-wide trailing-twelve-month PUE (Google data centers)",
    estimate:
      "fleet value applied to region: no per-region PUE for this region in the data we use; CCF does not date the value (1.1 since its 2020 code; matches Google's reported 2023 fleet PUE)",
  },
} as const;

/** Text for per-region GCP PUE taken from CCF's PUE_TRAILING_TWELVE_MONTH table. */
export const CCF_REGION_PUE = {
  unit: "ratio",
  source: `Cloud Carbon Footprint app GCP PUE_TRAILING_TWELVE_MONTH (${UPSTREAM.ccfApp.repo}@${short(UPSTREAM.ccfApp.commit)}, Apache-2.0), from Google's data-center efficiency figures`,
  year: 2023,
  basis: "per-campus trailing-twelve-month PUE (Google data centers), mapped to region by CCF",
  estimate:
    "undated in CCF: 2023 is the latest year the 2024-03-25 CCF snapshot can describe; the campus → region mapping is CCF's",
} as const;
