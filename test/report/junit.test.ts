import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/model";
import { createJunitRenderer } from "../../src/report/renderers/junit";
import { FIXTURE_NAMES, expectGolden, generatedReport, loadFixture, probeStreaming } from "./helpers";
import { parseJunit, xmlProblems } from "./xml";

const junit = createJunitRenderer();

describe("junit renderer", () => {
  for (const name of FIXTURE_NAMES) {
    it(`matches the golden output for ${name}`, () => {
      expectGolden(`${name}.junit.xml`, junit.render(loadFixture(name)));
    });

    it(`is well-formed XML (${name})`, () => {
      expect(xmlProblems(junit.render(loadFixture(name)))).toEqual([]);
    });
  }

  it("has one suite per stack and one test case per stack × policy", () => {
    const model = loadFixture("full");
    const doc = parseJunit(junit.render(model));
    const suites = doc.testsuites.testsuite!;
    expect(suites.map((s) => s["@_name"])).toEqual([...model.stacks.map((s) => s.id), "measured energy (CodeCarbon)", "unreadable inputs"]);
    model.stacks.forEach((stack, i) => {
      const cases = suites[i]!.testcase!;
      expect(cases.map((c) => c["@_name"])).toEqual(stack.policies.map((p) => p.policy));
      for (const c of cases) expect(c["@_classname"]).toBe(`${stack.project}.${stack.stack}`);
    });
    // + one failing case per measured comparison that is a finding (2 groups, 2 stacks); those within the factor are no case.
    expect(doc.testsuites["@_tests"]).toBe(String(model.stacks.length * 4 + model.unreadable.length + 4));
    expect(doc.testsuites["@_failures"]).toBe("10");
    const measured = suites[model.stacks.length]!.testcase!;
    expect(measured.map((c) => c["@_name"])).toEqual(["group ml-platform", "group research", "stack llm-serving/prod", "stack vision/staging-🚀"]);
    expect(measured[0]!.failure?.["@_type"]).toBe("measured-above-estimate");
    expect(measured[0]!.failure?.["@_message"]).toContain("3.10× the estimate of 100.2 kWh for the same period");
    expect(measured[1]!.failure?.["@_type"]).toBe("measured-below-estimate");
    expect(doc.testsuites["@_errors"]).toBe("2");
    expect(doc.testsuites["@_skipped"]).toBe("6");
  });

  it("fails failed policies with their messages, skips not-applicable ones, passes waived ones with a note", () => {
    const model = loadFixture("full");
    const suites = parseJunit(junit.render(model)).testsuites.testsuite!;
    const [region, fits, generation, declared] = suites[0]!.testcase!;
    expect(region!.failure?.["@_message"]).toBe("1 finding (mandatory)");
    expect(region!.failure?.["#text"]).toContain(model.stacks[0]!.findings[0]!.message);
    expect(fits!.failure?.["@_message"]).toBe("1 finding (advisory)");
    expect(generation!.failure).toBeUndefined();
    expect(generation!["system-out"]).toContain("Waived until 2025-09-30");
    expect(generation!["system-out"]).toContain("Reserved instance until the term ends; migrating in Q3 & tracked in ML-1234 <urgent>");
    expect(declared!.failure).toBeUndefined();
    expect(suites[1]!.testcase![1]!.skipped).toBeDefined();
    // XML-escaped text reads back as the original.
    const xss = suites[2]!;
    expect(xss["@_name"]).toBe("ml-sandbox/<img src=x onerror=alert(1)>");
    expect(xss.testcase![0]!.failure?.["#text"]).toContain(model.stacks[2]!.findings[0]!.message);
  });

  it("keeps text XML 1.0 cannot carry visible instead of breaking the document", () => {
    const model = structuredClone(loadFixture("clean")) as Report & { stacks: { stack: string; findings: unknown[] }[] };
    model.stacks[0]!.stack = "bad\u0000\u0001\ud800name\uffff]]>";
    const out = junit.render(model as Report);
    expect(xmlProblems(out)).toEqual([]);
    expect(out).toContain("bad\\u0000\\u0001\\uD800name\\uFFFF]]&gt;");
  });

  it("streams: at most two passes over the stacks, one suite written per stack as it is produced", () => {
    const model = generatedReport(50, 3);
    const probe = probeStreaming(junit, model);
    expect(probe.output).toBe(junit.render(model));
    expect(probe.passes).toBeLessThanOrEqual(2);
    expect(probe.chunks.length).toBeGreaterThan(model.stacks.length);
    expect(xmlProblems(probe.output)).toEqual([]);
  });
});

describe("the XML check", () => {
  it("is real: it rejects documents that are not well-formed", () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(xmlProblems(`${head}<a><b></a></b>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a x="1" x="2"/>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a x="<"/>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a>&foo;</a>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a>&</a>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a>]]></a>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a></a><b/>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a>\u0001</a>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a>\ud800</a>`)).not.toEqual([]);
    expect(xmlProblems(`<a/>`)).not.toEqual([]);
    expect(xmlProblems(`${head}<a>&amp; &#10; &lt;</a>`)).toEqual([]);
  });
});
