// Tier 2 for Kubernetes workloads (@pulumi/kubernetes): the real pack (policies/, compiled) booted as
// the Pulumi CLI boots it, driven over gRPC. Analyze (inputs) leaves Kubernetes objects to the stack
// policy; AnalyzeStack (outputs, with dependencies and each resource's provider) places them on the
// cluster their provider's kubeconfig comes from, as the engine sends it, unknowns in preview included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnalyzeDiagnostic, POLICIES_DIR, type Session, type StackResource, startSession, testUrn, unknown } from "./index";
import { gke, k8sProviderRef, provider, res } from "./kubernetes-stack";

const of = (policy: string, ds: readonly AnalyzeDiagnostic[]) => ds.filter((d) => d.policyName === policy);


function deployment(name: string, replicas: number, selector: Record<string, string>, labels: Record<string, string> = { "ml-workload": "inference" }): StackResource {
  return res(
    "kubernetes:apps/v1:Deployment",
    name,
    {
      metadata: { name, labels },
      spec: { replicas, template: { metadata: { labels: { app: name } }, spec: { nodeSelector: selector, containers: [{ name: "server", image: "vllm", resources: { limits: { "nvidia.com/gpu": 1 } } }] } } },
    },
    { provider: k8sProviderRef },
  );
}

const L4 = { "cloud.google.com/gke-accelerator": "nvidia-l4" };

describe("Kubernetes workloads through gRPC (preview)", () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ packDir: POLICIES_DIR, stack: "dev", project: "ml", dryRun: true });
  });
  afterAll(async () => session?.close());

  it("leaves a Kubernetes Deployment to the stack policy on Analyze (no verdict without its cluster)", async () => {
    const { diagnostics } = await session.analyze(deployment("llm", 3, L4));
    expect(diagnostics).toEqual([]);
  });

  it("places the Deployment on its GKE cluster: dirty region, no autoscaler, one finding per policy", async () => {
    const cluster = gke("us-east1");
    const { diagnostics } = await session.analyzeStack([cluster, provider(cluster), deployment("llm", 3, L4)]);
    const region = of("ml-clean-energy-region", diagnostics);
    expect(region).toHaveLength(1);
    expect(region[0]).toMatchObject({ enforcementLevel: "mandatory", urn: testUrn("kubernetes:apps/v1:Deployment", "llm") });
    expect(region[0]!.message).toContain("Deployment 'llm' runs in us-east1");
    const autoscale = of("ml-autoscale-to-zero", diagnostics);
    expect(autoscale).toHaveLength(1);
    expect(autoscale[0]!.message).toContain("keeps 3 pods with 1×L4 GPU each running");
    expect(of("ml-workload-declared", diagnostics)).toEqual([]);
  });

  it("an HPA alone cannot reach zero and says so; a KEDA ScaledObject at minReplicaCount 0 passes", async () => {
    const cluster = gke("europe-north1");
    const hpa = res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "llm-hpa", { spec: { scaleTargetRef: { kind: "Deployment", name: "llm" }, minReplicas: 1, maxReplicas: 4 } }, { provider: k8sProviderRef });
    const withHpa = await session.analyzeStack([cluster, provider(cluster), deployment("llm", 1, L4), hpa]);
    const [d] = of("ml-autoscale-to-zero", withHpa.diagnostics);
    expect(d?.message).toContain("use a KEDA ScaledObject with minReplicaCount 0 (an HPA stops at 1)");
    expect(d?.urn).toBe(hpa.urn);
    const keda = res("kubernetes:keda.sh/v1alpha1:ScaledObject", "llm-scaler", { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", spec: { scaleTargetRef: { name: "llm" }, minReplicaCount: 0, maxReplicaCount: 4 } }, { provider: k8sProviderRef });
    const withKeda = await session.analyzeStack([cluster, provider(cluster), deployment("llm", 0, L4), keda]);
    expect(withKeda.diagnostics.filter((x) => x.enforcementLevel === "mandatory")).toEqual([]);
  });

  it("says it can't evaluate the region while the cluster's location is unknown, never passes or fails it", async () => {
    const cluster = gke(unknown("string"));
    const { diagnostics } = await session.analyzeStack([cluster, provider(cluster), deployment("llm", 0, L4)]);
    const region = of("ml-clean-energy-region", diagnostics);
    expect(region).toHaveLength(1);
    expect(region[0]!.enforcementLevel).toBe("advisory");
    expect(region[0]!.message).toMatch(/can't run policy 'ml-clean-energy-region' .*during preview/);
  });

  it("without a cluster in the stack or any region configured: advisory 'no region', not a pass", async () => {
    const lone = deployment("llm", 0, L4);
    const { diagnostics } = await session.analyzeStack([{ ...lone, provider: { ...k8sProviderRef, properties: {} } }]);
    const region = of("ml-clean-energy-region", diagnostics);
    expect(region).toHaveLength(1);
    expect(region[0]).toMatchObject({ enforcementLevel: "advisory" });
    expect(region[0]!.message).toContain("has no region");
  });

  it("checks a training Job: deadline, backoffLimit and Spot nodes", async () => {
    const cluster = gke("europe-north1");
    const job = res(
      "kubernetes:batch/v1:Job",
      "finetune",
      { metadata: { labels: { "ml-workload": "training" } }, spec: { template: { spec: { nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-h100-80gb" }, containers: [{ name: "t", resources: { limits: { "nvidia.com/gpu": 8 } } }] } } } },
      { provider: k8sProviderRef },
    );
    const { diagnostics } = await session.analyzeStack([cluster, provider(cluster), job]);
    const [d] = of("ml-training-guardrails", diagnostics);
    expect(d?.message).toContain("Job 'finetune' has no spec.activeDeadlineSeconds");
    expect(d?.message).toContain("backoffLimit");
    expect(d?.message).toContain("cloud.google.com/gke-spot");
  });

  it("KServe: minReplicas unset (KServe's default 1) is reported, 0 passes; Knative: min-scale 1 is reported", async () => {
    const cluster = gke("europe-north1");
    const isvc = (minReplicas?: number) =>
      res(
        "kubernetes:serving.kserve.io/v1beta1:InferenceService",
        "llama",
        { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { labels: { "ml-workload": "inference" } }, spec: { predictor: { ...(minReplicas !== undefined ? { minReplicas } : {}), nodeSelector: L4, model: { modelFormat: { name: "huggingface" }, resources: { limits: { "nvidia.com/gpu": "1" } } } } } },
        { provider: k8sProviderRef },
      );
    const unset = await session.analyzeStack([cluster, provider(cluster), isvc()]);
    expect(of("ml-autoscale-to-zero", unset.diagnostics)[0]?.message).toContain("set spec.predictor.minReplicas to 0");
    const zero = await session.analyzeStack([cluster, provider(cluster), isvc(0)]);
    expect(of("ml-autoscale-to-zero", zero.diagnostics)).toEqual([]);
    const knative = res(
      "kubernetes:serving.knative.dev/v1:Service",
      "embed",
      { metadata: { labels: { "ml-workload": "inference" } }, spec: { template: { metadata: { annotations: { "autoscaling.knative.dev/min-scale": "1" } }, spec: { nodeSelector: L4, containers: [{ name: "e", resources: { limits: { "nvidia.com/gpu": "1" } } }] } } } },
      { provider: k8sProviderRef },
    );
    const kn = await session.analyzeStack([cluster, provider(cluster), knative]);
    expect(of("ml-autoscale-to-zero", kn.diagnostics)[0]?.message).toContain("autoscaling.knative.dev/min-scale");
  });

  it("Karpenter: a GPU NodePool that never consolidates is reported; one that does passes", async () => {
    const eks = res("aws:eks/cluster:Cluster", "eks", { region: "us-west-2", name: "eks-1" });
    const eksProvider = res("pulumi:providers:kubernetes", "k8s", { kubeconfig: unknown("string") }, { dependencies: [eks.urn], propertyDependencies: { kubeconfig: [eks.urn] } });
    const pool = (consolidateAfter: string) =>
      res(
        "kubernetes:karpenter.sh/v1:NodePool",
        "gpu",
        {
          metadata: { labels: { "ml-workload": "inference" } },
          spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" }, requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }] } }, disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter } },
        },
        { provider: k8sProviderRef },
      );
    const never = await session.analyzeStack([eks, eksProvider, pool("Never")]);
    expect(of("ml-autoscale-to-zero", never.diagnostics)[0]?.message).toContain("consolidateAfter");
    const fiveMinutes = await session.analyzeStack([eks, eksProvider, pool("5m")]);
    expect(of("ml-autoscale-to-zero", fiveMinutes.diagnostics)).toEqual([]);
  });

  it("says once per Helm release that its values can't be read (advisory)", async () => {
    const release = res("kubernetes:helm.sh/v3:Release", "vllm", { chart: "vllm", values: { replicaCount: 2 } }, { provider: k8sProviderRef });
    const { diagnostics } = await session.analyzeStack([release]);
    expect(diagnostics.map((x) => [x.policyName, x.enforcementLevel])).toEqual([["ml-workload-declared", "advisory"]]);
    expect(diagnostics[0]!.message).toContain("Helm release 'vllm'");
  });
});
