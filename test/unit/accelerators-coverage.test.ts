import { describe, expect, it } from "vitest";

import {
  GENERATIONS,
  WORKLOAD_CLASSES,
  acceleratorCatalogData,
  acceleratorModel,
  allGcpAccelerators,
  allInstanceTypes,
  lookupGcpAccelerator,
  lookupInstanceType,
  looksAccelerated,
} from "../../src/data/accelerators";

const workloads = new Set<string>(WORKLOAD_CLASSES);
const generations = new Set<string>(GENERATIONS);

describe("coverage: every catalog entry is classified", () => {
  it("every instance/machine/TPU type has a valid workload class and generation", () => {
    const types = allInstanceTypes();
    expect(types.length).toBeGreaterThan(0);
    for (const t of types) {
      expect(workloads.has(t.workloadClass), `${t.cloud}:${t.name} workloadClass ${t.workloadClass}`).toBe(true);
      expect(generations.has(t.generation), `${t.cloud}:${t.name} generation ${t.generation}`).toBe(true);
      expect(t.acceleratorCount, t.name).toBeGreaterThan(0);
      expect(t.sources.length, t.name).toBeGreaterThan(0);
      expect(t.tdpBasis, t.name).not.toBe("");
      // Regions sorted and unique; retired ⇔ no regions (unless regions are unknown for a stated reason).
      expect([...t.regions].sort(), t.name).toEqual(t.regions);
      expect(new Set(t.regions).size, t.name).toBe(t.regions.length);
      if (t.regionsUnknown) {
        expect(t.retired, t.name).toBe(false);
        expect(t.availabilityNote, t.name).toBeTruthy();
      } else {
        expect(t.retired, t.name).toBe(t.regions.length === 0);
      }
      // Resolvable by its own name and seen as accelerated.
      expect(lookupInstanceType(t.cloud, t.name)?.name, t.name).toBe(t.name);
      expect(looksAccelerated(t.cloud, t.name), t.name).toBe(true);
      // A published TDP only where the model has one.
      const model = acceleratorModel(t.acceleratorModel);
      if (model !== undefined && model.tdpW === null) expect(t.tdpWPerDevice, t.name).toBeNull();
      if (t.tdpWPerDevice !== null) expect(t.tdpWPerDevice, t.name).toBeGreaterThan(0);
    }
  });

  it("every catalog machine type's model is described in `accelerators`", () => {
    for (const t of allInstanceTypes()) {
      if (t.kind === "machine") expect(acceleratorModel(t.acceleratorModel), `${t.name}: ${t.acceleratorModel}`).toBeDefined();
    }
  });

  it("every known accelerated type (catalogued or only offered) matches a family pattern", () => {
    const data = acceleratorCatalogData();
    for (const cloud of ["aws", "gcp"] as const) {
      const res = data.familyPatterns[cloud].map((s) => new RegExp(s));
      for (const name of [...Object.keys(data.instanceTypes[cloud]), ...Object.keys(data.uncatalogedOfferings[cloud])]) {
        expect(
          res.some((re) => re.test(name)),
          `${cloud}:${name}`,
        ).toBe(true);
      }
    }
  });

  it("every GCP accelerator token is classified and resolvable by its aliases", () => {
    const data = acceleratorCatalogData();
    const tokens = allGcpAccelerators();
    expect(tokens.length).toBeGreaterThan(10);
    for (const t of tokens) {
      expect(workloads.has(t.workloadClass), `${t.token} ${t.workloadClass}`).toBe(true);
      expect(generations.has(t.generation), `${t.token} ${t.generation}`).toBe(true);
      expect(t.retired, t.token).toBe(t.regions.length === 0);
      expect(lookupGcpAccelerator(t.token), t.token).toBe(t);
      expect(lookupGcpAccelerator(t.token.toUpperCase().replace(/-/g, "_")), t.token).toBe(t);
    }
    for (const [alias, token] of Object.entries(data.gcpAcceleratorAliases)) {
      expect(alias, alias).toBe(alias.toUpperCase());
      expect(lookupGcpAccelerator(alias)?.token, alias).toBe(token);
    }
    // Every token a machine type carries is known.
    for (const t of allInstanceTypes("gcp")) {
      if (t.gcpAcceleratorToken !== undefined) expect(lookupGcpAccelerator(t.gcpAcceleratorToken), t.name).toBeDefined();
    }
  });

  it("the Vertex/Workbench enum values in @pulumi/gcp docs resolve (except GPUs without data)", () => {
    const vertex = [
      "NVIDIA_TESLA_K80",
      "NVIDIA_TESLA_P100",
      "NVIDIA_TESLA_V100",
      "NVIDIA_TESLA_P4",
      "NVIDIA_TESLA_T4",
      "NVIDIA_TESLA_A100",
      "NVIDIA_A100_80GB",
      "NVIDIA_L4",
      "NVIDIA_H100_80GB",
      "NVIDIA_H100_MEGA_80GB",
      "NVIDIA_H200_141GB",
      "NVIDIA_B200",
      "NVIDIA_TESLA_T4_VWS",
      "NVIDIA_TESLA_P100_VWS",
      "NVIDIA_TESLA_P4_VWS",
      "TPU_V2",
      "TPU_V3",
      "TPU_V4_POD",
      "TPU_V5_LITEPOD",
    ];
    for (const v of vertex) expect(lookupGcpAccelerator(v), v).toBeDefined();
  });

  it("every SageMaker type points at an EC2 twin; catalogued twins resolve via ml.*", () => {
    const data = acceleratorCatalogData();
    const entries = Object.values(data.sagemaker);
    expect(entries.length).toBeGreaterThan(50);
    for (const sm of entries) {
      expect(sm.mlType.startsWith("ml."), sm.mlType).toBe(true);
      expect(looksAccelerated("aws", sm.mlType), sm.mlType).toBe(true);
      const r = lookupInstanceType("aws", sm.mlType);
      if (sm.ec2TwinInCatalog) {
        expect(r?.name, sm.mlType).toBe(sm.ec2Twin);
        expect(r?.sagemakerUpperBound, sm.mlType).toBe(true);
        expect(r?.regions, sm.mlType).toEqual(sm.regionsUpperBound);
      } else {
        expect(r, sm.mlType).toBeUndefined();
      }
    }
  });
});
