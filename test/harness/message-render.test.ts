// The pack's front end prints a finding's short form (issue 15): the message the Pulumi CLI shows is
// the rule's message for its id, filled with the resource's values, then the saving; nothing else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateRule } from "../../src/engine/evaluate";
import type { Finding } from "../../src/engine/rule";
import { buildView } from "../../src/engine/view";
import { mlCleanEnergyRegion } from "../../src/rules/ml-clean-energy-region";
import { POLICIES_DIR, type Session, startSession, testUrn } from "./index";

const TYPE = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const PROPS = { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] };
const PROVIDER = { urn: testUrn("pulumi:providers:aws", "aws-us-east-1"), type: "pulumi:providers:aws", name: "aws-us-east-1", properties: { region: "us-east-1" } };

let session: Session;
beforeAll(async () => {
  session = await startSession({ packDir: POLICIES_DIR });
}, 120_000);
afterAll(async () => session?.close());

describe("a finding as the pack prints it", () => {
  it("is the rule's short form: first sentence from meta.messages, then the saving with its basis", async () => {
    const { diagnostics } = await session.analyze({ urn: testUrn(TYPE, "llm"), type: TYPE, name: "llm", properties: PROPS, provider: PROVIDER });
    const printed = diagnostics.find((d) => d.policyName === "ml-clean-energy-region")!;
    const finding = evaluateRule(mlCleanEnergyRegion, buildView({ urn: testUrn(TYPE, "llm"), type: TYPE, name: "llm", props: PROPS, providerProps: { region: "us-east-1" } }), {}).find(
      (o): o is Finding => o.kind === "violation",
    )!;
    expect(finding.messageId).toBe("aboveLimit");
    expect(printed.message).toBe(finding.message);
    expect(printed.message).toMatch(
      /^EndpointConfiguration 'llm' runs in us-east-1 at 418 gCO2e\/kWh \(Electricity Maps 2025\), over the 150 g limit; move it to [a-z0-9-]+\. Saves ≈ [\d,.]+ kgCO2e\/month \(moving to [a-z0-9-]+, per instance; 418 → \d+ gCO2e\/kWh\)\. /,
    );
    // The details (alternatives, PUE provenance) stay out of the pack's message.
    expect(finding.details?.join(" ")).toContain("PUE 1.15 (AWS global data-center PUE 2024)");
    expect(printed.message).not.toContain("PUE");
  });
});
