import { describe, expect, it } from "vitest";

import {
  ACCELERATOR_DATA_INFO,
  acceleratorModel,
  allGcpAccelerators,
  allInstanceTypes,
  cloudRunGpuRegions,
  lookupGcpAccelerator,
  lookupInstanceType,
  lookupSageMakerType,
  lookupTpuType,
  lookupUncatalogedOffering,
  looksAccelerated,
} from "../../src/data/accelerators";

describe("lookupInstanceType: AWS", () => {
  it("p4d.24xlarge is 8× A100 40GB, training class, current, offered in us-east-1 but not eu-west-3", () => {
    const t = lookupInstanceType("aws", "p4d.24xlarge");
    expect(t).toBeDefined();
    expect(t!.acceleratorModel).toBe("NVIDIA A100 SXM4 40GB");
    expect(t!.acceleratorCount).toBe(8);
    expect(t!.tdpWPerDevice).toBe(400);
    expect(t!.workloadClass).toBe("training");
    expect(t!.generation).toBe("current");
    expect(t!.regions).toContain("us-east-1");
    expect(t!.regions).not.toContain("eu-west-3");
    expect(t!.regions).not.toContain("af-south-1");
    expect(t!.retired).toBe(false);
    expect(t!.sagemakerUpperBound).toBeUndefined();
    expect(t!.requestedName).toBe("p4d.24xlarge");
    expect(t!.sagemaker?.training).toBe(true);
  });

  it("ml.p4d.24xlarge resolves to the EC2 twin with sagemakerUpperBound", () => {
    const ec2 = lookupInstanceType("aws", "p4d.24xlarge")!;
    const sm = lookupInstanceType("aws", "ml.p4d.24xlarge");
    expect(sm).toBeDefined();
    expect(sm!.sagemakerUpperBound).toBe(true);
    expect(sm!.requestedName).toBe("ml.p4d.24xlarge");
    expect(sm!.name).toBe("p4d.24xlarge");
    expect(sm!.acceleratorCount).toBe(8);
    expect(sm!.regions).toEqual(ec2.regions);
    expect(lookupSageMakerType("ml.p4d.24xlarge")?.regionsUpperBound).toEqual(ec2.regions);
  });

  it("g6.xlarge is 1× L4 at 72 W, inference, current", () => {
    const t = lookupInstanceType("aws", "g6.xlarge")!;
    expect(t.acceleratorModel).toBe("NVIDIA L4");
    expect(t.acceleratorCount).toBe(1);
    expect(t.tdpWPerDevice).toBe(72);
    expect(t.workloadClass).toBe("inference");
    expect(t.generation).toBe("current");
    expect(lookupInstanceType("aws", "ml.g6.xlarge")?.sagemakerUpperBound).toBe(true);
  });

  it("p3.2xlarge is retired with no regions; p2 is legacy; g4dn is previous", () => {
    const p3 = lookupInstanceType("aws", "p3.2xlarge")!;
    expect(p3.retired).toBe(true);
    expect(p3.regions).toEqual([]);
    expect(p3.generation).toBe("previous");
    expect(lookupInstanceType("aws", "p2.xlarge")!.generation).toBe("legacy");
    expect(lookupInstanceType("aws", "p2.xlarge")!.retired).toBe(true);
    expect(lookupInstanceType("aws", "g4dn.xlarge")!.generation).toBe("previous");
    expect(lookupInstanceType("aws", "g4dn.xlarge")!.retired).toBe(false);
    for (const name of ["g3.4xlarge", "g3s.xlarge", "dl1.24xlarge"]) {
      expect(lookupInstanceType("aws", name)?.retired, name).toBe(true);
    }
  });

  it("trn2u (UltraServer-only) is not retired although absent from the offerings", () => {
    const t = lookupInstanceType("aws", "trn2u.48xlarge")!;
    expect(t.regions).toEqual([]);
    expect(t.retired).toBe(false);
    expect(t.regionsUnknown).toBe(true);
  });

  it("Neuron chips: inf2 inference, trn1.32xlarge training, no published TDP", () => {
    const inf2 = lookupInstanceType("aws", "inf2.xlarge")!;
    expect(inf2.workloadClass).toBe("inference");
    expect(inf2.tdpWPerDevice).toBeNull();
    const trn1 = lookupInstanceType("aws", "trn1.32xlarge")!;
    expect(trn1.workloadClass).toBe("training");
    expect(trn1.acceleratorCount).toBe(16);
    expect(trn1.tdpWPerDevice).toBeNull();
  });

  it("fractional g6f keeps the GPU share", () => {
    const t = lookupInstanceType("aws", "g6f.large")!;
    expect(t.acceleratorCount).toBe(0.125);
    expect(t.workloadClass).toBe("graphics");
  });

  it("is case-insensitive and trims", () => {
    const t = lookupInstanceType("aws", "  P4D.24XLarge \n");
    expect(t?.name).toBe("p4d.24xlarge");
    expect(t?.requestedName).toBe("P4D.24XLarge");
    expect(lookupInstanceType("aws", "ML.G6.XLARGE")?.name).toBe("g6.xlarge");
  });

  it("unknown types: undefined, but accelerated families are recognised", () => {
    expect(lookupInstanceType("aws", "p9.2xlarge")).toBeUndefined();
    expect(looksAccelerated("aws", "p9.2xlarge")).toBe(true);
    expect(looksAccelerated("aws", "p7.48xlarge")).toBe(true);
    expect(looksAccelerated("aws", "ml.p9.2xlarge")).toBe(true);
    expect(looksAccelerated("aws", "trn3.48xlarge")).toBe(true);
    expect(lookupInstanceType("aws", "m5.large")).toBeUndefined();
    expect(looksAccelerated("aws", "m5.large")).toBe(false);
    expect(looksAccelerated("aws", "ml.m5.large")).toBe(false);
    expect(looksAccelerated("aws", "c7g.xlarge")).toBe(false);
  });

  it("offered but uncatalogued types are accelerated and have regions, but no classification", () => {
    expect(lookupInstanceType("aws", "g7e.2xlarge")).toBeUndefined();
    expect(looksAccelerated("aws", "g7e.2xlarge")).toBe(true);
    const u = lookupUncatalogedOffering("aws", "g7e.2xlarge");
    expect(u?.regions.length).toBeGreaterThan(0);
    // SageMaker type whose EC2 twin is not in the catalog.
    expect(lookupInstanceType("aws", "ml.g7e.2xlarge")).toBeUndefined();
    expect(lookupSageMakerType("ml.g7e.2xlarge")?.ec2TwinInCatalog).toBe(false);
  });

  it("a GCP name is not an AWS type and vice versa", () => {
    expect(lookupInstanceType("aws", "a3-highgpu-8g")).toBeUndefined();
    expect(lookupInstanceType("gcp", "p4d.24xlarge")).toBeUndefined();
  });
});

describe("lookupInstanceType: GCP", () => {
  it("a3-highgpu-8g is 8× H100, training class", () => {
    const t = lookupInstanceType("gcp", "a3-highgpu-8g")!;
    expect(t.acceleratorModel).toBe("NVIDIA H100 SXM 80GB");
    expect(t.acceleratorCount).toBe(8);
    expect(t.workloadClass).toBe("training");
    expect(t.gcpAcceleratorToken).toBe("nvidia-h100-80gb");
    expect(t.regions.length).toBeGreaterThan(0);
  });

  it("g2-standard-4 is 1× L4, inference, offered in europe-west4", () => {
    const t = lookupInstanceType("gcp", "g2-standard-4")!;
    expect(t.acceleratorModel).toBe("NVIDIA L4");
    expect(t.acceleratorCount).toBe(1);
    expect(t.workloadClass).toBe("inference");
    expect(t.regions).toContain("europe-west4");
  });

  it("accepts self-links", () => {
    expect(lookupInstanceType("gcp", "projects/p/zones/us-central1-a/machineTypes/g2-standard-4")?.name).toBe("g2-standard-4");
    expect(lookupInstanceType("gcp", "https://www.googleapis.com/compute/v1/projects/p/zones/europe-west4-a/machineTypes/a3-highgpu-8g")?.name).toBe(
      "a3-highgpu-8g",
    );
  });

  it("-nolssd variants are derived from their base type", () => {
    const t = lookupInstanceType("gcp", "a3-ultragpu-8g-nolssd")!;
    expect(t.derivedFrom).toBe("a3-ultragpu-8g");
    expect(t.acceleratorModel).toBe("NVIDIA H200 SXM 141GB");
  });

  it("TPU hosts and N1", () => {
    const host = lookupInstanceType("gcp", "ct5lp-hightpu-4t")!;
    expect(host.acceleratorModel).toBe("Google TPU v5e");
    expect(host.acceleratorCount).toBe(4);
    expect(host.tpuSliceType).toBe("v5litepod-4");
    expect(host.tdpWPerDevice).toBeNull();
    // N1 is a CPU machine type; GPUs come from the attached token.
    expect(lookupInstanceType("gcp", "n1-standard-8")).toBeUndefined();
    expect(looksAccelerated("gcp", "n1-standard-8")).toBe(false);
    expect(looksAccelerated("gcp", "g1-small")).toBe(false);
    expect(looksAccelerated("gcp", "e2-medium")).toBe(false);
  });

  it("unknown accelerated GCP families are recognised", () => {
    expect(lookupInstanceType("gcp", "a5-highgpu-8g")).toBeUndefined();
    expect(looksAccelerated("gcp", "a5-highgpu-8g")).toBe(true);
    expect(looksAccelerated("gcp", "a4x-highgpu-4g")).toBe(true);
    expect(looksAccelerated("gcp", "g4-standard-48")).toBe(true);
    expect(looksAccelerated("gcp", "ct7-hightpu-4t")).toBe(true);
    expect(looksAccelerated("gcp", "tpu7x-standard-4t")).toBe(true);
  });
});

describe("lookupTpuType", () => {
  it("v5litepod-8: 8 v5e chips on one host", () => {
    const t = lookupTpuType("v5litepod-8")!;
    expect(t.kind).toBe("tpu");
    expect(t.acceleratorModel).toBe("Google TPU v5e");
    expect(t.acceleratorCount).toBe(8);
    expect(t.hostMachineType).toBe("ct5lp-hightpu-8t");
    expect(t.workloadClass).toBe("both");
    expect(t.generation).toBe("current");
    expect(t.regions.length).toBeGreaterThan(0);
  });

  it("v6e-8, v5p-8 (TensorCores → chips), v4-8 (previous)", () => {
    expect(lookupTpuType("v6e-8")?.acceleratorCount).toBe(8);
    expect(lookupTpuType("v5p-8")?.acceleratorCount).toBe(4);
    expect(lookupTpuType("v5p-8")?.workloadClass).toBe("training");
    expect(lookupTpuType("V4-8")?.generation).toBe("previous");
    expect(lookupTpuType("v2-8")?.generation).toBe("legacy");
    expect(lookupTpuType("ct6e-standard-4t")?.tpuSliceType).toBe("v6e-4");
  });

  it("generation enums and GPU machine types are not slices", () => {
    expect(lookupTpuType("TPU_V5_LITEPOD")).toBeUndefined();
    expect(lookupTpuType("a3-highgpu-8g")).toBeUndefined();
    expect(lookupTpuType("v5litepod-3")).toBeUndefined();
    expect(looksAccelerated("gcp", "v5litepod-3")).toBe(true);
  });
});

describe("lookupGcpAccelerator", () => {
  it("tokens and uppercase aliases", () => {
    const l4 = lookupGcpAccelerator("nvidia-l4")!;
    expect(l4.model).toBe("NVIDIA L4");
    expect(l4.workloadClass).toBe("inference");
    expect(l4.tdpWPerDevice).toBe(72);
    expect(lookupGcpAccelerator("NVIDIA_L4")).toBe(l4);
    expect(lookupGcpAccelerator(" Nvidia-L4 ")).toBe(l4);
    expect(lookupGcpAccelerator("NVIDIA_TESLA_T4")?.token).toBe("nvidia-tesla-t4");
    expect(lookupGcpAccelerator("NVIDIA_TESLA_T4_VWS")?.token).toBe("nvidia-tesla-t4");
    expect(lookupGcpAccelerator("NVIDIA_H100_80GB")?.token).toBe("nvidia-h100-80gb");
    expect(lookupGcpAccelerator("NVIDIA_H100_MEGA_80GB")?.token).toBe("nvidia-h100-mega-80gb");
    expect(lookupGcpAccelerator("TPU_V5_LITEPOD")?.token).toBe("tpu-v5-lite-podslice");
    expect(lookupGcpAccelerator("tpu-v6e-slice")?.model).toBe("Google TPU v6e (Trillium)");
    expect(lookupGcpAccelerator("nvidia-rtx-pro-6000")).toBeUndefined();
  });

  it("K80 is legacy and retired; T4 previous with N1 pairings; P4/P100 legacy", () => {
    const k80 = lookupGcpAccelerator("nvidia-tesla-k80")!;
    expect(k80.generation).toBe("legacy");
    expect(k80.retired).toBe(true);
    expect(k80.regions).toEqual([]);
    const t4 = lookupGcpAccelerator("nvidia-tesla-t4")!;
    expect(t4.generation).toBe("previous");
    expect(t4.workloadClass).toBe("inference");
    expect(t4.n1Pairings?.map((p) => p.acceleratorCount)).toEqual([1, 2, 4]);
    expect(t4.regions.length).toBeGreaterThan(0);
    expect(lookupGcpAccelerator("nvidia-tesla-p4")?.generation).toBe("legacy");
    expect(lookupGcpAccelerator("nvidia-tesla-p100")?.generation).toBe("legacy");
  });

  it("A100 and H100 tokens are training-class from 8 devices", () => {
    expect(lookupGcpAccelerator("nvidia-tesla-a100")?.trainingClassMinCount).toBe(8);
    expect(lookupGcpAccelerator("nvidia-h100-80gb")?.trainingClassMinCount).toBe(8);
    expect(lookupGcpAccelerator("nvidia-h200-141gb")?.workloadClass).toBe("training");
  });

  it("Cloud Run GPU regions", () => {
    const regions = cloudRunGpuRegions("nvidia-l4");
    expect(regions.map((r) => r.region)).toContain("europe-west4");
    expect(regions.find((r) => r.region === "asia-south1")?.availability).toBe("invitation-only");
    expect(cloudRunGpuRegions("NVIDIA_L4")).toEqual(regions);
    expect(cloudRunGpuRegions("nvidia-tesla-t4")).toEqual([]);
    expect(lookupGcpAccelerator("nvidia-l4")?.cloudRunRegions).toContain("us-central1");
  });
});

describe("models, lists, provenance", () => {
  it("acceleratorModel never invents a TDP", () => {
    expect(acceleratorModel("NVIDIA H100 SXM 80GB")?.tdpW).toBe(700);
    expect(acceleratorModel("nvidia h100 sxm 80gb")?.tdpW).toBe(700);
    const trn2 = acceleratorModel("AWS Trainium2")!;
    expect(trn2.tdpW).toBeNull();
    expect(trn2.tdpEstimateW).toBe(500);
    expect(trn2.tdpEstimateBasis).toMatch(/ESTIMATE/);
    for (const m of ["AWS Inferentia", "AWS Inferentia2", "AWS Trainium", "Google TPU v4", "Google TPU v5e", "Google TPU v5p", "Google TPU v6e (Trillium)"]) {
      expect(acceleratorModel(m)?.tdpW, m).toBeNull();
      expect(acceleratorModel(m)?.tdpEstimateW, m).toBeUndefined();
    }
    expect(acceleratorModel("nope")).toBeUndefined();
  });

  it("lists", () => {
    const aws = allInstanceTypes("aws");
    const gcp = allInstanceTypes("gcp");
    expect(aws.length).toBeGreaterThan(50);
    expect(gcp.length).toBeGreaterThan(30);
    expect(allInstanceTypes()).toHaveLength(aws.length + gcp.length);
    expect(aws.every((t) => t.cloud === "aws")).toBe(true);
    expect(gcp.every((t) => t.cloud === "gcp")).toBe(true);
    expect(allGcpAccelerators().map((t) => t.token)).toContain("nvidia-b200");
  });

  it("provenance is exposed", () => {
    expect(ACCELERATOR_DATA_INFO.availability.aws.commit).toBe("0af643a5dbfc");
    expect(ACCELERATOR_DATA_INFO.availability.gcp.commit).toBe("62ff0a987e0c");
    expect(ACCELERATOR_DATA_INFO.availability.sagemaker.note).toMatch(/upper bound/i);
    expect(ACCELERATOR_DATA_INFO.sources["S-VANTAGE-SMI"]).toBeDefined();
    // Every source key referenced anywhere is described.
    const keys = new Set(Object.keys(ACCELERATOR_DATA_INFO.sources));
    for (const t of allInstanceTypes()) for (const s of t.sources) expect(keys.has(s), `${t.name}: ${s}`).toBe(true);
    for (const t of allGcpAccelerators()) for (const s of t.sources) expect(keys.has(s), `${t.token}: ${s}`).toBe(true);
  });

  it("returned data is frozen", () => {
    const t = allInstanceTypes("aws")[0]!;
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.regions)).toBe(true);
  });
});
