/**
 * The capacity rules quote the estimator's idle draw. An estimator failure (here a broken
 * coefficients file) must surface as the rule's error at the policy's level, not be swallowed
 * into a finding that silently drops its figures or a pass.
 */
import { describe, expect, it, vi } from "vitest";
import { DataFileError } from "../../src/data/load";
import { evaluateRule } from "../../src/engine/evaluate";
import { buildView } from "../../src/engine/view";
import { mlAutoscaleToZero } from "../../src/rules/ml-autoscale-to-zero";

// vi.mock is hoisted above the imports: the rule sees the failing estimator.

vi.mock("../../src/estimate", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/estimate")>()),
  resolveUnit: () => {
    throw new DataFileError("/x/region-data/coefficients.json", "(the energy coefficients) cannot be read: ENOENT");
  },
}));


describe("estimator errors in rules", () => {
  it("an EKS GPU node group that keeps one node: the rule's error naming the file, at the policy's level", () => {
    const view = buildView({ urn: "u", type: "aws:eks/nodeGroup:NodeGroup", name: "gpu", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 }, region: "us-east-1" } });
    const outcomes = evaluateRule(mlAutoscaleToZero, view, {});
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ kind: "violation", ruleError: true });
    expect((outcomes[0] as { level?: string }).level).toBeUndefined();
    expect((outcomes[0] as { message: string }).message).toContain("/x/region-data/coefficients.json");
  });
});
