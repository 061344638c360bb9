import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/model";
import { artifactUri, createSarifRenderer } from "../../src/report/renderers/sarif";
import { FIXTURE_NAMES, expectGolden, generatedReport, loadFixture, probeStreaming, validateSarif } from "./helpers";

const sarif = createSarifRenderer();

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: Record<string, any>[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { message: { text: string } }[] }[];
    results: Record<string, any>[];
  }[];
}

function parse(model: Report): SarifLog {
  return JSON.parse(sarif.render(model)) as SarifLog;
}

describe("sarif renderer", () => {
  for (const name of FIXTURE_NAMES) {
    it(`matches the golden output for ${name}`, () => {
      expectGolden(`${name}.sarif`, sarif.render(loadFixture(name)));
    });

    it(`is valid against the OASIS SARIF 2.1.0 schema (${name})`, () => {
      expect(validateSarif(parse(loadFixture(name)))).toEqual([]);
    });
  }

  it("the schema check is real: it rejects a broken log", () => {
    const log = parse(loadFixture("full")) as any;
    log.runs[0].results[0].level = "fatal";
    delete log.runs[0].tool.driver.name;
    expect(validateSarif(log).length).toBeGreaterThanOrEqual(2);
  });

  it("describes the tool and its rules from the report's rule metadata", () => {
    const model = loadFixture("full");
    const driver = parse(model).runs[0]!.tool.driver;
    expect(driver).toMatchObject({ name: "carbonguard", version: "0.1.0" });
    // No project web address exists yet: no informationUri, and the rules' pages are package paths, not help links.
    expect(driver.informationUri).toBeUndefined();
    // The measured-energy rule follows the policies' (the fixture has measured findings).
    expect(driver.rules.map((r) => r.id)).toEqual([...model.rules.map((r) => r.name), "carbonguard-measured-energy"]);
    const region = driver.rules[0]!;
    expect(region).toMatchObject({
      id: "ml-clean-energy-region",
      shortDescription: { text: "ML resources in clean-energy regions" },
      fullDescription: { text: model.rules[0]!.description },
      help: { text: model.rules[0]!.remediationSteps },
      defaultConfiguration: { level: "error" },
    });
    expect(region["helpUri"]).toBeUndefined();
    expect(driver.rules[1]!.defaultConfiguration).toEqual({ level: "warning" });
  });

  it("reports one result per finding with level, location, fingerprint and suppressions", () => {
    const model = loadFixture("full");
    const results = parse(model).runs[0]!.results;
    const findings = model.stacks.flatMap((s) => s.findings.map((f) => ({ s, f })));
    expect(results).toHaveLength(findings.length + 4);
    const measured = results.slice(findings.length);
    expect(measured.map((r) => r.partialFingerprints["carbonguardFindingId/v1"])).toEqual([
      "carbonguard-measured-energy/group/ml-platform",
      "carbonguard-measured-energy/group/research",
      "carbonguard-measured-energy/stack/llm-serving/prod",
      "carbonguard-measured-energy/stack/vision/staging-🚀",
    ]);
    expect(measured.every((r) => r.ruleId === "carbonguard-measured-energy" && r.level === "warning")).toBe(true);
    expect(measured[2]!.message.text).toMatch(/^stack llm-serving\/prod: 4 CodeCarbon runs measured 310\.5 kWh/);
    results.slice(0, findings.length).forEach((r, i) => {
      const { s, f } = findings[i]!;
      expect(r.ruleId).toBe(f.policy);
      expect(r.level).toBe(f.level === "mandatory" ? "error" : "warning");
      expect(r.message.text).toBe(f.message);
      expect(r.partialFingerprints).toEqual({ "carbonguardFindingId/v1": f.id });
      expect(r.locations[0].logicalLocations).toEqual([{ name: f.name, fullyQualifiedName: f.urn, kind: "resource" }]);
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe(artifactUri(s.source));
      if (f.waived) expect(r.suppressions).toEqual([expect.objectContaining({ kind: "external", status: "accepted", justification: f.waived.reason })]);
      else expect(r.suppressions).toBeUndefined();
      expect(r.baselineState).toBe(model.baseline!.newFindings.includes(f.id) ? "new" : "unchanged");
    });
  });

  it("reports unreadable inputs as failed-execution notifications", () => {
    const invocation = parse(loadFixture("full")).runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications?.map((n) => n.message.text)).toEqual([
      "Could not read .pulumi/stacks/llm-serving/broken.json.zst: zstd: corrupt frame (unknown frame descriptor)",
      "Could not read exports/truncated & <odd>.json: Unexpected end of JSON input at position 4096",
    ]);
    expect(parse(loadFixture("clean")).runs[0]!.invocations[0]!.executionSuccessful).toBe(true);
  });

  it("turns sources into URI references", () => {
    expect(artifactUri(".pulumi/stacks/p/s.json.gz")).toBe(".pulumi/stacks/p/s.json.gz");
    expect(artifactUri("backends/ü team/<x>.json")).toBe("backends/%C3%BC%20team/%3Cx%3E.json");
    expect(artifactUri("/home/ci/state/p/s.json")).toBe("file:///home/ci/state/p/s.json");
    expect(artifactUri("C:\\state\\p\\s.json")).toBe("file:///C:/state/p/s.json");
    expect(artifactUri("https://api.pulumi.com/api/stacks/acme/p/s/export")).toBe("https://api.pulumi.com/api/stacks/acme/p/s/export");
    expect(artifactUri("a:b/c.json")).toBe("a%3Ab/c.json");
    expect(artifactUri("")).toBeUndefined();
  });

  it("gives findings of a policy without metadata a rule of their own", () => {
    const model = structuredClone(loadFixture("full")) as Report & { rules: unknown[] };
    model.rules = model.rules.slice(1);
    const log = parse(model as Report);
    const ids = log.runs[0]!.tool.driver.rules.map((r) => r.id);
    expect(ids).toContain("ml-clean-energy-region");
    for (const r of log.runs[0]!.results) expect(ids[r.ruleIndex]).toBe(r.ruleId);
    expect(validateSarif(log)).toEqual([]);
  });

  it("is valid for a generated 300-stack model", () => {
    expect(validateSarif(parse(generatedReport(300, 3)))).toEqual([]);
  });

  it("streams: at most two passes over the stacks, results written as they are produced", () => {
    const model = generatedReport(50, 3);
    const probe = probeStreaming(sarif, model);
    expect(probe.output).toBe(sarif.render(model));
    // The pieces add up to the whole log serialised at once.
    expect(probe.output).toBe(`${JSON.stringify(JSON.parse(probe.output), null, 2)}\n`);
    expect(probe.passes).toBeLessThanOrEqual(2);
    expect(probe.chunks.length).toBeGreaterThan(model.stacks.length);
  });
});
