/** The Kubernetes reader: pod templates, node selection, labels, and placement through the provider to the cluster. */
import { describe, expect, it } from "vitest";
import { buildStackView, buildView } from "../../src/engine/view";
import { placeInStack } from "../../src/engine/kubernetes/view";
import { readPodTemplate } from "../../src/engine/kubernetes/pod-template";
import { fromKubeconfigText } from "../../src/engine/kubernetes/placement";
import { Opaque, normalizeProps } from "../../src/engine/values";

const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;

function deployment(spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { metadata: { name: "llm" }, spec: { replicas: 2, template: { metadata: { labels: { app: "llm" } }, spec }, ...extra } };
}

const gpuContainer = (n: unknown = 1) => ({ name: "server", image: "vllm", resources: { limits: { "nvidia.com/gpu": n } } });

describe("pod template reader", () => {
  it("sums containers, takes the larger init container, reads limits before requests", () => {
    const t = readPodTemplate("kubernetes:apps/v1:Deployment", normalizeProps({
      spec: {
        template: {
          spec: {
            containers: [gpuContainer(1), { name: "b", resources: { requests: { "nvidia.com/gpu": "2" } } }],
            initContainers: [{ name: "warm", resources: { limits: { "nvidia.com/gpu": 4 } } }],
          },
        },
      },
    }));
    expect(t.requests).toEqual([{ resource: "nvidia.com/gpu", perPod: 4, path: 'spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]' }]);
  });

  it("reads CronJob, Pod and Patch templates, nodeSelector and required affinity", () => {
    const cron = readPodTemplate("kubernetes:batch/v1:CronJobPatch", normalizeProps({
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [gpuContainer(8)],
                affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["p5.48xlarge"] }] }] } } },
              },
            },
          },
        },
      },
    }));
    expect(cron.requests[0]?.perPod).toBe(8);
    expect(cron.selectors.get("node.kubernetes.io/instance-type")).toEqual(["p5.48xlarge"]);
    const pod = readPodTemplate("kubernetes:core/v1:Pod", normalizeProps({ spec: { nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" }, containers: [gpuContainer()] } }));
    expect(pod.selectors.get("cloud.google.com/gke-accelerator")).toEqual(["nvidia-l4"]);
  });

  it("records unknown values as unknown, never as a count", () => {
    const t = readPodTemplate("kubernetes:apps/v1:Deployment", normalizeProps(deployment({ containers: [gpuContainer(new Opaque("unknown", "number"))] })));
    expect(t.requests[0]?.perPod).toBeUndefined();
    expect(t.unknownPaths).toContain('spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]');
  });
});

describe("Kubernetes views", () => {
  it("attributes a GKE-selected GPU and reads the ml-workload label from the pod template", () => {
    const props = deployment({ nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" }, containers: [gpuContainer()] });
    (props.spec.template.metadata.labels as Record<string, string>)["ml-workload"] = "inference";
    const view = buildView({ urn: urn("kubernetes:apps/v1:Deployment", "llm"), type: "kubernetes:apps/v1:Deployment", name: "llm", props }, { stackTags: new Map(), stackConfig: { "gcp:region": "europe-west4" } });
    expect(view.cloud).toBe("gcp");
    expect(view.region).toMatchObject({ state: "known", region: "europe-west4", source: "stack-config" });
    expect(view.accelerators.uses[0]).toMatchObject({ via: "gcp-accelerator", count: 1, recognized: true });
    expect(view.tags.get("ml-workload")).toEqual({ state: "value", value: "inference" });
  });

  it("takes the region from a plain EKS kubeconfig or a GKE context, never from a secret", () => {
    expect(fromKubeconfigText("server: https://ABC.gr7.eu-north-1.eks.amazonaws.com")).toEqual({ cloud: "aws", location: "eu-north-1" });
    expect(fromKubeconfigText("current-context: gke_my-project_us-central1_gpu")).toEqual({ cloud: "gcp", location: "us-central1" });
    const view = buildView({ urn: "u", type: "kubernetes:apps/v1:Deployment", name: "d", props: deployment({ containers: [gpuContainer()] }), providerProps: { kubeconfig: new Opaque("secret", "string") } });
    expect(view.region.state).toBe("absent");
  });

  it("follows the provider's kubeconfig dependency to the GKE cluster for cloud and region, unknown in preview", () => {
    const cluster = { urn: urn("gcp:container/cluster:Cluster", "gke"), type: "gcp:container/cluster:Cluster", name: "gke", props: { location: "us-east1" } };
    const provider = { urn: urn("pulumi:providers:kubernetes", "k8s"), type: "pulumi:providers:kubernetes", name: "k8s", props: {}, links: { dependencies: [cluster.urn], propertyDependencies: { kubeconfig: [cluster.urn] } } };
    const dep = { urn: urn("kubernetes:apps/v1:Deployment", "llm"), type: "kubernetes:apps/v1:Deployment", name: "llm", props: deployment({ containers: [gpuContainer()] }), links: { provider: provider.urn, dependencies: [], propertyDependencies: {} } };
    const stack = buildStackView([cluster, provider, dep]);
    const placed = placeInStack(stack, stack.byUrn(dep.urn)!);
    expect(placed.cloud).toBe("gcp");
    expect(placed.region).toMatchObject({ state: "known", region: "us-east1", source: "provider" });
    const preview = buildStackView([{ ...cluster, props: { location: new Opaque("unknown", "string") } }, provider, dep]);
    expect(placeInStack(preview, preview.byUrn(dep.urn)!).region.state).toBe("unknown");
  });
});
