// Tier 3: the gcp-training blueprint (GKE with a Spot accelerator pool from zero) under Pulumi's mocks
// with Pulumi.gcp-training.yaml, then through the policy pack over gRPC. Build first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { lookupGcpAccelerator, lookupInstanceType } from "../../src/data/accelerators";
import { regionFacts } from "../../src/data/regions";
import type { Session } from "../harness";
import { allDiagnostics, brief, checkWithPack, evaluatedBy, mutated, openPack, skippedBy, type PackReport } from "./pack-check";
import { MOCK_GCP_PROJECT, runStack, type StackRun } from "./mock-run";

const ZONE = "europe-west9-c";
const LABELS = { "ml-workload": "training", team: "ml-platform" };

let run: StackRun;
let session: Session;
let report: PackReport;

beforeAll(async () => {
  run = await runStack("gcp-training");
  session = await openPack(run);
  report = await checkWithPack(session, run);
});
afterAll(async () => session?.close());

const pools = () => run.ofType("gcp:container/nodePool:NodePool");
const accelPool = () => pools().find((p) => p.name.endsWith("-accel-spot"))!;
const systemPool = () => pools().find((p) => p.name.endsWith("-system"))!;

describe("gcp-training blueprint under mocks", () => {
  it("reads the zone from the stack config; the region is under the default limit and offers the GPU there", () => {
    expect(run.config).toMatchObject({ "carbonguard:blueprint": "gcp-training", "gcp:zone": ZONE, "gcp:region": "europe-west9" });
    expect(run.outputs["zone"]).toBe(ZONE);
    expect(regionFacts("gcp", "europe-west9")!.gridIntensity!.value).toBeLessThanOrEqual(150);
    const machine = lookupInstanceType("gcp", "a3-highgpu-1g")!;
    expect([machine.generation, machine.regions.includes("europe-west9")]).toEqual(["current", true]);
    expect(["training", "both"]).toContain(machine.workloadClass);
    expect(lookupGcpAccelerator("nvidia-h100-80gb")!.regions).toContain("europe-west9");
  });

  it("creates a zonal Standard cluster without its default pool, with workload identity", () => {
    const [cluster] = run.ofType("gcp:container/cluster:Cluster");
    expect(run.ofType("gcp:container/cluster:Cluster")).toHaveLength(1);
    expect(cluster!.inputs).toMatchObject({
      location: ZONE,
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      workloadIdentityConfig: { workloadPool: `${MOCK_GCP_PROJECT}.svc.id.goog` },
      clusterAutoscaling: { autoscalingProfile: "OPTIMIZE_UTILIZATION" },
      resourceLabels: expect.objectContaining(LABELS),
    });
    expect(cluster!.inputs["enableAutopilot"]).toBeUndefined();
    expect(cluster!.inputs["nodeConfig"]).toBeUndefined();
  });

  it("has exactly two pools: one small on-demand CPU system node, and a Spot H100 pool that autoscales from 0", () => {
    expect(pools()).toHaveLength(2);
    const sys = systemPool();
    expect(sys.inputs).toMatchObject({ location: ZONE, nodeCount: 1, nodeConfig: expect.objectContaining({ machineType: "e2-standard-2" }) });
    expect((sys.inputs["nodeConfig"] as Record<string, unknown>)["guestAccelerators"]).toBeUndefined();

    const pool = accelPool();
    expect(pool.inputs["location"]).toBe(ZONE);
    expect(pool.inputs["initialNodeCount"]).toBe(0);
    expect(pool.inputs["autoscaling"]).toEqual({ minNodeCount: 0, maxNodeCount: 4, locationPolicy: "ANY" });
    expect(pool.inputs["nodeCount"]).toBeUndefined();
    expect(pool.inputs["ignoreNodeCountChanges"]).toBe(true);
    expect(pool.ignoreChanges).toEqual(["initialNodeCount", "nodeCount"]);
    const node = pool.inputs["nodeConfig"] as Record<string, unknown>;
    expect(node["spot"]).toBe(true);
    expect(node["machineType"]).toBe("a3-highgpu-1g");
    expect(node["guestAccelerators"]).toEqual([{ type: "nvidia-h100-80gb", count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "LATEST" } }]);
    expect(node["workloadMetadataConfig"]).toEqual({ mode: "GKE_METADATA" });
    expect(node["resourceLabels"]).toMatchObject(LABELS);
  });

  it("runs nodes as a dedicated service account with the GKE node role and image pulls only", () => {
    const nodeSa = run.ofType("gcp:serviceaccount/account:Account").find((a) => a.name.endsWith("-nodes"))!;
    for (const pool of pools()) expect((pool.inputs["nodeConfig"] as Record<string, unknown>)["serviceAccount"]).toBe(nodeSa.outputs["email"]);
    const members = run.ofType("gcp:projects/iAMMember:IAMMember").map((m) => [m.inputs["role"], m.inputs["member"]]);
    expect(members).toEqual([
      ["roles/container.defaultNodeServiceAccount", `serviceAccount:${String(nodeSa.outputs["email"])}`],
      ["roles/artifactregistry.reader", `serviceAccount:${String(nodeSa.outputs["email"])}`],
    ]);
  });

  it("lets training pods (workload identity) use this bucket's objects, and nothing project-wide", () => {
    const trainer = run.ofType("gcp:serviceaccount/account:Account").find((a) => a.name.endsWith("-trainer"))!;
    const [bucket] = run.ofType("gcp:storage/bucket:Bucket");
    const [bucketMember] = run.ofType("gcp:storage/bucketIAMMember:BucketIAMMember");
    expect(bucketMember!.inputs).toEqual({ bucket: bucket!.outputs["name"], role: "roles/storage.objectUser", member: `serviceAccount:${String(trainer.outputs["email"])}` });
    const [wi] = run.ofType("gcp:serviceaccount/iAMMember:IAMMember");
    expect(wi!.inputs).toEqual({ serviceAccountId: trainer.outputs["name"], role: "roles/iam.workloadIdentityUser", member: `serviceAccount:${MOCK_GCP_PROJECT}.svc.id.goog[training/trainer]` });
  });

  it("keeps datasets and checkpoints in a private regional bucket whose checkpoints expire", () => {
    const [bucket] = run.ofType("gcp:storage/bucket:Bucket");
    expect(bucket!.inputs).toMatchObject({ location: "EUROPE-WEST9", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", labels: expect.objectContaining(LABELS) });
    expect(bucket!.inputs["lifecycleRules"]).toEqual([
      { action: { type: "Delete" }, condition: { age: 30, matchesPrefixes: ["checkpoints/"] } },
      { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } },
    ]);
  });
});

describe("gcp-training through the policy pack (gRPC, default config)", () => {
  it("analyzes every registered resource and reports nothing", () => {
    expect(report.analyzed).toBe(run.registrations.length);
    expect(report.resourceDiagnostics.map(brief)).toEqual([]);
    expect(evaluatedBy(report, accelPool().urn)).toContain("ml-clean-energy-region");
    expect(skippedBy(report, accelPool().urn, ["ml-clean-energy-region", "ml-workload-declared", "accelerator-fits-workload", "accelerator-current-generation", "ml-training-guardrails"])).toEqual([]);
  });

  it("passes the stack-level analysis", () => {
    expect(report.stackDiagnostics.map(brief)).toEqual([]);
  });
});

describe("gcp-training negative controls (the pack checks what the blueprint relies on)", () => {
  it("the accelerator pool without Spot is reported by ml-training-guardrails", async () => {
    if (!report.policies.includes("ml-training-guardrails")) return;
    const pool = accelPool();
    const broken = await checkWithPack(session, mutated(run, pool.name, (p) => { delete (p["nodeConfig"] as Record<string, unknown>)["spot"]; }));
    expect(allDiagnostics(broken).filter((d) => d.policyName === "ml-training-guardrails").map((d) => d.urn)).toContain(pool.urn);
  });

  it("the accelerator pool without its workload label is reported by ml-workload-declared", async () => {
    if (!report.policies.includes("ml-workload-declared")) return;
    const pool = accelPool();
    const broken = await checkWithPack(session, mutated(run, pool.name, (p) => { delete (p["nodeConfig"] as { resourceLabels: Record<string, string> }).resourceLabels["ml-workload"]; }));
    expect(allDiagnostics(broken).filter((d) => d.policyName === "ml-workload-declared").map((d) => d.urn)).toEqual([pool.urn]);
  });
});
