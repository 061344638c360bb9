/**
 * fast-check generators for hostile resource properties: the keys rules read, filled with
 * wrong types, nulls, deep nesting, huge strings, unknown sentinels and secrets.
 */
import fc from "fast-check";

export const SENTINELS = [
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

export const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** Keys that the scanners and the region resolver read, so generated trees hit real code paths. */
const KEYS = [
  "instanceType", "instanceTypes", "region", "location", "zone", "availabilityZone", "productionVariants",
  "shadowProductionVariants", "resourceConfig", "instanceGroups", "nodeConfig", "machineType", "guestAccelerators",
  "type", "count", "template", "nodeSelector", "accelerator", "containers", "resources", "limits", "nvidia.com/gpu",
  "containerDefinitions", "containerProperties", "resourceRequirements", "value", "computeResources", "amiType",
  "acceleratorType", "acceleratorCount", "machineSpec", "dedicatedResources", "gceSetup", "acceleratorConfigs",
  "coreCount", "nodePools", "tags", "labels", "ml-workload", "mixedInstancesPolicy", "launchTemplate", "overrides",
  "instanceRequirements", "acceleratorNames", "defaultUserSettings", "jupyterLabAppSettings", "defaultResourceSpec",
  "acceleratorConfig", "tpu", "nodeSpecs", "node", "clusterConfig", "workerConfig", "accelerators", "defaultTags",
  "spec", "metadata", "replicas", "predictor", "minReplicas", "kubeconfig",
  "__proto__", "constructor", "toString",
];

const TOKENS = [
  "p4d.24xlarge", "ml.p4d.24xlarge", "g6.xlarge", "ml.g6.xlarge", "p5.48xlarge", "p3.2xlarge", "inf2.xlarge",
  "p9.96xlarge", "m5.large", "a3-highgpu-8g", "g2-standard-8", "n1-standard-8", "nvidia-l4", "NVIDIA_L4",
  "nvidia-tesla-k80", "v5litepod-8", "v6e-8", "us-east-1", "eu-north-1", "us-central1-a", "europe-north1",
  "eu-north-1a", "mars-north-9", "US", "GPU", "1", "8", "-1", "AL2023_x86_64_NVIDIA", "training", "inference",
];

/** A string that must never appear in any message: stands for a plaintext secret. */
export const PLANTED_SECRET = "s3cr3t-Pl4nted-V4lue-do-not-print";
/** A secret shaped like an identifier (lowercase, hyphenated): quoting allow-lists must not let it through. */
export const PLANTED_TOKEN_SECRET = "zzsecret-hunter-token";

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 2, arbitrary: fc.constantFrom(...SENTINELS) },
  { weight: 1, arbitrary: fc.constant(PLANTED_SECRET) },
  { weight: 1, arbitrary: fc.constant(PLANTED_TOKEN_SECRET) },
  { weight: 1, arbitrary: fc.constant({ ...SECRET_SIG, ciphertext: PLANTED_SECRET }) },
  { weight: 1, arbitrary: fc.constant({ ...SECRET_SIG, value: PLANTED_SECRET }) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(100_000), "ü".repeat(5_000)) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)) },
  { weight: 1, arbitrary: fc.constant(JSON.stringify([{ name: "c", resourceRequirements: [{ type: "GPU", value: "2" }] }])) },
  { weight: 1, arbitrary: fc.constant("{not json") },
);

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 5 }),
  ),
})).value;

export const hostileProps: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fc.constantFrom(...KEYS), hostileValue, { maxKeys: 8 });

/** Nests a value very deep (a chain), to probe recursion limits. */
export function deeplyNested(depth: number, inner: unknown): unknown {
  let v: unknown = inner;
  for (let i = 0; i < depth; i++) v = i % 2 ? { nodeConfig: v } : { productionVariants: [v] };
  return v;
}

/** A DAG whose every level references the level below twice: 2^depth paths from a few objects. */
export function exponentialDag(depth: number, inner: unknown): unknown {
  let v: unknown = inner;
  for (let i = 0; i < depth; i++) v = { nodeConfig: v, productionVariants: [v] };
  return v;
}

export const RESOURCE_TYPES = [
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  "aws:ec2/instance:Instance",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:autoscaling/group:Group",
  "aws:eks/nodeGroup:NodeGroup",
  "aws:batch/computeEnvironment:ComputeEnvironment",
  "aws:batch/jobDefinition:JobDefinition",
  "aws:ecs/taskDefinition:TaskDefinition",
  "aws:sagemaker/trainingJob:TrainingJob",
  "aws:sagemaker/notebookInstance:NotebookInstance",
  "aws:sagemaker/domain:Domain",
  "aws-native:sagemaker:InferenceComponent",
  "gcp:compute/instance:Instance",
  "gcp:compute/instanceTemplate:InstanceTemplate",
  "gcp:container/nodePool:NodePool",
  "gcp:container/cluster:Cluster",
  "gcp:cloudrunv2/service:Service",
  "gcp:cloudrunv2/job:Job",
  "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool",
  "gcp:workbench/instance:Instance",
  "gcp:tpu/v2Vm:V2Vm",
  "gcp:tpu/v2QueuedResource:V2QueuedResource",
  "gcp:dataproc/cluster:Cluster",
  "gcp:storage/bucket:Bucket",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:batch/v1:Job",
  "kubernetes:serving.kserve.io/v1beta1:InferenceService",
  "kubernetes:helm.sh/v3:Release",
  "aws:iam/role:Role",
  "random:index/randomId:RandomId",
];

/** Type tokens that are `Object.prototype` names: a dispatch table indexed without `ownEntry` finds a function. */
export const PROTOTYPE_NAMES = ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf", "isPrototypeOf", "toLocaleString"] as const;

/** Any type token a program or state file may hold: known ones, prototype names, and arbitrary strings. */
export const typeTokens = fc.oneof(fc.constantFrom(...RESOURCE_TYPES), fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 60 }));

