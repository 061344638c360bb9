/** Good and bad examples: run as tests (test/unit/rule-examples.test.ts) and rendered into docs/rules/ml-autoscale-to-zero.md. */
import type { RuleExample, StackRuleExample } from "../../engine/rule";
import { type PlainValue, UNKNOWN_SENTINELS } from "../../engine/values";
import { kubernetesExamples } from "./kubernetes-examples";

// ---------------------------------------------------------------------------------------------
// Examples (run as tests, rendered into docs/rules/ml-autoscale-to-zero.md)

export const l4Pool = (autoscaling: PlainValue | undefined, extra: Record<string, PlainValue> = {}) => ({
  type: "gcp:container/nodePool:NodePool",
  name: "gpu",
  props: {
    location: "us-central1-a",
    nodeConfig: { machineType: "g2-standard-8", ...(extra["nodeConfig"] as Record<string, PlainValue> | undefined) },
    ...(autoscaling !== undefined ? { autoscaling } : {}),
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "nodeConfig")),
  },
});

export const examples: readonly RuleExample[] = [
  {
    title: "GKE L4 node pool with minNodeCount 1",
    verdict: "bad",
    resource: l4Pool({ minNodeCount: 1, maxNodeCount: 4 }),
    messageIds: ["poolMinAboveZero"],
  },
  {
    title: "GKE L4 node pool that scales to zero",
    verdict: "good",
    resource: l4Pool({ minNodeCount: 0, maxNodeCount: 4 }),
  },
  {
    title: "A training-tagged pool is left to ml-training-guardrails",
    verdict: "good",
    resource: l4Pool({ minNodeCount: 1, maxNodeCount: 4 }, { nodeConfig: { resourceLabels: { "ml-workload": "training" } } }),
  },
  {
    title: "GKE cluster with an inline nvidia-l4 pool and no autoscaling",
    verdict: "bad",
    resource: {
      type: "gcp:container/cluster:Cluster",
      name: "ml",
      props: {
        location: "europe-west4",
        nodePools: [{ name: "l4", nodeCount: 1, nodeLocations: ["europe-west4-a"], nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] } }],
      },
    },
    messageIds: ["poolNoAutoscaling"],
  },
  {
    title: "EKS GPU node group with scalingConfig.minSize 1",
    verdict: "bad",
    resource: {
      type: "aws:eks/nodeGroup:NodeGroup",
      name: "gpu",
      props: { instanceTypes: ["g6.xlarge"], amiType: "AL2023_x86_64_NVIDIA", scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 4 } },
      providerProps: { region: "us-east-1" },
    },
    messageIds: ["nodeGroupMinAboveZero"],
  },
  {
    title: "EKS GPU node group with scalingConfig.minSize 0",
    verdict: "good",
    resource: {
      type: "aws:eks/nodeGroup:NodeGroup",
      name: "gpu",
      props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 4 } },
      providerProps: { region: "us-east-1" },
    },
  },
  {
    title: "Classic real-time SageMaker endpoint on a GPU",
    verdict: "bad",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm",
      props: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] },
      providerProps: { region: "eu-west-1" },
    },
    messageIds: ["realtimeEndpointAlwaysOn"],
  },
  {
    title: "Cloud Run GPU service with minInstanceCount 1",
    verdict: "bad",
    resource: {
      type: "gcp:cloudrunv2/service:Service",
      name: "vllm",
      props: {
        location: "europe-west4",
        template: { scaling: { minInstanceCount: 1 }, nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ image: "vllm", resources: { limits: { "nvidia.com/gpu": "1", cpu: "4", memory: "16Gi" } } }] },
      },
    },
    messageIds: ["cloudRunMinAboveZero"],
  },
  {
    title: "AWS Batch SPOT GPU environment with minVcpus 0",
    verdict: "good",
    resource: {
      type: "aws:batch/computeEnvironment:ComputeEnvironment",
      name: "gpu-jobs",
      props: { type: "MANAGED", computeResources: { type: "SPOT", minVcpus: 0, maxVcpus: 64, instanceTypes: ["g5.xlarge"] } },
    },
  },
  {
    title: "Vertex AI deployment resource pool with an L4 (always on in GA)",
    verdict: "bad",
    resource: {
      type: "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool",
      name: "serving",
      props: { region: "us-central1", dedicatedResources: { machineSpec: { machineType: "g2-standard-12", acceleratorType: "NVIDIA_L4", acceleratorCount: 1 }, minReplicaCount: 1, maxReplicaCount: 2 } },
    },
    messageIds: ["vertexEndpointAlwaysOn"],
  },
  {
    title: "Standalone GPU VM with a maximum run duration",
    verdict: "good",
    resource: {
      type: "gcp:compute/instance:Instance",
      name: "dev-box",
      props: { zone: "europe-west4-a", machineType: "g2-standard-4", scheduling: { maxRunDuration: { seconds: 28800 }, instanceTerminationAction: "STOP" } },
    },
  },
];

export const asg = (minSize: number) => ({
  type: "aws:autoscaling/group:Group",
  name: "gpu-asg",
  props: { minSize, maxSize: 4, launchTemplate: { id: "lt-0abc", version: "$Latest" } },
  providerProps: { region: "us-west-2" },
  propertyDependencies: { launchTemplate: ["gpu-lt"] },
  dependencies: ["gpu-lt"],
});
export const launchTemplate = { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "gpu-lt", props: { id: "lt-0abc", instanceType: "g6e.xlarge" } };

export const UNKNOWN_STRING = Object.keys(UNKNOWN_SENTINELS).find((k) => UNKNOWN_SENTINELS[k] === "string")!;

export const asyncConfig = {
  type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  name: "async-cfg",
  props: {
    name: "async-cfg-1a2b",
    asyncInferenceConfig: { outputConfig: { s3OutputPath: "s3://bucket/out" } },
    productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g5.xlarge", initialInstanceCount: 1 }],
  },
  providerProps: { region: "us-east-1" },
};
export const endpoint = {
  type: "aws:sagemaker/endpoint:Endpoint",
  name: "async-ep",
  props: { name: "async-ep-9f8e", endpointConfigName: "async-cfg-1a2b" },
  propertyDependencies: { endpointConfigName: ["async-cfg"] },
  dependencies: ["async-cfg"],
};
export const target = (minCapacity: number) => ({
  type: "aws:appautoscaling/target:Target",
  name: "async-target",
  props: { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:variant:DesiredInstanceCount", resourceId: "endpoint/async-ep-9f8e/variant/main", minCapacity, maxCapacity: 2 },
  propertyDependencies: { resourceId: ["async-ep"] },
  dependencies: ["async-ep"],
});

/** The same target in a first preview: its resourceId interpolates the endpoint's computed name. */
export const previewTarget = (minCapacity: number) => {
  const t = target(minCapacity);
  return { ...t, props: { ...t.props, resourceId: UNKNOWN_STRING } };
};

export const stackExamples: readonly StackRuleExample[] = [
  {
    title: "ASG whose launch template has a GPU type, minSize 1",
    verdict: "bad",
    resources: [launchTemplate, asg(1)],
    messageIds: ["asgMinAboveZero"],
  },
  { title: "The same ASG with minSize 0", verdict: "good", resources: [launchTemplate, asg(0)] },
  { title: "Async SageMaker endpoint whose scaling target has minCapacity 0", verdict: "good", resources: [asyncConfig, endpoint, target(0)] },
  {
    title: "Async SageMaker endpoint whose scaling target has minCapacity 1",
    verdict: "bad",
    resources: [asyncConfig, endpoint, target(1)],
    messageIds: ["asyncScalingMinAboveZero"],
  },
  {
    title: "First preview: the scaling target's resourceId is unknown, its dependency leads to the one-variant endpoint (minCapacity 0)",
    verdict: "good",
    resources: [asyncConfig, endpoint, previewTarget(0)],
  },
  {
    title: "First preview, the same target with minCapacity 1",
    verdict: "bad",
    resources: [asyncConfig, endpoint, previewTarget(1)],
    messageIds: ["asyncScalingMinAboveZero"],
  },
  {
    title: "GCE autoscaler at minReplicas 1 over a G2 template",
    verdict: "bad",
    resources: [
      { type: "gcp:compute/instanceTemplate:InstanceTemplate", name: "g2-tmpl", props: { machineType: "g2-standard-8", selfLink: "https://www.googleapis.com/compute/v1/projects/p/global/instanceTemplates/g2-tmpl" } },
      {
        type: "gcp:compute/instanceGroupManager:InstanceGroupManager",
        name: "g2-mig",
        props: { zone: "us-east1-b", selfLink: "https://www.googleapis.com/compute/v1/projects/p/zones/us-east1-b/instanceGroupManagers/g2-mig", versions: [{ instanceTemplate: "projects/p/global/instanceTemplates/g2-tmpl" }] },
      },
      {
        type: "gcp:compute/autoscaler:Autoscaler",
        name: "g2-scaler",
        props: { zone: "us-east1-b", target: "https://www.googleapis.com/compute/v1/projects/p/zones/us-east1-b/instanceGroupManagers/g2-mig", autoscalingPolicy: { minReplicas: 1, maxReplicas: 4 } },
      },
    ],
    messageIds: ["migMinReplicasAboveZero"],
  },
  {
    title: "ECS GPU service with a scaling target at minCapacity 0",
    verdict: "good",
    resources: [
      { type: "aws:ecs/taskDefinition:TaskDefinition", name: "infer-td", props: { family: "infer", revision: 3, arn: "arn:aws:ecs:us-east-1:123456789012:task-definition/infer:3", containerDefinitions: JSON.stringify([{ name: "c", image: "img", resourceRequirements: [{ type: "GPU", value: "1" }] }]) } },
      { type: "aws:ecs/service:Service", name: "infer", props: { name: "infer", cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/ml", taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/infer:3", desiredCount: 1 }, propertyDependencies: { taskDefinition: ["infer-td"] } },
      { type: "aws:appautoscaling/target:Target", name: "infer-target", props: { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: "service/ml/infer", minCapacity: 0, maxCapacity: 4 }, propertyDependencies: { resourceId: ["infer"] } },
    ],
  },
  ...kubernetesExamples,
];
