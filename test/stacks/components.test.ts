// The components' pure helpers: names, labels and ARNs they derive from their arguments.
import { describe, expect, it } from "vitest";

import { ecrRepositoryArn } from "../../stacks/components/aws-inference";
import { accountId, awsIamTags, awsTags, gcpLabels, positiveInteger, regionOfZone } from "../../stacks/components/common";

describe("component helpers", () => {
  it("tags AWS resources with workload and team; IAM with the team only", () => {
    expect(awsTags("training", "vision", { cost: "x" })).toEqual({ cost: "x", "ml-workload": "training", team: "vision", "managed-by": "carbonguard-reference" });
    expect(awsTags("training", "vision", { "ml-workload": "dev" })["ml-workload"]).toBe("training");
    expect(awsIamTags("vision")).toEqual({ team: "vision", "managed-by": "carbonguard-reference" });
  });

  it("labels GCP resources and rejects values GCP would refuse", () => {
    expect(gcpLabels("inference", "ml-platform")).toEqual({ "ml-workload": "inference", team: "ml-platform", "managed-by": "carbonguard-reference" });
    expect(() => gcpLabels("inference", "Vision Team")).toThrow(/team.*invalid value 'Vision Team'/);
    expect(() => gcpLabels("inference", "ok", { Cost: "x" })).toThrow(/label key 'Cost' is invalid/);
  });

  it("derives the region of a zone", () => {
    expect(regionOfZone("europe-west9-c")).toBe("europe-west9");
    expect(regionOfZone("northamerica-northeast1-b")).toBe("northamerica-northeast1");
    expect(regionOfZone("europe-west9")).toBe("europe-west9");
  });

  it("makes valid service-account IDs (6–30 chars, letter first, no trailing dash)", () => {
    for (const [name, role] of [["gcp-training", "trainer"], ["a", "run"], ["9-Lives_Model-With-A-Very-Long-Name", "nodes"], ["gcp-inference", "run"]] as const) {
      const id = accountId(name, role);
      expect(id).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    }
    expect(accountId("gcp-training", "trainer")).toBe("gcp-training-trainer");
  });

  it("restricts image pulls to the image's ECR repository", () => {
    expect(ecrRepositoryArn("763104351884.dkr.ecr.eu-north-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-gpu")).toBe(
      "arn:aws:ecr:eu-north-1:763104351884:repository/huggingface-pytorch-tgi-inference",
    );
    expect(ecrRepositoryArn("123456789012.dkr.ecr.us-west-2.amazonaws.com/team/model@sha256:abc")).toBe("arn:aws:ecr:us-west-2:123456789012:repository/team/model");
    expect(ecrRepositoryArn("docker.io/library/python:3.12")).toBe("*");
  });

  it("rejects capacities that are not positive integers", () => {
    expect(positiveInteger("maxNodes", 4)).toBe(4);
    expect(() => positiveInteger("maxNodes", 0)).toThrow(/maxNodes must be a positive integer/);
    expect(() => positiveInteger("maxNodes", 1.5)).toThrow(/maxNodes/);
  });
});
