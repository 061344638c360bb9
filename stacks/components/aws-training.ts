/**
 * AwsTraining: GPU training on AWS Batch that costs (almost) nothing when no job runs.
 *
 * - A managed SPOT compute environment (`minVcpus: 0`, price-capacity-optimized) on current-generation
 *   single-GPU types offered in a clean region. Batch starts instances for queued jobs and terminates
 *   them when the queue is empty.
 * - A job queue, and a GPU job definition with a per-attempt timeout and a retry strategy that retries
 *   Spot interruptions (jobs resume from checkpoints in S3) and nothing else.
 * - An S3 bucket for datasets and checkpoints with lifecycle rules (old checkpoints expire, incomplete
 *   uploads are aborted, datasets tier down), public access blocked.
 * - Least-privilege IAM: the instance role has only the ECS container-instance policy; the job role
 *   can read `datasets/` and read/write `checkpoints/` and `outputs/` of this bucket, nothing else.
 *   Batch uses its service-linked role (no service role to manage).
 * - Tags `ml-workload=training` and `team` on every regional resource.
 *
 * Property paths follow the project's scale-to-zero research notes (@pulumi/aws 7.48.0).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_TEAM, awsIamTags, awsTags, positiveInteger } from "./common";

/** Stockholm: 20 gCO2e/kWh (Electricity Maps 2025), and it offers the g6e types below (region-data/accelerators.json). */
export const AWS_TRAINING_DEFAULT_REGION = "eu-north-1";
/**
 * Single-GPU NVIDIA L40S sizes (current generation, training-capable; several sizes widen the Spot
 * pools Batch can draw from). For Trainium (`trn1.*`) pick us-west-2, the only clean region in the
 * catalog that offers it, and map the Neuron devices in the job definition instead of a GPU count.
 */
export const AWS_TRAINING_DEFAULT_INSTANCE_TYPES: readonly string[] = ["g6e.xlarge", "g6e.2xlarge", "g6e.4xlarge", "g6e.8xlarge"];
/** NGC PyTorch container; replace with your training image. */
export const AWS_TRAINING_DEFAULT_IMAGE = "nvcr.io/nvidia/pytorch:24.12-py3";
/** The default command: the data URIs arrive as Batch parameters (see `parameters` below). */
export const AWS_TRAINING_DEFAULT_COMMAND = [
  "python", "train.py", "--dataset-uri", "Ref::datasetUri", "--checkpoint-uri", "Ref::checkpointUri", "--output-uri", "Ref::outputUri",
] as const;

export interface AwsTrainingArgs {
  /** AWS region for every regional resource. Default: eu-north-1 (clean, offers the default types). */
  region?: string;
  /** Team tag, for per-team carbon and cost accounting. Default: `ml-platform`. */
  team?: string;
  /** GPU (or Trainium) instance types Batch may launch. Default: g6e.xlarge … g6e.8xlarge. */
  instanceTypes?: string[];
  /** Upper bound of the compute environment in vCPUs (the only thing that caps spend). Default: 64. */
  maxVcpus?: number;
  /** Training container image. Default: NGC PyTorch. */
  image?: string;
  /**
   * Command the job definition runs (jobs can override it at submit time). `Ref::datasetUri`,
   * `Ref::checkpointUri` and `Ref::outputUri` are replaced by the bucket's URIs. Default:
   * `python train.py --dataset-uri Ref::datasetUri --checkpoint-uri Ref::checkpointUri --output-uri Ref::outputUri`.
   */
  command?: string[];
  /** GPUs, vCPUs and memory (MiB) one job asks for. Defaults fit a g6e.xlarge: 1 GPU, 4 vCPUs, 28000 MiB. */
  gpusPerJob?: number;
  vcpusPerJob?: number;
  memoryMiBPerJob?: number;
  /** Per-attempt timeout in hours (Batch kills the attempt after it). Default: 24. */
  maxRuntimeHours?: number;
  /** Attempts per job, Spot interruptions included. Default: 3. */
  retryAttempts?: number;
  /** Days after which checkpoints expire. Default: 30. */
  checkpointRetentionDays?: number;
  /** Subnets for the instances. Default: the default VPC's subnets in `region`. */
  subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups for the instances. Default: one with HTTPS egress only and no ingress (needs the default VPC). */
  securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** AMI family Batch uses for the instances. Default: `ECS_AL2023_NVIDIA` (verify it is offered in your account; else `ECS_AL2_NVIDIA`). */
  imageType?: string;
  /** Extra tags for every resource. */
  tags?: Record<string, string>;
}

export class AwsTraining extends pulumi.ComponentResource {
  readonly region: string;
  readonly bucket: aws.s3.Bucket;
  readonly computeEnvironment: aws.batch.ComputeEnvironment;
  readonly jobQueue: aws.batch.JobQueue;
  readonly jobDefinition: aws.batch.JobDefinition;
  readonly instanceRole: aws.iam.Role;
  readonly jobRole: aws.iam.Role;

  constructor(name: string, args: AwsTrainingArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("carbonguard:reference:AwsTraining", name, {}, opts);
    const region = (this.region = args.region ?? AWS_TRAINING_DEFAULT_REGION);
    const team = args.team ?? DEFAULT_TEAM;
    const tags = awsTags("training", team, args.tags);
    const iamTags = awsIamTags(team, args.tags);
    const instanceTypes = args.instanceTypes ?? [...AWS_TRAINING_DEFAULT_INSTANCE_TYPES];
    if (instanceTypes.length === 0) throw new Error("AwsTraining: instanceTypes must name at least one type.");
    const maxVcpus = positiveInteger("maxVcpus", args.maxVcpus ?? 64);
    const gpus = positiveInteger("gpusPerJob", args.gpusPerJob ?? 1);
    const vcpus = positiveInteger("vcpusPerJob", args.vcpusPerJob ?? 4);
    const memory = positiveInteger("memoryMiBPerJob", args.memoryMiBPerJob ?? 28000);
    const attempts = positiveInteger("retryAttempts", args.retryAttempts ?? 3);
    if (attempts > 10) throw new Error("AwsTraining: retryAttempts must be at most 10 (AWS Batch limit).");
    const maxRuntimeHours = args.maxRuntimeHours ?? 24;
    if (!(maxRuntimeHours > 0 && maxRuntimeHours <= 72)) throw new Error("AwsTraining: maxRuntimeHours must be in (0, 72] (the ml-training-guardrails default limit).");
    const checkpointDays = positiveInteger("checkpointRetentionDays", args.checkpointRetentionDays ?? 30);
    const child = { parent: this };

    // --- Storage: datasets and checkpoints -------------------------------------------------------
    // `ml-data` puts the bucket under ml-storage-lifecycle (the Batch job's checkpointUri also does): the rules below expire old checkpoints.
    this.bucket = new aws.s3.Bucket(`${name}-data`, { region, forceDestroy: false, tags: { ...tags, "ml-data": "checkpoints" } }, child);
    new aws.s3.BucketPublicAccessBlock(
      `${name}-data`,
      { region, bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-data`,
      {
        region,
        bucket: this.bucket.id,
        rules: [
          { id: "expire-old-checkpoints", status: "Enabled", filter: { prefix: "checkpoints/" }, expiration: { days: checkpointDays } },
          { id: "datasets-intelligent-tiering", status: "Enabled", filter: { prefix: "datasets/" }, transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] },
          { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
        ],
      },
      child,
    );

    // --- IAM ---------------------------------------------------------------------------------------
    this.instanceRole = new aws.iam.Role(
      `${name}-instance`,
      { assumeRolePolicy: assumeRole("ec2.amazonaws.com"), description: "ECS container instances of the training compute environment", tags: iamTags },
      child,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-instance-ecs`,
      { role: this.instanceRole.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role" },
      child,
    );
    const instanceProfile = new aws.iam.InstanceProfile(`${name}-instance`, { role: this.instanceRole.name, tags: iamTags }, child);

    // The job role has a fixed name (component and stack), so its ARN is known at preview and with it
    // the job definition's containerProperties: a policy pack can read the GPU request on the first
    // `pulumi preview` instead of reporting that it can't (an ARN read from the role's outputs is
    // unknown until the role exists, and one unknown makes the whole JSON string unknown).
    const jobRoleName = `${name}-job-${pulumi.getStack()}`.slice(0, 64);
    this.jobRole = new aws.iam.Role(
      `${name}-job`,
      { name: jobRoleName, assumeRolePolicy: assumeRole("ecs-tasks.amazonaws.com"), description: "Training jobs: this bucket's datasets/, checkpoints/ and outputs/ only", tags: iamTags },
      child,
    );
    const identity = aws.getCallerIdentityOutput({}, child);
    const partition = aws.getPartitionOutput({}, child);
    const jobRoleArn = pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:role/${jobRoleName}`;
    new aws.iam.RolePolicy(
      `${name}-job-data`,
      {
        role: this.jobRole.id,
        policy: this.bucket.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Sid: "List", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [arn], Condition: { StringLike: { "s3:prefix": ["datasets/*", "checkpoints/*", "outputs/*"] } } },
              { Sid: "ReadDatasets", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${arn}/datasets/*`] },
              { Sid: "Checkpoints", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${arn}/checkpoints/*`, `${arn}/outputs/*`] },
            ],
          }),
        ),
      },
      child,
    );

    // --- Network: default VPC unless given --------------------------------------------------------
    let subnets: pulumi.Input<pulumi.Input<string>[]>;
    let securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    if (args.subnetIds !== undefined && args.securityGroupIds !== undefined) {
      subnets = args.subnetIds;
      securityGroupIds = args.securityGroupIds;
    } else {
      const vpc = aws.ec2.getVpcOutput({ default: true, region }, child);
      subnets = args.subnetIds ?? aws.ec2.getSubnetsOutput({ region, filters: [{ name: "vpc-id", values: [vpc.id] }] }, child).ids;
      if (args.securityGroupIds !== undefined) {
        securityGroupIds = args.securityGroupIds;
      } else {
        const sg = new aws.ec2.SecurityGroup(
          `${name}-instances`,
          { region, vpcId: vpc.id, description: "Training instances: no ingress, HTTPS egress (ECR, S3, CloudWatch, registries)", tags },
          child,
        );
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-instances-https`,
          { region, securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS out", tags },
          child,
        );
        securityGroupIds = [sg.id];
      }
    }

    // --- Batch ------------------------------------------------------------------------------------
    this.computeEnvironment = new aws.batch.ComputeEnvironment(
      `${name}-spot-gpu`,
      {
        region,
        type: "MANAGED",
        computeResources: {
          type: "SPOT",
          // No bid/fleet role needed with this strategy; it favours pools least likely to be interrupted.
          allocationStrategy: "SPOT_PRICE_CAPACITY_OPTIMIZED",
          minVcpus: 0,
          maxVcpus,
          instanceTypes,
          instanceRole: instanceProfile.arn,
          subnets,
          securityGroupIds,
          ec2Configurations: [{ imageType: args.imageType ?? "ECS_AL2023_NVIDIA" }],
          tags,
        },
        tags,
      },
      // Batch moves desiredVcpus as jobs come and go; don't let `pulumi up` reset it.
      { ...child, ignoreChanges: ["computeResources.desiredVcpus"] },
    );

    this.jobQueue = new aws.batch.JobQueue(
      `${name}-queue`,
      { region, state: "ENABLED", priority: 1, computeEnvironmentOrders: [{ order: 1, computeEnvironment: this.computeEnvironment.arn }], tags },
      child,
    );

    const bucketName = this.bucket.bucket;
    this.jobDefinition = new aws.batch.JobDefinition(
      `${name}-gpu-job`,
      {
        region,
        type: "container",
        platformCapabilities: ["EC2"],
        propagateTags: true,
        timeout: { attemptDurationSeconds: Math.round(maxRuntimeHours * 3600) },
        retryStrategy: {
          attempts,
          evaluateOnExits: [
            // A Spot reclaim ends the attempt with "Host EC2 (instance …) terminated.": retry, resuming from the last checkpoint.
            { onStatusReason: "Host EC2*", action: "RETRY" },
            // Anything else (a bug, a bad input) fails fast instead of burning GPU hours on retries.
            { onReason: "*", action: "EXIT" },
          ],
        },
        // The bucket's name is computed, so its URIs go in as parameters (Batch substitutes Ref::<name>
        // in the command) and containerProperties stays known at preview.
        parameters: {
          datasetUri: pulumi.interpolate`s3://${bucketName}/datasets/`,
          checkpointUri: pulumi.interpolate`s3://${bucketName}/checkpoints/`,
          outputUri: pulumi.interpolate`s3://${bucketName}/outputs/`,
        },
        containerProperties: jobRoleArn.apply((arn) =>
          JSON.stringify({
            image: args.image ?? AWS_TRAINING_DEFAULT_IMAGE,
            command: args.command ?? [...AWS_TRAINING_DEFAULT_COMMAND],
            jobRoleArn: arn,
            resourceRequirements: [
              { type: "GPU", value: String(gpus) },
              { type: "VCPU", value: String(vcpus) },
              { type: "MEMORY", value: String(memory) },
            ],
          }),
        ),
        tags,
      },
      { ...child, dependsOn: [this.jobRole] },
    );

    this.registerOutputs({
      bucketName,
      computeEnvironmentArn: this.computeEnvironment.arn,
      jobQueueArn: this.jobQueue.arn,
      jobDefinitionArn: this.jobDefinition.arn,
    });
  }
}

function assumeRole(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
