// The report's front end renders a finding's structure (issue 15): the short message people read,
// and beside it the message id, fix, saving, evidence and details that the pack's message leaves out.
import { describe, expect, it } from "vitest";
import type { Report, ReportFinding } from "../../src/report/model";
import { createHtmlRenderer } from "../../src/report/renderers/html";
import { createJsonRenderer } from "../../src/report/renderers/json";
import { createSarifRenderer } from "../../src/report/renderers/sarif";
import { loadFixture, validateReportJson, validateSarif } from "./helpers";

const STRUCTURE = {
  messageId: "aboveLimit",
  fix: { kind: "region", from: "us-east-1", to: ["ca-central-1", "us-west-2"] },
  saving: { kgCo2ePerMonth: 52, basis: "moving to ca-central-1, per instance; 418 → 32 gCO2e/kWh" },
  evidence: [{ id: "E07", claim: "Using training instances for inference wastes resources.", kind: "vendor statement", source: "AWS Machine Learning Blog" }],
  details: ["Cleaner regions in North America that offer p5.48xlarge: ca-central-1 (Central, 32 gCO2e/kWh, −92%).", "PUE 1.15 (AWS global data-center PUE 2024) <both regions>."],
} as const satisfies Partial<ReportFinding>;

/** The full fixture with its first finding carrying the structure. */
function structured(): { model: Report; finding: ReportFinding } {
  const model = structuredClone(loadFixture("full"));
  const stack = model.stacks.find((s) => s.findings.length > 0)!;
  const finding: ReportFinding = { ...stack.findings[0]!, ...STRUCTURE };
  (stack.findings as ReportFinding[])[0] = finding;
  return { model, finding };
}

describe("a finding's structure in the report", () => {
  it("json: carries messageId, fix, saving, evidence and details, valid against the schema", () => {
    const { model, finding } = structured();
    const doc = JSON.parse(createJsonRenderer().render(model)) as Report;
    expect(validateReportJson(doc)).toEqual([]);
    const out = doc.stacks.flatMap((s) => s.findings).find((f) => f.id === finding.id)!;
    expect(out).toMatchObject(STRUCTURE);
  });

  it("html: the message, then the details folded under it (escaped)", () => {
    const { model, finding } = structured();
    const html = createHtmlRenderer().render(model);
    const at = html.indexOf(`<p class="finding-message">`);
    expect(at).toBeGreaterThan(0);
    expect(html).toContain(
      `<details class="finding-details"><summary>Details</summary><p>${STRUCTURE.details[0]}</p><p>PUE 1.15 (AWS global data-center PUE 2024) &lt;both regions&gt;.</p></details>`,
    );
    expect(html.indexOf(finding.message.slice(0, 20))).toBeLessThan(html.indexOf("finding-details"));
  });

  it("sarif: the message as the result's text, the structure in its properties", () => {
    const { model, finding } = structured();
    const log = JSON.parse(createSarifRenderer().render(model)) as { runs: { results: { message: { text: string }; properties: Record<string, unknown> }[] }[] };
    expect(validateSarif(log)).toEqual([]);
    const result = log.runs[0]!.results.find((r) => r.properties["findingId"] === finding.id)!;
    expect(result.message.text).toBe(finding.message);
    expect(result.properties).toMatchObject({ messageId: "aboveLimit", saving: STRUCTURE.saving, evidence: STRUCTURE.evidence, details: STRUCTURE.details });
    expect(result.properties["fix"]).toEqual({ from: "us-east-1", kind: "region", to: ["ca-central-1", "us-west-2"] });
  });
});
