// Tier 3: the aws-inference blueprint (SageMaker async endpoint that scales to zero) under Pulumi's
// mocks with Pulumi.aws-inference.yaml, then through the policy pack over gRPC. Build first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { lookupInstanceType } from "../../src/data/accelerators";
import type { Session } from "../harness";
import { allDiagnostics, brief, checkWithPack, evaluatedBy, mutated, openPack, skippedBy, type PackReport } from "./pack-check";
import { runStack, type StackRun } from "./mock-run";

const REGION = "eu-north-1";
const TAGS = { "ml-workload": "inference", team: "ml-platform" };

let run: StackRun;
let session: Session;
let report: PackReport;

beforeAll(async () => {
  run = await runStack("aws-inference");
  session = await openPack(run);
  report = await checkWithPack(session, run);
});
afterAll(async () => session?.close());

const one = (type: string) => {
  const found = run.ofType(type);
  expect(found.map((r) => r.type)).toEqual([type]);
  return found[0]!;
};

describe("aws-inference blueprint under mocks", () => {
  it("builds the model, an async endpoint config, the endpoint and its scaling in the clean region", () => {
    expect(run.config).toMatchObject({ "carbonguard:blueprint": "aws-inference", "aws:region": REGION, "carbonguard:instanceType": "ml.g6.xlarge" });
    const regional = run.resources.filter((r) => r.type.startsWith("aws:") && !r.type.startsWith("aws:iam/"));
    expect(regional.map((r) => r.type).sort()).toEqual([
      "aws:appautoscaling/policy:Policy",
      "aws:appautoscaling/policy:Policy",
      "aws:appautoscaling/target:Target",
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:sagemaker/endpoint:Endpoint",
      "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      "aws:sagemaker/model:Model",
    ]);
    for (const r of regional) expect([r.name, r.inputs["region"]]).toEqual([r.name, REGION]);
  });

  it("serves asynchronously on one inference-class, current-generation accelerator", () => {
    const config = one("aws:sagemaker/endpointConfiguration:EndpointConfiguration");
    const model = one("aws:sagemaker/model:Model");
    const bucket = one("aws:s3/bucket:Bucket");
    const b = String(bucket.outputs["bucket"]);
    expect(config.inputs["productionVariants"]).toEqual([{ variantName: "main", modelName: model.outputs["name"], instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }]);
    expect(config.inputs["asyncInferenceConfig"]).toEqual({
      outputConfig: { s3OutputPath: `s3://${b}/async-outputs/`, s3FailurePath: `s3://${b}/async-failures/` },
      clientConfig: { maxConcurrentInvocationsPerInstance: 4 },
    });
    const info = lookupInstanceType("aws", "g6.xlarge")!;
    expect([info.workloadClass, info.generation, info.regions.includes(REGION)]).toEqual(["inference", "current", true]);
  });

  it("lets App Auto Scaling take the variant to zero instances, joined to the endpoint by dependency", () => {
    const endpoint = one("aws:sagemaker/endpoint:Endpoint");
    const config = one("aws:sagemaker/endpointConfiguration:EndpointConfiguration");
    const target = one("aws:appautoscaling/target:Target");
    expect(endpoint.inputs["endpointConfigName"]).toBe(config.outputs["name"]);
    expect(endpoint.propertyDependencies["endpointConfigName"]).toEqual([config.urn]);
    expect(target.inputs).toMatchObject({
      serviceNamespace: "sagemaker",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      resourceId: `endpoint/${String(endpoint.outputs["name"])}/variant/main`,
      minCapacity: 0,
      maxCapacity: 2,
    });
    expect(target.propertyDependencies["resourceId"]).toEqual([endpoint.urn]);
  });

  it("scales in on the backlog per instance and out of zero on an alarm for backlog without capacity", () => {
    const target = one("aws:appautoscaling/target:Target");
    const endpoint = one("aws:sagemaker/endpoint:Endpoint");
    const policies = run.ofType("aws:appautoscaling/policy:Policy");
    const tracking = policies.find((p) => p.inputs["policyType"] === "TargetTrackingScaling")!;
    const step = policies.find((p) => p.inputs["policyType"] === "StepScaling")!;
    for (const p of [tracking, step]) {
      expect(p.inputs).toMatchObject({ resourceId: target.outputs["resourceId"], scalableDimension: "sagemaker:variant:DesiredInstanceCount", serviceNamespace: "sagemaker" });
      expect(p.dependencies).toContain(target.urn);
    }
    expect(tracking.inputs["targetTrackingScalingPolicyConfiguration"]).toMatchObject({
      targetValue: 5,
      customizedMetricSpecification: { metricName: "ApproximateBacklogSizePerInstance", namespace: "AWS/SageMaker", statistic: "Average", dimensions: [{ name: "EndpointName", value: endpoint.outputs["name"] }] },
    });
    expect(step.inputs["stepScalingPolicyConfiguration"]).toEqual({
      adjustmentType: "ChangeInCapacity",
      metricAggregationType: "Average",
      cooldown: 300,
      stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
    });
    const alarm = one("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarm.inputs).toMatchObject({
      namespace: "AWS/SageMaker",
      metricName: "HasBacklogWithoutCapacity",
      dimensions: { EndpointName: endpoint.outputs["name"] },
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      alarmActions: [step.outputs["arn"]],
    });
  });

  it("expires async payloads and keeps the bucket private", () => {
    const lifecycle = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const rules = lifecycle.inputs["rules"] as { id: string; filter: unknown; expiration?: unknown }[];
    expect(rules.filter((r) => r.expiration).map((r) => [r.filter, r.expiration])).toEqual([
      [{ prefix: "async-inputs/" }, { days: 7 }],
      [{ prefix: "async-outputs/" }, { days: 7 }],
      [{ prefix: "async-failures/" }, { days: 7 }],
    ]);
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  });

  it("gives the execution role SageMaker trust, and S3 access to this bucket's prefixes only", () => {
    const role = one("aws:iam/role:Role");
    expect(JSON.parse(role.inputs["assumeRolePolicy"] as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const arn = String(one("aws:s3/bucket:Bucket").outputs["arn"]);
    const doc = JSON.parse(one("aws:iam/rolePolicy:RolePolicy").inputs["policy"] as string) as { Statement: { Action: string[]; Resource: string | string[] }[] };
    const s3 = doc.Statement.filter((s) => s.Action.some((a) => a.startsWith("s3:")));
    expect(s3.flatMap((s) => s.Resource).every((r) => r.startsWith(`${arn}/`))).toBe(true);
    expect(doc.Statement.flatMap((s) => s.Action).some((a) => a === "s3:*" || a === "*")).toBe(false);
    // Image pulls from the default image's repository only (ECR auth tokens are account-wide by design).
    const pull = doc.Statement.find((s) => s.Action.includes("ecr:BatchGetImage"))!;
    expect(pull.Resource).toBe("arn:aws:ecr:eu-north-1:763104351884:repository/huggingface-pytorch-tgi-inference");
  });

  it("tags the regional resources with the workload and team", () => {
    for (const r of run.resources.filter((r) => !r.type.startsWith("aws:iam/") && r.type !== "aws:appautoscaling/policy:Policy" && !r.type.startsWith("aws:s3/bucketL") && !r.type.startsWith("aws:s3/bucketP"))) {
      expect([r.name, r.inputs["tags"]]).toEqual([r.name, expect.objectContaining(TAGS)]);
    }
  });
});

describe("aws-inference through the policy pack (gRPC, default config)", () => {
  it("analyzes every registered resource and reports nothing", () => {
    expect(report.analyzed).toBe(run.registrations.length);
    expect(report.resourceDiagnostics.map(brief)).toEqual([]);
    const config = run.ofType("aws:sagemaker/endpointConfiguration:EndpointConfiguration")[0]!;
    expect(evaluatedBy(report, config.urn)).toContain("ml-clean-energy-region");
    expect(skippedBy(report, config.urn, ["ml-clean-energy-region", "ml-workload-declared", "accelerator-fits-workload", "accelerator-current-generation"])).toEqual([]);
  });

  it("passes the stack-level analysis (endpoint config ↔ endpoint ↔ scaling target joined by dependencies)", () => {
    expect(report.stackDiagnostics.map(brief)).toEqual([]);
    // The async endpoint's scale-to-zero is decided by the join, in the stack part: it must have run.
    if (report.policies.includes("ml-autoscale-to-zero")) expect(report.stackNotApplicable).not.toContain("ml-autoscale-to-zero");
  });
});

describe("aws-inference with serverless CPU inference (carbonguard:serverlessMemoryMb)", () => {
  let serverless: StackRun;
  let serverlessReport: PackReport;
  beforeAll(async () => {
    serverless = await runStack("aws-inference", { "carbonguard:serverlessMemoryMb": "2048", "carbonguard:serverlessMaxConcurrency": "10" });
    serverlessReport = await checkWithPack(session, serverless);
  });

  it("has no instances, no async config and nothing to scale", () => {
    const [config] = serverless.ofType("aws:sagemaker/endpointConfiguration:EndpointConfiguration");
    const [model] = serverless.ofType("aws:sagemaker/model:Model");
    expect(config!.inputs["productionVariants"]).toEqual([{ variantName: "main", modelName: model!.outputs["name"], serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 10 } }]);
    expect(config!.inputs["asyncInferenceConfig"]).toBeUndefined();
    expect(serverless.resources.filter((r) => r.type.startsWith("aws:appautoscaling/") || r.type.startsWith("aws:cloudwatch/"))).toEqual([]);
  });

  it("passes the pack", () => {
    expect(serverlessReport.resourceDiagnostics.map(brief)).toEqual([]);
    expect(serverlessReport.stackDiagnostics.map(brief)).toEqual([]);
  });
});

describe("aws-inference negative controls (the pack checks what the blueprint relies on)", () => {
  it("a scaling target with minCapacity 1 is reported by ml-autoscale-to-zero", async () => {
    if (!report.policies.includes("ml-autoscale-to-zero")) return;
    const target = run.ofType("aws:appautoscaling/target:Target")[0]!;
    const broken = await checkWithPack(session, mutated(run, target.name, (p) => { p["minCapacity"] = 1; }));
    expect(allDiagnostics(broken).map((d) => d.policyName)).toContain("ml-autoscale-to-zero");
  });

  it("the same endpoint in us-east-1 is reported by ml-clean-energy-region", async () => {
    const config = run.ofType("aws:sagemaker/endpointConfiguration:EndpointConfiguration")[0]!;
    const broken = await checkWithPack(session, mutated(run, config.name, (p) => { p["region"] = "us-east-1"; }));
    expect(broken.resourceDiagnostics.filter((d) => d.policyName === "ml-clean-energy-region").map((d) => d.urn)).toEqual([config.urn]);
  });
});
