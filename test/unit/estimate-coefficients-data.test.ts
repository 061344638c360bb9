/**
 * region-data/coefficients.json: loads, holds the CCF figures the method names, and (when the
 * shared research folder is present) is exactly what the refresh builds from it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildCoefficients, COEFFICIENTS_RELATIVE_PATH, serializeCoefficients } from "../../region-data/refresh/coefficients";
import { ccfEmbodiedKg, ccfGpuFor, coefficients, cpuAverage, cpuCoefficient, hostFacts } from "../../src/data/coefficients";
import { acceleratorModel, allInstanceTypes } from "../../src/data/accelerators";
import { packageRoot } from "../../src/util/package-root";

const root = packageRoot();
const sharedData = path.resolve(root, "..", "shared", "data");
const sharedPresent = fs.existsSync(path.join(sharedData, "carbon", "ccf-coefficients", "output", "coefficients-aws-use.csv"));

describe("energy coefficients", () => {
  it("holds the CCF figures of CARBON-METHOD.md", () => {
    expect(cpuAverage("aws")).toMatchObject({ minW: 0.74, maxW: 3.5 });
    expect(coefficients().memoryWPerGb).toBeCloseTo(0.392, 6);
    expect(coefficients().storageWhPerTbHour).toEqual({ ssd: 1.2, hdd: 0.65 });
    expect(coefficients().serverLifespanHours).toBe(35_040);
    expect(ccfGpuFor("NVIDIA A100 SXM4 40GB")).toMatchObject({ minW: 46, maxW: 407 });
    expect(ccfEmbodiedKg("aws", "p4d.24xlarge")).toBeCloseTo(4676.79, 2);
    expect(cpuCoefficient("aws", "Cascade Lake")?.minW).toBeCloseTo(0.69, 2);
    expect(hostFacts("aws", "ml.p4d.24xlarge")).toMatchObject({ vcpu: 96, memoryGb: 1152, platformSockets: 2, microarchitectures: ["Cascade Lake"] });
  });

  it("never reads the unvalidated *-latest-2026 embodied values (a3 at 1,600 t)", () => {
    expect(ccfEmbodiedKg("gcp", "a3-highgpu-8g")).toBeUndefined();
    expect(JSON.stringify(coefficients())).not.toContain("1600000");
  });

  it("has a power figure for every catalog accelerator model: published TDP or a marked estimate", () => {
    const models = new Set(allInstanceTypes().map((t) => t.acceleratorModel));
    for (const model of models) {
      const published = acceleratorModel(model)?.tdpW ?? allInstanceTypes().find((t) => t.acceleratorModel === model)?.tdpWPerDevice ?? null;
      const estimate = acceleratorModel(model)?.tdpEstimateW ?? coefficients().acceleratorEstimates[model]?.maxW;
      expect(published !== null || estimate !== undefined, model).toBe(true);
      if (published === null) expect(coefficients().acceleratorEstimates[model]?.basis ?? acceleratorModel(model)?.tdpEstimateBasis ?? "", model).toMatch(/ESTIMATE/);
    }
  });

  it("lookups never throw on odd input", () => {
    for (const v of ["", " ", "x".repeat(10_000), "__proto__", "constructor", "toString"]) {
      expect(hostFacts("aws", v)).toBeUndefined();
      expect(ccfEmbodiedKg("gcp", v)).toBeUndefined();
      expect(ccfGpuFor(v)).toBeUndefined();
      expect(cpuCoefficient("aws", v)).toBeUndefined();
    }
  });
});

describe.skipIf(!sharedPresent)("committed coefficients.json matches ../shared", () => {
  it("rebuilding from ../shared gives the committed file, byte for byte", () => {
    const committed = fs.readFileSync(path.join(root, COEFFICIENTS_RELATIVE_PATH), "utf8");
    expect(serializeCoefficients(buildCoefficients(sharedData))).toBe(committed);
  });
});
