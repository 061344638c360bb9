/**
 * ml-storage-lifecycle: buckets ML writes to expire or transition what it leaves behind.
 *
 * Checkpoints, intermediate outputs and superseded model artifacts pile up run after run; kept in
 * replicated object storage they cost energy every hour (CCF: 0.65 Wh per TB-hour × S3's replication
 * factor of 6). The buckets are found by the same joins as ml-data-colocated, or by their `ml-data` tag/label.
 */
import { docsPage } from "../docs-page";
import type { Rule } from "../../engine/rule";
import { type LifecycleConfig, configSchema, parseConfig } from "./config";
import { MESSAGES } from "./messages";
import { evaluateStack } from "./stack";
import { stackExamples } from "./examples";

const NAME = "ml-storage-lifecycle";

export const mlStorageLifecycle: Rule<LifecycleConfig> = {
  meta: {
    name: NAME,
    displayName: "ML storage expires",
    description: "Buckets ML resources write checkpoints, outputs or model artifacts to (or tagged/labelled ml-data) have a lifecycle that expires or transitions old objects and noncurrent versions; cross-region replication of them is reported with what it doubles.",
    rationale:
      "Storage draws power for as long as bytes are kept: the Cloud Carbon Footprint method counts 0.65 Wh per TB-hour on HDD and 1.2 on SSD, times the service's replication factor (S3 6, Cloud Storage 2; CCF app constants 2024). A training pipeline that checkpoints hourly and keeps everything grows without bound; a lifecycle rule keeps the last few days. " +
      "In scope: buckets written to, joined (by property dependency, then by name) from SageMaker training job `outputDataConfig`/`checkpointConfig`, async endpoint output paths and Batch job definition URIs whose parameter or variable name says checkpoint, output, result or artifact (a model's `modelDataUrl` only reads), Kubernetes workloads' container `env` URIs named the same way, and GKE Cloud Storage FUSE volumes mounted read-write by a workload declaring `ml-workload: training` (a read-only mount, or any other workload's, reads); and buckets tagged/labelled `ml-data: checkpoints|artifacts|datasets`. " +
      "What passes: an enabled rule with an expiration or transition in an `aws:s3/bucketLifecycleConfiguration` (or V2) for the bucket or in the bucket's own `lifecycleRules`; GCS `lifecycleRules` with a Delete or SetStorageClass action, or Autoclass. On a versioned bucket (`versioning.enabled` or an `aws:s3/bucketVersioning` resource) a rule must also expire or transition noncurrent versions (`requireNoncurrentExpiration`). " +
      "An `aws:s3/bucketReplicationConfig` on such a bucket is reported: the replica stores everything again and each write crosses regions; with `ml-data-size-gb` declared the replica's kgCO2e/month is the saving. GCS dual- and multi-region locations are a placement, not a replication resource, and are not reported. A lifecycle or tag unknown in preview is \"can't evaluate\".",
    kind: "stack",
    defaultLevel: "advisory",
    severity: "low",
    tags: ["carbon", "energy", "storage", "ml"],
    remediationSteps:
      "AWS: add `new aws.s3.BucketLifecycleConfiguration(..., { bucket: bucket.id, rules: [{ id: \"expire-checkpoints\", status: \"Enabled\", filter: { prefix: \"checkpoints/\" }, expiration: { days: 30 }, noncurrentVersionExpiration: { noncurrentDays: 7 } }] })`. GCP: `lifecycleRules: [{ action: { type: \"Delete\" }, condition: { age: 30, matchesPrefixes: [\"checkpoints/\"] } }]` or `autoclass: { enabled: true }`. Replicate only final artifacts (a replication rule filter), not checkpoints.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluateStack,
  examples: [],
  stackExamples,
};
