/** A SageMaker training job's size is what it runs: instanceType × instanceCount, or each instance group's count. */
import { describe, expect, it } from "vitest";
import { longForm } from "./long-form";
import { evaluateRule } from "../../src/engine/evaluate";
import type { Finding } from "../../src/engine/rule";
import { buildView } from "../../src/engine/view";
import { mlTrainingGuardrails } from "../../src/rules/ml-training-guardrails";

function message(resourceConfig: Record<string, unknown>): string {
  const view = buildView({
    urn: "u",
    type: "aws:sagemaker/trainingJob:TrainingJob",
    name: "train",
    props: { region: "eu-north-1", roleArn: "arn:aws:iam::1:role/r", resourceConfig, stoppingCondition: { maxRuntimeInSeconds: 3600 }, tags: { "ml-workload": "training" } },
  });
  const outcomes = evaluateRule(mlTrainingGuardrails, view, {});
  expect(outcomes).toHaveLength(1);
  return longForm(outcomes[0] as Finding).message;
}

describe("SageMaker training job capacity in ml-training-guardrails", () => {
  it("counts resourceConfig.instanceCount", () => {
    expect(message({ instanceType: "ml.p4d.24xlarge", instanceCount: 2, volumeSizeInGb: 100 })).toMatch(/Capacity: 2 × ml\.p4d\.24xlarge \(8×A100\)/);
  });

  it("counts each of resourceConfig.instanceGroups by its own instanceCount", () => {
    const one = message({ instanceGroups: [{ instanceGroupName: "g", instanceType: "ml.p4d.24xlarge", instanceCount: 2 }], volumeSizeInGb: 100 });
    expect(one).toMatch(/Capacity: 2 × ml\.p4d\.24xlarge \(8×A100\)/);
    const two = message({
      instanceGroups: [
        { instanceGroupName: "a", instanceType: "ml.p4d.24xlarge", instanceCount: 2 },
        { instanceGroupName: "b", instanceType: "ml.g5.xlarge", instanceCount: 3 },
      ],
      volumeSizeInGb: 100,
    });
    expect(two).toMatch(/Capacity: 2 × ml\.p4d\.24xlarge \(8×A100\) \+ 3 × ml\.g5\.xlarge \(1×A10G\), ≈ [\d.,]+ kW while it runs/);
  });

  it("the drawn power scales with the group's count", () => {
    const watts = (n: number) => {
      const m = /≈ ([\d.,]+) (k?W) while it runs/.exec(message({ instanceGroups: [{ instanceGroupName: "g", instanceType: "ml.p4d.24xlarge", instanceCount: n }] }))!;
      return Number(m[1]!.replace(/,/g, "")) * (m[2] === "kW" ? 1000 : 1);
    };
    expect(watts(2) / watts(1)).toBeCloseTo(2, 1);
  });
});
