// Tier 3: the gcp-inference blueprint (Cloud Run v2 on one L4, min 0 instances) under Pulumi's mocks
// with Pulumi.gcp-inference.yaml, then through the policy pack over gRPC. Build first.
//
// No Cloud Run GPU region is under the default maxGridIntensity (150): the cleanest, europe-west1, is
// at 180. The stack documents an explicit exception (stacks/policy-config/gcp-inference.json); this
// test shows both sides: at the default config exactly that one violation, with the stack's policy
// config none.
import * as fs from "node:fs";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cloudRunGpuRegions } from "../../src/data/accelerators";
import { CLOUD_RUN_L4_REGIONS } from "../../stacks/components/gcp-inference";
import { regionFacts } from "../../src/data/regions";
import { PROJECT_ROOT, type Session } from "../harness";
import { allDiagnostics, brief, checkWithPack, evaluatedBy, mutated, openPack, skippedBy, type PackReport } from "./pack-check";
import { runStack, type StackRun } from "./mock-run";

const REGION = "europe-west1";
const POLICY_CONFIG = path.join(PROJECT_ROOT, "stacks", "policy-config", "gcp-inference.json");

let run: StackRun;
let session: Session;
let atDefault: PackReport;
let withException: PackReport;

beforeAll(async () => {
  run = await runStack("gcp-inference");
  session = await openPack(run);
  atDefault = await checkWithPack(session, run);
  await session.reconfigure(POLICY_CONFIG);
  withException = await checkWithPack(session, run);
});
afterAll(async () => session?.close());

const service = () => {
  const found = run.ofType("gcp:cloudrunv2/service:Service");
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("gcp-inference blueprint under mocks", () => {
  it("picks the cleanest region where Cloud Run offers L4 GPUs", () => {
    expect(run.config).toMatchObject({ "carbonguard:blueprint": "gcp-inference", "gcp:region": REGION });
    const offered = cloudRunGpuRegions("nvidia-l4").filter((r) => r.availability === "GA").map((r) => r.region);
    expect(offered.sort()).toEqual([...CLOUD_RUN_L4_REGIONS].sort());
    const intensity = (r: string) => regionFacts("gcp", r)?.gridIntensity?.value ?? Infinity;
    const cleanest = [...offered].sort((a, b) => intensity(a) - intensity(b))[0];
    expect(cleanest).toBe(REGION);
    // …and even the cleanest is above the default limit: the reason for the documented exception.
    expect(intensity(REGION)).toBeGreaterThan(150);
    expect(service().inputs["location"]).toBe(REGION);
  });

  it("serves on one NVIDIA L4 and scales to zero instances (service and revision)", () => {
    const s = service();
    expect(s.inputs["scaling"]).toEqual({ minInstanceCount: 0, maxInstanceCount: 2 });
    const template = s.inputs["template"] as Record<string, unknown>;
    expect(template["scaling"]).toEqual({ minInstanceCount: 0, maxInstanceCount: 2 });
    expect(template["nodeSelector"]).toEqual({ accelerator: "nvidia-l4" });
    expect(template["gpuZonalRedundancyDisabled"]).toBe(true);
    const [container] = template["containers"] as Record<string, unknown>[];
    expect((container!["resources"] as Record<string, unknown>)["limits"]).toEqual({ cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" });
  });

  it("runs as its own service account with no roles, private by default, labelled", () => {
    const [sa] = run.ofType("gcp:serviceaccount/account:Account");
    const template = service().inputs["template"] as Record<string, unknown>;
    expect(template["serviceAccount"]).toBe(sa!.outputs["email"]);
    expect(run.resources.filter((r) => /iam|IAM/.test(r.type))).toEqual([]);
    expect(service().inputs["labels"]).toMatchObject({ "ml-workload": "inference", team: "ml-platform" });
    expect(template["labels"]).toMatchObject({ "ml-workload": "inference", team: "ml-platform" });
  });

  it("ships the policy exception it needs, for that one region only", () => {
    expect(JSON.parse(fs.readFileSync(POLICY_CONFIG, "utf8"))).toEqual({ "ml-clean-energy-region": { allowedRegions: [REGION] } });
  });
});

describe("gcp-inference through the policy pack (gRPC)", () => {
  it("at the default config: exactly one violation, the region of the Cloud Run service", () => {
    expect(atDefault.analyzed).toBe(run.registrations.length);
    expect(atDefault.resourceDiagnostics).toHaveLength(1);
    const [d] = atDefault.resourceDiagnostics;
    expect(d).toMatchObject({ policyName: "ml-clean-energy-region", enforcementLevel: "mandatory", urn: service().urn });
    expect(d!.message).toContain("europe-west1");
    expect(d!.message).toContain("180 gCO2e/kWh");
    expect(atDefault.stackDiagnostics.map(brief)).toEqual([]);
  });

  it("with stacks/policy-config/gcp-inference.json: nothing", () => {
    expect(withException.resourceDiagnostics.map(brief)).toEqual([]);
    expect(withException.stackDiagnostics.map(brief)).toEqual([]);
    expect(evaluatedBy(withException, service().urn)).toContain("ml-clean-energy-region");
    expect(skippedBy(withException, service().urn, ["ml-clean-energy-region", "ml-workload-declared", "accelerator-fits-workload", "accelerator-current-generation", "ml-autoscale-to-zero"])).toEqual([]);
  });
});

describe("gcp-inference negative controls (the pack checks what the blueprint relies on)", () => {
  it("one warm instance (minInstanceCount 1) is reported by ml-autoscale-to-zero", async () => {
    if (!withException.policies.includes("ml-autoscale-to-zero")) return;
    const s = service();
    const broken = await checkWithPack(session, mutated(run, s.name, (p) => {
      ((p["template"] as Record<string, unknown>)["scaling"] as Record<string, unknown>)["minInstanceCount"] = 1;
      (p["scaling"] as Record<string, unknown>)["minInstanceCount"] = 1;
    }));
    expect(allDiagnostics(broken).filter((d) => d.policyName === "ml-autoscale-to-zero").map((d) => d.urn)).toContain(s.urn);
  });
});
