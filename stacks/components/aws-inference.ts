/**
 * AwsInference: a SageMaker endpoint whose accelerators scale to zero when no request waits.
 *
 * Why asynchronous inference and not inference components: both can reach zero instances, but
 * - the inference component itself (`aws-native:sagemaker:InferenceComponent`) exists only in
 *   @pulumi/aws-native; @pulumi/aws 7.48.0 has no such resource, and this package does not depend
 *   on aws-native;
 * - while an inference-component endpoint is at zero, invocations fail until capacity is back (a
 *   cold start of several minutes); an async endpoint queues requests in S3 and answers them once an
 *   instance is up, which is what a scale-from-zero endpoint needs.
 * So: async endpoint config on an inference-class accelerator (default ml.g6.xlarge, one NVIDIA L4;
 * ml.inf2.* for Neuron-compiled models: better perf/W), an App Auto Scaling target with
 * `minCapacity: 0`, a target-tracking policy on the backlog per instance (scales in to zero), and a
 * step policy fired by a CloudWatch alarm on the backlog-without-capacity metric (scales out from zero).
 * The metric names `ApproximateBacklogSizePerInstance` and `HasBacklogWithoutCapacity` come from the
 * SageMaker async-inference autoscaling docs; the project's scale-to-zero research notes mark them
 * "verify" — check them against the current AWS docs before relying on the alarm.
 *
 * Small models can use `serverless` instead: CPU-only serverless inference, no instances at all
 * (SageMaker serverless has no GPUs).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_TEAM, awsIamTags, awsTags, positiveInteger } from "./common";

/** Stockholm: 20 gCO2e/kWh (Electricity Maps 2025); SageMaker offers ml.g6 and ml.inf2 there (region-data/accelerators.json). */
/** The model container's default environment: a small open model served by TGI on one GPU. */
export const AWS_INFERENCE_DEFAULT_ENVIRONMENT: Readonly<Record<string, string>> = { HF_MODEL_ID: "Qwen/Qwen2.5-1.5B-Instruct", SM_NUM_GPUS: "1" };
export const AWS_INFERENCE_DEFAULT_REGION = "eu-north-1";
export const AWS_INFERENCE_DEFAULT_INSTANCE_TYPE = "ml.g6.xlarge";
/** The variant every endpoint config of this component uses (the scaling target's resource ID names it). */
export const AWS_INFERENCE_VARIANT = "main";

/**
 * Hugging Face TGI deep-learning container for `region`. The tag is an example: check the current
 * one in the AWS Deep Learning Containers list (available_images.md) before deploying.
 */
export function defaultInferenceImage(region: string): string {
  return `763104351884.dkr.ecr.${region}.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04`;
}

export interface AwsServerlessOptions {
  /** 1024–6144 MB. */
  memorySizeInMb: number;
  /** 1–200. */
  maxConcurrency: number;
}

export interface AwsInferenceArgs {
  /** AWS region for every regional resource. Default: eu-north-1. */
  region?: string;
  /** Team tag. Default: `ml-platform`. */
  team?: string;
  /** Inference-class accelerator type: `ml.g6.*` (L4) or `ml.inf2.*` (Inferentia2). Default: ml.g6.xlarge. */
  instanceType?: string;
  /** Most instances the autoscaler may run. Default: 2. */
  maxCapacity?: number;
  /** Container image. Default: the Hugging Face TGI DLC for the region (verify the tag). */
  image?: string;
  /** S3 URI of the model artifact (`model.tar.gz`); optional for containers that fetch the model themselves. */
  modelDataUrl?: pulumi.Input<string>;
  /** Container environment. Default: `HF_MODEL_ID` of a small open model for TGI; replace with yours. */
  environment?: Record<string, pulumi.Input<string>>;
  /** Concurrent requests per instance (async client config). Default: 4. */
  maxConcurrentInvocationsPerInstance?: number;
  /** Target backlog per instance for the target-tracking policy. Default: 5. */
  targetBacklogPerInstance?: number;
  /** Serverless CPU inference for small models instead of an accelerator endpoint. */
  serverless?: AwsServerlessOptions;
  /** Days after which async request/response payloads expire. Default: 7. */
  payloadRetentionDays?: number;
  /** Extra tags for every resource. */
  tags?: Record<string, string>;
}

export class AwsInference extends pulumi.ComponentResource {
  readonly region: string;
  readonly bucket: aws.s3.Bucket;
  readonly role: aws.iam.Role;
  readonly model: aws.sagemaker.Model;
  readonly endpointConfig: aws.sagemaker.EndpointConfiguration;
  readonly endpoint: aws.sagemaker.Endpoint;
  /** Undefined for serverless endpoints (they scale natively). */
  readonly scalingTarget?: aws.appautoscaling.Target;

  constructor(name: string, args: AwsInferenceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("carbonguard:reference:AwsInference", name, {}, opts);
    const region = (this.region = args.region ?? AWS_INFERENCE_DEFAULT_REGION);
    const team = args.team ?? DEFAULT_TEAM;
    const tags = awsTags("inference", team, args.tags);
    const iamTags = awsIamTags(team, args.tags);
    const maxCapacity = positiveInteger("maxCapacity", args.maxCapacity ?? 2);
    const payloadDays = positiveInteger("payloadRetentionDays", args.payloadRetentionDays ?? 7);
    const serverless = args.serverless;
    if (serverless) {
      if (!(serverless.memorySizeInMb >= 1024 && serverless.memorySizeInMb <= 6144)) throw new Error("AwsInference: serverless.memorySizeInMb must be 1024–6144.");
      if (!(Number.isInteger(serverless.maxConcurrency) && serverless.maxConcurrency >= 1 && serverless.maxConcurrency <= 200)) throw new Error("AwsInference: serverless.maxConcurrency must be 1–200.");
    }
    const image = args.image ?? defaultInferenceImage(region);
    const child = { parent: this };

    // --- Payload bucket (async requests, responses, failures; model artifacts may live here too) ---
    this.bucket = new aws.s3.Bucket(`${name}-payloads`, { region, tags }, child);
    new aws.s3.BucketPublicAccessBlock(
      `${name}-payloads`,
      { region, bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-payloads`,
      {
        region,
        bucket: this.bucket.id,
        rules: [
          ...["async-inputs", "async-outputs", "async-failures"].map((prefix) => ({
            id: `expire-${prefix}`,
            status: "Enabled",
            filter: { prefix: `${prefix}/` },
            expiration: { days: payloadDays },
          })),
          { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
        ],
      },
      child,
    );

    // --- Execution role: pull the image, write logs/metrics, read the model, use this bucket ---------
    this.role = new aws.iam.Role(
      `${name}-execution`,
      { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: iamTags },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-execution`,
      {
        role: this.role.id,
        policy: pulumi.all([this.bucket.arn, pulumi.output(args.modelDataUrl)]).apply(([bucketArn, modelDataUrl]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
              { Sid: "EcrPull", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: ecrRepositoryArn(image) },
              { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: `arn:aws:logs:${region}:*:log-group:/aws/sagemaker/*` },
              { Sid: "Metrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*", Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "AWS/SageMaker"] } } },
              { Sid: "Payloads", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${bucketArn}/async-inputs/*`, `${bucketArn}/async-outputs/*`, `${bucketArn}/async-failures/*`, `${bucketArn}/models/*`] },
              ...(modelDataUrl ? [{ Sid: "ModelArtifact", Effect: "Allow", Action: ["s3:GetObject"], Resource: [s3ObjectArn(modelDataUrl)] }] : []),
            ],
          }),
        ),
      },
      child,
    );

    // --- Model ---------------------------------------------------------------------------------------
    this.model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        region,
        executionRoleArn: this.role.arn,
        primaryContainer: {
          image,
          ...(args.modelDataUrl !== undefined ? { modelDataUrl: args.modelDataUrl } : {}),
          environment: args.environment ?? { ...AWS_INFERENCE_DEFAULT_ENVIRONMENT },
        },
        tags,
      },
      child,
    );

    // --- Endpoint config: async on an accelerator, or serverless CPU --------------------------------
    const bucketName = this.bucket.bucket;
    this.endpointConfig = new aws.sagemaker.EndpointConfiguration(
      `${name}-config`,
      serverless
        ? {
            region,
            productionVariants: [
              { variantName: AWS_INFERENCE_VARIANT, modelName: this.model.name, serverlessConfig: { memorySizeInMb: serverless.memorySizeInMb, maxConcurrency: serverless.maxConcurrency } },
            ],
            tags,
          }
        : {
            region,
            productionVariants: [
              {
                variantName: AWS_INFERENCE_VARIANT,
                modelName: this.model.name,
                instanceType: args.instanceType ?? AWS_INFERENCE_DEFAULT_INSTANCE_TYPE,
                // SageMaker creates an endpoint with at least one instance; the target below takes it to zero once the backlog is empty.
                initialInstanceCount: 1,
              },
            ],
            asyncInferenceConfig: {
              outputConfig: {
                s3OutputPath: pulumi.interpolate`s3://${bucketName}/async-outputs/`,
                s3FailurePath: pulumi.interpolate`s3://${bucketName}/async-failures/`,
              },
              clientConfig: { maxConcurrentInvocationsPerInstance: positiveInteger("maxConcurrentInvocationsPerInstance", args.maxConcurrentInvocationsPerInstance ?? 4) },
            },
            tags,
          },
      child,
    );

    this.endpoint = new aws.sagemaker.Endpoint(`${name}-endpoint`, { region, endpointConfigName: this.endpointConfig.name, tags }, child);

    if (!serverless) {
      const resourceId = pulumi.interpolate`endpoint/${this.endpoint.name}/variant/${AWS_INFERENCE_VARIANT}`;
      const scaling = { region, serviceNamespace: "sagemaker", scalableDimension: "sagemaker:variant:DesiredInstanceCount" };
      this.scalingTarget = new aws.appautoscaling.Target(`${name}-scaling`, { ...scaling, resourceId, minCapacity: 0, maxCapacity, tags }, child);
      const target = this.scalingTarget;

      // Keeps the backlog per instance near the target, and scales in to zero when it is empty.
      new aws.appautoscaling.Policy(
        `${name}-backlog-tracking`,
        {
          ...scaling,
          resourceId: target.resourceId,
          policyType: "TargetTrackingScaling",
          targetTrackingScalingPolicyConfiguration: {
            targetValue: args.targetBacklogPerInstance ?? 5,
            customizedMetricSpecification: {
              metricName: "ApproximateBacklogSizePerInstance",
              namespace: "AWS/SageMaker",
              dimensions: [{ name: "EndpointName", value: this.endpoint.name }],
              statistic: "Average",
            },
            scaleInCooldown: 600,
            scaleOutCooldown: 300,
          },
        },
        { ...child, dependsOn: [target] },
      );

      // Target tracking cannot leave zero (there is no per-instance metric without instances): a step
      // policy adds one instance as soon as requests wait with no capacity.
      const scaleOutFromZero = new aws.appautoscaling.Policy(
        `${name}-scale-out-from-zero`,
        {
          ...scaling,
          resourceId: target.resourceId,
          policyType: "StepScaling",
          stepScalingPolicyConfiguration: {
            adjustmentType: "ChangeInCapacity",
            metricAggregationType: "Average",
            cooldown: 300,
            stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
          },
        },
        { ...child, dependsOn: [target] },
      );
      new aws.cloudwatch.MetricAlarm(
        `${name}-backlog-without-capacity`,
        {
          region,
          alarmDescription: "Requests are queued and no instance is running: scale out from zero.",
          namespace: "AWS/SageMaker",
          metricName: "HasBacklogWithoutCapacity",
          dimensions: { EndpointName: this.endpoint.name },
          statistic: "Average",
          period: 60,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "missing",
          alarmActions: [scaleOutFromZero.arn],
          tags,
        },
        child,
      );
    }

    this.registerOutputs({ endpointName: this.endpoint.name, bucketName });
  }
}

/** `s3://bucket/key` → `arn:aws:s3:::bucket/key`. */
function s3ObjectArn(uri: string): string {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new Error(`AwsInference: modelDataUrl must be an s3://bucket/key URI, got '${uri}'.`);
  return `arn:aws:s3:::${m[1]}/${m[2]}`;
}

/**
 * The ECR repository an image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`)
 * lives in, so the role can pull that repository only; `*` for anything else.
 */
export function ecrRepositoryArn(image: string): string {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
  return m ? `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : "*";
}
