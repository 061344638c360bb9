/** Good and bad examples: run as tests (test/unit/rule-examples.test.ts) and rendered into docs/rules/ml-training-guardrails.md. */
import type { RuleExample, StackRuleExample } from "../../engine/rule";

const trainingJob = (props: Record<string, unknown>) => ({
  type: "aws:sagemaker/trainingJob:TrainingJob",
  name: "finetune",
  props: {
    roleArn: "arn:aws:iam::123456789012:role/sm",
    algorithmSpecification: { trainingImage: "123456789012.dkr.ecr.us-west-2.amazonaws.com/train:latest", trainingInputMode: "File" },
    outputDataConfig: { s3OutputPath: "s3://bucket/out" },
    resourceConfig: { instanceType: "ml.p4d.24xlarge", instanceCount: 2, volumeSizeInGb: 100 },
    ...props,
  },
  providerProps: { region: "us-west-2" },
});

export const examples: readonly RuleExample[] = [
  {
    title: "SageMaker training job without maxRuntimeInSeconds or Spot",
    verdict: "bad",
    resource: trainingJob({}),
    messageIds: ["trainingJobGaps"],
  },
  {
    title: "SageMaker training job on managed Spot with checkpoints and a 24 h limit",
    verdict: "good",
    resource: trainingJob({ enableManagedSpotTraining: true, checkpointConfig: { s3Uri: "s3://bucket/ckpt" }, stoppingCondition: { maxRuntimeInSeconds: 86400, maxWaitTimeInSeconds: 172800 } }),
  },
  {
    title: "SageMaker training job with a 60-minute warm pool",
    verdict: "bad",
    resource: trainingJob({
      enableManagedSpotTraining: true,
      checkpointConfig: { s3Uri: "s3://bucket/ckpt" },
      stoppingCondition: { maxRuntimeInSeconds: 86400, maxWaitTimeInSeconds: 172800 },
      resourceConfig: { instanceType: "ml.g5.12xlarge", instanceCount: 1, volumeSizeInGb: 100, keepAlivePeriodInSeconds: 3600 },
    }),
    messageIds: ["trainingJobGaps"],
  },
  {
    title: "AWS Batch GPU compute environment on SPOT",
    verdict: "good",
    resource: { type: "aws:batch/computeEnvironment:ComputeEnvironment", name: "gpu-jobs", props: { type: "MANAGED", computeResources: { type: "SPOT", minVcpus: 0, maxVcpus: 64, instanceTypes: ["g5.xlarge"] } } },
  },
  {
    title: "AWS Batch GPU job definition without timeout or retries",
    verdict: "bad",
    resource: {
      type: "aws:batch/jobDefinition:JobDefinition",
      name: "train",
      props: { type: "container", containerProperties: JSON.stringify({ image: "train", resourceRequirements: [{ type: "GPU", value: "1" }, { type: "VCPU", value: "4" }] }) },
    },
    messageIds: ["batchJobGaps"],
  },
  {
    title: "Training-tagged GKE node pool on on-demand nodes",
    verdict: "bad",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "train",
      props: { location: "us-central1-a", autoscaling: { minNodeCount: 1, maxNodeCount: 8 }, nodeConfig: { machineType: "a3-highgpu-8g", resourceLabels: { "ml-workload": "training" } } },
    },
    messageIds: ["gkePoolOnDemand"],
  },
  {
    title: "Training-tagged GKE node pool on Spot nodes",
    verdict: "good",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "train",
      props: { location: "us-central1-a", autoscaling: { minNodeCount: 0, maxNodeCount: 8 }, nodeConfig: { machineType: "a3-highgpu-8g", spot: true, resourceLabels: { "ml-workload": "training" } } },
    },
  },
  {
    title: "Training stack: EKS GPU node group on on-demand capacity",
    verdict: "bad",
    resource: { type: "aws:eks/nodeGroup:NodeGroup", name: "train", props: { instanceTypes: ["p5.48xlarge"], scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 2 } } },
    stackTags: { "ml-workload": "training" },
    messageIds: ["eksOnDemand"],
  },
];

export const stackExamples: readonly StackRuleExample[] = [
  {
    title: "Training ASG whose launch template has a GPU type, on-demand",
    verdict: "bad",
    resources: [
      { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "train-lt", props: { id: "lt-0t", instanceType: "p4d.24xlarge", tags: { "ml-workload": "training" } } },
      { type: "aws:autoscaling/group:Group", name: "train-asg", props: { minSize: 0, maxSize: 2, desiredCapacity: 1, launchTemplate: { id: "lt-0t" } }, propertyDependencies: { launchTemplate: ["train-lt"] } },
    ],
    messageIds: ["asgOnDemand"],
  },
  {
    title: "Training ASG whose launch template requests Spot",
    verdict: "good",
    resources: [
      { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "train-lt", props: { id: "lt-0t", instanceType: "p4d.24xlarge", instanceMarketOptions: { marketType: "spot" }, tags: { "ml-workload": "training" } } },
      { type: "aws:autoscaling/group:Group", name: "train-asg", props: { minSize: 0, maxSize: 2, launchTemplate: { id: "lt-0t" } }, propertyDependencies: { launchTemplate: ["train-lt"] } },
    ],
  },
];
