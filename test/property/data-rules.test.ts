/**
 * ml-data-colocated, ml-storage-lifecycle, the data-reference reader and the storage estimates on
 * hostile stacks (buckets, lifecycle/replication/versioning resources and the ML resources that
 * name data, with random values, unknowns, secrets and links): nothing throws, no secret (a bucket
 * name held as a secret included) reaches a message, no NaN/undefined, every finding names a
 * resource of the stack, every estimate is finite and non-negative.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dataRefsOf } from "../../src/engine/data-refs";
import { bucketOfUri } from "../../src/engine/data-uri";
import { evaluateStackRule } from "../../src/engine/evaluate";
import { type ResourceInput, buildStackView, buildView } from "../../src/engine/view";
import { estimateStack } from "../../src/estimate";
import { mlDataColocated } from "../../src/rules/ml-data-colocated";
import { mlStorageLifecycle } from "../../src/rules/ml-storage-lifecycle";
import { PLANTED_SECRET, SECRET_SIG, SENTINELS } from "./arbitraries";

const SECRET_BUCKET = "planted-secret-bucket-x9";

const TYPES = [
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "gcp:storage/bucket:Bucket",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  "aws:sagemaker/trainingJob:TrainingJob",
  "aws:sagemaker/model:Model",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  "aws:batch/jobDefinition:JobDefinition",
  "gcp:cloudrunv2/service:Service",
  "gcp:vertex/aiIndex:AiIndex",
  "aws:fsx/lustreFileSystem:LustreFileSystem",
  "gcp:filestore/instance:Instance",
];

const KEYS = [
  "bucket", "name", "region", "location", "tags", "labels", "ml-workload", "ml-data", "ml-data-size-gb", "rules", "status", "expiration",
  "noncurrentVersionExpiration", "lifecycleRules", "action", "type", "condition", "versioning", "enabled", "autoclass", "destination",
  "versioningConfiguration", "checkpointConfig", "s3Uri", "outputDataConfig", "s3OutputPath", "inputDataConfigs", "dataSource",
  "s3DataSource", "primaryContainer", "modelDataUrl", "asyncInferenceConfig", "outputConfig", "parameters", "containerProperties",
  "checkpointUri", "datasetUri", "template", "volumes", "gcs", "metadata", "contentsDeltaUri", "resourceConfig", "instanceType",
  "volumeSizeInGb", "storageCapacity", "fileShares", "capacityGb", "__proto__",
];

const TOKENS = [
  "s3://team-data/ckpt/", "s3://other/x", "gs://team-data/idx", "team-data", "other", `s3://${SECRET_BUCKET}/k`, "us-east-1", "eu-north-1",
  "EUROPE-NORTH1", "US", "EU", "Enabled", "Disabled", "Delete", "SetStorageClass", "checkpoints", "artifacts", "datasets", "training",
  "500", "-1", "ml.g6e.xlarge", "arn:aws:s3:::team-data", "s3://", "s3:///", "",
];

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 2, arbitrary: fc.constantFrom(...SENTINELS) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -2, max: 1000 }), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.constant(PLANTED_SECRET) },
  { weight: 1, arbitrary: fc.constant({ ...SECRET_SIG, value: `s3://${SECRET_BUCKET}/k` }) },
  { weight: 1, arbitrary: fc.constant({ ...SECRET_SIG, value: SECRET_BUCKET }) },
);

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), tie("node"), { maxKeys: 4 })),
})).node;

const stack: fc.Arbitrary<ResourceInput[]> = fc
  .array(fc.tuple(fc.constantFrom(...TYPES), fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 })), { minLength: 1, maxLength: 6 })
  .chain((rs) => {
    const urns = rs.map(([type], i) => `urn:pulumi:s::p::${type}::r${i}`);
    return fc.tuple(fc.constant(rs), fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.subarray(urns)), { maxLength: 3 })).map(([list, deps]) =>
      list.map(([type, props], i) => ({
        urn: urns[i]!,
        type,
        name: `r${i}`,
        props,
        links: { dependencies: deps.flatMap(([, u]) => u), propertyDependencies: Object.fromEntries(deps) },
      })),
    );
  });

describe("data rules on hostile stacks", () => {
  it.each([mlDataColocated, mlStorageLifecycle].map((r) => [r.meta.name, r] as const))("%s never throws or prints a secret; findings name a resource of the stack", (_n, rule) => {
    fc.assert(
      fc.property(stack, (inputs) => {
        const view = buildStackView(inputs);
        for (const o of evaluateStackRule(rule, view, {})) {
          if (o.kind === "violation") {
            expect(o.ruleError, o.message).toBeUndefined();
            const text = JSON.stringify(o);
            expect(text).not.toContain(PLANTED_SECRET);
            expect(text).not.toContain(SECRET_BUCKET);
            expect(o.message).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
            expect(view.byUrn(o.urn!)).toBeDefined();
          } else if (o.kind === "unknown") {
            expect(o.path).not.toContain(SECRET_BUCKET);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("the reference reader and the estimates never throw; estimates are finite and non-negative", () => {
    fc.assert(
      fc.property(stack, (inputs) => {
        for (const input of inputs) for (const ref of dataRefsOf(buildView(input))) expect(ref.bucket ?? "").not.toContain(SECRET_BUCKET);
        const e = estimateStack(buildStackView(inputs));
        for (const n of [e.energyKwh.floor, e.energyKwh.ceiling, e.totalKgCo2e.floor, e.totalKgCo2e.ceiling]) {
          expect(Number.isFinite(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("bucketOfUri keeps only a bucket-shaped name of the right scheme", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("s3", "gs") as fc.Arbitrary<"s3" | "gs">, fc.boolean(), (s, scheme, bare) => {
        const b = bucketOfUri(s, scheme, bare);
        if (b !== undefined) expect(b).toMatch(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/);
      }),
    );
    expect(bucketOfUri("s3://team-data/ckpt/", "s3")).toBe("team-data");
    expect(bucketOfUri("gs://team-data/ckpt/", "s3")).toBeUndefined();
    expect(bucketOfUri("team-data", "gs", true)).toBe("team-data");
  });
});
