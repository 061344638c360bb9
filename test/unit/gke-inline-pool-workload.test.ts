/**
 * GKE clusters with inline nodePools: each pool's own ml-workload label (nodeConfig.resourceLabels)
 * is its workload for every rule, as a standalone NodePool's is.
 */
import { describe, expect, it } from "vitest";
import { longForm } from "./long-form";
import { evaluateRule } from "../../src/engine/evaluate";
import type { Finding, Outcome } from "../../src/engine/rule";
import { buildView } from "../../src/engine/view";
import { WORKLOADS } from "../../src/engine/workload";
import { acceleratorFitsWorkload } from "../../src/rules/accelerator-fits-workload";
import { mlAutoscaleToZero } from "../../src/rules/ml-autoscale-to-zero";
import { mlTrainingGuardrails } from "../../src/rules/ml-training-guardrails";
import { mlWorkloadDeclared } from "../../src/rules/ml-workload-declared";

const RULES_READING_WORKLOAD = [acceleratorFitsWorkload, mlWorkloadDeclared, mlAutoscaleToZero, mlTrainingGuardrails];

function nodeConfig(machineType: string, labels?: Record<string, string>) {
  return { machineType, ...(labels ? { resourceLabels: labels } : {}) };
}
const pool = (machineType: string, labels?: Record<string, string>) => ({ name: "p", nodeCount: 1, nodeLocations: ["europe-west4-a"], nodeConfig: nodeConfig(machineType, labels) });
const cluster = (pools: unknown[]) => buildView({ urn: "u", type: "gcp:container/cluster:Cluster", name: "ml", props: { location: "europe-west4", nodePools: pools } });
const standalone = (machineType: string, labels?: Record<string, string>) =>
  buildView({ urn: "u", type: "gcp:container/nodePool:NodePool", name: "p", props: { location: "europe-west4", cluster: "ml", ...pool(machineType, labels) } });

const violations = (outcomes: readonly Outcome[]) => outcomes.filter((o): o is Finding => o.kind === "violation").map(longForm);
const verdict = (outcomes: readonly Outcome[]) => (violations(outcomes).length > 0 ? "violation" : outcomes.some((o) => o.kind === "unknown") ? "unknown" : "pass");

describe("an inline pool's own ml-workload label", () => {
  it("an inference pool on a3-highgpu-8g inside a cluster gets the fit finding, and no 'declares no ML workload'", () => {
    const view = cluster([pool("a3-highgpu-8g", { "ml-workload": "inference" })]);
    const fit = violations(evaluateRule(acceleratorFitsWorkload, view, {}));
    expect(fit).toHaveLength(1);
    expect(fit[0]!.message).toMatch(/^node pool nodePools\[0\] of .*runs inference .* on .*a3-highgpu-8g/);
    expect(violations(evaluateRule(mlWorkloadDeclared, view, {}))).toEqual([]);
  });

  it("a pool without a label of its own is named in ml-workload-declared's finding", () => {
    const view = cluster([pool("g2-standard-8", { "ml-workload": "inference" }), pool("a3-highgpu-8g")]);
    const [finding, ...rest] = violations(evaluateRule(mlWorkloadDeclared, view, {}));
    expect(rest).toEqual([]);
    expect(finding!.message).toContain("declares no ML workload");
    expect(finding!.message).toContain("nodePools[1].nodeConfig.resourceLabels");
    expect(finding!.message).not.toContain("nodePools[0]");
  });

  it("each pool is judged by its own workload: two pools, two workloads", () => {
    const view = cluster([pool("a3-highgpu-8g", { "ml-workload": "training" }), pool("a3-highgpu-8g", { "ml-workload": "inference" })]);
    expect(violations(evaluateRule(acceleratorFitsWorkload, view, {}))).toHaveLength(1);
  });

  it.each(WORKLOADS.flatMap((w) => ["a3-highgpu-8g", "g2-standard-8", "a2-highgpu-1g"].map((m) => [w, m] as const)))(
    "%s on %s: every rule gives an inline pool the verdict it gives the same standalone pool",
    (workload, machineType) => {
      for (const rule of RULES_READING_WORKLOAD) {
        const inline = verdict(evaluateRule(rule, cluster([pool(machineType, { "ml-workload": workload })]), {}));
        const alone = verdict(evaluateRule(rule, standalone(machineType, { "ml-workload": workload }), {}));
        expect(inline, rule.meta.name).toBe(alone);
      }
    },
  );
});
