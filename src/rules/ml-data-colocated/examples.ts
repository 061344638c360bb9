/** Good and bad examples: they run as tests (test/unit/rule-examples.test.ts) and feed docs/rules/ml-data-colocated.md. */
import type { StackRuleExample } from "../../engine/rule";
import { fuseTrainingJob, gcsFuseVolume, inferenceService, onGke } from "../kubernetes-examples";

const TRAINING_JOB = "aws:sagemaker/trainingJob:TrainingJob";
const S3_BUCKET = "aws:s3/bucket:Bucket";
const tags = { "ml-workload": "training", team: "ml-platform" };

function trainingJob(region: string, bucket: string) {
  return {
    type: TRAINING_JOB,
    name: "trainer",
    props: {
      region,
      roleArn: "arn:aws:iam::123456789012:role/example",
      resourceConfig: { instanceType: "ml.g6e.xlarge", instanceCount: 1, volumeSizeInGb: 100 },
      inputDataConfigs: [{ channelName: "train", dataSource: { s3DataSource: { s3DataType: "S3Prefix", s3Uri: `s3://${bucket}/datasets/` } } }],
      outputDataConfig: { s3OutputPath: `s3://${bucket}/outputs/` },
      tags,
    },
  };
}

/** A bucket declared outside the stack (a low-severity note naming it, tested in test/unit/data-rules.test.ts). */
export const externalBucketExample: StackRuleExample = {
  title: "A bucket declared in no resource of the stack: a note naming it",
  verdict: "bad",
  resources: [trainingJob("eu-north-1", "someone-elses-bucket")],
  messageIds: ["bucketOutsideStack"],
};

export const stackExamples: readonly StackRuleExample[] = [
  {
    title: "Training in Stockholm reads a dataset bucket in N. Virginia: move the data",
    verdict: "bad",
    resources: [
      { type: S3_BUCKET, name: "datasets", props: { bucket: "team-datasets", region: "us-east-1", tags: { ...tags, "ml-data": "datasets", "ml-data-size-gb": "2000" } } },
      trainingJob("eu-north-1", "team-datasets"),
    ],
    messageIds: ["moveData"],
  },
  {
    title: "Training in N. Virginia reads a bucket in Stockholm: run it in Stockholm",
    verdict: "bad",
    resources: [
      { type: S3_BUCKET, name: "datasets", props: { bucket: "team-datasets", region: "eu-north-1", tags } },
      trainingJob("us-east-1", "team-datasets"),
    ],
    messageIds: ["moveCompute"],
  },
  {
    title: "Training and its bucket in the same region",
    verdict: "good",
    resources: [{ type: S3_BUCKET, name: "datasets", props: { bucket: "team-datasets", region: "eu-north-1", tags } }, trainingJob("eu-north-1", "team-datasets")],
  },
  {
    title: "The bucket's name is computed (preview): the join follows the property dependency",
    verdict: "bad",
    resources: [
      { type: S3_BUCKET, name: "datasets", props: { region: "us-west-2", tags } },
      {
        type: "aws:batch/jobDefinition:JobDefinition",
        name: "train-job",
        props: { region: "eu-north-1", type: "container", parameters: { datasetUri: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, tags },
        propertyDependencies: { parameters: ["datasets"] },
      },
    ],
    messageIds: ["moveData"],
  },
  {
    title: "Cloud Run GPU service mounting a GCS bucket in another region",
    verdict: "bad",
    resources: [
      { type: "gcp:storage/bucket:Bucket", name: "weights", props: { name: "llm-weights", location: "US-CENTRAL1", labels: { "ml-workload": "inference" } } },
      {
        type: "gcp:cloudrunv2/service:Service",
        name: "vllm",
        props: {
          location: "europe-north1",
          labels: { "ml-workload": "inference" },
          template: {
            nodeSelector: { accelerator: "nvidia-l4" },
            containers: [{ image: "vllm", resources: { limits: { "nvidia.com/gpu": "1" } } }],
            volumes: [{ name: "weights", gcs: { bucket: "llm-weights", readOnly: true } }],
          },
        },
      },
    ],
    messageIds: ["moveData"],
  },
  {
    title: "A GCS multi-region bucket (EU) read from a European region",
    verdict: "good",
    resources: [
      { type: "gcp:storage/bucket:Bucket", name: "weights", props: { name: "llm-weights", location: "EU" } },
      {
        type: "gcp:cloudrunv2/service:Service",
        name: "vllm",
        props: { location: "europe-north1", labels: { "ml-workload": "inference" }, template: { volumes: [{ name: "weights", gcs: { bucket: "llm-weights" } }] } },
      },
    ],
  },
  {
    title: "A GKE training Job mounts a dataset bucket in another region through Cloud Storage FUSE",
    verdict: "bad",
    resources: [
      { type: "gcp:storage/bucket:Bucket", name: "datasets", props: { name: "team-datasets", location: "US-CENTRAL1", labels: { "ml-data-size-gb": "2000" } } },
      ...onGke("europe-west4", fuseTrainingJob([gcsFuseVolume("datasets", "team-datasets", true)])),
    ],
    messageIds: ["moveData"],
  },
  {
    title: "The same Job with its dataset bucket in the cluster's region",
    verdict: "good",
    resources: [
      { type: "gcp:storage/bucket:Bucket", name: "datasets", props: { name: "team-datasets", location: "EUROPE-WEST4" } },
      ...onGke("europe-west4", fuseTrainingJob([gcsFuseVolume("datasets", "team-datasets", true)])),
    ],
  },
  {
    title: "A KServe InferenceService loads its model from a gs:// storageUri in another region",
    verdict: "bad",
    resources: [
      { type: "gcp:storage/bucket:Bucket", name: "models", props: { name: "team-models", location: "US-CENTRAL1" } },
      ...onGke("europe-west4"),
      (() => {
        const isvc = inferenceService(0);
        const props = isvc.props as { spec: { predictor: { model: Record<string, unknown> } } };
        return { ...isvc, props: { ...props, spec: { predictor: { ...props.spec.predictor, model: { ...props.spec.predictor.model, storageUri: "gs://team-models/llama-3.1-8b/" } } } } };
      })(),
    ],
    messageIds: ["moveData"],
  },
];
