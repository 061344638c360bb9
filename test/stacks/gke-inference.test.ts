// Tier 3: the gke-inference blueprint (vLLM on GKE L4 nodes, a KEDA ScaledObject from zero pods, an
// L4 pool from zero nodes) under Pulumi's mocks with Pulumi.gke-inference.yaml, then through the
// policy pack over gRPC: the Kubernetes objects are placed on the cluster their provider's
// kubeconfig comes from. Build first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { regionFacts } from "../../src/data/regions";
import type { Session } from "../harness";
import { allDiagnostics, brief, checkWithPack, mutated, openPack, type PackReport } from "./pack-check";
import { runStack, type StackRun } from "./mock-run";

const ZONE = "northamerica-northeast1-b";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";

let run: StackRun;
let session: Session;
let report: PackReport;

beforeAll(async () => {
  run = await runStack("gke-inference");
  session = await openPack(run);
  report = await checkWithPack(session, run);
});
afterAll(async () => session?.close());

const deployment = () => run.ofType(DEPLOYMENT)[0]!;
const scaler = () => run.ofType(SCALED_OBJECT)[0]!;

describe("gke-inference blueprint under mocks", () => {
  it("runs in a zone of a region under the default limit", () => {
    expect(run.config).toMatchObject({ "carbonguard:blueprint": "gke-inference", "gcp:zone": ZONE });
    expect(regionFacts("gcp", "northamerica-northeast1")!.gridIntensity!.value).toBeLessThanOrEqual(150);
    expect(run.outputs["region"]).toBe("northamerica-northeast1");
  });

  it("gives the Kubernetes provider a kubeconfig built from the cluster (the engine records the dependency)", () => {
    const [provider] = run.ofType("pulumi:providers:kubernetes");
    const [cluster] = run.ofType("gcp:container/cluster:Cluster");
    expect(provider!.propertyDependencies["kubeconfig"]).toContain(cluster!.urn);
    expect(deployment().provider?.startsWith(provider!.urn)).toBe(true);
  });

  it("serves on one L4 per pod from zero replicas, scaled by KEDA from minReplicaCount 0", () => {
    const spec = deployment().inputs["spec"] as { replicas: number; template: { spec: { nodeSelector: Record<string, string>; containers: { resources: { limits: Record<string, string> } }[] } } };
    expect(spec.replicas).toBe(0);
    expect(spec.template.spec.nodeSelector).toEqual({ "cloud.google.com/gke-accelerator": "nvidia-l4" });
    expect(spec.template.spec.containers[0]!.resources.limits).toEqual({ "nvidia.com/gpu": "1" });
    expect(scaler().inputs).toMatchObject({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", spec: { minReplicaCount: 0, maxReplicaCount: 2 } });
    const pool = run.ofType("gcp:container/nodePool:NodePool").find((p) => p.name.endsWith("-l4"))!;
    expect(pool.inputs["autoscaling"]).toEqual({ minNodeCount: 0, maxNodeCount: 2 });
  });
});

describe("gke-inference through the policy pack (gRPC, default config)", () => {
  it("reports nothing, per resource or for the stack", () => {
    expect(report.resourceDiagnostics.map(brief)).toEqual([]);
    expect(report.stackDiagnostics.map(brief)).toEqual([]);
  });
});

describe("gke-inference negative controls (the pack checks what the blueprint relies on)", () => {
  it("without the ScaledObject, the Deployment's replicas hold: reported only if above zero", async () => {
    const noScaler: StackRun = { ...run, registrations: run.registrations.filter((r) => r.type !== SCALED_OBJECT), resources: run.resources.filter((r) => r.type !== SCALED_OBJECT) };
    const atOne = mutated(noScaler, deployment().name, (p) => ((p["spec"] as Record<string, unknown>)["replicas"] = 1));
    const broken = await checkWithPack(session, atOne);
    expect(allDiagnostics(broken).filter((d) => d.policyName === "ml-autoscale-to-zero").map((d) => d.urn)).toEqual([deployment().urn]);
  });

  it("a ScaledObject with minReplicaCount 1 is reported", async () => {
    const broken = await checkWithPack(session, mutated(run, scaler().name, (p) => ((p["spec"] as Record<string, unknown>)["minReplicaCount"] = 1)));
    expect(allDiagnostics(broken).filter((d) => d.policyName === "ml-autoscale-to-zero").map((d) => d.urn)).toEqual([scaler().urn]);
  });

  it("the same cluster in us-east1 puts the Deployment over the region limit", async () => {
    const cluster = run.ofType("gcp:container/cluster:Cluster")[0]!;
    const broken = await checkWithPack(session, mutated(run, cluster.name, (p) => (p["location"] = "us-east1-b")));
    expect(allDiagnostics(broken).filter((d) => d.policyName === "ml-clean-energy-region").map((d) => d.urn)).toContain(deployment().urn);
  });
});
