/** Good and bad examples: they run as tests (test/unit/rule-examples.test.ts) and feed docs/rules/ml-storage-lifecycle.md. */
import type { StackRuleExample } from "../../engine/rule";
import { fuseTrainingJob, gcsFuseVolume, onGke } from "../kubernetes-examples";

const S3_BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const tags = { "ml-workload": "training", team: "ml-platform" };

const trainingJob = {
  type: "aws:sagemaker/trainingJob:TrainingJob",
  name: "trainer",
  props: {
    region: "eu-north-1",
    roleArn: "arn:aws:iam::123456789012:role/example",
    resourceConfig: { instanceType: "ml.g6e.xlarge", instanceCount: 1 },
    checkpointConfig: { s3Uri: "s3://team-checkpoints/run-1/" },
    outputDataConfig: { s3OutputPath: "s3://team-checkpoints/outputs/" },
    tags,
  },
};
const bucket = { type: S3_BUCKET, name: "checkpoints", props: { bucket: "team-checkpoints", region: "eu-north-1", tags: { ...tags, "ml-data-size-gb": "500" } } };

export const stackExamples: readonly StackRuleExample[] = [
  {
    title: "A training job writes checkpoints to a bucket nothing expires",
    verdict: "bad",
    resources: [bucket, trainingJob],
    messageIds: ["noLifecycle"],
  },
  {
    title: "The same bucket with a lifecycle configuration that expires old checkpoints",
    verdict: "good",
    resources: [
      bucket,
      trainingJob,
      {
        type: LIFECYCLE,
        name: "checkpoints-lifecycle",
        props: { region: "eu-north-1", bucket: "team-checkpoints", rules: [{ id: "expire", status: "Enabled", filter: { prefix: "run-" }, expiration: { days: 30 } }] },
        propertyDependencies: { bucket: ["checkpoints"] },
      },
    ],
  },
  {
    title: "A versioned checkpoint bucket whose lifecycle keeps every noncurrent version",
    verdict: "bad",
    resources: [
      { ...bucket, props: { ...bucket.props, versioning: { enabled: true } } },
      trainingJob,
      {
        type: LIFECYCLE,
        name: "checkpoints-lifecycle",
        props: { region: "eu-north-1", bucket: "team-checkpoints", rules: [{ id: "expire", status: "Enabled", expiration: { days: 30 } }] },
        propertyDependencies: { bucket: ["checkpoints"] },
      },
    ],
    messageIds: ["noncurrentKept"],
  },
  {
    title: "A GCS bucket labelled ml-data: checkpoints with Autoclass",
    verdict: "good",
    resources: [{ type: "gcp:storage/bucket:Bucket", name: "ckpt", props: { name: "team-ckpt", location: "EUROPE-NORTH1", autoclass: { enabled: true }, labels: { "ml-data": "checkpoints" } } }],
  },
  {
    title: "A GCS bucket labelled ml-data: artifacts without lifecycle rules",
    verdict: "bad",
    resources: [{ type: "gcp:storage/bucket:Bucket", name: "artifacts", props: { name: "team-artifacts", location: "EUROPE-NORTH1", labels: { "ml-data": "artifacts" } } }],
    messageIds: ["noLifecycle"],
  },
  {
    title: "A checkpoint bucket replicated to another region",
    verdict: "bad",
    resources: [
      bucket,
      trainingJob,
      {
        type: LIFECYCLE,
        name: "checkpoints-lifecycle",
        props: { region: "eu-north-1", bucket: "team-checkpoints", rules: [{ id: "expire", status: "Enabled", expiration: { days: 30 } }] },
        propertyDependencies: { bucket: ["checkpoints"] },
      },
      { type: S3_BUCKET, name: "replica", props: { bucket: "team-checkpoints-replica", region: "eu-west-1" } },
      {
        type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        name: "checkpoints-replication",
        props: { region: "eu-north-1", bucket: "team-checkpoints", role: "arn:aws:iam::123456789012:role/replication", rules: [{ id: "all", status: "Enabled", destination: { bucket: "arn:aws:s3:::team-checkpoints-replica" } }] },
        propertyDependencies: { bucket: ["checkpoints"] },
      },
    ],
    messageIds: ["replicated"],
  },
  {
    title: "A GKE training Job writes checkpoints to a read-write Cloud Storage FUSE mount nothing expires",
    verdict: "bad",
    resources: [
      { type: "gcp:storage/bucket:Bucket", name: "checkpoints", props: { name: "team-checkpoints", location: "EUROPE-WEST4" } },
      ...onGke("europe-west4", fuseTrainingJob([gcsFuseVolume("checkpoints", "team-checkpoints")])),
    ],
    messageIds: ["noLifecycle"],
  },
  {
    title: "A read-only Cloud Storage FUSE mount is a dataset the Job reads: not in scope",
    verdict: "good",
    resources: [
      { type: "gcp:storage/bucket:Bucket", name: "datasets", props: { name: "team-datasets", location: "EUROPE-WEST4" } },
      ...onGke("europe-west4", fuseTrainingJob([gcsFuseVolume("datasets", "team-datasets", true)])),
    ],
  },
];
