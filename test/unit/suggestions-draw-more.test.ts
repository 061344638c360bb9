/**
 * An alternative that draws more power than the current choice (a fractional GPU → a whole L4 or
 * A10G; a K80 or V100 → H100/A100) is never presented as a saving: it says it draws more, and why.
 */
import { describe, expect, it } from "vitest";
import { longForm } from "./long-form";
import { evaluateRule } from "../../src/engine/evaluate";
import type { AnyRule, Finding } from "../../src/engine/rule";
import { buildView } from "../../src/engine/view";
import { acceleratorCurrentGeneration } from "../../src/rules/accelerator-current-generation";
import { acceleratorFitsWorkload } from "../../src/rules/accelerator-fits-workload";

interface Alternative {
  readonly type: string;
  readonly acceleratorTdpW: number | null;
  readonly drawsMorePower?: boolean;
  readonly reason?: string;
}

function finding(rule: AnyRule, type: string, props: Record<string, unknown>): Finding {
  const found = evaluateRule(rule, buildView({ urn: "u", type, name: "n", props }), {}).filter((o): o is Finding => o.kind === "violation");
  expect(found).toHaveLength(1);
  return longForm(found[0]!);
}

/** Every listed alternative above the current TDP is marked in the text and the suggestion, and the message gives the reason. */
function expectHigherDrawSaysWhy(f: Finding, currentTdp: number): void {
  const alternatives = f.suggestion!["alternatives"] as Alternative[];
  const higher = alternatives.filter((a) => a.acceleratorTdpW !== null && a.acceleratorTdpW > currentTdp);
  expect(higher.length).toBeGreaterThan(0);
  for (const a of higher) {
    expect(a.drawsMorePower).toBe(true);
    expect(a.reason).toMatch(/more work per joule/);
    expect(f.message).toMatch(new RegExp(`${a.type.replace(/\./g, "\\.")}: [^,]+, [\\d.,]+ k?W \\(\\+\\d+%, draws more\\)`));
  }
  for (const a of alternatives.filter((x) => x.acceleratorTdpW !== null && x.acceleratorTdpW < currentTdp)) expect(a.drawsMorePower).toBeUndefined();
  expect(f.message).toMatch(/draws? more accelerator power than .*; suggested because (it|each) does more work per joule, so the same work takes less energy\./);
}

describe("alternatives that draw more power say so, with the reason", () => {
  it("a fractional GPU serving inference → a whole L4, A10G or L40S", () => {
    const f = finding(acceleratorFitsWorkload, "aws:ec2/instance:Instance", { instanceType: "g6f.large", region: "us-east-1", tags: { "ml-workload": "inference" } });
    expectHigherDrawSaysWhy(f, 9);
  });

  it("a V100 training pool → A100/H100 machines", () => {
    const f = finding(acceleratorCurrentGeneration, "gcp:container/nodePool:NodePool", {
      location: "us-central1-a",
      nodeCount: 1,
      nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-v100", count: 1 }], resourceLabels: { "ml-workload": "training" } },
    });
    expectHigherDrawSaysWhy(f, (f.suggestion!["current"] as { acceleratorTdpW: number }).acceleratorTdpW);
  });

  it("a retired K80 pool → the H100 family: may draw more per device, and why it is suggested", () => {
    const f = finding(acceleratorCurrentGeneration, "gcp:container/nodePool:NodePool", {
      location: "us-central1-a",
      nodeCount: 1,
      nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-k80", count: 1 }], resourceLabels: { "ml-workload": "training" } },
    });
    expect(f.message).toContain("a3 (NVIDIA H100)");
    expect(f.message).toMatch(/may draw more power per device than the K80 \(150 W per device\); they are suggested because a newer generation does more work per joule/);
  });
});
