/**
 * Kubernetes resources for the rules' examples (run as tests, rendered into docs/rules): a GKE or
 * EKS cluster, the Kubernetes provider whose kubeconfig comes from it, and GPU workloads on it.
 * Links name other resources by name; src/engine/examples.ts turns them into URNs.
 */
import type { StackRuleExample } from "../engine/rule";
import { UNKNOWN_SENTINELS } from "../engine/values";

type ExampleResource = StackRuleExample["resources"][number];
type Props = Record<string, unknown>;

export const UNKNOWN_STRING = Object.keys(UNKNOWN_SENTINELS).find((k) => UNKNOWN_SENTINELS[k] === "string")!;

export const gkeCluster = (location: unknown = "europe-west4"): ExampleResource => ({ type: "gcp:container/cluster:Cluster", name: "gke", props: { location } });
export const eksCluster = (region: unknown = "us-west-2"): ExampleResource => ({ type: "aws:eks/cluster:Cluster", name: "eks", props: { region } });

/** The Kubernetes provider whose kubeconfig is built from `cluster`'s outputs. */
export const k8sProvider = (cluster: string): ExampleResource => ({
  type: "pulumi:providers:kubernetes",
  name: "k8s",
  props: { kubeconfig: UNKNOWN_STRING },
  dependencies: [cluster],
  propertyDependencies: { kubeconfig: [cluster] },
});

export interface PodOptions {
  readonly gpus?: unknown;
  readonly nodeSelector?: Props;
  readonly labels?: Record<string, string>;
  readonly containerExtra?: Props;
}

export function podSpec(o: PodOptions = {}): Props {
  return {
    ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    containers: [{ name: "server", image: "vllm/vllm-openai:v0.11.0", resources: { limits: { "nvidia.com/gpu": o.gpus ?? 1 } }, ...(o.containerExtra ?? {}) }],
  };
}

const L4: Props = { "cloud.google.com/gke-accelerator": "nvidia-l4" };

/** A Deployment of `replicas` pods with one L4 each on GKE, declared as inference. */
export function gpuDeployment(replicas: number | undefined, o: PodOptions & { readonly name?: string } = {}): ExampleResource {
  return {
    type: "kubernetes:apps/v1:Deployment",
    name: o.name ?? "llm",
    provider: "k8s",
    props: {
      metadata: { name: o.name ?? "llm", labels: o.labels ?? { "ml-workload": "inference" } },
      spec: { ...(replicas !== undefined ? { replicas } : {}), template: { metadata: { labels: { app: o.name ?? "llm" } }, spec: podSpec({ nodeSelector: L4, ...o }) } },
    },
  };
}

export function hpa(target: string, minReplicas: number): ExampleResource {
  return {
    type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    name: `${target}-hpa`,
    provider: "k8s",
    props: { metadata: { name: `${target}-hpa` }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, minReplicas, maxReplicas: 4 } },
  };
}

export function scaledObject(target: string, minReplicaCount: number | undefined): ExampleResource {
  return {
    type: "kubernetes:keda.sh/v1alpha1:ScaledObject",
    name: `${target}-scaler`,
    provider: "k8s",
    props: {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: `${target}-scaler` },
      spec: { scaleTargetRef: { name: target }, ...(minReplicaCount !== undefined ? { minReplicaCount } : {}), maxReplicaCount: 4, triggers: [{ type: "prometheus", metadata: { query: "sum(vllm:num_requests_waiting)", threshold: "5" } }] },
    },
  };
}

export function inferenceService(minReplicas: number | undefined): ExampleResource {
  return {
    type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
    name: "llama",
    provider: "k8s",
    props: {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name: "llama", labels: { "ml-workload": "inference" } },
      spec: {
        predictor: {
          ...(minReplicas !== undefined ? { minReplicas } : {}),
          maxReplicas: 2,
          nodeSelector: L4,
          model: { modelFormat: { name: "huggingface" }, args: ["--model_id=meta-llama/Llama-3.1-8B-Instruct"], resources: { limits: { "nvidia.com/gpu": 1 } } },
        },
      },
    },
  };
}

export function knativeService(minScale: string | undefined): ExampleResource {
  return {
    type: "kubernetes:serving.knative.dev/v1:Service",
    name: "embed",
    provider: "k8s",
    props: {
      apiVersion: "serving.knative.dev/v1",
      kind: "Service",
      metadata: { name: "embed", labels: { "ml-workload": "inference" } },
      spec: { template: { metadata: { annotations: minScale !== undefined ? { "autoscaling.knative.dev/min-scale": minScale } : {} }, spec: podSpec({ nodeSelector: L4 }) } },
    },
  };
}

export function karpenterGpuPool(consolidateAfter: string): ExampleResource {
  return {
    type: "kubernetes:karpenter.sh/v1:NodePool",
    name: "gpu",
    provider: "k8s",
    props: {
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: "gpu", labels: { "ml-workload": "inference" } },
      spec: {
        template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" }, requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }] } },
        limits: { "nvidia.com/gpu": 8 },
        disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter },
      },
    },
  };
}

export function gpuJob(o: { readonly activeDeadlineSeconds?: number; readonly backoffLimit?: number; readonly spot?: boolean } = {}): ExampleResource {
  return {
    type: "kubernetes:batch/v1:Job",
    name: "finetune",
    provider: "k8s",
    props: {
      metadata: { name: "finetune", labels: { "ml-workload": "training" } },
      spec: {
        ...(o.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: o.activeDeadlineSeconds } : {}),
        ...(o.backoffLimit !== undefined ? { backoffLimit: o.backoffLimit } : {}),
        template: { spec: { restartPolicy: "Never", ...podSpec({ gpus: 8, nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-h100-80gb", ...(o.spot ? { "cloud.google.com/gke-spot": "true" } : {}) } }) } },
      },
    },
  };
}

/** A GKE cluster in `location`, its provider and `workloads`. */
export function onGke(location: unknown, ...workloads: ExampleResource[]): ExampleResource[] {
  return [gkeCluster(location), k8sProvider("gke"), ...workloads];
}

export function onEks(region: unknown, ...workloads: ExampleResource[]): ExampleResource[] {
  return [eksCluster(region), k8sProvider("eks"), ...workloads];
}

/** A GKE Cloud Storage FUSE CSI volume mounting `bucketName` (inline ephemeral volume). */
export function gcsFuseVolume(name: string, bucketName: unknown, readOnly?: boolean): Props {
  return { name, csi: { driver: "gcsfuse.csi.storage.gke.io", ...(readOnly !== undefined ? { readOnly } : {}), volumeAttributes: { bucketName } } };
}

/** A GKE Job (declared `training`, one L4) that mounts `volumes` at /data and reads `env`. */
export function fuseTrainingJob(volumes: readonly Props[], env: readonly Props[] = []): ExampleResource {
  return {
    type: "kubernetes:batch/v1:Job",
    name: "trainer",
    provider: "k8s",
    props: {
      metadata: { name: "trainer", labels: { "ml-workload": "training" } },
      spec: {
        template: {
          metadata: { annotations: { "gke-gcsfuse/volumes": "true" } },
          spec: {
            nodeSelector: L4,
            restartPolicy: "Never",
            serviceAccountName: "trainer",
            containers: [
              {
                name: "train",
                image: "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime",
                resources: { limits: { "nvidia.com/gpu": 1 } },
                ...(env.length > 0 ? { env } : {}),
                volumeMounts: volumes.map((v) => ({ name: v["name"], mountPath: `/data/${String(v["name"])}` })),
              },
            ],
            volumes,
          },
        },
      },
    },
  };
}
