// The report calls the same rules as the pack: on the built-in example it lists the oversized
// SageMaker deployment (an 8B model on 8×L4) with the smaller type and the kgCO2e/month it saves.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_EXPORT } from "../../src/cli/example";
import { readInputs } from "../../src/inputs";
import { buildReport } from "../../src/report/build";
import { WASTEFUL_RESOURCES } from "../../stacks/examples/wasteful";
import { PROJECT_ROOT } from "../harness";

describe("accelerator-fits-model in the report", () => {
  it("lists the example's oversized deployment with its saving, from saved state", async () => {
    const report = await buildReport({ inputs: readInputs([join(PROJECT_ROOT, EXAMPLE_EXPORT)]), now: new Date("2026-06-01T00:00:00Z") });
    const findings = report.stacks.flatMap((s) => s.findings).filter((f) => f.policy === "accelerator-fits-model");
    expect(findings.map((f) => [f.name, f.kind, f.level])).toEqual([[WASTEFUL_RESOURCES.oversizedForModel, "violation", "advisory"]]);
    const [f] = findings;
    expect(f!.message).toMatch(/^ml\.g6\.48xlarge \(8×L4, 192 GB\) is oversized for the served model \(≈19\.2 GB\): use ml\.g6\.xlarge/);
    expect(f!.savingKgCo2ePerMonth).toBeGreaterThan(0);
    expect(f!.suggestion).toMatchObject({ fit: "oversized", alternatives: expect.arrayContaining([expect.objectContaining({ type: "ml.g6.xlarge" })]) });
  });
});
