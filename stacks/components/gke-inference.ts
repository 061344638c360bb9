/**
 * GkeInference: model serving on GKE that scales to zero pods and zero GPU nodes when idle.
 *
 * - Zonal GKE Standard cluster in northamerica-northeast1 (Montréal, 41 gCO2e/kWh, Electricity Maps
 *   2025: under carbonguard's default limit, unlike every Cloud Run GPU region), default pool removed,
 *   a 1-node CPU system pool.
 * - An L4 pool (g2-standard-8, 1×L4) autoscaling from 0: GKE adds a node for a pending GPU pod and
 *   removes it when the pod is gone.
 * - A Kubernetes provider whose kubeconfig comes from the cluster (so carbonguard places the
 *   workload in the cluster's region), a vLLM Deployment requesting one `nvidia.com/gpu` on L4 nodes,
 *   and a KEDA ScaledObject with `minReplicaCount: 0` that scales it on queued requests. An HPA could
 *   not go below one pod; KEDA takes the Deployment to zero and back.
 *
 * KEDA itself (its CRDs and operator) must be installed in the cluster first (`helm install keda
 * kedacore/keda -n keda --create-namespace`); it is not part of this stack, so a Helm release does not
 * hide its objects from policy.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_TEAM, gcpLabels, positiveInteger, regionOfZone } from "./common";

export const GKE_INFERENCE_DEFAULT_ZONE = "northamerica-northeast1-b";
export const GKE_INFERENCE_DEFAULT_IMAGE = "docker.io/vllm/vllm-openai:v0.8.5";
/** A small open model one L4 (24 GB) holds with room for its KV cache. */
export const GKE_INFERENCE_DEFAULT_MODEL = "Qwen/Qwen2.5-1.5B-Instruct";

export interface GkeInferenceArgs {
  /** GCP project. Default: the provider's project. */
  project?: pulumi.Input<string>;
  /** Zone of the cluster and its pools. Default: northamerica-northeast1-b. */
  zone?: string;
  /** Team label. Default: `ml-platform`. */
  team?: string;
  /** Serving image. Default: vLLM's OpenAI-compatible server. */
  image?: string;
  /** Model the server loads. Default: Qwen/Qwen2.5-1.5B-Instruct. */
  model?: string;
  /** Most serving pods (and L4 nodes). Default: 2. */
  maxReplicas?: number;
  /** Prometheus server KEDA queries for the queue length. Default: the in-cluster GMP frontend. */
  prometheusUrl?: string;
  /** Protect the cluster from deletion. Default: false. */
  deletionProtection?: boolean;
}

export class GkeInference extends pulumi.ComponentResource {
  readonly zone: string;
  readonly region: string;
  readonly cluster: gcp.container.Cluster;
  readonly gpuPool: gcp.container.NodePool;
  readonly provider: k8s.Provider;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly scaler: k8s.apiextensions.CustomResource;

  constructor(name: string, args: GkeInferenceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("carbonguard:reference:GkeInference", name, {}, opts);
    const zone = (this.zone = args.zone ?? GKE_INFERENCE_DEFAULT_ZONE);
    this.region = regionOfZone(zone);
    const team = args.team ?? DEFAULT_TEAM;
    const labels = gcpLabels("inference", team);
    const maxReplicas = positiveInteger("maxReplicas", args.maxReplicas ?? 2);
    const project: pulumi.Input<string> = args.project ?? gcp.config.project ?? gcp.organizations.getClientConfigOutput({ parent: this }).project;
    const child = { parent: this };

    this.cluster = new gcp.container.Cluster(
      `${name}-gke`,
      {
        project,
        location: zone,
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        deletionProtection: args.deletionProtection ?? false,
        releaseChannel: { channel: "REGULAR" },
        clusterAutoscaling: { autoscalingProfile: "OPTIMIZE_UTILIZATION" },
        resourceLabels: labels,
      },
      child,
    );
    new gcp.container.NodePool(
      `${name}-system`,
      { project, cluster: this.cluster.name, location: zone, nodeCount: 1, nodeConfig: { machineType: "e2-standard-2", resourceLabels: labels } },
      child,
    );
    this.gpuPool = new gcp.container.NodePool(
      `${name}-l4`,
      {
        project,
        cluster: this.cluster.name,
        location: zone,
        initialNodeCount: 0,
        autoscaling: { minNodeCount: 0, maxNodeCount: maxReplicas },
        nodeConfig: {
          machineType: "g2-standard-8",
          guestAccelerators: [{ type: "nvidia-l4", count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } }],
          resourceLabels: labels,
        },
      },
      { ...child, ignoreChanges: ["initialNodeCount"] },
    );

    // The kubeconfig gcloud writes: its context names project, location and cluster.
    const context = pulumi.interpolate`gke_${this.cluster.project}_${this.cluster.location}_${this.cluster.name}`;
    const kubeconfig = pulumi.interpolate`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${this.cluster.masterAuth.clusterCaCertificate}
    server: https://${this.cluster.endpoint}
  name: ${context}
contexts:
- context:
    cluster: ${context}
    user: ${context}
  name: ${context}
current-context: ${context}
kind: Config
users:
- name: ${context}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      provideClusterInfo: true
`;
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig }, { ...child, dependsOn: [this.gpuPool] });
    const k8sOpts = { parent: this, provider: this.provider };
    const app = `${name}-llm`;
    const podLabels = { app, ...labels };

    this.deployment = new k8s.apps.v1.Deployment(
      app,
      {
        metadata: { name: app, labels },
        spec: {
          // KEDA owns the replica count from here: it starts at zero.
          replicas: 0,
          selector: { matchLabels: { app } },
          template: {
            metadata: { labels: podLabels },
            spec: {
              nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" },
              containers: [
                {
                  name: "vllm",
                  image: args.image ?? GKE_INFERENCE_DEFAULT_IMAGE,
                  args: ["--model", args.model ?? GKE_INFERENCE_DEFAULT_MODEL, "--max-model-len", "8192"],
                  ports: [{ containerPort: 8000 }],
                  resources: { requests: { cpu: "4", memory: "16Gi" }, limits: { "nvidia.com/gpu": "1" } },
                },
              ],
            },
          },
        },
      },
      { ...k8sOpts, ignoreChanges: ["spec.replicas"] },
    );

    this.scaler = new k8s.apiextensions.CustomResource(
      `${app}-scaler`,
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: `${app}-scaler`, labels },
        spec: {
          scaleTargetRef: { name: this.deployment.metadata.name },
          minReplicaCount: 0,
          maxReplicaCount: maxReplicas,
          // Idle this long (no queued or running requests) before scaling to zero.
          cooldownPeriod: 600,
          triggers: [
            {
              type: "prometheus",
              metadata: {
                serverAddress: args.prometheusUrl ?? "http://frontend.gmp-public.svc:9090",
                query: `sum(vllm:num_requests_running{app="${app}"}) + sum(vllm:num_requests_waiting{app="${app}"})`,
                threshold: "8",
                activationThreshold: "0",
              },
            },
          ],
        },
      },
      k8sOpts,
    );
    this.registerOutputs({ region: this.region, clusterName: this.cluster.name, deploymentName: this.deployment.metadata.name });
  }
}
