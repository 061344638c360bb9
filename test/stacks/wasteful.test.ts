// Tier 3: the anti-pattern example (stacks/examples/wasteful) under Pulumi's mocks, then through the
// policy pack over gRPC: exactly the violations it is built to trip, one per (policy, resource), and
// nothing else — no extra finding, no can't-evaluate.
//
// The expectation is written for every policy of the catalogue (../shared/design/RULES.md) and is
// strict: every policy must register and report exactly its expected violations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { RULES } from "../../src/rules";
import { WASTEFUL_RESOURCES as W, WASTEFUL_SUPPORTING } from "../../stacks/examples/wasteful";
import type { AnalyzeDiagnostic, Session } from "../harness";
import { brief, checkWithPack, openPack, type PackReport } from "./pack-check";
import { runStack, type StackRun } from "./mock-run";

interface Expectation {
  policy: string;
  /** Resource name, or "<stack>" for a stack-wide finding without a resource. */
  resource: string;
}

/** At the default config: one violation per mistake. ml-stack-carbon-budget has no default limit (not applicable). */
const EXPECTED: readonly Expectation[] = [
  { policy: "ml-clean-energy-region", resource: W.dirtyRegion },
  { policy: "ml-workload-declared", resource: W.untagged },
  { policy: "accelerator-fits-workload", resource: W.inferenceOnTrainingNode },
  { policy: "accelerator-current-generation", resource: W.legacyGpu },
  { policy: "ml-autoscale-to-zero", resource: W.alwaysOn },
  { policy: "ml-notebook-idle-shutdown", resource: W.notebook },
  { policy: "ml-training-guardrails", resource: W.unboundedTraining },
  { policy: "accelerator-fits-model", resource: W.oversizedForModel },
  { policy: "ml-data-colocated", resource: W.dataElsewhere },
  { policy: "ml-storage-lifecycle", resource: W.checkpointsKeptForever },
  { policy: "ml-autoscale-to-zero", resource: W.hpaGpuDeployment },
];

/** Every policy of the catalogue is expected somewhere (the budget one with a limit set, below). */
const CATALOGUE = [...EXPECTED.map((e) => e.policy), "ml-stack-carbon-budget"];

/** A monthly budget the always-on L4 endpoint alone exceeds (≈ 72 W × 730 h in any region, plus embodied). */
const BUDGET_CONFIG = { "ml-stack-carbon-budget": { maxKgCo2ePerMonth: 0.5 } };

let run: StackRun;
let session: Session;
let atDefault: PackReport;
let withBudget: PackReport;

beforeAll(async () => {
  run = await runStack("wasteful", { "carbonguard:blueprint": "wasteful", "aws:region": "eu-north-1" }, { configFile: false });
  session = await openPack(run);
  atDefault = await checkWithPack(session, run);
  await session.reconfigure(BUDGET_CONFIG);
  withBudget = await checkWithPack(session, run);
});
afterAll(async () => session?.close());

const resourceOf = (d: AnalyzeDiagnostic) => (d.urn ? d.urn.split("::").pop()! : "<stack>");
const pairKey = (policy: string, resource: string) => `${policy} @ ${resource}`;

/** Distinct (policy, resource) pairs, failing on a pair reported twice in the same phase. */
function pairs(diagnostics: AnalyzeDiagnostic[]): string[] {
  const keys = diagnostics.map((d) => pairKey(d.policyName, resourceOf(d)));
  const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
  expect(twice, `reported more than once:\n${diagnostics.map(brief).join("\n")}`).toEqual([]);
  return keys;
}

describe("the wasteful example under mocks", () => {
  it("builds one resource per mistake, plus the model, endpoint and scaling target the oversized endpoint config needs and the Kubernetes provider and Deployment the HPA scales", () => {
    expect(run.resources.map((r) => r.name).sort()).toEqual([...Object.values(W), ...Object.values(WASTEFUL_SUPPORTING)].sort());
  });

  it("covers every policy of the catalogue, and every registered rule", () => {
    expect(new Set(CATALOGUE).size).toBe(11);
    // A new rule needs an expectation here (the pack's own policies, such as waivers, are not rules).
    expect(RULES.map((r) => r.meta.name).filter((p) => !CATALOGUE.includes(p))).toEqual([]);
  });
});

describe("the wasteful example through the policy pack (gRPC)", () => {
  it("registers every policy of the catalogue (a rule that stopped registering fails here, not silently below)", () => {
    expect([...CATALOGUE].sort().filter((p) => !atDefault.policies.includes(p))).toEqual([]);
  });

  it("reports exactly the expected violations, once each, and nothing else", () => {
    const expected = EXPECTED.map((e) => pairKey(e.policy, e.resource));
    const fromAnalyze = pairs(atDefault.resourceDiagnostics);
    const fromStack = pairs(atDefault.stackDiagnostics);
    const all = [...atDefault.resourceDiagnostics, ...atDefault.stackDiagnostics];
    expect([...new Set([...fromAnalyze, ...fromStack])].sort(), all.map(brief).join("\n")).toEqual([...expected].sort());
    // Resource policies report on Analyze; a resource+stack policy may report the same resource from
    // its stack part, but never a resource its resource part would not.
    expect(fromStack.filter((k) => !expected.includes(k))).toEqual([]);
  });

  it("blocks the high-carbon region and names a cleaner one", () => {
    const d = atDefault.resourceDiagnostics.find((x) => x.policyName === "ml-clean-energy-region")!;
    expect(d).toMatchObject({ enforcementLevel: "mandatory" });
    expect(d.message).toContain("us-east-1");
  });

  it("names the oversized deployment's smaller type and its saving without quoting the model id", () => {
    const d = atDefault.stackDiagnostics.find((x) => x.policyName === "accelerator-fits-model")!;
    expect(d).toMatchObject({ enforcementLevel: "advisory" });
    expect(d.message).toMatch(/^ml\.g6\.48xlarge \(8×L4, 192 GB\) is oversized for the served model \(≈19\.2 GB\): use ml\.g6\.xlarge/);
    expect(d.message).toContain("kgCO2e/month");
    expect(d.message).not.toContain("Llama");
  });

  it("says an HPA cannot take the GPU Deployment to zero, placed by the provider's kubeconfig in a clean region", () => {
    const d = atDefault.stackDiagnostics.find((x) => x.policyName === "ml-autoscale-to-zero" && resourceOf(x) === W.hpaGpuDeployment)!;
    expect(d).toMatchObject({ enforcementLevel: "mandatory" });
    expect(d.message).toContain("use a KEDA ScaledObject with minReplicaCount 0 (an HPA stops at 1)");
    expect(d.message).toContain("northamerica-northeast1");
  });

  it("with a monthly carbon budget set, ml-stack-carbon-budget reports the stack once", () => {
    const budget = [...withBudget.resourceDiagnostics, ...withBudget.stackDiagnostics].filter((d) => d.policyName === "ml-stack-carbon-budget");
    expect(budget.map(brief)).toHaveLength(1);
    const others = (r: PackReport) => [...r.resourceDiagnostics, ...r.stackDiagnostics].filter((d) => d.policyName !== "ml-stack-carbon-budget").map(brief).sort();
    expect(others(withBudget)).toEqual(others(atDefault));
  });
});
