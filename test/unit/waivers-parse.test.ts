// Waiver documents: parsing (YAML/JSON) and validation; every defect names source, entry and field.
import { describe, expect, it } from "vitest";
import { formatLoadProblem, parseExpiry, parseWaiverText, validateWaiverDocument, validateWaiverEntries } from "../../src/waivers";

const SRC = "/repo/waivers.yaml";
const good = {
  policy: "ml-clean-energy-region",
  match: { urn: "urn:pulumi:prod::llm::*::llm-*" },
  reason: "Reserved capacity until the migration.",
  expires: "2031-03-01",
};

describe("parseWaiverText", () => {
  it("reads a YAML file with every field; unquoted dates stay as written", () => {
    const { waivers, problems } = parseWaiverText(
      [
        "version: 1",
        "waivers:",
        "  - policy: ml-clean-energy-region",
        "    match:",
        "      urn: 'urn:pulumi:prod::llm::aws:sagemaker/endpointConfiguration:EndpointConfiguration::llm-*'",
        "      stack: prod",
        "    reason: Reserved capacity in us-east-1 until Q3.",
        "    expires: 2031-09-01",
        "    approvedBy: jane@example.com",
        "    requestedBy: sam@example.com",
        "    ticket: 1234",
        "    category: mitigated",
      ].join("\n"),
      SRC,
    );
    expect(problems).toEqual([]);
    expect(waivers).toHaveLength(1);
    const [w] = waivers;
    expect(w).toMatchObject({
      policy: "ml-clean-energy-region",
      match: { stack: "prod" },
      reason: "Reserved capacity in us-east-1 until Q3.",
      expiresText: "2031-09-01",
      approvedBy: "jane@example.com",
      requestedBy: "sam@example.com",
      ticket: "1234",
      category: "mitigated",
      origin: { source: SRC, index: 0 },
    });
    expect(w!.expires.toISOString()).toBe("2031-09-01T00:00:00.000Z");
  });

  it("reads JSON by extension, and a bare list of entries; category defaults to waiver", () => {
    const r = parseWaiverText(JSON.stringify([good]), "/repo/w.json");
    expect(r.problems).toEqual([]);
    expect(r.waivers[0]).toMatchObject({ category: "waiver", origin: { source: "/repo/w.json", index: 0 } });
  });

  it("an empty file holds no waivers and no problems", () => {
    expect(parseWaiverText("", SRC)).toEqual({ waivers: [], problems: [] });
    expect(parseWaiverText("# nothing yet\n", SRC)).toEqual({ waivers: [], problems: [] });
    expect(parseWaiverText("waivers: []\n", SRC)).toEqual({ waivers: [], problems: [] });
  });

  it("a syntax error names the file and where", () => {
    const r = parseWaiverText("waivers:\n  - policy: [unclosed\n", SRC);
    expect(r.waivers).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(formatLoadProblem(r.problems[0]!)).toMatch(/^\/repo\/waivers\.yaml: not valid YAML: .*\(\d+:\d+\)/);
    expect(formatLoadProblem(parseWaiverText("{", "/r/w.json").problems[0]!)).toMatch(/^\/r\/w\.json: not valid JSON: /);
  });

  it("rejects duplicate keys (YAML would otherwise keep the last silently)", () => {
    const r = parseWaiverText("waivers: []\nwaivers: []\n", SRC);
    expect(r.problems[0]?.message).toMatch(/duplicated mapping key/);
  });
});

describe("validation: fail closed, name the entry and the field", () => {
  const problemsOf = (entry: Record<string, unknown>) => validateWaiverEntries([good, entry], SRC).problems.map(formatLoadProblem);

  it("reason is required (missing, null, blank)", () => {
    const { reason: _r, ...noReason } = good;
    expect(problemsOf(noReason)).toEqual([`${SRC}: waivers[1].reason: is required`]);
    expect(problemsOf({ ...good, reason: null })).toEqual([`${SRC}: waivers[1].reason: is required`]);
    expect(problemsOf({ ...good, reason: "   " })).toEqual([`${SRC}: waivers[1].reason: is required`]);
    expect(problemsOf({ ...good, reason: 42 })).toEqual([`${SRC}: waivers[1].reason: expected a string, got a number`]);
  });

  it("expires is required and must be a real ISO date or a zoned timestamp", () => {
    const { expires: _e, ...noExpiry } = good;
    expect(problemsOf(noExpiry)).toEqual([`${SRC}: waivers[1].expires: is required (an ISO date, e.g. 2025-09-01)`]);
    for (const bad of ["2031-02-30", "2031-13-01", "next friday", "01/09/2031", "2031-09-01T10:00:00", "1999-01-01"]) {
      expect(problemsOf({ ...good, expires: bad }), bad).toHaveLength(1);
      expect(problemsOf({ ...good, expires: bad })[0], bad).toContain("waivers[1].expires: ");
    }
    expect(problemsOf({ ...good, expires: 20310901 })).toEqual([`${SRC}: waivers[1].expires: expected an ISO date string, got a number`]);
    expect(problemsOf({ ...good, expires: "2031-09-01T10:00:00Z" })).toEqual([]);
    expect(problemsOf({ ...good, expires: "2031-09-01T10:00:00+02:00" })).toEqual([]);
  });

  it("a typo in a field name is an error, not an ignored key", () => {
    const { expires, ...rest } = good;
    expect(problemsOf({ ...rest, expiry: expires })).toEqual([
      `${SRC}: waivers[1].expiry: unknown field; allowed: policy, match, reason, expires, approvedBy, requestedBy, ticket, category`,
      `${SRC}: waivers[1].expires: is required (an ISO date, e.g. 2025-09-01)`,
    ]);
  });

  it("match must name at least one known field; a typo'd match key would otherwise match everything", () => {
    expect(problemsOf({ ...good, match: {} })[0]).toMatch(/waivers\[1\]\.match: is empty/);
    expect(problemsOf({ ...good, match: undefined })[0]).toMatch(/waivers\[1\]\.match: is required/);
    expect(problemsOf({ ...good, match: { urns: "x" } })).toEqual([`${SRC}: waivers[1].match.urns: unknown match field; allowed: urn, stack, project, name, type`]);
    expect(problemsOf({ ...good, match: { name: "" } })[0]).toMatch(/match\.name: expected a non-empty glob string/);
    expect(problemsOf({ ...good, match: "urn:pulumi:*" })[0]).toMatch(/match: expected a mapping, got a string/);
  });

  it("policy, category and optional strings are checked", () => {
    expect(problemsOf({ ...good, policy: "" })[0]).toMatch(/waivers\[1\]\.policy: is required/);
    expect(problemsOf({ ...good, policy: "no spaces allowed" })[0]).toMatch(/waivers\[1\]\.policy: must be a policy name/);
    expect(problemsOf({ ...good, category: "exempt" })).toEqual([`${SRC}: waivers[1].category: must be one of waiver, mitigated`]);
    expect(problemsOf({ ...good, approvedBy: "" })[0]).toMatch(/waivers\[1\]\.approvedBy: expected a non-empty string/);
    expect(problemsOf({ ...good, reason: "x".repeat(1001) })[0]).toMatch(/reason: is longer than 1000/);
  });

  it("an entry that is not a mapping, and a document that is not a waiver file", () => {
    expect(validateWaiverEntries(["oops"], SRC).problems.map(formatLoadProblem)).toEqual([`${SRC}: waivers[0]: expected a mapping, got a string`]);
    expect(validateWaiverDocument("text", SRC).problems[0]?.message).toMatch(/expected a mapping with a 'waivers' list/);
    expect(validateWaiverDocument({ waivers: {} }, SRC).problems[0]?.message).toBe("'waivers' must be a list, got a mapping");
    expect(validateWaiverDocument({}, SRC).problems[0]?.message).toBe("missing the 'waivers' list");
    expect(validateWaiverDocument({ version: 2, waivers: [] }, SRC).problems[0]?.message).toBe("version must be 1");
    expect(validateWaiverDocument({ version: 3, deployment: { resources: [] } }, SRC).problems.map((p) => p.message)).toContain(
      "unknown top-level key 'deployment' (this looks like a stack export, not a waiver file); allowed: version, waivers",
    );
  });

  it("collects every problem of every entry; valid entries are still returned for tools (the set fails closed)", () => {
    const r = validateWaiverEntries([good, { policy: "x" }, good], SRC);
    expect(r.waivers.map((w) => w.origin.index)).toEqual([0, 2]);
    expect(r.problems.map((p) => `${p.index}.${p.field}`)).toEqual(["1.match", "1.reason", "1.expires"]);
  });
});

describe("parseExpiry", () => {
  it("a date means 00:00 UTC that day; a timestamp keeps its zone", () => {
    expect(parseExpiry("2031-01-31")).toEqual({ ok: true, date: new Date("2031-01-31T00:00:00Z") });
    expect(parseExpiry("2031-01-31T12:30:00+01:00")).toEqual({ ok: true, date: new Date("2031-01-31T11:30:00Z") });
    expect(parseExpiry("2032-02-29").ok).toBe(true);
    expect(parseExpiry("2031-02-29").ok).toBe(false);
    expect(parseExpiry("2031-01-31T25:00:00Z").ok).toBe(false);
  });
});
