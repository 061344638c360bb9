/** An idle estimate is never below the measured idle draw the same message cites (evidence E18). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allInstanceTypes, lookupInstanceType } from "../../src/data/accelerators";
import { instanceUnit, measuredIdle } from "../../src/engine/capacity-readers";

function unitFor(cloud: "aws" | "gcp", name: string) {
  const info = lookupInstanceType(cloud, name)!;
  expect(info).toBeDefined();
  return { info, unit: instanceUnit(cloud, info) };
}

describe("idle draw of a unit", () => {
  it.each([
    ["aws", "g6.xlarge", 28],
    ["aws", "g5.xlarge", 58],
    ["gcp", "g2-standard-4", 28],
    ["aws", "p5.48xlarge", 8 * 68],
  ] as const)("%s %s idles at no less than the measured %d W it cites", (cloud, name, measured) => {
    const { unit } = unitFor(cloud, name);
    expect(unit.idleWatts).toBeGreaterThanOrEqual(measured);
    expect(unit.idleBasis).toContain("measured idle");
  });

  it("holds for every catalog type with a measured accelerator", () => {
    const types = allInstanceTypes().filter((t) => measuredIdle(t.acceleratorModel) !== undefined && t.acceleratorCount > 0);
    expect(types.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.constantFrom(...types), (t) => {
        const unit = instanceUnit(t.cloud, t);
        if (unit.idleWatts === undefined) return;
        expect(unit.idleWatts).toBeGreaterThanOrEqual(measuredIdle(t.acceleratorModel)!.value * t.acceleratorCount - 1e-9);
      }),
      { numRuns: 300 },
    );
  });
});
