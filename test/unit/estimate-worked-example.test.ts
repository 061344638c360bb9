/**
 * The worked example of ../shared/design/CARBON-METHOD.md, as a test: p4d.24xlarge for 100 h.
 * GPUs 1,812 W + CPU 221 W + memory 375 W = 2,408 W × PUE 1.135 → 273 kWh; us-east-1 (418 g)
 * 114 kg; eu-north-1 (20 g) 5.5 kg; embodied 4,677 kg × 100 / 35,040 = 13.3 kg. Within 2%.
 */
import { describe, expect, it } from "vitest";
import { buildView } from "../../src/engine/view";
import { type EstimatedResource, estimateResource } from "../../src/estimate";

function p4d(region: string): EstimatedResource {
  const view = buildView({ urn: "urn:pulumi:s::p::aws:ec2/instance:Instance::trainer", type: "aws:ec2/instance:Instance", name: "trainer", props: { instanceType: "p4d.24xlarge" }, providerProps: { region } });
  const estimate = estimateResource(view, { hoursPerMonth: 100 });
  if (estimate.status !== "estimated") throw new Error(`not estimated: ${estimate.reason}`);
  return estimate;
}

function within(actual: number, expected: number, tolerance = 0.02): void {
  expect(Math.abs(actual - expected) / expected, `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

describe("CARBON-METHOD.md worked example: p4d.24xlarge, 100 h", () => {
  it("energy: 273 kWh (2,408 W × PUE 1.135 × 100 h) within 2%", () => {
    const e = p4d("us-east-1");
    within(e.energyKwh.floor, 273);
    expect(e.energyKwh.ceiling).toBe(e.energyKwh.floor);
    const part = e.parts[0]!;
    within(part.power.components.accelerators, 1812, 0.02);
    within(part.power.components.cpu, 221, 0.05);
    within(part.power.components.memory, 375, 0.02);
    within(part.power.watts, 2408, 0.02);
  });

  it("us-east-1 (418 gCO2e/kWh): 114 kg operational within 2%", () => {
    within(p4d("us-east-1").operationalKgCo2e.floor, 114);
  });

  it("eu-north-1 (20 gCO2e/kWh): 5.5 kg operational within 2%", () => {
    within(p4d("eu-north-1").operationalKgCo2e.floor, 5.5);
  });

  it("embodied: 4,677 kg × 100 / 35,040 = 13.3 kg in every region, so the total falls ~7×, not 21×", () => {
    const east = p4d("us-east-1");
    const north = p4d("eu-north-1");
    within(east.embodiedKgCo2e!.floor, 13.3);
    within(north.embodiedKgCo2e!.floor, 13.3);
    const ratio = east.totalKgCo2e.floor / north.totalKgCo2e.floor;
    expect(ratio).toBeGreaterThan(6.5);
    expect(ratio).toBeLessThan(7.5);
    expect(east.operationalKgCo2e.floor / north.operationalKgCo2e.floor).toBeCloseTo(418 / 20, 0);
  });

  it("attaches every assumption: utilization, hours, PUE, intensity, TDP, CPU, memory, embodied", () => {
    const labels = p4d("us-east-1").assumptions.map((a) => a.label);
    for (const l of ["utilization", "hours per month", "us-east-1 PUE", "us-east-1 grid intensity", "NVIDIA A100 SXM4 40GB max power", "CPU power per vCPU", "memory power", "embodied emissions"]) {
      expect(labels).toContain(l);
    }
  });
});
