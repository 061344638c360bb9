// Tier 2 for ml-data-colocated and ml-storage-lifecycle: the real pack (policies/, compiled) booted as
// the Pulumi CLI boots it, AnalyzeStack over gRPC (outputs with property dependencies): a bucket in
// another region, a bucket name unknown in preview (the join follows the dependency), a reference
// unknown with nothing to follow (can't evaluate, never a pass), a secret URI (never read, never
// echoed), and a checkpoint bucket with and without a lifecycle configuration.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnalyzeDiagnostic, POLICIES_DIR, type Session, type StackResource, secret, startSession, testUrn, unknown } from "./index";

const COLOCATED = "ml-data-colocated";
const LIFECYCLE = "ml-storage-lifecycle";
const BUCKET = "aws:s3/bucket:Bucket";
const JOB = "aws:sagemaker/trainingJob:TrainingJob";
const LIFECYCLE_CONFIG = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const SECRET_BUCKET = "very-private-bucket-name";

const of = (policy: string, ds: AnalyzeDiagnostic[]) => ds.filter((d) => d.policyName === policy);
const cantRun = (d: AnalyzeDiagnostic) => /^can't run policy/.test(d.message);

function res(type: string, name: string, properties: Record<string, unknown>, extra: Partial<StackResource> = {}): StackResource {
  return { urn: testUrn(type, name), type, name, properties, ...extra };
}

const tags = { "ml-workload": "training", team: "ml" };

function bucket(region: string, name: unknown = "team-data"): StackResource {
  return res(BUCKET, "data", { bucket: name, region, tags });
}

function job(uri: unknown, deps: StackResource[] = [], region = "eu-north-1"): StackResource {
  return res(
    JOB,
    "trainer",
    { region, roleArn: "arn:aws:iam::123456789012:role/x", resourceConfig: { instanceType: "ml.g6e.xlarge", instanceCount: 1 }, checkpointConfig: { s3Uri: uri }, tags },
    deps.length > 0 ? { dependencies: deps.map((d) => d.urn), propertyDependencies: { checkpointConfig: deps.map((d) => d.urn) } } : {},
  );
}

function lifecycleFor(b: StackResource): StackResource {
  return res(LIFECYCLE_CONFIG, "data-lifecycle", { region: "eu-north-1", bucket: b.properties!["bucket"], rules: [{ id: "x", status: "Enabled", expiration: { days: 30 } }] }, { dependencies: [b.urn], propertyDependencies: { bucket: [b.urn] } });
}

let session: Session;
beforeAll(async () => {
  session = await startSession({ packDir: POLICIES_DIR, stack: "dev", project: "ml", dryRun: true });
});
afterAll(async () => session?.close());

describe("ml-data-colocated over gRPC", () => {
  it("reports a training job writing to a bucket of the stack in another region, naming the move", async () => {
    const b = bucket("us-east-1");
    const ds = of(COLOCATED, (await session.analyzeStack([b, job("s3://team-data/ckpt/"), lifecycleFor(b)])).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.urn).toBe(testUrn(JOB, "trainer"));
    expect(ds[0]!.message).toMatch(/in eu-north-1 writes to bucket 'data' in us-east-1; move the data to eu-north-1\./);
  });

  it("passes when the bucket is in the job's region", async () => {
    const b = bucket("eu-north-1");
    expect(of(COLOCATED, (await session.analyzeStack([b, job("s3://team-data/ckpt/"), lifecycleFor(b)])).diagnostics)).toEqual([]);
  });

  it("follows the property dependency when the bucket's name is unknown in preview", async () => {
    const b = bucket("us-east-1", unknown("string"));
    const ds = of(COLOCATED, (await session.analyzeStack([b, job(unknown("string"), [b])])).diagnostics);
    expect(ds.map((d) => d.message)).toEqual([expect.stringMatching(/bucket 'data' in us-east-1; move the data/)]);
  });

  it("can't evaluate a reference unknown in preview with no dependency to follow: never a pass", async () => {
    const ds = of(COLOCATED, (await session.analyzeStack([bucket("us-east-1"), job(unknown("string"))])).diagnostics);
    expect(ds).toHaveLength(1);
    expect(cantRun(ds[0]!)).toBe(true);
  });

  it("never reads or echoes a secret URI: can't evaluate, the bucket name nowhere", async () => {
    const r = await session.analyzeStack([bucket("us-east-1", SECRET_BUCKET), job(secret(`s3://${SECRET_BUCKET}/ckpt/`))]);
    expect(JSON.stringify(r.diagnostics)).not.toContain(SECRET_BUCKET);
    const ds = of(COLOCATED, r.diagnostics);
    expect(ds).toHaveLength(1);
    expect(cantRun(ds[0]!)).toBe(true);
  });

  it("a bucket declared outside the stack is a note naming it, at advisory", async () => {
    const ds = of(COLOCATED, (await session.analyzeStack([job("s3://someone-elses-bucket/ckpt/")])).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.enforcementLevel).toBe("advisory");
    expect(ds[0]!.message).toContain("bucket 'someone-elses-bucket', which is outside the stack");
  });
});

describe("ml-storage-lifecycle over gRPC", () => {
  it("reports a checkpoint bucket nothing expires, and passes it with a lifecycle configuration", async () => {
    const b = bucket("eu-north-1");
    const without = of(LIFECYCLE, (await session.analyzeStack([b, job("s3://team-data/ckpt/")])).diagnostics);
    expect(without.map((d) => [d.urn, d.message.split(";")[0]])).toEqual([[b.urn, "Bucket 'data' holds checkpoints but nothing expires or transitions old objects"]]);
    expect(of(LIFECYCLE, (await session.analyzeStack([b, job("s3://team-data/ckpt/"), lifecycleFor(b)])).diagnostics)).toEqual([]);
  });

  it("can't evaluate while the lifecycle's rules are unknown in preview", async () => {
    const b = bucket("eu-north-1");
    const lc = lifecycleFor(b);
    const ds = of(LIFECYCLE, (await session.analyzeStack([b, job("s3://team-data/ckpt/"), { ...lc, properties: { ...lc.properties, rules: unknown("array") } }])).diagnostics);
    expect(ds).toHaveLength(1);
    expect(cantRun(ds[0]!)).toBe(true);
  });

  it("reads a bucket's ml-data tag; a secret tag value is not echoed", async () => {
    const tagged = res(BUCKET, "artifacts", { bucket: "team-artifacts", region: "eu-north-1", tags: { "ml-data": "artifacts" } });
    expect(of(LIFECYCLE, (await session.analyzeStack([tagged])).diagnostics).map((d) => d.urn)).toEqual([tagged.urn]);
    const hidden = res(BUCKET, "artifacts", { bucket: "team-artifacts", region: "eu-north-1", tags: { "ml-data": secret("datasets") } });
    const r = await session.analyzeStack([hidden]);
    expect(r.diagnostics.map((d) => d.message).join("\n")).not.toContain("datasets");
    expect(of(LIFECYCLE, r.diagnostics).every(cantRun)).toBe(true);
  });
});
