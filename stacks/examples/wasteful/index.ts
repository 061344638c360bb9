/**
 * The anti-pattern example: ML infrastructure that works but wastes energy, one mistake per resource.
 *
 * Each resource below trips exactly one carbonguard policy and is right in every other respect (clean
 * region, workload and team declared, current accelerators, capacity that reaches zero, Spot for
 * training), so the pack's report on it reads as a list of the eleven mistakes and nothing else. A
 * mistake that needs more than one resource to be made (a SageMaker model served by an endpoint
 * config) names the one the finding is about; the others are listed in WASTEFUL_SUPPORTING. Run it
 * through the pack, never deploy it: `pulumi config set carbonguard:blueprint wasteful` then
 * `pulumi preview --policy-pack ./policies` (see stacks/README.md); test/stacks/wasteful.test.ts
 * records the expected violations.
 *
 * All names and ARNs are placeholders: nothing here is meant to be created.
 */
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

const TEAM = "ml-platform";
const CLEAN_AWS = "eu-north-1";
const ROLE = "arn:aws:iam::123456789012:role/example";
const SUBNETS = ["subnet-0example"];
const tags = (workload: string) => ({ "ml-workload": workload, team: TEAM });

/** The names of the resources, each with the policy it is meant to trip. */
export const WASTEFUL_RESOURCES = {
  /** ml-clean-energy-region: Spot GPU training in N. Virginia (418 gCO2e/kWh) instead of Stockholm (20). */
  dirtyRegion: "wasteful-training-us-east-1",
  /** ml-workload-declared: a GPU node pool with no `ml-workload` (or team) label. */
  untagged: "wasteful-untagged-gpu-pool",
  /** accelerator-fits-workload: batch inference on p4d.24xlarge, an 8×A100 training node. */
  inferenceOnTrainingNode: "wasteful-inference-on-p4d",
  /** accelerator-current-generation: a GKE pool with NVIDIA K80s (2014, legacy). */
  legacyGpu: "wasteful-k80-pool",
  /** ml-autoscale-to-zero: a real-time GPU endpoint config (not async, no scaling target): ≥ 1 L4 always on. */
  alwaysOn: "wasteful-always-on-endpoint",
  /** ml-notebook-idle-shutdown: a GPU notebook instance with no lifecycle configuration to stop it when idle. */
  notebook: "wasteful-gpu-notebook",
  /** ml-training-guardrails: a Spot training job with checkpoints but no maximum runtime. */
  unboundedTraining: "wasteful-training-job-no-max-runtime",
  /** accelerator-fits-model: an 8B model (≈19 GB in 16-bit with overhead) on ml.g6.48xlarge, 8×L4 with 192 GB. */
  oversizedForModel: "wasteful-8b-model-on-8-gpus",
  /** ml-data-colocated: a SageMaker model in Stockholm whose weights sit in a bucket in N. Virginia. */
  dataElsewhere: "wasteful-model-far-from-its-data",
  /** ml-storage-lifecycle: a checkpoint bucket (tagged ml-data: checkpoints) nothing ever expires. */
  checkpointsKeptForever: "wasteful-checkpoints-kept-forever",
  /** ml-autoscale-to-zero: a GPU Deployment on GKE scaled by an HPA, which never goes below one pod (one L4 always on). */
  hpaGpuDeployment: "wasteful-gpu-deployment-hpa",
} as const;

/** Resources that make a mistake possible without making one: the model, endpoint and scaling target of the oversized endpoint config. */
export const WASTEFUL_SUPPORTING = {
  model: "wasteful-8b-model",
  endpoint: "wasteful-8b-endpoint",
  scaling: "wasteful-8b-scaling",
  /** The Kubernetes provider of the GPU Deployment (a kubeconfig of an existing GKE cluster) and the Deployment the HPA scales. */
  kubernetes: "wasteful-gke",
  deployment: "wasteful-gpu-deployment",
  /** The bucket the training job and the async endpoint write to, next to them and with a lifecycle. */
  bucket: "wasteful-example-bucket",
  bucketLifecycle: "wasteful-example-bucket-lifecycle",
  /** Where the far model's weights are: a bucket in us-east-1 (not an ML resource itself). */
  farBucket: "wasteful-model-weights-us-east-1",
} as const;

/**
 * The kubeconfig of an existing GKE cluster in northamerica-northeast1 (41 gCO2e/kWh), as gcloud
 * writes it: its context names project, location and cluster, which is where carbonguard reads the
 * region from. A placeholder: nothing connects to it.
 */
const GKE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://203.0.113.10
  name: gke_example-project_northamerica-northeast1_serving
contexts:
- context:
    cluster: gke_example-project_northamerica-northeast1_serving
    user: gke_example-project_northamerica-northeast1_serving
  name: gke_example-project_northamerica-northeast1_serving
current-context: gke_example-project_northamerica-northeast1_serving
users:
- name: gke_example-project_northamerica-northeast1_serving
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
`;

export interface WastefulExample {
  readonly resources: readonly pulumi.CustomResource[];
}

export function buildWastefulExample(): WastefulExample {
  const r = WASTEFUL_RESOURCES;
  const s = WASTEFUL_SUPPORTING;

  // The bucket the training job and the async endpoint below write to: in their region, expiring old objects.
  const bucket = new aws.s3.Bucket(s.bucket, { bucket: "example-bucket", region: CLEAN_AWS, tags: { team: TEAM } });
  const bucketLifecycle = new aws.s3.BucketLifecycleConfiguration(s.bucketLifecycle, {
    region: CLEAN_AWS,
    bucket: bucket.id,
    rules: [{ id: "expire-old-objects", status: "Enabled", filter: {}, expiration: { days: 30 } }],
  });

  const dirtyRegion = new aws.batch.ComputeEnvironment(r.dirtyRegion, {
    region: "us-east-1",
    type: "MANAGED",
    computeResources: {
      type: "SPOT",
      allocationStrategy: "SPOT_PRICE_CAPACITY_OPTIMIZED",
      minVcpus: 0,
      maxVcpus: 64,
      instanceTypes: ["g6e.xlarge", "g6e.2xlarge"],
      instanceRole: "arn:aws:iam::123456789012:instance-profile/example",
      subnets: SUBNETS,
    },
    tags: tags("training"),
  });

  const untagged = new gcp.container.NodePool(r.untagged, {
    cluster: "existing-cluster",
    location: "northamerica-northeast1-b",
    initialNodeCount: 0,
    autoscaling: { minNodeCount: 0, maxNodeCount: 2 },
    nodeConfig: { machineType: "g2-standard-8", spot: true },
  });

  const inferenceOnTrainingNode = new aws.batch.ComputeEnvironment(r.inferenceOnTrainingNode, {
    region: CLEAN_AWS,
    type: "MANAGED",
    computeResources: {
      type: "SPOT",
      allocationStrategy: "SPOT_PRICE_CAPACITY_OPTIMIZED",
      minVcpus: 0,
      maxVcpus: 96,
      instanceTypes: ["p4d.24xlarge"],
      instanceRole: "arn:aws:iam::123456789012:instance-profile/example",
      subnets: SUBNETS,
    },
    tags: tags("batch-inference"),
  });

  const legacyGpu = new gcp.container.NodePool(r.legacyGpu, {
    cluster: "existing-cluster",
    location: "europe-north1-a",
    initialNodeCount: 0,
    autoscaling: { minNodeCount: 0, maxNodeCount: 2 },
    nodeConfig: {
      machineType: "n1-standard-8",
      spot: true,
      guestAccelerators: [{ type: "nvidia-tesla-k80", count: 1 }],
      resourceLabels: tags("training"),
    },
  });

  const alwaysOn = new aws.sagemaker.EndpointConfiguration(r.alwaysOn, {
    region: CLEAN_AWS,
    productionVariants: [{ variantName: "main", modelName: "existing-model", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }],
    tags: tags("inference"),
  });

  const notebook = new aws.sagemaker.NotebookInstance(r.notebook, {
    region: CLEAN_AWS,
    instanceType: "ml.g6.xlarge",
    roleArn: ROLE,
    tags: tags("notebook"),
  });

  const unboundedTraining = new aws.sagemaker.TrainingJob(r.unboundedTraining, {
    region: CLEAN_AWS,
    trainingJobName: "wasteful-training-job",
    roleArn: ROLE,
    algorithmSpecification: { trainingImage: "123456789012.dkr.ecr.eu-north-1.amazonaws.com/train:latest", trainingInputMode: "File" },
    resourceConfig: { instanceType: "ml.g6e.xlarge", instanceCount: 1, volumeSizeInGb: 100 },
    outputDataConfig: { s3OutputPath: pulumi.interpolate`s3://${bucket.bucket}/outputs/` },
    enableManagedSpotTraining: true,
    checkpointConfig: { s3Uri: pulumi.interpolate`s3://${bucket.bucket}/checkpoints/` },
    tags: tags("training"),
  });

  // An asynchronous endpoint that scales to zero (as the reference AwsInference does), serving an 8B
  // model on an 8-GPU instance: one L4 (24 GB) holds it.
  const model = new aws.sagemaker.Model(s.model, {
    region: CLEAN_AWS,
    executionRoleArn: ROLE,
    primaryContainer: {
      image: `763104351884.dkr.ecr.${CLEAN_AWS}.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04`,
      environment: { HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct", SM_NUM_GPUS: "8" },
    },
    tags: tags("inference"),
  });
  const oversizedForModel = new aws.sagemaker.EndpointConfiguration(r.oversizedForModel, {
    region: CLEAN_AWS,
    productionVariants: [{ variantName: "main", modelName: model.name, instanceType: "ml.g6.48xlarge", initialInstanceCount: 1 }],
    asyncInferenceConfig: { outputConfig: { s3OutputPath: pulumi.interpolate`s3://${bucket.bucket}/async-outputs/` } },
    tags: tags("inference"),
  });
  const endpoint = new aws.sagemaker.Endpoint(s.endpoint, { region: CLEAN_AWS, endpointConfigName: oversizedForModel.name, tags: tags("inference") });
  const scaling = new aws.appautoscaling.Target(s.scaling, {
    region: CLEAN_AWS,
    serviceNamespace: "sagemaker",
    scalableDimension: "sagemaker:variant:DesiredInstanceCount",
    resourceId: pulumi.interpolate`endpoint/${endpoint.name}/variant/main`,
    minCapacity: 0,
    maxCapacity: 1,
    tags: tags("inference"),
  });

  // Model weights read from another region every time an endpoint starts an instance.
  const farBucket = new aws.s3.Bucket(s.farBucket, { bucket: "example-model-weights-use1", region: "us-east-1", tags: { team: TEAM } });
  const dataElsewhere = new aws.sagemaker.Model(r.dataElsewhere, {
    region: CLEAN_AWS,
    executionRoleArn: ROLE,
    primaryContainer: {
      image: `763104351884.dkr.ecr.${CLEAN_AWS}.amazonaws.com/pytorch-inference:2.4.0-gpu-py311`,
      modelDataUrl: pulumi.interpolate`s3://${farBucket.bucket}/models/classifier/model.tar.gz`,
    },
    tags: tags("inference"),
  });

  // Checkpoints (500 GB declared) kept forever: no lifecycle configuration for this bucket.
  const checkpointsKeptForever = new aws.s3.Bucket(r.checkpointsKeptForever, {
    bucket: "example-checkpoints",
    region: CLEAN_AWS,
    tags: { team: TEAM, "ml-data": "checkpoints", "ml-data-size-gb": "500" },
  });

  // A vLLM Deployment on one L4 per pod, in a clean region, labelled, on a current GPU: only its
  // scaler is wrong. An HPA keeps at least one replica, so one L4 node never goes away.
  const kubernetes = new k8s.Provider(s.kubernetes, { kubeconfig: GKE_KUBECONFIG });
  const labels = { "ml-workload": "inference", team: TEAM };
  const deployment = new k8s.apps.v1.Deployment(
    s.deployment,
    {
      metadata: { name: s.deployment, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: s.deployment } },
        template: {
          metadata: { labels: { app: s.deployment, ...labels } },
          spec: {
            nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" },
            containers: [{ name: "vllm", image: "docker.io/vllm/vllm-openai:v0.8.5", resources: { limits: { "nvidia.com/gpu": "1" } } }],
          },
        },
      },
    },
    { provider: kubernetes },
  );
  const hpaGpuDeployment = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
    r.hpaGpuDeployment,
    {
      metadata: { name: r.hpaGpuDeployment, labels },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      },
    },
    { provider: kubernetes },
  );

  return {
    resources: [dirtyRegion, untagged, inferenceOnTrainingNode, legacyGpu, alwaysOn, notebook, unboundedTraining, model, oversizedForModel, endpoint, scaling, bucket, bucketLifecycle, farBucket, dataElsewhere, checkpointsKeptForever, kubernetes, deployment, hpaGpuDeployment],
  };
}
