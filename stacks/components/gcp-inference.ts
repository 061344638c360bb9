/**
 * GcpInference: a Cloud Run v2 service on one NVIDIA L4 that scales to zero instances when idle.
 *
 * Cloud Run bills GPU instances only while they exist; with `minInstanceCount: 0` (set both on the
 * service and on the revision template) an idle service costs nothing and draws no GPU power.
 * `gpuZonalRedundancyDisabled` avoids paying for reserved failover GPU capacity.
 *
 * Region: Cloud Run offers L4 GPUs (GA) only in us-central1, us-east4, europe-west1, europe-west4 and
 * asia-southeast1 (the project's Cloud Run GPU region research data). The cleanest of them is
 * europe-west1 (180 gCO2e/kWh, Electricity Maps 2025), which is still above carbonguard's default
 * `maxGridIntensity` of 150: no Cloud Run GPU region passes the default. The gcp-inference stack
 * therefore allows europe-west1 explicitly in its policy config (stacks/policy-config/gcp-inference.json)
 * instead of hiding it. For a region under the limit, run the model on a GKE L4 pool that scales to
 * zero (g2-standard-* in northamerica-northeast1, 41 gCO2e/kWh) or use GcpTraining's pattern.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_TEAM, accountId, gcpLabels, positiveInteger } from "./common";

export const GCP_INFERENCE_DEFAULT_REGION = "europe-west1";
/** Regions where Cloud Run offers NVIDIA L4 GPUs (GA), from cloudrun-gpu-regions.csv. */
export const CLOUD_RUN_L4_REGIONS: readonly string[] = ["us-central1", "us-east4", "europe-west1", "europe-west4", "asia-southeast1"];
/** vLLM's OpenAI-compatible server; replace with your serving image. */
export const GCP_INFERENCE_DEFAULT_IMAGE = "docker.io/vllm/vllm-openai:v0.8.5";

export interface GcpInferenceArgs {
  /** GCP project. Default: the provider's project. */
  project?: pulumi.Input<string>;
  /** Cloud Run region offering L4 GPUs. Default: europe-west1 (the cleanest of them). */
  region?: string;
  /** Team label. Default: `ml-platform`. */
  team?: string;
  /** Serving image. Default: vLLM OpenAI server. */
  image?: string;
  /** Container arguments. Default: serve a small open model with vLLM; replace with yours. */
  args?: string[];
  /** Container port. Default: 8000 (vLLM). */
  port?: number;
  /** Most instances (each with one L4). Default: 2. */
  maxInstances?: number;
  /** Concurrent requests per instance. Default: 16. */
  concurrency?: number;
  /** CPU and memory per instance (Cloud Run GPU instances need ≥ 4 CPU and 16Gi). */
  cpu?: string;
  memory?: string;
  /** Principals allowed to invoke the service (e.g. `user:me@example.com`). Default: none (private). */
  invokers?: string[];
  /** Extra labels. */
  labels?: Record<string, string>;
}

export class GcpInference extends pulumi.ComponentResource {
  readonly region: string;
  readonly service: gcp.cloudrunv2.Service;
  readonly serviceAccount: gcp.serviceaccount.Account;

  constructor(name: string, args: GcpInferenceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("carbonguard:reference:GcpInference", name, {}, opts);
    const region = (this.region = args.region ?? GCP_INFERENCE_DEFAULT_REGION);
    if (!CLOUD_RUN_L4_REGIONS.includes(region)) {
      throw new Error(`GcpInference: Cloud Run offers L4 GPUs only in ${CLOUD_RUN_L4_REGIONS.join(", ")}; got '${region}'.`);
    }
    const labels = gcpLabels("inference", args.team ?? DEFAULT_TEAM, args.labels);
    const maxInstances = positiveInteger("maxInstances", args.maxInstances ?? 2);
    const port = positiveInteger("port", args.port ?? 8000);
    const project: pulumi.Input<string> = args.project ?? gcp.config.project ?? gcp.organizations.getClientConfigOutput({ parent: this }).project;
    const child = { parent: this };

    // The service runs as its own identity with no roles: it needs none to serve a public image.
    this.serviceAccount = new gcp.serviceaccount.Account(
      `${name}-run`,
      { project, accountId: accountId(name, "run"), displayName: `Cloud Run service ${name} (no roles)` },
      child,
    );

    this.service = new gcp.cloudrunv2.Service(
      `${name}-l4`,
      {
        project,
        location: region,
        deletionProtection: false,
        ingress: "INGRESS_TRAFFIC_ALL",
        labels,
        // Service-level floor: no instance is kept warm across revisions.
        scaling: { minInstanceCount: 0, maxInstanceCount: maxInstances },
        template: {
          labels,
          serviceAccount: this.serviceAccount.email,
          scaling: { minInstanceCount: 0, maxInstanceCount: maxInstances },
          maxInstanceRequestConcurrency: positiveInteger("concurrency", args.concurrency ?? 16),
          nodeSelector: { accelerator: "nvidia-l4" },
          gpuZonalRedundancyDisabled: true,
          timeout: "600s",
          containers: [
            {
              image: args.image ?? GCP_INFERENCE_DEFAULT_IMAGE,
              args: args.args ?? ["--model", "Qwen/Qwen2.5-1.5B-Instruct", "--max-model-len", "8192"],
              ports: { containerPort: port },
              resources: {
                limits: { cpu: args.cpu ?? "4", memory: args.memory ?? "16Gi", "nvidia.com/gpu": "1" },
                startupCpuBoost: true,
                // GPU services need instance-based billing (CPU always allocated); instances still go away when idle.
                cpuIdle: false,
              },
              startupProbe: { tcpSocket: { port }, initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 60, timeoutSeconds: 5 },
            },
          ],
        },
      },
      child,
    );

    for (const [i, member] of (args.invokers ?? []).entries()) {
      new gcp.cloudrunv2.ServiceIamMember(
        `${name}-invoker-${i}`,
        { project, location: region, name: this.service.name, role: "roles/run.invoker", member },
        child,
      );
    }

    this.registerOutputs({ url: this.service.uri, serviceName: this.service.name });
  }
}
