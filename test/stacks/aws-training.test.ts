// Tier 3: the aws-training blueprint under Pulumi's mocks with Pulumi.aws-training.yaml, then through
// the policy pack over gRPC. Build first (`npx tsc -p tsconfig.json`): the program under test is the
// compiled dist/stacks/program.js that Pulumi.yaml runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { lookupInstanceType } from "../../src/data/accelerators";
import { regionFacts } from "../../src/data/regions";
import type { Session } from "../harness";
import { allDiagnostics, brief, checkWithPack, evaluatedBy, mutated, openPack, skippedBy, type PackReport } from "./pack-check";
import { MOCK_ACCOUNT, runStack, type StackRun } from "./mock-run";

const REGION = "eu-north-1";
const TAGS = { "ml-workload": "training", team: "ml-platform" };

let run: StackRun;
let session: Session;
let report: PackReport;

beforeAll(async () => {
  run = await runStack("aws-training");
  session = await openPack(run);
  report = await checkWithPack(session, run);
});
afterAll(async () => session?.close());

describe("aws-training blueprint under mocks", () => {
  it("reads the blueprint and region from the stack config", () => {
    expect(run.config).toMatchObject({ "carbonguard:blueprint": "aws-training", "aws:region": REGION });
    expect(run.outputs["region"]).toBe(REGION);
    const components = run.registrations.filter((r) => r.type === "carbonguard:reference:AwsTraining");
    expect(components).toHaveLength(1);
    const stack = run.registrations.find((r) => r.type === "pulumi:pulumi:Stack")!;
    expect(components[0]!.parent).toBe(stack.urn);
    for (const r of run.resources) expect([r.name, r.parent]).toEqual([r.name, components[0]!.urn]);
  });

  it("puts every regional resource in the clean region, which is under the default limit", () => {
    const regional = run.resources.filter((r) => r.type.startsWith("aws:") && !r.type.startsWith("aws:iam/"));
    expect(regional.map((r) => r.type).sort()).toEqual([
      "aws:batch/computeEnvironment:ComputeEnvironment",
      "aws:batch/jobDefinition:JobDefinition",
      "aws:batch/jobQueue:JobQueue",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    ]);
    for (const r of regional) expect([r.name, r.inputs["region"]]).toEqual([r.name, REGION]);
    expect(regionFacts("aws", REGION)!.gridIntensity!.value).toBeLessThanOrEqual(150);
  });

  it("runs a managed Spot compute environment that scales to zero vCPUs, and leaves desiredVcpus to Batch", () => {
    const [ce] = run.ofType("aws:batch/computeEnvironment:ComputeEnvironment");
    expect(run.ofType("aws:batch/computeEnvironment:ComputeEnvironment")).toHaveLength(1);
    expect(ce!.inputs["type"]).toBe("MANAGED");
    const cr = ce!.inputs["computeResources"] as Record<string, unknown>;
    expect(cr["type"]).toBe("SPOT");
    expect(cr["minVcpus"]).toBe(0);
    expect(cr["maxVcpus"]).toBe(64);
    expect(cr["allocationStrategy"]).toBe("SPOT_PRICE_CAPACITY_OPTIMIZED");
    expect(cr["desiredVcpus"]).toBeUndefined();
    expect(ce!.ignoreChanges).toEqual(["computeResources.desiredVcpus"]);
    expect(cr["instanceTypes"]).toEqual(["g6e.xlarge", "g6e.2xlarge", "g6e.4xlarge", "g6e.8xlarge"]);
    expect(cr["subnets"]).toEqual(["subnet-0mocka", "subnet-0mockb", "subnet-0mockc"]);
    expect(cr["tags"]).toMatchObject(TAGS);
  });

  it("uses current-generation, training-capable accelerators offered in the region", () => {
    const [ce] = run.ofType("aws:batch/computeEnvironment:ComputeEnvironment");
    for (const type of (ce!.inputs["computeResources"] as { instanceTypes: string[] }).instanceTypes) {
      const info = lookupInstanceType("aws", type)!;
      expect([type, info.generation, info.regions.includes(REGION)]).toEqual([type, "current", true]);
      expect(["training", "both"]).toContain(info.workloadClass);
      expect(info.acceleratorCount).toBe(1);
    }
  });

  it("queues jobs on that environment only", () => {
    const [queue] = run.ofType("aws:batch/jobQueue:JobQueue");
    const [ce] = run.ofType("aws:batch/computeEnvironment:ComputeEnvironment");
    expect(queue!.inputs["state"]).toBe("ENABLED");
    expect(queue!.inputs["computeEnvironmentOrders"]).toEqual([{ order: 1, computeEnvironment: ce!.outputs["arn"] }]);
    expect(queue!.propertyDependencies["computeEnvironmentOrders"]).toEqual([ce!.urn]);
  });

  it("defines a one-GPU job with a 24 h timeout and retries for Spot interruptions only", () => {
    const [jd] = run.ofType("aws:batch/jobDefinition:JobDefinition");
    expect(jd!.inputs["type"]).toBe("container");
    expect(jd!.inputs["platformCapabilities"]).toEqual(["EC2"]);
    expect(jd!.inputs["timeout"]).toEqual({ attemptDurationSeconds: 86_400 });
    expect(jd!.inputs["retryStrategy"]).toEqual({
      attempts: 3,
      evaluateOnExits: [
        { onStatusReason: "Host EC2*", action: "RETRY" },
        { onReason: "*", action: "EXIT" },
      ],
    });
    const container = JSON.parse(jd!.inputs["containerProperties"] as string) as Record<string, unknown>;
    expect(container["resourceRequirements"]).toEqual([
      { type: "GPU", value: "1" },
      { type: "VCPU", value: "4" },
      { type: "MEMORY", value: "28000" },
    ]);
    const [jobRole] = run.ofType("aws:iam/role:Role").filter((r) => r.name.endsWith("-job"));
    // A fixed role name, so the ARN (and containerProperties) is known at preview.
    expect(container["jobRoleArn"]).toBe(`arn:aws:iam::${MOCK_ACCOUNT}:role/${String(jobRole!.inputs["name"])}`);
    expect(jd!.dependencies).toContain(jobRole!.urn);
    const [bucket] = run.ofType("aws:s3/bucket:Bucket");
    expect(jd!.inputs["parameters"]).toMatchObject({ checkpointUri: `s3://${String(bucket!.outputs["bucket"])}/checkpoints/` });
    expect(container["command"]).toEqual(expect.arrayContaining(["Ref::datasetUri", "Ref::checkpointUri", "Ref::outputUri"]));
  });

  it("keeps data in a private bucket whose checkpoints expire", () => {
    const [bucket] = run.ofType("aws:s3/bucket:Bucket");
    expect(run.ofType("aws:s3/bucket:Bucket")).toHaveLength(1);
    const [pab] = run.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    expect(pab!.inputs).toMatchObject({ bucket: bucket!.outputs["bucket"], blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    const [lifecycle] = run.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const rules = lifecycle!.inputs["rules"] as Record<string, unknown>[];
    expect(rules).toContainEqual(expect.objectContaining({ id: "expire-old-checkpoints", status: "Enabled", filter: { prefix: "checkpoints/" }, expiration: { days: 30 } }));
    expect(rules).toContainEqual(expect.objectContaining({ id: "abort-incomplete-uploads", status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }));
  });

  it("grants the job role this bucket's prefixes and nothing else; instances get the ECS policy only", () => {
    const [bucket] = run.ofType("aws:s3/bucket:Bucket");
    const arn = String(bucket!.outputs["arn"]);
    const policies = run.ofType("aws:iam/rolePolicy:RolePolicy");
    expect(policies).toHaveLength(1);
    const doc = JSON.parse(policies[0]!.inputs["policy"] as string) as { Statement: { Action: string[]; Resource: string[] }[] };
    const resources = doc.Statement.flatMap((s) => s.Resource);
    expect(resources.every((r) => r === arn || r.startsWith(`${arn}/`))).toBe(true);
    expect(doc.Statement.flatMap((s) => s.Action).every((a) => a.startsWith("s3:"))).toBe(true);
    const attachments = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs["policyArn"]);
    expect(attachments).toEqual(["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"]);
    const [sg] = run.ofType("aws:ec2/securityGroup:SecurityGroup");
    expect(sg!.inputs["ingress"]).toBeUndefined();
    expect(run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
    expect(run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((e) => [e.inputs["fromPort"], e.inputs["toPort"]])).toEqual([[443, 443]]);
  });

  it("tags every taggable regional resource with the workload and team, IAM with the team", () => {
    for (const r of run.resources) {
      if (r.type.startsWith("aws:iam/role:") || r.type.startsWith("aws:iam/instanceProfile:")) {
        expect([r.name, (r.inputs["tags"] as Record<string, string>)["team"], (r.inputs["tags"] as Record<string, string>)["ml-workload"]]).toEqual([r.name, "ml-platform", undefined]);
      } else if ("tags" in r.inputs || /batch|s3\/bucket:Bucket|securityGroup:/.test(r.type)) {
        expect([r.name, r.inputs["tags"]]).toEqual([r.name, expect.objectContaining(TAGS)]);
      }
    }
  });
});

describe("aws-training through the policy pack (gRPC, default config)", () => {
  it("analyzes every registered resource and reports nothing, not even a can't-evaluate", () => {
    expect(report.analyzed).toBe(run.registrations.length);
    expect(report.policies).toContain("ml-clean-energy-region");
    expect(report.resourceDiagnostics.map(brief)).toEqual([]);
  });

  it("actually evaluated the accelerator resources (not skipped as not applicable)", () => {
    const ce = run.ofType("aws:batch/computeEnvironment:ComputeEnvironment")[0]!;
    const jd = run.ofType("aws:batch/jobDefinition:JobDefinition")[0]!;
    expect(skippedBy(report, ce.urn, ["ml-clean-energy-region", "ml-workload-declared", "accelerator-fits-workload", "accelerator-current-generation", "ml-training-guardrails"])).toEqual([]);
    expect(skippedBy(report, jd.urn, ["ml-clean-energy-region", "ml-workload-declared", "ml-training-guardrails"])).toEqual([]);
    expect(evaluatedBy(report, ce.urn)).toContain("ml-clean-energy-region");
  });

  it("passes the stack-level analysis with outputs, dependencies and parents", () => {
    expect(report.stackDiagnostics.map(brief)).toEqual([]);
  });
});

describe("aws-training negative controls (the pack checks what the blueprint relies on)", () => {
  it("an on-demand (EC2) compute environment is reported by ml-training-guardrails", async () => {
    if (!report.policies.includes("ml-training-guardrails")) return;
    const ce = run.ofType("aws:batch/computeEnvironment:ComputeEnvironment")[0]!;
    const broken = await checkWithPack(session, mutated(run, ce.name, (p) => { (p["computeResources"] as Record<string, unknown>)["type"] = "EC2"; }));
    expect(allDiagnostics(broken).filter((d) => d.policyName === "ml-training-guardrails").map((d) => d.urn)).toContain(ce.urn);
  });

  it("a GPU job definition without a timeout is reported by ml-training-guardrails", async () => {
    if (!report.policies.includes("ml-training-guardrails")) return;
    const jd = run.ofType("aws:batch/jobDefinition:JobDefinition")[0]!;
    const broken = await checkWithPack(session, mutated(run, jd.name, (p) => { delete p["timeout"]; }));
    expect(allDiagnostics(broken).filter((d) => d.policyName === "ml-training-guardrails").map((d) => d.urn)).toContain(jd.urn);
  });
});
