/**
 * IO part of the refresh: find the inputs, read them, hash them. The shared data folder is
 * `../shared` next to the project root, or `$CARBONGUARD_SHARED_DIR`; the Electricity Maps data
 * comes from the installed @tgwf/co2 package.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import type { RegionDataInputInfo } from "../../src/data/regions";
import { findPackageRoot, packageRoot } from "../../src/util/package-root";
import type { RefreshInputs } from "./build";
import { parseEmYear } from "./build";
import { EM_YEAR, INPUT_FILES, UPSTREAM } from "./provenance";

export const SHARED_DIR_ENV = "CARBONGUARD_SHARED_DIR";

/** The shared folder (holding `data/carbon/`): `$CARBONGUARD_SHARED_DIR`, else `<root>/../shared`. */
export function sharedDir(root: string = packageRoot(), env: NodeJS.ProcessEnv = process.env): string {
  const override = env[SHARED_DIR_ENV];
  return override ? path.resolve(override) : path.resolve(root, "..", "shared");
}

/** True when the shared carbon data needed by the refresh is present. */
export function sharedDataAvailable(dir: string = sharedDir()): boolean {
  return fs.existsSync(path.join(dir, "data", "carbon", INPUT_FILES.cloudRegions));
}

/** Path of the committed data file. */
export function regionsJsonPath(root: string = packageRoot()): string {
  return path.join(root, "region-data", "regions.json");
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`refresh: cannot read input ${file}: ${(e as Error).message}`);
  }
}

interface Co2Data {
  readonly version: string;
  readonly byYear: Record<number, unknown>;
}

/** Electricity Maps yearly data as shipped in @tgwf/co2 (`@tgwf/co2/data/electricity-maps`). */
export function loadCo2Data(root: string = packageRoot()): Co2Data {
  let entry: string;
  try {
    entry = require.resolve("@tgwf/co2/data/electricity-maps", { paths: [root] });
  } catch (e) {
    throw new Error(`refresh: @tgwf/co2 is not installed (npm install): ${(e as Error).message}`);
  }
  const mod = require(entry) as Record<string, { data?: unknown } | undefined>;
  const byYear: Record<number, unknown> = {};
  for (const y of [EM_YEAR, EM_YEAR - 1, EM_YEAR - 2]) {
    const data = mod[`yearly${y}`]?.data;
    if (data !== undefined) byYear[y] = data;
  }
  const pkgDir = findPackageRoot(path.dirname(entry), "@tgwf/co2");
  const version = pkgDir
    ? String((JSON.parse(readText(path.join(pkgDir, "package.json"))) as { version?: unknown }).version)
    : "unknown";
  return { version, byYear };
}

export interface ReadResult {
  readonly inputs: RefreshInputs;
  /** Problems with the inputs that do not stop the build. */
  readonly warnings: readonly string[];
}

/** Read every input of the refresh. Throws when a required input is missing. */
export function readRefreshInputs(root: string = packageRoot(), shared: string = sharedDir(root)): ReadResult {
  const carbon = path.join(shared, "data", "carbon");
  const file = (rel: string): { text: string; info: (version: string) => RegionDataInputInfo } => {
    const text = readText(path.join(carbon, rel));
    return { text, info: (version) => ({ path: `data/carbon/${rel}`, version, sha256: sha256(text) }) };
  };
  const cloudRegions = file(INPUT_FILES.cloudRegions);
  const partitions = file(INPUT_FILES.partitions);
  const google = file(INPUT_FILES.google);
  const ccf = file(INPUT_FILES.ccfConstants);
  const co2 = loadCo2Data(root);
  const warnings: string[] = [];

  const emCurrent = co2.byYear[EM_YEAR];
  if (emCurrent === undefined) throw new Error(`refresh: @tgwf/co2 ${co2.version} has no Electricity Maps ${EM_YEAR} data`);
  const emText = JSON.stringify(emCurrent);

  // Cross-check the package against the copy in the shared folder, when there is one.
  const crossCheck = path.join(carbon, INPUT_FILES.emCrossCheck);
  if (fs.existsSync(crossCheck)) {
    const a = parseEmYear(emCurrent);
    const b = parseEmYear(JSON.parse(readText(crossCheck)));
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((z) => a.get(z)?.value !== b.get(z)?.value);
    if (differing.length > 0) {
      warnings.push(`@tgwf/co2 ${co2.version} and ${INPUT_FILES.emCrossCheck} differ for ${differing.length} zones (e.g. ${differing.slice(0, 5).join(", ")}); using the package`);
    }
  }

  let partitionsJson: unknown;
  try {
    partitionsJson = JSON.parse(partitions.text);
  } catch (e) {
    throw new Error(`refresh: ${INPUT_FILES.partitions} is not JSON: ${(e as Error).message}`);
  }
  const partitionsVersion = (partitionsJson as { version?: unknown } | null)?.version;

  const inputs: RefreshInputs = {
    cloudRegionsCsv: cloudRegions.text,
    partitions: partitionsJson,
    googleCsv: google.text,
    ccfConstantsCsv: ccf.text,
    electricityMaps: { packageVersion: co2.version, byYear: co2.byYear },
    inputs: {
      "aws-sdk-partitions": partitions.info(
        `${UPSTREAM.awsSdk.pkg} ${UPSTREAM.awsSdk.version}, partitions version ${String(partitionsVersion ?? "?")}`,
      ),
      "ccf-app-constants": ccf.info(`${UPSTREAM.ccfApp.repo}@${UPSTREAM.ccfApp.commit}`),
      "cloud-regions": cloudRegions.info("carbonguard compilation (shared data)"),
      "electricity-maps": {
        path: `node_modules/@tgwf/co2 data/electricity-maps yearly${EM_YEAR}`,
        version: `@tgwf/co2 ${co2.version} (${UPSTREAM.co2js.repo}@${UPSTREAM.co2js.commit})`,
        sha256: sha256(emText),
      },
      "google-region-carbon-info": google.info(`${UPSTREAM.google.repo}@${UPSTREAM.google.commit}`),
    },
  };
  return { inputs, warnings };
}
