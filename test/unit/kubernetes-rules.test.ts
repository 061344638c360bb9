/** Rules on Kubernetes constructs beyond the documented examples: Patch variants, DaemonSets, StatefulSets, CronJobs, TPUs, Neuron, Karpenter families, Helm. */
import { describe, expect, it } from "vitest";
import { runStackExample } from "../../src/engine/examples";
import type { AnyRule, Outcome, StackRuleExample } from "../../src/engine/rule";
import { acceleratorCurrentGeneration } from "../../src/rules/accelerator-current-generation";
import { mlAutoscaleToZero } from "../../src/rules/ml-autoscale-to-zero";
import { mlCleanEnergyRegion } from "../../src/rules/ml-clean-energy-region";
import { mlTrainingGuardrails } from "../../src/rules/ml-training-guardrails";
import { mlWorkloadDeclared } from "../../src/rules/ml-workload-declared";
import { gpuDeployment, gpuJob, k8sProvider, onEks, onGke, podSpec, scaledObject } from "../../src/rules/kubernetes-examples";
import { buildView } from "../../src/engine/view";
import { unitOf } from "../../src/engine/capacity-readers";

type R = StackRuleExample["resources"][number];

function run(rule: AnyRule, resources: readonly R[], stackConfig: Record<string, string> = {}): Outcome[] {
  return [...runStackExample(rule, { title: "t", verdict: "good", resources, stackConfig })];
}
const ids = (o: readonly Outcome[]) => o.flatMap((x) => (x.kind === "violation" ? [x.messageId] : x.kind === "unknown" ? ["<unknown>"] : []));

const as = (type: string, r: R): R => ({ ...r, type });

describe("workload kinds", () => {
  it("a StatefulSet scaled by KEDA from 0 passes; without a scaler its replicas hold", () => {
    const sts = as("kubernetes:apps/v1:StatefulSet", gpuDeployment(2));
    expect(ids(run(mlAutoscaleToZero, onGke("europe-north1", sts)))).toEqual(["workloadNoScaler"]);
    const keda = { ...scaledObject("llm", 0), props: { ...scaledObject("llm", 0).props, spec: { scaleTargetRef: { kind: "StatefulSet", name: "llm" }, minReplicaCount: 0 } } };
    expect(ids(run(mlAutoscaleToZero, onGke("europe-north1", sts, keda)))).toEqual([]);
  });

  it("a Patch without replicas says nothing about them (the live object's count is not known); with replicas it is judged", () => {
    const patch = as("kubernetes:apps/v1:DeploymentPatch", gpuDeployment(undefined));
    expect(ids(run(mlAutoscaleToZero, onGke("europe-north1", patch)))).toEqual([]);
    expect(ids(run(mlAutoscaleToZero, onGke("europe-north1", as("kubernetes:apps/v1:DeploymentPatch", gpuDeployment(2)))))).toEqual(["workloadNoScaler"]);
  });

  it("DaemonSets and Jobs are not capacity that should scale to zero; a bare GPU Pod is always on", () => {
    expect(ids(run(mlAutoscaleToZero, onGke("europe-north1", as("kubernetes:apps/v1:DaemonSet", gpuDeployment(1)))))).toEqual([]);
    expect(ids(run(mlAutoscaleToZero, onGke("europe-north1", { ...gpuJob(), props: { ...gpuJob().props, metadata: { labels: { "ml-workload": "batch-inference" } } } })))).toEqual([]);
    const pod: R = { type: "kubernetes:core/v1:Pod", name: "p", provider: "k8s", props: { metadata: { labels: { "ml-workload": "inference" } }, spec: podSpec({ nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" } }) } };
    expect(ids(run(mlAutoscaleToZero, onGke("europe-north1", pod)))).toEqual(["podAlwaysOn"]);
  });

  it("a training CronJob is held to the same guardrails as a Job", () => {
    const job = gpuJob();
    const cron: R = { ...job, type: "kubernetes:batch/v1:CronJob", props: { metadata: job.props["metadata"], spec: { schedule: "0 3 * * *", jobTemplate: { spec: job.props["spec"] } } } };
    expect(ids(run(mlTrainingGuardrails, onGke("europe-north1", cron)))).toEqual(["kubernetesJobGaps"]);
    const good = gpuJob({ activeDeadlineSeconds: 3600, backoffLimit: 1, spot: true });
    const goodCron: R = { ...good, type: "kubernetes:batch/v1:CronJob", props: { metadata: good.props["metadata"], spec: { schedule: "0 3 * * *", jobTemplate: { spec: good.props["spec"] } } } };
    expect(ids(run(mlTrainingGuardrails, onGke("europe-north1", goodCron)))).toEqual([]);
  });

  it("Karpenter Spot capacity counts as Spot for a Job on EKS", () => {
    const job = gpuJob({ activeDeadlineSeconds: 3600, backoffLimit: 1 });
    const spec = job.props["spec"] as { template: { spec: Record<string, unknown> } };
    spec.template.spec["nodeSelector"] = { "karpenter.k8s.aws/instance-family": "p5", "karpenter.sh/capacity-type": "spot" };
    (spec.template.spec["containers"] as { resources: { limits: Record<string, number> } }[])[0]!.resources.limits = { "nvidia.com/gpu": 8 };
    expect(ids(run(mlTrainingGuardrails, onEks("us-west-2", job)))).toEqual([]);
  });
});

describe("devices and node selection", () => {
  it("a TPU pod on GKE is read from google.com/tpu and the TPU node selector", () => {
    const view = buildView({
      urn: "u",
      type: "kubernetes:batch/v1:Job",
      name: "tpu",
      props: { spec: { template: { spec: { nodeSelector: { "cloud.google.com/gke-tpu-accelerator": "tpu-v5-lite-podslice", "cloud.google.com/gke-tpu-topology": "2x2" }, containers: [{ name: "t", resources: { limits: { "google.com/tpu": 4 } } }] } } } },
    });
    expect(view.cloud).toBe("gcp");
    expect(view.accelerators.uses[0]).toMatchObject({ count: 4, recognized: true });
  });

  it("Neuron devices make an AWS resource; a Karpenter family selects its smallest catalogued type", () => {
    const neuron = buildView({ urn: "u", type: "kubernetes:apps/v1:Deployment", name: "n", props: { spec: { template: { spec: { containers: [{ name: "c", resources: { limits: { "aws.amazon.com/neuron": 1 } } }] } } } } });
    expect(neuron.cloud).toBe("aws");
    expect(neuron.accelerators.uses[0]).toMatchObject({ via: "device-resource", token: "aws.amazon.com/neuron", count: 1 });
    expect(unitOf(neuron.cloud, neuron.accelerators.uses).label).toBe("1 Neuron device");
    const family = buildView({ urn: "u", type: "kubernetes:apps/v1:Deployment", name: "f", props: { spec: { template: { spec: { nodeSelector: { "karpenter.k8s.aws/instance-family": "g6" }, containers: [{ name: "c", resources: { limits: { "nvidia.com/gpu": 1 } } }] } } } } });
    expect(family.accelerators.uses[0]).toMatchObject({ via: "instance-type", token: "g6", recognized: true });
    expect(family.accelerators.uses[0]?.instanceType?.acceleratorCount).toBe(1);
  });

  it("a legacy GPU selected by node affinity is judged like a node pool's", () => {
    const d = gpuDeployment(1, { nodeSelector: {} });
    const spec = (d.props["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
    delete spec["nodeSelector"];
    spec["affinity"] = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "cloud.google.com/gke-accelerator", operator: "In", values: ["nvidia-tesla-k80"] }] }] } } };
    expect(ids(run(acceleratorCurrentGeneration, onGke("europe-north1", d)))).toEqual(["retired"]);
  });
});

describe("region and Helm", () => {
  it("without a cluster in the stack, the stack config's region for the implied cloud decides", () => {
    const lone = { ...gpuDeployment(1) };
    delete (lone as { provider?: string }).provider;
    expect(ids(run(mlCleanEnergyRegion, [lone], { "gcp:region": "us-east1" }))).toEqual(["aboveLimit"]);
    expect(ids(run(mlCleanEnergyRegion, [lone], { "gcp:region": "europe-north1" }))).toEqual([]);
  });

  it("a Helm release is said once, advisory, and never guessed at", () => {
    const release: R = { type: "kubernetes:helm.sh/v3:Release", name: "vllm", provider: "k8s", props: { chart: "vllm", values: { resources: { limits: { "nvidia.com/gpu": 8 } } } } };
    const outcomes = run(mlWorkloadDeclared, [k8sProvider("gke"), release]);
    expect(outcomes.filter((o) => o.kind === "violation").map((o) => o.kind === "violation" && [o.messageId, o.level])).toEqual([["helmValuesUnread", "advisory"]]);
    for (const rule of [mlAutoscaleToZero, mlCleanEnergyRegion, acceleratorCurrentGeneration]) expect(ids(run(rule, [k8sProvider("gke"), release]))).toEqual([]);
  });
});
