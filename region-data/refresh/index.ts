/**
 * `npm run data:refresh` → `node dist/region-data/refresh/index.js`
 *
 * Rebuilds `region-data/regions.json`, `region-data/accelerators.json`, `coefficients.json` and `models.json` from the shared data folder (`../shared`, or
 * `$CARBONGUARD_SHARED_DIR`) and the Electricity Maps data in @tgwf/co2. Deterministic: the same
 * inputs give byte-identical output, so re-running yields no diff. `--check` compares instead of
 * writing and exits 1 when the committed file is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { packageRoot } from "../../src/util/package-root";
import { acceleratorsUpToDate, refreshAccelerators } from "./accelerators";
import { coefficientsUpToDate, refreshCoefficients } from "./coefficients";
import { modelsUpToDate, refreshModels } from "./models";

import { buildRegionData } from "./build";
import { readRefreshInputs, regionsJsonPath, sharedDataAvailable, sharedDir } from "./io";
import { serializeRegionData } from "./serialize";

export function main(argv: readonly string[] = process.argv.slice(2)): number {
  const check = argv.includes("--check");
  const shared = sharedDir();
  if (!sharedDataAvailable(shared)) {
    process.stderr.write(`refresh: shared data not found at ${shared} (set CARBONGUARD_SHARED_DIR)\n`);
    return 2;
  }
  const read = readRefreshInputs(undefined, shared);
  const { data, warnings } = buildRegionData(read.inputs);
  for (const w of [...read.warnings, ...warnings]) process.stderr.write(`warning: ${w}\n`);

  const text = serializeRegionData(data);
  const out = regionsJsonPath();
  const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
  const counts = ["aws", "gcp"].map((c) => `${data.regions.filter((r) => r.cloud === c).length} ${c}`).join(", ");
  const noIntensity = data.regions.filter((r) => r.gridIntensity === undefined).map((r) => `${r.cloud}:${r.region}`);

  const sharedData = path.join(shared, "data");
  if (check) {
    const acceleratorsFresh = acceleratorsUpToDate(packageRoot(), sharedData) && coefficientsUpToDate(packageRoot(), sharedData) && modelsUpToDate(packageRoot(), sharedData);
    if (!acceleratorsFresh) process.stderr.write("region-data/accelerators.json, coefficients.json or models.json is stale: run npm run data:refresh\n");
    if (current === text) {
      process.stdout.write(`region-data/regions.json is up to date (${counts})\n`);
      return acceleratorsFresh ? 0 : 1;
    }
    process.stderr.write("region-data/regions.json is stale: run npm run data:refresh\n");
    return 1;
  }
  refreshAccelerators(packageRoot(), sharedData);
  refreshCoefficients(packageRoot(), sharedData);
  refreshModels(packageRoot(), sharedData);
  process.stdout.write("region-data/accelerators.json refreshed\n");
  if (current === text) {
    process.stdout.write(`region-data/regions.json unchanged (${counts})\n`);
  } else {
    fs.writeFileSync(out, text, "utf8");
    process.stdout.write(`wrote ${out} (${counts})\n`);
  }
  if (noIntensity.length > 0) process.stdout.write(`regions without grid intensity: ${noIntensity.join(", ")}\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    process.stderr.write(`refresh failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
