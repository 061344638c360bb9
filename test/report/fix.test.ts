/** Suggestions read for people (src/report/renderers/fix.ts), on the shapes the rules write. */
import { describe, expect, it } from "vitest";
import { readableFix } from "../../src/report/renderers/fix";

describe("readableFix", () => {
  it("regions: the alternatives with their grid intensity and saving, and what the resource uses now", () => {
    const fix = readableFix({
      currentRegion: "us-east-1",
      currentGCo2ePerKwh: 418,
      maxGridIntensity: 150,
      alternatives: [{ gCo2ePerKwh: 129, location: "Oregon", region: "us-west-2", sameResidencyArea: true, savingPercent: 69 }],
      estimatedKgCo2ePerMonthSaved: 52.1,
    });
    expect(fix).toEqual({ settings: [], alternatives: { kind: "region", current: "us-east-1, 418 gCO2e/kWh", rows: [{ name: "us-west-2", detail: "Oregon", figure: "129 gCO2e/kWh", saving: "69% less" }] }, notes: [] });
  });

  it("types: accelerators and power, unpublished power said, and the change in power", () => {
    const fix = readableFix({
      alternatives: [
        { acceleratorCount: 1, acceleratorMemoryGbPerDevice: 24, acceleratorModel: "NVIDIA L4", acceleratorTdpW: 72, tdpChangePercent: -98, type: "g6.xlarge", workloadClass: "inference" },
        { acceleratorCount: 1, acceleratorModel: "AWS Inferentia2", acceleratorTdpW: null, type: "inf2.xlarge" },
      ],
      current: { acceleratorCount: 8, acceleratorModel: "NVIDIA A100 SXM4 40GB", acceleratorTdpW: 3200, type: "p4d.24xlarge" },
      method: "…",
      evidence: ["E07"],
    });
    expect(fix?.alternatives).toEqual({
      kind: "type",
      current: "p4d.24xlarge, 8× NVIDIA A100 SXM4 40GB, 3,200 W",
      rows: [
        { name: "g6.xlarge", detail: "1× NVIDIA L4", figure: "72 W", saving: "98% less" },
        { name: "inf2.xlarge", detail: "1× AWS Inferentia2", figure: "not published", saving: "—" },
      ],
    });
  });

  it("the property to set and its value: property/value pairs and property paths", () => {
    expect(readableFix({ kgCo2ePerMonth: 0.3, kwhPerMonth: 14, property: "productionVariants[0]", running: 1, value: 0 })).toEqual({
      settings: [{ property: "productionVariants[0]", value: "0", action: "scale" }],
      notes: ["Now 1 stays running with no traffic: about 0.30 kgCO2e/month."],
    });
    expect(readableFix({ "stoppingCondition.maxRuntimeInSeconds": 259200, enableManagedSpotTraining: true })?.settings).toEqual([
      { property: "enableManagedSpotTraining", value: "true", action: "set" },
      { property: "stoppingCondition.maxRuntimeInSeconds", value: "259200", action: "set" },
    ]);
  });

  it("tags to set, in words", () => {
    const fix = readableFix({ allowedValues: ["training", "inference"], missingTags: ["team"], setOn: "nodeConfig.resourceLabels", stackTagCommand: "pulumi stack tag set ml-workload <workload>", tagKey: "ml-workload", workload: "absent" });
    expect(fix?.notes).toEqual([
      "Set the tag ml-workload (in nodeConfig.resourceLabels) to one of: training, inference.",
      "Or for the whole stack: pulumi stack tag set ml-workload <workload>",
      "Also add the tag team.",
    ]);
  });

  it("nothing it can read: no fix (the JSON keeps the suggestion)", () => {
    expect(readableFix(undefined)).toBeUndefined();
    expect(readableFix({})).toBeUndefined();
    expect(readableFix({ location: "europe-north1", secretish: { nested: "x" } })).toBeUndefined();
  });
});

describe("readableFix on a property the scale-to-zero rule names", () => {
  it("says set for a count, scale for a whole part", () => {
    expect(readableFix({ property: "scalingConfig.minSize", value: 0, running: 2 })?.settings).toEqual([{ property: "scalingConfig.minSize", value: "0", action: "set" }]);
  });
});
