/**
 * The accelerator catalog builder on small inline fixtures (never reads ../shared).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import {
  buildCatalogFromInputs,
  catalogTypeName,
  parseSourceKeys,
  refreshAccelerators,
  serializeCatalog,
  type AcceleratorInputs,
} from "../../region-data/refresh/accelerators";
import { parseCsv, parseCsvObjects } from "../../region-data/refresh/csv";

const SPECS = `accelerator_model,vendor,architecture,chip_year,memory_gb_per_device,memory_type,tdp_w,tdp_basis,sources
NVIDIA L4,NVIDIA,Ada Lovelace,2023,24,GDDR6,72,measured,S-VANTAGE-SMI
NVIDIA V100 SXM2 16GB,NVIDIA,Volta,2017,16,HBM2,300,datasheet,S-NV-DATASHEET
NVIDIA K80 (1 GK210 die),NVIDIA,Kepler,2014,12,GDDR5,150,"board TDP 300 W / 2 dies (datasheet)",S-NV-DATASHEET
NVIDIA H100 SXM 80GB,NVIDIA,Hopper,2022,80,HBM3,700,measured,S-VANTAGE-SMI
AWS Trainium2,AWS,NeuronCore-v3,2024,96,HBM,,not published,S-NEURON-DOCS;S-NAND-TRN2
Google TPU v5e,Google,TPU v5e,2023,16,HBM2,,not published,S-GCP-TPU
Google TPU v4,Google,TPU v4,2021,32,HBM2,,not published,S-GCP-TPU
Google TPU v5p,Google,TPU v5p,2023,95,HBM2e,,not published,S-GCP-TPU
Google TPU v6e (Trillium),Google,TPU v6e,2024,32,HBM,,not published,S-GCP-TPU
`;

const CAT_HEADER =
  "provider,platform,family,instance_type,accelerator_vendor,accelerator_model,accelerator_architecture,accelerator_chip_year,accelerator_count,accel_memory_per_device_gb,accel_memory_total_gb,vcpu,ram_gib,accel_tdp_w_per_device,accel_tdp_total_w,tdp_basis,instance_launch_year,intended_workload,workload_notes,generation_status,multi_accelerator_interconnect,sagemaker_hosting,sagemaker_training,sagemaker_notebook_instance,sagemaker_studio_app,gcp_accelerator_type,notes,sources";

function catalogCsv(extra = ""): string {
  return `${CAT_HEADER}
aws,ec2,g6,g6.xlarge,NVIDIA,NVIDIA L4,Ada Lovelace,2023,1,24,24,4,16,72,72,measured,2024,inference,"inference, graphics",current,PCIe,yes,yes,yes,yes,,,S-VANTAGE-SMI
aws,ec2,p3,p3.2xlarge,NVIDIA,NVIDIA V100 SXM2 16GB,Volta,2017,1,16,16,8,61,300,300,datasheet,2017,training,Volta,previous,,yes,yes,yes,yes,,,S-NV-DATASHEET
aws,ec2,p2,p2.xlarge,NVIDIA,NVIDIA K80 (1 GK210 die),Kepler,2014,1,12,12,4,61,150,150,datasheet,2016,training,Kepler,legacy,,yes,yes,yes,no,,,S-NV-DATASHEET
aws,ec2,trn2u,trn2u.48xlarge,AWS,AWS Trainium2,NeuronCore-v3,2024,16,96,1536,192,2048,,,not published,2024,both,UltraServer,current,,no,no,no,no,,,S-NEURON-DOCS
gcp,compute-engine,g2,g2-standard-4,NVIDIA,NVIDIA L4,Ada Lovelace,2023,1,24,24,4,16,72,72,measured,2023,inference,G2,current,PCIe,,,,,nvidia-l4,,S-GCP-GPU
gcp,compute-engine,a3-highgpu,a3-highgpu-8g,NVIDIA,NVIDIA H100 SXM 80GB,Hopper,2022,8,80,640,208,1872,700,5600,measured,2023,training,A3,current,NVLink,,,,,nvidia-h100-80gb,,S-GCP-GPU
gcp,compute-engine,a3-highgpu,a3-highgpu-1g,NVIDIA,NVIDIA H100 SXM 80GB,Hopper,2022,1,80,80,26,234,700,700,measured,2024,both,A3,current,,,,,,nvidia-h100-80gb,,S-GCP-GPU
gcp,compute-engine,n1+nvidia-tesla-v100,n1-*+1xnvidia-tesla-v100,NVIDIA,NVIDIA V100 SXM2 16GB,Volta,2017,1,16,16,12,78,300,300,datasheet,2018,training,N1,previous,,,,,,nvidia-tesla-v100,verify,S-GCP-GPU-N1
gcp,tpu-vm,tpu-v5e,ct5lp-hightpu-4t (v5litepod-4),Google,Google TPU v5e,TPU v5e,2023,4,16,64,112,192,,,not published,2023,both,v5e,current,,,,,,v5litepod-4,,S-GCP-TPU
gcp,tpu-vm,tpu-v4,ct4p-hightpu-4t (v4-8 host),Google,Google TPU v4,TPU v4,2021,4,32,128,240,407,,,not published,2022,training,v4,previous,,,,,,v4-8,,S-GCP-TPU
gcp,tpu-vm,tpu-v5p,ct5p-hightpu-4t (v5p-8 host),Google,Google TPU v5p,TPU v5p,2023,4,95,380,208,448,,,not published,2023,training,v5p,current,,,,,,v5p-8,,S-GCP-TPU
gcp,tpu-vm,tpu-v6e,ct6e-standard-4t (v6e-4),Google,Google TPU v6e (Trillium),TPU v6e,2024,4,32,128,180,720,,,not published,2024,both,v6e,current,,,,,,v6e-4,,S-GCP-TPU
${extra}`;
}

const AWS_AVAIL = `instance_type,family,accelerator,region,az_ids,source,snapshot_date
g6.xlarge,g6,NVIDIA L4 x1,us-east-1,use1-az1,getmoto/moto@0af643a5dbfc,2026-08-01
g6.xlarge,g6,NVIDIA L4 x1,eu-north-1,eun1-az1,getmoto/moto@0af643a5dbfc,2026-07-01
g7e.2xlarge,g7e,NVIDIA RTX PRO 6000 x1,us-west-2,usw2-az1,getmoto/moto@0af643a5dbfc,2026-08-01
`;

const GCP_AVAIL = `machine_type_or_accelerator,kind,accelerator,region,zones,source,snapshot_date
g2-standard-4,machine,nvidia-l4 x1,europe-west4,europe-west4-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
g2-standard-4,machine,nvidia-l4 x1,us-central1,us-central1-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
a3-highgpu-8g,machine,nvidia-h100-80gb x8,us-central1,us-central1-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
a3-highgpu-1g,machine,nvidia-h100-80gb x1,us-central1,us-central1-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
a3-highgpu-8g-nolssd,machine,nvidia-h100-80gb x8,us-east4,us-east4-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
nvidia-l4,gpu,nvidia-l4 x1|2|4|8,europe-west4,europe-west4-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
nvidia-h100-80gb,gpu,nvidia-h100-80gb x1|2|4|8,us-central1,us-central1-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
nvidia-tesla-v100,gpu,nvidia-tesla-v100 x1|2|4|8,us-central1,us-central1-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
ct5lp-hightpu-4t,machine,TPU v5e x4 (= v5litepod-4),us-west4,us-west4-a,derived from v5litepod-4 (anycloud-sh/catalog@62ff0a987e0c),2026-05-20
v5litepod-4,tpu,TPU v5e (chips) 4,us-west4,us-west4-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
v5litepod-16,tpu,TPU v5e (chips) 16,us-west4,us-west4-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
v4-8,tpu,TPU v4 (TensorCores) 8,us-central2,us-central2-b,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
v5p-8,tpu,TPU v5p (TensorCores) 8,us-east5,us-east5-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
v6e-4,tpu,TPU v6e Trillium (chips) 4,us-east5,us-east5-b,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
v2-8,tpu,TPU v2 (cores) 8,us-central1,us-central1-b,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
v3-8,tpu,TPU v3 (cores) 8,europe-west4,europe-west4-a,anycloud-sh/catalog@62ff0a987e0c,2026-05-20
tpu7x,tpu,TPU7x Ironwood (all slice sizes),us-central1,us-central1-c,docs.cloud.google.com/tpu/docs/regions-zones (North America section only),2026
`;

const CLOUDRUN = `gpu_type,region,availability,applies_to,source,snapshot_date
nvidia-l4,us-central1,GA,services,cloud run docs,undated
nvidia-l4,asia-south1,invitation-only,services,cloud run docs,undated
`;

const SAGEMAKER = `ml_instance_type,ec2_equivalent,hosting,training,notebook_instance,studio_app,processing,batch_transform,hyperpod_cluster,source
ml.g6.xlarge,g6.xlarge,yes,yes,yes,yes,yes,yes,yes,S-AWS-SDK-SAGEMAKER
ml.g7e.2xlarge,g7e.2xlarge,yes,yes,yes,yes,yes,no,yes,S-AWS-SDK-SAGEMAKER
`;

const SOURCES_MD = `# Sources

## Source keys

| Key | Source | Used for |
|---|---|---|
| S-VANTAGE-SMI | vantage-sh/ec2instances.info (commit 4ef36cd2c986, 2026-07-20) | TDP |
| S-NV-DATASHEET | NVIDIA datasheets – recollection | legacy TDPs |
| S-NEURON-DOCS | aws-neuron docs (commit 81ce03ae, 2026-08-21) | Neuron |
| S-NAND-TRN2 | analyst note | ~500 W |
| S-GCP-TPU | TPU docs | TPU |
| S-GCP-GPU | GPU docs | tokens |
| S-GCP-GPU-N1 / S-OTHER | N1 docs – recollection | N1 |
| S-AWS-SDK-SAGEMAKER | @aws-sdk/client-sagemaker | ml.* |
| S-PULUMI-DTS | @pulumi/* .d.ts | enums |

## Known gaps
`;

function inputs(catalogExtra = ""): AcceleratorInputs {
  return {
    specs: parseCsvObjects(SPECS),
    catalog: parseCsvObjects(catalogCsv(catalogExtra)),
    awsAvailability: parseCsvObjects(AWS_AVAIL),
    gcpAvailability: parseCsvObjects(GCP_AVAIL),
    cloudRun: parseCsvObjects(CLOUDRUN),
    sagemaker: parseCsvObjects(SAGEMAKER),
    sourcesMd: SOURCES_MD,
  };
}

describe("csv parser", () => {
  it("handles quoted fields with commas, doubled quotes, line breaks, CRLF and a BOM", () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"multi\nline",\r\n\r\n3,,z';
    expect(parseCsv(text)).toEqual([
      ["a", "b", "c"],
      ["1", "x, y", 'say "hi"'],
      ["2", "multi\nline", ""],
      ["3", "", "z"],
    ]);
    expect(parseCsvObjects(text)[0]).toEqual({ a: "1", b: "x, y", c: 'say "hi"' });
  });

  it("rejects an unterminated quote and a ragged record", () => {
    expect(() => parseCsv('a,b\n1,"open')).toThrow();
    expect(() => parseCsvObjects("a,b\n1,2,3\n")).toThrow();
  });
});

describe("catalog builder (fixtures)", () => {
  const data = buildCatalogFromInputs(inputs());

  it("annotated GCP names", () => {
    expect(catalogTypeName("ct5lp-hightpu-4t (v5litepod-4)")).toBe("ct5lp-hightpu-4t");
    expect(catalogTypeName("g2-standard-4")).toBe("g2-standard-4");
  });

  it("regions, retirement and UltraServer exception", () => {
    expect(data.instanceTypes.aws["g6.xlarge"]?.regions).toEqual(["eu-north-1", "us-east-1"]);
    expect(data.instanceTypes.aws["p3.2xlarge"]?.retired).toBe(true);
    expect(data.instanceTypes.aws["p3.2xlarge"]?.regions).toEqual([]);
    expect(data.instanceTypes.aws["trn2u.48xlarge"]?.retired).toBe(false);
    expect(data.instanceTypes.aws["trn2u.48xlarge"]?.regionsUnknown).toBe(true);
  });

  it("TDP estimates are separate and marked", () => {
    expect(data.accelerators["AWS Trainium2"]?.tdpW).toBeNull();
    expect(data.accelerators["AWS Trainium2"]?.tdpEstimateW).toBe(500);
    expect(data.accelerators["NVIDIA L4"]?.tdpEstimateW).toBeUndefined();
    expect(data.instanceTypes.aws["trn2u.48xlarge"]?.tdpWPerDevice).toBeNull();
  });

  it("N1 rows become token pairings, not machine types", () => {
    expect(Object.keys(data.instanceTypes.gcp).some((k) => k.startsWith("n1-"))).toBe(false);
    const v100 = data.gcpAcceleratorTokens["nvidia-tesla-v100"];
    expect(v100?.n1Pairings?.[0]?.maxVcpu).toBe(12);
    expect(v100?.generation).toBe("previous");
    expect(v100?.allowedCounts).toEqual([1, 2, 4, 8]);
  });

  it("K80 token is classified from the p2 rows and retired", () => {
    const k80 = data.gcpAcceleratorTokens["nvidia-tesla-k80"];
    expect(k80?.generation).toBe("legacy");
    expect(k80?.workloadClass).toBe("training");
    expect(k80?.retired).toBe(true);
  });

  it("H100 token: smallest configuration class + training from 8 devices", () => {
    const h100 = data.gcpAcceleratorTokens["nvidia-h100-80gb"];
    expect(h100?.workloadClass).toBe("both");
    expect(h100?.trainingClassMinCount).toBe(8);
    expect(h100?.machineTypes).toEqual(["a3-highgpu-1g", "a3-highgpu-8g"]);
  });

  it("-nolssd variants, TPU slices and TPU tokens", () => {
    expect(data.instanceTypes.gcp["a3-highgpu-8g-nolssd"]?.derivedFrom).toBe("a3-highgpu-8g");
    expect(data.instanceTypes.gcp["a3-highgpu-8g-nolssd"]?.regions).toEqual(["us-east4"]);
    expect(data.instanceTypes.gcp["v5litepod-4"]?.hostMachineType).toBe("ct5lp-hightpu-4t");
    expect(data.instanceTypes.gcp["v5litepod-4"]?.vcpu).toBe(112);
    expect(data.instanceTypes.gcp["v5litepod-16"]?.acceleratorCount).toBe(16);
    expect(data.instanceTypes.gcp["v5litepod-16"]?.vcpu).toBeNull();
    expect(data.instanceTypes.gcp["v4-8"]?.acceleratorCount).toBe(4);
    expect(data.instanceTypes.gcp["v2-8"]?.generation).toBe("legacy");
    expect(data.gcpAcceleratorTokens["tpu-v5-lite-podslice"]?.regions).toEqual(["us-west4"]);
    expect(data.gcpAcceleratorAliases["TPU_V5_LITEPOD"]).toBe("tpu-v5-lite-podslice");
    expect(data.gcpAcceleratorAliases["NVIDIA_L4"]).toBe("nvidia-l4");
    expect(data.uncatalogedOfferings.gcp["tpu7x"]?.regions).toEqual(["us-central1"]);
  });

  it("SageMaker entries carry the EC2 twin's regions as an upper bound", () => {
    expect(data.sagemaker["ml.g6.xlarge"]?.regionsUpperBound).toEqual(["eu-north-1", "us-east-1"]);
    expect(data.sagemaker["ml.g7e.2xlarge"]?.ec2TwinInCatalog).toBe(false);
    expect(data.sagemaker["ml.g7e.2xlarge"]?.regionsUpperBound).toEqual(["us-west-2"]);
    expect(data.instanceTypes.aws["g6.xlarge"]?.sagemaker?.batchTransform).toBe(true);
    expect(data.uncatalogedOfferings.aws["g7e.2xlarge"]?.accelerator).toBe("NVIDIA RTX PRO 6000 x1");
  });

  it("sources: only used keys, compound keys split, commits parsed", () => {
    expect(data.sources["S-VANTAGE-SMI"]?.commit).toBe("4ef36cd2c986");
    expect(data.sources["S-VANTAGE-SMI"]?.date).toBe("2026-07-20");
    expect(data.sources["S-GCP-GPU-N1"]).toBeDefined();
    expect(data.sources["S-OTHER"]).toBeUndefined();
    expect(data.sources["S-AVAIL-AWS-MOTO"]?.licence).toMatch(/Apache-2.0/);
    expect(parseSourceKeys(SOURCES_MD).get("S-OTHER")?.title).toMatch(/N1 docs/);
    expect(data.availabilitySnapshot.aws.snapshotDates).toEqual({ min: "2026-07-01", max: "2026-08-01" });
  });

  it("fails loudly on unclassifiable rows", () => {
    const bad = "aws,ec2,g6,g6.2xlarge,NVIDIA,NVIDIA L4,Ada Lovelace,2023,1,24,24,8,32,72,72,m,2024,gaming,x,current,,no,no,no,no,,,S-VANTAGE-SMI\n";
    expect(() => buildCatalogFromInputs(inputs(bad))).toThrow(/workload class/);
    const badGen = "aws,ec2,g6,g6.2xlarge,NVIDIA,NVIDIA L4,Ada Lovelace,2023,1,24,24,8,32,72,72,m,2024,inference,x,ancient,,no,no,no,no,,,S-VANTAGE-SMI\n";
    expect(() => buildCatalogFromInputs(inputs(badGen))).toThrow(/generation/);
    const badModel = "aws,ec2,g6,g6.2xlarge,NVIDIA,NVIDIA Z9,Ada Lovelace,2023,1,24,24,8,32,72,72,m,2024,inference,x,current,,no,no,no,no,,,S-VANTAGE-SMI\n";
    expect(() => buildCatalogFromInputs(inputs(badModel))).toThrow(/accelerator-specs/);
    const badFamily = "aws,ec2,x9,x9.2xlarge,NVIDIA,NVIDIA L4,Ada Lovelace,2023,1,24,24,8,32,72,72,m,2024,inference,x,current,,no,no,no,no,,,S-VANTAGE-SMI\n";
    expect(() => buildCatalogFromInputs(inputs(badFamily))).toThrow(/family pattern/);
  });

  it("serialisation is deterministic: sorted keys, trailing newline, insertion order irrelevant", () => {
    const a = serializeCatalog({ b: 1, a: { d: [1, 2], c: null } });
    const b = serializeCatalog({ a: { c: null, d: [1, 2] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{\n "a": {\n  "c": null,\n  "d": [1, 2]\n },\n "b": 1\n}\n');
    expect(serializeCatalog(buildCatalogFromInputs(inputs()))).toBe(serializeCatalog(data));
  });

  it("refreshAccelerators writes the file and re-running changes nothing", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cg-acc-"));
    try {
      const shared = path.join(tmp, "shared");
      const dir = path.join(shared, "accelerators");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "accelerator-specs.csv"), SPECS);
      fs.writeFileSync(path.join(dir, "instance-catalog.csv"), catalogCsv());
      fs.writeFileSync(path.join(dir, "availability-aws-ec2.csv"), AWS_AVAIL);
      fs.writeFileSync(path.join(dir, "availability-gcp.csv"), GCP_AVAIL);
      fs.writeFileSync(path.join(dir, "cloudrun-gpu-regions.csv"), CLOUDRUN);
      fs.writeFileSync(path.join(dir, "sagemaker-ml-accelerated-types.csv"), SAGEMAKER);
      fs.writeFileSync(path.join(dir, "SOURCES.md"), SOURCES_MD);
      const project = path.join(tmp, "project");
      fs.mkdirSync(project);
      refreshAccelerators(project, shared);
      const out = path.join(project, "region-data", "accelerators.json");
      const first = fs.readFileSync(out, "utf8");
      expect(first.endsWith("}\n")).toBe(true);
      expect(JSON.parse(first)).toEqual(JSON.parse(JSON.stringify(data)));
      const mtime = fs.statSync(out).mtimeMs;
      refreshAccelerators(project, shared);
      expect(fs.readFileSync(out, "utf8")).toBe(first);
      expect(fs.statSync(out).mtimeMs).toBe(mtime);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
