// The report runs accelerator-fits-model on saved state as the pack does at preview: an ECS service
// followed to its launch template, a Batch job definition judged against its queues' environments,
// and a SageMaker inference component, each listed with its verdict (and the saving, where the whole
// instance is the deployment's).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { StackRuleExample } from "../../src/engine/rule";
import { readInputs } from "../../src/inputs";
import { buildReport } from "../../src/report/build";
import { capacityExampleParts as P } from "../../src/rules/accelerator-fits-model/examples-capacity";
import { NOW } from "./helpers";

type Res = StackRuleExample["resources"][number];
const tmp = mkdtempSync(path.join(tmpdir(), "cg-fits-capacity-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const urnOf = (r: { type: string; name: string }) => `urn:pulumi:prod::ml::${r.type}::${r.name}`;

/** A `pulumi stack export` (v3) of the documented resources, each on a provider for its region. */
function exportOf(resources: readonly Res[]): string {
  const providers = new Map<string, Record<string, unknown>>();
  const providerRef = (r: Res) => {
    const region = (r.providerProps as { region?: string } | undefined)?.region ?? "us-east-1";
    const pkg = r.type.startsWith("aws-native:") ? "aws-native" : "aws";
    const urn = `urn:pulumi:prod::ml::pulumi:providers:${pkg}::${pkg}-${region}`;
    providers.set(urn, { urn, custom: true, id: `${pkg}-${region}-id`, type: `pulumi:providers:${pkg}`, inputs: { region }, outputs: { region } });
    return `${urn}::${pkg}-${region}-id`;
  };
  const byName = (n: string) => resources.find((r) => r.name === n);
  const link = (n: string) => (byName(n) ? urnOf(byName(n)!) : n);
  const states = resources.map((r) => ({
    urn: urnOf(r),
    custom: true,
    id: r.id ?? `${r.name}-id`,
    type: r.type,
    inputs: r.props,
    outputs: r.props,
    provider: providerRef(r),
    dependencies: (r.dependencies ?? []).map(link),
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, v.map(link)])),
  }));
  return JSON.stringify({ version: 3, deployment: { manifest: { time: "2026-05-04T10:00:00Z", magic: "", version: "v3.170.0" }, resources: [...providers.values(), ...states] } });
}

describe("accelerator-fits-model in the report, on capacity reached through joins", () => {
  it("lists the ECS service, the Batch job definition and the inference component with their verdicts", async () => {
    const resources: Res[] = [
      P.taskDefinition("llm", { environment: [{ name: "MODEL_ID", value: "meta-llama/Llama-3.1-8B-Instruct" }] }, 8),
      ...P.gpuCapacity("a100", "p4d.24xlarge"),
      P.service("llm", "llm", { capacityProviderStrategies: [{ capacityProvider: "a100-cp", weight: 1 }] }, { capacityProviderStrategies: ["a100-cp"] }),
      P.computeEnvironment("l4", ["g6.xlarge"]),
      P.jobQueue("gpu", ["l4"]),
      P.jobDefinition("summarize", { command: ["--model-id", "meta-llama/Llama-3.1-70B-Instruct"] }, 1),
      ...P.componentStack(4, "ml.g6.12xlarge"),
    ];
    const file = path.join(tmp, "prod.json");
    writeFileSync(file, exportOf(resources));
    const report = await buildReport({ inputs: readInputs([file]), now: NOW });
    const findings = report.stacks.flatMap((s) => s.findings).filter((f) => f.policy === "accelerator-fits-model");
    const byName = Object.fromEntries(findings.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(["llama", "llm", "summarize"]);
    expect(byName["llm"]!.message).toMatch(/^p4d\.24xlarge \(8×A100, 320 GB\) is oversized for the served model \(≈19\.2 GB\): use g6\.xlarge/);
    expect(byName["llm"]!.savingKgCo2ePerMonth).toBeGreaterThan(100);
    expect(byName["llm"]!.suggestion).toMatchObject({ fit: "oversized", region: "us-east-1" });
    expect(byName["summarize"]!.suggestion).toMatchObject({ fit: "cannot-load", devicesUsed: 1 });
    expect(byName["llama"]!.suggestion).toMatchObject({ fit: "oversized", alternatives: expect.arrayContaining([expect.objectContaining({ type: "ml.g6.xlarge" })]) });
    expect(findings.every((f) => f.level === "advisory")).toBe(true);
  });
});
