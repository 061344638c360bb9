/** The estimator on Kubernetes workloads: devices per pod × pods, floor at the minimum, ceiling at the maximum, on the node type selected. */
import { describe, expect, it } from "vitest";
import { estimateStack } from "../../src/estimate";
import { buildStackView } from "../../src/engine/view";
import type { StackRuleExample } from "../../src/engine/rule";
import { UNKNOWN_STRING, gpuDeployment, gpuJob, hpa, inferenceService, onEks, onGke, scaledObject } from "../../src/rules/kubernetes-examples";

type R = StackRuleExample["resources"][number];
const urn = (r: R) => `urn:pulumi:dev::p::${r.type}::${r.name}`;

function stackOf(resources: readonly R[]) {
  const byName = new Map(resources.map((r) => [r.name, urn(r)] as const));
  return buildStackView(
    resources.map((r) => ({
      urn: urn(r),
      type: r.type,
      name: r.name,
      props: r.props,
      links: {
        ...(r.provider ? { provider: byName.get(r.provider)! } : {}),
        dependencies: (r.dependencies ?? []).map((d) => byName.get(d)!),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, v.map((d) => byName.get(d)!)])),
      },
    })),
  );
}

function estimateOf(resources: readonly R[], name: string) {
  const e = estimateStack(stackOf(resources));
  return e.resources.find((r) => r.name === name)!;
}

describe("Kubernetes workloads in the estimate", () => {
  it("counts replicas × GPUs on the selected GKE accelerator, in the cluster's region", () => {
    const e = estimateOf(onGke("europe-west4", gpuDeployment(3)), "llm");
    expect(e.status).toBe("estimated");
    if (e.status !== "estimated") return;
    expect(e.parts[0]?.units.floor).toBe(3);
    expect(e.parts[0]?.units.ceiling).toBe(3);
    expect(e.region).toBe("europe-west4");
  });

  it("takes the floor at KEDA's minimum and the ceiling at its maximum; an HPA's floor is at least 1", () => {
    const keda = estimateOf(onGke("europe-west4", gpuDeployment(1), scaledObject("llm", 0)), "llm");
    expect(keda.status === "estimated" && keda.parts[0]?.units).toMatchObject({ floor: 0, ceiling: 4 });
    const withHpa = estimateOf(onGke("europe-west4", gpuDeployment(1), hpa("llm", 1)), "llm");
    expect(withHpa.status === "estimated" && withHpa.parts[0]?.units).toMatchObject({ floor: 1, ceiling: 4 });
    const kserve = estimateOf(onGke("europe-west4", inferenceService(0)), "llama");
    expect(kserve.status === "estimated" && kserve.parts[0]?.units).toMatchObject({ floor: 0, ceiling: 2 });
  });

  it("attributes pods to the instance type they select, and bounds a Job's hours by its deadline", () => {
    const p4d = estimateOf(onEks("us-west-2", gpuDeployment(1, { nodeSelector: { "node.kubernetes.io/instance-type": "p4d.24xlarge" } })), "llm");
    expect(p4d.status === "estimated" && p4d.parts[0]?.label).toContain("p4d.24xlarge");
    const job = estimateOf(onGke("europe-north1", gpuJob({ activeDeadlineSeconds: 7200 })), "finetune");
    expect(job.status === "estimated" && job.parts[0]?.hoursPerUnit.ceiling).toBe(2);
  });

  it("is unknown while the cluster's region is unknown (preview), and not counted twice when the stack has GPU node pools", () => {
    expect(estimateOf(onGke(UNKNOWN_STRING, gpuDeployment(1)), "llm").status).toBe("unknown");
    const pool: R = { type: "gcp:container/nodePool:NodePool", name: "gpu", props: { location: "europe-west4", cluster: "gke", nodeConfig: { machineType: "g2-standard-8" } }, propertyDependencies: { cluster: ["gke"] } };
    expect(estimateOf([...onGke("europe-west4", gpuDeployment(3)), pool], "llm").status).toBe("not-applicable");
    // A GPU pool of another cluster: the workload's pods are still counted.
    const elsewhere: R = { ...pool, props: { ...pool.props, cluster: "other-cluster" }, propertyDependencies: {} };
    expect(estimateOf([...onGke("europe-west4", gpuDeployment(3)), elsewhere], "llm").status).toBe("estimated");
  });
});
