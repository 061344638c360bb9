/**
 * accelerator-fits-model's documented examples for capacity reached through joins: ECS services
 * (capacity providers, cluster defaults, placement constraints), Batch job definitions (queues'
 * compute environments), SageMaker inference components, and the tensor-parallel size. They run as
 * tests and feed docs/rules/accelerator-fits-model.md.
 */
import type { StackRuleExample } from "../../engine/rule";

type Res = StackRuleExample["resources"][number];
const REGION = { region: "us-east-1" };
const ACCOUNT = "arn:aws:ecs:us-east-1:123456789012";

function taskDefinition(name: string, container: Record<string, unknown>, gpus: number): Res {
  const definitions = [{ name: "server", image: "vllm/vllm-openai:v0.10.0", memory: 30000, essential: true, resourceRequirements: [{ type: "GPU", value: String(gpus) }], ...container }];
  return { type: "aws:ecs/taskDefinition:TaskDefinition", name, props: { family: name, requiresCompatibilities: ["EC2"], containerDefinitions: JSON.stringify(definitions) }, providerProps: REGION };
}

/** Launch template → Auto Scaling group → capacity provider, all named `<prefix>-…`. */
function gpuCapacity(prefix: string, instanceType: string): Res[] {
  return [
    { type: "aws:ec2/launchTemplate:LaunchTemplate", name: `${prefix}-lt`, id: `lt-${prefix}`, props: { name: `${prefix}-lt`, instanceType, imageId: "ami-0123456789abcdef0" }, providerProps: REGION },
    {
      type: "aws:autoscaling/group:Group",
      name: `${prefix}-asg`,
      id: `${prefix}-asg`,
      props: { name: `${prefix}-asg`, minSize: 0, maxSize: 2, launchTemplate: { id: `lt-${prefix}`, version: "$Latest" } },
      providerProps: REGION,
      dependencies: [`${prefix}-lt`],
      propertyDependencies: { launchTemplate: [`${prefix}-lt`] },
    },
    {
      type: "aws:ecs/capacityProvider:CapacityProvider",
      name: `${prefix}-cp`,
      props: { name: `${prefix}-cp`, autoScalingGroupProvider: { autoScalingGroupArn: `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1a2b:autoScalingGroupName/${prefix}-asg`, managedScaling: { status: "ENABLED" } } },
      providerProps: REGION,
      dependencies: [`${prefix}-asg`],
      propertyDependencies: { autoScalingGroupProvider: [`${prefix}-asg`] },
    },
  ];
}

function service(name: string, task: string, extra: Record<string, unknown>, deps: Record<string, string[]> = {}): Res {
  return {
    type: "aws:ecs/service:Service",
    name,
    props: { name, cluster: `${ACCOUNT}:cluster/ml`, taskDefinition: task, desiredCount: 1, tags: { "ml-workload": "inference" }, ...extra },
    providerProps: REGION,
    dependencies: [task, ...Object.values(deps).flat()],
    propertyDependencies: { taskDefinition: [task], ...deps },
  };
}

const LLAMA_8B = [{ name: "MODEL_ID", value: "meta-llama/Llama-3.1-8B-Instruct" }];

const ecsExamples: StackRuleExample[] = [
  {
    title: "ECS: an 8B model whose task takes all 8 A100s of p4d.24xlarge (capacity provider → Auto Scaling group → launch template)",
    verdict: "bad",
    resources: [
      taskDefinition("llm", { environment: LLAMA_8B, command: ["--tensor-parallel-size", "8"] }, 8),
      ...gpuCapacity("a100", "p4d.24xlarge"),
      service("llm", "llm", { capacityProviderStrategies: [{ capacityProvider: "a100-cp", weight: 1 }] }, { capacityProviderStrategies: ["a100-cp"] }),
    ],
    messageIds: ["oversized"],
    messageIncludes: ["p4d.24xlarge (8×A100, 320 GB) is oversized for the served model (≈19.2 GB)"],
  },
  {
    title: "ECS: the same model given 2 of the 4 L4s of g6.12xlarge (judged on the GPUs the task gets; no saving claimed for a shared instance)",
    verdict: "bad",
    resources: [
      taskDefinition("llm", { environment: LLAMA_8B }, 2),
      ...gpuCapacity("l4x4", "g6.12xlarge"),
      service("llm", "llm", { capacityProviderStrategies: [{ capacityProvider: "l4x4-cp", weight: 1 }] }, { capacityProviderStrategies: ["l4x4-cp"] }),
    ],
    messageIds: ["oversized"],
    messageIncludes: ["g6.12xlarge (2 of 4×L4, 48 GB) is oversized for the served model (≈19.2 GB): use g6.xlarge"],
  },
  {
    title: "ECS: the same model with one GPU, on the cluster's default capacity provider (g6.xlarge, 1×L4)",
    verdict: "good",
    resources: [
      taskDefinition("llm", { environment: LLAMA_8B }, 1),
      ...gpuCapacity("l4", "g6.xlarge"),
      { type: "aws:ecs/cluster:Cluster", name: "ml", id: `${ACCOUNT}:cluster/ml`, props: { name: "ml", arn: `${ACCOUNT}:cluster/ml` }, providerProps: REGION },
      {
        type: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        name: "ml-defaults",
        props: { clusterName: "ml", capacityProviders: ["l4-cp"], defaultCapacityProviderStrategies: [{ capacityProvider: "l4-cp", weight: 1 }] },
        providerProps: REGION,
        dependencies: ["ml", "l4-cp"],
        propertyDependencies: { clusterName: ["ml"], defaultCapacityProviderStrategies: ["l4-cp"] },
      },
      service("llm", "llm", {}, { cluster: ["ml"] }),
    ],
  },
  {
    title: "ECS: vLLM sharded over 4 GPUs, pinned to g6.xlarge (1×L4) by a placement constraint: it can't start",
    verdict: "bad",
    resources: [
      taskDefinition("qwen", { command: ["vllm", "serve", "Qwen/Qwen3-8B", "--tensor-parallel-size", "4"] }, 1),
      service("qwen", "qwen", { launchType: "EC2", placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type == g6.xlarge" }] }),
    ],
    messageIds: ["shardsExceedDevices"],
    messageIncludes: ["sharded over 4 accelerators but g6.xlarge gives it 1"],
  },
  {
    title: "ECS: an EC2 launch type with no placement constraint (the instances that join the cluster are not in the stack): no claim",
    verdict: "good",
    resources: [taskDefinition("llm", { environment: LLAMA_8B }, 8), service("llm", "llm", { launchType: "EC2" })],
  },
];

function computeEnvironment(name: string, instanceTypes: string[]): Res {
  return {
    type: "aws:batch/computeEnvironment:ComputeEnvironment",
    name,
    props: { computeEnvironmentName: name, arn: `arn:aws:batch:us-east-1:123456789012:compute-environment/${name}`, type: "MANAGED", computeResources: { type: "EC2", minVcpus: 0, maxVcpus: 64, instanceTypes } },
    providerProps: REGION,
  };
}

function jobQueue(name: string, environments: string[]): Res {
  return {
    type: "aws:batch/jobQueue:JobQueue",
    name,
    props: { name, state: "ENABLED", priority: 1, computeEnvironmentOrders: environments.map((e, i) => ({ order: i + 1, computeEnvironment: `arn:aws:batch:us-east-1:123456789012:compute-environment/${e}` })) },
    providerProps: REGION,
    dependencies: environments,
    propertyDependencies: { computeEnvironmentOrders: environments },
  };
}

function jobDefinition(name: string, container: Record<string, unknown>, gpus: number): Res {
  const containerProperties = { image: "ghcr.io/huggingface/text-generation-inference:3.0", resourceRequirements: [{ type: "GPU", value: String(gpus) }, { type: "VCPU", value: "4" }, { type: "MEMORY", value: "16384" }], ...container };
  return { type: "aws:batch/jobDefinition:JobDefinition", name, props: { name, type: "container", containerProperties: JSON.stringify(containerProperties), tags: { "ml-workload": "batch-inference" } }, providerProps: REGION };
}

const batchExamples: StackRuleExample[] = [
  {
    title: "Batch: a 70B model on one GPU, where every queue runs on L4 types (g6.xlarge, g6.2xlarge)",
    verdict: "bad",
    resources: [computeEnvironment("l4", ["g6.xlarge", "g6.2xlarge"]), jobQueue("gpu", ["l4"]), jobDefinition("summarize", { command: ["--model-id", "meta-llama/Llama-3.1-70B-Instruct"] }, 1)],
    messageIds: ["cannotLoad"],
    messageIncludes: ["g6.xlarge can't hold the served model"],
  },
  {
    title: "Batch: queues whose GPU environments carry different accelerators (L4 and A10G): no claim, the job may run on either",
    verdict: "good",
    resources: [computeEnvironment("l4", ["g6.xlarge"]), computeEnvironment("a10g", ["g5.xlarge"]), jobQueue("gpu", ["l4", "a10g"]), jobDefinition("summarize", { command: ["--model-id", "meta-llama/Llama-3.1-70B-Instruct"] }, 1)],
  },
];

const SM_REGION = { region: "eu-north-1" };

function componentStack(devices: number, instanceType: string): Res[] {
  return [
    {
      type: "aws:sagemaker/model:Model",
      name: "llama-8b",
      id: "llama-8b",
      props: { name: "llama-8b", executionRoleArn: "arn:aws:iam::123456789012:role/example", primaryContainer: { image: "763104351884.dkr.ecr.eu-north-1.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128", environment: { HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" } } },
      providerProps: SM_REGION,
    },
    {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "shared-config",
      props: { name: "shared-config", executionRoleArn: "arn:aws:iam::123456789012:role/example", productionVariants: [{ variantName: "main", instanceType, initialInstanceCount: 1, managedInstanceScaling: { status: "ENABLED", minInstanceCount: 0, maxInstanceCount: 2 }, routingConfig: { routingStrategy: "LEAST_OUTSTANDING_REQUESTS" } }] },
      providerProps: SM_REGION,
    },
    { type: "aws:sagemaker/endpoint:Endpoint", name: "shared", props: { name: "shared", endpointConfigName: "shared-config" }, providerProps: SM_REGION, dependencies: ["shared-config"], propertyDependencies: { endpointConfigName: ["shared-config"] } },
    {
      type: "aws-native:sagemaker:InferenceComponent",
      name: "llama",
      props: {
        inferenceComponentName: "llama",
        endpointName: "shared",
        variantName: "main",
        specification: { modelName: "llama-8b", computeResourceRequirements: { numberOfAcceleratorDevicesRequired: devices, minMemoryRequiredInMb: 16384 } },
        runtimeConfig: { copyCount: 1 },
      },
      providerProps: SM_REGION,
      dependencies: ["shared", "llama-8b"],
      propertyDependencies: { endpointName: ["shared"], specification: ["llama-8b"] },
    },
  ];
}

const componentExamples: StackRuleExample[] = [
  {
    title: "SageMaker inference component: an 8B model given all 4 L4s of ml.g6.12xlarge",
    verdict: "bad",
    resources: componentStack(4, "ml.g6.12xlarge"),
    messageIds: ["oversized"],
    messageIncludes: ["ml.g6.12xlarge (4×L4, 96 GB) is oversized for the served model (≈19.2 GB)"],
  },
  {
    title: "SageMaker inference component: the same model given 1 of the 4 L4s (the others serve other components)",
    verdict: "good",
    resources: componentStack(1, "ml.g6.12xlarge"),
  },
];

const shardExamples: StackRuleExample[] = [
  {
    title: "SageMaker: SM_NUM_GPUS=4 on ml.g6.xlarge (1×L4): TGI can't start 4 shards on one GPU",
    verdict: "bad",
    resources: [
      {
        type: "aws:sagemaker/model:Model",
        name: "qwen",
        id: "qwen",
        props: { name: "qwen", executionRoleArn: "arn:aws:iam::123456789012:role/example", primaryContainer: { image: "763104351884.dkr.ecr.eu-north-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04", environment: { HF_MODEL_ID: "Qwen/Qwen3-8B", SM_NUM_GPUS: "4" } } },
        providerProps: SM_REGION,
      },
      {
        type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        name: "qwen-config",
        props: { productionVariants: [{ variantName: "main", modelName: "qwen", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }], asyncInferenceConfig: { outputConfig: { s3OutputPath: "s3://example-bucket/async-outputs/" } } },
        providerProps: SM_REGION,
        dependencies: ["qwen"],
        propertyDependencies: { productionVariants: ["qwen"] },
      },
    ],
    messageIds: ["shardsExceedDevices"],
    messageIncludes: ["sharded over 4 accelerators but ml.g6.xlarge gives it 1"],
  },
];

export const capacityStackExamples: readonly StackRuleExample[] = [...ecsExamples, ...batchExamples, ...componentExamples, ...shardExamples];

/** The builders, for tests that vary these stacks (unknowns, secrets, links made elsewhere). */
export const capacityExampleParts = { taskDefinition, gpuCapacity, service, computeEnvironment, jobQueue, jobDefinition, componentStack };
