// The report calls the same rules as the pack: on the built-in example it lists the model whose
// weights sit in another region and the checkpoint bucket nothing expires, and its estimate carries
// the storage it sized (the 500 GB bucket, the training job's volume), in JSON (valid against the
// published schema), HTML, Markdown and SARIF.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_EXPORT } from "../../src/cli/example";
import { readInputs } from "../../src/inputs";
import { buildReport } from "../../src/report/build";
import type { Report } from "../../src/report/model";
import { createHtmlRenderer, createJsonRenderer, createMarkdownRenderer, createSarifRenderer } from "../../src/report/renderers";
import { WASTEFUL_RESOURCES as W } from "../../stacks/examples/wasteful";
import { PROJECT_ROOT } from "../harness";
import { validateReportJson, validateSarif } from "../report/helpers";

let report: Report;
beforeAll(async () => {
  report = await buildReport({ inputs: readInputs([join(PROJECT_ROOT, EXAMPLE_EXPORT)]), now: new Date("2026-06-01T00:00:00Z") });
});

describe("ml-data-colocated and ml-storage-lifecycle in the report", () => {
  it("lists one finding of each, on the resource the example builds for it, at advisory", () => {
    const findings = report.stacks.flatMap((s) => s.findings).filter((f) => f.policy === "ml-data-colocated" || f.policy === "ml-storage-lifecycle");
    expect(findings.map((f) => [f.policy, f.name, f.kind, f.level, f.messageId])).toEqual([
      ["ml-data-colocated", W.dataElsewhere, "violation", "advisory", "moveData"],
      ["ml-storage-lifecycle", W.checkpointsKeptForever, "violation", "advisory", "noLifecycle"],
    ]);
    const lifecycle = findings[1]!;
    // 0.5 TB × 0.65 Wh/TB-h × 6 × 730 h × 1.15 × 20 g = 0.033 kg.
    expect(lifecycle.suggestion).toMatchObject({ keepKgCo2ePerMonth: 0.03 });
  });

  it("carries the storage it sized in the stack's estimate (already inside the totals)", () => {
    const storage = report.stacks[0]!.estimate.storage;
    expect(storage).toBeDefined();
    expect(storage!.items.map((i) => [i.name, i.label])).toEqual(
      expect.arrayContaining([
        [W.checkpointsKeptForever, "S3 bucket 500 GB"],
        [W.unboundedTraining, "attached SSD volumes 100 GB per unit"],
      ]),
    );
    expect(storage!.expectedKwhPerMonth).toBeGreaterThan(1.6);
    expect(storage!.expectedKgCo2ePerMonth).toBeLessThan(report.stacks[0]!.estimate.expectedKgCo2ePerMonth);
  });

  it("shows both in JSON (schema-valid), HTML, Markdown and SARIF", () => {
    const json = JSON.parse(createJsonRenderer().render(report)) as unknown;
    expect(validateReportJson(json)).toEqual([]);
    expect(JSON.stringify(json)).toContain('"storage":{');
    const html = createHtmlRenderer().render(report);
    expect(html).toContain("ml-data-colocated");
    expect(html).toContain("ml-storage-lifecycle");
    expect(html).toContain("<dt>Storage</dt><dd>0.03 kgCO<sub>2</sub>e/month expected");
    expect(createMarkdownRenderer().render(report)).toMatch(/storage [\d.,–]+ kgCO2e\/month of it/);
    const sarif = JSON.parse(createSarifRenderer().render(report)) as { runs: { results: { ruleId: string }[] }[] };
    expect(validateSarif(sarif)).toEqual([]);
    const ruleIds = sarif.runs.flatMap((r) => r.results.map((x) => x.ruleId));
    expect(ruleIds).toEqual(expect.arrayContaining(["ml-data-colocated", "ml-storage-lifecycle"]));
  });
});
