// The grade counts every accelerator-hour a configuration allows: a scale-to-zero GPU environment in
// us-east-1 (418 g) must weigh on the grade even though its minimum capacity is zero.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_EXPORT } from "../../src/cli/example";
import { readInputs } from "../../src/inputs";
import { buildReport } from "../../src/report/build";
import { gradeOf } from "../../src/report/grade";
import { PROJECT_ROOT } from "../harness";

describe("the A–G grade on the built-in example", () => {
  it("grades the wasteful stack far from A, at maximum capacity, naming the move that would fix it", async () => {
    const report = await buildReport({ inputs: readInputs([join(PROJECT_ROOT, EXAMPLE_EXPORT)]), now: new Date("2026-06-01T00:00:00Z") });
    const [stack] = report.stacks;
    expect(stack).toBeDefined();
    const grade = stack!.grade;
    expect(grade.grade).not.toBe("A");
    expect(grade.grade).not.toBe("n/a");
    expect(grade.kgPerAcceleratorHour! / grade.bestKgPerAcceleratorHour!).toBeGreaterThan(1.75);
    expect(grade.basis).toContain("at maximum capacity");
    expect(grade.basis).toContain("us-east-1 → ");
  });

  it("maps ratios to letters at the documented bounds", () => {
    expect([1, 1.25, 1.26, 1.75, 2.5, 4, 7, 12, 12.1, Infinity].map(gradeOf)).toEqual(["A", "A", "B", "B", "C", "D", "E", "F", "G", "G"]);
  });
});
