import { describe, expect, it } from "vitest";
import { longForm } from "./long-form";
import { cite } from "../../src/engine/format";
import { runStackExample } from "../../src/engine/examples";
import type { Finding } from "../../src/engine/rule";
import { mlStackCarbonBudget } from "../../src/rules/ml-stack-carbon-budget";

const findings = (title: string): Finding[] => {
  const example = mlStackCarbonBudget.stackExamples!.find((e) => e.title === title)!;
  return runStackExample(mlStackCarbonBudget, example).filter((o): o is Finding => o.kind === "violation").map(longForm);
};

describe("ml-stack-carbon-budget message", () => {
  it.each(["8×A100 training node in us-east-1 over a 300 kgCO2e/month budget", "Comparing the ceiling instead: the same pool at 8 nodes is over budget"])(
    "%s: the basis names the source and year of every PUE and grid figure behind it",
    (title) => {
      const [finding] = findings(title);
      const basis = finding!.message.slice(finding!.message.indexOf("Basis:"));
      const cited = finding!.figures.filter((f) => / (PUE|grid intensity)$/.test(f.label));
      expect(cited.length).toBeGreaterThan(0);
      for (const f of cited) {
        expect(basis).toContain(cite(f));
        expect(basis).toContain(String(f.year));
      }
    },
  );
});
